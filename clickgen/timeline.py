"""When the window's events happen: the day/night cycle, the weekday, the sale days, and the slices the window
is simulated in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from clickgen.randomness import CumulativeIndex

DAY = 86_400
# The window's events are simulated a slice at a time, this many at most: memory stays bounded whatever N.
_SLICE_EVENTS = 200_000
# A session lasts at most this long: the slices at the window's end whose sessions can run past it are simulated
# again at its start (see clickgen.sessions.events_in_time_order).
MAX_SESSION_SPAN = 12 * 3_600
# Share of the day's traffic in each hour, UTC. The shop is Russian (UTC+3): quiet at night in Moscow, busiest
# in the afternoon and evening there.
_HOURLY_TRAFFIC = np.array([
    0.30, 0.18, 0.13, 0.14, 0.25, 0.45, 0.65, 0.80, 0.90, 0.95, 0.97, 0.98,
    0.97, 0.97, 0.98, 1.00, 1.00, 0.98, 0.92, 0.80, 0.65, 0.52, 0.42, 0.36,
])
# Traffic by ISO weekday (Monday first): a little more on Sunday and Monday, least on Friday.
_WEEKDAY_TRAFFIC = np.array([1.04, 1.02, 1.00, 0.98, 0.93, 0.95, 1.08])
# The sale of 16-17 November 2019: (traffic, conversion) multipliers, which give the real 68k and 185k
# purchases against about 24k on a normal day. A window without these dates has no spike.
SALE_DAYS = {dt.date(2019, 11, 16): (1.5, 1.9), dt.date(2019, 11, 17): (2.4, 3.2)}


@dataclass(frozen=True)
class Calendar:
    """When the window's events happen: an hourly plan from the day/night cycle, the weekday and sale days."""

    planned: np.ndarray  # events planned before each hour boundary of the window, from 0 to N
    hour_index: CumulativeIndex  # to find the hour of a planned event
    conversion: np.ndarray  # the purchase multiplier of each day (sale days)

    def second_at(self, position: np.ndarray) -> np.ndarray:
        """The second (from the window's start) at which the planned event at `position` happens."""
        hour = np.clip(self.hour_index.find(position) - 1, 0, len(self.planned) - 2)
        within = (position - self.planned[hour]) / (self.planned[hour + 1] - self.planned[hour])
        return (3_600 * (hour + within)).astype(np.int64)


def plan_calendar(events: int, first_day: dt.date, days: int) -> Calendar:
    dates = [first_day + dt.timedelta(days=d) for d in range(days)]
    sale = np.array([SALE_DAYS.get(d, (1.0, 1.0)) for d in dates])
    weekday = _WEEKDAY_TRAFFIC[[d.isoweekday() - 1 for d in dates]]
    hourly = np.outer(weekday * sale[:, 0], _HOURLY_TRAFFIC).ravel()
    planned = np.concatenate([[0.0], np.cumsum(hourly) * events / hourly.sum()])
    return Calendar(planned=planned, hour_index=CumulativeIndex(planned, 64 * len(planned)), conversion=sale[:, 1])


@dataclass(frozen=True)
class Slices:
    """The planned events cut into slices of at most _SLICE_EVENTS, simulated one at a time."""

    first: np.ndarray  # position of the slice's first planned event
    budget: np.ndarray  # events of the sessions that start in the slice
    end: np.ndarray  # the second from which the events of later slices can start
    tail: np.ndarray  # slices that start in the window's last MAX_SESSION_SPAN seconds

    def __len__(self) -> int:
        return len(self.budget)


def plan_slices(calendar: Calendar) -> Slices:
    """Slices in two runs, before and after the tail: the tail is all the wrap-around must simulate twice."""
    events = calendar.planned[-1]
    tail_start = calendar.planned[-1 - MAX_SESSION_SPAN // 3_600]  # a window has 24 hours or more
    bounds = np.unique(np.rint(np.concatenate([
        np.linspace(0, tail_start, 2 + int(tail_start // _SLICE_EVENTS)),
        np.linspace(tail_start, events, 2 + int((events - tail_start) // _SLICE_EVENTS)),
    ])).astype(np.int64))
    first, last = bounds[:-1], bounds[1:]
    end = calendar.second_at(last.astype(np.float64))
    end[-1] = 3_600 * (len(calendar.planned) - 1)  # the window's end exactly, whatever the rounding
    return Slices(first=first, budget=last - first, end=end, tail=first >= np.rint(tail_start))

