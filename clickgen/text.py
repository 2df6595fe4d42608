"""Fixed-width byte tables: rows are assembled by copying fields from tables, never a Python string per row."""

from __future__ import annotations

import numpy as np


def byte_table(texts: list[str]) -> np.ndarray:
    """Strings as rows of bytes, padded with zeros to the longest."""
    encoded = [t.encode() for t in texts]
    width = max(map(len, encoded))
    return np.array(encoded, dtype=f"S{width}").view(np.uint8).reshape(len(encoded), width)


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """Decimal digits of non-negative integers, zero-filled to `width`."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers % 10 + ord("0")).astype(np.uint8)


def digit_counts(values: np.ndarray) -> np.ndarray:
    """How many decimal digits each non-negative integer has."""
    return 1 + (values[:, None] >= 10 ** np.arange(1, 19, dtype=np.int64)).sum(axis=1)
