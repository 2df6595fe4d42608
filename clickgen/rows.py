"""The events as the bytes of a REES46 file: the rows the real file has too (duplicates, rows without a session),
and each field copied from a table or computed digit by digit, never a Python string per row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import BinaryIO

import numpy as np

from clickgen.catalogue import MAX_PRICE_CENTS
from clickgen.randomness import mix64, purpose_salt, stream
from clickgen.sessions import Events, Shop, events_in_time_order
from clickgen.text import byte_table, digits
from clickgen.timeline import DAY
from ingest.rees46 import EVENT_TYPES

_DUPLICATE_SHARE = 0.0015  # exact duplicate rows, as in November
_EMPTY_SESSIONS_PER_EVENT = 1e-7  # 2 rows in October, 10 in November; at least 2 rows in any run


def finished_rows(shop: Shop, events: int) -> Iterator[tuple[Events, np.ndarray]]:
    """The events as rows of the file, with what the real file has too: duplicated rows and a few rows without
    a session. Yields each block with the positions of its rows whose user_session is empty."""
    rng = stream(shop.seed, 3)
    count = min(events, max(2, round(events * _EMPTY_SESSIONS_PER_EVENT)))
    sessionless = np.unique(rng.integers(0, events, count))
    offset = 0
    for block in events_in_time_order(shop):
        # A duplicate is a row logged twice: it takes the place of the next row, so the count stays exact.
        duplicate = rng.random(len(block)) < _DUPLICATE_SHARE
        if len(block):
            duplicate[0] = False
        block.repeat_previous(np.flatnonzero(duplicate))
        here = sessionless[(sessionless >= offset) & (sessionless < offset + len(block))] - offset
        yield block, here
        offset += len(block)


_ROWS_AT_A_TIME = 25_000


class RowFormat:
    """Turns events into the bytes of REES46 rows.

    Each field is copied from a table (dates, clock times, event types, the catalogue's texts, prices) or
    computed digit by digit into a padded byte matrix, one row per line; dropping the padding leaves the lines.
    """

    def __init__(self, first_day: dt.date, days: int, shop: Shop) -> None:
        self._salt = purpose_salt(shop.seed, 3)
        dates = [f"{first_day + dt.timedelta(days=d):%Y-%m-%d} " for d in range(days)]
        self._dates = byte_table(dates)
        seconds = np.arange(DAY)
        clock = np.stack([seconds // 3_600, seconds // 60 % 60, seconds % 60], axis=1)
        colon = np.full((DAY, 1), ord(":"), np.uint8)
        self._clock = np.concatenate([digits(clock[:, 0], 2), colon, digits(clock[:, 1], 2), colon,
                                      digits(clock[:, 2], 2), byte_table([" UTC,"]).repeat(DAY, axis=0)], axis=1)
        self._kinds = byte_table([f"{t}," for t in EVENT_TYPES])
        self._texts = shop.catalogue.texts
        self._prices = _price_table(MAX_PRICE_CENTS)
        self._buffer = np.zeros((0, 0), np.uint8)

    def write(self, stream: BinaryIO, events: Events, sessionless: np.ndarray) -> None:
        """Write the rows a few thousand at a time: the padded matrix then stays in the processor's cache."""
        for first in range(0, len(events), _ROWS_AT_A_TIME):
            last = first + _ROWS_AT_A_TIME
            here = sessionless[(sessionless >= first) & (sessionless < last)] - first
            stream.write(self.format(events.take(slice(first, last)), here))

    def format(self, events: Events, sessionless: np.ndarray) -> np.ndarray:
        """The rows' bytes, line breaks included."""
        n = len(events)
        parts = [
            (self._dates, events.second // DAY),
            (self._clock, events.second % DAY),
            (self._kinds, events.kind),
            (self._texts, events.variant),
            (self._prices, events.cents),
        ]
        width = sum(table.shape[1] for table, _ in parts) + 10 + 37
        rows = self._rows(n, width)
        column = 0
        for table, index in parts:
            rows[:, column:column + table.shape[1]] = table[index]
            column += table.shape[1]
        for group, power in enumerate((1_000_000, 1_000, 1)):  # three digits at a time, from a table
            rows[:, column + 3 * group:column + 3 * group + 3] = _THREE_DIGITS[events.user_id // power % 1_000]
        rows[:, column + 9] = ord(",")
        column += 10
        _session_ids(events.session, self._salt, rows[:, column:column + 37])
        rows[sessionless, column:column + 36] = 0
        flat = rows.reshape(-1)
        return flat[flat != 0]

    def _rows(self, n: int, width: int) -> np.ndarray:
        """A reused buffer: a fresh one per block would be paged in again each time."""
        if self._buffer.shape[0] < n or self._buffer.shape[1] != width:
            self._buffer = np.zeros((max(n, self._buffer.shape[0]), width), np.uint8)
        return self._buffer[:n]



def _price_table(max_cents: int) -> np.ndarray:
    """Row c holds the text of c cents and a comma, "2574.07,", left-aligned."""
    cents = np.arange(max_cents + 1)
    whole = cents // 100
    length = 1 + (whole >= 10).astype(int) + (whole >= 100) + (whole >= 1000)
    table = np.zeros((len(cents), 8), np.uint8)
    for width in range(1, 5):
        rows = np.flatnonzero(length == width)
        table[rows, :width] = digits(whole[rows], width)
        table[rows, width] = ord(".")
        table[rows, width + 1:width + 3] = digits(cents[rows] % 100, 2)
        table[rows, width + 3] = ord(",")
    return table


_THREE_DIGITS = digits(np.arange(1_000), 3)
# Four hex digits per 16-bit value, as one 32-bit unit: 16 bits become their text in one lookup.
_HEX = byte_table([f"{i:04x}" for i in range(65_536)]).view(np.uint32).ravel()


def _session_ids(keys: np.ndarray, salt: np.uint64, out: np.ndarray) -> None:
    """UUID version 4 texts (and the line's end) from session keys: 128 hashed bits each."""
    high = mix64(keys ^ salt)
    raw = np.stack([high, mix64(high)], axis=1)
    hexed = _HEX[raw.view(">u2")].view(np.uint8)
    for start, (first, last) in zip((0, 9, 14, 19, 24), ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32)),
                                    strict=True):
        out[:, start:start + last - first] = hexed[:, first:last]
    for dash in (8, 13, 18, 23):
        out[:, dash] = ord("-")
    out[:, 14] = ord("4")
    out[:, 19] = np.frombuffer(b"89ab", np.uint8)[raw[:, 1] & np.uint64(3)]
    out[:, 36] = ord("\n")
