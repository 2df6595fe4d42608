"""What the README's screenshots show, as a stamp kept beside them: docs/screenshots/SOURCE.

The stamp names the demo data's parameters (as `make demo` generates it) and a hash of the dashboard's code (its
pages, charts and the queries it sends the marts) and of the generator that makes the demo's events.
tools/screenshots.py writes it with the PNGs; tests/python/test_screenshots.py recomputes it and fails when the
screenshots are older than any of these. The dbt models are left out on purpose: a stamp over every model would go
stale with each new model the dashboard does not show; a change to a mart the dashboard reads by a new name shows
in the dashboard's queries, and one that changes its figures is a reason to retake them by hand.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

STAMP = Path("docs") / "screenshots" / "SOURCE"
INPUTS = {
    "dashboard": ["dashboard/**/*.py", "dashboard/.streamlit/config.toml"],
    "generator": ["clickgen/**/*.py", "clickgen/data/*.csv"],
}
DEMO_PARAMETERS = ("DEMO_EVENTS", "DEMO_DAYS", "DEMO_SEED")


def digest(project: Path, patterns: list[str]) -> str:
    """sha256 over the paths and contents of the files the patterns match, in path order."""
    files = sorted({path for pattern in patterns for path in project.glob(pattern)
                    if path.is_file() and "__pycache__" not in path.parts})
    hashed = hashlib.sha256()
    for path in files:
        hashed.update(path.relative_to(project).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return hashed.hexdigest()


def demo_parameters(project: Path) -> dict[str, str]:
    """DEMO_EVENTS, DEMO_DAYS and DEMO_SEED as the Makefile sets them for `make demo`."""
    makefile = (project / "Makefile").read_text()
    found = {}
    for name in DEMO_PARAMETERS:
        match = re.search(rf"^{name}\s*[?:]?=\s*(\S+)", makefile, re.MULTILINE)
        if match is None:
            raise ValueError(f"the Makefile sets no {name}")
        found[name] = match.group(1)
    return found


def stamp(project: Path, parameters: dict[str, str]) -> str:
    lines = [
        "# What docs/screenshots/*.png show: written by tools/screenshots.py (make dashboard-screenshots), checked",
        "# by tests/python/test_screenshots.py. When it no longer matches, retake them: make dashboard-screenshots.",
        "demo: " + " ".join(f"{name}={parameters[name]}" for name in DEMO_PARAMETERS),
        *(f"{name}: sha256:{digest(project, patterns)}" for name, patterns in INPUTS.items()),
    ]
    return "\n".join(lines) + "\n"
