"""The metric definitions, read from the dbt project: model and column descriptions in the models' YAML, with
their `{{ doc('...') }}` references replaced by the doc blocks of the `_*__docs.md` files. The dashboard shows
the same text as `dbt docs`, and a definition changes in one place only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_DOC_BLOCK = re.compile(r"{%-?\s*docs\s+(\w+)\s*-?%}(.*?){%-?\s*enddocs\s*-?%}", re.DOTALL)
# dbt's resource folders and their defaults.
_RESOURCE_PATHS = {
    "model-paths": ["models"], "seed-paths": ["seeds"], "snapshot-paths": ["snapshots"],
    "analysis-paths": ["analyses"], "macro-paths": ["macros"], "test-paths": ["tests"],
}
_DOC_REFERENCE = re.compile(r"""{{\s*doc\(\s*['"](\w+)['"]\s*\)\s*}}""")


class DefinitionMissing(KeyError):
    """The dashboard asked for a model or column the dbt project does not describe."""


@dataclass
class Definitions:
    models: dict[str, str] = field(default_factory=dict)
    columns: dict[tuple[str, str], str] = field(default_factory=dict)
    project_vars: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, project_dir: Path) -> Definitions:
        project = yaml.safe_load((project_dir / "dbt_project.yml").read_text()) or {}
        model_dirs = [project_dir / path for path in project.get("model-paths", ["models"])]
        # dbt reads doc blocks from docs-paths, by default from every resource folder.
        doc_dirs = project.get("docs-paths") or [
            path for key, default in _RESOURCE_PATHS.items() for path in project.get(key, default)
        ]
        blocks: dict[str, str] = {}
        for doc_dir in (project_dir / path for path in doc_dirs):
            for doc_file in sorted(doc_dir.rglob("*.md")):
                for name, text in _DOC_BLOCK.findall(doc_file.read_text()):
                    blocks[name] = text.strip()

        def render(description: str | None) -> str:
            return _DOC_REFERENCE.sub(lambda match: blocks[match.group(1)], description or "").strip()

        definitions = cls(project_vars=project.get("vars") or {})
        for model_dir in model_dirs:
            for yaml_file in sorted([*model_dir.rglob("*.yml"), *model_dir.rglob("*.yaml")]):
                for model in (yaml.safe_load(yaml_file.read_text()) or {}).get("models") or []:
                    definitions.models[model["name"]] = render(model.get("description"))
                    for column in model.get("columns") or []:
                        definitions.columns[model["name"], column["name"]] = render(column.get("description"))
        return definitions

    def model(self, model: str) -> str:
        try:
            return self.models[model]
        except KeyError:
            raise DefinitionMissing(f"the dbt project describes no model {model}") from None

    def column(self, model: str, column: str) -> str:
        try:
            return self.columns[model, column]
        except KeyError:
            raise DefinitionMissing(f"the dbt project describes no column {model}.{column}") from None
