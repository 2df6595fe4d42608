"""The file: `events` rows of synthetic clickstream in the REES46 format, the same bytes for the same arguments.

Everything is vectorised with NumPy and produced a slice of the window at a time, in time order, so memory
stays bounded whatever the size; formatting and writing overlap with the simulation in a second thread.
"""

from __future__ import annotations

import datetime as dt
import gzip
import logging
import os
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO

from clickgen.catalogue import build_catalogue
from clickgen.rows import RowFormat, finished_rows
from clickgen.sessions import MEAN_SESSION_EVENTS, Shop
from clickgen.timeline import DAY, plan_calendar, plan_slices
from clickgen.users import build_users
from ingest.errors import IngestError
from ingest.rees46 import HEADER

log = logging.getLogger("clickgen")

# The default window grows with N as a power law through (1M events, 3 days) and (the real October: 42.4M events,
# 31 days): a small run still shows days and nights, and a bigger run covers more days, so distinct users and
# sessions per event fall as N grows, as in the real data.
OCTOBER_EVENTS = 42_448_764
_WINDOW_EXPONENT = 0.62


def default_days(events: int) -> int:
    """The window a run of this many events covers when --days is not given (1M: 3 days, 42.4M: 31, 110M: 56)."""
    return max(1, round(31 * (events / OCTOBER_EVENTS) ** _WINDOW_EXPONENT))


def generate(events: int, start: str, days: int | None, seed: int, out: str, remove_from_cart: bool) -> None:
    """Write `events` rows of synthetic clickstream to `out` (.csv or .csv.gz) in the REES46 format.

    The same arguments give the same bytes. The window starts on `start` (YYYY-MM-DD) and lasts `days` days,
    by default default_days(events). The file appears only when complete.
    """
    first_day = _first_day(start)
    target = _check(events, days, seed, out)
    days = default_days(events) if days is None else days
    started = time.monotonic()
    window = days * DAY
    calendar = plan_calendar(events, first_day, days)
    shop = Shop(seed=seed, catalogue=build_catalogue(seed, window),
                users=build_users(seed, events / MEAN_SESSION_EVENTS, days), calendar=calendar,
                slices=plan_slices(calendar), window_seconds=window, remove_from_cart=remove_from_cart)
    rows = RowFormat(first_day, days, shop)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with _open(partial) as stream, ThreadPoolExecutor(max_workers=1) as writer:
            stream.write(f"{HEADER}\n".encode())
            # Formatting and compressing the previous block overlap with simulating the next one.
            pending: Future[None] | None = None
            for block, sessionless in finished_rows(shop, events):
                if pending:
                    pending.result()
                pending = writer.submit(rows.write, stream, block, sessionless)
            if pending:
                pending.result()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    seconds = time.monotonic() - started
    log.info("generated %s events over %d days from %s in %.1f s (%s events/s) -> %s", f"{events:,}", days,
             first_day, seconds, f"{events / seconds:,.0f}", target)


def _first_day(start: str) -> dt.date:
    try:
        return dt.date.fromisoformat(start)
    except ValueError as error:
        raise IngestError(f"--start {start!r} is not a day like 2019-10-01") from error


def _check(events: int, days: int | None, seed: int, out: str) -> Path:
    if events < 1:
        raise IngestError(f"--events must be at least 1, not {events}")
    if days is not None and days < 1:
        raise IngestError(f"--days must be at least 1, not {days}")
    if not 0 <= seed < 2**63:
        raise IngestError(f"--seed must be a non-negative integer below 2**63, not {seed}")
    target = Path(out)
    if not target.name.lower().endswith((".csv", ".csv.gz")):
        raise IngestError(f"--out {out!r}: the file name must end in .csv or .csv.gz")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


@contextmanager
def _open(path: Path) -> Iterator[BinaryIO]:
    """The file, through gzip for .gz: no name and no time in the gzip header, so the bytes are reproducible.
    Level 1: compressing is the slowest step, and level 6 saves only about a fifth more."""
    with ExitStack() as stack:
        stream: BinaryIO = stack.enter_context(path.open("wb"))
        if path.name.lower().endswith(".gz.partial"):
            stream = stack.enter_context(gzip.GzipFile(filename="", mode="wb", fileobj=stream, mtime=0,
                                                       compresslevel=1))
        yield stream
