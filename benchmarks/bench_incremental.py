"""Benchmark the daily run: a full `dbt build` of a history, then one more day landed and built incrementally.

    python benchmarks/bench_incremental.py [--events 10000000 --events 30000000] [--day-events 330000]
                                           [--floor-events 10000]

For each history size: generate it (once, reused from data/bench like the other benchmarks), land it into a fresh
lake, time a full `dbt build` into a fresh DuckDB warehouse, then generate one more day of events (the same day and
the same file for every history: the day after the longest one), land it and time the incremental `dbt build`, then
the same build once more with nothing new: what any day costs before its own rows, dbt's fixed cost (starting, and
compiling and running every node) and the tables rebuilt whole from the history (the marts). Prints the wall times
and their ratios to the full build per history, and how the incremental build grows with the history. Then the same
three builds on a history of `--floor-events` (10,000): what the day and a build with nothing new cost with next to
no history, dbt's own cost for this project's nodes, against the full build of the smallest history: a ratio no
incremental logic can bring the day below. Targets (issue 10): the incremental day at most 15 % of the full build;
on a 3x longer history, at most 1.3x the time. The figures measured are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from measure import Measurement, dbt_parse, generated_csv, measure


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, action="append", help="history size (repeat for several)")
    parser.add_argument("--day-events", type=int, default=330_000)
    parser.add_argument("--floor-events", type=int, default=10_000,
                        help="a history of next to nothing, to measure what dbt costs by itself (0: skip)")
    parser.add_argument("--work", default="data/bench")
    args = parser.parse_args()
    sizes = args.events or [10_000_000]

    work = Path(args.work)
    floor_events = args.floor_events if args.floor_events not in sizes else 0
    histories = {events: generated_csv(work, events)[0] for events in [*sizes, floor_events] if events}
    new_day = max(_last_day(csv) for csv in histories.values()) + timedelta(days=1)
    day_csv = work / f"day-{new_day}-{args.day_events}.csv"
    if not day_csv.exists():
        measure("generate the new day", [sys.executable, "-m", "ingest", "generate", "--events", str(args.day_events),
                                         "--start", str(new_day), "--days", "1", "--seed", "11",
                                         "--out", str(day_csv)], args.day_events)

    results = {events: _bench(work, events, histories[events], day_csv, args.day_events) for events in histories}
    floor = results.pop(floor_events, None)

    print(f"new day {new_day}: {args.day_events:,} generated events")
    for events, builds in results.items():
        print(f"history of {events:,} events")
        for build in builds:
            print("  " + build.line())
        print(f"  ratio incremental / full: {builds.new_day.seconds / builds.full.seconds:.1%} (target <= 15 %)")
        print(f"  ratio nothing new / full: {builds.nothing_new.seconds / builds.full.seconds:.1%} "
              "(any day costs this)")
    if len(sizes) > 1:
        smallest, largest = min(sizes), max(sizes)
        growth = results[largest].new_day.seconds / results[smallest].new_day.seconds
        print(f"incremental day on {largest:,} vs {smallest:,} events of history: {growth:.2f}x (target <= 1.3x)")
    if floor:
        full = results[min(sizes)].full
        print(f"floor: a history of {floor_events:,} events")
        for build in floor:
            print("  " + build.line())
        print(f"  the new day on it / the full build of {min(sizes):,}: {floor.new_day.seconds / full.seconds:.1%}, "
              f"nothing new on it: {floor.nothing_new.seconds / full.seconds:.1%} (the lowest any day can go)")
    return 0


def _last_day(csv: Path) -> date:
    """The day of the last row: the generator writes its rows in time order."""
    with csv.open("rb") as file:
        file.seek(max(0, csv.stat().st_size - 4096))
        last = file.read().decode().rstrip("\n").rsplit("\n", 1)[-1]
    return date.fromisoformat(last[:10])


class Builds(NamedTuple):
    """The three builds timed on one history."""

    full: Measurement
    new_day: Measurement
    nothing_new: Measurement


def _bench(work: Path, events: int, history: Path, day_csv: Path, day_events: int) -> Builds:
    lake, warehouse = work / f"incremental-lake-{events}", work / f"incremental-{events}.duckdb"
    target = work / f"incremental-target-{events}"
    shutil.rmtree(lake, ignore_errors=True)
    warehouse.unlink(missing_ok=True)
    env = {"LAKE_URI": str(lake), "DUCKDB_PATH": str(warehouse), "DBT_TARGET": "dev", "DBT_TARGET_PATH": str(target),
           "DBT_PROFILES_DIR": os.environ.get("DBT_PROFILES_DIR", ".")}
    # Both builds as the daily run (mk/dbt.mk) builds: selectors.yml's `daily`, without the tests of the code.
    dbt_build = [str(Path(sys.executable).parent / "dbt"), "build", "--quiet", "--selector", "daily"]
    land = [sys.executable, "-m", "ingest", "land"]

    # Parsed first, so that neither build pays for it: the full one would otherwise (a new warehouse path).
    dbt_parse(env)
    measure(f"land the history ({events:,})", [*land, str(history)], events, env)
    full = measure(f"full dbt build ({events:,})", dbt_build, events, env)
    measure("land the new day", [*land, str(day_csv)], day_events, env)
    incremental = measure("incremental dbt build (new day)", dbt_build, day_events, env)
    _print_slowest_nodes(target / "run_results.json", f"incremental build on {events:,} events")
    nothing_new = measure("incremental dbt build (nothing new)", dbt_build, 0, env)
    return Builds(full, incremental, nothing_new)


def _print_slowest_nodes(run_results: Path, build: str, count: int = 8) -> None:
    results = json.loads(run_results.read_text())["results"]
    print(f"slowest {count} nodes of the {build}:", file=sys.stderr)
    for node in sorted(results, key=lambda r: r["execution_time"], reverse=True)[:count]:
        print(f"  {node['execution_time']:7.2f} s  {node['unique_id']}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
