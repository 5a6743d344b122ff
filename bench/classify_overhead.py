#!/usr/bin/env python
"""Overhead of `inflame train` (classify) over a plain fastai script: same data split, arch, image size, epochs,
batch size, learning rate, augmentation and metrics. The two run alternately, each in its own process, so the
wall time and the peak RSS (from os.wait4) of each run are measured alike. Prints both and the ratios
(targets: wall <= 1.05, peak RSS <= 1.10).

    .venv/bin/python bench/classify_overhead.py                       # tuxpaint photos, resnet18, 128 px, 3 epochs
    .venv/bin/python bench/classify_overhead.py --data shapes --arch small_cnn --size 64 --epochs 5
"""
from __future__ import annotations
import argparse, json, os, statistics, subprocess, sys, tempfile, textwrap, time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "data" / "tuxpaint_photos_cls5"

PLAIN = textwrap.dedent('''
    import json, sys, time
    import pandas as pd
    from fastai.vision.all import *
    manifest, arch, size, epochs, bs, lr, workers, out = sys.argv[1:9]
    size, epochs, bs, lr, workers = int(size), int(epochs), int(bs), float(lr), int(workers)
    set_seed(42)
    man = json.load(open(manifest)); root = Path(man["root"])
    rows = [r for r in man["rows"] if r["split"] in ("train", "valid")]
    df = pd.DataFrame({"fname": [str(root / r["path"]) for r in rows], "label": [r["labels"][0] for r in rows],
                       "is_valid": [r["split"] == "valid" for r in rows]})
    dblock = DataBlock(blocks=(ImageBlock, CategoryBlock), get_x=ColReader("fname"), get_y=ColReader("label"),
                       splitter=ColSplitter("is_valid"), item_tfms=Resize(size, method="squish"),
                       batch_tfms=[*aug_transforms(), Normalize.from_stats(*imagenet_stats)])
    dls = dblock.dataloaders(df, bs=bs, num_workers=workers)
    def small_cnn(pretrained=False, w=32):   # inflame's small_cnn, defined here so the plain script imports fastai only
        def block(ni, no, pool=True): return [nn.Conv2d(ni, no, 3, padding=1, bias=False), nn.BatchNorm2d(no), nn.ReLU(inplace=True)] + ([nn.MaxPool2d(2)] if pool else [])
        return nn.Sequential(nn.Sequential(*block(3, w), *block(w, 2 * w), *block(2 * w, 4 * w), *block(4 * w, 4 * w, pool=False)),
                             nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4 * w, 1000))
    head = {"lin_ftrs": [], "ps": 0.1} if arch == "small_cnn" else {}
    learn = vision_learner(dls, small_cnn if arch == "small_cnn" else getattr(models, arch), pretrained=False, normalize=False,
                           metrics=[accuracy, error_rate, F1Score(average="macro")], **head)
    learn.fit_one_cycle(epochs, lr)
    learn.export(Path(out).resolve() / "export.pkl")
    print(json.dumps({"valid_accuracy": float(learn.recorder.values[-1][2])}))
''')

INFLAME = "import sys; from inflame.cli import main; sys.exit(main(sys.argv[1:]))"


def run(cmd: list[str], env: dict, log: Path) -> tuple[float, float, int]:
    "Run `cmd`; return (wall seconds, peak RSS MiB of that process, exit status)."
    t0 = time.perf_counter()
    with open(log, "w") as f:
        p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, env=env, cwd=REPO)
        _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t0, ru.ru_maxrss / 1024, p.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(REAL) if REAL.exists() else "shapes", help="folder of class folders, or 'shapes' (generated)")
    ap.add_argument("--arch", default="resnet18")
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--bs", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--reps", type=int, default=2, help="runs of each, alternating")
    ap.add_argument("--threads", type=int, default=0, help="OMP_NUM_THREADS for both (0: torch's default)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--no-track", action="store_true", help="inflame without MLflow tracking (default: tracked, as users run it)")
    a = ap.parse_args()

    sys.path.insert(0, str(REPO))
    from inflame.data import make_manifest, make_shapes
    work = Path(tempfile.mkdtemp(prefix="classify_overhead_"))
    data = Path(a.data) if a.data != "shapes" else make_shapes(work / "shapes", n=300, size=64, seed=0)
    m, _ = make_manifest(data, "classify", valid_pct=0.2, seed=0, progress=False)
    manifest = m.save(work / "manifest.json")
    (work / "plain.py").write_text(PLAIN)
    cfg = work / "bench.toml"
    cfg.write_text(f'[task]\nname = "bench"\n[data]\npath = "{data}"\nmanifest = "{manifest}"\nimage_size = {a.size}\n'
                   f'[model]\narch = "{a.arch}"\npretrained = false\n[train]\nepochs = {a.epochs}\nbatch_size = {a.bs}\nlr = {a.lr}\n'
                   f'num_workers = {a.workers}\n[io]\ntraining_output = "{work / "runs"}"\n[track]\nenabled = {str(not a.no_track).lower()}\n')
    env = dict(os.environ)
    if a.threads: env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(a.threads)
    cmds = {"inflame": [sys.executable, "-c", INFLAME, "train", str(cfg)],
            "fastai": [sys.executable, str(work / "plain.py"), str(manifest), a.arch, str(a.size), str(a.epochs), str(a.bs),
                       str(a.lr), str(a.workers), str(work)]}
    print(f"inflame tracking: {'off' if a.no_track else 'on (embedded MLflow store), as users run it'}")
    print(f"data {data} ({len(m.split('train'))} train / {len(m.split('valid'))} valid, {len(m.labels)} classes), {a.arch} "
          f"{a.size}px, {a.epochs} epochs, bs {a.bs}, lr {a.lr}, workers {a.workers}, threads {a.threads or 'default'}; work {work}")
    res = {k: [] for k in cmds}
    for rep in range(a.reps):
        for k in (["inflame", "fastai"] if rep % 2 == 0 else ["fastai", "inflame"]):
            wall, rss, rc = run(cmds[k], env, work / f"{k}-{rep}.log")
            if rc != 0:
                print((work / f"{k}-{rep}.log").read_text()[-3000:]); print(f"{k} failed (exit {rc})"); return 1
            res[k].append((wall, rss))
            print(f"  rep {rep} {k:8s} wall {wall:7.1f} s  peak RSS {rss:7.0f} MiB", flush=True)
    runs = sorted((work / "runs").glob("bench-*"))
    s = json.loads((runs[-1] / "summary.json").read_text())
    plain_acc = json.loads((work / f"fastai-{a.reps - 1}.log").read_text().strip().splitlines()[-1])["valid_accuracy"]
    med = {k: (statistics.median(w for w, _ in v), statistics.median(r for _, r in v)) for k, v in res.items()}
    rw, rr = med["inflame"][0] / med["fastai"][0], med["inflame"][1] / med["fastai"][1]
    print(f"median wall: inflame {med['inflame'][0]:.1f} s, fastai {med['fastai'][0]:.1f} s, ratio {rw:.3f} (target <= 1.05)")
    print(f"median peak RSS: inflame {med['inflame'][1]:.0f} MiB, fastai {med['fastai'][1]:.0f} MiB, ratio {rr:.3f} (target <= 1.10)")
    print(f"inflame: valid accuracy {s['valid']['accuracy']:.3f}, {s['seconds_per_epoch']} s/epoch (last run); "
          f"fastai: valid accuracy {plain_acc:.3f}")
    if not a.keep:
        import shutil; shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
