"""`python -m dashboard.screenshots`: start the dashboard on 127.0.0.1, take a PNG of each page with headless
Chromium, and stop the dashboard again (`make dashboard-screenshots`)."""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
# Each page's URL path and the window height that shows all of it (Streamlit scrolls inside its own frame, so
# a screenshot holds only what fits the window).
PAGES = {"executive": ("", 2200), "brands": ("brands", 2450), "funnel": ("funnel", 1500)}
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, app: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - the app on 127.0.0.1
                return
        except OSError:
            if app.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the dashboard did not start ({url})") from None
            time.sleep(0.5)


def _screenshot(chromium: str, url: str, shot: Path, width: int, height: int, wait_ms: int) -> None:
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
             f"--virtual-time-budget={wait_ms}", f"--screenshot={shot}", url],
            check=True, timeout=wait_ms / 1000 + 120, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )


def take(out: Path, chromium: str, wait_ms: int, width: int) -> list[Path]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    app = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT / "dashboard" / "app.py"),
         "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    shots = []
    try:
        _wait_until_up(f"{base}/_stcore/health", app)
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="warm-up-") as warm_up:
            # Chromium's virtual time runs ahead while Streamlit answers over its websocket: a first visit of
            # each page imports the app's modules and caches the marts' results, so that the second one, the
            # screenshot, renders in time.
            for page, (path, height) in PAGES.items():
                _screenshot(chromium, f"{base}/{path}", Path(warm_up) / f"{page}.png", width, height, wait_ms)
        for page, (path, height) in PAGES.items():
            shot = out / f"{page}.png"
            _screenshot(chromium, f"{base}/{path}", shot, width, height, wait_ms)
            print(f"{shot} ({page} page, {base}/{path})")
            shots.append(shot)
    finally:
        app.terminate()
        try:
            app.wait(timeout=15)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=PROJECT / "docs" / "screenshots", help="folder for the PNGs")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium", help="the browser to run")
    parser.add_argument("--wait-ms", type=int, default=20000,
                        help="virtual time Chromium gives each page to render before the screenshot")
    parser.add_argument("--width", type=int, default=1400)
    args = parser.parse_args(argv)
    take(args.out, args.chromium, args.wait_ms, args.width)
    return 0


if __name__ == "__main__":
    sys.exit(main())
