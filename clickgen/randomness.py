"""Randomness that can be replayed in parts.

Values that must be the same wherever they are computed (a user's buying habit, a product's price in one period,
a session's id) come from a hash of their key, so no table of them is kept. Everything else draws from an
independent NumPy stream per part of the model, so that one slice of the window can be simulated again, alone.
"""

from __future__ import annotations

import numpy as np


def mix64(keys: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a well-spread 64-bit hash of each key."""
    z = keys.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def unit(hashes: np.ndarray) -> np.ndarray:
    """Uniform floats in [0, 1) from 64-bit hashes."""
    return (hashes >> np.uint64(11)).astype(np.float64) * 2.0**-53


def purpose_salt(seed: int, purpose: int) -> np.uint64:
    """A 64-bit key mixed into the hashes of one purpose, so that two purposes never share values."""
    return mix64(mix64(np.array([seed], dtype=np.uint64)) + np.uint64(purpose))[0]


def stream(seed: int, *parts: int) -> np.random.Generator:
    """The random stream of one part of the model (the catalogue, a slice of sessions...)."""
    return np.random.default_rng([seed, *parts])


class CumulativeIndex:
    """np.searchsorted(cum, keys, side="right") for keys >= 0, several times faster on many random keys.

    [0, cum[-1]] is cut into equal cells, and a table holds for each cell the number of values of `cum` wholly
    below it: the answer itself for the cells that no value falls in, so that most keys need one lookup
    instead of a binary search. A value is counted in every cell that rounding could put it in: the answers are
    exact.
    """

    def __init__(self, cum: np.ndarray, cells: int) -> None:
        self._cum = np.append(cum, np.inf)  # the sentinel ends the count for keys above every value
        self._scale = cells / cum[-1]
        # A key k falls in cell int(k * scale). A value near a cell's edge marks the cells on both sides.
        position = cum * self._scale
        first = np.floor(position * (1 - 1e-9)).astype(np.int64)
        last = np.minimum(np.floor(position * (1 + 1e-9)).astype(np.int64), cells)
        assert (last - first <= 1).all()
        counts = np.bincount(last, minlength=cells + 1)
        below = (np.cumsum(counts) - counts).astype(np.int32)
        # The cells that a value falls in hold ~below (negative): the count up to the key is still to be made.
        unsure = np.zeros(cells + 1, bool)
        unsure[first] = unsure[last] = True
        below[unsure] = ~below[unsure]
        self._below = below
        self._cells = cells

    def find(self, keys: np.ndarray) -> np.ndarray:
        cell = (keys * self._scale).astype(np.intp)
        np.minimum(cell, self._cells, out=cell)
        found = self._below[cell].astype(np.intp)
        unsure = np.flatnonzero(found < 0)
        rank, key = ~found[unsure], keys[unsure]
        # Most of those cells hold a single value: one comparison settles the key; the rest are searched.
        rank += self._cum[rank] <= key
        rest = np.flatnonzero(self._cum[rank] <= key)
        rank[rest] = np.searchsorted(self._cum, key[rest], side="right")
        found[unsure] = rank
        return found
