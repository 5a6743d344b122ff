#!/usr/bin/env python
"""Detection speed: TridentNet (fast / all) vs torchvision's stock Faster R-CNN with the same backbone depth.

Measures training seconds per iteration (forward + backward + Adam step) and inference seconds per image for
  trident_r{D}   test "fast" (middle branch) and "all" (3 branches + NMS merge), C4 head
  fasterrcnn_r{D}_c4   the same C4 detector without trident blocks (what the trident blocks cost)
  fasterrcnn_r50_fpn   torchvision's stock Faster R-CNN (baseline; ResNet-50 FPN)
on shapes images (inflame.data.make_shapes) at --size pixels, with random init (no weights are downloaded).
Prints a table with ratios against the baseline. CPU by default; on a GPU use e.g. --device cuda --size 800 --bf16.

    python bench/detect_speed.py                       # CPU, 320 px, batch 2
    python bench/detect_speed.py --device cuda --size 800 --batch 8 --bf16 --iters 20
"""
from __future__ import annotations
import argparse, contextlib, json, sys, tempfile, time, warnings
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from inflame import data as D
from inflame.detect import build_torchvision_model, collate_detection, DetectionDataset, detection_items, coco_labels


def _sync(dev):
    if dev.type == "cuda": torch.cuda.synchronize()


def bench(arch, imgs, tgts, dev, args, test_branches="fast", train=True):
    torch.manual_seed(0)
    m = build_torchvision_model(arch, 4, args.size, args.size, test_branches=test_branches).to(dev)
    nparams = sum(p.numel() for p in m.parameters())
    ac = torch.autocast(dev.type, dtype=torch.bfloat16) if args.bf16 else contextlib.nullcontext()
    res = {"arch": arch, "test": test_branches if arch.startswith("trident") else "-", "params_M": round(nparams / 1e6, 2)}
    if dev.type == "cuda": torch.cuda.reset_peak_memory_stats()
    if train:
        m.train(); opt = torch.optim.Adam(m.parameters(), 1e-4); times = []
        for i in range(args.warmup + args.iters):
            b = [x.to(dev) for x in imgs[: args.batch]], [{k: v.to(dev) for k, v in t.items()} for t in tgts[: args.batch]]
            _sync(dev); t0 = time.perf_counter()
            with ac: loss = sum(m(*b).values())
            loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
            _sync(dev)
            if i >= args.warmup: times.append(time.perf_counter() - t0)
        res["train_s_iter"] = sum(times) / len(times)
        res["train_img_s"] = args.batch / res["train_s_iter"]
    m.eval(); times = []
    with torch.no_grad():
        for i in range(args.warmup + args.iters):
            x = [im.to(dev) for im in imgs[: args.batch]]
            _sync(dev); t0 = time.perf_counter()
            with ac: m(x)
            _sync(dev)
            if i >= args.warmup: times.append(time.perf_counter() - t0)
    res["infer_s_img"] = sum(times) / len(times) / args.batch
    res["infer_img_s"] = 1 / res["infer_s_img"]
    if dev.type == "cuda": res["peak_mem_GB"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
    return res


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--depth", choices=["50", "101", "tiny"], default="50", help="ResNet depth of the trident and C4 models (tiny: the CPU demo arch)")
    p.add_argument("--size", type=int, default=320, help="image side (min_size = max_size)")
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--iters", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--device", default="cpu")
    p.add_argument("--bf16", action="store_true", help="bf16 autocast")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args(argv)
    if args.threads: torch.set_num_threads(args.threads)
    dev = torch.device(args.device)
    warnings.filterwarnings("ignore")
    tmp = Path(tempfile.mkdtemp())
    root = D.make_shapes(tmp / "shapes", n=args.batch, task="detect", size=args.size, seed=0)
    man, _ = D.make_manifest(root / "images", "detect", root / "annotations.json", valid_pct=0, seed=0, progress=False)
    coco = D.read_coco(root / "annotations.json", root / "images")
    imgs, tgts = collate_detection([DetectionDataset(detection_items(man, coco))[i] for i in range(args.batch)])
    d = args.depth
    t, c4 = (f"trident_r{d}", f"fasterrcnn_r{d}_c4") if d != "tiny" else ("trident_tiny", "fasterrcnn_tiny_c4")
    runs = [(t, "fast", True), (t, "all", False), (c4, "fast", True), ("fasterrcnn_r50_fpn", "fast", True)]
    rows, train_all = [], None
    for arch, tb, tr in runs:
        print(f"... {arch} ({tb})", file=sys.stderr, flush=True)
        r = bench(arch, imgs, tgts, dev, args, tb, tr)
        if arch.startswith("trident") and tb == "all": r["train_s_iter"], r["train_img_s"] = rows[0]["train_s_iter"], rows[0]["train_img_s"]
        rows.append(r)
    base = rows[-1]
    print(f"\ndevice {dev} ({torch.get_num_threads()} threads), {args.size} px, batch {args.batch}, {args.iters} iters after "
          f"{args.warmup} warm-up, {'bf16' if args.bf16 else 'fp32'}, torch {torch.__version__}")
    hdr = f"{'model':<22}{'test':<6}{'params M':>9}{'train s/iter':>14}{'infer s/img':>13}{'infer img/s':>13}{'train x base':>14}{'infer x base':>14}"
    print(hdr); print("-" * len(hdr))
    for r in rows:
        print(f"{r['arch']:<22}{r['test']:<6}{r['params_M']:>9.2f}{r['train_s_iter']:>14.3f}{r['infer_s_img']:>13.3f}"
              f"{r['infer_img_s']:>13.2f}{r['train_s_iter'] / base['train_s_iter']:>14.2f}{r['infer_s_img'] / base['infer_s_img']:>14.2f}"
              + (f"  peak {r['peak_mem_GB']} GB" if "peak_mem_GB" in r else ""))
    print("(trident 'all' trains exactly as 'fast': 3 branches in training either way; its train column repeats the fast row)")
    if args.json: Path(args.json).write_text(json.dumps({"args": vars(args), "rows": rows}, indent=1))
    return rows


if __name__ == "__main__":
    main()
