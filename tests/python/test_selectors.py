"""The daily run's selection (selectors.yml, `daily`): every node that checks or builds the data, and only the
tests of the project's own code left out, so that a typo in a tag or a method cannot drop data tests unseen."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT, dev_environment

DBT = Path(sys.executable).parent / "dbt"


def _listed(tmp_path: Path, *selection: str) -> dict[str, bool]:
    """unique_id of every node `dbt ls` lists for the selection: whether it is a fixture of the generic tests (a
    seed tagged test_fixture, or a test declared beside them in seeds/generic_test_fixtures/)."""
    environ = dev_environment(tmp_path, tmp_path / "lake", ":memory:")
    listed = subprocess.run([str(DBT), "ls", "--quiet", "--output", "json", *selection], cwd=PROJECT, env=environ,
                            capture_output=True, text=True, check=True)
    nodes = [json.loads(line) for line in listed.stdout.splitlines() if line.startswith("{")]
    return {node["unique_id"]: "test_fixture" in node.get("tags", [])
            or node.get("original_file_path", "").startswith("seeds/generic_test_fixtures/") for node in nodes}


def test_the_daily_run_leaves_out_only_the_tests_of_the_code(tmp_path):
    everything, daily = _listed(tmp_path), _listed(tmp_path, "--selector", "daily")
    left_out = set(everything) - set(daily)
    assert set(daily) < set(everything)
    assert {node for node in left_out if node.startswith("unit_test.")}, "the unit tests are built daily"
    # Besides the unit tests, only the generic tests' fixtures (and the source, which is never built) are left out.
    assert not [node for node in left_out if not node.startswith(("unit_test.", "source.")) and not everything[node]]
    assert any(everything[node] for node in left_out), "the generic tests' fixtures are built daily"
    assert any(node.startswith("test.clickstream.unique_stg_clickstream__events_event_id") for node in daily)
