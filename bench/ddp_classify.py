"""Data-parallel training of the real classifier (inflame.classify) on 2 CPU ranks (gloo) vs 1 process.

classify.train runs through inflame.learn.run, which is distributed-aware itself: rank 0 makes the run folder (all ranks
share it), DDPCallback is in every fit, per-epoch writes and the final export/evaluation happen on rank 0 only. Prints both runs' metrics, times, and the files of
the 2-rank run folder. The global batch is the same (16 = 1 x 16 = 2 x 8); BatchNorm statistics are per rank, so the
numbers are close, not equal (the exact-equality test is in nbs/07_scale.ipynb, on a network without BatchNorm).
Run: .venv/bin/python bench/ddp_classify.py
"""
import json, os, subprocess, sys, tempfile, time
from pathlib import Path

def rank_main(data: str, out: str):
    from inflame import scale, classify
    from inflame.core import config_from_dict
    env = scale.init_distributed()
    cfg = config_from_dict({"task": {"name": f"ddp{env.world_size}"}, "data": {"path": data, "image_size": 32},
                            "model": {"arch": "resnet18"}, "train": {"epochs": 2, "batch_size": 16 // env.world_size, "augment": False, "lr": 2e-3},
                            "io": {"training_output": out}, "track": {"enabled": False}})
    t0 = time.time()
    run_dir = classify.train(cfg)
    if scale.is_rank0(): print(json.dumps({"world_size": env.world_size, "run_dir": str(run_dir), "seconds": round(time.time() - t0, 1)}))
    scale.cleanup()

def main() -> int:
    from inflame import scale
    from inflame.data import make_shapes
    tmp = Path(tempfile.mkdtemp(prefix="inflame-ddp-"))
    data = make_shapes(tmp / "shapes", n=96, size=32, seed=0)
    res = {}
    for n in (1, 2):
        cmd = ([sys.executable, __file__, "--rank", str(data), str(tmp / "runs")] if n == 1 else
               scale.torchrun_command([__file__, "--rank", str(data), str(tmp / "runs")], devices=2))
        t0 = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
        if p.returncode: print(p.stderr[-3000:]); return 1
        info = json.loads([l for l in p.stdout.splitlines() if l.startswith("{")][-1]); info["wall"] = round(time.time() - t0, 1)
        res[n] = info
    import pandas as pd
    for n, info in res.items():
        rd = Path(info["run_dir"])
        print(f"== {n} process(es): train {info['seconds']} s, wall {info['wall']} s (process start included)")
        print(pd.read_csv(rd / "metrics.csv")[["epoch", "train_loss", "valid_loss", "accuracy"]].to_string(index=False))
    runs = sorted(p.name for p in (tmp / "runs").iterdir())
    rd = Path(res[2]["run_dir"])
    print("run folders:", runs)
    print("2-rank run folder:", sorted(str(p.relative_to(rd)) for p in rd.rglob("*") if p.is_file()))
    return 0 if len(runs) == 2 and (rd / "model" / "model.json").is_file() else 1

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--rank": rank_main(sys.argv[2], sys.argv[3])
    else: sys.exit(main())
