"""`ingest generate` (the clickgen package): the real format exactly, the same bytes for the same arguments,
exact sizes inside the window, a shape that grows with N like the real data's, the calendar, and files that land
with nothing quarantined."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import re
from pathlib import Path

import duckdb
import pytest
from conftest import SAMPLE

from clickgen import OCTOBER_EVENTS, default_days, generate
from clickgen.catalogue import read_table
from ingest.cli import main
from ingest.errors import IngestError
from ingest.land import land
from ingest.profile import measure
from ingest.rees46 import HEADER

# One REES46 row: what every real row matches (checked below on the real sample), and every generated row must.
ROW = re.compile(
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC,(view|cart|remove_from_cart|purchase),[1-9]\d*,[1-9]\d{18},"
    r"([a-z_]+(\.[a-z_]+){1,3})?,[a-z0-9_&.\-]*,(0|[1-9]\d*)\.\d\d,[1-9]\d*,"
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?"
)


def _generate(path: Path, events: int, *, days: int | None = None, seed: int = 1, start: str = "2019-10-01",
              remove_from_cart: bool = False) -> Path:
    generate(events=events, start=start, days=days, seed=seed, out=str(path), remove_from_cart=remove_from_cart)
    return path


def _lines(path: Path) -> list[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", newline="") as stream:
        return stream.read().split("\n")


def _sql(path: Path, query: str) -> list[tuple]:
    """`query` over the generated file as a table named events."""
    con = duckdb.connect()
    con.execute(f"create view events as select * from read_csv('{path}', header = true, "
                "timestampformat = '%Y-%m-%d %H:%M:%S UTC')")
    return con.execute(query).fetchall()


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return _generate(tmp_path_factory.mktemp("generated") / "sample.csv", 60_000, days=2, seed=7)


def test_the_row_pattern_matches_every_real_row():
    for path in sorted(SAMPLE.glob("*.csv")):
        lines = _lines(path)
        assert lines[0] == HEADER
        assert all(ROW.fullmatch(line) for line in lines[1:] if line)


def test_rows_are_in_the_real_format(sample):
    lines = _lines(sample)

    assert lines[0] == HEADER
    assert lines[-1] == "", "the file ends with a line break"
    rows = lines[1:-1]
    assert len(rows) == 60_000
    assert [row for row in rows if not ROW.fullmatch(row)] == []
    assert [row[:19] for row in rows] == sorted(row[:19] for row in rows), "rows are in time order"
    fields = [row.split(",") for row in rows]
    assert any(f[4] == "" for f in fields) and any(f[5] == "" for f in fields), "empty code and brand occur"
    assert any(f[8] == "" for f in fields), "a few rows have no session"
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", f[8])
               for f in fields if f[8]), "sessions are UUID version 4 texts"


def test_a_category_id_has_one_code_and_a_code_several_ids(sample):
    codes_per_id = _sql(sample, "select max(n) from (select category_id, count(distinct coalesce(category_code, ''))"
                                " as n from events group by 1)")
    ids_per_code = _sql(sample, "select max(n) from (select category_code, count(distinct category_id) as n "
                                "from events where category_code is not null group by 1)")
    levels = _sql(sample, "select distinct len(string_split(category_code, '.')) from events "
                          "where category_code is not null order by 1")
    assert codes_per_id == [(1,)]
    assert ids_per_code[0][0] > 1
    # 2 or 3 levels; the real data has one code of 4, electronics.audio.music_tools.piano, and so does this.
    assert levels == [(2,), (3,), (4,)]


def test_same_arguments_same_bytes_and_another_seed_other_data(tmp_path):
    first = _generate(tmp_path / "a.csv.gz", 30_000, seed=5).read_bytes()
    again = _generate(tmp_path / "b.csv.gz", 30_000, seed=5).read_bytes()
    other = _generate(tmp_path / "c.csv.gz", 30_000, seed=6)

    assert first == again
    assert first[:10] == bytes.fromhex("1f8b0800000000000" "4ff")[:10], "gzip header: no name, no time"
    sessions = {line.rsplit(",", 1)[-1] for line in _lines(tmp_path / "a.csv.gz")[1:]}
    other_sessions = {line.rsplit(",", 1)[-1] for line in _lines(other)[1:]}
    assert len(sessions & other_sessions - {""}) == 0
    assert measure(str(tmp_path / "a.csv.gz"))["price_mean"] != measure(str(other))["price_mean"]


def test_the_bytes_of_a_seed_are_pinned(tmp_path):
    """Refactoring the generator (or editing its catalogue in clickgen/data) must not change what a seed gives: the
    demo, the benchmarks and docs/data.md's calibration all rest on these bytes. Change the hash only on purpose."""
    path = _generate(tmp_path / "pinned.csv", 20_000, days=61, seed=46, remove_from_cart=True)
    pinned = "9c875cb74f8da60aba5b6b374bc0a5616bbd9a0c160bdbd6b6adecc2a00c3b9c"  # pragma: allowlist secret
    assert hashlib.sha256(path.read_bytes()).hexdigest() == pinned


def test_the_catalogue_is_read_from_the_package_data():
    """The catalogue's CSV files ship inside the package (pyproject's package-data), with the columns the code
    reads and one row per category, head brand or (brand, category)."""
    categories = read_table("categories.csv")
    codes = [row["category_code"] for row in categories]
    assert len(codes) == len(set(codes)) > 100
    head = [row["brand"] for row in read_table("head_brands.csv")]
    placements = read_table("head_brand_categories.csv")
    assert {row["brand"] for row in placements} == set(head)
    assert {row["category_code"] for row in placements} <= set(codes)
    assert all(0 < float(row["share_of_category_events"]) < 1 for row in placements)
    prefixes = {row["category_code_prefix"] for row in read_table("purchase_factors.csv")}
    assert "" in prefixes, "the empty prefix is the factor of every other category"
    tops = {row["top_level_category"] for row in read_table("unbranded_shares.csv")}
    assert {code.split(".")[0] for code in codes} | {""} == tops
    parts = {row["part"] for row in read_table("brand_name_parts.csv")}
    assert parts == {"syllable", "ending"}


def test_plain_and_gzip_hold_the_same_rows(tmp_path):
    assert _lines(_generate(tmp_path / "a.csv", 20_000)) == _lines(_generate(tmp_path / "a.csv.gz", 20_000))


@pytest.mark.parametrize("events", [1, 7, 1_000, 123_457])
def test_exactly_the_events_asked_for_inside_the_window(tmp_path, events):
    path = _generate(tmp_path / "e.csv", events, start="2019-11-29", days=2)

    [(rows, first, last)] = _sql(path, "select count(*), min(event_time), max(event_time) from events")
    assert rows == events
    assert dt.datetime(2019, 11, 29) <= first <= last < dt.datetime(2019, 12, 1)


def test_default_window_grows_with_the_number_of_events():
    assert [default_days(n) for n in (1, 300_000, 1_000_000, 10_000_000, OCTOBER_EVENTS, 110_000_000)] == \
        [1, 1, 3, 13, 31, 56]


def test_distinct_users_and_sessions_per_event_fall_as_events_grow(tmp_path):
    # By default 100K events cover 1 day and 1M events 3 days: more of each user's sessions, fewer sessions cut
    # by the window's ends.
    small = measure(str(_generate(tmp_path / "small.csv", 100_000, seed=4)))
    large = measure(str(_generate(tmp_path / "large.csv", 1_000_000, seed=4)))

    for figure in ("users", "sessions", "products"):
        assert large[figure] / large["events"] < small[figure] / small["events"], figure
    # Products grow far slower than events: as events**0.47 in the real data (2,312 products in the first 5,019
    # rows of October, 166,794 in the month).
    assert large["products"] < small["products"] * 10**0.55


def test_day_night_cycle_weekdays_and_the_november_sale(tmp_path):
    path = _generate(tmp_path / "nov.csv", 400_000, start="2019-11-04", days=21, seed=2)

    by_hour = dict(_sql(path, "select hour(event_time), count(*) from events group by 1"))
    assert by_hour[15] > 3 * by_hour[2], "busy in the Moscow afternoon, quiet at night"
    by_weekday = dict(_sql(path, "select isodow(event_time), count(*) from events "
                                 "where event_time::date not in ('2019-11-16', '2019-11-17') group by 1"))
    assert by_weekday[1] > by_weekday[5], "more traffic on Monday than on Friday"
    purchases = dict(_sql(path, "select event_time::date, count(*) from events where event_type = 'purchase' "
                                "group by 1"))
    normal = sorted(purchases.values())[len(purchases) // 2]
    assert purchases[dt.date(2019, 11, 16)] > 2 * normal
    assert purchases[dt.date(2019, 11, 17)] > 5 * normal


def test_remove_from_cart_only_when_asked(tmp_path, sample):
    path = _generate(tmp_path / "r.csv", 60_000, days=2, seed=7, remove_from_cart=True)

    assert _sql(sample, "select count(*) from events where event_type = 'remove_from_cart'") == [(0,)]
    [(removes, carts)] = _sql(path, "select count_if(event_type = 'remove_from_cart'), count_if(event_type = 'cart') "
                                    "from events")
    assert 0 < removes < carts


def test_generated_files_land_with_nothing_quarantined(tmp_path, sample):
    gzipped = _generate(tmp_path / "raw" / "events.csv.gz", 40_000, start="2019-11-01", seed=9)

    report = land([str(sample), str(gzipped)], str(tmp_path / "lake"))

    assert report.ok
    assert report.rows_quarantined == 0
    assert report.rows_landed == 100_000


@pytest.mark.parametrize(("arguments", "message"), [
    (["--events", "0", "--out", "x.csv"], "--events must be at least 1"),
    (["--events", "-5", "--out", "x.csv"], "--events must be at least 1"),
    (["--events", "10", "--days", "0", "--out", "x.csv"], "--days must be at least 1"),
    (["--events", "10", "--start", "2019-13-01", "--out", "x.csv"], "is not a day like 2019-10-01"),
    (["--events", "10", "--seed", "-1", "--out", "x.csv"], "--seed must be a non-negative integer"),
    (["--events", "10", "--out", "x.parquet"], "must end in .csv or .csv.gz"),
])
def test_bad_arguments_are_one_clear_line(tmp_path, capsys, monkeypatch, arguments, message):
    monkeypatch.chdir(tmp_path)

    assert main(["generate", *arguments]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [], "nothing is written"


def test_errors_are_ingest_errors(tmp_path):
    with pytest.raises(IngestError):
        generate(events=10, start="2019-10-01", days=None, seed=0, out=str(tmp_path / "x.txt"),
                 remove_from_cart=False)


def test_cli_writes_the_file(tmp_path):
    out = tmp_path / "sub" / "cli.csv"

    assert main(["generate", "--events", "500", "--seed", "3", "--out", str(out)]) == 0
    assert len(_lines(out)) == 502
    assert not list(out.parent.glob(".*partial")), "no work file is left behind"
