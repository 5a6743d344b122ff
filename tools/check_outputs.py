#!/usr/bin/env python
"""The committed notebooks carry their outputs (written by `make outputs`, tools/outputs.py), small and clean.

  python tools/check_outputs.py [--budget MB] [NB.ipynb ...]

An example cell must show its result: a code cell that is visible (not `#| hide`, not `#| export`/`exports`/`exporti`,
not `#| include: false`, `#| output: false` or `#| eval: false`, and not flagged with a test flag of settings.ini
`tst_flags`, which `make outputs` may not run), whose last statement is an expression (`df`, `x.shape`, `a == b`; a
string literal or a line ending in `;` shows nothing) or a call that displays, plots or prints (`print`, `display`,
`show...`, `plot...`, `imshow`, `plt.*`, `!cmd`; inside a `for`/`with`/`if`/`try` block too). Calls that may return
None (`fit(...)`, `test_eq(...)`) and cells that only import, define or assign are exempt.

Every output is clean: no stderr, no progress bar, no machine path (/tmp/..., /work/..., this checkout), images as PNG
only, no execution count. The notebooks together stay under the size budget (BUDGET_MB; `--budget` to try another).
A failure names the notebook, the cell (number and id) and its first line. Exits 1 on any problem."""
from __future__ import annotations
import ast, json, re, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import docsite as S
from outputs import is_empty

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MB = 3.5            # nbs/*.ipynb together: 1.6 MB with no outputs (03:05 UTC); outputs add about 0.55 MB to the 16 notebooks measured
                           # (04_detect +151 kB, 08_serve +194 kB, 02_classify +78 kB), so about 2.4 MB in all
MAX_PNG = 150_000          # one image, bytes (decoded)
EXEMPT = {"hide", "export", "exports", "exporti", "include: false", "output: false", "eval: false"}
MIMES = {"image/png", "text/plain", "text/html", "text/markdown", "text/latex", "application/json"}
DISPLAY = {"print", "display", "pprint", "imshow", "show_doc", "display_markdown", "display_html", "Markdown", "HTML"}

def test_flags() -> set[str]:
    "settings.ini `tst_flags` (inflame.docs' reader; all of them: a flagged cell may or may not run where the outputs were made)."
    from inflame.docs import test_flags
    return test_flags(ROOT / "settings.ini")

def directives(source: str) -> set[str]:
    "`#| hide` -> {'hide'}, `#| eval: false` -> {'eval: false'}, `#| slow` -> {'slow'} (names, and `key: value` lowercased)."
    out = set()
    for l in source.splitlines():
        if not l.startswith("#|"): continue
        d = " ".join(l[2:].split()).lower()
        if d: out |= {d, d.split()[0].rstrip(":")}
    return out

def _call_name(node: ast.AST) -> str:
    "Dotted name of a call's function (`plt.show`, `learn.show_results`, `get_ipython.system`), '' when not a plain name."
    f = node.func if isinstance(node, ast.Call) else node
    parts = []
    while isinstance(f, (ast.Attribute, ast.Call)):
        if isinstance(f, ast.Call): f = f.func; continue
        parts.append(f.attr); f = f.value
    if isinstance(f, ast.Name): parts.append(f.id)
    return ".".join(reversed(parts))

def displays(call: ast.Call) -> bool:
    "True for a call that displays, plots or prints."
    name = _call_name(call); last = name.rsplit(".", 1)[-1]
    if not name or last.startswith(("test", "assert")): return False
    return (last in DISPLAY or last.startswith(("show", "plot", "print", "display")) or name.split(".")[0] in ("plt", "IPython")
            or name == "get_ipython.system")

def _last_display(stmts: list) -> bool:
    "A block (for/with/if/try body) that ends with a displaying call."
    if not stmts: return False
    s = stmts[-1]
    if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call): return displays(s.value)
    body = getattr(s, "body", None)
    return isinstance(body, list) and not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and _last_display(body)

def should_show(source: str, flags: set[str] = frozenset()) -> str:
    "Why this cell should have an output ('' when it need not): its directives, then its last statement."
    ds = directives(source)
    if ds & (EXEMPT | flags): return ""
    code = "\n".join(l for l in source.splitlines() if not l.startswith("#|"))
    if not code.strip() or code.rstrip().endswith(";"): return ""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        code = TransformerManager().transform_cell(code)
    except ImportError: pass
    try: tree = ast.parse(code)
    except SyntaxError: return ""
    if not tree.body: return ""
    s = tree.body[-1]
    if isinstance(s, ast.Expr):
        v = s.value
        if isinstance(v, ast.Constant): return ""                 # a string literal, `...`, None
        if isinstance(v, ast.Call):
            return f"its last line calls `{_call_name(v)}`, which displays" if displays(v) else ""
        if isinstance(v, (ast.Await, ast.Yield, ast.YieldFrom)): return ""
        return "its last line is an expression"
    if _last_display([s]): return "it ends with a block whose last line displays"
    return ""

def _where(nb: Path, i: int, cell: dict) -> str:
    first = next((l for l in "".join(cell.get("source", "")).splitlines() if l.strip() and not l.startswith("#|")), "")
    return f"{nb.relative_to(ROOT) if nb.is_relative_to(ROOT) else nb} cell {i} (id {cell.get('id', '?')}, `{first[:60]}`)"

def output_problems(nb: Path, i: int, cell: dict) -> list[str]:
    "What is not clean in the outputs of one cell."
    probs, w = [], _where(nb, i, cell)
    for o in cell.get("outputs", []):
        t = o.get("output_type")
        if t == "stream" and o.get("name") == "stderr": probs.append(f"{w}: a stderr output (warnings are dropped by `make outputs`)")
        if t == "error": probs.append(f"{w}: an error output")
        if S.is_progress(o) or is_empty(o): probs.append(f"{w}: a progress bar (or an emptied one)")
        if o.get("execution_count") is not None: probs.append(f"{w}: an execution count (run nbdev_clean)")
        data = o.get("data", {})
        extra = sorted(set(data) - MIMES)
        if extra: probs.append(f"{w}: output types {', '.join(extra)} (images as PNG only)")
        if "image/png" in data:
            n = len("".join(data["image/png"])) * 3 // 4
            if n > MAX_PNG: probs.append(f"{w}: a {n / 1e3:.0f} kB PNG (at most {MAX_PNG / 1e3:.0f} kB; lower its dpi or size)")
        texts = ["".join(o.get("text", ""))] + ["".join(v) for k, v in data.items() if k.startswith("text/")]
        for txt in texts:
            m = S._PATH_RE.search(txt) or re.search(re.escape(str(ROOT)), txt)
            if m: probs.append(f"{w}: a machine path {m.group(0)!r} in an output"); break
    return probs

def check(nbs: list[Path], budget_mb: float = BUDGET_MB) -> tuple[list[str], str]:
    "`(problems, summary line)` for the notebooks `nbs`."
    flags, probs, n_cells, n_out = test_flags(), [], 0, 0
    for nb in nbs:
        try: cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError) as e: probs.append(f"{nb.name}: cannot read: {e}"); continue
        for i, c in enumerate(cells):
            if c.get("cell_type") != "code": continue
            n_out += len(c.get("outputs", []))
            why = should_show("".join(c.get("source", "")), flags)
            if why:
                n_cells += 1
                if not c.get("outputs"): probs.append(f"{_where(nb, i, c)}: no output, but {why} (run `make outputs`)")
            probs += output_problems(nb, i, c)
    size = sum(p.stat().st_size for p in nbs)
    big = sorted(nbs, key=lambda p: -p.stat().st_size)[:3]
    summary = (f"notebook outputs: {n_out} outputs, {n_cells} example cells that must show one; {len(nbs)} notebooks, "
               f"{size / 1e6:.2f} MB of a {budget_mb:g} MB budget (largest: " + ", ".join(f"{p.name} {p.stat().st_size / 1e3:.0f} kB" for p in big) + ")")
    if size > budget_mb * 1e6:
        probs.append(f"nbs/*.ipynb: {size / 1e6:.2f} MB, over the {budget_mb:g} MB budget (largest: {', '.join(p.name for p in big)}): "
                     "smaller plots, fewer printed lines")
    return probs, summary

def main(argv: list[str]) -> int:
    budget = float(argv[argv.index("--budget") + 1]) if "--budget" in argv else BUDGET_MB
    named = [Path(a).resolve() for a in argv if a.endswith(".ipynb")]
    nbs = named or [p for p in sorted((ROOT / "nbs").glob("*.ipynb")) if not p.name.startswith("_")]
    probs, summary = check(nbs, budget)
    for p in probs[:200]: print("problem:", p)
    if len(probs) > 200: print(f"... and {len(probs) - 200} more")
    print(summary + f"; {len(probs)} problem(s)")
    return 1 if probs else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
