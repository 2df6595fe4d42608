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
_CONSTANTS = {"user_comma": ",", "dash0": "-", "dash1": "-", "dash2": "-", "dash3": "-", "end": "\n"}
# What follows the price: the user id (9 digits and a comma), the session's 36 characters and the line break.
_TAIL = 10 + 36 + 1
_NO_SESSION = 36  # what a row without a session lacks


class RowFormat:
    """Turns events into the bytes of REES46 rows.

    A row is four items written one after the other at the row's own place in the output: the head (date, clock
    time, event type), the catalogue's text, the price, and the tail (user id, session, line break). The head and
    the tail are records of fixed-size fields, each field copied from a table (clock times, event types, groups
    of digits) as one item per row; the text and the price are items of their tables. The event type, the text
    and the price vary in length: their items are padded with zeros to the longest, and the next item of the
    row, written after, covers the padding. So the rows come out packed, with no pass over the bytes to drop
    padding, and each item is copied once.
    """

    def __init__(self, first_day: dt.date, days: int, shop: Shop) -> None:
        self._salt = purpose_salt(shop.seed, 3)
        # "2019-10-01 13:45" per minute of the window, then ":07 UTC," per second: items of 16 and 8 bytes, which
        # NumPy copies as numbers, several times faster than items of odd sizes.
        dates = byte_table([f"{first_day + dt.timedelta(days=d):%Y-%m-%d} " for d in range(days)])
        minutes = np.arange(24 * 60)
        clock = np.concatenate([digits(minutes // 60, 2), np.full((len(minutes), 1), ord(":"), np.uint8),
                                digits(minutes % 60, 2)], axis=1)
        self._minutes = _items(np.concatenate([dates.repeat(len(minutes), axis=0), np.tile(clock, (days, 1))], axis=1))
        self._seconds = np.frombuffer("".join(f":{s:02d} UTC," for s in range(60)).encode(), np.uint64)
        # The event type, padded to 24 bytes: 16 and 8.
        kinds = np.zeros((len(EVENT_TYPES), 24), np.uint8)
        kinds[:, :17] = byte_table([f"{t}," for t in EVENT_TYPES])
        prices = _price_table(MAX_PRICE_CENTS)
        self._kinds, self._kind_ends = _items(kinds[:, :16]), _items(kinds[:, 16:]).view(np.uint64)
        self._kind_length = _lengths(kinds)
        self._texts, self._text_length = _items(shop.catalogue.texts), _lengths(shop.catalogue.texts)
        self._prices, self._price_length = _items(prices), _lengths(prices)
        self._head = _record([("minute", self._minutes.dtype), ("second", self._seconds.dtype),
                              ("kind", self._kinds.dtype), ("kind_end", self._kind_ends.dtype)])
        self._kind_at = np.intp(self._minutes.itemsize + self._seconds.itemsize)  # sums with it are intp
        # A user id has 9 digits (users.py): one, then two groups of four, then the comma.
        user = [("user_first", _DIGITS.dtype), ("user_middle", _FOUR_DIGITS.dtype), ("user_last", _FOUR_DIGITS.dtype),
                ("user_comma", _CHARACTER)]
        self._tail = _record([*user, *_SESSION_FIELDS])
        assert self._tail.itemsize == _TAIL
        # A padded item must end inside its own row, or it would overwrite the next one. The head and the price
        # always do; a text whose padding is longer than the rest of its row (a short row, without a session) is
        # written to its length instead, with the rest of that row.
        shortest_rest = int(self._price_length.min()) + _TAIL - _NO_SESSION
        assert self._head.itemsize <= self._kind_at + int(self._kind_length.min()) + int(self._text_length.min()) \
            + shortest_rest
        assert self._prices.itemsize <= shortest_rest
        text_overruns = self._texts.itemsize > self._text_length.astype(int) + int(self._price_length.min()) + _TAIL
        self._text_overruns = text_overruns if text_overruns.any() else None  # None in the shop's catalogue
        self._heads = np.zeros(0, self._head)
        self._tails = np.zeros(0, self._tail)
        self._out = np.zeros(0, np.uint8)

    def write(self, stream: BinaryIO, events: Events, sessionless: np.ndarray) -> None:
        """Write the rows a few thousand at a time: the rows then stay in the processor's cache."""
        for first in range(0, len(events), _ROWS_AT_A_TIME):
            last = first + _ROWS_AT_A_TIME
            here = sessionless[(sessionless >= first) & (sessionless < last)] - first
            stream.write(self.format(events.take(slice(first, last)), here))

    def format(self, events: Events, sessionless: np.ndarray) -> np.ndarray:
        """The rows' bytes, line breaks included: a view of a buffer that the next call reuses."""
        heads, tails, out = self._buffers(len(events))
        minute, second = np.divmod(events.second, 60)
        heads["minute"] = self._minutes[minute]
        heads["second"] = self._seconds[second]
        heads["kind"] = self._kinds[events.kind]
        heads["kind_end"] = self._kind_ends[events.kind]
        first, rest = np.divmod(events.user_id, 100_000_000)
        middle, last = np.divmod(rest, 10_000)
        tails["user_first"] = _DIGITS[first]
        tails["user_middle"] = _FOUR_DIGITS[middle]
        tails["user_last"] = _FOUR_DIGITS[last]
        _session_ids(events.session, self._salt, tails)

        # Where each row and each of its items starts in the output.
        text_at = self._kind_at + self._kind_length[events.kind]
        price_at = text_at + self._text_length[events.variant]
        tail_at = price_at + self._price_length[events.cents]
        length = tail_at + _TAIL
        length[sessionless] -= _NO_SESSION
        end = np.cumsum(length)
        start = end - length
        text_at += start
        price_at += start
        tail_at += start

        # The items in the order of the row, each covering the padding of the one before it.
        exact = sessionless
        if self._text_overruns is not None:
            exact = np.union1d(exact, np.flatnonzero(self._text_overruns[events.variant]))
        rows = slice(None) if len(exact) == 0 else np.delete(np.arange(len(events)), exact)
        _at_offsets(out, self._head.itemsize)[start[rows]] = _whole(heads)[rows]
        _at_offsets(out, self._texts.itemsize)[text_at[rows]] = self._texts[events.variant[rows]]
        _at_offsets(out, self._prices.itemsize)[price_at[rows]] = self._prices[events.cents[rows]]
        _at_offsets(out, _TAIL)[tail_at[rows]] = _whole(tails)[rows]
        # The few rows without a session, and any whose text's padding would run past their end: byte by byte.
        for row in exact.tolist():
            line = b"".join([heads[row].tobytes()[:text_at[row] - start[row]],
                             self._texts[events.variant[row]].tobytes()[:price_at[row] - text_at[row]],
                             self._prices[events.cents[row]].tobytes()[:tail_at[row] - price_at[row]],
                             tails[row].tobytes()[:end[row] - tail_at[row] - 1], b"\n"])
            out[start[row]:end[row]] = np.frombuffer(line, np.uint8)
        return out[:end[-1] if len(end) else 0]

    def _buffers(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Reused buffers, the tail's constant bytes written once: fresh ones per block would be paged in again
        each time."""
        if len(self._heads) < n:
            self._heads = np.zeros(n, self._head)
            self._tails = np.zeros(n, self._tail)
            matrix = self._tails.view(np.uint8).reshape(n, -1)
            for name, text in _CONSTANTS.items():
                matrix[:, self._tail.fields[name][1]] = ord(text)
            longest = self._head.itemsize + self._texts.itemsize + self._prices.itemsize + _TAIL
            self._out = np.zeros(n * longest, np.uint8)
        return self._heads[:n], self._tails[:n], self._out


def _whole(records: np.ndarray) -> np.ndarray:
    """Records as items of their size, to be copied whole."""
    return records.view(f"V{records.itemsize}")


def _lengths(table: np.ndarray) -> np.ndarray:
    """The length of each row of a byte table padded with zeros, in a byte: small tables stay in the cache."""
    assert table.shape[1] < 256
    return np.count_nonzero(table, axis=1).astype(np.uint8)


def _at_offsets(buffer: np.ndarray, size: int) -> np.ndarray:
    """The bytes as items of `size` bytes starting at every offset, overlapping: writing item k writes
    buffer[k:k + size]."""
    return np.ndarray((len(buffer) - size + 1,), f"V{size}", buffer, 0, (1,))


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


_DIGITS = np.frombuffer(b"0123456789", np.uint8)
_FOUR_DIGITS = digits(np.arange(10_000), 4).view(np.uint32).ravel()
# Four hex digits per 16-bit value, as one 32-bit unit: 16 bits become their text in one lookup.
_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)[np.arange(65_536)[:, None] >> np.array([12, 8, 4, 0]) & 15] \
    .view(np.uint32).ravel()
# The session's 32 hex digits come four at a time from _HEX, between the dashes of the UUID text.
_CHARACTER = np.dtype("V1")  # written once, when the buffer is made (_CONSTANTS)
_SESSION_FIELDS = [("hex0", _HEX.dtype), ("hex1", _HEX.dtype), ("dash0", _CHARACTER), ("hex2", _HEX.dtype),
                   ("dash1", _CHARACTER), ("hex3", _HEX.dtype), ("dash2", _CHARACTER), ("hex4", _HEX.dtype),
                   ("dash3", _CHARACTER), ("hex5", _HEX.dtype), ("hex6", _HEX.dtype), ("hex7", _HEX.dtype),
                   ("end", _CHARACTER)]


def _session_ids(keys: np.ndarray, salt: np.uint64, rows: np.ndarray) -> None:
    """UUID version 4 texts from session keys, 128 hashed bits each, into the rows' hex fields."""
    high = mix64(keys ^ salt)
    low = mix64(high)
    # The hex digits in the order of the text: each 64-bit hash's bytes from the lowest, two by two, which are
    # the 16-bit units of the byte-swapped hash from the highest.
    words = (high.byteswap().view(np.int64), low.byteswap().view(np.int64))
    for k in range(8):
        unit = words[k // 4] >> (48 - 16 * (k % 4)) & 0xFFFF
        if k == 3:
            unit = unit & 0x0FFF | 0x4000  # the version digit, 4
        elif k == 4:
            unit = unit & 0x0FFF | (8 + (low.view(np.int64) & 3)) << 12  # the variant, 8 to b
        rows[f"hex{k}"] = _HEX[unit]
