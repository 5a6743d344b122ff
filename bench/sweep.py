"""A real `inflame sweep`: two Ray Tune trials of the shapes classifier with ASHA early stopping.

Generates 48 shapes images (32 px), sweeps train.lr (loguniform) and model.arch (choice) over 2 trials of 3 epochs on
a local Ray (2 CPUs), every trial a tracked MLflow run; prints the results table, the best config and the time, and
checks that every trial is in the MLflow store. Run: .venv/bin/python bench/sweep.py
"""
import sys, tempfile, time
from pathlib import Path
from inflame.data import make_shapes
from inflame import scale, track

def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="inflame-sweep-"))
    data = make_shapes(tmp / "shapes", n=48, size=32, seed=0)
    cfg = tmp / "shapes.toml"
    cfg.write_text(f'[task]\nname = "shapes"\n[data]\npath = "{data}"\nimage_size = 32\n[model]\narch = "resnet18"\n'
                   f'[train]\nepochs = 3\nbatch_size = 8\naugment = false\n[io]\ntraining_output = "{tmp}/runs"\n'
                   f'[track]\nexperiment = "sweep-bench"\n')
    t0 = time.time()
    res = scale.sweep(cfg, ["train.lr=loguniform:1e-4:1e-2", "model.arch=choice:resnet18,xresnet18"], trials=2, num_cpus=2)
    secs = time.time() - t0
    print(res["table"])
    print(f"\nbest config: {res['best_config']}\n{Path(res['best_config']).read_text().split('[data]')[0]}")
    runs = track.list_runs(track.local_uri(tmp / "runs"), "sweep-bench")
    print(track.format_runs(runs))
    print(f"\n2 trials x 3 epochs on local Ray (2 CPUs): {secs:.1f} s (Ray start included); MLflow runs: {len(runs)}")
    return 0 if len(runs) == 2 and Path(res["best_config"]).is_file() else 1

if __name__ == "__main__":
    sys.exit(main())
