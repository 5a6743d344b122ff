#!/usr/bin/env python
"""`make test`: export/clean/README/outputs checks, every notebook under nbdev_test, the docs site, and pytest tests if any.
Prints one line per check and ends with `N passed, M failed`; exits non-zero on any failure."""
import hashlib, os, re, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKERS = int(os.environ.get("INFLAME_TEST_WORKERS", "2"))

def snapshot(folder: Path, pattern: str) -> dict:
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob(pattern))
            if ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts}

def changed(before: dict, after: dict) -> list:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))

def run(cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, **kw)

def check_export():
    before = snapshot(ROOT / "inflame", "*.py"); r = run([BIN / "nbdev_export"])
    if r.returncode: return False, r.stdout + r.stderr
    diff = changed(before, snapshot(ROOT / "inflame", "*.py"))
    return not diff, ("nbdev_export changed: " + ", ".join(diff) + " (run `make export` and commit)") if diff else ""

def check_clean():
    before = snapshot(ROOT / "nbs", "*.ipynb"); r = run([BIN / "nbdev_clean"])
    if r.returncode: return False, r.stdout + r.stderr
    diff = changed(before, snapshot(ROOT / "nbs", "*.ipynb"))
    return not diff, ("notebooks were not clean: " + ", ".join(diff) + " (run nbdev_clean and commit)") if diff else ""

def check_readme():
    r = run([sys.executable, "tools/readme.py", "--check"])
    return r.returncode == 0, (r.stdout + r.stderr).strip()

def check_outputs():
    "Every example cell shows its result, outputs are clean, nbs/*.ipynb within the size budget (tools/check_outputs.py)."
    r = run([sys.executable, "tools/check_outputs.py"])
    out = (r.stdout + r.stderr).strip()
    print(out.splitlines()[-1] if out else "", flush=True)
    return r.returncode == 0, "\n".join(out.splitlines()[-41:-1]) + ("\n(first 40 problems shown; run `python tools/check_outputs.py`)" if out.count("\n") > 40 else "")

def has_detectron2() -> bool:
    return run([sys.executable, "-c", "import detectron2"]).returncode == 0

def test_notebook(nb: Path, flags: str):
    env = dict(os.environ)
    if WORKERS > 1: env.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 2) // WORKERS)))
    cmd = [BIN / "nbdev_test", "--path", str(nb), "--do_print"] + (["--flags", flags] if flags else [])
    t0 = time.time(); r = run(cmd, env=env)
    return r.returncode == 0, time.time() - t0, (r.stdout + r.stderr)[-6000:]

def check_docs_site():
    "The docs site built quickly from the committed notebooks (no execution): links, images, sidebar, search box."
    import tempfile
    site = Path(tempfile.mkdtemp(prefix="inflame-docs-"))
    r = run([sys.executable, "tools/check_docs.py", str(site), "--build", "--browser"])
    out = (r.stdout + r.stderr).strip()
    return r.returncode == 0, out[-4000:], site

def check_quarto_procs():
    "The Quarto path's files exist and nbdev's notebook processing (nbdev_proc_nbs, without Quarto) succeeds."
    r = run([sys.executable, "tools/check_quarto.py"])
    return r.returncode == 0, (r.stdout + r.stderr).strip()[-4000:]

def main() -> int:
    results = []
    def record(name, ok, detail="", secs=None):
        results.append(ok)
        t = f" ({secs:.1f}s)" if secs is not None else ""
        print(f"{'PASS' if ok else 'FAIL'} {name}{t}" + (f"\n{detail}" if detail and not ok else ""), flush=True)
    for name, fn in [("nbdev_export leaves no diff", check_export), ("notebooks are clean (nbdev_clean)", check_clean),
                     ("README.md matches nbs/index.ipynb", check_readme),
                     ("notebooks carry their outputs, clean and within the size budget (`make outputs`)", check_outputs)]:
        ok, detail = fn(); record(name, ok, detail)
    flags = "detectron2" if has_detectron2() else ""
    if not flags: print("note: detectron2 is not installed: cells flagged `#| detectron2` are skipped", flush=True)
    nbs = sorted(p for p in (ROOT / "nbs").glob("*.ipynb") if not p.name.startswith("_"))
    with ThreadPoolExecutor(WORKERS) as ex:
        for nb, (ok, secs, out) in zip(nbs, ex.map(lambda nb: test_notebook(nb, flags), nbs)):
            record(f"notebook {nb.name}", ok, out, secs)
    t0 = time.time(); ok, out, site = check_docs_site()
    record("docs site (no-exec build): links, images, sidebar, search box", ok, out, time.time() - t0)
    if "SKIPPED" in out: print(next(l for l in out.splitlines() if "SKIPPED" in l), flush=True)
    elif ok: record("docs site in chromium: search sliced_predict, follow the first hit, find its signature", True)
    import shutil; shutil.rmtree(site, ignore_errors=True)
    if (ROOT / "tools" / "check_quarto.py").exists():
        t0 = time.time(); ok, out = check_quarto_procs(); record("Quarto path: files present, nbdev_proc_nbs succeeds, _proc/ carries the outputs", ok, out, time.time() - t0)
    tests = ROOT / "tests"
    if tests.is_dir() and any(tests.glob("test_*.py")):
        junit = ROOT / ".pytest_cache" / "junit.xml"
        r = run([sys.executable, "-m", "pytest", "-q", "tests", f"--junitxml={junit}"])
        import xml.etree.ElementTree as ET
        for case in ET.parse(junit).getroot().iter("testcase"):
            bad = case.find("failure") is not None or case.find("error") is not None
            if case.find("skipped") is None: record(f"pytest {case.get('classname')}.{case.get('name')}", not bad, r.stdout[-4000:])
    passed, failed = sum(results), len(results) - sum(results)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
