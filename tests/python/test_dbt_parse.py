"""dbt's partial parse after a change to the project: every build after a `git pull` takes this path (the saved
parse in target/ is reused and only the changed files are parsed again).

A seed kept under tests/fixtures/ (dbt's folder of unit-test fixtures) was read as a seed and as a fixture, and the
first parse after a change to its YAML failed with "dbt found two fixtures" until target/ was removed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT, dev_environment

DBT = Path(sys.executable).parent / "dbt"
# What dbt reads of the project (dbt_project.yml's paths), without the Python tests and their data.
DBT_FILES = ["dbt_project.yml", "profiles.yml", "selectors.yml", "models", "seeds", "macros", "snapshots",
             "analyses", "tests"]


def _parse(project: Path, work: Path) -> subprocess.CompletedProcess:
    environ = {**dev_environment(work, work / "lake", ":memory:"), "DBT_PROFILES_DIR": str(project)}
    return subprocess.run([str(DBT), "--no-use-colors", "parse"], cwd=project, env=environ, capture_output=True,
                          text=True, timeout=600)


def test_a_change_to_every_yaml_file_parses_again_from_the_saved_parse(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    for name in DBT_FILES:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("python", "__pycache__"))
        else:
            shutil.copy2(source, project / name)
    first = _parse(project, tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr

    # Every plain one-line description of every properties file reworded: dbt parses a resource again only when
    # its entry changed (a comment alone changes nothing it parses).
    changed = []
    for path in project.rglob("*.yml"):
        text = path.read_text()
        reworded = re.sub(r"^(\s*-?\s*description: )([^>|\"'\s].*)$", r"\1\2 Reworded.", text, flags=re.MULTILINE)
        if reworded != text and path.name not in DBT_FILES:
            path.write_text(reworded)
            changed.append(path)
    assert project / "seeds" / "generic_test_fixtures" / "_generic_test_fixtures.yml" in changed
    again = _parse(project, tmp_path)

    assert again.returncode == 0, again.stdout + again.stderr
    second_parse_log = (tmp_path / "logs" / "dbt.log").read_text().rsplit("Running with dbt", 1)[1]
    assert f"{len(changed)} files changed" in second_parse_log, "the saved parse was not reused"
