#!/usr/bin/env python
"""Sliced inference: inflame.tiles vs SAHI (https://github.com/obss/sahi), same torchvision detector, tiles and overlap.

    python bench/sliced_vs_sahi.py                # 8000x6000 image, tile 1024, overlap 0.25, CPU
    python bench/sliced_vs_sahi.py --quick        # 4000x3000, a smoke run
    python bench/sliced_vs_sahi.py --device cuda --threads 0 --batch-size 8   # on a GPU
    python bench/sliced_vs_sahi.py --model RUN --image BIG.png --tile 320 --coco COCO.json   # a trained inflame detector

What it does (every measurement in a fresh subprocess, so peak RSS is per run):
1. writes a synthetic aerial-like image (textured ground with a few thousand coloured shapes) as a PNG, row by row,
   plus a JPEG copy, and the same scene at half the width and height (a quarter of the pixels);
2. builds torchvision's fasterrcnn_mobilenet_v3_large_320_fpn with random weights (seed 0, batch-norm statistics
   calibrated on a few crops of the image so its outputs depend on the pixels), saved once and loaded by both tools;
3. runs inflame's `sliced_predict` and SAHI's `get_sliced_prediction` on the same grid (overlap 0.25 gives the same
   tile starts in both: checked), timing the whole call (image read included, model load excluded); SAHI runs as
   shipped (its torchvision wrapper calls the model with autograd on) and inside torch.inference_mode(); inflame in
   fp32 (its default) and with `precision="bf16"` (autocast; about 2x on CPUs with AVX512-BF16/AMX), SAHI also inside
   the same bf16 autocast (SAHI has no precision option: the model is wrapped in inflame's `autocast_inference`) for an equal-precision comparison, and
   inflame without its background tile reader (`prefetch=False`). inflame runs with its defaults otherwise: the reader
   thread also applies the detector's own resize (`resize_ahead`), and on a CPU the backbone is channels-last;
4. compares the merged detections (same class, IoU >= 0.9) of inflame `nms` vs SAHI `NMS`/IOU and inflame `union`
   vs SAHI `GREEDYNMM`/IOS (SAHI's default), and prints megapixels/s side by side with the ratio;
5. peak RSS of both tools on the scene at half the width and height and at full size (4x the pixels): PNG for both
   (inflame streams it) and JPEG for inflame (decoded whole, like every non-PNG format).
With `--model` (an inflame run or model folder) both tools run that trained detector on `--image` instead of the
synthetic scene (no memory runs), and `--coco` scores each run's merged boxes against the true boxes (AP50, counts).
Runs use one torch thread by default (`--threads 0`: torch's default): on a shared machine it is faster and steadier.
Needs `pip install sahi` (a dev requirement). Prints a table; `--json FILE` writes the figures.
"""
from __future__ import annotations
import argparse, json, os, resource, struct, subprocess, sys, tempfile, time, zlib
from pathlib import Path
import numpy as np

HERE = Path(__file__).resolve().parent


# ---------------------------------------------------------------------------------------------------- the test image
def _patches(rng, n=12, size=500):
    "Textured ground patches with coloured shapes (the scene is tiled from these, so big images are cheap to make)."
    from PIL import Image, ImageDraw
    out = []
    for _ in range(n):
        base = rng.integers(50, 170, 3)
        yy, xx = np.mgrid[0:size, 0:size] / size
        a = base + 25 * np.sin(2 * np.pi * (xx * rng.integers(1, 5) + yy * rng.integers(1, 5)))[..., None] + rng.normal(0, 10, (size, size, 3))
        im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)); d = ImageDraw.Draw(im)
        for _ in range(int(rng.integers(8, 20))):
            s = int(rng.integers(12, 60)); x, y = rng.integers(0, size - s, 2); c = tuple(int(v) for v in rng.integers(0, 256, 3))
            (d.ellipse if rng.random() < 0.5 else d.rectangle)([int(x), int(y), int(x) + s, int(y) + s], fill=c)
        out.append(np.asarray(im))
    return out

def write_scene(path: Path, width: int, height: int, seed: int = 0, jpeg: Path | None = None) -> Path:
    "Write the scene as an RGB PNG row band by row band (bounded memory); optionally also as a JPEG (needs the whole image)."
    from inflame.raster import _png_chunk, _PNG_SIG
    rng = np.random.default_rng(seed); P = _patches(rng); ps = P[0].shape[0]
    grid = rng.integers(0, len(P), (height // ps + 1, width // ps + 1))
    z = zlib.compressobj(6)
    full = np.empty((height, width, 3), np.uint8) if jpeg else None
    with open(path, "wb") as f:
        f.write(_PNG_SIG + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        for by in range(grid.shape[0]):
            band = np.concatenate([P[k] for k in grid[by]], 1)[:, :width]
            band = band[:max(0, min(ps, height - by * ps))]
            if not len(band): break
            if full is not None: full[by * ps:by * ps + len(band)] = band
            raw = np.concatenate([np.zeros((len(band), 1), np.uint8), band.reshape(len(band), -1)], 1).tobytes()
            c = z.compress(raw)
            if c: f.write(_png_chunk(b"IDAT", c))
        f.write(_png_chunk(b"IDAT", z.flush()) + _png_chunk(b"IEND", b""))
    if jpeg is not None:
        from PIL import Image
        Image.fromarray(full).save(jpeg, quality=92); del full
    return path


# ---------------------------------------------------------------------------------------------------- the detector
def build_model(num_classes: int = 3):
    from torchvision.models.detection import fasterrcnn_mobilenet_v3_large_320_fpn
    import torch
    torch.manual_seed(0)
    return fasterrcnn_mobilenet_v3_large_320_fpn(weights=None, weights_backbone=None, num_classes=num_classes).eval()

def make_weights(image: Path, out: Path) -> Path:
    "Random weights (seed 0) with batch-norm statistics calibrated on crops of `image`: outputs then depend on the pixels."
    import torch
    from inflame.raster import Raster
    from inflame.tiles import tile_grid
    m = build_model()
    r = Raster(image, allow_large=True)
    crops = [torch.from_numpy(np.ascontiguousarray(t)).permute(2, 0, 1).float() / 255
             for _, t in r.tiles(tile_grid(r.width, r.height, 1024, 0.0)[:8])]
    bns = [x for x in m.backbone.modules() if isinstance(x, torch.nn.BatchNorm2d)]
    for b in bns: b.reset_running_stats(); b.momentum = None          # cumulative average
    with torch.no_grad():
        m.backbone.train(); m.backbone(m.transform(crops)[0].tensors); m.backbone.eval()
    torch.save(m.state_dict(), out)
    return out


# ---------------------------------------------------------------------------------------------------- one run (subprocess)
def _rss_mb() -> float: return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

class AnonPeak:
    "Peak anonymous resident memory (RssAnon: the process's own allocations, not shared libraries), sampled every 20 ms."
    def __init__(self):
        import threading
        self.peak = self.now(); self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True); self._t.start()
    @staticmethod
    def now() -> float:
        for l in open("/proc/self/status"):
            if l.startswith("RssAnon:"): return int(l.split()[1]) / 1024
        return 0.0
    def _run(self):
        while not self._stop.wait(0.02): self.peak = max(self.peak, self.now())
    def stop(self) -> float:
        self._stop.set(); self._t.join(); self.peak = max(self.peak, self.now()); return self.peak

def timed_model(m, cuda: bool = False):
    "Accumulate the seconds spent inside the model's forward (both tools call the same module)."
    import torch
    m.forward_seconds = 0.0
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    def pre(mod, args): sync(); mod._t0 = time.perf_counter()
    def post(mod, args, out): sync(); mod.forward_seconds += time.perf_counter() - mod._t0
    m.register_forward_pre_hook(pre); m.register_forward_hook(post)
    return m

def bf16_outputs(m, device: str = "cpu"):
    "`m` under bf16 autocast exactly as inflame runs it (heads in fp32), returning float outputs (SAHI calls `.numpy()`: no bfloat16)."
    import torch
    from inflame.core import autocast_inference
    class AmpModel(torch.nn.Module):
        def __init__(self, m): super().__init__(); self.m = m
        def forward(self, x):
            with autocast_inference(self.m, torch.bfloat16, device): out = self.m(x)
            return [{k: (v.float() if v.is_floating_point() else v) for k, v in o.items()} for o in out]
    return AmpModel(m).eval()

def worker(a) -> dict:
    import torch
    if a.threads: torch.set_num_threads(a.threads)
    if a.model:
        from inflame.tasks import resolve_model
        from inflame.detect import load_model
        m, meta = load_model(resolve_model(a.model)[0], a.device); labels = [str(l) for l in meta["labels"]]
    else:
        m = build_model(); m.load_state_dict(torch.load(a.weights, weights_only=True)); m.to(a.device); labels = ["a", "b"]
    from PIL import Image
    Image.MAX_IMAGE_PIXELS = None
    if a.tool == "inflame":
        from inflame.core import TilesConfig
        from inflame.tiles import SliceOptions, sliced_predict
        def call(path):
            rec = sliced_predict(m, path, TilesConfig(size=a.tile, overlap=a.overlap, batch_size=a.batch_size, merge=a.merge),
                                 score_threshold=a.score_threshold, labels=labels,
                                 options=SliceOptions(allow_large=True, progress=False, precision=a.precision,
                                                      prefetch=not a.no_prefetch, device=a.device))
            return [(d["label"], d["box"], d["score"]) for d in rec["detections"]], rec
    else:
        from sahi.models.torchvision import TorchVisionDetectionModel
        from sahi.predict import get_sliced_prediction
        import contextlib
        dm = TorchVisionDetectionModel(model=bf16_outputs(m, a.device) if a.precision == "bf16" else m, confidence_threshold=a.score_threshold,
                                       device=a.device, category_mapping={str(i + 1): l for i, l in enumerate(labels)}, load_at_init=True)
        kind, metric = ("NMS", "IOU") if a.merge == "nms" else ("GREEDYNMM", "IOS")
        def call(path):
            with torch.inference_mode() if a.sahi_no_grad else contextlib.nullcontext():
                res = get_sliced_prediction(str(path), dm, slice_height=a.tile, slice_width=a.tile, overlap_height_ratio=a.overlap,
                                            overlap_width_ratio=a.overlap, perform_standard_pred=False, postprocess_type=kind,
                                            postprocess_match_metric=metric, postprocess_match_threshold=0.5, verbose=0,
                                            batch_size=a.batch_size)
            return [(p.category.name, [float(v) for v in p.bbox.to_xyxy()], float(p.score.value)) for p in res.object_prediction_list], None
    # warm up each tool on its own path (a small image made by the parent process): first-call costs (allocations, oneDNN
    # kernels for each layout and batch shape, channels-last conversion) stay out of the timed run, as in a folder of images
    call(a.warm)
    import gc; gc.collect()
    timed_model(m, a.device.startswith("cuda")); base = _rss_mb(); anon = AnonPeak(); anon_base = anon.peak
    t0 = time.perf_counter()
    dets, rec = call(a.image)
    secs = time.perf_counter() - t0
    if rec is not None: W, H, raw, tiles = rec["width"], rec["height"], rec["sliced"]["raw_detections"], rec["sliced"]["tiles"]
    else:
        with Image.open(a.image) as im: (W, H), raw, tiles = im.size, None, None
    return {"tool": a.tool, "image": str(a.image), "width": W, "height": H, "seconds": secs, "mp_per_s": W * H / 1e6 / secs,
            "model_seconds": m.forward_seconds, "rss_base_mb": base, "rss_peak_mb": _rss_mb(), "anon_base_mb": anon_base,
            "anon_peak_mb": anon.stop(), "detections": dets, "raw": raw, "tiles": tiles}

def run_worker(repeats: int = 1, **kw) -> dict:
    "One measurement in a fresh process, or `repeats` of them: the run of median wall time, with every run's seconds in `all_seconds`."
    args = [sys.executable, __file__, "--worker"] + [x for k, v in kw.items() if v is not None and v is not False
                                                     for x in ([f"--{k.replace('_', '-')}"] + ([] if v is True else [str(v)]))]
    out = []
    for _ in range(max(1, repeats)):
        p = subprocess.run(args, capture_output=True, text=True)
        if p.returncode: raise SystemExit(f"worker failed: {' '.join(args)}\n{p.stderr[-3000:]}")
        out.append(json.loads(p.stdout.strip().splitlines()[-1]))
    out.sort(key=lambda r: r["seconds"])
    med = out[len(out) // 2]
    med["all_seconds"] = [r["seconds"] for r in out]
    return med


# ---------------------------------------------------------------------------------------------------- comparison
def match(a: list, b: list, thr: float = 0.9) -> float:
    "Share of detections in `a` with a detection of the same class in `b` at IoU >= thr."
    if not a: return 1.0
    if not b: return 0.0
    import torch
    from torchvision.ops import box_iou
    hit = 0
    for lab in {x[0] for x in a}:
        A = torch.tensor([x[1] for x in a if x[0] == lab]); Bl = [x[1] for x in b if x[0] == lab]
        if not Bl: continue
        hit += int((box_iou(A, torch.tensor(Bl)).max(1).values >= thr).sum())
    return hit / len(a)

def score(dets: list, image: Path, W: int, H: int, coco: str, thr: float) -> tuple[float, int]:
    "AP50 of merged detections `(label, box, score)` on `image` against the true boxes in `coco`, and the true count."
    from inflame.tiles import evaluate_records
    rec = {"image": str(image), "width": W, "height": H, "detections": [{"label": l, "box": b, "score": s} for l, b, s in dets]}
    ev = evaluate_records([rec], coco, count_threshold=thr)
    return ev["ap50"], ev["counts"][0]["true_total"]

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--tool", choices=["inflame", "sahi"]); ap.add_argument("--image"); ap.add_argument("--weights")
    ap.add_argument("--warm", help=argparse.SUPPRESS)
    ap.add_argument("--merge", default="nms"); ap.add_argument("--sahi-no-grad", action="store_true")
    ap.add_argument("--precision", default="fp32"); ap.add_argument("--no-prefetch", action="store_true")
    ap.add_argument("--device", default="cpu", help="cpu or cuda[:N] for both tools (default cpu)")
    ap.add_argument("--width", type=int, default=8000); ap.add_argument("--height", type=int, default=6000)
    ap.add_argument("--tile", type=int, default=1024); ap.add_argument("--overlap", type=float, default=0.25)
    ap.add_argument("--batch-size", type=int, default=0, help="inflame's tiles per batch (default 0: its auto, 1 on a CPU, 8 on a GPU)"); ap.add_argument("--score-threshold", type=float, default=0.3)
    ap.add_argument("--threads", type=int, default=1, help="torch threads in both tools (0: torch's default)")
    ap.add_argument("--quick", action="store_true", help="4000x3000 and fewer runs")
    ap.add_argument("--no-bf16", action="store_true", help="skip the bf16 runs (on a CPU without AVX512-BF16/AMX they are emulated and slow)")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each configuration (back to back, each in a fresh process); the run of median time is reported")
    ap.add_argument("--no-rss", action="store_true", help="skip the memory runs")
    ap.add_argument("--work", default=None, help="folder for the images and weights (default: a temporary folder)")
    ap.add_argument("--json", default=None, help="write the figures here")
    ap.add_argument("--model", default=None, help="an inflame run or model folder: both tools run this trained detector on --image")
    ap.add_argument("--coco", default=None, help="with --model: COCO json with the image's true boxes (AP50 and counts per run)")
    a = ap.parse_args()
    if a.worker: print(json.dumps(worker(a))); return
    try: import sahi
    except ImportError: raise SystemExit("needs SAHI: pip install sahi")
    import torch, torchvision
    if a.quick: a.width, a.height = 4000, 3000
    work = Path(a.work or tempfile.mkdtemp(prefix="sliced_vs_sahi_")); work.mkdir(parents=True, exist_ok=True)
    if a.model:                                  # a trained detector on a real image: no synthetic scene, no memory runs
        if not a.image: raise SystemExit("--model needs --image")
        from PIL import Image
        Image.MAX_IMAGE_PIXELS = None
        img, weights, a.no_rss = Path(a.image), None, True
        warm = work / f"warm_{img.stem}.png"
        with Image.open(img) as im:
            W, H = im.size
            im.crop((0, 0, min(W, 2 * a.tile), min(H, a.tile))).convert("RGB").save(warm)
    else:
        W, H = a.width, a.height
        img, jpg = work / f"scene_{W}x{H}.png", work / f"scene_{W}x{H}.jpg"
        img4, jpg4 = work / f"scene_{W // 2}x{H // 2}.png", work / f"scene_{W // 2}x{H // 2}.jpg"   # a quarter of the pixels
        t = time.time()
        if not img.exists(): write_scene(img, W, H, 0, jpg)
        if not a.no_rss and not img4.exists(): write_scene(img4, W // 2, H // 2, 0, jpg4)
        weights = work / "weights.pt"
        if not weights.exists(): make_weights(img, weights)
        warm = work / "warm.png"
        if not warm.exists(): write_scene(warm, 2 * a.tile, a.tile, 1)
        print(f"images and weights ready in {time.time() - t:.0f} s ({work})")
    from inflame.tiles import tile_grid
    from sahi.slicing import get_slice_bboxes
    ours = tile_grid(W, H, a.tile, a.overlap)
    theirs = [tuple(b) for b in get_slice_bboxes(H, W, a.tile, a.tile, False, a.overlap, a.overlap)]
    same_grid = sorted(ours) == sorted(theirs)
    print(f"sahi {sahi.__version__}, torch {torch.__version__}, torchvision {torchvision.__version__}, {os.cpu_count()} CPUs; "
          f"{W}x{H}, tile {a.tile}, overlap {a.overlap}: {len(ours)} tiles, same grid in both tools: {same_grid}")
    common = dict(image=img, weights=weights, model=a.model, warm=warm, tile=a.tile, overlap=a.overlap, batch_size=a.batch_size, device=a.device,
                  score_threshold=a.score_threshold, threads=a.threads or None)
    runs = {}
    # (tool, merge, sahi in inference_mode, batch size, precision, prefetch)
    order = [("inflame", "nms", False, a.batch_size, "fp32", True), ("sahi", "nms", False, 1, "fp32", True),
             ("sahi", "nms", True, 1, "fp32", True), ("inflame", "nms", False, a.batch_size, "bf16", True),
             ("sahi", "nms", True, 1, "bf16", True), ("inflame", "nms", False, a.batch_size, "fp32", False),
             ("inflame", "nms", False, a.batch_size, "bf16", False),
             ("inflame", "nms", False, 4, "fp32", True),
             ("inflame", "union", False, a.batch_size, "fp32", True), ("sahi", "union", False, 1, "fp32", True),
             ("inflame", "union", False, a.batch_size, "bf16", True), ("sahi", "union", True, 1, "bf16", True)]
    if a.quick: order = order[:7]
    if a.no_bf16: order = [o for o in order if o[4] != "bf16"]
    for tool, merge, ng, bs, prec, pf in order:
        key = (f"{tool}:{merge}" + (":inference_mode" if ng and prec == "fp32" else "") + (":bf16" if prec == "bf16" else "")
               + (":batch4" if tool == "inflame" and bs == 4 else "") + ("" if pf else ":no_prefetch"))
        runs[key] = run_worker(a.repeats, tool=tool, merge=merge, sahi_no_grad=ng, precision=prec, no_prefetch=not pf, **{**common, "batch_size": bs})
        r = runs[key]
        if a.coco: r["ap50"], r["true_total"] = score(r["detections"], img, W, H, a.coco, a.score_threshold)
        print(f"  {key:28} {r['seconds']:7.1f} s ({r['model_seconds']:5.1f} s in the model, {r['seconds'] - r['model_seconds']:5.1f} s outside)"
              f"  {r['mp_per_s']:6.2f} MP/s  {len(r['detections']):6} detections  peak anon RSS {r['anon_peak_mb']:.0f} MB"
              + (f"  AP50 {r['ap50']:.3f} ({r['true_total']} true objects)" if a.coco else ""))
    res = {"config": {k: str(v) for k, v in vars(a).items()}, "same_grid": same_grid, "tiles": len(ours), "runs": {}}
    print("\nthroughput (megapixels/s, image read and merge included) and detections; same objects = share of one side's boxes "
          "with a box of the same class on the other at IoU >= 0.9")
    print("| merge | inflame | MP/s | SAHI as shipped MP/s | ratio | SAHI run the same way MP/s | ratio | detections inflame / SAHI | same objects inflame->SAHI / SAHI->inflame |")
    print("|---|---|---|---|---|---|---|---|---|")
    for merge, sname in (("nms", "NMS/IOU"), ("union", "GREEDYNMM/IOS")):
        s0 = runs.get(f"sahi:{merge}")
        for prec in ("fp32", "bf16"):
            o = runs.get(f"inflame:{merge}" + (":bf16" if prec == "bf16" else ""))
            same = runs.get(f"sahi:{merge}" + (":inference_mode" if prec == "fp32" else ":bf16"))
            if not o or not s0: continue
            ref = same or s0
            m1, m2 = match(o["detections"], ref["detections"]), match(ref["detections"], o["detections"])
            how = "fp32" if prec == "fp32" else 'precision="bf16"'
            sm = "in inference_mode" if prec == "fp32" else "in the same bf16 autocast"
            print(f"| {merge} vs {sname} | {how} | {o['mp_per_s']:.2f} | {s0['mp_per_s']:.2f} | **{o['mp_per_s'] / s0['mp_per_s']:.2f}x** | "
                  + (f"{same['mp_per_s']:.2f} ({sm}) | {o['mp_per_s'] / same['mp_per_s']:.2f}x" if same else "- | -")
                  + f" | {len(o['detections'])} / {len(ref['detections'])} | {m1:.1%} / {m2:.1%} |")
            res["runs"][f"{merge}:{prec}"] = {"inflame_mp_s": o["mp_per_s"], "sahi_mp_s": s0["mp_per_s"], "ratio": o["mp_per_s"] / s0["mp_per_s"],
                                             "sahi_same_way_mp_s": same["mp_per_s"] if same else None,
                                             "ratio_same_way": o["mp_per_s"] / same["mp_per_s"] if same else None,
                                             "outside_model_s": [o["seconds"] - o["model_seconds"], ref["seconds"] - ref["model_seconds"]],
                                             "detections": [len(o["detections"]), len(ref["detections"])], "match": [m1, m2],
                                             "seconds": [o["seconds"], s0["seconds"]]}
    for merge in ("nms", "union"):
        if f"inflame:{merge}" not in runs or f"sahi:{merge}" not in runs: continue
        o, s_ = runs[f"inflame:{merge}"], runs[f"sahi:{merge}"]
        oo, so = o["seconds"] - o["model_seconds"], s_["seconds"] - s_["model_seconds"]
        print(f"time outside the model ({merge}, fp32: reading, slicing, conversion, mapping, merging; what a background reader "
              f"hides is not counted): inflame {oo:.1f} s, SAHI {so:.1f} s; in the model: {o['model_seconds']:.1f} s vs {s_['model_seconds']:.1f} s")
    f32, b16 = runs["inflame:nms"], runs.get("inflame:nms:bf16")
    if b16:
        s0 = runs["sahi:nms"]
        print(f"inflame bf16 vs inflame fp32 (nms): {b16['mp_per_s'] / f32['mp_per_s']:.2f}x throughput, model {f32['model_seconds']:.1f} -> "
              f"{b16['model_seconds']:.1f} s; same objects {match(b16['detections'], f32['detections']):.1%} / {match(f32['detections'], b16['detections']):.1%}"
              f"; inflame bf16 vs SAHI as shipped (fp32): {match(b16['detections'], s0['detections']):.1%} / {match(s0['detections'], b16['detections']):.1%}"
              + (" (bf16 features move boxes a little)" if a.model else
                 " (bf16 features move boxes a little; on this random detector near-tied scores also change which overlapping boxes survive NMS)"))
        res["bf16_vs_fp32_match"] = [match(b16['detections'], f32['detections']), match(f32['detections'], b16['detections'])]
    def ratio(a_, b_): return runs[a_]["mp_per_s"] / runs[b_]["mp_per_s"] if a_ in runs and b_ in runs else None
    head = {"fp32, reader on": ratio("inflame:nms", "sahi:nms:inference_mode"), "fp32, reader off": ratio("inflame:nms:no_prefetch", "sahi:nms:inference_mode"),
            "bf16, reader on": ratio("inflame:nms:bf16", "sahi:nms:bf16"), "bf16, reader off": ratio("inflame:nms:bf16:no_prefetch", "sahi:nms:bf16"),
            "fp32 vs SAHI as shipped": ratio("inflame:nms", "sahi:nms")}
    print(f"\nheadline, inflame / SAHI megapixels/s at the same precision on both sides (SAHI in inference_mode; medians of {a.repeats} run(s)): "
          + "; ".join(f"{k} {v:.2f}x" for k, v in head.items() if v is not None))
    res["headline"] = head
    npf = runs.get("inflame:nms:no_prefetch")
    if npf:
        print(f"background tile reader: {f32['seconds']:.1f} s with, {npf['seconds']:.1f} s without ({npf['seconds'] / f32['seconds']:.2f}x); "
              f"identical detections: {f32['detections'] == npf['detections']}")
    b1, s0, sn = runs.get("inflame:nms:batch4"), runs["sahi:nms"], runs["sahi:nms:inference_mode"]
    if b1:
        print(f"inflame nms with batch_size 4: {b1['mp_per_s']:.2f} MP/s = {b1['mp_per_s'] / s0['mp_per_s']:.2f}x SAHI as shipped, "
              f"{b1['mp_per_s'] / sn['mp_per_s']:.2f}x SAHI in inference_mode; same objects as batch {a.batch_size or 'auto'}: "
              f"{match(b1['detections'], runs['inflame:nms']['detections']):.1%}")
        res["runs"]["nms:fp32"]["inflame_batch4_mp_s"] = b1["mp_per_s"]
    if not a.no_rss:
        print("\npeak memory (MB): RssAnon sampled every 20 ms (the process's own allocations; shared libraries left out), "
              "'pipeline' = peak minus RssAnon after loading torch and the model; VmHWM = ru_maxrss (all resident pages)")
        print("| tool | image | pixels | seconds | peak RssAnon | pipeline | ru_maxrss |"); print("|---|---|---|---|---|---|---|")
        mem = []
        jobs = [("inflame", img4), ("inflame", img), ("inflame", jpg4), ("inflame", jpg), ("sahi", img4), ("sahi", img)]
        for tool, im in jobs:
            r = runs["inflame:nms"] if (tool, im) == ("inflame", img) else runs["sahi:nms"] if (tool, im) == ("sahi", img) else \
                run_worker(tool=tool, merge="nms", **{**common, "image": im, "batch_size": a.batch_size if tool == "inflame" else 1})
            mem.append({"tool": tool, "image": im.name, "megapixels": r["width"] * r["height"] / 1e6, "seconds": r["seconds"],
                        "anon_peak_mb": r["anon_peak_mb"], "pipeline_mb": r["anon_peak_mb"] - r["anon_base_mb"], "rss_peak_mb": r["rss_peak_mb"]})
            print(f"| {tool} | {im.name} | {mem[-1]['megapixels']:.0f} MP | {r['seconds']:.0f} | {r['anon_peak_mb']:.0f} | "
                  f"{mem[-1]['pipeline_mb']:.0f} | {r['rss_peak_mb']:.0f} |")
        res["rss"] = mem
        for tool, suf in (("inflame", ".png"), ("inflame", ".jpg"), ("sahi", ".png")):
            x = [m for m in mem if m["tool"] == tool and m["image"].endswith(suf)]
            if len(x) == 2:
                print(f"{tool} {suf}: 4x the pixels -> peak RssAnon x{x[1]['anon_peak_mb'] / x[0]['anon_peak_mb']:.2f} "
                      f"({x[0]['anon_peak_mb']:.0f} -> {x[1]['anon_peak_mb']:.0f} MB; pipeline {x[0]['pipeline_mb']:.0f} -> {x[1]['pipeline_mb']:.0f} MB)")
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1))

if __name__ == "__main__":
    main()
