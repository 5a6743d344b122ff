#!/usr/bin/env python
"""Exact resume and disk per run: `inflame train` killed with SIGKILL mid-run, resumed with `--resume`, against the
uninterrupted run, for the detection and the classification task; and the disk each run folder takes before and after
the end-of-run cleanup (optimizer state dropped from checkpoints/last.pth, best.pth removed).

    python bench/resume_exact.py            # both tasks, CPU, one thread
    python bench/resume_exact.py --task detect --epochs 4

Prints, per task: the epoch the run was killed in, max |weight difference| and max |metric difference| between the
resumed and the uninterrupted run, and disk_mb (before / after cleanup) from summary.json, plus the same with
`--set train.keep_optimizer=true` for comparison.
"""
from __future__ import annotations
import argparse, json, os, signal, subprocess, sys, tempfile, time
from pathlib import Path


def config(kind: str, root: Path, out: Path, epochs: int) -> str:
    if kind == "detect":
        data = f'path = "{root / "images"}"\nannotations = "{root / "annotations.json"}"\nvalid_pct = 0.25\nseed = 0'
        model = 'arch = "trident_tiny"\nbackend = "torchvision"\nmin_size = 64\nmax_size = 64'
        train = f'epochs = {epochs}\nbatch_size = 2\nlr = 0.002\nexport = "last"'
    else:
        data = f'path = "{root}"\nimage_size = 48\nvalid_pct = 0.25\nseed = 0'
        model = 'arch = "small_cnn"'
        train = f'epochs = {epochs}\nbatch_size = 8\nlr = 0.01\naugment = false\nexport = "last"'
    return f'[task]\nkind = "{kind}"\nname = "{kind}"\n[data]\n{data}\n[model]\n{model}\n[train]\n{train}\n[io]\ntraining_output = "{out}"\n'


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--task", choices=["detect", "classify", "both"], default="both")
    ap.add_argument("--epochs", type=int, default=3)
    a = ap.parse_args()
    import pandas as pd, numpy as np
    from safetensors.torch import load_file
    from inflame.data import make_shapes
    from inflame.learn import load_checkpoint
    tmp = Path(tempfile.mkdtemp(prefix="inflame-resume-"))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    exe = [sys.executable, "-m", "inflame", "train"]
    for kind in (["detect", "classify"] if a.task == "both" else [a.task]):
        root = make_shapes(tmp / f"{kind}_data", n=40 if kind == "detect" else 160, task=kind, size=64 if kind == "detect" else 48, seed=5)
        runs = tmp / f"{kind}_runs"; cfg = tmp / f"{kind}.toml"; cfg.write_text(config(kind, root, runs, a.epochs))
        listing = lambda: sorted(p for p in runs.glob(f"{kind}-*") if p.is_dir())
        t0 = time.time(); full = subprocess.run(exe + [str(cfg)], env=env, capture_output=True, text=True)
        if full.returncode: print(full.stderr[-3000:]); return 1
        t_full = time.time() - t0; full_dir = listing()[-1]
        p = subprocess.Popen(exe + [str(cfg)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ck = None
        while p.poll() is None:
            new = [r for r in listing() if r != full_dir]
            if new and (new[0] / "checkpoints/last.pth").exists(): ck = new[0] / "checkpoints/last.pth"; os.kill(p.pid, signal.SIGKILL); break
            time.sleep(0.01)
        p.wait()
        if ck is None: print(f"{kind}: the run ended before it could be killed"); return 1
        cut = ck.parent.parent; killed_after = load_checkpoint(ck)["epoch"]
        res = subprocess.run(exe + [str(cfg), "--resume", str(cut)], env=env, capture_output=True, text=True)
        if res.returncode: print(res.stderr[-3000:]); return 1
        wf = "model.safetensors"   # both tasks (older detector folders: weights.safetensors, still loaded)
        wa, wb = load_file(str(full_dir / "model" / wf)), load_file(str(cut / "model" / wf))
        wdiff = max(float((wa[k].float() - wb[k].float()).abs().max()) for k in wa)
        ma, mb = pd.read_csv(full_dir / "metrics.csv"), pd.read_csv(cut / "metrics.csv")
        cols = [c for c in ma.columns if c not in ("seconds", "phase")]
        mdiff = float(np.nanmax(np.abs(ma[cols].values - mb[cols].values)))
        keep = subprocess.run(exe + [str(cfg), "--set", "train.keep_optimizer=true", "--set", f"task.name={kind}_keep"], env=env, capture_output=True, text=True)
        keep_dir = sorted(runs.glob(f"{kind}_keep-*"))[-1] if keep.returncode == 0 else None
        disk = json.loads((full_dir / "summary.json").read_text())["disk_mb"]
        disk_keep = json.loads((keep_dir / "summary.json").read_text())["disk_mb"] if keep_dir else None
        print(f"{kind}: {a.epochs} epochs, uninterrupted run {t_full:.1f} s; killed (SIGKILL) after epoch {killed_after}, resumed: "
              f"max |weight diff| {wdiff:.1e}, max |metric diff| {mdiff:.1e} over {len(ma)} rows x {len(cols)} columns; "
              f"disk per run {disk['before_cleanup']:.2f} MB before cleanup -> {disk['after']:.2f} MB after"
              + (f" (with keep_optimizer: {disk_keep['after']:.2f} MB)" if disk_keep else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
