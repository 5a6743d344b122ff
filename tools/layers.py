"""The import linter of the inflame package: its modules form layers, and a module imports only from layers below it.

`nbs/04c_tasks.ipynb` runs it as a test (`import_violations(inflame's folder) == []`); run it by hand with
`python tools/layers.py [PACKAGE_DIR]` (exit code 1 and one line per violation when there are any)."""
from __future__ import annotations
import ast, os, sys
from pathlib import Path

# The layer order, lowest first (modules of one layer may not import each other). New modules are added here.
LAYERS = [["core", "docs"], ["dist"], ["data"], ["formats", "weights"], ["tasks"], ["track"], ["learn"], ["trident"], ["d2"],
          ["classify", "detect"], ["export"], ["raster"], ["tiles"], ["geo"], ["review"], ["points"], ["survey"], ["scale", "serve"],
          ["cli"], ["__main__"]]

def package_imports(pkg_dir: str | os.PathLike) -> dict[str, set[str]]:
    "For each module of the package in `pkg_dir`, the package modules it imports (module level and inside functions)."
    pkg_dir = Path(pkg_dir); name = pkg_dir.name; mods = {p.stem for p in pkg_dir.glob("*.py")} - {"__init__", "_modidx"}
    out = {}
    for m in sorted(mods):
        found = set()
        for node in ast.walk(ast.parse((pkg_dir / f"{m}.py").read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level == 1 and base: found.add(base.split(".")[0])
                elif node.level == 1: found |= {a.name for a in node.names}
                elif base == name: found |= {a.name for a in node.names}
                elif base.startswith(name + "."): found.add(base.split(".")[1])
            elif isinstance(node, ast.Import):
                found |= {a.name.split(".")[1] for a in node.names if a.name.startswith(name + ".")}
        out[m] = {x for x in found if x in mods and x != m}
    return out

def import_violations(pkg_dir: str | os.PathLike, layers: list[list[str]] = LAYERS) -> list[str]:
    "Imports against the layer order (`a imports b` where `b` is not in a lower layer), and modules missing from `layers`."
    rank = {m: i for i, layer in enumerate(layers) for m in layer}
    bad = []
    for m, deps in package_imports(pkg_dir).items():
        if m not in rank: bad.append(f"{m}: not in the layer order"); continue
        bad += [f"{m} imports {d} ({d} is not below {m})" for d in sorted(deps) if rank.get(d, 99) >= rank[m]]
    return bad

if __name__ == "__main__":
    pkg = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parent.parent / "inflame")
    bad = import_violations(pkg)
    print("\n".join(bad) or f"{pkg}: every import follows the layer order")
    sys.exit(1 if bad else 0)
