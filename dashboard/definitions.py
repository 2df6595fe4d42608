"""The metric definitions: the model and column descriptions of the dbt project as dbt itself renders them (doc
blocks resolved) into its manifest, target/manifest.json, which every dbt command writes (`make build`, `dbt
parse`). The dashboard shows the same text as `dbt docs`, and a definition changes in one place only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class DefinitionMissing(KeyError):
    """The dashboard asked for a model or column the dbt project does not describe."""


@dataclass
class Definitions:
    models: dict[str, str] = field(default_factory=dict)
    columns: dict[tuple[str, str], str] = field(default_factory=dict)
    project_vars: dict[str, Any] = field(default_factory=dict)
    # Why there are no definitions (no manifest yet): the pages say it once and show the charts without them.
    notice: str | None = None

    @classmethod
    def load(cls, project_dir: Path, target_dir: Path | None = None) -> Definitions:
        project = yaml.safe_load((project_dir / "dbt_project.yml").read_text()) or {}
        definitions = cls(project_vars=project.get("vars") or {})
        manifest_path = (target_dir or project_dir / "target") / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text())
        except FileNotFoundError:
            definitions.notice = (
                f"The metric definitions come from dbt's manifest, and there is none at {manifest_path} yet: "
                "`make build` (or `.venv/bin/dbt parse`) writes it. The charts are shown without them."
            )
            return definitions
        for node in manifest["nodes"].values():
            if node["resource_type"] != "model" or node["package_name"] != project.get("name"):
                continue
            definitions.models[node["name"]] = (node.get("description") or "").strip()
            for column in (node.get("columns") or {}).values():
                definitions.columns[node["name"], column["name"]] = (column.get("description") or "").strip()
        return definitions

    def model(self, model: str) -> str:
        if self.notice:
            return ""
        try:
            return self.models[model]
        except KeyError:
            raise DefinitionMissing(f"the dbt project describes no model {model}") from None

    def column(self, model: str, column: str) -> str:
        if self.notice:
            return ""
        try:
            return self.columns[model, column]
        except KeyError:
            raise DefinitionMissing(f"the dbt project describes no column {model}.{column}") from None
