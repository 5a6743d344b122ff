#!/usr/bin/env python
"""`make docs`: the nbdev/Quarto site where `quarto` is on PATH, else an offline HTML site in _docs/.

Offline: every notebook is executed (nbclient; any error fails the build, naming the notebook and cell; executed
notebooks are cached in _proc/docs-cache/, keyed by the notebook's and the package's content hash), then processed
with nbdev's own notebook processors (API reference via `show_doc` for every exported symbol, hidden cells and
directives removed), cleaned for the web (stderr warnings and progress bars dropped, machine paths made neutral,
large images shrunk), and rendered with nbconvert into pages with a sidebar, a table of contents and a client-side
search (search.json / search-index.js), plus a CLI reference page from `inflame --help`.

  python tools/build_docs.py [--offline] [--no-exec] [--out DIR] [NB.ipynb ...]

`--no-exec` builds from the committed (clean) notebooks without running them: quick, for the site check of
`make test` (tools/check_docs.py)."""
import hashlib, html, os, re, warnings, shutil, subprocess, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import docsite as S

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_docs"
CACHE = ROOT / "_proc" / "docs-cache"

def quarto_site() -> int:
    "The nbdev/Quarto site (`nbdev_docs`)."
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
    import nbformat
    n = 0
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code": continue
        dirs = {l[3:].strip().split()[0] for l in c.source.splitlines() if l.startswith("#| ") and l[3:].strip()}
        hit = sorted(dirs & flags)
        if hit:
            code = "\n".join(l for l in c.source.splitlines() if not l.startswith("#|"))
            nb.cells[i] = nbformat.v4.new_markdown_cell(f"*Not run in this build (needs `{'`, `'.join(hit)}`):*\n\n```python\n{code}\n```")
            n += 1
    return n

def lib_hash() -> str:
    "Content hash of the package sources (a change in any module invalidates every cached notebook)."
    h = hashlib.sha256()
    for p in sorted((ROOT / "inflame").rglob("*.py")): h.update(p.name.encode()); h.update(p.read_bytes())
    return h.hexdigest()[:16]

def execute(src: Path, dst: Path, run: bool = True, key: str = "") -> str:
    "Write `src` to `dst` executed (or only with flagged cells marked, when not `run`); returns 'ran', 'cached' or 'not run'."
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    cached = CACHE / f"{src.stem}-{hashlib.sha256(src.read_bytes() + key.encode()).hexdigest()[:20]}.ipynb"
    if run and cached.exists(): shutil.copy(cached, dst); return "cached"
    nb = nbformat.read(src, as_version=4)
    skipped = mark_skipped(nb, skip_flags())
    if skipped: print(f"  {skipped} cell(s) flagged {', '.join(sorted(skip_flags()))} shown but not run", flush=True)
    if run:
        try: NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(src.parent)}}).execute()
        except CellExecutionError as e:
            raise SystemExit(f"docs build failed: {src.name}: a cell raised an error:\n{str(e)[-3000:]}")
    nbformat.write(nb, dst)
    if run:
        CACHE.mkdir(parents=True, exist_ok=True)
        for old in CACHE.glob(f"{src.stem}-*.ipynb"): old.unlink()
        shutil.copy(dst, cached)
    return "ran" if run else "not run"

def _tolerant_exec_show_docs():
    "nbdev's `exec_show_docs`, except that of a cell mixing imports with other code only the imports run (a failing one is skipped)."
    from nbdev import processors as P
    class exec_show_docs(P.exec_show_docs):
        def __call__(self, cell):
            if not self.nb.has_docs_ or not hasattr(self, "k"): return
            if P._do_eval(cell):
                trees = cell.parsed_()
                needed = cell.directives_.keys() & {"export", "exports", "exporti", "exec_doc"} or P._show_docs(trees)
                if needed: self.k.cell(cell)
                else:                                   # only the imports of a cell that also does other work
                    import ast
                    imports = [n for n in trees if isinstance(n, (ast.Import, ast.ImportFrom))]
                    self.k.run_cell("\n".join(ast.unparse(n) for n in imports))
                    self.k.exc = None
            if self.k.exc: raise Exception(f"Error in cell {cell.idx_} :\n{cell.source}") from self.k.exc
    return exec_show_docs

def process(path: Path):
    "nbdev's processors (as nbdev_proc_nbs would apply them), without the Quarto-only layout ones."
    from execnb.nbio import read_nb, write_nb
    from nbdev.process import NBProcessor
    from nbdev import processors as P
    procs = [P.populate_language, P.add_show_docs, P.strip_ansi, P.hide_line, P.filter_stream_, P.rm_header_dash,
             P.clean_show_doc, _tolerant_exec_show_docs(), P.rm_export, P.clean_magics, P.hide_, P.strip_hidden_metadata]
    nb = read_nb(path)
    cwd = os.getcwd(); os.chdir(path.parent)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)        # "cells containing imports and other code"
            NBProcessor(path, procs, nb=nb).process()
    except Exception as e: raise SystemExit(f"docs build failed: {path.name}: API reference: {e}")
    finally: os.chdir(cwd)
    write_nb(nb, path)

def page_title(nb, stem: str) -> str:
    "The notebook's title: its first `# heading`, else its file name."
    for c in nb.cells:
        if c.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", c.source, flags=re.M)
            if m: return m.group(1).strip()
    return stem

def to_body(path: Path) -> tuple[str, str, dict]:
    "`(title, body HTML, cleaning counts)` of a processed notebook."
    import nbformat
    from nbconvert import HTMLExporter
    nb = nbformat.read(path, as_version=4)
    counts = S.clean_outputs(nb)
    cells = []
    for c in nb.cells:
        if c.cell_type == "code":
            fold = re.search(r"^\s*#\|\s*code-fold:\s*(true|show)\s*$", c.source, flags=re.M)
            c.source = re.sub(r"^\s*#\|.*\n?", "", c.source, flags=re.M)
            if fold and c.source.strip():          # Quarto's `#| code-fold: true`: the code folded, its output shown
                cells.append(nbformat.v4.new_markdown_cell(S.fold_code(c.source, open_=fold.group(1) == "show")))
                c.source = ""
            md = [o["data"]["text/markdown"] for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})]
            if c.source.strip().startswith("show_doc(") and md:   # API reference: the rendered doc only
                c = nbformat.v4.new_markdown_cell(S.clean_show_doc("".join(md)))
                c.metadata["api"] = True
        if c.source.strip() or c.get("outputs"): cells.append(c)
    nb.cells = cells
    title = page_title(nb, path.stem)
    ex = HTMLExporter(template_name="basic", exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = ex.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return title, body, counts

def offline_site(only=(), run: bool = True, out: Path = OUT) -> int:
    "Build the offline site into `out`; `run=False` renders the committed notebooks without executing them."
    t0 = time.time()
    nbs = sorted((ROOT / "nbs").glob("*.ipynb"), key=lambda p: (p.name != "index.ipynb", p.name))
    nbs = [p for p in nbs if not p.name.startswith("_")]
    if only: nbs = [p for p in nbs if p.name in only]
    out.mkdir(parents=True, exist_ok=True)
    key = lib_hash() if run else ""
    rendered, index = [], []
    with tempfile.TemporaryDirectory(dir=ROOT / "nbs", prefix=".docs-") as tmp:
        tmp = Path(tmp)
        for src in nbs:
            t1 = time.time()
            work = tmp / src.name
            how = execute(src, work, run, key)
            process(work)
            title, body, counts = to_body(work)
            page = "index.html" if src.stem == "index" else src.stem + ".html"
            rendered.append((page, title, body))
            dropped = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
            print(f"docs: {src.name} ({how}, {time.time() - t1:.1f}s{'; dropped ' + dropped if dropped else ''})", flush=True)
    try: cli = S.cli_page_html(S.cli_help())
    except Exception as e: raise SystemExit(f"docs build failed: CLI reference: {e}")
    rendered.append(("cli.html", "Command line", cli))
    pages = [(p, "inflame" if p == "index.html" else t) for p, t, _ in rendered]
    for page, title, body in rendered:
        body, toc = S.headings(body)
        title = dict(pages)[page]
        index += S.sections(body, page, title)
        (out / page).write_text(S.page_html(title, body, pages, page, toc), encoding="utf-8")
    S.write_assets(out, index)
    print(f"offline docs site: {out/'index.html'} ({len(rendered)} pages, {len(index)} search entries, {time.time() - t0:.0f}s)")
    return 0

def main(argv: list[str]) -> int:
    if shutil.which("quarto") and "--offline" not in argv and "--no-exec" not in argv and "--out" not in argv: return quarto_site()
    out = Path(argv[argv.index("--out") + 1]).resolve() if "--out" in argv else OUT
    return offline_site([Path(a).name for a in argv if a.endswith(".ipynb")], run="--no-exec" not in argv, out=out)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
