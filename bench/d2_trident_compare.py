#!/usr/bin/env python
"""TridentNet: Detectron2's own TridentNet project vs inflame's TridentNet, same tiny data, network and schedule length.

    python bench/d2_trident_compare.py --d2-checkout ~/src/detectron2             # 600 iterations, batch 4, 128 px, CPU
    python bench/d2_trident_compare.py --d2-checkout ~/src/detectron2 --quick     # 30 iterations, a smoke run

Needs Detectron2 importable in this Python (it is not on PyPI: build it from source, see
https://detectron2.readthedocs.io/en/latest/tutorials/install.html) and a Detectron2 source checkout, whose
projects/TridentNet is put on sys.path (`--d2-checkout`, default $DETECTRON2_CHECKOUT); nothing of Detectron2 is
copied here, and this script never builds or installs it (exit status 2 when it cannot be imported).

What it does:
1. writes 96 shapes images (inflame.data.make_shapes, task "detect", --size px, seed 0) and splits them 2/3 : 1/3 with
   inflame.data.make_manifest (63 train / 33 valid), also as train.json / valid.json COCO files for Detectron2;
2. trains four TridentNets (3 branches, dilations 1-2-3, the middle branch at test time) of the same tiny size as
   inflame's `trident_tiny`: ResNet blocks 1-1-2-1 of base width 16, res4 (the trident stage) at stride 8, a
   128-channel RPN conv, 7x7 RoIs, 16 RoIs per image, anchors scaled to the image size; random init (no pretrained
   weights), batch --batch, --iters iterations, one CPU thread each (--threads), each in its own subprocess so the
   peak RSS is per run:
   (a) Detectron2's DefaultTrainer (SGD, lr 0.01, warm-up, step at 75%) with projects/TridentNet
       (tridentnet_fast_R_50_C4_1x.yaml), cut to the tiny network after it is built: the first blocks of res2, res3,
       res4's first and last (concatenating) block and res5's first block; res4's first block made stride 1;
   (b) the same trainer and settings with inflame's TridentNet components for Detectron2 (inflame.d2, arch
       "trident_tiny"): (a) vs (b) is the network code alone (the script prints the config keys that differ);
   (c) `inflame train` with [model] backend = "detectron2" (inflame's fastai loop: one-cycle Adam, lr 0.002,
       flip + resize + colour-jitter augmentation, validation after every epoch, inflame's default
       PROPOSAL_APPEND_GT = true), with the epochs that give --iters iterations (63 // batch iterations an epoch);
   (d) the same with backend = "torchvision" (inflame's default: the same network on torchvision's detection parts);
3. prints a table with ratios against (a): training seconds per iteration (wall and process CPU), peak RSS of the
   run (training and evaluation), and COCO AP / AP50 on the 33 validation images (pycocotools; Detectron2's
   COCOEvaluator for (a) and (b), inflame's evaluation for (c) and (d)).
s/iter is measured the same way in all four: the wall (and CPU) time between the ends of consecutive training
iterations, so data loading and the trainer's per-iteration hooks/callbacks are included, the first 5 iterations are
left out (warm-up) and, for (c) and (d), so is each epoch's first iteration (it follows the validation pass).
(c) and (d) train with inflame's own recipe, so their AP is not the network alone: compare (a) with (b) for that.
Logs, configs and run folders are kept under --work (default: a temporary folder); `--json FILE` writes the figures.
"""
from __future__ import annotations
import argparse, json, os, resource, subprocess, sys, tempfile, time
from pathlib import Path

D2_INSTALL_URL = "https://detectron2.readthedocs.io/en/latest/tutorials/install.html"
PROJECT_CONFIG = "projects/TridentNet/configs/tridentnet_fast_R_50_C4_1x.yaml"
WARMUP = 5           # iterations left out of s/iter
N_IMAGES = 96        # 63 train / 33 valid
RUNS = {  # key: (label, trainer, TridentNet code)
    "d2_project": ("(a) Detectron2 TridentNet project", "Detectron2 DefaultTrainer", "projects/TridentNet"),
    "d2_inflame": ("(b) inflame TridentNet in Detectron2", "Detectron2 DefaultTrainer", "inflame.d2"),
    "inflame_d2": ("(c) inflame train, detectron2", "inflame train (fastai)", "inflame.d2"),
    "inflame_tv": ("(d) inflame train, torchvision", "inflame train (fastai)", "inflame.detect (torchvision)"),
}


def _rss_mb() -> float: return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def _per_iter(rows: list, warmup: int = WARMUP) -> tuple[float, float, int]:
    "Mean wall and CPU seconds per iteration from `(epoch, wall, cpu)` at the end of each iteration, skipping warm-up and epoch starts."
    dw, dc = [], []
    for i in range(max(warmup, 1), len(rows)):
        if rows[i][0] == rows[i - 1][0]: dw.append(rows[i][1] - rows[i - 1][1]); dc.append(rows[i][2] - rows[i - 1][2])
    n = len(dw)
    return (sum(dw) / n, sum(dc) / n, n) if n else (float("nan"), float("nan"), 0)


# ---------------------------------------------------------------------------------------------------- the data (parent)
def make_data(root: Path, size: int) -> Path:
    "Shapes images + an inflame manifest + the same split as COCO jsons (train.json, valid.json); reused when already there."
    stamp = {"n": N_IMAGES, "size": size, "seed": 0, "valid_pct": "1/3"}
    if (root / "stamp.json").is_file() and json.loads((root / "stamp.json").read_text()) == stamp: return root
    from inflame.data import make_shapes, make_manifest
    make_shapes(root, n=N_IMAGES, task="detect", size=size, seed=0)
    m, _ = make_manifest(root / "images", "detect", root / "annotations.json", valid_pct=1 / 3, seed=0, progress=False)
    m.save(root / "manifest.json")
    coco = json.loads((root / "annotations.json").read_text())
    for split in ("train", "valid"):
        names = {Path(r["path"]).name for r in m.split(split)}
        ims = [im for im in coco["images"] if im["file_name"] in names]; ids = {im["id"] for im in ims}
        sub = {**coco, "images": ims, "annotations": [a for a in coco["annotations"] if a["image_id"] in ids]}
        (root / f"{split}.json").write_text(json.dumps(sub))
    (root / "stamp.json").write_text(json.dumps(stamp))
    return root


# ---------------------------------------------------------------------------------------------------- (a), (b): Detectron2's trainer (worker)
def d2_worker(a) -> dict:
    "Train (a) or (b) with Detectron2's DefaultTrainer, evaluate with COCOEvaluator."
    import torch
    from torch import nn
    from detectron2.config import get_cfg
    from detectron2.data import build_detection_test_loader
    from detectron2.data.datasets import register_coco_instances
    from detectron2.engine import DefaultTrainer, HookBase
    from detectron2.evaluation import COCOEvaluator, inference_on_dataset
    torch.set_num_threads(a.threads)
    data, out = Path(a.data), Path(a.out)
    for s in ("train", "valid"): register_coco_instances(f"shapes_{s}", {}, str(data / f"{s}.json"), str(data / "images"))
    coco = json.loads((data / "train.json").read_text())
    labels = [c["name"] for c in sorted(coco["categories"], key=lambda c: c["id"])]
    sizes = tuple(sorted({max(16, int(round(a.size * f))) for f in (0.8, 0.9)} | {a.size}))   # inflame's training sizes
    f = max(min(a.size / 800, 1.0), 0.25)                                                  # inflame's anchor scale
    common = [   # the tiny TridentNet and the schedule, the same for (a) and (b)
        "MODEL.WEIGHTS", "", "MODEL.DEVICE", "cpu", "MODEL.ROI_HEADS.NUM_CLASSES", len(labels),
        "MODEL.RESNETS.DEPTH", 50, "MODEL.RESNETS.NORM", "BN", "MODEL.BACKBONE.FREEZE_AT", 0, "MODEL.RESNETS.STRIDE_IN_1X1", False,
        "MODEL.RESNETS.STEM_OUT_CHANNELS", 16, "MODEL.RESNETS.RES2_OUT_CHANNELS", 64, "MODEL.RESNETS.WIDTH_PER_GROUP", 16,
        "MODEL.ANCHOR_GENERATOR.SIZES", [[int(round(s * f)) for s in (32, 64, 128, 256, 512)]],
        "MODEL.RPN.CONV_DIMS", [128],
        "MODEL.RPN.PRE_NMS_TOPK_TRAIN", 1000, "MODEL.RPN.POST_NMS_TOPK_TRAIN", 100,
        "MODEL.RPN.PRE_NMS_TOPK_TEST", 500, "MODEL.RPN.POST_NMS_TOPK_TEST", 100,
        "MODEL.ROI_HEADS.BATCH_SIZE_PER_IMAGE", 16, "MODEL.ROI_HEADS.POSITIVE_FRACTION", 0.5,
        "MODEL.ROI_HEADS.PROPOSAL_APPEND_GT", False, "MODEL.ROI_HEADS.SCORE_THRESH_TEST", 0.05,
        "MODEL.ROI_BOX_HEAD.POOLER_RESOLUTION", 7,
        "MODEL.TRIDENT.NUM_BRANCH", 3, "MODEL.TRIDENT.BRANCH_DILATIONS", [1, 2, 3], "MODEL.TRIDENT.TEST_BRANCH_IDX", 1,
        "INPUT.MIN_SIZE_TRAIN", sizes, "INPUT.MAX_SIZE_TRAIN", a.size, "INPUT.MIN_SIZE_TEST", a.size, "INPUT.MAX_SIZE_TEST", a.size,
        "DATASETS.TRAIN", ("shapes_train",), "DATASETS.TEST", ("shapes_valid",),
        "SOLVER.IMS_PER_BATCH", a.batch, "SOLVER.BASE_LR", 0.01, "SOLVER.MAX_ITER", a.iters,
        "SOLVER.STEPS", (int(a.iters * 0.75),), "SOLVER.WARMUP_ITERS", min(30, a.iters), "SOLVER.CHECKPOINT_PERIOD", 10 ** 9,
        "DATALOADER.NUM_WORKERS", 0, "TEST.EVAL_PERIOD", 0, "OUTPUT_DIR", str(out), "SEED", 0,
    ]
    if a.worker == "d2_project":
        sys.path.insert(0, str(Path(a.d2_checkout) / "projects" / "TridentNet"))
        from tridentnet import add_tridentnet_config
        from tridentnet.trident_backbone import build_trident_resnet_backbone
        from detectron2.modeling import BACKBONE_REGISTRY
        cfg = get_cfg(); add_tridentnet_config(cfg)
        cfg.merge_from_file(str(Path(a.d2_checkout) / PROJECT_CONFIG))

        @BACKBONE_REGISTRY.register()
        def build_trident_resnet_backbone_stride8(cfg, input_shape):
            "The project's backbone with res4's first block not striding (res4 at stride 8), before the heads read its strides."
            net = build_trident_resnet_backbone(cfg, input_shape); b = net.res4[0]
            for conv in (b.conv1, b.conv2, b.shortcut):
                if conv is not None: conv.stride = (1, 1)
            b.stride = 1
            net._out_feature_strides["res4"] //= 2
            return net
        cfg.MODEL.BACKBONE.NAME = "build_trident_resnet_backbone_stride8"
    else:
        import inflame.d2 as D
        from inflame.core import config_from_dict
        icfg = config_from_dict({"task": {"kind": "detect"}, "data": {"path": str(data)},
                                 "model": {"arch": "trident_tiny", "backend": "detectron2", "min_size": a.size, "max_size": a.size}})
        D.InflameTridentRPN   # noqa: B018 -- defines and registers inflame's Detectron2 components
        cfg = D.make_d2_config(icfg, labels).clone(); cfg.defrost()
    cfg.merge_from_list(common); cfg.freeze(); out.mkdir(parents=True, exist_ok=True)
    (out / "config.yaml").write_text(cfg.dump())

    def cut(model):
        "(a): the tiny network (blocks 1-1-2-1, as trident_tiny): first blocks; res4 keeps its last (concatenating) block."
        if a.worker != "d2_project": return model
        bb = model.backbone
        for name, n in (("res2", 1), ("res3", 1), ("res4", 2)):
            i = bb.stage_names.index(name); blocks = list(bb.stages[i])
            st = nn.Sequential(*(blocks[:n] if name != "res4" else [blocks[0], blocks[-1]]))
            bb.stages[i] = st; setattr(bb, name, st)
        model.roi_heads.res5 = nn.Sequential(*list(model.roi_heads.res5)[:1])
        return model

    class IterClock(HookBase):
        "Wall and CPU clock at the end of every iteration (after the other hooks)."
        def before_train(self): self.rows = []
        def after_step(self): self.rows.append((0, time.perf_counter(), time.process_time()))

    clock = IterClock()

    class Trainer(DefaultTrainer):
        @classmethod
        def build_model(cls, cfg): return cut(super().build_model(cfg))
        def build_hooks(self):   # no checkpoints, no evaluation while training
            return [h for h in super().build_hooks() if type(h).__name__ not in ("PeriodicCheckpointer", "EvalHook")] + [clock]

    t0 = time.perf_counter()
    tr = Trainer(cfg); tr.resume_or_load(resume=False)
    nparams = sum(p.numel() for p in tr.model.parameters())
    print("MODEL", a.worker, nparams, "params; blocks", [len(s) for s in tr.model.backbone.stages], len(tr.model.roi_heads.res5), flush=True)
    tr.train()
    train_wall, rss_train = time.perf_counter() - t0, _rss_mb()
    s_iter, cpu_iter, n = _per_iter(clock.rows)
    loader = build_detection_test_loader(cfg, "shapes_valid")
    t1 = time.perf_counter()
    res = inference_on_dataset(tr.model.eval(), loader, COCOEvaluator("shapes_valid", output_dir=str(out)))
    infer = (time.perf_counter() - t1) / len(loader.dataset)
    dets = len(json.loads((out / "coco_instances_results.json").read_text()))
    ap, ap50 = (res["bbox"]["AP"] / 100, res["bbox"]["AP50"] / 100) if dets else (0.0, 0.0)   # no detections: COCOEvaluator says NaN
    return {"iters": len(clock.rows), "timed_iters": n, "params": nparams, "s_iter": s_iter, "cpu_s_iter": cpu_iter,
            "train_wall_s": train_wall, "peak_rss_mb_train": rss_train, "peak_rss_mb": _rss_mb(), "infer_s_img": infer,
            "AP": ap, "AP50": ap50, "detections": dets, "out": str(out)}


# ---------------------------------------------------------------------------------------------------- (c), (d): `inflame train` (worker)
def inflame_worker(a) -> dict:
    "Train (c) or (d) through `inflame train`'s entry point on a TOML config written here; evaluate as inflame does."
    import torch
    from fastai.callback.core import Callback
    torch.set_num_threads(a.threads)
    import inflame.detect as det
    from inflame import scale
    from inflame.core import dumps_toml
    data, out = Path(a.data), Path(a.out); out.mkdir(parents=True, exist_ok=True)
    backend = "detectron2" if a.worker == "inflame_d2" else "torchvision"
    conf = {"task": {"kind": "detect", "name": f"trident_{backend}"},
            "data": {"path": str(data / "images"), "annotations": str(data / "annotations.json"), "manifest": str(data / "manifest.json")},
            "model": {"arch": "trident_tiny", "backend": backend, "pretrained": False, "min_size": a.size, "max_size": a.size},
            "train": {"epochs": a.epochs, "batch_size": a.batch, "lr": 0.002, "weight_decay": 1e-4, "seed": 0},
            "io": {"training_output": str(out / "runs")}, "track": {"enabled": False}}
    (out / "config.toml").write_text(dumps_toml(conf))

    class IterClock(Callback):
        "Wall and CPU clock at the end of every training batch (after the other callbacks)."
        order = 100
        def before_fit(self): self.rows = []
        def after_batch(self):
            if self.training: self.rows.append((self.epoch, time.perf_counter(), time.process_time()))

    clock, runs = IterClock(), []
    def train_fn(cfg, resume=None):
        r = det.train(cfg, resume, cbs=[clock]); runs.append(r); return r
    t0 = time.perf_counter()
    rc = scale.run_train(out / "config.toml", train_fn=train_fn)   # what `inflame train config.toml` runs
    if rc: raise SystemExit(f"inflame train returned {rc}")
    train_wall, rss = time.perf_counter() - t0, _rss_mb()             # includes inflame's final evaluation
    run = runs[0]; s = json.loads((run / "summary.json").read_text())
    s_iter, cpu_iter, n = _per_iter(clock.rows)
    t1 = time.perf_counter()
    ev = det.evaluate(run, data / "manifest.json", split="valid", annotations=str(data / "annotations.json"), out=run / "eval_b1",
                      batch_size=1, device="cpu", progress=False)                      # batch 1, as Detectron2's test loader
    infer = (time.perf_counter() - t1) / ev["images"]
    params = sum(p.numel() for p in det.load_model(run, device="cpu")[0].parameters())
    return {"iters": len(clock.rows), "timed_iters": n, "params": params, "s_iter": s_iter, "cpu_s_iter": cpu_iter,
            "s_iter_inflame": s["s_per_iter"], "train_wall_s": train_wall, "peak_rss_mb": rss, "infer_s_img": infer,
            "AP": s["valid"]["ap"] or 0.0, "AP50": s["valid"]["ap50"] or 0.0, "detections": s["valid"]["detections"], "out": str(run)}


def run_worker(key: str, a, logs: Path, **kw) -> dict:
    "Run one training in a fresh Python process (its log under `logs`); returns its RESULT."
    args = [sys.executable, __file__, "--worker", key, "--batch", str(a.batch), "--size", str(a.size), "--threads", str(a.threads)]
    args += [x for k, v in kw.items() for x in (f"--{k.replace('_', '-')}", str(v))]
    env = {**os.environ, "OMP_NUM_THREADS": str(a.threads), "MKL_NUM_THREADS": str(a.threads)}
    log = logs / f"{key}.log"
    t = time.perf_counter()
    with open(log, "w") as f: p = subprocess.run(args, stdout=f, stderr=subprocess.STDOUT, env=env)
    lines = [l for l in log.read_text().splitlines() if l.startswith("RESULT ")]
    if p.returncode or not lines:
        tail = "\n".join(log.read_text().splitlines()[-30:])
        raise SystemExit(f"{key} failed (exit {p.returncode}): {' '.join(args)}\n--- last lines of {log}:\n{tail}")
    r = json.loads(lines[-1][7:]); r["process_wall_s"] = time.perf_counter() - t; r["log"] = str(log)
    return r


# ---------------------------------------------------------------------------------------------------- comparison (parent)
def _flat(d: dict, pre: str = "") -> dict:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict): out.update(_flat(v, f"{pre}{k}."))
        else: out[f"{pre}{k}"] = v
    return out

def config_diff(a: Path, b: Path) -> list:
    "Keys whose values differ between two dumped Detectron2 configs (OUTPUT_DIR left out)."
    import yaml
    x, y = (_flat(yaml.safe_load(p.read_text())) for p in (a, b))
    return [(k, x.get(k, "<absent>"), y.get(k, "<absent>")) for k in sorted(set(x) | set(y)) if k != "OUTPUT_DIR" and x.get(k, "<absent>") != y.get(k, "<absent>")]

def check_detectron2(checkout: str | None) -> tuple[str, Path]:
    "Detectron2's version and location, and the checkout's projects/TridentNet; exits 2 with a message when either is missing."
    import warnings
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)   # torch.jit.script deprecation warnings at import
            import detectron2
            import detectron2.modeling  # noqa: F401
    except ImportError as e:
        print(f"Detectron2 cannot be imported in {sys.executable} ({e}).\nDetectron2 is not on PyPI: build it from source "
              f"against your installed torch, see {D2_INSTALL_URL}\n(for example `git clone https://github.com/facebookresearch/detectron2 "
              f"&& pip install --no-build-isolation -e detectron2`), then pass that checkout with --d2-checkout.", file=sys.stderr)
        raise SystemExit(2)
    if not checkout:
        print("needs a Detectron2 source checkout for its projects/TridentNet: pass --d2-checkout PATH or set DETECTRON2_CHECKOUT "
              f"(git clone https://github.com/facebookresearch/detectron2; see {D2_INSTALL_URL})", file=sys.stderr)
        raise SystemExit(2)
    root = Path(checkout).expanduser().resolve()
    if not (root / "projects/TridentNet/tridentnet/__init__.py").is_file() or not (root / PROJECT_CONFIG).is_file():
        print(f"{root}: not a Detectron2 source checkout with projects/TridentNet (looked for {PROJECT_CONFIG})", file=sys.stderr)
        raise SystemExit(2)
    return f"{detectron2.__version__} ({Path(detectron2.__file__).parent})", root

def _git_rev(root: Path) -> str | None:
    "The checkout's commit, when it is a git work tree."
    try: return subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError): return None

def _ratio(x, base) -> str:
    try: return f"{x / base:.2f}x" if base and x == x and base == base else "-"
    except TypeError: return "-"

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog="See the module docstring for what is compared.")
    ap.add_argument("--worker", choices=list(RUNS), help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS); ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--epochs", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--d2-checkout", default=os.environ.get("DETECTRON2_CHECKOUT"),
                    help="a Detectron2 source checkout (its projects/TridentNet is used); default $DETECTRON2_CHECKOUT")
    ap.add_argument("--work", default=None, help="folder for the data, logs and runs (default: a temporary folder)")
    ap.add_argument("--iters", type=int, default=600, help="training iterations of every run")
    ap.add_argument("--batch", type=int, default=4, help="images per iteration")
    ap.add_argument("--size", type=int, default=128, help="image side (the images are made at this size; min_size = max_size)")
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads of every run")
    ap.add_argument("--quick", action="store_true", help="30 iterations: a smoke run (AP is meaningless)")
    ap.add_argument("--json", default=None, help="write the figures here")
    a = ap.parse_args()
    if a.worker:
        r = d2_worker(a) if a.worker.startswith("d2_") else inflame_worker(a)
        print("RESULT " + json.dumps({"run": a.worker, **r}), flush=True); return
    if a.quick: a.iters = 30
    d2_version, checkout = check_detectron2(a.d2_checkout)
    rev = _git_rev(checkout)
    import torch
    work = Path(a.work or tempfile.mkdtemp(prefix="d2_trident_compare_")).resolve(); work.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"; logs.mkdir(exist_ok=True)
    t = time.time(); data = make_data(work / "data", a.size)
    n_train = len(json.loads((data / "train.json").read_text())["images"]); n_valid = len(json.loads((data / "valid.json").read_text())["images"])
    per_epoch = n_train // a.batch if n_train > a.batch else 1          # inflame drops the last partial batch
    epochs = max(1, round(a.iters / per_epoch))
    print(f"data: {n_train} train / {n_valid} valid images of {a.size} px in {data} ({time.time() - t:.0f} s)")
    print(f"torch {torch.__version__}, detectron2 {d2_version}, TridentNet project from {checkout}"
          f"{f' (commit {rev})' if rev else ''}; "
          f"{os.cpu_count()} CPUs, {a.threads} thread(s) a run")
    print(f"{a.iters} iterations of batch {a.batch} ((c), (d): {epochs} epochs of {per_epoch} = {epochs * per_epoch} iterations); "
          f"logs in {logs}", flush=True)
    res = {}
    for key, (label, _, _) in RUNS.items():
        kw = dict(data=data, out=work / key)
        if key.startswith("d2_"): kw.update(iters=a.iters, d2_checkout=checkout)
        else: kw.update(epochs=epochs)
        print(f"... {label}", end="", flush=True)
        res[key] = r = run_worker(key, a, logs, **kw)
        print(f": {r['s_iter']:.3f} s/iter, peak RSS {r['peak_rss_mb']:.0f} MB, AP {r['AP']:.3f}, AP50 {r['AP50']:.3f} "
              f"({r['process_wall_s']:.0f} s)", flush=True)
    diff = config_diff(work / "d2_project" / "config.yaml", work / "d2_inflame" / "config.yaml")
    print("\nDetectron2 config keys that differ between (a) and (b) (component names; inflame's extra keys; "
          "RETINANET.NUM_CLASSES, unused):")
    for k, x, y in diff: print(f"  {k}: {x!r} -> {y!r}")
    b = res["d2_project"]
    print(f"\n{a.size} px, batch {a.batch}, no pretrained weights; s/iter: mean after {WARMUP} warm-up iterations "
          f"(data loading and per-iteration hooks included); peak RSS: training + evaluation; AP on the {n_valid} valid images")
    print("| run | trainer | TridentNet code | iters | params | s/iter | x (a) | CPU s/iter | x (a) | peak RSS MB | x (a) | AP | x (a) | AP50 | x (a) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for key, (label, trainer, code) in RUNS.items():
        r = res[key]
        print(f"| {label} | {trainer} | {code} | {r['iters']} | {r['params']:,} | {r['s_iter']:.3f} | {_ratio(r['s_iter'], b['s_iter'])} | "
              f"{r['cpu_s_iter']:.3f} | {_ratio(r['cpu_s_iter'], b['cpu_s_iter'])} | {r['peak_rss_mb']:.0f} | {_ratio(r['peak_rss_mb'], b['peak_rss_mb'])} | "
              f"{r['AP']:.3f} | {_ratio(r['AP'], b['AP'])} | {r['AP50']:.3f} | {_ratio(r['AP50'], b['AP50'])} |")
    print("(a) vs (b): the same trainer, schedule and settings, only the TridentNet code differs; (c), (d): inflame's training "
          "recipe (one-cycle Adam, augmentation, validation each epoch), so their AP also reflects the recipe.")
    for key, (label, _, _) in RUNS.items():
        if not res[key].get("detections"): print(f"{label}: no detections (score >= 0.05) on the valid images: AP counted as 0")
    if a.quick: print(f"--quick: {a.iters} iterations; AP after so few iterations says little, timings are the point.")
    if a.json:
        Path(a.json).write_text(json.dumps({"config": {**{k: str(v) for k, v in vars(a).items() if k not in ("worker", "data", "out", "epochs")},
                                                       "epochs": epochs, "iters_per_epoch": per_epoch, "work": str(work),
                                                       "torch": torch.__version__, "detectron2": d2_version, "checkout_commit": rev},
                                            "config_diff_a_b": [list(map(str, d)) for d in diff], "runs": res}, indent=1))
        print(f"figures written to {a.json}")


if __name__ == "__main__":
    main()
