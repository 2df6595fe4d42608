"""The dashboard against a warehouse sample_build here from the real sample rows: Streamlit's AppTest runs each page and
the figures it shows must be the marts' own; the states a user can fix must read as a message, not a traceback."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import string
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest
from conftest import PROJECT
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

APP = PROJECT / "dashboard" / "app.py"
PAGES = {"executive": None, "brands": "views/brands.py", "funnel": "views/funnel.py", "customers": "views/customers.py"}


def mart(warehouse: Path, sql: str) -> dict:
    """One row straight from the warehouse, to compare with what the page shows."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        cursor = connection.execute(sql)
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


@pytest.fixture
def checkout(monkeypatch):
    """Import the dashboard from this checkout, whatever an older editable install of the project maps."""
    monkeypatch.syspath_prepend(str(PROJECT))


@pytest.fixture
def dashboard(checkout, monkeypatch, sample_build):
    """Run a page of the app on the environment the test sets; the definitions come from the manifest of the
    sample's build unless the test says otherwise (never from whatever the project's target/ holds)."""
    for name in ("DBT_TARGET", "DUCKDB_PATH", "DBT_PROJECT_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DBT_TARGET_PATH", str(sample_build["target"]))

    def run(page: str = "executive", **env: str) -> AppTest:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        app = AppTest.from_file(str(APP), default_timeout=60).run()
        if PAGES[page]:
            app.switch_page(PAGES[page]).run()
        return app

    # As `python -m dashboard` serves it (AppTest reads no config file); the app refuses anything else.
    with patch_config_options(SERVED):
        yield run


SERVED = {"server.address": "127.0.0.1", "browser.gatherUsageStats": False}


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def chart_data(app: AppTest, index: int) -> list[dict]:
    """The traces of the page's index-th Plotly chart, numbers decoded from Plotly's base64 arrays."""
    traces = json.loads(app.get("plotly_chart")[index].proto.spec)["data"]
    for trace in traces:
        for key, value in trace.items():
            if isinstance(value, dict) and "bdata" in value:
                trace[key] = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return traces


def literal(markdown: str) -> str:
    """The text CommonMark shows for `markdown` in which every ASCII punctuation character is escaped with a
    backslash (so none can start a link, an image, emphasis or HTML); fails on any that is not."""
    shown, rest = [], iter(markdown)
    for character in rest:
        if character == "\\":
            character = next(rest)
        else:
            assert character not in string.punctuation, f"unescaped {character!r} in {markdown!r}"
        shown.append(character)
    return "".join(shown)


def assert_shown_cleanly(app: AppTest) -> None:
    assert not app.exception, [exception.value for exception in app.exception]
    assert not app.error, [error.value for error in app.error]


def test_executive_page_shows_the_kpi_summary(sample_build, dashboard):
    app = dashboard("executive", DUCKDB_PATH=str(sample_build["warehouse"]))
    assert_shown_cleanly(app)
    kpi = mart(sample_build["warehouse"], "select * from kpi_summary")
    assert metrics(app) == {
        "Lifetime revenue": f"${kpi['revenue']:,.2f}",
        "Average customer LTV": f"${kpi['average_customer_ltv']:,.2f}",
        "Total customers": f"{kpi['customers']:,}",
        "Repeat customers": f"{kpi['repeat_customers']:,}",
    }
    # The real sample's own figures, so that a formatting slip on both sides cannot pass unnoticed.
    assert metrics(app)["Lifetime revenue"] == "$15,564.81"
    assert len(app.get("plotly_chart")) == 5


def test_executive_charts_show_their_marts(sample_build, dashboard):
    app = dashboard("executive", DUCKDB_PATH=str(sample_build["warehouse"]))
    with duckdb.connect(str(sample_build["warehouse"]), read_only=True) as connection:
        monthly = connection.sql("select month_label, revenue from fact_monthly_summary order by 1").fetchall()
        brands = connection.sql(
            "select brand, revenue from brand_engagement order by revenue_rank, brand limit 5").fetchall()
        categories = connection.sql(
            "select category_main, revenue from top_categories order by revenue_rank, category_main limit 5"
        ).fetchall()
        segments = connection.sql(
            "select ltv_segment, count(*) from user_ltv group by ltv_segment, ltv_segment_rank "
            "order by ltv_segment_rank"
        ).fetchall()
    [month_bars] = chart_data(app, 0)
    assert list(zip(month_bars["x"], month_bars["y"], strict=True)) == [(m, float(r)) for m, r in monthly]
    [brand_bars] = chart_data(app, 2)
    assert list(zip(brand_bars["y"], brand_bars["x"], strict=True)) == [(b, float(r)) for b, r in brands]
    [category_bars] = chart_data(app, 3)
    assert list(zip(category_bars["y"], category_bars["x"], strict=True)) == [(c, float(r)) for c, r in categories]
    [donut] = chart_data(app, 4)
    assert list(zip(donut["labels"], donut["values"], strict=True)) == segments


def test_executive_filters_cut_the_charts_not_the_lifetime_kpis(sample_build, dashboard):
    app = dashboard("executive", DUCKDB_PATH=str(sample_build["warehouse"]))
    lifetime = metrics(app)
    app.date_input(key="dates").set_value((date(2019, 10, 1), date(2019, 10, 31)))
    app.selectbox(key="category").set_value("electronics").run()
    assert_shown_cleanly(app)
    assert metrics(app) == lifetime
    expected = mart(
        sample_build["warehouse"],
        """
        select sum(purchases.price) as revenue
        from fact_purchases as purchases
        inner join dim_category as categories on purchases.category_id = categories.category_id
        where categories.category_main = 'electronics' and purchases.purchase_date < date '2019-11-01'
        """,
    )
    [month_bars] = chart_data(app, 0)
    assert (month_bars["x"], month_bars["y"]) == (["2019-10"], [float(expected["revenue"])])
    [brand_bars] = chart_data(app, 2)
    assert brand_bars["y"][0] == "apple"
    assert "Top 5 electronics sub-categories" in [literal(markdown.value.removeprefix("#### "))
                                                  for markdown in app.markdown]


def test_executive_filtered_charts_are_their_marts_rows(sample_build, dashboard):
    """With October and electronics chosen, every chart shows the rows of the mart at that grain, as they are:
    the weekday revenue of the month and category, and the rankings of that range of months within the category
    (the same figures as fact_purchases cut by hand)."""
    app = dashboard("executive", DUCKDB_PATH=str(sample_build["warehouse"]))
    app.date_input(key="dates").set_value((date(2019, 10, 1), date(2019, 10, 31)))
    app.selectbox(key="category").set_value("electronics").run()
    assert_shown_cleanly(app)
    october = "first_month_start_date = date '2019-10-01' and last_month_start_date = date '2019-10-01'"
    with duckdb.connect(str(sample_build["warehouse"]), read_only=True) as connection:
        weekdays = connection.sql(
            "select day_name, revenue from revenue_by_month_category_weekday"
            " where month_label = '2019-10' and category_main = 'electronics' order by iso_day_of_week").fetchall()
        brands = connection.sql(
            f"select brand, revenue from brand_category_revenue_ranges where {october}"
            " and category_main = 'electronics' and revenue > 0 order by revenue_position limit 5").fetchall()
        subcategories = connection.sql(
            f"select category_sub, revenue, revenue_share from subcategory_revenue_ranges where {october}"
            " and category_main = 'electronics' order by revenue_position limit 5").fetchall()
        by_hand = connection.sql(
            """
            select purchases.brand, sum(purchases.price)
            from fact_purchases as purchases
            inner join dim_category as categories on purchases.category_id = categories.category_id
            where categories.category_main = 'electronics' and purchases.purchase_date < date '2019-11-01'
                and purchases.brand is not null
            group by 1
            order by 2 desc, 1
            limit 5
            """).fetchall()
    assert brands == by_hand
    [weekday_bars] = chart_data(app, 1)
    assert list(zip(weekday_bars["x"], weekday_bars["y"], strict=True)) == [(d, float(r)) for d, r in weekdays]
    [brand_bars] = chart_data(app, 2)
    assert list(zip(brand_bars["y"], brand_bars["x"], strict=True)) == [(b, float(r)) for b, r in brands]
    [category_bars] = chart_data(app, 3)
    assert list(zip(category_bars["y"], category_bars["x"], strict=True)) == [
        (c, float(r)) for c, r, _ in subcategories]
    # Each bar's label: the revenue and the mart's share of the category's revenue, not one computed here.
    assert [text.split(" (")[-1] for text in category_bars["text"]] == [
        f"{share * 100:.1f} %)" for _, _, share in subcategories]


def test_brands_page_shows_brand_engagement(sample_build, dashboard):
    app = dashboard("brands", DUCKDB_PATH=str(sample_build["warehouse"]))
    assert_shown_cleanly(app)
    kpi = mart(sample_build["warehouse"], "select * from kpi_summary")

    def share(top: int) -> str:
        row = mart(sample_build["warehouse"], f"""
            select cumulative_revenue_share as share
            from brand_revenue_ranges
            where first_month_start_date = date '2019-10-01' and last_month_start_date = date '2019-11-01'
                and revenue_position = {top}
        """)
        # The same as brand_engagement's market shares of the top brands added up.
        by_brand = mart(sample_build["warehouse"], f"""
            select sum(market_share) as share
            from (select market_share from brand_engagement order by revenue_rank, brand limit {top}) as top_brands
        """)
        assert row["share"] == pytest.approx(by_brand["share"], abs=1e-5)
        return f"{row['share'] * 100:.1f} %"

    assert metrics(app) == {
        "Total revenue (purchases only)": f"${kpi['revenue']:,.2f}",
        "Active shoppers": f"{kpi['active_shoppers']:,}",
        "Market share of the top 15 brands": share(15),
    }
    assert len(app.get("plotly_chart")) == 6
    with duckdb.connect(str(sample_build["warehouse"]), read_only=True) as connection:
        velocity = connection.sql(
            "select brand, average_hours_to_purchase from brand_sales_velocity"
            " order by purchases_after_view desc, brand limit 15").fetchall()
    [velocity_bars] = chart_data(app, 4)
    assert list(zip(velocity_bars["y"], velocity_bars["x"], strict=True)) == velocity
    # The sample's one brand with more than 10 buyers: apple, 1 of its 13 buyers bought it twice.
    [repeat_bars] = chart_data(app, 5)
    assert (repeat_bars["y"], repeat_bars["x"]) == (["apple"], [0.0769])
    app.slider(key="top_brands").set_value(5).run()
    assert metrics(app)["Market share of the top 5 brands"] == share(5)
    interactions = chart_data(app, 3)[0]
    with duckdb.connect(str(sample_build["warehouse"]), read_only=True) as connection:
        top = connection.sql("select brand from brand_engagement order by popularity_rank, brand limit 5").fetchall()
    assert interactions["y"] == [brand for (brand,) in top]


def funnel_cards(funnel: dict) -> dict[str, str]:
    """The Funnel page's KPI cards as they must read for a row of a funnel mart."""
    return {
        "Sessions": f"{funnel['sessions']:,}",
        "View to cart": f"{funnel['view_to_cart_rate'] * 100:.2f} %",
        "Cart to purchase": f"{funnel['cart_to_purchase_rate'] * 100:.2f} %",
        "Session conversion rate": f"{funnel['session_conversion_rate'] * 100:.2f} %",
    }


def test_funnel_page_shows_the_overall_funnel(sample_build, dashboard):
    app = dashboard("funnel", DUCKDB_PATH=str(sample_build["warehouse"]))
    assert_shown_cleanly(app)
    assert metrics(app) == funnel_cards(mart(sample_build["warehouse"], "select * from kpi_summary"))
    views = chart_data(app, 0)[0]
    assert views["x"] == ["2019-10", "2019-11"]


def test_funnel_page_reads_the_range_of_months_chosen(sample_build, dashboard):
    app = dashboard("funnel", DUCKDB_PATH=str(sample_build["warehouse"]))
    app.date_input(key="dates").set_value((date(2019, 10, 1), date(2019, 10, 31))).run()
    assert_shown_cleanly(app)
    october = mart(sample_build["warehouse"], "select * from session_funnel where month_label = '2019-10'")
    assert metrics(app) == funnel_cards(october)


@pytest.mark.parametrize("page", PAGES)
def test_no_warehouse_names_the_command_that_builds_it(tmp_path, dashboard, page):
    app = dashboard(page, DUCKDB_PATH=str(tmp_path / "nothing-here.duckdb"))
    assert not app.exception
    [message] = app.error
    assert "make demo" in message.value and "make build" in message.value
    assert not (tmp_path / "nothing-here.duckdb").exists()


def test_warehouse_without_marts_says_to_build_them(tmp_path, dashboard):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    app = dashboard("executive", DUCKDB_PATH=str(empty))
    assert not app.exception
    [message] = app.error
    assert "lacks a mart" in message.value and "make build" in message.value


def test_warehouse_being_rebuilt_says_to_wait(sample_build, tmp_path, dashboard):
    """A `dbt build` holds DuckDB's write lock: the page says to reload later instead of failing."""
    busy = tmp_path / "busy.duckdb"
    busy.write_bytes(sample_build["warehouse"].read_bytes())
    writer = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(busy)!r}); print('ready', flush=True); "
         "time.sleep(120)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
        app = dashboard("executive", DUCKDB_PATH=str(busy))
    finally:
        writer.kill()
        writer.wait()
    assert not app.exception
    [message] = app.error
    assert "is being written" in message.value


@pytest.mark.parametrize("page", ["executive", "funnel"])
def test_empty_date_range_says_so(sample_build, dashboard, page):
    app = dashboard(page, DUCKDB_PATH=str(sample_build["warehouse"]))
    app.date_input(key="dates").set_value((date(2021, 1, 1), date(2021, 1, 31))).run()
    assert not app.exception
    [message] = app.warning
    assert "No data between 2021-01-01 and 2021-01-31" in message.value
    assert "2019-10-01 to 2019-11-01" in message.value
    assert not app.get("plotly_chart")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_athena_unreachable_is_a_message(dashboard, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", raising=False)
    # Nothing listens there: the connection is refused at once, and no traffic leaves the machine.
    nowhere = f"http://127.0.0.1:{_closed_port()}"
    app = dashboard("executive", DBT_TARGET="prod", ATHENA_REGION="us-east-1",
                    ATHENA_S3_STAGING_DIR="s3://query-results/dashboard/",
                    AWS_ENDPOINT_URL=nowhere, AWS_ENDPOINT_URL_ATHENA=nowhere)
    assert not app.exception
    [message] = app.error
    assert "Athena is unreachable" in message.value and "ATHENA_S3_STAGING_DIR" in message.value


def test_athena_without_result_location_says_what_to_set(dashboard, monkeypatch):
    monkeypatch.delenv("ATHENA_S3_STAGING_DIR", raising=False)
    monkeypatch.delenv("ATHENA_WORK_GROUP", raising=False)
    app = dashboard("brands", DBT_TARGET="prod", ATHENA_REGION="us-east-1")
    assert not app.exception
    [message] = app.error
    assert "ATHENA_S3_STAGING_DIR" in message.value and "ATHENA_WORK_GROUP" in message.value


def test_definitions_are_the_dbt_docs(sample_build, dashboard):
    """The text under the charts is what dbt itself renders for the same models and columns."""
    from dashboard.definitions import Definitions

    manifest = json.loads((sample_build["target"] / "manifest.json").read_text())
    documented = {node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] == "model"}
    definitions = Definitions.load(PROJECT, sample_build["target"])
    assert definitions.models
    for model, text in definitions.models.items():
        assert text == documented[model]["description"].strip(), model
    for (model, column), text in definitions.columns.items():
        assert text == documented[model]["columns"][column]["description"].strip(), f"{model}.{column}"
    app = dashboard("executive", DUCKDB_PATH=str(sample_build["warehouse"]),
                    DBT_TARGET_PATH=str(sample_build["target"]))
    captions = [caption.value for caption in app.caption]
    assert documented["kpi_summary"]["columns"]["revenue"]["description"].strip() in captions
    assert documented["user_ltv"]["description"].strip() in captions


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2019, 10, 1), date(2019, 11, 30), (date(2019, 10, 1), date(2019, 11, 1), True)),
        (date(2019, 10, 15), date(2019, 10, 16), (date(2019, 10, 1), date(2019, 10, 1), False)),
        (date(2019, 9, 1), date(2019, 10, 2), (date(2019, 10, 1), date(2019, 10, 1), False)),
        (date(2019, 11, 1), date(2020, 5, 1), (date(2019, 11, 1), date(2019, 11, 1), False)),
        (date(2019, 12, 1), date(2019, 12, 31), None),
        (date(2019, 11, 1), date(2019, 10, 1), None),
    ],
)
def test_dates_select_the_whole_months_they_touch(checkout, start, end, expected):
    from dashboard.marts import Filters, Span

    chosen = Filters.choose(Span(date(2019, 10, 1), date(2019, 11, 1)), start, end, None)
    assert (chosen and (chosen.first_month, chosen.last_month, chosen.whole_span)) == expected


def test_every_query_reads_marts_only_in_athena_sql(sample_build, checkout):
    """Each query the pages run, its parameters formatted as PyAthena sends them to Athena, parses as Trino SQL
    and reads nothing but dbt models of the marts folder (never the lake, staging or intermediate models)."""
    import sqlglot
    from pyathena.formatter import DefaultParameterFormatter

    from dashboard import marts
    from dashboard.warehouse import DuckDBWarehouse

    sent = []

    class Recording(DuckDBWarehouse):
        def query(self, sql, params=None):
            sent.append(DefaultParameterFormatter().format(sql, params) if params else sql)
            return super().query(sql, params)

    warehouse = Recording(sample_build["warehouse"])
    span = marts.span(warehouse)
    for read_all in (marts.kpis, marts.categories, marts.ltv_segments, marts.brands, marts.rfm_segments,
                     marts.brand_pairs, marts.brand_pairs_within_minutes):
        read_all(warehouse)
    for read_top in (marts.brand_velocity, marts.brand_repeat_rates):
        read_top(warehouse, 5)
    marts.top_brands_share(warehouse, span, 5)
    for category in (None, "electronics"):
        for end in (span.last_date, span.first_date):
            chosen = marts.Filters.choose(span, span.first_date, end, category)
            for read in (marts.monthly_revenue, marts.weekday_revenue, marts.top_brands_by_revenue,
                         marts.top_categories, marts.funnel, marts.cohorts, marts.abandonment,
                         marts.abandonment_by_category):
                read(warehouse, chosen)
    manifest = json.loads((sample_build["target"] / "manifest.json").read_text())
    mart_models = {node["name"] for node in manifest["nodes"].values()
                   if node["resource_type"] == "model" and node["fqn"][1] == "marts"}
    assert len(sent) >= 20
    for sql in sent:
        tables = {table.name for table in sqlglot.parse_one(sql, read="trino").find_all(sqlglot.exp.Table)}
        assert tables and tables <= mart_models, sql


def test_without_a_manifest_the_pages_say_how_to_make_one(sample_build, tmp_path, dashboard):
    """The definitions come from dbt's manifest; without one, the charts still show, with one line saying what
    writes it."""
    app = dashboard("executive", DUCKDB_PATH=str(sample_build["warehouse"]), DBT_TARGET_PATH=str(tmp_path / "none"))
    assert_shown_cleanly(app)
    [notice] = app.info
    assert "manifest" in notice.value and "make build" in notice.value
    assert app.get("plotly_chart")


# Text from the data that a browser would act on if the page rendered it as Markdown or HTML. Nothing listens on
# port 9, so even a failing test fetches nothing.
HOSTILE_CATEGORY = "![x](http://127.0.0.1:9/pixel.png)"
HOSTILE_BRAND = '<a href="http://127.0.0.1:9/">evil</a>'


@pytest.fixture(scope="module")
def hostile(sample_build, tmp_path_factory) -> Path:
    """A copy of the sample_build warehouse whose top brand and top main category are renamed to markup, in every mart
    table that holds them."""
    path = tmp_path_factory.mktemp("hostile") / "warehouse.duckdb"
    shutil.copy(sample_build["warehouse"], path)
    with duckdb.connect(str(path)) as connection:
        [brand] = connection.execute("select brand from brand_engagement order by revenue_rank limit 1").fetchone()
        [category] = connection.execute(
            "select category_main from top_categories order by revenue_rank limit 1").fetchone()
        for column, old, new in (("brand", brand, HOSTILE_BRAND), ("category_main", category, HOSTILE_CATEGORY)):
            tables = connection.execute(
                """
                select columns.table_schema, columns.table_name
                from information_schema.columns as columns
                inner join information_schema.tables as tables
                    on columns.table_schema = tables.table_schema and columns.table_name = tables.table_name
                where columns.column_name = ? and tables.table_type = 'BASE TABLE'
                """,
                [column],
            ).fetchall()
            assert tables
            for schema, table in tables:
                connection.execute(f'update "{schema}"."{table}" set {column} = ? where {column} = ?', [new, old])
    return path


def plotly_strings(app: AppTest) -> list[str]:
    """Every string in the page's Plotly figures: names, labels, ticks, hover data."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for chart in app.get("plotly_chart"):
        walk(json.loads(chart.proto.spec))
    return found


def test_a_category_is_shown_as_written_never_as_markdown(hostile, dashboard):
    app = dashboard("executive", DUCKDB_PATH=str(hostile))
    app.selectbox(key="category").set_value(HOSTILE_CATEGORY).run()
    assert_shown_cleanly(app)
    texts = [element.value for element in [*app.title, *app.markdown, *app.caption]]
    assert not [text for text in texts if HOSTILE_CATEGORY in text], "the category reached Markdown unescaped"
    shown = [literal(text.removeprefix("#### ").removeprefix("_").removesuffix("_"))
             for text in texts if "pixel" in text]
    title = f"Top 5 {HOSTILE_CATEGORY} sub-categories"
    assert title in shown
    assert [text for text in shown if text != title and text.endswith(HOSTILE_CATEGORY)], "the notes under charts"
    strings = plotly_strings(app)
    assert not [text for text in strings if "<a " in text]


@pytest.mark.parametrize("page", ["executive", "brands"])
def test_a_brand_is_shown_as_written_never_as_html(hostile, dashboard, page):
    """Plotly renders a subset of HTML in labels, ticks and hover text: the brand is escaped everywhere."""
    app = dashboard(page, DUCKDB_PATH=str(hostile))
    assert_shown_cleanly(app)
    strings = plotly_strings(app)
    assert not [text for text in strings if "<a " in text], "a brand became a link"
    assert any("&lt;a href=\"http://127.0.0.1:9/\"&gt;evil&lt;/a&gt;" in text for text in strings)


def test_text_from_the_data_is_escaped_for_markdown_and_plotly(checkout):
    from dashboard.formatting import markdown_text, plotly_text

    for text in [HOSTILE_CATEGORY, HOSTILE_BRAND, "a_b *c* `d` $x$ :red[e] # f", "[l](javascript:alert(1))"]:
        assert literal(markdown_text(text)) == text
    assert literal(markdown_text("two\nlines")) == "two lines"
    assert plotly_text(HOSTILE_BRAND) == '&lt;a href="http://127.0.0.1:9/"&gt;evil&lt;/a&gt;'
    assert plotly_text("b&b") == "b&amp;b"


@pytest.mark.parametrize("options", [{"server.address": "0.0.0.0"}, {"server.address": None},
                                     {"browser.gatherUsageStats": True}])
def test_the_app_refuses_to_serve_beyond_this_machine(sample_build, checkout, options):
    with patch_config_options({**SERVED, **options}):
        app = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not app.exception
    [message] = app.error
    assert "python -m dashboard" in message.value
    assert not app.metric and not app.get("plotly_chart"), "nothing from the warehouse is shown"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on `port`, from /proc/net/tcp and tcp6 (hex, as the kernel
    writes them)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.add(address)
    return found


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1 and ::1


@pytest.mark.parametrize("how", ["launcher", "streamlit run"])
def test_served_on_127_0_0_1_only_whatever_the_working_folder(tmp_path, how):
    """`python -m dashboard`, and a bare `streamlit run .../dashboard/app.py` too, from a folder with no Streamlit
    settings of its own: the server listens on the loopback address only."""
    if not Path("/proc/net/tcp").exists():
        pytest.skip("reads the listening sockets from Linux's /proc/net")
    port = _free_port()
    command = ([sys.executable, "-m", "dashboard", "--port", str(port)] if how == "launcher" else
               [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
                "--server.headless", "true"])
    env = {name: value for name, value in os.environ.items() if not name.startswith("STREAMLIT_")}
    server = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if _listening_addresses(port) or server.poll() is not None:
                break
            time.sleep(0.1)
        addresses = _listening_addresses(port)
        assert addresses, "the dashboard did not start"
        assert addresses <= LOOPBACK, addresses
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_usage_statistics_are_off_whatever_the_working_folder(tmp_path):
    """Streamlit's own startup (as `streamlit run dashboard/app.py` loads its settings) from another folder."""
    script = (
        "import sys; import streamlit.config as config; from streamlit.web import bootstrap; "
        "config._main_script_path = sys.argv[1]; bootstrap.load_config_options(flag_options={}); "
        "print(config.get_option('server.address'), config.get_option('browser.gatherUsageStats'))"
    )
    env = {name: value for name, value in os.environ.items() if not name.startswith("STREAMLIT_")}
    result = subprocess.run([sys.executable, "-c", script, str(APP)], cwd=tmp_path, env=env, capture_output=True,
                            text=True, check=True)
    assert result.stdout.split() == ["127.0.0.1", "False"]


def test_customers_page_shows_the_customer_marts(sample_build, dashboard):
    app = dashboard("customers", DUCKDB_PATH=str(sample_build["warehouse"]))
    assert_shown_cleanly(app)
    kpi = mart(sample_build["warehouse"], "select * from kpi_summary")
    assert metrics(app) == {"Total customers": f"{kpi['customers']:,}",
                            "Repeat customers": f"{kpi['repeat_customers']:,}"}
    with duckdb.connect(str(sample_build["warehouse"]), read_only=True) as connection:
        retention = connection.sql(
            "select cohort_month_label, months_since_first_purchase, retention_rate from customer_cohorts"
            " order by 1, 2").fetchall()
        segments = connection.sql(
            "select rfm_segment, count(*) from customer_rfm group by 1 order by 2 desc, 1").fetchall()
        monthly = connection.sql(
            "select month_label, abandonment_rate from cart_abandonment_monthly order by 1").fetchall()
        by_category = connection.sql(
            "select category_main, abandonment_rate from cart_abandonment_by_category"
            " where month_label = '2019-10' order by abandoned_cart_value desc, category_main").fetchall()
    # The sample: 48 October customers (none back in November), 2 new in November; no brand pair in one order
    # (no table), one within 5 minutes (user 549614436: a samsung, then a xiaomi 2.5 minutes later).
    assert len(app.get("plotly_chart")) == 5
    [heatmap] = chart_data(app, 0)
    cells = np.array(heatmap["z"], dtype=float).reshape(len(heatmap["y"]), len(heatmap["x"]))
    shown = {(cohort.split(" ")[0], int(month)): rate
             for cohort, row in zip(heatmap["y"], cells, strict=True)
             for month, rate in zip(heatmap["x"], row, strict=True) if not np.isnan(rate)}
    assert shown == {(cohort, month): rate for cohort, month, rate in retention}
    assert heatmap["y"] == ["2019-10 (48)", "2019-11 (2)"]
    [segment_bars] = chart_data(app, 1)
    assert list(zip(segment_bars["y"], segment_bars["x"], strict=True)) == segments
    [month_bars] = chart_data(app, 2)
    assert list(zip(month_bars["x"], month_bars["y"], strict=True)) == monthly
    october = chart_data(app, 3)[0]
    assert list(zip(october["y"], october["x"], strict=True)) == by_category
    assert any("Nothing to show" in info.value for info in app.info)
    [pairs] = chart_data(app, 4)
    assert pairs["cells"]["values"] == [["samsung"], ["xiaomi"], ["1"], ["1"]]
    manifest = json.loads((sample_build["target"] / "manifest.json").read_text())
    [pairs_model] = [node for node in manifest["nodes"].values() if node["name"] == "brand_pairs_bought_together"]
    assert pairs_model["description"].strip() in [caption.value for caption in app.caption]


def test_customers_page_filters_cohorts_and_abandonment(sample_build, dashboard):
    app = dashboard("customers", DUCKDB_PATH=str(sample_build["warehouse"]))
    app.date_input(key="dates").set_value((date(2019, 11, 1), date(2019, 11, 30)))
    app.selectbox(key="category").set_value("electronics").run()
    assert_shown_cleanly(app)
    expected = mart(
        sample_build["warehouse"],
        "select abandonment_rate from cart_abandonment_by_category"
        " where month_label = '2019-11' and category_main = 'electronics'",
    )
    [heatmap] = chart_data(app, 0)
    assert heatmap["y"] == ["2019-11 (2)"]
    [month_bars] = chart_data(app, 2)
    assert (month_bars["x"], month_bars["y"]) == (["2019-11"], [expected["abandonment_rate"]])
