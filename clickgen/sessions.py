"""Sessions that users open through the day, and the events of each: views, sometimes a cart, sometimes a
purchase. The window is simulated a slice at a time and handed on in time order."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, fields

import numpy as np

from clickgen.catalogue import Catalogue
from clickgen.randomness import stream
from clickgen.timeline import DAY, MAX_SESSION_SPAN, Calendar, Slices
from clickgen.users import Users
from ingest.rees46 import EVENT_TYPES

# Views per session: ceil of a log-normal; with the carts and purchases, 4.6-4.9 events per session.
_VIEWS_LOG_MEDIAN = 0.85
_VIEWS_LOG_SIGMA = 1.05
_MAX_VIEWS = 400
MEAN_SESSION_EVENTS = 4.75  # used only to size the population and the first batch of sessions
_REVIEW_SHARE = 0.3   # a view goes back to the product viewed just before
_WANDER_SHARE = 0.15  # a view leaves the session's category for any product of the shop
_PURCHASE_RATE = 0.061  # sessions that buy, before the user's, the category's and the day's factors
_ABANDON_RATE = 0.09  # sessions that put products in the cart and leave
_EXTRA_ITEMS = 0.25  # products per order or abandoned cart: 1 + Poisson(this)
_CART_BEFORE_PURCHASE = 0.45  # the rest buy without a cart event in the session: 55 % of purchases
_REMOVE_SHARE = 0.5  # with remove_from_cart: share of abandoned cart events taken out again
_SHARED_SESSION_SHARE = 4.5e-5  # a second user id takes over the session (591 of 13.8M sessions in November)
# Seconds between two events of a session: mostly clicks, sometimes a pause of hours after which the same
# session goes on. Sessions that long are why a short sample of the real data cuts so many of them (2.6 events
# per session in the first 5,000 rows of October, 4.6 over the month).
_CLICK_LOG_MEDIAN, _CLICK_LOG_SIGMA, _MAX_CLICK = math.log(25), 1.0, 1_800
_PAUSE_SHARE = 0.12
_PAUSE_LOG_MEDIAN, _PAUSE_LOG_SIGMA, _MAX_PAUSE = math.log(2 * 3_600), 1.0, 10 * 3_600

_VIEW, _CART, _REMOVE, _PURCHASE = (EVENT_TYPES.index(t) for t in ("view", "cart", "remove_from_cart", "purchase"))


@dataclass(frozen=True)
class Shop:
    seed: int
    catalogue: Catalogue
    users: Users
    calendar: Calendar
    slices: Slices
    window_seconds: int
    remove_from_cart: bool


@dataclass(frozen=True)
class Events:
    """Events as columns; the session is a key that becomes the UUID-like user_session when written."""

    second: np.ndarray  # from the window's start
    kind: np.ndarray  # index into EVENT_TYPES
    product: np.ndarray
    variant: np.ndarray  # row of Catalogue.texts
    cents: np.ndarray
    user_id: np.ndarray
    session: np.ndarray  # uint64 key

    def __len__(self) -> int:
        return len(self.second)

    def repeat_previous(self, rows: np.ndarray) -> None:
        """Each of `rows` (ascending, never 0) becomes a copy of the row before it, in place."""
        # A run of repeated rows copies the row before the run.
        run_starts = np.diff(rows, prepend=-2) != 1
        source = rows[run_starts][np.cumsum(run_starts) - 1] - 1
        for column in self._columns():
            column[rows] = column[source]

    def take(self, rows: np.ndarray | slice) -> Events:
        if isinstance(rows, slice):
            return Events(*(column[rows] for column in self._columns()))
        return Events(*(np.take(column, rows) for column in self._columns()))  # a tenth faster than column[rows]

    @staticmethod
    def concat(parts: list[Events]) -> Events:
        return Events(*(np.concatenate(columns) for columns in zip(*(p._columns() for p in parts), strict=True)))

    def _columns(self) -> tuple[np.ndarray, ...]:
        return self.second, self.kind, self.product, self.variant, self.cents, self.user_id, self.session


@dataclass(frozen=True)
class _Sessions:
    user: np.ndarray
    second_user: np.ndarray  # -1, or the user who takes over the second half of the session
    leaf: np.ndarray  # the category the session is about
    views: np.ndarray
    items: np.ndarray  # products carted or bought
    carts: np.ndarray
    removes: np.ndarray
    purchases: np.ndarray
    start: np.ndarray

    @property
    def size(self) -> np.ndarray:
        return self.views + self.carts + self.removes + self.purchases

    def head(self, count: int, last_size: int) -> _Sessions:
        """The first `count` sessions, the last one cut to `last_size` events."""
        cut = _Sessions(**{f.name: getattr(self, f.name)[:count].copy() for f in fields(self)})
        drop = int(cut.size[-1]) - last_size
        for field in ("purchases", "removes", "carts", "views"):  # the end of a session goes first
            column = getattr(cut, field)
            taken = min(drop, int(column[-1]))
            column[-1] -= taken
            drop -= taken
        return cut


def simulate_slice(shop: Shop, index: int) -> Events:
    """The events of the sessions that start in one slice; some may fall after the slice, or the window."""
    rng = stream(shop.seed, 2, index)
    sessions = _sessions(rng, shop, index)
    return _events(rng, shop, sessions, index)


def _no_events() -> Events:
    empty = np.zeros(0, np.int64)
    return Events(empty, empty.astype(np.int8), empty, empty, empty, empty, empty.astype(np.uint64))


def _sessions(rng: np.random.Generator, shop: Shop, index: int) -> _Sessions:
    """Enough sessions to hold exactly the slice's budget of events."""
    budget = int(shop.slices.budget[index])
    count = int(budget / MEAN_SESSION_EVENTS * 1.2) + 16
    while True:
        batch = _draw_sessions(rng, shop, index, count)
        reach = np.cumsum(batch.size)
        if reach[-1] >= budget:
            last = int(np.searchsorted(reach, budget))
            return batch.head(last + 1, budget - int(reach[last - 1] if last else 0))
        count *= 2


def _draw_sessions(rng: np.random.Generator, shop: Shop, index: int, n: int) -> _Sessions:
    position = shop.slices.first[index] + rng.random(n) * shop.slices.budget[index]
    start = shop.calendar.second_at(position)
    user = shop.users.sample(rng, n)
    leaf = shop.catalogue.sample_leaves(rng, n)
    views = np.minimum(np.ceil(rng.lognormal(_VIEWS_LOG_MEDIAN, _VIEWS_LOG_SIGMA, n)), _MAX_VIEWS).astype(np.int64)
    conversion = shop.catalogue.leaf_conversion[leaf]
    buy = np.minimum(_PURCHASE_RATE * conversion * shop.users.buyer_factor(user)
                     * shop.calendar.conversion[start // DAY], 0.9)
    abandon = np.minimum(_ABANDON_RATE * conversion, 1 - buy)
    outcome = rng.random(n)
    buys, abandons = outcome < buy, (outcome >= buy) & (outcome < buy + abandon)
    items = 1 + rng.poisson(_EXTRA_ITEMS, n)
    cart_first = buys & (rng.random(n) < _CART_BEFORE_PURCHASE)
    removes = rng.binomial(items, _REMOVE_SHARE) if shop.remove_from_cart else np.zeros(n, np.int64)
    second_user = np.full(n, -1)
    shared = np.flatnonzero(rng.random(n) < _SHARED_SESSION_SHARE)
    second_user[shared] = shop.users.sample(rng, len(shared))
    return _Sessions(
        user=user,
        second_user=second_user,
        leaf=leaf,
        views=views,
        items=items,
        carts=np.where(abandons | cart_first, items, 0),
        removes=np.where(abandons, removes, 0),
        purchases=np.where(buys, items, 0),
        start=start,
    )


def _events(rng: np.random.Generator, shop: Shop, sessions: _Sessions, index: int) -> Events:
    """Each session's views, then its carts (and removals), then its purchases, seconds or hours apart."""
    size = sessions.size
    session = np.repeat(np.arange(len(size)), size)
    first = np.cumsum(size) - size
    step = np.arange(len(session)) - first[session]
    views = sessions.views[session]
    carts_end = views + sessions.carts[session]
    removes_end = carts_end + sessions.removes[session]
    kind = np.select([step < views, step < carts_end, step < removes_end], [_VIEW, _CART, _REMOVE],
                     _PURCHASE).astype(np.int8)

    # Views: products of the session's category, sometimes of any category, sometimes the previous one again.
    again = (step > 0) & (kind == _VIEW) & (rng.random(len(session)) < _REVIEW_SHARE)
    fresh = np.flatnonzero((kind == _VIEW) & ~again)
    product = np.zeros(len(session), np.int64)
    product[fresh] = shop.catalogue.sample_products(rng, sessions.leaf[session[fresh]],
                                                    rng.random(len(fresh)) < _WANDER_SHARE)
    product = product[np.maximum.accumulate(np.where(again, 0, np.arange(len(session))))]
    # The i-th product carted, removed or bought is the i-th of the session's last viewed products.
    later = np.flatnonzero(kind != _VIEW)
    block_start = np.select([kind[later] == _CART, kind[later] == _REMOVE], [views[later], carts_end[later]],
                            removes_end[later])
    viewed = np.maximum(views[later] - sessions.items[session[later]] + step[later] - block_start, 0)
    product[later] = product[first[session[later]] + np.minimum(viewed, views[later] - 1)]

    second = sessions.start[session] + _offsets(rng, step, session, first, size)
    user_id = shop.users.user_id(sessions.user)[session]
    takeover = np.flatnonzero((sessions.second_user[session] >= 0) & (2 * step >= size[session]) & (step > 0))
    user_id[takeover] = shop.users.user_id(sessions.second_user[session[takeover]])
    return Events(
        second=second,
        kind=kind,
        product=product,
        variant=shop.catalogue.variant(product, second),
        cents=shop.catalogue.price_cents(product, second),
        user_id=user_id,
        session=(np.uint64(index) << np.uint64(32)) | session.astype(np.uint64),
    )


def _offsets(rng: np.random.Generator, step: np.ndarray, session: np.ndarray, first: np.ndarray,
             size: np.ndarray) -> np.ndarray:
    """Seconds from the session's start: clicks seconds apart, now and then a pause; at most 12 hours in all."""
    n = len(step)
    pause = rng.random(n) < _PAUSE_SHARE
    gap = np.where(pause,
                   np.minimum(rng.lognormal(_PAUSE_LOG_MEDIAN, _PAUSE_LOG_SIGMA, n), _MAX_PAUSE),
                   np.minimum(rng.lognormal(_CLICK_LOG_MEDIAN, _CLICK_LOG_SIGMA, n), _MAX_CLICK))
    gap = np.where(step == 0, 0.0, np.maximum(gap, 1.0))
    elapsed = np.cumsum(gap)
    offset = elapsed - elapsed[first][session]
    span = offset[first + size - 1]
    return (offset * np.minimum(1.0, MAX_SESSION_SPAN / np.maximum(span, 1.0))[session]).astype(np.int64)


def events_in_time_order(shop: Shop) -> Iterator[Events]:
    """Every event of the window, sorted by time, one slice at a time.

    The window is treated as a circle: what the sessions of the last hours do after the window's end is what
    the sessions in progress at its start did, so those events come back at the start under new session ids.
    The count stays exact, every event falls inside the window, and a short window cuts sessions at both ends
    as a sample of the real data does.
    """
    slices, end = shop.slices, shop.window_seconds
    carried = Events.concat([_no_events(), *(_wrapped(shop, simulate_slice(shop, i))
                                             for i in np.flatnonzero(slices.tail))])
    for index in range(len(slices)):
        fresh = simulate_slice(shop, index)
        if slices.tail[index]:  # what falls after the end came back at the start
            fresh = fresh.take(np.flatnonzero(fresh.second < end))
        pool = Events.concat([carried, fresh])
        pool = pool.take(_time_order(pool.second))
        ready = int(np.searchsorted(pool.second, slices.end[index]))
        carried = pool.take(slice(ready, None))
        yield pool.take(slice(ready))


def _time_order(second: np.ndarray) -> np.ndarray:
    """np.argsort(second, kind="stable"), several times faster: with each event's position in its low bits, the
    keys are distinct, so NumPy's plain sort (vectorised, unlike the stable one) keeps the ties in order."""
    bits = len(second).bit_length()
    if len(second) == 0 or second.min() < 0 or second.max() >= 1 << (62 - bits):
        return np.argsort(second, kind="stable")
    key = second << bits
    key |= np.arange(len(second))
    key.sort()
    key &= (1 << bits) - 1
    return key


_WRAPPED = np.uint64(1) << np.uint64(63)


def _wrapped(shop: Shop, events: Events) -> Events:
    """The events after the window's end, moved to its start as other sessions in progress there."""
    after = events.take(np.flatnonzero(events.second >= shop.window_seconds))
    second = after.second - shop.window_seconds
    return Events(second, after.kind, after.product, shop.catalogue.variant(after.product, second),
                  shop.catalogue.price_cents(after.product, second), after.user_id, after.session | _WRAPPED)

