#!/usr/bin/env python
"""The Quarto docs path (`nbdev_docs`, .github/workflows/deploy.yaml), checked without Quarto: the files it needs are
in nbs/ (_quarto.yml, the styles.css it names, sidebar.yml listing every notebook, nbdev.yml), and nbdev's notebook
processing (what `nbdev_proc_nbs` does, minus installing Quarto) succeeds here, where Detectron2 may be absent:
cells flagged `#| detectron2` are shown, not run (settings.ini `procs = inflame.docs:skip_flagged_cells`).

  python tools/check_quarto.py"""
import os, re, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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

def main() -> int:
    probs = check_files()
    for p in probs: print("problem:", p)
    t0 = time.time()
    try: proc_nbs()
    except Exception as e:
        print(f"problem: nbdev_proc_nbs failed: {type(e).__name__}: {str(e)[-3000:]}"); return 1
    print(f"nbdev_proc_nbs: ok in {time.time() - t0:.0f}s; {len(probs)} file problem(s)")
    return 1 if probs else 0

if __name__ == "__main__":
    sys.exit(main())
