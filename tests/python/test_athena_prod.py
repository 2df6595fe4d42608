"""The prod target (Athena) checked without an AWS account, on a moto server on 127.0.0.1.

The documented path runs from an empty account: buckets and a work group, `ingest land` to S3, `ingest
register-athena`, `dbt debug`, `dbt compile` and `dbt build` (seeds, models, snapshot) on the prod target. What
dbt-athena sends to Athena is read back from moto's query history and parsed as Athena SQL, beside every compiled
model, test and analysis (and, for the dev target, as DuckDB SQL).

Moto's Athena executes no SQL: it records each statement and answers "succeeded" with no rows. These checks prove
the SQL is well-formed for the engine and that dbt-athena sends what the project configures, never that a query
runs on Athena or what it returns (docs/aws.md lists what to check first on a real account). Data and unit tests
are compiled but not run here: they need rows back.

The incremental models' tables are registered in moto's Glue before the build, as a previous build would have
left them, so dbt builds them the incremental way: their SQL is compiled on its incremental branch and dbt-athena
sends its insert_overwrite (a temporary table, then an insert into the target). Their first build's SQL is
the one `dbt compile` writes (no table yet), parsed like every other model; its CTAS is not sent here (moto's
Glue never holds the table a first build creates, and dbt-athena's incremental materialization reads the
table's versions after building it).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3
import pytest
import sqlglot
from conftest import PROJECT, SAMPLE
from sqlglot import exp
from sqlglot.tokens import TokenType

if not os.environ.get("ATHENA_CHECKS"):
    pytest.skip("the Athena checks run dbt several times: `make test-athena` (part of `make test`) runs them",
                allow_module_level=True)

BIN = Path(sys.executable).parent
REGION = "us-east-1"
LAKE = "s3://clickstream-lake/raw"
RESULTS = "s3://clickstream-athena-results/dbt/"
TABLES = "s3://clickstream-warehouse/tables/"
WORK_GROUP = "clickstream"
SCHEMA = "clickstream"
RAW_DATABASE = "clickstream_raw"
# The big tables and their partition column (dbt_project.yml).
PARTITIONED = {"stg_clickstream__events": "event_date",
               "int_events_aggregated_to_session_products": "first_event_date",
               "int_events_aggregated_to_product_days": "event_date",
               "int_events_aggregated_to_user_sessions": "session_date",
               "fact_purchases": "purchase_date", "fact_sessions": "session_date"}
# The incremental models (dbt_project.yml): the same six, each overwriting its day partitions; the sets of the
# sessions and shoppers seen with each brand, of the sessions at each step of each product and category, and of
# each product's categories, the events products take their attributes from, and the tested watermarks, only
# ever appended to.
APPENDED = {"int_brand_sessions", "int_brand_shoppers", "int_brand_month_sessions", "int_brand_month_shoppers",
            "int_product_session_steps", "int_category_session_steps", "int_product_categories",
            "int_product_first_and_latest_events", "tested_landings"}
INCREMENTAL = set(PARTITIONED) | APPENDED
# dbt-athena's temporary table of an incremental build.
TMP_SUFFIX = "__dbt_tmp"

# Every function the Athena SQL calls, each a Trino function that Athena engine v3 has
# (https://docs.aws.amazon.com/athena/latest/ug/functions-env3.html). A name missing here is either a DuckDB
# function leaking into the Athena SQL (put it behind a dispatch macro, see macros/engine/) or a new Trino
# function: add it once its Athena documentation is checked. sqlglot alone would let both through.
ATHENA_FUNCTIONS = {
    "avg", "cast", "coalesce", "count", "date_add", "date_format", "date_trunc", "day_of_week", "exp", "extract",
    "floor", "hour", "lead", "ln", "lower", "max", "max_by", "md5", "min", "minute", "nullif", "rank", "round",
    "row_number", "second", "sequence", "split_part", "sum", "to_hex", "to_milliseconds", "to_utf8", "trim",
    "unnest", "week_of_year", "year_of_week",
}


def _clean_environment(moto_endpoint: str, work: Path) -> dict[str, str]:
    """This process's environment without any AWS, Athena or dbt setting of the person running the tests,
    then pointed at the moto server with dummy credentials."""
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("AWS_", "ATHENA_", "DBT_")) and key not in ("LAKE_URI", "DUCKDB_PATH")}
    return {
        **environ,
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",  # pragma: allowlist secret (moto's dummy value)
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "DBT_PROFILES_DIR": str(PROJECT),
        "DBT_LOG_PATH": str(work / "logs"),
    }


def _run(command: list[str], environ: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=PROJECT, env=environ, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


def _dbt(args: list[str], environ: dict[str, str], target_path: Path) -> subprocess.CompletedProcess:
    return _run([str(BIN / "dbt"), *args], {**environ, "DBT_TARGET_PATH": str(target_path)})


def _statements(athena) -> list[str]:
    """Every query moto's Athena received, oldest first, without dbt's query comment."""
    ids, token = [], {}
    while True:
        page = athena.list_query_executions(**token)
        ids += page["QueryExecutionIds"]
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    queries = [athena.get_query_execution(QueryExecutionId=i)["QueryExecution"]["Query"] for i in ids]
    return [re.sub(r"^-- /\* .* \*/\n", "", query).strip() for query in queries]


@pytest.fixture(scope="module")
def prod(moto_server, tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("athena-prod")
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"))
    environ = _clean_environment(moto_server, work)
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    s3, athena, glue = (session.client(name, endpoint_url=moto_server) for name in ("s3", "athena", "glue"))
    # The account's resources, as docs/aws.md creates them.
    for uri in (LAKE, RESULTS, TABLES):
        s3.create_bucket(Bucket=uri.removeprefix("s3://").partition("/")[0])
    athena.create_work_group(Name=WORK_GROUP, Configuration={
        "ResultConfiguration": {"OutputLocation": RESULTS},
        "EnforceWorkGroupConfiguration": False,
        "EngineVersion": {"SelectedEngineVersion": "Athena engine version 3"},
    })
    environ = {**environ, "ATHENA_S3_STAGING_DIR": RESULTS, "ATHENA_S3_DATA_DIR": TABLES,
               "ATHENA_WORK_GROUP": WORK_GROUP}
    # The commands of docs/aws.md, in order.
    _run([sys.executable, "-m", "ingest", "land", str(SAMPLE), "--lake", LAKE], environ)
    _run([sys.executable, "-m", "ingest", "register-athena", "--lake", LAKE], environ)
    debug = _dbt(["debug", "--target", "prod"], environ, work / "target")
    _dbt(["compile", "--target", "prod"], environ, work / "target")
    compiled = work / "target-compiled"
    (work / "target" / "compiled").rename(compiled)
    _register_incremental_tables(glue, compiled)
    first_statement = len(_statements(athena))
    _dbt(["build", "--target", "prod", "--resource-type", "seed", "--resource-type", "model",
          "--resource-type", "snapshot"], environ, work / "target")
    return {
        "debug": debug.stdout,
        "compiled": compiled,
        "compiled_by_build": work / "target" / "compiled",
        "manifest": json.loads((work / "target" / "manifest.json").read_text()),
        "statements": _statements(athena)[first_statement:],
        "raw_table": glue.get_table(DatabaseName=RAW_DATABASE, Name="events")["Table"],
    }


def _register_incremental_tables(glue, compiled: Path) -> None:
    """The incremental models' tables in Glue, as their first build on Athena leaves them (moto's Athena runs no
    CTAS): Hive tables of Parquet files, the big ones partitioned by day, with the columns of their compiled
    SQL."""
    glue.create_database(DatabaseInput={"Name": SCHEMA})
    for model in sorted(INCREMENTAL):
        [path] = compiled.rglob(f"{model}.sql")
        columns = _output_columns(sqlglot.parse_one(path.read_text(), read="athena"))
        partition = PARTITIONED.get(model)
        glue.create_table(DatabaseName=SCHEMA, TableInput={
            "Name": model,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "parquet"},
            "PartitionKeys": [{"Name": partition, "Type": "date"}] if partition else [],
            "StorageDescriptor": {
                "Columns": [{"Name": column, "Type": "string"} for column in columns if column != partition],
                "Location": f"{TABLES}{SCHEMA}/{model}/00000000-0000-0000-0000-000000000000",
                "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
            },
        })


@pytest.fixture(scope="module")
def dev(tmp_path_factory) -> Path:
    """The dev target's compiled SQL (DuckDB); compiling needs no data."""
    work = tmp_path_factory.mktemp("athena-dev")
    environ = {key: value for key, value in os.environ.items() if not key.startswith("DBT_")}
    environ.update(DBT_PROFILES_DIR=str(PROJECT), DBT_LOG_PATH=str(work / "logs"),
                   DUCKDB_PATH=str(work / "warehouse.duckdb"), LAKE_URI=str(work / "lake"))
    _dbt(["compile", "--target", "dev"], environ, work / "target")
    return work / "target" / "compiled"


def _sql_files(compiled: Path) -> list[Path]:
    files = sorted(compiled.rglob("*.sql"))
    assert len(files) > 100, f"only {len(files)} compiled files under {compiled}"
    return files


def _function_calls(sql: str) -> set[str]:
    """The names of the functions the SQL calls, as written (not as sqlglot would translate them)."""
    tokens = sqlglot.tokenize(sql, read="athena")
    return {
        token.text.lower()
        for before, token, after in zip([None, *tokens], tokens, [*tokens[1:], None], strict=False)
        if after is not None and after.token_type == TokenType.L_PAREN
        and token.token_type in (TokenType.VAR, TokenType.UNNEST, TokenType.SEQUENCE)
        and (before is None or before.token_type != TokenType.ALIAS)  # `as days (day_start)` names columns
    }


def _athena_only_problems(sql: str) -> list[str]:
    """What sqlglot parses happily but Athena rejects."""
    problems = [f"{name}() is not an Athena function here (see ATHENA_FUNCTIONS)"
                for name in sorted(_function_calls(sql) - ATHENA_FUNCTIONS)]
    tokens = sqlglot.tokenize(sql, read="athena")
    if any(token.token_type == TokenType.DCOLON for token in tokens):
        problems.append("`::` casts are DuckDB and Postgres syntax; Athena needs cast(x as type)")
    for interval, value in zip(tokens, tokens[1:], strict=False):
        if interval.token_type == TokenType.INTERVAL and not (
            value.token_type == TokenType.STRING and re.fullmatch(r"-?\d+", value.text)
        ):
            problems.append(f"interval {value.text!r}: Athena needs interval '<n>' <unit>")
    return problems


def test_dbt_debug_connects_to_the_prod_target(prod):
    assert "Connection test: [OK connection ok]" in re.sub(r"\x1b\[[0-9;]*m", "", prod["debug"])
    assert "region_name: us-east-1" in prod["debug"] and f"work_group: {WORK_GROUP}" in prod["debug"]


def test_every_model_test_and_analysis_compiles_for_prod(prod):
    nodes = [node for node in prod["manifest"]["nodes"].values()
             if node["resource_type"] in ("model", "test", "analysis")]
    assert {node["resource_type"] for node in nodes} == {"model", "test", "analysis"}
    for node in nodes:
        path = prod["compiled"] / node["package_name"] / node["original_file_path"]
        if path.suffix == ".yml":  # a generic test: one file per test under its YAML file's name
            path = path / node["path"]
        assert path.is_file(), node["unique_id"]


def test_prod_sql_parses_as_athena(prod):
    failures = {}
    for path in _sql_files(prod["compiled"]):
        sql = path.read_text()
        try:
            sqlglot.parse(sql, read="athena")
        except sqlglot.errors.SqlglotError as error:
            failures[str(path.relative_to(prod["compiled"]))] = [str(error)]
            continue
        problems = _athena_only_problems(sql)
        if problems:
            failures[str(path.relative_to(prod["compiled"]))] = problems
    assert not failures, json.dumps(failures, indent=2)


def test_dev_sql_parses_as_duckdb(dev):
    failures = {}
    for path in _sql_files(dev):
        try:
            sqlglot.parse(path.read_text(), read="duckdb")
        except sqlglot.errors.SqlglotError as error:
            failures[str(path.relative_to(dev))] = str(error)
    assert not failures, json.dumps(failures, indent=2)


def test_every_statement_sent_to_athena_parses(prod):
    statements = prod["statements"]
    assert statements
    for statement in statements:
        sqlglot.parse(statement, read="athena")


def _tables_created(statements: list[str]) -> dict[str, exp.Create]:
    """The CREATE TABLE ... AS SELECT that dbt sent, by model: for an incremental model, its temporary table's."""
    created = {}
    for statement in statements:
        tree = sqlglot.parse_one(statement, read="athena")
        if isinstance(tree, exp.Create) and tree.kind == "TABLE" and isinstance(tree.expression, exp.Query):
            created[tree.this.name.removesuffix(TMP_SUFFIX)] = tree
    return created


def _properties(create: exp.Create) -> dict[str, str]:
    properties = {}
    for prop in create.args["properties"].expressions:
        name, _, value = prop.sql(dialect="athena").partition("=")
        properties[name.strip().lower()] = value.strip()
    return properties


def _output_columns(query: exp.Query) -> list[str]:
    """The names a query returns, following `select * from <cte>` into the CTE, as the models end."""
    ctes = {cte.alias: cte.this for cte in query.ctes}
    while [type(column) for column in query.selects] == [exp.Star]:
        query = ctes[query.args["from_"].this.name]
        while isinstance(query, exp.SetOperation):  # `union all`: the first query names the columns
            query = query.left
    return [column.alias_or_name for column in query.selects]


def test_every_model_is_a_hive_parquet_table_big_ones_partitioned_by_day(prod):
    created = _tables_created(prod["statements"])
    models = [node["name"] for node in prod["manifest"]["nodes"].values() if node["resource_type"] == "model"]
    assert len(models) >= 16
    for model in models:
        properties = _properties(created[model])
        assert properties["table_type"] == "'hive'" and properties["is_external"] == "TRUE", model
        assert properties["format"] == "'parquet'" and properties["write_compression"] == "'snappy'", model
        table = model + TMP_SUFFIX if model in INCREMENTAL else model
        assert re.fullmatch(rf"'{TABLES}{SCHEMA}/{table}/[0-9a-f-]{{36}}'", properties["external_location"]), model
        # dbt-athena writes an incremental build's temporary table unpartitioned, then inserts it into the
        # partitioned target (its partitions: the model's config, checked below).
        expected = f"ARRAY['{PARTITIONED[model]}']" if model in PARTITIONED and model not in INCREMENTAL else None
        assert properties.get("partitioned_by") == expected, model
        config = prod["manifest"]["nodes"][f"model.clickstream.{model}"]["config"]
        assert config.get("partitioned_by") == ([PARTITIONED[model]] if model in PARTITIONED else None), model


def test_partition_columns_come_last_and_every_name_is_lower_case(prod):
    for table, create in _tables_created(prod["statements"]).items():
        columns = _output_columns(create.expression)
        assert columns == [column.lower() for column in columns], table
        if table in PARTITIONED:
            assert columns[-1] == PARTITIONED[table], table
            assert columns.count(PARTITIONED[table]) == 1, table


def test_staging_reads_the_table_register_athena_created(prod):
    """The raw table dbt reads on Athena is the one `ingest register-athena` put in Glue, and every column the
    staging model reads from it is one the table declares."""
    staging = _tables_created(prod["statements"])["stg_clickstream__events"].expression
    [source] = [table for table in staging.find_all(exp.Table) if table.name == "events"]
    assert (source.catalog, source.db) == ("awsdatacatalog", RAW_DATABASE)
    table = prod["raw_table"]
    declared = {column["Name"] for column in table["StorageDescriptor"]["Columns"] + table["PartitionKeys"]}
    cleaned = next(cte.this for cte in staging.ctes if cte.alias == "cleaned")
    read = {column.name for column in cleaned.find_all(exp.Column)}
    assert read and read <= declared, read - declared


def test_athena_checks_catch_what_sqlglot_lets_through():
    """The checks on top of parsing reject DuckDB SQL that sqlglot reads as Athena without complaint."""
    duckdb_sql = ("select arg_max(a, b), strftime(x, '%Y-%m'), x::date, ts + interval 1 hour, "
                  "unnest(generate_series(a, b, interval '1 hour')) from t")
    sqlglot.parse(duckdb_sql, read="athena")
    assert _athena_only_problems(duckdb_sql) == [
        "arg_max() is not an Athena function here (see ATHENA_FUNCTIONS)",
        "generate_series() is not an Athena function here (see ATHENA_FUNCTIONS)",
        "strftime() is not an Athena function here (see ATHENA_FUNCTIONS)",
        "`::` casts are DuckDB and Postgres syntax; Athena needs cast(x as type)",
        "interval '1': Athena needs interval '<n>' <unit>",  # a number, not a string, before the unit
        "interval '1 hour': Athena needs interval '<n>' <unit>",
    ]


def test_incremental_models_overwrite_their_days(prod):
    """An incremental build on Athena: each incremental model compiled on its incremental branch (the days it
    rewrites rendered as literals, none here: moto's Athena returns no rows, and the purchases' and the
    product-days' the same way;
    the others' watermark read from their own table and rendered as a literal, 1970 here for the same reason;
    every model but staging asks its own table for it), written to a temporary table
    partitioned like the target, then inserted into the target (insert_overwrite; the partitions to delete are
    those of the temporary table, none here)."""
    for model in sorted(INCREMENTAL - APPENDED):
        [path] = prod["compiled_by_build"].rglob(f"{model}.sql")
        sql = path.read_text()
        sqlglot.parse(sql, read="athena")
        assert not _athena_only_problems(sql), model
        # The days to rewrite, read when compiled.
        if model in ("stg_clickstream__events", "fact_purchases", "int_events_aggregated_to_product_days"):
            assert re.search(r"\b(where|and) false\b", sql), model
        else:
            assert "landed_at > cast('1970-01-01 00:00:00.000' as timestamp)" in sql, model
        if model != "stg_clickstream__events":
            assert any("select max(" in statement and f'"clickstream"."{model}"' in statement
                       for statement in prod["statements"]), model
        inserts = [statement for statement in prod["statements"] if statement.lower().startswith("insert into")
                   and f'"{model}"' in statement.split("(")[0]]
        assert len(inserts) == 1, model
        assert f'"{model}{TMP_SUFFIX}"' in inserts[0], model


def test_the_sets_add_only_the_pairs_not_seen(prod):
    """Each set (macros/first_seen.sql), built incrementally: the events landed after its
    latest first landing (1970 here: moto's Athena returns no rows), less the pairs it holds, appended (an
    insert into the target from the temporary table)."""
    for model in sorted(APPENDED - {"tested_landings"}):
        [path] = prod["compiled_by_build"].rglob(f"{model}.sql")
        sql = path.read_text()
        sqlglot.parse(sql, read="athena")
        assert not _athena_only_problems(sql), model
        assert "landed_at > cast('1970-01-01 00:00:00.000' as timestamp)" in sql and "where not exists" in sql, model
        inserts = [statement for statement in prod["statements"] if statement.lower().startswith("insert into")
                   and f'"{model}"' in statement.split("(")[0]]
        assert len(inserts) == 1 and f'"{model}{TMP_SUFFIX}"' in inserts[0], model


def test_the_tested_watermarks_are_appended_to_in_one_statement(prod, moto_server, tmp_path):
    """tested_landings is only ever appended to: its build inserts its (empty) temporary table, and the run's end
    records the watermarks with one INSERT (Athena takes one statement per query; moto's Athena returns no test
    results, so the hook itself renders nothing here: its SQL is compiled inline)."""
    inserts = [statement for statement in prod["statements"]
               if statement.lower().startswith('insert into "awsdatacatalog"."clickstream"."tested_landings"')]
    assert len(inserts) == 1 and f'"tested_landings{TMP_SUFFIX}"' in inserts[0]
    environ = {**_clean_environment(moto_server, tmp_path), "ATHENA_S3_STAGING_DIR": RESULTS,
               "ATHENA_S3_DATA_DIR": TABLES, "ATHENA_WORK_GROUP": WORK_GROUP}
    inline = "{{ tested_landings_insert(['fact_sessions', 'stg_clickstream__events']) }}"
    sql = _dbt(["--quiet", "compile", "--target", "prod", "--inline", inline], environ, tmp_path / "target").stdout
    [statement] = sqlglot.parse(sql, read="athena")
    assert isinstance(statement, exp.Insert) and not _athena_only_problems(sql)
    assert sql.lower().startswith('insert into "awsdatacatalog"."clickstream"."tested_landings"')
