"""The shop's population: users whose activity is very unequal, and who buy more or less readily."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from clickgen.randomness import CumulativeIndex, mix64, purpose_salt, unit

# Each user opens sessions at a personal rate, log-normal with this spread: over 31 days the active users open
# 3.06 sessions each, as in October, 73 % of them once or twice, the busiest a couple of hundred; over 61 days,
# 4.2 each. The population grows with the density of the run (events per day), and how many of its users are
# active grows with the length of the window.
_ACTIVITY_SIGMA = 2.0
_SESSIONS_PER_USER_DAY = 0.02135
_MAX_USERS = 150_000_000  # keeps user ids at 9 digits in a very dense, short run
_FIRST_USER_ID = 500_000_000
# How likely a user is to buy in a session, relative to others: Weibull with shape 1/_BUYER_SKEW, mean 1. Buyers
# who buy again come from its long tail (44 % of two months' buyers buy more than once).
_BUYER_SKEW = 2.0
_CLASS_CELLS = 1 << 16  # of the table that finds a class from a random point (CumulativeIndex)


@dataclass(frozen=True)
class Users:
    """The shop's population, in classes of users who open sessions at the same rate.

    A user is picked for a session in proportion to their rate: first the class (a short search), then a user
    of the class, uniformly. No per-user table is kept, so a population of millions costs nothing.
    """

    class_cum: np.ndarray  # cumulative share of sessions per class
    class_index: CumulativeIndex
    class_first: np.ndarray  # index of the class's first user
    class_size: np.ndarray
    salt: np.uint64

    @property
    def size(self) -> int:
        return int(self.class_first[-1] + self.class_size[-1])

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """The user of each of n sessions."""
        group = self.class_index.find(rng.random(n) * self.class_cum[-1])
        group = np.minimum(group, len(self.class_cum) - 1)
        return self.class_first[group] + (rng.random(n) * self.class_size[group]).astype(np.int64)

    def buyer_factor(self, user: np.ndarray) -> np.ndarray:
        """How likely the user is to buy in a session, relative to the average user (Weibull, mean 1)."""
        spread = -np.log1p(-unit(mix64(user.astype(np.uint64) ^ self.salt)))
        return spread**_BUYER_SKEW / math.gamma(1 + _BUYER_SKEW)

    def user_id(self, user: np.ndarray) -> np.ndarray:
        """Distinct 9-digit ids, shuffled so that an id says nothing about how active its user is."""
        shuffled = _shuffle(user, self.size, self.salt)
        jitter = (mix64(user.astype(np.uint64) + self.salt) % np.uint64(3)).astype(np.int64)
        return _FIRST_USER_ID + 3 * shuffled + jitter


def build_users(seed: int, sessions: float, days: int) -> Users:
    """A population sized so that it opens about `sessions` sessions over `days` days."""
    size = int(np.clip(round(sessions / (_SESSIONS_PER_USER_DAY * days)), 1, _MAX_USERS))
    # Log-normal rates in thin classes of the standard normal: exact enough, and no draw per user.
    edges = np.linspace(-6, 6, 2_401)
    normal_cdf = np.array([0.5 * (1 + math.erf(z / math.sqrt(2))) for z in edges])
    class_size = _apportion(size, np.diff(normal_cdf))
    rate = np.exp(_ACTIVITY_SIGMA * (edges[:-1] + edges[1:]) / 2)
    class_cum = np.cumsum(class_size * rate)
    return Users(class_cum=class_cum, class_index=CumulativeIndex(class_cum, _CLASS_CELLS),
                 class_first=np.cumsum(class_size) - class_size, class_size=class_size, salt=purpose_salt(seed, 2))


def _shuffle(index: np.ndarray, size: int, salt: np.uint64) -> np.ndarray:
    """A fixed permutation of range(size): a bijection of the next power of two, applied again to the values
    that fall outside the range (cycle walking) until they are all inside."""
    bits = max(2, int(size - 1).bit_length())
    mask = np.uint64((1 << bits) - 1)
    value = index.astype(np.uint64)
    outside = np.ones(len(value), bool)
    while outside.any():
        x = value[outside]
        x = (x * np.uint64(0x9E3779B97F4A7C15) + salt) & mask
        x ^= x >> np.uint64(bits // 2 + 1)
        x = (x * np.uint64(0xBF58476D1CE4E5B9)) & mask
        value[outside] = x
        outside[outside] = x >= np.uint64(size)
    return value.astype(np.int64)



def _apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to the weights that add up to total exactly (largest remainders)."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    short = total - counts.sum()
    counts[np.argsort(counts - exact, kind="stable")[:short]] += 1
    return counts
