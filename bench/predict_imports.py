"""What one-image prediction costs in start-up: `inflame predict MODEL IMAGE` with the torch runtime and with
`--runtime onnxruntime`, against the import baselines they are held to (issue 19):

- `--runtime onnxruntime`: one image in <= 1.0 s, importing neither torch nor fastai (`import onnxruntime, numpy, PIL`: ~0.3 s);
- torch runtime, a classifier: within 1.3x of `python -c "import torch, torchvision"`, without fastai.

Each figure is the median wall time of `--repeat` fresh subprocesses (after one warm-up run that fills the OS file cache).
`--before DIR` runs the same predict commands on another checkout of inflame (e.g. `git worktree add /tmp/before HEAD~5`)
and prints its figures side by side. Without `--model`, a small untrained classifier (small_cnn, 64 px) is written to a
temporary folder and exported to ONNX first (that set-up imports fastai; it is not timed).

    python bench/predict_imports.py [--model MODEL_DIR] [--image IMG] [--repeat 5] [--before DIR]
"""
from __future__ import annotations
import argparse, json, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = ("import sys, runpy; sys.argv = ['inflame'] + sys.argv[1:]\n"
         "try: runpy.run_module('inflame', run_name='__main__')\n"
         "except SystemExit as e: code = e.code or 0\n"
         "else: code = 0\n"
         "sys.stderr.write('\\nMODULES ' + ' '.join(m for m in ('torch', 'torchvision', 'fastai', 'onnxruntime') if m in sys.modules) + '\\n')\n"
         "sys.exit(code)\n")

def timed(cmd: list[str], env: dict, repeat: int) -> tuple[float, list[float], str]:
    "Median seconds of `repeat` runs of `cmd` (after one warm-up; in an empty folder, so `PYTHONPATH` picks the inflame), all times, and the last run's stderr."
    err, cwd = "", tempfile.mkdtemp(prefix="inflame-bench-cwd-")
    for i in range(repeat + 1):
        t0 = time.perf_counter(); p = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=cwd); dt = time.perf_counter() - t0
        if p.returncode != 0: raise SystemExit(f"{' '.join(map(str, cmd))}: exit {p.returncode}\n{p.stderr[-2000:]}")
        err = p.stderr
        if i == 0: times = []
        else: times.append(dt)
    return statistics.median(times), times, err

def make_model(out: Path) -> tuple[Path, Path]:
    "A small untrained classifier folder (small_cnn, 3 classes, 64 px) with its ONNX export, and one image to predict."
    import torch
    from inflame import classify as C, data as D
    from inflame.core import write_json
    from inflame.export import export
    from safetensors.torch import save_file
    shapes = D.make_shapes(out / "shapes", n=6, task="classify", size=64, seed=0)
    torch.manual_seed(0)
    meta = {"format": C.MODEL_FORMAT, "task": "classify", "arch": "small_cnn", "arch_source": "inflame", "head": C.ARCH_HEADS["small_cnn"],
            "labels": ["circle", "square", "triangle"], "image_size": 64, "resize": "squish", "background": "white",
            "normalize": {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}, "weights": "model.safetensors"}
    model = C.build_model(meta); d = out / "model"; d.mkdir(parents=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(d / "model.safetensors"))
    write_json(d / "model.json", meta)
    export(d, "onnx", images=D.list_images(shapes)[:2])
    return d, D.list_images(shapes)[0]

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="a classifier model folder with an ONNX export (default: make a small one)")
    ap.add_argument("--image", help="the image to predict (default: a generated one)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--before", help="another inflame checkout (its root folder): its predict figures side by side")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    a = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="inflame-bench-"))
    model, image = (Path(a.model), Path(a.image)) if a.model and a.image else make_model(tmp)
    py = sys.executable
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"), "PYTHONPATH": str(ROOT)}
    base = {"import torch, torchvision": [py, "-c", "import torch, torchvision"],
            "import onnxruntime, numpy, PIL": [py, "-c", "import onnxruntime, numpy, PIL"],
            "from fastai.vision.all import *": [py, "-c", "from fastai.vision.all import *"]}
    runs = {"predict (torch)": [py, "-c", PROBE, "predict", str(model), str(image)],
            "predict --runtime onnxruntime": [py, "-c", PROBE, "predict", str(model), str(image), "--runtime", "onnxruntime"]}
    res = {k: timed(c, env, a.repeat)[0] for k, c in base.items()}
    trees = {"after": str(ROOT)} | ({"before": str(Path(a.before).resolve())} if a.before else {})
    got = {}
    for tree, path in trees.items():
        for k, c in runs.items():
            med, _, err = timed(c, {**env, "PYTHONPATH": path}, a.repeat)
            mods = next((l.split()[1:] for l in err.splitlines() if l.startswith("MODULES")), [])
            got[tree, k] = (med, mods)
    print(f"median of {a.repeat} runs each, OMP_NUM_THREADS={env['OMP_NUM_THREADS']}, model {model}")
    for k, v in res.items(): print(f"  {k:38s} {v:6.2f} s")
    print(f"  {'':38s} " + "".join(f"{t:>28s}" for t in trees))
    for k in runs:
        print(f"  {k:38s} " + "".join(f"{got[t, k][0]:6.2f} s  {','.join(got[t, k][1]) or '-':>18s}" for t in trees))
    t_rt, o_rt = res["import torch, torchvision"], res["import onnxruntime, numpy, PIL"]
    after_t, after_o = got["after", "predict (torch)"][0], got["after", "predict --runtime onnxruntime"][0]
    print(f"ratio predict (torch) / import torch, torchvision:        {after_t / t_rt:5.2f}x   (target <= 1.3x)")
    print(f"ratio predict onnxruntime / import onnxruntime, numpy, PIL: {after_o / o_rt:5.2f}x   (target: <= 1.0 s; now {after_o:.2f} s)")
    if a.before:
        for k in runs: print(f"{k}: before {got['before', k][0]:.2f} s -> after {got['after', k][0]:.2f} s ({got['before', k][0] / got['after', k][0]:.2f}x faster)")
    if a.json:
        Path(a.json).write_text(json.dumps({"baselines": res, "predict": {f"{t}: {k}": {"seconds": v[0], "modules": v[1]} for (t, k), v in got.items()}}, indent=1))
    return 0

if __name__ == "__main__":
    sys.exit(main())
