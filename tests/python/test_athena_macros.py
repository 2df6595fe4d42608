"""Every engine difference lives in a dispatched macro: each is rendered by dbt itself for both adapters (DuckDB
for dev, Athena for prod), and the SQL each produces is pinned, parsed by sqlglot for its engine, and run.

The DuckDB SQL runs on DuckDB. The Athena SQL cannot run here: it is translated by sqlglot to DuckDB and run on
the same inputs, which checks it against sqlglot's model of Trino, not against Athena. That model has gaps (it
turns Trino's integer 7 / 2 = 3 into DuckDB's 3.5), so the SQL itself is pinned too.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import sqlglot
from conftest import PROJECT

if not os.environ.get("ATHENA_CHECKS"):
    pytest.skip("the Athena checks run dbt several times: `make test-athena` (part of `make test`) runs them",
                allow_module_level=True)

ADAPTERS = {"duckdb": "dev", "athena": "prod"}

# Macro calls as the models write them, and the SQL each adapter gets (whitespace collapsed).
RENDERINGS = {
    "clickstream.surrogate_key(['a'])": {
        "duckdb": "md5(cast(coalesce(cast(a as TEXT), '_null_') as TEXT))",
        "athena": "lower(to_hex(md5(to_utf8(cast(coalesce(cast(a as VARCHAR), '_null_') as varchar)))))",
    },
    "clickstream.surrogate_key(['a', 'b'])": {
        "duckdb": "(cast(hash(a, b) as uhugeint) << 64) | cast(hash(b, a) as uhugeint)",
        "athena": "lower(to_hex(md5(to_utf8(cast(coalesce(cast(a as VARCHAR), '_null_') || '|' || "
                  "coalesce(cast(b as VARCHAR), '_null_') as varchar)))))",
    },
    "clickstream.type_double()": {"duckdb": "double", "athena": "double"},
    "clickstream.safe_divide('n', 'd')": {
        # The numerator is cast first: Athena divides integers as integers.
        "duckdb": "cast(n as double) / nullif(d, 0)",
        "athena": "cast(n as double) / nullif(d, 0)",
    },
    "clickstream.iso_day_of_week('x')": {
        "duckdb": "cast(isodow(x) as integer)",
        "athena": "cast(day_of_week(x) as integer)",  # Trino's day_of_week is ISO: 1 = Monday
    },
    "clickstream.iso_week_of_year('x')": {
        "duckdb": "cast(weekofyear(x) as integer)",
        "athena": "cast(week_of_year(x) as integer)",
    },
    "clickstream.iso_year('x')": {
        "duckdb": "cast(isoyear(x) as integer)",
        "athena": "cast(year_of_week(x) as integer)",
    },
    "clickstream.format_year_month('x')": {
        "duckdb": "strftime(x, '%Y-%m')",
        "athena": "date_format(cast(x as timestamp), '%Y-%m')",
    },
    "clickstream.arg_max('v', 'o')": {"duckdb": "arg_max(v, o)", "athena": "max_by(v, o)"},
    # Day order on DuckDB, for its zone maps; Athena partitions by the day instead (and a global sort there
    # would run on one node).
    "clickstream.cluster_by('event_date')": {"duckdb": "order by event_date", "athena": ""},
    # The same row on both engines: a total order over the events, so that arg_max never meets a tie.
    "clickstream.event_order_key()": {
        "duckdb": "row( event_at, event_type, category_id, coalesce(category_co"
                  "de, ''), coalesce(brand, ''), price, user_id, coalesce(session_id, ''), product_id )",
        "athena": "row( event_at, event_type, category_id, coalesce(category_co"
                  "de, ''), coalesce(brand, ''), price, user_id, coalesce(session_id, ''), product_id )",
    },
    "clickstream.arg_max('price', clickstream.event_order_key())": {
        "duckdb": "arg_max(price, row( event_at, event_type, category_id, coalesce(c"
                  "ategory_code, ''), coalesce(brand, ''), price, user_id, coalesce(session_id, ''), product_id ))",
        "athena": "max_by(price, row( event_at, event_type, category_id, coalesce(c"
                  "ategory_code, ''), coalesce(brand, ''), price, user_id, coalesce(session_id, ''), product_id ))",
    },
    "clickstream.hour_series('bounds', 'first_hour', 'last_hour')": {
        "duckdb": "select unnest(generate_series(first_hour, last_hour, interval 1 hour)) as hour_at from bounds",
        "athena": "select date_add('hour', hours.hour_offset, cast(days.day_start as timestamp)) as hour_at "
                  "from bounds cross join unnest( sequence(cast(first_hour as date), cast(last_hour as date), "
                  "interval '1' day) ) as days (day_start) cross join unnest(sequence(0, 23)) as hours "
                  "(hour_offset) where date_add('hour', hours.hour_offset, cast(days.day_start as timestamp)) "
                  "between first_hour and last_hour",
    },
    "clickstream.category_level('c', 2)": {
        "duckdb": "nullif( string_split(c, '.')[ 2 ] , '')",
        "athena": "nullif( split_part( c, '.', 2 ) , '')",
    },
    "clickstream.hour_key('x')": {
        "duckdb": "cast( extract(year from x) * 1000000 + extract(month from x) * 10000 + extract(day from x) * 100 "
                  "+ extract(hour from x) as bigint )",
        "athena": "cast( extract(year from x) * 1000000 + extract(month from x) * 10000 + extract(day from x) * 100 "
                  "+ extract(hour from x) as bigint )",
    },
    # dbt's own cross-database macros that the models call.
    "dbt.date_trunc('month', 'x')": {"duckdb": "date_trunc('month', x)", "athena": "date_trunc('month', x)"},
    "dbt.dateadd('month', -1, 'x')": {
        "duckdb": "(x + cast(-1 as bigint) * interval 1 month)",
        "athena": "date_add('month', -1, x)",
    },
    "dbt.type_string()": {"duckdb": "TEXT", "athena": "VARCHAR"},
    # dbt's macros that differ in meaning between the two engines: pinned here, and used by no model (below).
    "dbt.safe_cast('x', 'integer')": {"duckdb": "cast(x as integer)", "athena": "try_cast(x as integer)"},
    "dbt.type_float()": {"duckdb": "float", "athena": "DOUBLE"},
    "dbt.date(2019, 10, 1)": {"duckdb": "make_date(2019, 10, 1)", "athena": "to_date('2019-10-01', 'YYYY-MM-DD')"},
}

# Why no model, test or analysis may call these (depends_on in dbt's manifest).
DIVERGENT_DBT_MACROS = {
    "macro.dbt.safe_cast": "a plain cast on DuckDB (fails on bad input) but try_cast (null) on Athena",
    "macro.dbt.type_float": "32-bit FLOAT on DuckDB, 64-bit DOUBLE on Athena: use clickstream.type_double",
    "macro.dbt.type_numeric": "decimal(18,3) on DuckDB, decimal(38,6) on Athena: name the precision",
    "macro.dbt.date": "to_date(), a Teradata function Trino lacks by default, on Athena: use date 'YYYY-MM-DD'",
}

# Edge cases each macro must get right on both engines: (macro call, query with {sql} for its rendering, rows).
CALENDAR = ("(values (timestamp '2019-10-06 23:00:00'), (timestamp '2019-10-07 00:00:00'), "
            "(timestamp '2019-12-30 05:00:00'), (timestamp '2021-01-03 12:00:00')) as inputs (x)")
BEHAVIOUR = [
    ("clickstream.iso_day_of_week('x')", f"select {{sql}} from {CALENDAR}", [(7,), (1,), (1,), (7,)]),
    ("clickstream.iso_week_of_year('x')", f"select {{sql}} from {CALENDAR}", [(40,), (41,), (1,), (53,)]),
    ("clickstream.iso_year('x')", f"select {{sql}} from {CALENDAR}", [(2019,), (2019,), (2020,), (2020,)]),
    ("clickstream.hour_key('x')", f"select {{sql}} from {CALENDAR}",
     [(2019100623,), (2019100700,), (2019123005,), (2021010312,)]),
    ("clickstream.format_year_month('x')",
     "select {sql} from (values (date '2019-10-31'), (date '2020-01-01')) as inputs (x)",
     [("2019-10",), ("2020-01",)]),
    ("clickstream.arg_max('v', 'o')", "select {sql} from (values (1, 2), (3, 1), (5, null)) as inputs (v, o)",
     [(1,)]),
    # Four events in the same second: the latest by the whole row wins (view after cart, then category 11
    # after 10), nulls included, whatever the order of the rows.
    ("clickstream.arg_max('price', clickstream.event_order_key())",
     "select {sql} from (values "
     "(timestamp '2019-10-01 12:00:00', 'view', 10, null, 'apple', 1000.00, 1, 's1', 1), "
     "(timestamp '2019-10-01 12:00:00', 'view', 11, 'a.b', null, 100.00, 2, null, 1), "
     "(timestamp '2019-10-01 12:00:00', 'cart', 12, 'a.b', 'xiaomi', 0.00, 3, 's3', 1), "
     "(timestamp '2019-10-01 11:59:59', 'view', 13, 'a.b', 'lg', 5000.00, 4, 's4', 1)) "
     "as events (event_at, event_type, category_id, category_code, brand, price, user_id, session_id, product_id)",
     [(Decimal("100.00"),)]),
    ("clickstream.safe_divide('n', 'd')", "select {sql} from (values (7, 2), (1, 0), (null, 2)) as inputs (n, d)",
     [(3.5,), (None,), (None,)]),
    ("clickstream.category_level('c', 2)",
     "select {sql} from (values ('appliances.kitchen.washer'), ('stationery'), (null)) as inputs (c)",
     [("kitchen",), (None,), (None,)]),
    # Over midnight: the hours of two days, and not one hour more.
    ("clickstream.hour_series('bounds', 'first_hour', 'last_hour')",
     "with bounds as (select timestamp '2019-10-01 22:00:00' as first_hour, timestamp '2019-10-02 01:00:00' "
     "as last_hour), hours as ({sql}) select hour(hour_at) from hours order by hour_at",
     [(22,), (23,), (0,), (1,)]),
]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict:
    """Each call of RENDERINGS as dbt renders it for each adapter, and dbt's manifest of the project.

    `dbt compile --inline` with neither cache nor introspection needs no connection: the AWS endpoint is a closed
    port on this machine, so nothing could leave it anyway.
    """
    work = tmp_path_factory.mktemp("athena-macros")
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "ATHENA_", "DBT_"))}
    environ.update(
        DBT_PROFILES_DIR=str(PROJECT), DBT_LOG_PATH=str(work / "logs"), DUCKDB_PATH=":memory:",
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{_closed_port()}", AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",  # pragma: allowlist secret (a dummy value; nothing is contacted)
        AWS_EC2_METADATA_DISABLED="true", ATHENA_S3_DATA_DIR="s3://unused/tables/",
    )
    calls = ", ".join(f"{json.dumps(call)}: {call}" for call in RENDERINGS)
    result = {}
    for adapter, target in ADAPTERS.items():
        target_path = work / target
        done = subprocess.run(
            [str(Path(sys.executable).parent / "dbt"), "--quiet", "--no-populate-cache", "compile", "--no-introspect",
             "--target", target, "--output", "json", "--inline", f"{{{{ tojson({{{calls}}}) }}}}"],
            cwd=PROJECT, env={**environ, "DBT_TARGET_PATH": str(target_path)}, capture_output=True, text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
        result[adapter] = json.loads(json.loads(done.stdout)["compiled"])
        result[f"{adapter} manifest"] = json.loads((target_path / "manifest.json").read_text())
    return result


def _collapsed(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize("call", RENDERINGS)
def test_macro_renders_the_sql_of_its_engine(rendered, call, adapter):
    assert _collapsed(rendered[adapter][call]) == RENDERINGS[call][adapter]


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_every_rendering_parses_for_its_engine(rendered, adapter):
    for call in RENDERINGS:
        sql = rendered[adapter][call].strip()
        if not sql.startswith("select"):
            # A clause ends a query; anything else is an expression.
            sql = f"select event_date from t {sql}" if sql.startswith("order by") or not sql else f"select {sql}"
        sqlglot.parse_one(sql, read=adapter)


def _run(sql: str, adapter: str) -> list[tuple]:
    if adapter == "athena":
        sql = sqlglot.transpile(sql, read="athena", write="duckdb")[0]
    return duckdb.sql(sql).fetchall()


@pytest.mark.parametrize("adapter", ADAPTERS)
@pytest.mark.parametrize(("call", "query", "expected"), BEHAVIOUR, ids=[case[0] for case in BEHAVIOUR])
def test_both_engines_give_the_same_answers_on_edge_cases(rendered, call, query, expected, adapter):
    assert _run(query.format(sql=rendered[adapter][call]), adapter) == expected


def test_no_node_uses_a_dbt_macro_that_means_something_else_on_the_other_engine(rendered):
    for adapter in ADAPTERS:
        for node in rendered[f"{adapter} manifest"]["nodes"].values():
            used = set(node.get("depends_on", {}).get("macros", [])) & set(DIVERGENT_DBT_MACROS)
            assert not used, f"{node['unique_id']} calls {used}: " + "; ".join(DIVERGENT_DBT_MACROS[m] for m in used)
