#!/usr/bin/env python
"""The Quarto docs path (`nbdev_docs`, .github/workflows/deploy.yaml), checked without Quarto: the files it needs are
in nbs/ (_quarto.yml, the styles.css it names, sidebar.yml listing every notebook, nbdev.yml), and nbdev's notebook
processing (what `nbdev_proc_nbs` does, minus installing Quarto) succeeds here, where Detectron2 may be absent:
cells flagged `#| detectron2` are shown, not run (settings.ini `procs = inflame.docs:skip_flagged_cells`).
Then the pages Quarto would render carry the committed outputs (`make outputs`): every image and text output of a
visible cell of nbs/*.ipynb is in the processed notebook in _proc/ (Quarto renders those without executing them);
it fails when there is no image output or no text output to carry.

  python tools/check_quarto.py [--root DIR]     (DIR: a checkout or copy with settings.ini and nbs/; default this one)"""
import os, re, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if "--root" in sys.argv: ROOT = Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
NBS = ROOT / "nbs"

def check_files() -> list[str]:
    "Problems with the files Quarto needs."
    probs = []
    qy = NBS / "_quarto.yml"
    if not qy.is_file(): return [f"{qy.relative_to(ROOT)}: missing"]
    t = qy.read_text(encoding="utf-8")
    for css in re.findall(r"css:\s*(\S+)", t):
        if not (NBS / css).is_file(): probs.append(f"nbs/_quarto.yml names {css}, which is missing")
    for f in re.findall(r"metadata-files:\s*\[([^\]]*)\]", t)[:1]:
        for name in [x.strip() for x in f.split(",")]:
            if name and not (NBS / name).is_file(): probs.append(f"nbs/_quarto.yml names {name}, which is missing")
    sb = NBS / "sidebar.yml"
    if sb.is_file():
        s = sb.read_text(encoding="utf-8")
        for nb in sorted(NBS.glob("*.ipynb")):
            if not nb.name.startswith("_") and nb.name not in s: print(f"note: nbs/sidebar.yml does not list {nb.name} yet (nbdev_docs regenerates it; or run nbdev_sidebar --force)")
    return probs

def proc_nbs() -> None:
    "nbdev_proc_nbs without the Quarto install: refresh _quarto.yml/nbdev.yml, then process every notebook into _proc/."
    from nbdev.quarto import refresh_quarto_yml
    from nbdev.serve import proc_nbs as run
    os.chdir(ROOT)
    refresh_quarto_yml()
    run(NBS, n_workers=0, force=True)

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

def _outputs(cells, skip_hidden: bool) -> tuple[list, list]:
    "`([(cell index, PNG payload)], [(cell index, text)])` of the code cells' outputs (not of show_doc cells, re-run by nbdev; not of `#| hide` cells)."
    imgs, texts = [], []
    for i, c in enumerate(cells):
        src = "".join(c.get("source", ""))
        if c.get("cell_type") != "code" or re.search(r"^\s*show_doc\(", src, re.M): continue
        if skip_hidden and re.search(r"^#\|\s*(hide|filter_stream)\b", src, re.M): continue
        for o in c.get("outputs", []):
            d = o.get("data", {})
            if "image/png" in d: imgs.append((i, "".join(d["image/png"]).strip()))
            txt = "".join(o.get("text", "")) if o.get("output_type") == "stream" else "".join(d.get("text/plain", ""))
            txt = " ".join(_ANSI.sub("", txt).split())
            if txt and "image/png" not in d: texts.append((i, txt))
    return imgs, texts

def check_outputs_carried() -> tuple[list[str], str]:
    "`(problems, summary)`: every image and text output of the visible cells of nbs/*.ipynb is in its processed notebook in _proc/."
    import json
    probs, n_img, n_txt, example = [], 0, 0, {}
    for nb in sorted(NBS.glob("*.ipynb")):
        if nb.name.startswith("_"): continue
        proc = ROOT / "_proc" / nb.name
        if not proc.is_file(): probs.append(f"_proc/{nb.name}: missing (nbdev_proc_nbs did not process nbs/{nb.name})"); continue
        imgs, texts = _outputs(json.loads(nb.read_text(encoding="utf-8"))["cells"], skip_hidden=True)
        pimgs, ptexts = _outputs(json.loads(proc.read_text(encoding="utf-8"))["cells"], skip_hidden=False)
        pimgs, ptexts = {p for _, p in pimgs}, " \n ".join(t for _, t in ptexts)
        for i, png in imgs:
            n_img += 1; example.setdefault("image", f"nbs/{nb.name} cell {i}")
            if png not in pimgs: probs.append(f"_proc/{nb.name}: the image output of cell {i} is missing")
        for i, txt in texts:
            n_txt += 1; example.setdefault("text", f"nbs/{nb.name} cell {i}")
            if txt not in ptexts: probs.append(f"_proc/{nb.name}: the text output of cell {i} ({txt[:50]!r}) is missing")
    if not n_img: probs.append("nbs/*.ipynb: no image output to carry (run `make outputs`)")
    if not n_txt: probs.append("nbs/*.ipynb: no text output to carry (run `make outputs`)")
    summary = (f"outputs in _proc/: {n_img} image and {n_txt} text outputs of the visible cells, {len(probs)} missing or absent"
               + (f" (first image: {example['image']}, first text: {example.get('text', '-')})" if "image" in example else ""))
    return probs, summary

def main() -> int:
    probs = check_files()
    for p in probs: print("problem:", p)
    t0 = time.time()
    try: proc_nbs()
    except Exception as e:
        print(f"problem: nbdev_proc_nbs failed: {type(e).__name__}: {str(e)[-3000:]}"); return 1
    print(f"nbdev_proc_nbs: ok in {time.time() - t0:.0f}s; {len(probs)} file problem(s)")
    out_probs, summary = check_outputs_carried()
    for p in out_probs[:40]: print("problem:", p)
    print(summary)
    return 1 if probs or out_probs else 0

if __name__ == "__main__":
    sys.exit(main())
