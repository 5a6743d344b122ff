#!/usr/bin/env python
"""Checks of the docs site (run by `make test` through tools/run_tests.py, or directly):

  python tools/check_docs.py [SITE_DIR] [--build [--nbs DIR]] [--browser] [--shots DIR] [--shot PAGE]

`--build` first builds the site quickly from the committed notebooks without executing them
(`tools/build_docs.py --no-exec --out SITE_DIR`; from the notebooks in DIR with `--nbs`): its pages show the outputs
committed in the notebooks alone. `--shot PAGE` (`05_tiles`, say) takes screenshots of that page in chromium into the
`--shots` folder (default `.`): `shot-PAGE.png` around its first image output and `shot-PAGE-full.png` (the whole page). The static check: every internal link and image resolves (page
and #anchor), every page has the sidebar and the search box, the search index loads. `--browser`: Debian's chromium
(Playwright) types `sliced_predict` into the search box, follows the first hit and finds its signature."""
from __future__ import annotations
import functools, html, http.server, json, re, subprocess, sys, threading, time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")

def build_fast(site: Path, nbs: Path | None = None) -> None:
    "Build the site from the committed notebooks (in nbs/, or `nbs`) without executing them."
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "build_docs.py"), "--no-exec", "--out", str(site)]
                       + (["--nbs", str(nbs)] if nbs else []), cwd=ROOT, capture_output=True, text=True)
    if r.returncode: raise SystemExit(f"docs build (--no-exec) failed:\n{(r.stdout + r.stderr)[-4000:]}")

def check_site(site: Path) -> list[str]:
    "Problems of the built site in `site` (empty when fine)."
    problems, pages = [], sorted(site.glob("*.html"))
    if not (site / "index.html").is_file(): return [f"{site}: no index.html"]
    ids = {p.name: set(re.findall(r'\sid="([^"]+)"', p.read_text(encoding="utf-8"))) for p in pages}
    for p in pages:
        t = p.read_text(encoding="utf-8")
        for need, what in [('id="sidebar"', "sidebar"), ('id="search"', "search box"), ('src="search.js"', "search script"),
                           ('id="toc"', "table of contents")]:
            if need not in t: problems.append(f"{p.name}: no {what}")
        if len(re.findall(r"<li><a href=", t.split('id="sidebar"', 1)[-1].split("</nav>", 1)[0])) < len(pages):
            problems.append(f"{p.name}: sidebar does not list every page")
        for m in re.finditer(r'<(?:a|link|img|script)\b[^>]*?\s(?:href|src)="([^"]*)"', t):
            u = html.unescape(m.group(1))
            if not u or re.match(r"^(https?:|mailto:|data:|javascript:)", u): continue
            parts = urlsplit(u)
            target = p.name if not parts.path else parts.path
            f = site / unquote(target)
            if not f.is_file(): problems.append(f"{p.name}: broken link {u}"); continue
            if parts.fragment and f.suffix == ".html" and unquote(parts.fragment) not in ids.get(f.name, set()):
                problems.append(f"{p.name}: link {u}: no such anchor")
        for bad in ("/tmp/", "/work/", str(ROOT)):
            if bad in re.sub(r'src="data:[^"]*"', "", t): problems.append(f"{p.name}: machine path {bad!r} in the page"); break
        if 'class="jp-OutputArea-output" data-mime-type="application/vnd.jupyter.stderr"' in t or "output_stderr" in t:
            problems.append(f"{p.name}: a stderr output")
        if "<progress" in t: problems.append(f"{p.name}: a progress bar")
    try:
        idx = json.loads((site / "search.json").read_text(encoding="utf-8"))
        if not any(e["heading"] == "sliced_predict" for e in idx): problems.append("search.json: no entry for sliced_predict")
        for e in idx:
            if e["page"] not in ids or (e["anchor"] and e["anchor"] not in ids[e["page"]]):
                problems.append(f"search.json: entry {e['heading']!r} points to a missing {e['page']}#{e['anchor']}"); break
    except (OSError, ValueError, KeyError) as e: problems.append(f"search.json: {e}")
    return problems

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass

def serve_dir(site: Path):
    "An http.server on 127.0.0.1 (free port) serving `site` in a thread; returns (server, base URL)."
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}"

def browser_check(site: Path, shots: Path | None = None) -> str:
    "Search `sliced_predict` in chromium, follow the first hit, find its signature; screenshots to `shots`. Returns what it saw."
    from playwright.sync_api import sync_playwright
    srv, url = serve_dir(site)
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu", "--no-proxy-server"])
            try:
                pg = b.new_page(viewport={"width": 1280, "height": 900}); errors = []
                pg.on("pageerror", lambda e: errors.append(str(e)))
                pg.goto(url + "/index.html")
                if shots: shots.mkdir(parents=True, exist_ok=True); pg.screenshot(path=str(shots / "docs-home.png"))
                pg.fill("#search input", "sliced_predict")
                pg.wait_for_selector("#search-results li a", timeout=10_000)
                if shots: pg.screenshot(path=str(shots / "docs-search.png"))
                first = pg.locator("#search-results li a").first
                href = first.get_attribute("href"); first.click()
                pg.wait_for_load_state()
                sig = pg.locator("pre", has_text="def sliced_predict(")
                if sig.count() == 0: raise AssertionError(f"followed the first hit {href}: no signature `def sliced_predict(` on {pg.url}")
                if shots:
                    pg.screenshot(path=str(shots / "docs-tiles.png"))
                    for name in ("02_classify", "cli"):
                        pg.goto(f"{url}/{name}.html"); pg.screenshot(path=str(shots / f"docs-{name}.png"))
                if errors: raise AssertionError(f"JavaScript errors: {errors}")
                return f"search 'sliced_predict' -> {href} -> signature found"
            finally: b.close()
    finally: srv.shutdown()

def page_shot(site: Path, page: str, shots: Path) -> str:
    "Screenshots of `page` of the site in chromium: around its first image output (else its top) and the whole page."
    from playwright.sync_api import sync_playwright
    name = page.removesuffix(".html")
    if not (site / f"{name}.html").is_file(): raise SystemExit(f"--shot {page}: no {name}.html in {site}")
    shots.mkdir(parents=True, exist_ok=True)
    srv, url = serve_dir(site)
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu", "--no-proxy-server"])
            try:
                pg = b.new_page(viewport={"width": 1280, "height": 1000})
                pg.goto(f"{url}/{name}.html"); pg.wait_for_load_state("load")
                outs = pg.locator("main .output_area, main .jp-OutputArea-output")      # nbconvert's basic (classic) / lab classes
                imgs = pg.locator("main .output_area img, main .jp-OutputArea-output img")
                if imgs.count(): imgs.first.evaluate("e => { (e.closest('.cell, .jp-Cell') || e).scrollIntoView({block: 'start'}); window.scrollBy(0, -40); }")
                pg.screenshot(path=str(shots / f"shot-{name}.png"))
                pg.screenshot(path=str(shots / f"shot-{name}-full.png"), full_page=True)
                return (f"{name}.html: {outs.count()} outputs, {imgs.count()} images; screenshots {shots / f'shot-{name}.png'} "
                        f"and {shots / f'shot-{name}-full.png'}")
            finally: b.close()
    finally: srv.shutdown()

def main(argv: list[str]) -> int:
    vals = {argv[i + 1] for i, a in enumerate(argv[:-1]) if a in ("--shots", "--nbs", "--shot")}
    site = Path(next((a for a in argv if not a.startswith("--") and a not in vals), ROOT / "_docs")).resolve()
    nbs = Path(argv[argv.index("--nbs") + 1]).resolve() if "--nbs" in argv else None
    if "--build" in argv: t0 = time.time(); build_fast(site, nbs); print(f"built {site} (--no-exec) in {time.time() - t0:.0f}s")
    problems = check_site(site)
    for p in problems: print("problem:", p)
    print(f"site check: {len(list(site.glob('*.html')))} pages, {len(problems)} problem(s)")
    if "--browser" in argv:
        if not CHROMIUM.exists(): print(f"SKIPPED: docs browser test: {CHROMIUM} not found (apt-get install chromium)")
        else: print(browser_check(site, Path(argv[argv.index("--shots") + 1]) if "--shots" in argv else None))
    if "--shot" in argv:
        if not CHROMIUM.exists(): print(f"SKIPPED: --shot: {CHROMIUM} not found (apt-get install chromium)"); return 1
        print(page_shot(site, argv[argv.index("--shot") + 1], Path(argv[argv.index("--shots") + 1]) if "--shots" in argv else Path(".")))
    return 1 if problems else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
