#!/usr/bin/env python
"""`make docs`: the nbdev/Quarto site where `quarto` is on PATH, else an offline HTML site in _docs/.

Offline: every notebook is executed (nbclient; any error fails the build, naming the notebook and cell), then
processed with nbdev's own notebook processors (API reference via `show_doc` for every exported symbol, hidden
cells and directives removed), then rendered to HTML with nbconvert, plus an index page."""
import html, os, re, shutil, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_docs"

def quarto_site() -> int:
    bin_ = Path(sys.executable).parent
    return subprocess.call([bin_ / "nbdev_docs"], cwd=ROOT)

def skip_flags() -> set:
    "The test flags of settings.ini (`tst_flags`) whose cells cannot run here, as `nbdev_test` skips them: all but detectron2 when it imports."
    import configparser, importlib.util
    c = configparser.ConfigParser(); c.read(ROOT / "settings.ini")
    flags = set(c["DEFAULT"].get("tst_flags", "").split())
    return flags - ({"detectron2"} if importlib.util.find_spec("detectron2") else set())

def mark_skipped(nb, flags: set) -> int:
    "Turn code cells flagged with one of `flags` (`#| detectron2`, ...) into markdown showing their code, not run."
    n = 0
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code": continue
        dirs = {l[3:].strip().split()[0] for l in c.source.splitlines() if l.startswith("#| ") and l[3:].strip()}
        hit = sorted(dirs & flags)
        if hit:
            import nbformat
            code = "\n".join(l for l in c.source.splitlines() if not l.startswith("#|"))
            nb.cells[i] = nbformat.v4.new_markdown_cell(f"*Not run in this build (needs `{'`, `'.join(hit)}`):*\n\n```python\n{code}\n```")
            n += 1
    return n

def execute(src: Path, dst: Path):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    nb = nbformat.read(src, as_version=4)
    skipped = mark_skipped(nb, skip_flags())
    if skipped: print(f"  {skipped} cell(s) flagged {', '.join(sorted(skip_flags()))} shown but not run", flush=True)
    try: NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(src.parent)}}).execute()
    except CellExecutionError as e:
        raise SystemExit(f"docs build failed: {src.name}: a cell raised an error:\n{str(e)[-3000:]}")
    nbformat.write(nb, dst)

def process(path: Path):
    "nbdev's processors (as nbdev_proc_nbs would apply them), without the Quarto-only layout ones."
    from execnb.nbio import read_nb, write_nb
    from nbdev.process import NBProcessor
    from nbdev import processors as P
    procs = [P.populate_language, P.add_show_docs, P.strip_ansi, P.hide_line, P.filter_stream_, P.rm_header_dash,
             P.clean_show_doc, P.exec_show_docs, P.rm_export, P.clean_magics, P.hide_, P.strip_hidden_metadata]
    nb = read_nb(path)
    cwd = os.getcwd(); os.chdir(path.parent)
    try: NBProcessor(path, procs, nb=nb).process()
    except Exception as e: raise SystemExit(f"docs build failed: {path.name}: API reference: {e}")
    finally: os.chdir(cwd)
    write_nb(nb, path)

def to_html(path: Path, title: str, nav: str) -> str:
    import nbformat
    from nbconvert import HTMLExporter
    nb = nbformat.read(path, as_version=4)
    cells = []
    for c in nb.cells:
        if c.cell_type == "code":
            c.source = re.sub(r"^\s*#\|.*\n?", "", c.source, flags=re.M)
            md = [o["data"]["text/markdown"] for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})]
            if c.source.strip().startswith("show_doc(") and md:   # API reference: the rendered doc only
                text = re.sub(r"\{[^{}\n]*(target|style|\.)[^{}\n]*\}", "", "".join(md))
                c = nbformat.v4.new_markdown_cell(text)
        if c.source.strip() or c.get("outputs"): cells.append(c)
    nb.cells = cells
    ex = HTMLExporter(template_name="lab", exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = ex.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, body, count=1)

def offline_site(only=()) -> int:
    nbs = sorted((ROOT / "nbs").glob("*.ipynb"), key=lambda p: (p.name != "index.ipynb", p.name))
    if only: nbs = [p for p in nbs if p.name in only]
    OUT.mkdir(exist_ok=True)
    pages = [(p, "index.html" if p.stem == "index" else p.stem + ".html") for p in nbs]
    nav = "<nav style='padding:8px;border-bottom:1px solid #ddd'>" + " | ".join(
        f"<a href='{h}'>{html.escape(p.stem)}</a>" for p, h in pages) + "</nav>"
    with tempfile.TemporaryDirectory(dir=ROOT / "nbs", prefix=".docs-") as tmp:
        tmp = Path(tmp)
        for src, page in pages:
            print(f"docs: {src.name}", flush=True)
            work = tmp / src.name
            execute(src, work)
            process(work)
            page_html = to_html(work, src.stem, nav)
            (OUT / page).write_text(page_html, encoding="utf-8")
    print(f"offline docs site: {OUT/'index.html'} ({len(pages)} pages)")
    return 0

if __name__ == "__main__":
    if shutil.which("quarto") and "--offline" not in sys.argv: sys.exit(quarto_site())
    sys.exit(offline_site([a for a in sys.argv[1:] if a.endswith(".ipynb")]))
