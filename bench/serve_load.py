#!/usr/bin/env python
"""Load test of `inflame serve` on loopback: N uploads at concurrency C against the real command in its own process.

Runs each model twice: with request batching off (`--max-batch 1`, the baseline) and on (a 2 ms window, at most 16
images per batch), and prints p50/p99 latency, requests/s, the mean batch size and the ratio to the baseline.
Without --model it first trains a small classifier and a small detector on generated shapes (one epoch each, CPU).

    .venv/bin/python bench/serve_load.py                      # both tiny models, 200 requests at concurrency 8
    .venv/bin/python bench/serve_load.py --model runs/x --n 500 --concurrency 16
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path

import httpx
from inflame.serve import free_port, load_test


def tiny_models(tmp: Path, tasks) -> dict:
    "Train the small models the benchmark serves when none is given: {task: (run folder, [image files])}."
    from inflame.core import config_from_dict
    from inflame.data import make_shapes
    out = {}
    if "classify" in tasks:
        from inflame import classify as C
        root = make_shapes(tmp / "shapes", n=48, size=64, seed=1)
        run = C.train(config_from_dict({"task": {"kind": "classify", "name": "bench"},
            "data": {"path": str(root), "image_size": 64, "valid_pct": 0.25, "seed": 0},
            "model": {"arch": "resnet18", "pretrained": False}, "train": {"epochs": 1, "batch_size": 16, "lr": 3e-3, "seed": 0},
            "io": {"training_output": str(tmp / "runs")}}, source="bench_classify.toml"))
        out["classify"] = (run, sorted(root.rglob("*.png"))[:16])
    if "detect" in tasks:
        from inflame import detect as Det
        root = make_shapes(tmp / "det", n=16, task="detect", size=128, seed=0)
        run = Det.train(config_from_dict({"task": {"kind": "detect", "name": "bench"},
            "data": {"path": str(root / "images"), "annotations": str(root / "annotations.json"), "valid_pct": 0.25, "seed": 0},
            "model": {"arch": "fasterrcnn_tiny_c4", "backend": "torchvision", "min_size": 128, "max_size": 128},
            "train": {"epochs": 1, "batch_size": 4, "lr": 0.002, "seed": 0}, "io": {"training_output": str(tmp / "runs")}},
            source="bench_detect.toml"))
        out["detect"] = (run, sorted((root / "images").glob("*.png"))[:16])
    return out


def run_server(model: Path, extra: list, n: int, concurrency: int, images: list) -> dict:
    "Start `python -m inflame serve MODEL` on a free loopback port, load-test it, read its batching figures, stop it."
    port = free_port(); url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "inflame", "serve", str(model), "--port", str(port), "--log-level", "warning", *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        t0 = time.time()
        while True:
            try: httpx.get(url + "/health", trust_env=False).raise_for_status(); break
            except httpx.HTTPError:
                if proc.poll() is not None or time.time() - t0 > 120:
                    raise SystemExit(f"inflame serve did not start:\n{proc.communicate(timeout=10)[0].decode()[-3000:]}")
                time.sleep(0.2)
        load_test(url, images[:4], n=min(16, n), concurrency=concurrency)       # warm-up, not counted
        before = httpx.get(url + "/health", trust_env=False).json()["batching"]
        res = load_test(url, images, n=n, concurrency=concurrency)
        after = httpx.get(url + "/health", trust_env=False).json()["batching"]
        batches, items = after["batches"] - before["batches"], after["items"] - before["items"]
        res["mean_batch"] = round(items / batches, 2) if batches else 0.0
        res["largest_batch"] = after["largest_batch"]
        return res
    finally:
        proc.terminate()
        try: proc.wait(30)
        except subprocess.TimeoutExpired: proc.kill()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", help="model or run folder to serve (default: train tiny ones)")
    p.add_argument("--images", help="folder of images to upload (default: the generated ones; required with --model)")
    p.add_argument("--tasks", default="classify,detect", help="tiny models to train when no --model (default classify,detect)")
    p.add_argument("--n", type=int, default=200, help="requests per run (default 200)")
    p.add_argument("--concurrency", type=int, default=8, help="requests in flight (default 8)")
    a = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="inflame-bench-") as td:
        if a.model:
            from inflame.data import list_images
            if not a.images: p.error("--images FOLDER is required with --model")
            models = {"model": (Path(a.model), list_images(a.images)[:32])}
        else:
            t0 = time.time(); models = tiny_models(Path(td), a.tasks.split(","))
            print(f"trained {', '.join(models)} in {time.time() - t0:.1f} s", file=sys.stderr)
        print(f"inflame serve load test: {a.n} requests, concurrency {a.concurrency}, loopback, {os.cpu_count()} CPU cores")
        print(f"{'model':<10} {'batching':<22} {'ok':>4} {'failed':>6} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>7} {'batch':>6} {'vs baseline':>11}")
        failed = 0; rows = {}
        for name, (model, files) in models.items():
            images = [(f.name, f.read_bytes()) for f in files]
            base = None
            for label, extra in [("off (--max-batch 1)", ["--max-batch", "1"]), ("on (2 ms, max 16)", ["--max-batch", "16"])]:
                r = run_server(model, extra, a.n, a.concurrency, images)
                base = base or r["requests_per_s"]
                ratio = r["requests_per_s"] / base if base else float("nan")
                print(f"{name:<10} {label:<22} {r['ok']:>4} {r['failed']:>6} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} "
                      f"{r['requests_per_s']:>7.1f} {r['mean_batch']:>6.2f} {ratio:>10.2f}x", flush=True)
                failed += r["failed"]; r.pop("latencies_ms"); rows[f"{name} {label}"] = r
        print(json.dumps(rows), file=sys.stderr)
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
