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
