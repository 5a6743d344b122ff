#!/usr/bin/env python
"""Mutation testing for inflame: plant ONE change at a time in a module's `#| export` cells and run the notebook that owns it.

    nice -n 15 .venv/bin/python tools/mutate.py --modules learn tiles geo review export data core serve --per-module 5 --seed 0 --name before
    nice -n 15 .venv/bin/python tools/mutate.py --only-survivors bench/mutation/before.json --name after
    .venv/bin/python tools/mutate.py --modules review --per-module 3 --list        # show the mutants it would plant, run nothing
    .venv/bin/python tools/mutate.py --modules review --plant 'r["image"])' '0)'    # one bug by hand: must print 'killed'

Mutants (candidate sites found with `ast` in each `#| export` cell of the module's notebook, applied as text edits on the cell
source so the notebook stays valid JSON and the rest of the cell is untouched):
`<`<->`<=`, `>`<->`>=`, `==`<->`!=`, `is`<->`is not`, `in`<->`not in`, `+`<->`-` (also `+=`/`-=`), `and`<->`or`, a dropped
`not`, `True`<->`False`, an integer constant n -> n+1, and `return X` -> `return None`.
`--per-module N` mutants are picked per module, deterministically from `--seed` and the module's name: the module's functions
(and classes' methods) in a shuffled order, one site from each in turn, so the N mutants are spread over N functions.

Each mutant runs on a COPY of the repository, never on this working tree: `git archive HEAD` of this repo (the committed
files, HEAD when the run starts) is unpacked once into `/tmp/mut/base-<commit>`, copied to `/tmp/mut/<id>`, with `/tmp/mut/shared -> <repo>/../shared` beside it
(so the notebooks' `../shared/data` resolves); the mutated notebook is written there, `nbdev_export --path` regenerates its
module in the copy, and `nbdev_test --path nbs/<notebook>` runs it with the copy first on PYTHONPATH (so the mutant is what the
notebook and every `inflame` import, subprocesses included, load) and OMP_NUM_THREADS=1. Uncommitted changes are not seen.
Before the mutants, each module's notebook runs once unmutated in a copy (it must pass; its time sets the per-mutant timeout:
`max(--min-timeout, --timeout-factor x baseline)`, or `--timeout` seconds). Results per mutant:

- killed:   the notebook failed (a test or an example noticed the change);
- survived: the notebook passed with the change in place;
- timeout:  it ran past the timeout (counted apart: neither killed nor survived);
- invalid:  the change could not be applied (not valid Python, `nbdev_export` failed, or, with `--only-survivors`, the code
  it changed is no longer there).

Score = killed / (killed + survived). The report goes to `bench/mutation/<name>.json` and `<name>.md` (a table: module,
function, line in `inflame/<module>.py`, the change, result), rewritten atomically after every mutant, so a stopped run keeps
what it had; the score is printed at the end. `--only-survivors REPORT` reruns only the survivors of an earlier report, with
its timeouts (no baseline runs), re-locating each change by its original text in the cell (cheap "after" score).
`--jobs N` runs N mutants at a time (default 1). Logs of each run: /tmp/mut/logs/<id>.log.
Not part of `make test`: a full pass takes minutes per module.
"""
from __future__ import annotations
import argparse, ast, json, os, random, re, shutil, signal, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, asdict, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORK = Path(os.environ.get("INFLAME_MUT_DIR", "/tmp/mut"))
MODULES = ["learn", "tiles", "geo", "review", "export", "data", "core", "serve"]

# ---------------------------------------------------------------- finding the notebook and its export cells
def notebook_of(module: str, nbs: Path = ROOT / "nbs") -> Path:
    "The notebook whose `#| default_exp` is `module`."
    for p in sorted(nbs.glob("*.ipynb")):
        for c in json.loads(p.read_text())["cells"]:
            if c["cell_type"] == "code" and re.search(rf"^#\|\s*default_exp\s+{re.escape(module)}\s*$", "".join(c["source"]), re.M):
                return p
    raise SystemExit(f"--modules: no notebook in {nbs} has '#| default_exp {module}'")

def is_export(src: str) -> bool:
    return any(re.match(r"#\|\s*exports?\s*$", l) for l in src.splitlines() if l.startswith("#|"))

def cell_text(c: dict) -> str:
    return "".join(c["source"]) if isinstance(c["source"], list) else c["source"]

# ---------------------------------------------------------------- candidate sites
@dataclass
class Site:
    cell_id: str; func: str; kind: str; start: int; end: int; new: str       # replace src[start:end] with new

@dataclass
class Mutant:
    id: str; module: str; notebook: str; cell_id: str; func: str; kind: str
    cell_line: int; py_line: int; original: str; mutated: str               # whole lines of the cell, before and after
    status: str = "pending"; seconds: float = 0.0; detail: str = ""

SWAP_CMP = {ast.Lt: ("<", "<="), ast.LtE: ("<=", "<"), ast.Gt: (">", ">="), ast.GtE: (">=", ">"), ast.Eq: ("==", "!="),
            ast.NotEq: ("!=", "=="), ast.Is: ("is", "is not"), ast.IsNot: ("is not", "is"), ast.In: ("in", "not in"),
            ast.NotIn: ("not in", "in")}
CMP_RE = {"<": r"<(?!=)", "<=": r"<=", ">": r">(?!=)", ">=": r">=", "==": r"==", "!=": r"!=", "is": r"\bis\b(?!\s+not\b)",
          "is not": r"\bis\s+not\b", "in": r"\bin\b", "not in": r"\bnot\s+in\b"}

SKIP_KW = {"exist_ok", "parents", "force", "indent", "ensure_ascii", "flush", "stacklevel", "missing_ok", "ignore_errors",
           "check", "capture_output", "text", "dpi", "kind"}     # keyword arguments whose mutants are (nearly) always equivalent

class _Finder(ast.NodeVisitor):
    def __init__(self, src: str, cell_id: str):
        self.src, self.cell_id, self.stack, self.sites = src, cell_id, [], []
        self.starts = [0]
        for l in src.splitlines(keepends=True): self.starts.append(self.starts[-1] + len(l))
        self.lines = src.splitlines(keepends=True)
    def off(self, line: int, col: int) -> int:
        "Character offset in the cell of ast's (line, byte column)."
        return self.starts[line - 1] + len(self.lines[line - 1].encode()[:col].decode(errors="ignore"))
    def span(self, n) -> tuple[int, int]: return self.off(n.lineno, n.col_offset), self.off(n.end_lineno, n.end_col_offset)
    def add(self, kind, start, end, new):
        if self.src[start:end] != new: self.sites.append(Site(self.cell_id, ".".join(self.stack) or "<module>", kind, start, end, new))
    def in_gap(self, a, b, pattern: str, kind: str, new: str):
        "The operator between nodes a and b (found by `pattern` in the text between them) replaced by `new`."
        g0, g1 = self.span(a)[1], self.span(b)[0]
        m = re.search(pattern, self.src[g0:g1])
        if m: self.add(kind, g0 + m.start(), g0 + m.end(), new)
    def scoped(self, node):
        self.stack.append(node.name); self.generic_visit(node); self.stack.pop()
    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = scoped
    def visit_Expr(self, node):                      # docstrings and bare strings: nothing to mutate
        if not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)): self.generic_visit(node)
    def visit_Compare(self, node):
        prev = node.left
        for op, right in zip(node.ops, node.comparators):
            old, new = SWAP_CMP[type(op)]
            self.in_gap(prev, right, CMP_RE[old], f"{old} -> {new}", new); prev = right
        self.generic_visit(node)
    def visit_BinOp(self, node):
        strs = any(isinstance(v, ast.JoinedStr) or (isinstance(v, ast.Constant) and isinstance(v.value, (str, bytes))) for v in (node.left, node.right))
        if isinstance(node.op, (ast.Add, ast.Sub)) and not strs:
            old, new = ("+", "-") if isinstance(node.op, ast.Add) else ("-", "+")
            self.in_gap(node.left, node.right, re.escape(old), f"{old} -> {new}", new)
        self.generic_visit(node)
    def visit_AugAssign(self, node):
        if isinstance(node.op, (ast.Add, ast.Sub)) and not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            old, new = ("+=", "-=") if isinstance(node.op, ast.Add) else ("-=", "+=")
            self.in_gap(node.target, node.value, re.escape(old), f"{old} -> {new}", new)
        self.generic_visit(node)
    def visit_BoolOp(self, node):
        old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        for a, b in zip(node.values, node.values[1:]): self.in_gap(a, b, rf"\b{old}\b", f"{old} -> {new}", new)
        self.generic_visit(node)
    def visit_UnaryOp(self, node):
        if isinstance(node.op, ast.Not):
            s = self.span(node)[0]; m = re.match(r"not\b\s*", self.src[s:])
            if m: self.add("drop not", s, s + m.end(), "")
        self.generic_visit(node)
    def visit_Constant(self, node):
        s, e = self.span(node)
        if node.value is True or node.value is False: self.add(f"{node.value} -> {not node.value}", s, e, str(not node.value))
        elif type(node.value) is int and self.src[s:e].isdigit(): self.add(f"{node.value} -> {node.value + 1}", s, e, str(node.value + 1))
    def visit_Return(self, node):
        if node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
            s, e = self.span(node); self.add("return X -> return None", s, e, "return None")
        self.generic_visit(node)
    def visit_Call(self, node):                      # skip cosmetic knobs: round()'s digits, exist_ok=, indent=, force=..., reshape's -1
        self.visit(node.func)
        shape = isinstance(node.func, ast.Attribute) and node.func.attr in ("reshape", "view")
        for i, v in enumerate(node.args):
            if i == 1 and isinstance(node.func, ast.Name) and node.func.id == "round": continue
            if shape and isinstance(v, ast.UnaryOp) and isinstance(v.op, ast.USub): continue   # reshape(-2, 4) is reshape(-1, 4)
            self.visit(v)
        for k in node.keywords:
            if k.arg not in SKIP_KW: self.visit(k.value)
    def visit_arg(self, node): pass                  # annotations: not behaviour
    def visit_AnnAssign(self, node):
        if node.value is not None: self.visit(node.value)

def sites_of(nb: dict) -> list[Site]:
    out = []
    for c in nb["cells"]:
        src = cell_text(c)
        if c["cell_type"] != "code" or not is_export(src): continue
        try: tree = ast.parse(src)
        except SyntaxError: continue
        f = _Finder(src, c.get("id", "")); f.visit(tree); out += f.sites
    return out

def line_block(src: str, start: int, end: int) -> tuple[int, int]:
    "Character range of the whole lines holding src[start:end]."
    a = src.rfind("\n", 0, start) + 1; b = src.find("\n", end)
    return a, (len(src) if b < 0 else b + 1)

def py_line(module: str, nb_name: str, cell_id: str, src: str, cell_line: int, root: Path = ROOT) -> int:
    "Approximate line in inflame/<module>.py of line `cell_line` of the cell (after its `# %%` marker, directives dropped)."
    py = root / "inflame" / f"{module}.py"
    if not py.is_file(): return 0
    lines = py.read_text().splitlines()
    marker = next((i for i, l in enumerate(lines, 1) if l.startswith("# %%") and l.endswith(f"#{cell_id}")), 0)
    if not marker: return 0
    drop = sum(1 for l in src.splitlines()[:cell_line - 1] if l.startswith("#|"))
    return marker + cell_line - drop

def make_mutant(module: str, nbp: Path, cells: dict, s: Site, k: int, label: str, root: Path = ROOT) -> Mutant:
    src = cells[s.cell_id]; a, b = line_block(src, s.start, s.end)
    mutated = src[:s.start] + s.new + src[s.end:]
    orig_block = src[a:b]; new_block = mutated[a:b + len(mutated) - len(src)]
    line = src.count("\n", 0, s.start) + 1
    return Mutant(f"{label}-{module}-{k}", module, nbp.name, s.cell_id, s.func, s.kind, line, py_line(module, nbp.name, s.cell_id, src, line, root),
                  orig_block, new_block)

def pick(module: str, n: int, seed: int, label: str, root: Path = ROOT) -> list[Mutant]:
    "N mutants of `module` in the notebooks under `root` (the run's copy of HEAD), spread over its functions, the same ones for the same seed and notebook."
    nbp = notebook_of(module, root / "nbs"); nb = json.loads(nbp.read_text())
    cells = {c.get("id", ""): cell_text(c) for c in nb["cells"]}
    sites, seen = [], set()
    for s in sites_of(nb):
        key = (s.cell_id, s.start, s.end, s.new)
        if key not in seen: seen.add(key); sites.append(s)
    rng = random.Random(f"{seed}:{module}")
    by_func: dict[str, list[Site]] = {}
    for s in sites: by_func.setdefault(s.func, []).append(s)
    funcs = sorted(by_func); rng.shuffle(funcs)
    for f in funcs: rng.shuffle(by_func[f])
    chosen = []
    while len(chosen) < n and any(by_func.values()):
        for f in funcs:
            if by_func[f] and len(chosen) < n: chosen.append(by_func[f].pop())
    return [make_mutant(module, nbp, cells, s, k, label, root) for k, s in enumerate(chosen)]

# ---------------------------------------------------------------- applying and running
def apply(nb: dict, m: Mutant) -> dict | None:
    "The notebook with mutant `m` applied (its original lines found in its cell, nearest its line), or None if they are gone."
    for c in nb["cells"]:
        if c.get("id") != m.cell_id: continue
        src = cell_text(c); starts = [i for i in range(len(src)) if src.startswith(m.original, i) and (i == 0 or src[i - 1] == "\n")]
        if not starts: return None
        at = min(starts, key=lambda i: abs(src.count("\n", 0, i) + 1 - m.cell_line))
        new = src[:at] + m.mutated + src[at + len(m.original):]
        try: ast.parse(new)
        except SyntaxError: return None
        c["source"] = new.splitlines(keepends=True)
        return nb
    return None

def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f: f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True); raise

_BASE: dict = {}

def base_copy() -> Path:
    "The committed tree (`git archive HEAD`, HEAD as of this run's first call) unpacked once into WORK/base-<commit>, and WORK/shared -> the repo's ../shared."
    if "path" in _BASE: return _BASE["path"]
    if _BASE.get("worktree") is not None:            # --plant/--check: the working tree's tracked files (or HEAD + --overlay files)
        base = WORK / f"base-worktree-{os.getpid()}"; shutil.rmtree(base, ignore_errors=True); base.mkdir(parents=True)
        files = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True).stdout.decode().split("\0")
        if _BASE["worktree"]:
            arch = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"], capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(base)], input=arch, check=True); files = _BASE["worktree"]
        for f in filter(None, files):
            if (ROOT / f).is_file(): (base / f).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(ROOT / f, base / f)
        _BASE["path"] = base; _link_shared(); return base
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    base = WORK / f"base-{head[:10]}"
    if not (base / ".head").is_file() or (base / ".head").read_text() != head:
        shutil.rmtree(base, ignore_errors=True); base.mkdir(parents=True)
        arch = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=arch, check=True)
        (base / ".head").write_text(head)
    _BASE["path"] = base; _link_shared()
    return base

def _link_shared():
    link = WORK / "shared"
    if not link.is_symlink() and (ROOT.parent / "shared").exists(): link.symlink_to(ROOT.parent / "shared")

def planted(module: str, old: str, new: str) -> Mutant:
    "A hand-planted mutant: the one occurrence of `old` in the module's `#| export` cells replaced by `new`."
    nbp = notebook_of(module); nb = json.loads(nbp.read_text())
    hits = [(c.get("id", ""), cell_text(c)) for c in nb["cells"] if c["cell_type"] == "code" and is_export(cell_text(c)) and old in cell_text(c)]
    if len(hits) != 1 or hits[0][1].count(old) != 1: raise SystemExit(f"--plant: {old!r} occurs {sum(h[1].count(old) for h in hits)} times in {nbp.name}'s export cells: expected once")
    cid, src = hits[0]; i = src.index(old)
    return make_mutant(module, nbp, {cid: src}, Site(cid, "", "planted", i, i + len(old), new), 0, "plant")

def run_cmd(cmd: list, cwd: Path, env: dict, timeout: float, log) -> tuple[str, float]:
    "('ok' | 'fail' | 'timeout', seconds); the whole process group is killed on timeout."
    t0 = time.time()
    p = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try: rc = p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try: os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError: pass
        p.wait(); return "timeout", time.time() - t0
    return ("ok" if rc == 0 else "fail"), time.time() - t0

def run_one(m: Mutant | None, module: str, nb_name: str, timeout: float, keep: bool = False, run_id: str = "") -> tuple[str, float, str]:
    "Run notebook `nb_name` in a fresh copy with mutant `m` applied to its own notebook `m.notebook` (None: unmutated): (status, seconds, tail of the log)."
    base = base_copy(); rid = m.id if m else run_id or f"baseline-{module}"
    d = WORK / rid; shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(base, d, symlinks=True)
    logs = WORK / "logs"; logs.mkdir(parents=True, exist_ok=True); logp = logs / f"{rid}.log"
    env = {**os.environ, "PYTHONPATH": str(d) + os.pathsep + os.environ.get("PYTHONPATH", ""), "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        nbp = d / "nbs" / (m.notebook if m else nb_name)
        if m is not None:
            nb = apply(json.loads(nbp.read_text()), m)
            if nb is None: return "invalid", 0.0, "the mutated lines are not in the cell any more, or the change is not valid Python"
            nbp.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        with open(logp, "w") as log:
            st, _ = run_cmd([BIN / "nbdev_export", "--path", f"nbs/{nbp.name}"], d, env, 300, log)
            if st != "ok": return "invalid", 0.0, "nbdev_export failed"
            log.write("\n---- nbdev_test\n"); log.flush()
            st, secs = run_cmd([BIN / "nbdev_test", "--path", f"nbs/{nb_name}"], d, env, timeout, log)
        tail = logp.read_text(errors="replace")[-1500:]
        return {"ok": "survived" if m else "passed", "fail": "killed" if m else "failed", "timeout": "timeout"}[st], round(secs, 1), tail
    finally:
        if not keep: shutil.rmtree(d, ignore_errors=True)

# ---------------------------------------------------------------- report
def summary(ms: list[Mutant]) -> dict:
    c = {s: sum(m.status == s for m in ms) for s in ("killed", "survived", "timeout", "invalid", "pending")}
    c["score"] = round(c["killed"] / (c["killed"] + c["survived"]), 3) if c["killed"] + c["survived"] else None
    return c

def one_line(s: str) -> str:
    s = " ".join(l.strip() for l in s.strip().splitlines())
    return (s[:110] + "...") if len(s) > 113 else s

def write_report(name: str, meta: dict, ms: list[Mutant]) -> Path:
    out = ROOT / "bench" / "mutation"; js = out / f"{name}.json"
    rep = {**meta, "summary": summary(ms), "by_module": {mod: summary([m for m in ms if m.module == mod]) for mod in dict.fromkeys(m.module for m in ms)},
           "mutants": [asdict(m) for m in ms]}
    write_atomic(js, json.dumps(rep, indent=1, ensure_ascii=False) + "\n")
    s = rep["summary"]
    md = [f"# Mutation report `{name}`", "", f"Command: `{meta['command']}`  ", f"Commit: `{meta['commit']}`  ",
          f"Score: **{s['score']}** = killed {s['killed']} / (killed {s['killed']} + survived {s['survived']}); "
          f"timeout {s['timeout']}, invalid {s['invalid']}" + (f", not run yet {s['pending']}" if s["pending"] else ""), "",
          "| module | killed | survived | timeout | invalid | score | timeout (s) |", "|---|---|---|---|---|---|---|"]
    for mod, v in rep["by_module"].items():
        md.append(f"| {mod} | {v['killed']} | {v['survived']} | {v['timeout']} | {v['invalid']} | {v['score']} | {meta['timeouts'].get(mod, '')} |")
    md += ["", "| id | module | function | line | change | code before -> after | result | s |", "|---|---|---|---|---|---|---|---|"]
    esc = lambda t: one_line(t).replace("|", "\\|").replace("`", "'")
    for m in ms:
        md.append(f"| {m.id} | {m.module} | `{m.func}` | inflame/{m.module}.py:{m.py_line} | {m.kind} | `{esc(m.original)}` -> `{esc(m.mutated)}` | {m.status} | {m.seconds} |")
    write_atomic(out / f"{name}.md", "\n".join(md) + "\n")
    return js

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--modules", nargs="+", default=MODULES, help="modules to mutate (each run through its notebook)")
    ap.add_argument("--per-module", type=int, default=5, help="mutants per module (default 5)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only-survivors", metavar="REPORT", help="rerun the survivors of an earlier report (its JSON)")
    ap.add_argument("--jobs", type=int, default=1, help="mutants run at a time (default 1)")
    ap.add_argument("--name", help="report name under bench/mutation/ (default: 'mutation', or '<REPORT>-after')")
    ap.add_argument("--timeout", type=float, help="per-mutant timeout in seconds (default: from each notebook's baseline run)")
    ap.add_argument("--timeouts", nargs="+", default=[], metavar="MODULE=S", help="per-module timeouts (seconds) measured earlier: no baseline run for those")
    ap.add_argument("--timeout-factor", type=float, default=3.0); ap.add_argument("--min-timeout", type=float, default=60.0)
    ap.add_argument("--list", action="store_true", help="print the mutants and exit (runs nothing)")
    ap.add_argument("--keep", action="store_true", help="keep each mutant's copy under /tmp/mut")
    ap.add_argument("--overlay", nargs="+", metavar="FILE", help="with --plant/--check: HEAD plus these files as they are in the "
                    "working tree (your own edits, not others' unfinished ones)")
    ap.add_argument("--run", metavar="MODULE", help="with --plant: run this module's notebook instead (the bug planted in --modules' module)")
    ap.add_argument("--check", action="store_true", help="run the --modules notebooks unmutated on the copy (see --overlay) and exit")
    ap.add_argument("--plant", nargs=2, metavar=("OLD", "NEW"), help="plant one bug by hand: replace the text OLD (once in the export "
                    "cells of the one --modules module) by NEW and run its notebook on a copy of the WORKING TREE (uncommitted edits included)")
    a = ap.parse_args(argv)
    timeouts: dict = {}
    if a.check:
        _BASE["worktree"] = a.overlay or []; bad = 0
        try:
            for mod in a.modules:
                st, secs, tail = run_one(None, mod, notebook_of(mod).name, a.timeout or 900, a.keep, f"check-{mod}-{os.getpid()}")
                print(tail if st != "passed" else "", f"{mod}: {st} in {secs}s", sep=""); bad += st != "passed"
        finally: shutil.rmtree(_BASE["path"], ignore_errors=True)
        return int(bad > 0)
    if a.plant:
        if len(a.modules) != 1: raise SystemExit("--plant: name one module with --modules")
        _BASE["worktree"] = a.overlay or []; m = planted(a.modules[0], *a.plant)
        try: st, secs, tail = run_one(m, m.module, notebook_of(a.run).name if a.run else m.notebook, a.timeout or 900, a.keep)
        finally: shutil.rmtree(_BASE["path"], ignore_errors=True)
        print(tail[-1500:] if st == "killed" else "", f"\nplanted {m.kind}: {one_line(m.original)} -> {one_line(m.mutated)}\n{st} in {secs}s", sep="")
        return 0 if st == "killed" else 1
    if a.only_survivors:
        prev = json.loads(Path(a.only_survivors).read_text())
        ms = [Mutant(**{**m, "status": "pending", "seconds": 0.0, "detail": ""}) for m in prev["mutants"] if m["status"] == "survived"]
        timeouts = {k: v for k, v in prev.get("timeouts", {}).items()}
        name = a.name or Path(a.only_survivors).stem + "-after"
    else:
        ms = [m for mod in a.modules for m in pick(mod, a.per_module, a.seed, a.name or "m", base_copy())]
        name = a.name or "mutation"
    if a.list:
        for m in ms: print(f"{m.id:18} inflame/{m.module}.py:{m.py_line:<5} {m.func:32} {m.kind:26} {one_line(m.mutated)}")
        return 0
    commit = base_copy().name.split("-", 1)[1]         # the commit every mutant of this run is planted in
    meta = {"command": " ".join(["python tools/mutate.py", *(argv if argv is not None else sys.argv[1:])]), "commit": commit,
            "seed": a.seed, "per_module": a.per_module, "timeouts": timeouts, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    mods = list(dict.fromkeys(m.module for m in ms))
    for kv in a.timeouts: k, v = kv.split("="); timeouts[k] = float(v)
    for mod in mods:
        if a.timeout: timeouts[mod] = a.timeout
        if mod in timeouts: continue
        st, secs, tail = run_one(None, mod, notebook_of(mod).name, 1800)
        print(f"baseline {mod}: {st} in {secs:.0f}s", flush=True)
        if st != "passed":
            print(tail, file=sys.stderr); raise SystemExit(f"{notebook_of(mod).name} fails unmutated in the copy: fix it first (log /tmp/mut/logs/baseline-{mod}.log)")
        timeouts[mod] = round(max(a.min_timeout, a.timeout_factor * secs))
    write_report(name, meta, ms)
    def go(m: Mutant):
        m.status, m.seconds, tail = run_one(m, m.module, m.notebook, timeouts[m.module], a.keep)
        m.detail = one_line(tail[-400:]) if m.status in ("killed", "invalid") else ""
        print(f"{m.id:18} {m.status:9} {m.seconds:7.1f}s  inflame/{m.module}.py:{m.py_line} {m.kind}: {one_line(m.mutated)}", flush=True)
        write_report(name, meta, ms)
    with ThreadPoolExecutor(max(1, a.jobs)) as ex: list(ex.map(go, ms))
    meta["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    js = write_report(name, meta, ms); s = summary(ms)
    print(f"score {s['score']} = killed {s['killed']} / (killed {s['killed']} + survived {s['survived']}); timeout {s['timeout']}, invalid {s['invalid']}  ({js.relative_to(ROOT)})")
    return 0

if __name__ == "__main__":
    sys.exit(main())
