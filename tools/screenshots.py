"""`python tools/screenshots.py`: start the dashboard on 127.0.0.1, take a PNG of each page with headless
Chromium, stop both again, and write the stamp of what they show (docs/screenshots/SOURCE, see
screenshot_stamp.py). `make dashboard-screenshots` builds the demo's data first and runs this on it.

Streamlit draws a page in the browser from messages on a websocket, after the page has loaded; Chromium's
`--screenshot` with a `--virtual-time-budget` fires before those arrive whenever a query takes a moment. So the
browser is driven over the DevTools protocol instead (on 127.0.0.1): open the page, wait until Streamlit reports
the run finished and every Plotly chart is drawn, size the window to the whole page, then take the PNG.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from screenshot_stamp import STAMP, stamp
from websockets.sync.client import connect

PROJECT = Path(__file__).resolve().parents[1]
# One st.Page(VIEWS / "name.py", ..., url_path="path") of dashboard/app.py; the default page has no url_path.
_PAGE = re.compile(r'st\.Page\(VIEWS / "(\w+)\.py"([^)]*)\)')
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
    "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
]
# True once Streamlit has finished the page's run and Plotly has drawn every chart.
_RENDERED = """(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== 'notRunning') return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'));
})()"""
# The height of the page's content: Streamlit scrolls inside its main section, not the document.
_CONTENT_HEIGHT = """Math.max(...['stMain', 'stAppViewContainer', 'stSidebarContent']
    .map(id => document.querySelector(`[data-testid="${id}"]`)).filter(Boolean).map(e => e.scrollHeight))"""


def pages() -> dict[str, str]:
    """Every page of the app, as dashboard/app.py lists them: its view's name -> its URL path ('' for the default
    page), so that a new page gets its screenshot (docs/screenshots/<name>.png) without touching this tool."""
    app = (PROJECT / "dashboard" / "app.py").read_text()
    found = {}
    for match in _PAGE.finditer(app):
        url_path = re.search(r'url_path="([^"]*)"', match.group(2))
        found[match.group(1)] = url_path.group(1) if url_path else ""
    if not found:
        raise SystemExit("no st.Page(VIEWS / ...) found in dashboard/app.py: update tools/screenshots.py")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(what: str, ready, seconds: float, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + seconds
    while True:
        result = ready()
        if result:
            return result
        if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.25)


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return response.read()
    except OSError:
        return None


class _DevTools:
    """The few DevTools protocol calls this needs, over the page's websocket."""

    def __init__(self, socket) -> None:
        self._socket = socket
        self._last_id = 0

    def call(self, method: str, **params):
        self._last_id += 1
        self._socket.send(json.dumps({"id": self._last_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv(timeout=60))
            if message.get("id") == self._last_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")


def _screenshot(chromium: str, url: str, shot: Path, width: int, min_height: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory(prefix="chromium-", ignore_cleanup_errors=True) as profile:
        # Its own process group, so that stopping it stops the renderer and helper processes it starts too.
        browser = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{min_height}",
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            active_port = Path(profile) / "DevToolsActivePort"
            port = _wait_for("Chromium's DevTools port", lambda: active_port.is_file() and
                             active_port.read_text().split("\n")[0].strip(), 30, browser)
            targets = json.loads(_wait_for("Chromium's page", lambda: _get(f"http://127.0.0.1:{port}/json/list"), 30))
            page_url = next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"]
            with connect(page_url, max_size=None, open_timeout=10) as socket:
                page = _DevTools(socket)
                page.call("Emulation.setDeviceMetricsOverride", width=width, height=min_height,
                          deviceScaleFactor=1, mobile=False)
                page.call("Page.navigate", url=url)
                _wait_for(f"{url} to render", lambda: page.evaluate(_RENDERED), seconds)
                height = max(min_height, int(page.evaluate(_CONTENT_HEIGHT) or 0) + 40)
                page.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                          deviceScaleFactor=1, mobile=False)
                # The charts redraw at the new size: wait for the run and the drawing again, then let them settle.
                time.sleep(1)
                _wait_for(f"{url} to render", lambda: page.evaluate(_RENDERED), seconds)
                time.sleep(1)
                png = page.call("Page.captureScreenshot", format="png")["data"]
                shot.write_bytes(base64.b64decode(png))
        finally:
            _stop(browser, group=True)


def _stop(process: subprocess.Popen, group: bool = False) -> None:
    signal_process = (lambda sig: os.killpg(process.pid, sig)) if group else process.send_signal
    with contextlib.suppress(ProcessLookupError):
        signal_process(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            signal_process(signal.SIGKILL)
        process.wait()


def take(out: Path, chromium: str, width: int, min_height: int, seconds: float) -> list[Path]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    app = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "--port", str(port)],
        cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    shots = []
    try:
        _wait_for("the dashboard to start", lambda: _get(f"{base}/_stcore/health"), 60, app)
        out.mkdir(parents=True, exist_ok=True)
        for page, path in pages().items():
            shot = out / f"{page}.png"
            _screenshot(chromium, f"{base}/{path}", shot, width, min_height, seconds)
            print(f"{shot} ({page} page, {base}/{path})")
            shots.append(shot)
    finally:
        _stop(app)
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=PROJECT / "docs" / "screenshots", help="folder for the PNGs")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium", help="the browser to run")
    parser.add_argument("--width", type=int, default=1400, help="window width in pixels (default 1400)")
    parser.add_argument("--min-height", type=int, default=1000,
                        help="window height at least; it grows to the whole page (default 1000)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds a page may take to render")
    parser.add_argument("--demo", nargs=3, metavar=("EVENTS", "DAYS", "SEED"),
                        help="the make demo parameters of the data shown: writes the stamp docs/screenshots/SOURCE")
    args = parser.parse_args(argv)
    take(args.out, args.chromium, args.width, args.min_height, args.timeout)
    if args.demo:
        events, days, seed = args.demo
        source = PROJECT / STAMP
        source.write_text(stamp(PROJECT, {"DEMO_EVENTS": events, "DEMO_DAYS": days, "DEMO_SEED": seed}))
        print(f"{source} (what they show)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
