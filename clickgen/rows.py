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
_CONSTANTS = {"dash0": "-", "dash1": "-", "dash2": "-", "dash3": "-", "end": "\n"}


class RowFormat:
    """Turns events into the bytes of REES46 rows.

    Each field is copied from a table (dates, clock times, event types, the catalogue's texts, prices, groups of
    digits) into a padded row, one row per line; dropping the padding (zero bytes) leaves the lines. A row is a
    record of fixed-size fields, and each field is copied as one item per row: two to ten times faster than
    copying the same bytes into a slice of a byte matrix.
    """

    def __init__(self, first_day: dt.date, days: int, shop: Shop) -> None:
        self._salt = purpose_salt(shop.seed, 3)
        dates = [f"{first_day + dt.timedelta(days=d):%Y-%m-%d} " for d in range(days)]
        seconds = np.arange(DAY)
        clock = np.stack([seconds // 3_600, seconds // 60 % 60, seconds % 60], axis=1)
        colon = np.full((DAY, 1), ord(":"), np.uint8)
        self._dates = _items(byte_table(dates))
        self._clock = _items(np.concatenate([digits(clock[:, 0], 2), colon, digits(clock[:, 1], 2), colon,
                                             digits(clock[:, 2], 2), byte_table([" UTC,"]).repeat(DAY, axis=0)],
                                            axis=1))
        self._kinds = _items(byte_table([f"{t}," for t in EVENT_TYPES]))
        self._texts = _items(shop.catalogue.texts)
        self._prices = _items(_price_table(MAX_PRICE_CENTS))
        tables = [("date", self._dates), ("clock", self._clock), ("kind", self._kinds), ("text", self._texts),
                  ("price", self._prices)]
        # A user id has 9 digits (users.py): three groups of three, the last with the comma.
        user = [("user_millions", _THREE_DIGITS.dtype), ("user_thousands", _THREE_DIGITS.dtype),
                ("user_units", _THREE_DIGITS_COMMA.dtype)]
        self._row = _record([*((name, table.dtype) for name, table in tables), *user, *_SESSION_FIELDS])
        self._buffer = np.zeros(0, self._row)

    def write(self, stream: BinaryIO, events: Events, sessionless: np.ndarray) -> None:
        """Write the rows a few thousand at a time: the padded rows then stay in the processor's cache."""
        for first in range(0, len(events), _ROWS_AT_A_TIME):
            last = first + _ROWS_AT_A_TIME
            here = sessionless[(sessionless >= first) & (sessionless < last)] - first
            stream.write(self.format(events.take(slice(first, last)), here))

    def format(self, events: Events, sessionless: np.ndarray) -> np.ndarray:
        """The rows' bytes, line breaks included."""
        rows = self._rows(len(events))
        day, clock = np.divmod(events.second, DAY)
        for name, table, index in (("date", self._dates, day), ("clock", self._clock, clock),
                                   ("kind", self._kinds, events.kind), ("text", self._texts, events.variant),
                                   ("price", self._prices, events.cents)):
            rows[name] = table[index]
        thousands = events.user_id // 1_000
        millions = thousands // 1_000
        rows["user_millions"] = _THREE_DIGITS[millions]
        rows["user_thousands"] = _THREE_DIGITS[thousands - 1_000 * millions]
        rows["user_units"] = _THREE_DIGITS_COMMA[events.user_id - 1_000 * thousands]
        _session_ids(events.session, self._salt, rows)

        matrix = rows.view(np.uint8).reshape(len(rows), -1)
        session = self._row.fields["hex0"][1]
        matrix[sessionless, session:session + 36] = 0
        flat = matrix.reshape(-1)
        lines = flat[flat != 0]
        # The dashes are written once, when the buffer is made: put back those of the rows without a session.
        for name in ("dash0", "dash1", "dash2", "dash3"):
            matrix[sessionless, self._row.fields[name][1]] = ord("-")
        return lines

    def _rows(self, n: int) -> np.ndarray:
        """A reused buffer, its constant bytes written once: a fresh one per block would be paged in again each
        time."""
        if len(self._buffer) < n:
            self._buffer = np.zeros(n, self._row)
            matrix = self._buffer.view(np.uint8).reshape(n, -1)
            for name, text in _CONSTANTS.items():
                matrix[:, self._row.fields[name][1]] = ord(text)
        return self._buffer[:n]


def _items(table: np.ndarray) -> np.ndarray:
    """A byte matrix as one fixed-size item per row."""
    return np.ascontiguousarray(table).view(f"V{table.shape[1]}").ravel()


def _record(fields: list[tuple[str, np.dtype]]) -> np.dtype:
    """The fields one after the other, with no gaps."""
    return np.dtype({"names": [name for name, _ in fields], "formats": [dtype for _, dtype in fields],
                     "offsets": np.cumsum([0] + [dtype.itemsize for _, dtype in fields[:-1]]).tolist()})


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


_THREE_DIGITS = _items(digits(np.arange(1_000), 3))
_THREE_DIGITS_COMMA = _items(np.concatenate([digits(np.arange(1_000), 3), np.full((1_000, 1), ord(","), np.uint8)],
                                            axis=1))
# Four hex digits per 16-bit value, as one 32-bit unit: 16 bits become their text in one lookup.
_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)[np.arange(65_536)[:, None] >> np.array([12, 8, 4, 0]) & 15] \
    .view(np.uint32).ravel()
# The session's 32 hex digits come four at a time from _HEX, between the dashes of the UUID text.
_DASH = np.dtype("V1")
_SESSION_FIELDS = [("hex0", _HEX.dtype), ("hex1", _HEX.dtype), ("dash0", _DASH), ("hex2", _HEX.dtype), ("dash1", _DASH),
                   ("hex3", _HEX.dtype), ("dash2", _DASH), ("hex4", _HEX.dtype), ("dash3", _DASH),
                   ("hex5", _HEX.dtype), ("hex6", _HEX.dtype), ("hex7", _HEX.dtype), ("end", _DASH)]


def _session_ids(keys: np.ndarray, salt: np.uint64, rows: np.ndarray) -> None:
    """UUID version 4 texts from session keys, 128 hashed bits each, into the rows' hex fields."""
    high = mix64(keys ^ salt)
    low = mix64(high)
    # The hex digits in the order of the text: each 64-bit hash's bytes from the lowest, two by two.
    units = np.stack([high, low], axis=1).view(">u2").astype(np.intp)
    units[:, 3] = units[:, 3] & 0x0FFF | 0x4000  # the version digit, 4
    units[:, 4] = units[:, 4] & 0x0FFF | (8 + (low & np.uint64(3)).astype(np.intp)) << 12  # the variant, 8 to b
    for k in range(8):
        rows[f"hex{k}"] = _HEX[units[:, k]]
