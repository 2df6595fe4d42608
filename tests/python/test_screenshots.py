"""The README's screenshots are current: the stamp that tools/screenshots.py wrote beside them when they were taken
matches the dashboard's code, the generator and the demo parameters of this checkout."""

from __future__ import annotations

import re

import pytest
from conftest import PROJECT


@pytest.fixture
def screenshot_stamp(monkeypatch):
    monkeypatch.syspath_prepend(str(PROJECT / "tools"))
    import screenshot_stamp

    return screenshot_stamp


def test_the_screenshots_show_this_dashboard_on_the_demo_data(screenshot_stamp):
    source = PROJECT / screenshot_stamp.STAMP
    assert source.is_file(), f"{source} is missing: take the screenshots with make dashboard-screenshots"
    expected = screenshot_stamp.stamp(PROJECT, screenshot_stamp.demo_parameters(PROJECT))
    stale = sorted(set(expected.splitlines()) - set(source.read_text().splitlines()))
    assert not stale, (
        "docs/screenshots are older than what they show (" + "; ".join(stale) + "): retake them with "
        "make dashboard-screenshots and commit the PNGs with docs/screenshots/SOURCE"
    )


def test_the_readme_shows_each_page_and_says_what_data(screenshot_stamp):
    import screenshots

    readme = (PROJECT / "README.md").read_text()
    pngs = {png.stem for png in (PROJECT / "docs" / "screenshots").glob("*.png")}
    assert pngs == set(screenshots.pages()), "one screenshot per page of dashboard/app.py: make dashboard-screenshots"
    for png in sorted(pngs):
        assert f"(docs/screenshots/{png}.png)" in readme, f"the README shows no {png}.png"
    events = int(screenshot_stamp.demo_parameters(PROJECT)["DEMO_EVENTS"])
    assert re.search(rf"screenshots show {events:,} generated events", readme)
