"""This project against the PySpark reference of the same pipeline, on the same generated file, in the same run.

    python benchmarks/bench_spark.py [--events 10000000] [--work data/bench] [--spark-venv .venv-spark]

The reference, ../shared/bench/spark_reference.py, lands the CSV and builds every mart with this project's
definitions in one local PySpark job (what the original Glue pipelines did). PySpark is a benchmark-only
dependency: it is installed here into its own environment (--spark-venv), never into the project's lock; Java 17
comes from Debian's packages when `java` is missing. Each step's wall time, CPU time and peak memory are printed,
with the ratios. Target (issue: real scale): land + full `dbt build` (with its tests) at least 5x faster than the
reference at 10M events, and the build at most twice the landing. Figures: docs/performance.md.

Then the reference's tables are compared with the warehouse's by ../shared/bench/compare_marts.py (row by row on
their natural keys), under the reference's names for the columns this project renamed since it was written: a
speed ratio only means something between two pipelines that give the same tables.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
from measure import Measurement, dbt_parse, generated_csv, measure

PROJECT = Path(__file__).resolve().parents[1]
REFERENCE = PROJECT.parent / "shared" / "bench" / "spark_reference.py"
COMPARE = REFERENCE.with_name("compare_marts.py")
PYSPARK = "pyspark==4.0.1"
# This project's columns that the reference knows by an older name (renamed for one name per concept).
REFERENCE_NAMES = {
    "dim_user": {"lifetime_revenue": "revenue"},
    "dim_time": {"hour_key": "time_key"},
    "fact_purchases": {"hour_key": "time_key"},
    "fact_sessions": {"month_start_date": "session_month"},
    "kpi_summary": {"revenue": "lifetime_revenue", "sessions_with_purchase": "converted_sessions"},
}


def spark_python(venv: Path) -> Path:
    """The Python of an environment with PySpark, and a Java runtime on the PATH; both installed when missing."""
    if shutil.which("java") is None:
        print("... installing Java 17 (openjdk-17-jre-headless) from Debian's packages", file=sys.stderr)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "openjdk-17-jre-headless"], check=True)
    python = venv / "bin" / "python"
    has_pyspark = python.exists() and subprocess.run([str(python), "-c", "import pyspark"]).returncode == 0
    if not has_pyspark:
        print(f"... installing {PYSPARK} into {venv}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", PYSPARK], check=True)
    return python


def run_project(raw: Path, work: Path, events: int) -> tuple[Measurement, list[Measurement]]:
    """The project's dbt parse (printed apart: once per code change), then its land and build."""
    lake, warehouse = work / "spark-bench-lake", work / "spark-bench.duckdb"
    shutil.rmtree(lake, ignore_errors=True)
    warehouse.unlink(missing_ok=True)
    env = {"LAKE_URI": str(lake), "DUCKDB_PATH": str(warehouse), "DBT_TARGET": "dev",
           "DBT_TARGET_PATH": str(work / "spark-bench-target")}
    dbt = Path(sys.executable).parent / "dbt"
    return dbt_parse(env), [
        measure("project: land", [sys.executable, "-m", "ingest", "land", str(raw), "--lake", str(lake)], events, env),
        measure("project: dbt build (with tests)", [str(dbt), "build", "--quiet"], events, env),
    ]


def reference_project(work: Path) -> Path:
    """What the reference reads of the project (dbt_project.yml's vars, the seeds), as it expects them: it still
    reads the weekday seed's day_short_name, which the project dropped when no model used it."""
    folder = work / "spark-project"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(PROJECT / "seeds", folder / "seeds")
    shutil.copy(PROJECT / "dbt_project.yml", folder)
    with (PROJECT / "seeds" / "iso_weekdays.csv").open(newline="") as source:
        weekdays = list(csv.DictReader(source))
    with (folder / "seeds" / "iso_weekdays.csv").open("w", newline="") as target:
        writer = csv.DictWriter(target, [*weekdays[0], "day_short_name"])
        writer.writeheader()
        writer.writerows({**day, "day_short_name": day["day_name"][:3]} for day in weekdays)
    return folder


def run_reference(python: Path, raw: Path, work: Path, events: int) -> Measurement:
    """The reference in Spark's local mode, its driver bound to the loopback address: left alone, Spark binds to
    the address the host name resolves to."""
    out = work / "spark-out"
    shutil.rmtree(out, ignore_errors=True)
    return measure("PySpark reference (land + models)", [str(python), str(REFERENCE), "--project",
                                                         str(reference_project(work)), "--out", str(out), str(raw)],
                   events, {"SPARK_LOCAL_IP": "127.0.0.1"})


def comparable_warehouse(warehouse: Path, out: Path, scratch: Path) -> None:
    """The tables compare_marts.py compares, copied from the warehouse into `scratch` as the reference names and
    types them: the renamed columns under their old names, the numeric surrogate keys as text (the reference's
    are text; compare_marts checks them for structure only), and only the columns the reference has. A column
    of the reference that this project no longer has stays missing, and compare_marts says so."""
    spec = importlib.util.spec_from_file_location("compare_marts", COMPARE)
    compare_marts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(compare_marts)
    scratch.unlink(missing_ok=True)
    con = duckdb.connect(str(scratch))
    con.execute(f"attach '{warehouse}' as built (read_only)")
    for table, (layer, _, _) in compare_marts.TABLES.items():
        ours = dict(con.execute("select column_name, data_type from duckdb_columns() where database_name = 'built' "
                                "and table_name = ?", [table]).fetchall())
        if not ours or not (out / layer / table).exists():
            continue  # compare_marts says which side lacks it
        theirs = [row[0] for row in con.execute(
            f"describe select * from read_parquet('{out / layer / table}/**/*.parquet', hive_partitioning = true)"
        ).fetchall()]
        our_name = {old: new for new, old in REFERENCE_NAMES.get(table, {}).items()}
        columns = []
        for column in theirs:
            name = our_name.get(column, column)
            if name in ours:
                text = ours[name] in ("UHUGEINT", "HUGEINT", "UBIGINT") and column.endswith("_id")
                columns.append(f'cast("{name}" as varchar) as "{column}"' if text else f'"{name}" as "{column}"')
        if columns:
            con.execute(f'create table "{table}" as select {", ".join(columns)} from built.main."{table}"')
    con.close()


def compare(warehouse: Path, work: Path) -> None:
    """Prints compare_marts.py's verdict per table; differences are printed, not raised: the timings stand."""
    scratch = work / "spark-bench-compared.duckdb"
    comparable_warehouse(warehouse, work / "spark-out", scratch)
    print("... compare the reference's tables with the warehouse's (compare_marts.py)", file=sys.stderr, flush=True)
    sys.stdout.flush()
    subprocess.run([sys.executable, str(COMPARE), "--warehouse", str(scratch), "--spark-out", str(work / "spark-out")])
    scratch.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--work", default="data/bench")
    parser.add_argument("--spark-venv", default=".venv-spark")
    args = parser.parse_args()
    if not REFERENCE.exists():
        raise SystemExit(f"the PySpark reference is not at {REFERENCE}: this benchmark needs ../shared/bench")

    python = spark_python(Path(args.spark_venv))
    work = Path(args.work)
    raw, _ = generated_csv(work, args.events)
    # One run each, the project first then the reference, on the same file: the machine's load is shared.
    parse, project = run_project(raw, work, args.events)
    reference = run_reference(python, raw, work, args.events)

    print(f"{args.events:,} generated events, {raw.stat().st_size / 2**20:,.0f} MiB of CSV")
    for step in [parse, *project, reference]:
        print(step.line())
    total = sum(step.seconds for step in project)
    cpu = sum(step.cpu_seconds for step in project)
    print(f"project total: {total:.1f} s, {cpu:.1f} CPU-s (with the parse: {total + parse.seconds:.1f} s); "
          f"PySpark reference: {reference.seconds:.1f} s, {reference.cpu_seconds:.1f} CPU-s")
    print(f"ratio reference / project: {reference.seconds / total:.2f}x wall (target >= 5x), "
          f"{reference.cpu_seconds / cpu:.2f}x CPU; with the parse: "
          f"{reference.seconds / (total + parse.seconds):.2f}x wall")
    print(f"ratio dbt build / land: {project[1].seconds / project[0].seconds:.2f}x (target <= 2x)")
    compare(work / "spark-bench.duckdb", work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
