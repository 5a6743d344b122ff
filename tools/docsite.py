"""Helpers of tools/build_docs.py: clean notebook outputs for the web, page layout (sidebar, table of contents,
search box), the search index, parameter tables for API entries, and the CLI reference page."""
from __future__ import annotations
import ast, base64, html, io, json, re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- outputs: warnings, progress bars, machine paths
_PATH_RE = re.compile(r"(?:/tmp|/work|/home/[^/\s]+|/private/var/folders|/var/folders|/root)(?:/[^\s'\"<>)\],;:`]*)+")

def neutral_paths(text: str, root: Path = ROOT) -> str:
    "Replace machine paths: the repo root becomes relative (`nbs/...`), other absolute build paths (/tmp/..., /work/...) become `…/NAME`."
    text = text.replace(str(root) + "/", "").replace(str(root), ".")
    def short(m):
        p = m.group(0).rstrip("/.")
        return "…/" + p.rsplit("/", 1)[-1] if p.rsplit("/", 1)[-1] else "…"
    return _PATH_RE.sub(short, text)

_PROGRESS_HTML = re.compile(r"<progress|progress-bar|fastprogress|jp-OutputArea|tqdm", re.I)
_PROGRESS_TEXT = re.compile(r"\r|\d+%\|[█▏▎▍▌▋▊▉ #]*\||it/s\]|s/it\]")

def is_progress(out: dict) -> bool:
    "True for an output that is a text progress bar (fastprogress HTML/text, tqdm)."
    d = out.get("data", {})
    if "text/html" in d and _PROGRESS_HTML.search("".join(d["text/html"])): return True
    txt = "".join(out.get("text", "")) if out.get("output_type") == "stream" else "".join(d.get("text/plain", ""))
    return bool(txt) and bool(_PROGRESS_TEXT.search(txt)) and ("%" in txt or "it/s" in txt)

def shrink_png(b64: str, max_bytes: int = 120_000, max_width: int = 900, palette: bool = False) -> str:
    """A base64 PNG re-encoded smaller (at most `max_width` wide) when it is over `max_bytes`; with `palette`, an
    opaque image is stored in 256 colours (median cut, no dithering: a plot looks the same at a third of the bytes)."""
    raw = base64.b64decode(b64)
    if len(raw) <= max_bytes: return b64
    from PIL import Image
    im = Image.open(io.BytesIO(raw)); im.load()
    if im.width > max_width: im = im.resize((max_width, round(im.height * max_width / im.width)), Image.LANCZOS)
    if im.mode in ("RGBA", "LA") and im.getextrema()[-1][0] == 255: im = im.convert("RGB")      # opaque: no alpha channel
    buf = io.BytesIO()
    if im.mode in ("RGBA", "LA", "P"): im = im.convert("RGBA"); im.save(buf, "PNG", optimize=True)
    elif palette and im.mode != "L": im.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(buf, "PNG", optimize=True)
    else: im.convert("RGB" if im.mode != "L" else "L").save(buf, "PNG", optimize=True)
    return base64.b64encode(buf.getvalue()).decode() if buf.tell() < len(raw) else b64

def clean_outputs(nb) -> dict:
    "Drop stderr streams and progress bars, neutralise machine paths, shrink big images; returns counts of what was done."
    n = {"stderr": 0, "progress": 0}
    for c in nb.cells:
        if c.cell_type == "markdown": c.source = neutral_paths(c.source); continue
        if c.cell_type != "code": continue
        keep = []
        for o in c.get("outputs", []):
            if o.get("output_type") == "stream" and o.get("name") == "stderr": n["stderr"] += 1; continue
            if is_progress(o): n["progress"] += 1; continue
            if o.get("output_type") == "stream": o["text"] = neutral_paths("".join(o["text"]))
            for k in ("text/plain", "text/html", "text/markdown"):
                if k in o.get("data", {}): o["data"][k] = neutral_paths("".join(o["data"][k]))
            if "image/png" in o.get("data", {}): o["data"]["image/png"] = shrink_png("".join(o["data"]["image/png"]).replace("\n", ""))
            keep.append(o)
        c.outputs = keep
    return n

# ---------------------------------------------------------------- API entries (show_doc markdown)
_ATTR_RE = re.compile(r"\{(?:target|style|\.)[^{}\n]*\}")     # Quarto/pandoc attributes, e.g. {target="_blank" style=...}, {.doc}

def clean_show_doc(md: str, min_params: int = 4) -> str:
    "show_doc markdown for the offline site: pandoc attributes removed (docstrings with `{...}` kept), line-less source links fixed, parameter table added."
    md = _ATTR_RE.sub("", md)
    md = re.sub(r"(\(https://github\.com/[^)\s]*?)#LNone\)", r"\1)", md)
    md = re.sub(r"^\[source\]\((\S+)\)\s*$", r'<a class="source" href="\1">source</a>', md, flags=re.M)
    if re.search(r"^\|", md, flags=re.M): return md                       # docments already gave a table
    m = re.search(r"```python\n(.*?)```", md, flags=re.S)
    rows = signature_params(m.group(1)) if m else []
    if len(rows) < min_params: return md
    e = html.escape
    table = ('\n\n<table class="params"><thead><tr><th>Parameter</th><th>Type</th><th>Default</th></tr></thead><tbody>' +
             "".join(f"<tr><td><b>{e(n)}</b></td><td>{'<code>' + e(t) + '</code>' if t else ''}</td>"
                     f"<td>{'<code>' + e(d) + '</code>' if d else '<i>required</i>'}</td></tr>" for n, t, d in rows) + "</tbody></table>\n")
    return md.rstrip() + table

def signature_params(code: str) -> list[tuple[str, str, str]]:
    "`(name, type, default)` of each parameter of the `def ...:` (or `class ...(...)`) signature that show_doc prints; [] when it does not parse."
    code = code.strip()
    if code.startswith("class "): code = "def " + code[6:]
    if not code.startswith(("def ", "async def ")): return []
    try: fn = ast.parse(code.rstrip().rstrip(":") + ": pass").body[0]
    except SyntaxError: return []
    a = fn.args
    pos = a.posonlyargs + a.args
    defs = [None] * (len(pos) - len(a.defaults)) + list(a.defaults)
    rows = [(p.arg, ast.unparse(p.annotation) if p.annotation else "", ast.unparse(d) if d is not None else "") for p, d in zip(pos, defs)]
    if a.vararg: rows.append(("*" + a.vararg.arg, ast.unparse(a.vararg.annotation) if a.vararg.annotation else "", ""))
    rows += [(p.arg, ast.unparse(p.annotation) if p.annotation else "", ast.unparse(d) if d is not None else "")
             for p, d in zip(a.kwonlyargs, a.kw_defaults)]
    if a.kwarg: rows.append(("**" + a.kwarg.arg, ast.unparse(a.kwarg.annotation) if a.kwarg.annotation else "", ""))
    rows = [(n, t, d if d or n.startswith("*") else "") for n, t, d in rows if n not in ("self", "cls")]
    return [(n, t, d if d else ("" if not n.startswith("*") else "—")) for n, t, d in rows]

# ---------------------------------------------------------------- CLI reference
_CLI_SCRIPT = r"""
import json, os, argparse
os.environ.setdefault("COLUMNS", "80")
from inflame.cli import build_parser
p = build_parser(); p.prog = "inflame"
out = {"": p.format_help()}
for a in p._actions:
    if isinstance(a, argparse._SubParsersAction):
        for name, sp in a.choices.items():
            sp.prog = "inflame " + name
            out[name] = sp.format_help()
print(json.dumps(out))
"""

def cli_help() -> dict:
    "`{'': inflame --help, COMMAND: inflame COMMAND --help, ...}` for the subcommands that exist now (in a child process)."
    import os
    r = subprocess.run([sys.executable, "-c", _CLI_SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "COLUMNS": "80"})
    if r.returncode: raise RuntimeError(f"inflame.cli.build_parser() failed:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])

def cli_page_html(helps: dict) -> str:
    "The body of the CLI reference page: `inflame --help` then one section per command."
    parts = ["<h1 id='cli'>Command line</h1>",
             "<p>Every subcommand of <code>inflame</code> with its <code>--help</code>, generated from the parser at build time.</p>",
             "<h2 id='inflame'>inflame</h2>", f"<pre class='cli'>{html.escape(neutral_paths(helps.get('', '')))}</pre>"]
    for name, text in helps.items():
        if not name: continue
        parts += [f"<h2 id='{slug('inflame-' + name)}'>inflame {html.escape(name)}</h2>", f"<pre class='cli'>{html.escape(neutral_paths(text))}</pre>"]
    return "\n".join(parts)

# ---------------------------------------------------------------- headings, TOC, search index
def slug(s: str) -> str:
    "An HTML id from heading text."
    s = re.sub(r"[^\w\-. ]", "", html.unescape(s)).strip().replace(" ", "-")
    return s or "section"

_H_RE = re.compile(r"<h([1-4])([^>]*)>(.*?)</h\1>", re.S)

def _text(h: str) -> str:
    h = re.sub(r"<a class=\"anchor-link\".*?</a>", "", h, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", h)).strip()

def headings(body: str) -> tuple[str, list[tuple[int, str, str]]]:
    "`(body with a unique id on every h1-h4, [(level, id, text)])`."
    seen, out = set(), []
    def fix(m):
        lvl, attrs, inner = int(m.group(1)), m.group(2), m.group(3)
        inner = re.sub(r"<a class=\"anchor-link\".*?</a>", "", inner, flags=re.S)
        t = _text(inner); hid = slug(t); base, k = hid, 2
        while hid in seen: hid, k = f"{base}-{k}", k + 1
        seen.add(hid); out.append((lvl, hid, t))
        attrs = re.sub(r'\s*id="[^"]*"', "", attrs)
        return f'<h{lvl}{attrs} id="{html.escape(hid)}">{inner}</h{lvl}>'
    return _H_RE.sub(fix, body), out

def sections(body: str, page: str, title: str) -> list[dict]:
    "Search entries: one per heading, with the text under it (trimmed)."
    parts = _H_RE.split(body)   # [pre, lvl, attrs, inner, text, lvl, attrs, inner, text, ...]
    entries = [{"page": page, "title": title, "heading": title, "anchor": "", "text": _plain(parts[0])[:400]}]
    for j in range(1, len(parts), 4):
        hid = re.search(r'id="([^"]+)"', parts[j + 1]); hid = html.unescape(hid.group(1)) if hid else ""
        entries.append({"page": page, "title": title, "heading": _text(parts[j + 2]), "anchor": hid, "text": _plain(parts[j + 3])[:400]})
    return entries

def _plain(h: str) -> str:
    h = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", h, flags=re.S)
    h = re.sub(r'<img[^>]*>', " ", h)
    h = re.sub(r"</?(?:p|div|li|ul|ol|h\d|tr|td|th|br|pre|table|blockquote)\b[^>]*>", " ", h)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", h))).strip()

def fold_code(code: str, open_: bool = False) -> str:
    "Markdown for a folded code cell (Quarto's `#| code-fold`): a `<details>` whose summary names what the code defines."
    import ast
    try: names = [n.name for n in ast.parse(code).body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    except SyntaxError: names = []
    what = ("Code: " + ", ".join(f"<code>{html.escape(n)}</code>" for n in names)) if names else "Code"
    fence = "````" if "```" in code else "```"
    return f'<details class="fold"{" open" if open_ else ""}><summary>{what}</summary>\n\n{fence}python\n{code.strip()}\n{fence}\n\n</details>'

# ---------------------------------------------------------------- layout
def pygments_css() -> str:
    from pygments.formatters import HtmlFormatter
    return HtmlFormatter(style="default").get_style_defs(".highlight")

SITE_CSS = """
:root{--fg:#1d2430;--muted:#5b6576;--bg:#fff;--side:#f5f6f8;--accent:#d9480f;--line:#dde1e7;--code:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:#1c63b7;text-decoration:none} a:hover{text-decoration:underline}
.layout{display:grid;grid-template-columns:250px minmax(0,1fr) 220px;min-height:100vh}
#sidebar{background:var(--side);border-right:1px solid var(--line);padding:16px 14px;position:sticky;top:0;height:100vh;overflow:auto}
#sidebar .brand{font-weight:700;font-size:20px;color:var(--fg);display:block;margin-bottom:12px}
#sidebar ul{list-style:none;margin:12px 0 0;padding:0} #sidebar li a{display:block;padding:4px 8px;border-radius:5px;color:var(--fg)}
#sidebar li a.active{background:#ffe8d9;color:var(--accent);font-weight:600}
#search{position:relative} #search input{width:100%;padding:7px 9px;border:1px solid #b9c0cc;border-radius:6px;font:inherit;font-size:14px}
#search-results{position:fixed;z-index:10;left:14px;top:100px;width:520px;max-width:90vw;background:#fff;border:1px solid var(--line);border-radius:6px;
 box-shadow:0 6px 18px rgba(0,0,0,.12);margin:4px 0 0;padding:4px;list-style:none;max-height:70vh;overflow:auto}
#search-results:empty{display:none} #search-results li a{display:block;padding:6px 8px;border-radius:4px;color:var(--fg)}
#search-results li a:hover,#search-results li a.sel{background:#f1f3f5;text-decoration:none}
#search-results .where{color:var(--muted);font-size:12px} #search-results .snip{color:var(--muted);font-size:13px;display:block}
main{padding:24px 40px 60px;max-width:1000px}
#toc{padding:24px 12px;position:sticky;top:0;height:100vh;overflow:auto;font-size:14px;border-left:1px solid var(--line)}
#toc h2{font-size:13px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:0 0 8px}
#toc ul{list-style:none;margin:0;padding:0} #toc li{margin:3px 0} #toc li.l3{padding-left:12px} #toc li.l4{padding-left:24px}
#toc a{color:var(--muted)}
@media (max-width:1100px){.layout{grid-template-columns:220px minmax(0,1fr)} #toc{display:none}}
@media (max-width:700px){.layout{display:block} #sidebar{position:static;height:auto} main{padding:16px}}
h1{font-size:30px;margin:.2em 0 .4em} h2{margin-top:1.6em;border-bottom:1px solid var(--line);padding-bottom:4px} h3{margin-top:1.4em}
a.anchor-link{display:none}
pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13.5px}
code{background:var(--code);padding:1px 4px;border-radius:4px}
pre{background:var(--code);padding:10px 12px;border-radius:6px;overflow:auto;line-height:1.4} pre code{background:none;padding:0}
.highlight{background:var(--code);border-radius:6px} .highlight pre{margin:0}
.jp-Cell{margin:0 0 10px} .jp-InputPrompt,.jp-OutputPrompt{display:none}
.jp-OutputArea-output pre,.output_area pre{background:#fff;border:1px solid var(--line)}
.jp-OutputArea-output img,.output_area img{max-width:100%;height:auto} .cell{margin:0 0 10px}
.jp-RenderedHTMLCommon table,main table{border-collapse:collapse;margin:8px 0;font-size:14px}
main th,main td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top} main th{background:var(--side)}
blockquote{margin:0;padding:2px 14px;border-left:4px solid var(--line);color:var(--muted)}
a.source{float:right;font-size:13px} .api{border-top:1px solid var(--line);margin-top:18px}
.note{color:var(--muted);font-style:italic}
pre.cli{white-space:pre;overflow:auto}
details.fold{margin:0 0 10px;border:1px solid var(--line);border-radius:6px;padding:4px 10px}
details.fold summary{cursor:pointer;color:var(--muted);font-size:14px} details.fold[open] summary{margin-bottom:6px}
"""

SEARCH_JS = r"""
(function () {
  const box = document.querySelector("#search input"), list = document.getElementById("search-results");
  if (!box || !window.SEARCH_INDEX) return;
  const idx = window.SEARCH_INDEX;
  const esc = s => String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})[c]);
  function search(q) {
    const terms = q.toLowerCase().split(/\s+/).filter(Boolean);
    if (!terms.length) return [];
    const hits = [];
    for (const e of idx) {
      const h = e.heading.toLowerCase(), t = e.text.toLowerCase(), p = e.title.toLowerCase();
      let score = 0, ok = true;
      for (const w of terms) {
        if (h === w) score += 100; else if (h.startsWith(w)) score += 40; else if (h.includes(w)) score += 20;
        else if (p.includes(w)) score += 5; else if (t.includes(w)) score += 1; else { ok = false; break; }
      }
      if (ok) hits.push([score - h.length / 100, e]);
    }
    return hits.sort((a, b) => b[0] - a[0]).slice(0, 12).map(x => x[1]);
  }
  function snippet(e, q) {
    const t = e.text, i = t.toLowerCase().indexOf(q.toLowerCase().split(/\s+/)[0]);
    return esc(t.slice(Math.max(0, i - 40), Math.max(0, i - 40) + 120));
  }
  function show() {
    const q = box.value.trim(), hits = search(q);
    list.innerHTML = hits.map((e, i) => `<li><a class="${i ? "" : "sel"}" href="${e.page}${e.anchor ? "#" + encodeURIComponent(e.anchor) : ""}">` +
      `${esc(e.heading)} <span class="where">${esc(e.title)}</span><span class="snip">${snippet(e, q)}</span></a></li>`).join("") +
      (q && !hits.length ? `<li class="where">no results for “${esc(q)}”</li>` : "");
  }
  box.addEventListener("input", show);
  box.addEventListener("keydown", ev => {
    const a = [...list.querySelectorAll("a")], i = a.findIndex(x => x.classList.contains("sel"));
    if (ev.key === "Enter" && a.length) { location.href = a[Math.max(0, i)].href; ev.preventDefault(); }
    else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault(); if (!a.length) return;
      const j = (i + (ev.key === "ArrowDown" ? 1 : a.length - 1)) % a.length;
      a.forEach(x => x.classList.remove("sel")); a[j].classList.add("sel"); a[j].scrollIntoView({block: "nearest"});
    } else if (ev.key === "Escape") { box.value = ""; list.innerHTML = ""; }
  });
  document.addEventListener("click", ev => { if (!document.getElementById("search").contains(ev.target)) list.innerHTML = ""; });
})();
"""

def page_html(title: str, body: str, pages: list[tuple[str, str]], current: str, toc: list[tuple[int, str, str]],
              site_title: str = "inflame", description: str = "") -> str:
    "A whole page: sidebar (site title, search box, every page in order), the content, and its table of contents."
    act = ' class="active" aria-current="page"'
    nav = "".join(f'<li><a href="{h}"{act if h == current else ""}>{html.escape(t)}</a></li>' for h, t in pages)
    items = [(l, i, t) for l, i, t in toc if l in (2, 3, 4)]
    toc_html = ("<h2>On this page</h2><ul>" + "".join(f'<li class="l{l}"><a href="#{html.escape(i)}">{html.escape(t)}</a></li>' for l, i, t in items)
                + "</ul>") if items else ""
    head_title = site_title if title == site_title else f"{title} – {site_title}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{html.escape(head_title)}</title><meta name="description" content="{html.escape(description)}">
<link rel="stylesheet" href="site.css"></head>
<body><div class="layout">
<nav id="sidebar" aria-label="pages"><a class="brand" href="index.html">{html.escape(site_title)}</a>
<div id="search" role="search"><input type="search" placeholder="Search the docs…" aria-label="Search the docs" autocomplete="off">
<ul id="search-results"></ul></div>
<ul>{nav}</ul></nav>
<main id="content">
{body}
</main>
<aside id="toc">{toc_html}</aside>
</div>
<script src="search-index.js"></script><script src="search.js"></script>
</body></html>
"""

def write_assets(out: Path, index: list[dict]):
    "site.css, search.js, search.json and search-index.js (the same index as a script, so search works from file:// too)."
    (out / "site.css").write_text(SITE_CSS + pygments_css(), encoding="utf-8")
    (out / "search.js").write_text(SEARCH_JS, encoding="utf-8")
    data = json.dumps(index, ensure_ascii=False)
    (out / "search.json").write_text(data, encoding="utf-8")
    (out / "search-index.js").write_text("window.SEARCH_INDEX = " + data.replace("</", "<\\/") + ";\n", encoding="utf-8")
