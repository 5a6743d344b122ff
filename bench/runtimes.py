#!/usr/bin/env python
"""Runtimes of one exported detector: eager fp32, eager bf16 (autocast), TorchScript and ONNX Runtime (CPU EP).

    python bench/runtimes.py --model RUN_OR_MODEL_DIR                 # 8000x6000 sliced image, 3 runs, CPU, 1 thread
    python bench/runtimes.py --model RUN --runs 5 --threads 0          # torch's default thread count
    python bench/runtimes.py --model RUN --device cuda                 # eager/TorchScript on the GPU, ORT with the CUDA EP if installed

For each runtime, in a fresh subprocess (so peak RSS is that runtime's own):
1. s/image: `detect.predict_images` on `--images` images of the model's training folder (or generated shapes), one at a time;
2. sliced MP/s: `tiles.sliced_predict` on a generated 8000x6000 PNG (`--size`), tile `--tile`, overlap `--overlap`:
   the whole call (PNG decode in the reader thread, tiling, merging);
3. the detector-only ceiling: the same detector called on the same tiles already decoded into float tensors in memory (no I/O,
   no merging), as image megapixels per second of detector time; the table gives sliced / ceiling;
4. peak RSS of the subprocess (ru_maxrss).
Each figure is the median of `--runs` runs (after one warm-up call). Missing exports are made first (`inflame.export.export`,
ONNX with dynamic=True), and their measured max differences from eager are printed. Prints a table; `--json FILE` writes it.
"""
from __future__ import annotations
import argparse, json, resource, statistics, subprocess, sys, tempfile, time
from pathlib import Path

RUNTIMES = {"eager fp32": ("torch", "fp32"), "eager bf16": ("torch", "bf16"), "torchscript": ("torchscript", "fp32"),
            "onnxruntime": ("onnxruntime", "fp32")}


def make_image(path: Path, width: int, height: int, seed: int = 0) -> Path:
    "A textured 8-bit RGB PNG of width x height with coloured shapes, written from small patches (cheap for big sizes)."
    import numpy as np
    from PIL import Image, ImageDraw
    rng = np.random.default_rng(seed)
    patches = []
    for _ in range(8):
        a = (rng.normal(110, 25, (400, 400, 3))).clip(0, 255).astype(np.uint8)
        im = Image.fromarray(a); d = ImageDraw.Draw(im)
        for _ in range(12):
            x, y, s = rng.integers(0, 360), rng.integers(0, 360), int(rng.integers(10, 40))
            c = tuple(int(v) for v in rng.integers(0, 255, 3))
            (d.ellipse if rng.random() < 0.5 else d.rectangle)([x, y, x + s, y + s], fill=c)
        patches.append(np.asarray(im))
    big = np.empty((height, width, 3), np.uint8)
    for y in range(0, height, 400):
        for x in range(0, width, 400):
            p = patches[int(rng.integers(len(patches)))]
            big[y:y + 400, x:x + 400] = p[:min(400, height - y), :min(400, width - x)]
    Image.fromarray(big).save(path, compress_level=1)
    return path


def worker(a) -> dict:
    "One runtime's figures (runs in its own process)."
    import numpy as np, torch
    from inflame import data as D
    from inflame.detect import predict_images
    from inflame.export import load_runtime
    from inflame.raster import open_raster
    from inflame.tiles import _inputs, sliced_predict, tile_grid
    if a.threads: torch.set_num_threads(a.threads)
    runtime, precision = RUNTIMES[a.worker]
    model, meta = load_runtime(a.model, runtime, a.device)
    labels = meta["labels"]
    ims = [D.load_image(p) for p in a.image_files]
    predict_images(model, ims[:1], labels, 0.05, precision)                        # warm-up
    per_image = []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        for im in ims: predict_images(model, [im], labels, 0.05, precision)
        per_image.append((time.perf_counter() - t0) / len(ims))
    r = open_raster(a.big); W, H = r.size
    grid = tile_grid(W, H, a.tile, a.overlap)
    from inflame.core import TilesConfig
    from inflame.tiles import SliceOptions
    kw = dict(tiles=TilesConfig(size=a.tile, overlap=a.overlap), score_threshold=0.3, labels=labels,
              options=SliceOptions(progress=False, precision=precision, allow_large=True))
    sliced, n_dets = [], 0
    for _ in range(a.runs):
        t0 = time.perf_counter(); rec = sliced_predict(model, a.big, **kw); sliced.append(time.perf_counter() - t0)
        n_dets = len(rec["detections"])
    sub = grid[:: max(1, len(grid) // a.ceiling_tiles)][: a.ceiling_tiles]      # spread over the image
    arrays = [arr for _, arr in r.tiles(sub)]
    dev = torch.device(a.device if a.device != "auto" else "cpu")
    xs = _inputs([np.ascontiguousarray(x) for x in arrays], dev)
    from inflame.core import autocast_inference, inference_dtype
    dtype = inference_dtype(precision, dev)
    with torch.inference_mode(), autocast_inference(model, dtype, dev): model(xs[:1])
    ceiling = []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        with torch.inference_mode(), autocast_inference(model, dtype, dev):
            for x in xs: model([x])
        ceiling.append((time.perf_counter() - t0) / len(xs) * len(grid))          # detector seconds for the whole grid
    mp = W * H / 1e6
    return {"runtime": a.worker, "s_per_image": statistics.median(per_image), "sliced_mp_s": mp / statistics.median(sliced),
            "ceiling_mp_s": mp / statistics.median(ceiling), "ratio": statistics.median(ceiling) / statistics.median(sliced),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "tiles": len(grid), "detections": n_dets,
            "runs": a.runs}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="an inflame detector: run folder or model folder")
    p.add_argument("--device", default="cpu"); p.add_argument("--runs", type=int, default=3)
    p.add_argument("--threads", type=int, default=1, help="torch / ONNX Runtime threads (0: torch's default)")
    p.add_argument("--size", default="8000x6000", help="WxH of the generated sliced image")
    p.add_argument("--tile", type=int, default=512); p.add_argument("--overlap", type=float, default=0.2)
    p.add_argument("--images", type=int, default=8, help="images for s/image"); p.add_argument("--ceiling-tiles", type=int, default=48)
    p.add_argument("--runtimes", default=",".join(RUNTIMES), help="comma-separated subset of: " + ", ".join(RUNTIMES))
    p.add_argument("--json", default=None); p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    p.add_argument("--big", default=None, help=argparse.SUPPRESS); p.add_argument("--image-files", nargs="*", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.runs < 3: p.error("--runs: at least 3 (each figure is a median)")
    if a.worker: print(json.dumps(worker(a))); return
    from inflame import data as D
    from inflame.export import export, read_model
    d, meta = read_model(a.model)
    if meta["task"] != "detect": p.error(f"--model {a.model}: a {meta['task']} model; this benchmark is for detectors")
    diffs = {}
    for fmt in ("torchscript", "onnx"):
        f = d / f"export_{fmt}.json"
        info = json.loads(f.read_text()) if f.is_file() else export(d, fmt, dynamic=True, device=a.device)
        diffs[fmt] = {k: info["check"][k] for k in ("max_box_px", "max_score", "unmatched", "ok")}
    tmp = Path(tempfile.mkdtemp(prefix="inflame-bench-"))
    src = (meta.get("config") or {}).get("data", {}).get("path", "")
    files = D.list_images(src)[: a.images] if src and Path(src).is_dir() else []
    if not files: files = D.list_images(D.make_shapes(tmp / "shapes", n=a.images, task="detect", size=meta.get("min_size") or 128, seed=0))[: a.images]
    W, H = (int(v) for v in a.size.lower().split("x"))
    t0 = time.time(); big = make_image(tmp / f"big_{W}x{H}.png", W, H)
    print(f"{big.name}: {W * H / 1e6:.0f} MP written in {time.time() - t0:.1f} s; exports vs eager: {json.dumps(diffs)}", file=sys.stderr)
    rows = []
    for name in a.runtimes.split(","):
        if name not in RUNTIMES: p.error(f"--runtimes: {name!r} is not one of {', '.join(RUNTIMES)}")
        cmd = [sys.executable, __file__, "--model", str(d), "--device", a.device, "--runs", str(a.runs), "--threads", str(a.threads),
               "--tile", str(a.tile), "--overlap", str(a.overlap), "--ceiling-tiles", str(a.ceiling_tiles), "--worker", name,
               "--big", str(big), "--image-files", *map(str, files)]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode: print(f"{name}: failed\n{out.stderr[-2000:]}", file=sys.stderr); continue
        rows.append(json.loads(out.stdout.strip().splitlines()[-1])); print(f"{name}: done", file=sys.stderr)
    print(f"\n{meta.get('arch')} ({d}), {a.device}, {a.threads or 'default'} thread(s), sliced {W}x{H} tile {a.tile} overlap {a.overlap}, "
          f"median of {a.runs} runs")
    print(f"{'runtime':<13} {'s/image':>9} {'sliced MP/s':>12} {'ceiling MP/s':>13} {'sliced/ceiling':>15} {'peak RSS MB':>12}")
    for r in rows:
        print(f"{r['runtime']:<13} {r['s_per_image']:>9.4f} {r['sliced_mp_s']:>12.2f} {r['ceiling_mp_s']:>13.2f} {r['ratio']:>15.2f} {r['peak_rss_mb']:>12.0f}")
    if a.json: Path(a.json).write_text(json.dumps({"rows": rows, "export_diffs": diffs}, indent=2))


if __name__ == "__main__":
    main()
