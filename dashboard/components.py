"""The pieces every page is made of: the warehouse (with cached results), the filters, KPI rows, and charts with
their definitions. The pages only arrange them."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import marts, settings
from dashboard.definitions import Definitions
from dashboard.formatting import count, markdown_text
from dashboard.warehouse import Warehouse, WarehouseError, open_warehouse

ALL_CATEGORIES = "All categories"
# Athena queries cost time and money: keep results for ten minutes. A DuckDB rebuild changes the fingerprint.
CACHE_SECONDS = 600


@st.cache_data(ttl=CACHE_SECONDS, show_spinner="Querying the marts…", max_entries=512)
def _cached_query(_warehouse: Warehouse, fingerprint: str, sql: str,
                  params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    return _warehouse.query(sql, dict(params))


class _CachedWarehouse:
    def __init__(self, warehouse: Warehouse) -> None:
        self._warehouse = warehouse

    def describe(self) -> str:
        return self._warehouse.describe()

    def fingerprint(self) -> str:
        return self._warehouse.fingerprint()

    def query(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        return _cached_query(self._warehouse, self.fingerprint(), sql, tuple(sorted((params or {}).items())))


def warehouse() -> Warehouse:
    """The warehouse of the dbt target the environment names, its results cached."""
    return _CachedWarehouse(open_warehouse(settings.from_environment()))


@st.cache_data(ttl=60, show_spinner=False)
def _definitions(project_dir: Path, target_dir: Path) -> Definitions:
    return Definitions.load(project_dir, target_dir)


def definitions() -> Definitions:
    """The dbt docs' definitions of the models and columns; without a manifest, a note saying how to make one."""
    loaded = _definitions(settings.dbt_project_dir(), settings.dbt_target_dir())
    if loaded.notice:
        st.info(loaded.notice, icon=":material/menu_book:")
    return loaded


@contextlib.contextmanager
def warehouse_errors() -> Iterator[None]:
    """Show a warehouse the user has to build, wait for or reach as a message on the page, not a traceback."""
    try:
        yield
    except WarehouseError as error:
        st.error(str(error), icon=":material/database:")


def header(title: str, subtitle: str, source: Warehouse, kpis: dict[str, Any] | None = None) -> None:
    st.title(markdown_text(title))
    as_of = ""
    if kpis is not None and not pd.isna(kpis.get("last_purchased_at")):
        as_of = f" · data up to the last purchase, {pd.Timestamp(kpis['last_purchased_at']):%Y-%m-%d %H:%M} UTC"
    # describe() is Markdown of the settings (a path in code style), not text from the data.
    st.caption(f"{markdown_text(subtitle)} · read from the {source.describe()}{markdown_text(as_of)}")


def filters(source: Warehouse, with_category: bool = True) -> marts.Filters:
    """The sidebar's date range (and main category); stops the page with a message when they select nothing."""
    span = marts.span(source)
    st.sidebar.header("Filters")
    chosen = st.sidebar.date_input(
        "Dates", value=(span.first_date, span.last_date), key="dates", persist_state="session", bind="query-params",
        help=f"The warehouse holds events from {span.first_date} to {span.last_date}.",
    )
    category = None
    if with_category:
        choice = st.sidebar.selectbox(
            "Main category", [ALL_CATEGORIES, *marts.categories(source)], key="category", persist_state="session",
            bind="query-params",
            format_func=lambda name: "unknown (no category code)" if name == marts.UNKNOWN_CATEGORY else name,
        )
        category = None if choice == ALL_CATEGORIES else choice
    if not isinstance(chosen, Sequence) or len(chosen) < 2:
        st.info("Pick the last day of the date range too.", icon=":material/date_range:")
        st.stop()
    start, end = chosen
    selected = marts.Filters.choose(span, start, end, category)
    if selected is None:
        st.warning(
            f"No data between {start} and {end}: the warehouse holds events from {span.first_date} to "
            f"{span.last_date}. Widen the date range in the sidebar.",
            icon=":material/event_busy:",
        )
        st.stop()
    # The dates reach the marts as whole months: say so when that widens them within the data.
    covered = (max(selected.first_month, span.first_date), min(_day_before(selected.end), span.last_date))
    if (max(start, span.first_date), min(end, span.last_date)) != covered:
        st.sidebar.caption(
            f"The marts are monthly: the charts cover the whole months {selected.first_month:%Y-%m} to "
            f"{selected.last_month:%Y-%m}."
        )
    return selected


@dataclass(frozen=True)
class Page:
    """What every page starts from: the warehouse, the definitions, the lifetime KPIs and the filters chosen."""

    source: Warehouse
    docs: Definitions
    kpis: dict[str, Any]
    selected: marts.Filters | None


def page(title: str, subtitle: str, filtered: bool = True, with_category: bool = True) -> Page:
    """A page's sidebar filters (unless `filtered` is False) and its header, and what its charts read from."""
    source = warehouse()
    docs = definitions()
    kpis = marts.kpis(source)
    selected = filters(source, with_category) if filtered else None
    header(title, subtitle, source, kpis)
    return Page(source, docs, kpis, selected)


def top_slider(label: str, key: str, low: int, high: int, value: int, help_text: str) -> int:
    """A sidebar slider of how many of the top rows a chart takes, kept in the URL."""
    return st.sidebar.slider(label, min_value=low, max_value=high, value=value, key=key, persist_state="session",
                             bind="query-params", help=help_text)


def customer_cards(shown: Page) -> list[tuple[str, str, str]]:
    """The KPI cards of the customers: total and repeat customers, over all the data."""
    return [
        ("Total customers", count(shown.kpis["customers"]), shown.docs.column("kpi_summary", "customers")),
        ("Repeat customers", count(shown.kpis["repeat_customers"]),
         shown.docs.column("kpi_summary", "repeat_customers")),
    ]


def lifetime_kpi_row(cards: Sequence[tuple[str, str, str]]) -> None:
    """A row of kpi_summary's lifetime figures, saying that the filters do not apply to them."""
    kpi_row(cards)
    st.caption("_The KPIs are lifetime figures over all the data (kpi_summary): the filters do not apply to them._")


def _day_before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def kpi_row(cards: Sequence[tuple[str, str, str]]) -> None:
    """One metric per column: (label, formatted value, definition shown under it)."""
    for column, (label, value, definition) in zip(st.columns(len(cards)), cards, strict=True):
        with column:
            st.metric(label, value, border=True)
            st.caption(definition)


def chart(title: str, rows: pd.DataFrame, draw: Callable[[pd.DataFrame], go.Figure], *definitions: str,
          note: str | None = None) -> None:
    """The chart `draw` makes of `rows` under its title, with the definitions of what it shows (and how the
    filters apply) under it. The title and the note are plain text (they name categories from the data); the
    definitions are the dbt docs' Markdown."""
    st.markdown(f"#### {markdown_text(title)}")
    if rows.empty:
        st.info("Nothing to show for these filters.", icon=":material/filter_alt_off:")
    else:
        st.plotly_chart(draw(rows), config={"displayModeBar": False})
    if note:
        st.caption(f"_{markdown_text(note)}_")
    for text in definitions:
        st.caption(text)


def months(selected: marts.Filters) -> str:
    """The months the filters select, in words."""
    if selected.last_month == selected.first_month:
        return f"{selected.first_month:%Y-%m}"
    return f"{selected.first_month:%Y-%m} to {selected.last_month:%Y-%m}"


def scope(selected: marts.Filters) -> str:
    """The filters in words, for the notes under the charts they apply to."""
    return f"{months(selected)}, {selected.category or 'all categories'}"


def labelled(name: str, definition: str) -> str:
    """A definition under the name a chart gives it, unless the definition starts with its own bold name."""
    return definition if definition.startswith("**") else f"**{name}**: {definition}"
