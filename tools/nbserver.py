"""Run notebooks through a headless JupyterLab, as a user's JupyterLab runs them (a test utility; not part of the library).

`JupyterServer` starts `python -m jupyterlab` on 127.0.0.1 (a free port, a random token, its own runtime folder);
`run_notebook_on_server` opens a session through the server's REST API (so the kernel starts in the notebook's folder)
and sends each code cell over the kernel's websocket, failing with the cell's error when a cell fails. Cells that
`nbdev_test` skips (`#| eval: false`, and the `tst_flags` of settings.ini unless asked for) are skipped too.

Used by nbs/08_serve.ipynb (its JupyterLab check):

    sys.path.insert(0, "../tools"); from nbserver import JupyterServer, run_notebook_on_server
"""
from __future__ import annotations
import asyncio, json, os, secrets, shutil, subprocess, sys, tempfile, time, urllib.error, urllib.request, uuid
from pathlib import Path
from typing import Sequence
from inflame.core import InflameError
from inflame.docs import test_flags
from inflame.serve import free_port, run_async

__all__ = ["JupyterServer", "run_cells_on_server", "run_notebook_on_server"]


def _no_proxy_opener():
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))   # loopback requests never go through a proxy


class JupyterServer:
    "A headless JupyterLab server on 127.0.0.1 (free port, random token) serving `root_dir`; a context manager. `url`, `token`, `api(...)`."
    def __init__(self, root_dir: str | os.PathLike = ".", timeout: float = 90.0, app: str = "jupyterlab"):
        self.root_dir, self.timeout, self.app = Path(root_dir).resolve(), timeout, app
        self.proc = None; self.url = ""; self.token = secrets.token_hex(16); self.runtime = None

    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 30.0):
        "Call the server's REST API (`/api/...`) with the token; returns the decoded JSON (None when empty)."
        req = urllib.request.Request(self.url + path.lstrip("/"), method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with _no_proxy_opener().open(req, timeout=timeout) as r:
            data = r.read()
        return json.loads(data) if data else None

    def start(self) -> "JupyterServer":
        "Start the server and wait until its API answers."
        self.runtime = Path(tempfile.mkdtemp(prefix="inflame-jupyter-"))
        env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(self.runtime)}
        for attempt in range(3):                                   # a port taken between free_port() and the bind: try another
            port = free_port(); self.url = f"http://127.0.0.1:{port}/"
            cmd = [sys.executable, "-m", self.app, "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
                   f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root_dir}"]
            if hasattr(os, "getuid") and os.getuid() == 0: cmd.append("--allow-root")
            self.log = open(self.runtime / f"server-{port}.log", "wb")
            self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=self.root_dir)
            t0 = time.time()
            while time.time() - t0 < self.timeout:
                if self.proc.poll() is not None: break
                try: self.api("GET", "/api/status", timeout=2); return self
                except (urllib.error.URLError, OSError, ValueError): time.sleep(0.25)
            else:
                self.stop(); raise InflameError(f"JupyterLab did not answer on {self.url} within {self.timeout:.0f} s")
            self.log.close()
        raise InflameError(f"JupyterLab exited while starting: {self.log_text()[-1500:]}")

    def log_text(self) -> str:
        "The server's log so far."
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.runtime.glob("server-*.log"))) if self.runtime else ""

    def stop(self) -> None:
        "Shut the server down (its kernels too) through the API, else terminate it; removes its runtime folder."
        if self.proc is not None and self.proc.poll() is None:
            try: self.api("POST", "/api/shutdown", timeout=5)
            except (urllib.error.URLError, OSError, ValueError): pass
            try: self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try: self.proc.wait(10)
                except subprocess.TimeoutExpired: self.proc.kill(); self.proc.wait()
        if getattr(self, "log", None): self.log.close()
        if self.runtime: shutil.rmtree(self.runtime, ignore_errors=True)

    def __enter__(self): return self.start()
    def __exit__(self, *exc): self.stop()


def _cell_skipped(src: str, flags: Sequence[str]) -> bool:
    "nbdev_test's rule: skip `#| eval: false` cells and cells flagged with a test flag (settings.ini's `tst_flags`) not asked for."
    skip = test_flags(Path(__file__).resolve().parents[1] / "settings.ini") - set(flags)
    for line in src.splitlines():
        s = line.strip()
        if not s.startswith("#|"):
            if s: break
            continue
        d = s[2:].strip().replace(" ", "")
        if d in ("eval:false", "eval:False") or d.split(":")[0] in skip: return True
    return False


async def _execute_cells(url: str, token: str, kernel_id: str, cells: list, name: str, timeout: float) -> None:
    "Send `cells` (`(index, source)` pairs) one by one over the kernel's websocket; raise with the first failing cell's error."
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect
    session = uuid.uuid4().hex
    ws = url.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels?session_id={session}"
    conn = await websocket_connect(HTTPRequest(ws, headers={"Authorization": f"token {token}"}), max_message_size=256 * 2**20)
    deadline = time.monotonic() + timeout
    try:
        for i, src in cells:
            mid, what = uuid.uuid4().hex, f"code cell {i + 1} ({src.strip().splitlines()[0][:60]!r})"
            conn.write_message(json.dumps({
                "header": {"msg_id": mid, "username": "inflame", "session": session, "msg_type": "execute_request", "version": "5.3",
                           "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": src, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False,
                            "stop_on_error": True}}))
            reply, idle = None, False
            while reply is None or not idle:
                left = deadline - time.monotonic()
                if left <= 0: raise InflameError(f"{name}: {what} did not finish within the {timeout:.0f} s budget")
                raw = await asyncio.wait_for(conn.read_message(), left)
                if raw is None: raise InflameError(f"{name}: the kernel's websocket closed during {what} (did the kernel die?)")
                if isinstance(raw, bytes): continue                      # binary frames carry buffers: not needed here
                m = json.loads(raw); t = m.get("msg_type") or m["header"]["msg_type"]
                if t == "status" and m["content"].get("execution_state") == "dead": raise InflameError(f"{name}: the kernel died in {what}")
                if m.get("parent_header", {}).get("msg_id") != mid: continue
                if t == "execute_reply": reply = m["content"]
                elif t == "status" and m["content"].get("execution_state") == "idle": idle = True
            if reply.get("status") != "ok":
                tb = "\n".join(reply.get("traceback", []))[-2000:]
                raise InflameError(f"{name}: {what} failed: {reply.get('ename')}: {reply.get('evalue')}\n{tb}")
    finally: conn.close()


def run_cells_on_server(server: JupyterServer, cells: Sequence[str], path: str = "inflame_check.ipynb", timeout: float = 600.0,
                        kernel: str = "python3") -> float:
    "Run code `cells` in order in a fresh kernel of a session for `path` (relative to the server's folder; the kernel starts in its folder); returns the seconds."
    t0 = time.time()
    sess = server.api("POST", "/api/sessions", {"path": path, "type": "notebook", "name": Path(path).name, "kernel": {"name": kernel}})
    try: run_async(_execute_cells(server.url, server.token, sess["kernel"]["id"], list(enumerate(cells)), Path(path).name, timeout))
    finally:
        try: server.api("DELETE", f"/api/sessions/{sess['id']}")
        except (urllib.error.URLError, OSError): pass
    return time.time() - t0


def run_notebook_on_server(server: JupyterServer, notebook: str | os.PathLike, timeout: float = 600.0, kernel: str = "python3",
                           flags: Sequence[str] = ()) -> dict:
    "Run the code cells of `notebook` (as `nbdev_test` selects them) in a kernel started through `server`: `{notebook, cells, skipped, seconds}`."
    nb_path = Path(notebook).resolve()
    try: rel = nb_path.relative_to(server.root_dir)
    except ValueError: raise InflameError(f"{notebook}: not under the server's folder {server.root_dir}") from None
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    code = [("".join(c["source"]) if isinstance(c["source"], list) else c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    cells = [s for s in code if s.strip() and not _cell_skipped(s, flags)]
    secs = run_cells_on_server(server, cells, rel.as_posix(), timeout, kernel)
    return {"notebook": rel.as_posix(), "kernel": kernel, "cells": len(cells), "skipped": len(code) - len(cells), "seconds": round(secs, 1)}
