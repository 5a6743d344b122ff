#!/usr/bin/env python
"""README.md from nbs/index.ipynb, offline (nbconvert; no Quarto). `--check` exits 1 when README.md is out of date."""
import re, sys
from pathlib import Path
import nbformat
from nbconvert import MarkdownExporter

ROOT = Path(__file__).resolve().parent.parent
HEADER = "<!-- generated from nbs/index.ipynb by tools/readme.py: edit the notebook, then run `make readme` -->\n\n"
_directive = re.compile(r"^\s*#\|.*$\n?", re.M)

def render() -> str:
    nb = nbformat.read(ROOT / "nbs" / "index.ipynb", as_version=4)
    keep = []
    for c in nb.cells:
        if c.cell_type == "code" and re.search(r"^\s*#\|\s*hide\s*$", c.source, re.M): continue
        if c.cell_type == "code": c.source, c.outputs = _directive.sub("", c.source).strip(), []
        keep.append(c)
    nb.cells = keep
    body, _ = MarkdownExporter().from_notebook_node(nb)
    body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    return HEADER + body

if __name__ == "__main__":
    text, target = render(), ROOT / "README.md"
    if "--check" in sys.argv:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            print("README.md is out of date with nbs/index.ipynb: run `make readme` and commit it", file=sys.stderr); sys.exit(1)
        print("README.md is up to date"); sys.exit(0)
    target.write_text(text, encoding="utf-8"); print(f"wrote {target}")
