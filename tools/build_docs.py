#!/usr/bin/env python
"""`make docs`: the nbdev/Quarto site where `quarto` is on PATH, else an offline HTML site in _docs/.

Offline: every notebook is executed (nbclient; any error fails the build, naming the notebook and cell; executed
notebooks are cached in _proc/docs-cache/, keyed by the notebook's and the package's content hash), then processed
with nbdev's own notebook processors (API reference via `show_doc` for every exported symbol, hidden cells and
directives removed), cleaned for the web (stderr warnings and progress bars dropped, machine paths made neutral,
large images shrunk), and rendered with nbconvert into pages with a sidebar, a table of contents and a client-side
search (search.json / search-index.js), plus a CLI reference page from `inflame --help`.

  python tools/build_docs.py [--offline] [--no-exec] [--out DIR] [--nbs DIR] [NB.ipynb ...]

`--no-exec` builds from the committed notebooks without running them: the pages show the outputs committed in them
(`make outputs`) and nothing else; quick, for the site check of `make test` (tools/check_docs.py). `--nbs DIR` takes
the notebooks from DIR instead of nbs/ (a copy, say)."""
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
    "The test flags of settings.ini (`tst_flags`) whose cells cannot run here, as `nbdev_test` skips them (inflame.docs' reader)."
    from inflame.docs import unavailable_flags
    return unavailable_flags(ROOT / "settings.ini")

def flagged(cell, flags: set) -> list[str]:
    "The flags of `flags` that a code cell carries (`#| detectron2`, ...), sorted; [] for other cells."
    from inflame.docs import cell_flags
    return sorted(cell_flags(cell.source) & flags) if cell.cell_type == "code" else []

def mark_skipped(nb, flags: set) -> int:
    "Turn code cells flagged with one of `flags` (`#| detectron2`, ...) into markdown showing their code, not run."
    import nbformat
    n = 0
    for i, c in enumerate(nb.cells):
        hit = flagged(c, flags)
        if hit:
            code = "\n".join(l for l in c.source.splitlines() if not l.startswith("#|"))
            nb.cells[i] = nbformat.v4.new_markdown_cell(f"*Not run in this build (needs `{'`, `'.join(hit)}`):*\n\n```python\n{code}\n```")
            n += 1
    return n

def run_nb(nb, src: Path, timeout: int = 900) -> None:
    "Execute `nb` (an nbformat notebook read from `src`) in place with the python3 kernel, in `src`'s folder; an error exits naming the notebook and cell."
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    try: NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(src.parent)}}).execute()
    except CellExecutionError as e:
        msg = re.sub(r"\x1b\[[0-9;]*m", "", str(e))           # without the traceback's colours
        raise SystemExit(f"{src.name}: a cell raised an error:\n{msg[-3000:]}")

def lib_hash() -> str:
    "Content hash of the package sources (a change in any module invalidates every cached notebook)."
    h = hashlib.sha256()
    for p in sorted((ROOT / "inflame").rglob("*.py")): h.update(p.name.encode()); h.update(p.read_bytes())
    return h.hexdigest()[:16]

def execute(src: Path, dst: Path, run: bool = True, key: str = "") -> str:
    "Write `src` to `dst` executed (or only with flagged cells marked, when not `run`); returns 'ran', 'cached' or 'not run'."
    import nbformat
    cached = CACHE / f"{src.stem}-{hashlib.sha256(src.read_bytes() + key.encode()).hexdigest()[:20]}.ipynb"
    if run and cached.exists(): shutil.copy(cached, dst); return "cached"
    nb = nbformat.read(src, as_version=4)
    skipped = mark_skipped(nb, skip_flags())
    if skipped: print(f"  {skipped} cell(s) flagged {', '.join(sorted(skip_flags()))} shown but not run", flush=True)
    if run:
        try: run_nb(nb, src)
        except SystemExit as e: raise SystemExit(f"docs build failed: {e}")
    nbformat.write(nb, dst)
    if run:
        CACHE.mkdir(parents=True, exist_ok=True)
        for old in CACHE.glob(f"{src.stem}-*.ipynb"): old.unlink()
        shutil.copy(dst, cached)
    return "ran" if run else "not run"

def process(path: Path):
    "nbdev's processors (as nbdev_proc_nbs would apply them), without the Quarto-only layout ones."
    from execnb.nbio import read_nb, write_nb
    from nbdev.process import NBProcessor
    from nbdev import processors as P
    import inflame.docs     # noqa: F401  makes nbdev's exec_show_docs skip flagged cells and run only the imports of cells mixing them with other work
    procs = [P.populate_language, P.add_show_docs, P.strip_ansi, P.hide_line, P.filter_stream_, P.rm_header_dash,
             P.clean_show_doc, P.exec_show_docs, P.rm_export, P.clean_magics, P.hide_, P.strip_hidden_metadata]
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

def offline_site(only=(), run: bool = True, out: Path = OUT, src_dir: Path = ROOT / "nbs") -> int:
    "Build the offline site into `out` from the notebooks in `src_dir`; `run=False` renders their committed outputs without executing them."
    t0 = time.time()
    nbs = sorted(Path(src_dir).glob("*.ipynb"), key=lambda p: (p.name != "index.ipynb", p.name))
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
    if shutil.which("quarto") and not {"--offline", "--no-exec", "--out", "--nbs"} & set(argv): return quarto_site()
    out = Path(argv[argv.index("--out") + 1]).resolve() if "--out" in argv else OUT
    src = Path(argv[argv.index("--nbs") + 1]).resolve() if "--nbs" in argv else ROOT / "nbs"
    return offline_site([Path(a).name for a in argv if a.endswith(".ipynb")], run="--no-exec" not in argv, out=out, src_dir=src)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
