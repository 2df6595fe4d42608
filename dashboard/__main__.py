"""`python -m dashboard [--port N]`: the dashboard on http://127.0.0.1:N (8501 by default) and nowhere else, with
Streamlit's usage statistics off, whatever folder it is started from (`make dashboard` runs this)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
LOCAL_ONLY = [
    "--server.address", "127.0.0.1", "--browser.serverAddress", "127.0.0.1",
    "--browser.gatherUsageStats", "false", "--server.headless", "true",
]


def command(port: int) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(APP), *LOCAL_ONLY, "--server.port", str(port)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    parser.add_argument("--port", type=int, default=8501, help="port on 127.0.0.1 (default 8501)")
    args = parser.parse_args(argv)
    # Streamlit takes over this process: Ctrl-C and signals reach it directly.
    os.execv(sys.executable, command(args.port))


if __name__ == "__main__":
    main()
