"""Layering, primary-key tests and documented warehouse columns, read from dbt's manifest and catalog."""

import json
import os
from functools import cache
from pathlib import Path

from dbt_score import Macro, Model, RuleViolation, Snapshot, Source, rule

# Each layer: the folder its models live in, the prefix of their names, and what they may select from.
LAYERS = {
    "staging": ("models/staging/", "stg_"),
    "intermediate": ("models/intermediate/", "int_"),
    "marts": ("models/marts/", ""),
    # What the runs record about themselves (tested_landings), written by hooks, not from data.
    "audit": ("models/audit/", ""),
}
# Engine implementations behind adapter.dispatch: documented once, on the macro that dispatches to them.
ADAPTER_PREFIXES = ("default__", "duckdb__", "athena__")
ALLOWED_PARENT_LAYERS = {
    "staging": {"source"},
    "intermediate": {"staging", "intermediate"},
    "marts": {"staging", "intermediate", "marts", "seed", "snapshot"},
    "audit": set(),
}


def _layer(model: Model) -> str | None:
    for layer, (folder, _prefix) in LAYERS.items():
        if model.original_file_path.startswith(folder):
            return layer
    return None


def _parent_layer(parent: object) -> str:
    if isinstance(parent, Source):
        return "source"
    if isinstance(parent, Snapshot):
        return "snapshot"
    if isinstance(parent, Model):
        return _layer(parent) or "unlayered"
    return "seed"


@rule
def model_respects_layers(model: Model) -> RuleViolation | None:
    """A model lives in a layer's folder, is named for it, and selects only from the layers below it.

    Staging models read one source each and nothing else; intermediate models read staging and
    intermediate models; marts read models, seeds and snapshots but never a source; audit models (what
    the runs record about themselves) read nothing.
    """
    layer = _layer(model)
    if layer is None:
        return RuleViolation(message="Model is outside models/staging, intermediate, marts and audit.")
    prefix = LAYERS[layer][1]
    if not model.name.startswith(prefix):
        return RuleViolation(message=f"A {layer} model's name starts with '{prefix}'.")
    if layer == "staging" and not any(isinstance(parent, Source) for parent in model.parents):
        return RuleViolation(message="A staging model selects from a source.")
    wrong = sorted(
        f"{parent.name} ({kind})"
        for parent in model.parents
        if (kind := _parent_layer(parent)) not in ALLOWED_PARENT_LAYERS[layer]
    )
    if wrong:
        return RuleViolation(message=f"A {layer} model may not select from {', '.join(wrong)}.")
    return None


@rule
def model_has_primary_key_test(model: Model) -> RuleViolation | None:
    """A model's primary key is tested: one column `unique` and `not_null`, or a composite key tested with
    `unique_combination_of_columns` whose columns are each tested `not_null` (a null may be part of a key
    only when the model says so with a description of the column)."""
    for column in model.columns:
        test_types = {test.type for test in column.tests}
        if {"unique", "not_null"} <= test_types:
            return None
    for test in model.tests:
        if test.type == "unique_combination_of_columns":
            return None
    return RuleViolation(
        message="No primary-key test: test one column unique + not_null, or a composite key with "
        "unique_combination_of_columns."
    )


@cache
def _catalog_columns() -> dict[str, set[str]]:
    path = Path(os.environ.get("DBT_SCORE_CATALOG", "target/catalog.json"))
    if not path.exists():
        return {}
    nodes = json.loads(path.read_text())["nodes"]
    return {unique_id: {name.lower() for name in node["columns"]} for unique_id, node in nodes.items()}


@rule
def warehouse_columns_are_documented(model: Model) -> RuleViolation | None:
    """Every column the model has in the warehouse is described in its YAML (read from dbt's catalog,
    written by `dbt docs generate`), and every described column exists."""
    catalog = _catalog_columns()
    if model.unique_id not in catalog:
        return RuleViolation(message="Not in target/catalog.json: build the model, then run dbt docs generate.")
    built = catalog[model.unique_id]
    described = {column.name.lower() for column in model.columns if column.description}
    undocumented = sorted(built - described)
    if undocumented:
        return RuleViolation(message=f"Undocumented columns: {', '.join(undocumented)}.")
    stale = sorted({column.name.lower() for column in model.columns} - built)
    if stale:
        return RuleViolation(message=f"Documented columns that do not exist: {', '.join(stale)}.")
    return None


@rule
def macro_is_documented(macro: Macro) -> RuleViolation | None:
    """A macro, generic tests included, is described with each of its arguments. Engine implementations
    (`default__`, `duckdb__`, `athena__`) share the description of the macro that dispatches to them."""
    if macro.name.startswith(ADAPTER_PREFIXES):
        return None
    if not macro.description:
        return RuleViolation(message="Macro lacks a description.")
    undocumented = [argument["name"] for argument in macro.arguments if not argument.get("description")]
    if undocumented:
        return RuleViolation(message=f"Arguments lack a description: {', '.join(undocumented)}.")
    return None
