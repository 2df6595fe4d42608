"""Benchmark the whole dev pipeline on generated data: generate, land, dbt build.

    python benchmarks/bench_pipeline.py [--events 10000000] [--work data/bench]

Target (issue: dbt models): a full `dbt build` of 10M events in no more than twice the time their landing takes
on the same machine in the same run. The figures measured on the project's machines are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from measure import dbt_parse, generated_csv, measure


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--work", default="data/bench")
    args = parser.parse_args()

    work = Path(args.work)
    csv, generated = generated_csv(work, args.events)
    lake, warehouse = work / "pipeline-lake", work / "pipeline.duckdb"
    shutil.rmtree(lake, ignore_errors=True)
    warehouse.unlink(missing_ok=True)
    target = work / "pipeline-target"
    env = {"LAKE_URI": str(lake), "DUCKDB_PATH": str(warehouse), "DBT_TARGET": "dev", "DBT_TARGET_PATH": str(target)}
    bin_dir = Path(sys.executable).parent

    steps = [generated] if generated else []
    parse = dbt_parse(env)
    steps.append(measure("land", [sys.executable, "-m", "ingest", "land", str(csv), "--lake", str(lake)],
                         args.events, env))
    steps.append(measure("dbt build (models, tests, seeds)", [str(bin_dir / "dbt"), "build", "--quiet"],
                         args.events, env))

    print(f"{args.events:,} generated events, {csv.stat().st_size / 2**20:,.0f} MiB of CSV")
    for step in [parse, *steps]:
        print(step.line())
    landing, build = steps[-2], steps[-1]
    print(f"ratio dbt build / land: {build.seconds / landing.seconds:.2f}x (target <= 2x); with the parse: "
          f"{(build.seconds + parse.seconds) / landing.seconds:.2f}x")
    print(f"disk: CSV {_size(csv) / 2**30:,.1f} GiB, lake {_size(lake) / 2**30:,.1f} GiB, "
          f"warehouse {_size(warehouse) / 2**30:,.1f} GiB")
    _print_slowest_nodes(target / "run_results.json")
    return 0


def _size(path: Path) -> int:
    """Bytes on disk of a file or of everything under a folder."""
    if path.is_file():
        return path.stat().st_size
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def _print_slowest_nodes(run_results: Path, count: int = 8) -> None:
    """Where the build's time went, from dbt's own record of the run."""
    results = json.loads(run_results.read_text())["results"]
    print(f"slowest {count} nodes of the build:")
    for node in sorted(results, key=lambda r: r["execution_time"], reverse=True)[:count]:
        print(f"  {node['execution_time']:7.2f} s  {node['unique_id']}")


if __name__ == "__main__":
    sys.exit(main())
