#!/usr/bin/env python
"""`make outputs`: execute the notebooks and write their outputs INTO them, small and clean, as fastai commits its notebooks.

Each notebook runs as the docs build runs it (tools/build_docs.py: nbclient, python3 kernel, in nbs/; an error names
the notebook and cell and leaves that notebook unchanged); cells flagged with a test flag that cannot run here
(`#| slow`, `#| gpu`, `#| detectron2` when it is absent; inflame.docs' reader of settings.ini `tst_flags`) are not run.
The outputs are cleaned as the web pages are (tools/docsite.py: stderr and progress bars dropped, machine paths made
neutral) and made small: plots at a low dpi, images as PNG only (shrunk when big), no widget state, no execution
counts or metadata, so that `nbdev_clean` afterwards leaves the file unchanged. Only the cells' outputs change.

  python tools/outputs.py [--workers N] [--dpi D] [--no-exec] [NB.ipynb ...]

`--no-exec` does not run the notebooks: it cleans the outputs they have (saved from Jupyter, say) the same way.

With no notebook named, every notebook in nbs/ (2 at a time, the slowest first by the last run's timings, kept in
build/outputs-times.json). `tools/check_outputs.py` checks the result (`make test` runs it)."""
from __future__ import annotations
import base64, io, json, os, re, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import docsite as S

ROOT = Path(__file__).resolve().parent.parent
TIMES = ROOT / "build" / "outputs-times.json"   # not _proc/: nbdev_proc_nbs --force empties that
KEEP = ("image/png", "text/plain", "text/html", "text/markdown", "text/latex", "application/json")
SKIP_TAG = "skip-execution"                     # nbclient does not run a cell with this tag

def setup_code(dpi: int) -> str:
    "Run before the notebook's first cell: inline plots as PNG at `dpi` (the displayed image only; files that the code saves are as they were)."
    return ("%config InlineBackend.figure_formats = ['png']\n"
            f"%config InlineBackend.print_figure_kwargs = {{'bbox_inches': 'tight', 'dpi': {dpi}}}\n")

def as_png(o: dict) -> None:
    "Keep an output's image as PNG only: a JPEG or GIF alone is converted, other image types (SVG, PDF) are dropped when a PNG exists."
    d = o.get("data", {})
    for k in [k for k in d if k.startswith("image/") and k != "image/png"]:
        if "image/png" not in d and k in ("image/jpeg", "image/gif"):
            from PIL import Image
            im = Image.open(io.BytesIO(base64.b64decode("".join(d[k])))); buf = io.BytesIO()
            im.convert("RGBA" if im.mode in ("RGBA", "P", "LA") else "RGB").save(buf, "PNG", optimize=True)
            d["image/png"] = base64.b64encode(buf.getvalue()).decode()
        del d[k]

def is_empty(o: dict) -> bool:
    "A display that shows nothing: an emptied progress bar (`HTML('')`, `<div></div>`), its text only `<IPython.core.display.HTML object>`."
    if o.get("output_type") != "display_data" or any(k.startswith("image/") for k in o.get("data", {})): return False
    txt = " ".join("".join(v) for k, v in o["data"].items() if k.startswith("text/"))
    txt = re.sub(r"<IPython\.core\.display\.\w+ object>|<[^>]*>|```\w*", "", txt)
    return not txt.strip()

def fit_width(b64: str, width) -> str:
    "A base64 PNG scaled down to `width` pixels (the width its display asked for, `Image(..., width=640)`); as it was when not wider."
    from PIL import Image
    im = Image.open(io.BytesIO(base64.b64decode(b64))); im.load()
    if not isinstance(width, int) or width <= 0 or im.width <= width: return b64
    buf = io.BytesIO(); im.resize((width, round(im.height * width / im.width)), Image.LANCZOS).save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()

def small_outputs(cell, max_png: int) -> list:
    "The cell's outputs made small for committing: known mime types only, PNG only (over `max_png` bytes: at most 720 px wide, 256 colours), no metadata."
    keep = []
    for o in cell.get("outputs", []):
        if o.get("output_type") in ("display_data", "execute_result"):
            as_png(o)
            o["data"] = {k: v for k, v in o["data"].items() if k in KEEP}
            if not o["data"] or is_empty(o): continue
            if "image/png" in o["data"]:
                hint = next((m["width"] for m in o.get("metadata", {}).values() if isinstance(m, dict) and "width" in m), None)
                png = fit_width("".join(o["data"]["image/png"]).replace("\n", ""), hint)
                o["data"]["image/png"] = S.shrink_png(png, max_bytes=max_png, max_width=720, palette=True)
            o["metadata"] = {}
            if o["output_type"] == "execute_result": o["execution_count"] = None
            o.pop("transient", None)
        keep.append(o)
    return keep

def run_one(path: Path, dpi: int = 72, max_png: int = 12_000, execute: bool = True) -> str:
    "Execute `path` and write its cleaned outputs into it (not `execute`: clean the outputs it has); returns a one-line summary."
    import nbformat
    from build_docs import flagged, run_nb, skip_flags
    t0 = time.time()
    before = path.read_bytes()
    orig = nbformat.reads(before.decode("utf-8"), as_version=4)
    nb = nbformat.reads(before.decode("utf-8"), as_version=4)
    flags, skipped = skip_flags(), 0
    for c in nb.cells:
        if flagged(c, flags): c.metadata.setdefault("tags", []).append(SKIP_TAG); skipped += 1
    if execute:
        nb.cells.insert(0, nbformat.v4.new_code_cell(setup_code(dpi)))
        run_nb(nb, path)
        nb.cells.pop(0)
    counts = S.clean_outputs(nb)            # stderr, progress bars, machine paths, big images (as on the web pages)
    n_out = 0
    for o, c in zip(orig.cells, nb.cells):
        if o.cell_type != "code": continue
        if not flagged(o, flags): o.outputs = small_outputs(c, max_png)     # a cell not run keeps what it had (from a GPU machine, say)
        o.execution_count = None
        n_out += len(o.outputs)
    if path.read_bytes() != before: raise SystemExit(f"{path.name}: changed while it ran; left as it is now (run it again)")
    nbformat.write(orig, path)
    from nbdev.clean import nbdev_clean        # nbdev's own format and cleaning, so that `nbdev_clean` later is a no-op
    cwd = os.getcwd(); os.chdir(ROOT)
    try: nbdev_clean(fname=str(path))
    finally: os.chdir(cwd)
    dropped = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
    return (f"{path.name}: {n_out} outputs, {path.stat().st_size / 1e3:.0f} kB, {time.time() - t0:.0f}s"
            + (f"; {skipped} flagged cell(s) not run" if skipped else "") + (f"; dropped {dropped}" if dropped else ""))

SLOW = {"04_detect.ipynb": 170, "06_track.ipynb": 145, "08_serve.ipynb": 125, "05_tiles.ipynb": 109, "07_scale.ipynb": 108,
        "02_classify.ipynb": 83}          # seconds in the offline docs build, for a first run here

def order(nbs: list[Path]) -> list[Path]:
    "Slowest first (the last run's seconds, else SLOW's, else the file size), so that the workers finish together."
    try: secs = {**SLOW, **json.loads(TIMES.read_text())}
    except (OSError, ValueError): secs = dict(SLOW)
    return sorted(nbs, key=lambda p: (-secs.get(p.name, 0), -p.stat().st_size))

def main(argv: list[str]) -> int:
    opt = lambda name, default: type(default)(argv[argv.index(name) + 1]) if name in argv else default
    workers, dpi = opt("--workers", 2), opt("--dpi", 72)
    if "--one" in argv:                                     # a worker: one notebook in this process
        try: print(run_one(Path(argv[argv.index("--one") + 1]).resolve(), dpi, execute="--no-exec" not in argv), flush=True); return 0
        except SystemExit as e: print(f"FAILED {e}", flush=True); return 1
    vals = {argv[i + 1] for i, a in enumerate(argv) if a in ("--workers", "--dpi")}
    named = [Path(a).resolve() for a in argv if a.endswith(".ipynb") and a not in vals]
    nbs = named or [p for p in sorted((ROOT / "nbs").glob("*.ipynb")) if not p.name.startswith("_")]
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 2) // workers))),
               PYTHONWARNINGS="ignore")
    t0, secs, failed = time.time(), {}, []
    def one(p: Path):
        t = time.time()
        r = subprocess.run([sys.executable, __file__, "--one", str(p), "--dpi", str(dpi)] + (["--no-exec"] if "--no-exec" in argv else []),
                           cwd=ROOT, env=env, capture_output=True, text=True)
        secs[p.name] = round(time.time() - t)
        out = (r.stdout.strip() or r.stderr.strip()[-3000:])
        if r.returncode: failed.append(p.name); out = out if out.startswith("FAILED") else f"FAILED {p.name}:\n{out}"
        print(out, flush=True)
    with ThreadPoolExecutor(workers) as ex: list(ex.map(one, order(nbs)))
    try:
        if "--no-exec" in argv: raise OSError("no timings without running")
        TIMES.parent.mkdir(exist_ok=True)
        old = json.loads(TIMES.read_text()) if TIMES.exists() else {}
        TIMES.write_text(json.dumps({**old, **secs}, indent=1, sort_keys=True))
    except (OSError, ValueError): pass
    dirs = sorted({p.parent for p in nbs})
    size = sum(p.stat().st_size for d in dirs for p in d.glob("*.ipynb"))
    print(f"outputs: {len(nbs) - len(failed)}/{len(nbs)} notebooks in {time.time() - t0:.0f}s with {workers} workers; "
          f"{', '.join(str(d.relative_to(ROOT)) if d.is_relative_to(ROOT) else str(d) for d in dirs)}/*.ipynb now {size / 1e6:.2f} MB" + (f"; FAILED: {', '.join(failed)} (left unchanged)" if failed else ""))
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
