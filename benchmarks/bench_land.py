"""Benchmark `ingest land` against the bare DuckDB COPY it is built on, on the same generated file.

    python benchmarks/bench_land.py [--events 10000000] [--work data/bench]

Target (issue: foundation): landing takes at most 1.25x the bare COPY, with peak memory under 3 GiB for 10M rows.
The figures measured on the project's machines are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from measure import Measurement, generated_csv, measure

# The bare COPY: DuckDB's CSV sniffer, no validation, no quarantine, no lineage, no manifest, no publishing.
BARE_COPY = """
import sys, duckdb
csv, out = sys.argv[1], sys.argv[2]
duckdb.sql(f'''
    copy (select *, event_time::date as event_date from read_csv('{csv}'))
    to '{out}' (format parquet, partition_by (event_date))
''')
"""


def _median(runs: list[Measurement]) -> Measurement:
    return sorted(runs, key=lambda m: m.seconds)[len(runs) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--work", default="data/bench")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    work = Path(args.work)
    csv, generated = generated_csv(work, args.events)
    if generated:
        print(generated.line())
    print(f"input: {csv} ({csv.stat().st_size / 2**20:,.0f} MiB, {args.events:,} rows)")

    # Alternate the two, several times, and compare medians: other work on the machine shifts single runs.
    landings, bares = [], []
    for _ in range(args.repeat):
        for folder in ("lake", "bare"):
            shutil.rmtree(work / folder, ignore_errors=True)
        landings.append(measure("ingest land", [sys.executable, "-m", "ingest", "land", str(csv), "--lake",
                                                str(work / "lake")], args.events))
        bares.append(measure("bare DuckDB COPY ... PARTITION_BY", [sys.executable, "-c", BARE_COPY, str(csv),
                                                                    str(work / "bare")], args.events))
    landing, bare = _median(landings), _median(bares)
    print(f"median of {args.repeat} alternating runs:")
    print(landing.line())
    print(bare.line())
    print(f"ratio land / bare COPY: {landing.seconds / bare.seconds:.2f}x (target <= 1.25x); "
          f"peak memory of the landing: {max(m.peak_mib for m in landings) / 1024:.2f} GiB (target < 3 GiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
