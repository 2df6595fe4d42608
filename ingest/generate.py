"""`ingest generate`: a synthetic clickstream in the REES46 format that behaves like the real shop, at any size.

The data is made the way the shop makes it, not row by row: a catalogue (a category tree, brands with a
heavy-tailed popularity and a price level, products whose price drifts), a population of users whose activity
is very unequal, sessions that users open through the day, and the events of each session (views, sometimes a
cart, sometimes a purchase). docs/data.md explains each choice and compares the result with the real profile.

Everything is vectorised with NumPy and produced a slice of the window at a time, in time order, so memory
stays bounded whatever the size; formatting and writing overlap with the simulation in a second thread.
"""

from __future__ import annotations

import datetime as dt
import gzip
import logging
import math
import os
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ingest.errors import IngestError
from ingest.rees46 import EVENT_TYPES, HEADER

log = logging.getLogger("ingest.generate")

# --- Calibration: scale and time -------------------------------------------------------------------------------
# The default window grows with N as a power law through (1M events, 3 days) and (the real October: 42.4M events,
# 31 days): a small run still shows days and nights, and a bigger run covers more days, so distinct users and
# sessions per event fall as N grows, as in the real data.
OCTOBER_EVENTS = 42_448_764
_WINDOW_EXPONENT = 0.62
# The window's events are simulated a slice at a time, this many at most: memory stays bounded whatever N.
_SLICE_EVENTS = 200_000
DAY = 86_400
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

# --- Calibration: users -----------------------------------------------------------------------------------------
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

# --- Calibration: sessions --------------------------------------------------------------------------------------
# Views per session: ceil of a log-normal; with the carts and purchases, 4.6-4.9 events per session.
_VIEWS_LOG_MEDIAN = 0.85
_VIEWS_LOG_SIGMA = 1.05
_MAX_VIEWS = 400
_MEAN_SESSION_EVENTS = 4.75  # used only to size the population and the first batch of sessions
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
_MAX_SESSION_SPAN = 12 * 3_600

# --- Calibration: rows ------------------------------------------------------------------------------------------
_DUPLICATE_SHARE = 0.0015  # exact duplicate rows, as in November
_EMPTY_SESSIONS_PER_EVENT = 1e-7  # 2 rows in October, 10 in November; at least 2 rows in any run

# --- Calibration: catalogue -------------------------------------------------------------------------------------
_PRODUCTS = 240_000
# Spread of popularity among the products of one brand in one category: a few take most of the views. With it
# the first 5,000 events show 2,400 products (2,312 in the real October) and a month 169,000 (166,794).
_PRODUCT_SIGMA = 2.8
_UNCODED_CATEGORIES = 420
# Of the sessions' categories: 31.84 % of events, as purchases and carts lean a little to coded categories.
_EMPTY_CODE_SHARE = 0.3225
# Brands beyond the head ones: Zipf popularity, each sold in one category or, for the popular ones, several.
# About 470 of them show in the first 5,000 events (465 in the real October) and 3,500 in a month (3,446).
_TAIL_BRANDS = 3_500
_TAIL_BRAND_EXPONENT = 1.3
_MAX_PRICE_CENTS = 257_407  # the real maximum, 2,574.07, in both months
_ZERO_PRICE_SHARE = 0.0016  # of events: 68,673 of October's 42.4M
_DRIFT_SHARE = 0.7  # products whose price moves, every 2 to 20 days, by up to 4 %
_DRIFT_DAYS = (2.0, 20.0)
_DRIFT_AMPLITUDE = 0.04
_BRAND_CHANGE_SHARE = 0.001  # 136 products in November appear under two brands

# Leaf categories: code, share of all events (%), typical price (USD). Category ids without a code (a third of
# the events) are made apart. Shares and prices follow the real shop's: smartphones lead, then appliances.
_LEAVES = """
electronics.smartphone 27.0 300
electronics.clocks 3.0 180
electronics.video.tv 2.6 420
electronics.audio.headphone 2.4 70
electronics.tablet 0.6 260
electronics.audio.acoustic 0.25 90
electronics.telephone 0.25 30
electronics.audio.subwoofer 0.3 130
electronics.camera.video 0.2 230
electronics.camera.photo 0.2 450
electronics.audio.music_tools.piano 0.15 390
electronics.audio.microphone 0.1 60
electronics.audio.amplifier 0.05 250
electronics.video.projector 0.05 380
electronics.audio.dictaphone 0.03 60
computers.notebook 2.6 600
computers.desktop 0.5 650
computers.components.videocards 0.4 330
computers.peripherals.printer 0.35 200
computers.components.hdd 0.3 70
computers.peripherals.monitor 0.3 180
computers.components.motherboard 0.2 120
computers.components.cpu 0.2 200
computers.peripherals.mouse 0.2 25
computers.components.memory 0.15 50
computers.peripherals.keyboard 0.15 30
computers.network.router 0.15 50
computers.components.power_supply 0.1 60
computers.components.cooler 0.08 25
computers.peripherals.camera 0.05 40
computers.ebooks 0.05 110
computers.components.sound_card 0.02 60
appliances.kitchen.washer 2.1 330
appliances.kitchen.refrigerators 2.0 520
appliances.environment.vacuum 1.8 160
appliances.kitchen.kettle 0.6 35
appliances.iron 0.6 50
appliances.environment.water_heater 0.5 130
appliances.kitchen.blender 0.4 45
appliances.kitchen.microwave 0.35 90
appliances.kitchen.hood 0.35 150
appliances.personal.hair_cutter 0.35 35
appliances.environment.air_heater 0.35 60
appliances.kitchen.coffee_machine 0.25 250
appliances.kitchen.meat_grinder 0.25 90
appliances.environment.air_conditioner 0.25 420
appliances.kitchen.mixer 0.2 60
appliances.kitchen.dishwasher 0.2 380
appliances.kitchen.oven 0.15 300
appliances.kitchen.hob 0.15 250
appliances.sewing_machine 0.15 180
appliances.kitchen.juicer 0.1 70
appliances.personal.scales 0.1 25
appliances.kitchen.toster 0.08 35
appliances.personal.massager 0.08 80
appliances.environment.fan 0.06 40
appliances.kitchen.grill 0.05 80
appliances.kitchen.steam_cooker 0.05 60
appliances.ironing_board 0.05 40
appliances.environment.climate 0.05 150
appliances.kitchen.fryer 0.04 90
appliances.kitchen.coffee_grinder 0.04 30
furniture.living_room.sofa 0.5 450
furniture.bedroom.bed 0.35 300
furniture.living_room.cabinet 0.3 200
furniture.kitchen.table 0.2 120
furniture.living_room.chair 0.2 100
furniture.bathroom.bath 0.1 300
furniture.kitchen.chair 0.1 50
furniture.universal.light 0.1 60
furniture.living_room.shelving 0.08 90
furniture.bathroom.toilet 0.05 200
furniture.bedroom.pillow 0.05 25
furniture.bedroom.blanket 0.05 40
auto.accessories.videoregister 0.3 90
auto.accessories.player 0.25 70
auto.accessories.alarm 0.1 120
auto.accessories.radar 0.05 110
auto.accessories.compressor 0.05 40
auto.accessories.parktronic 0.03 50
auto.accessories.winch 0.01 150
apparel.shoes 1.2 80
apparel.shoes.keds 0.4 90
apparel.shirt 0.15 40
apparel.jeans 0.15 50
apparel.costume 0.15 70
apparel.trousers 0.1 40
apparel.tshirt 0.1 20
apparel.jacket 0.1 90
apparel.dress 0.05 50
apparel.shoes.sandals 0.05 40
apparel.shoes.slipons 0.05 45
apparel.shoes.step_ins 0.05 45
apparel.shoes.ballet_shoes 0.04 40
apparel.underwear 0.04 20
apparel.shoes.moccasins 0.03 60
apparel.skirt 0.02 35
apparel.sock 0.02 8
apparel.glove 0.02 15
apparel.belt 0.02 25
apparel.scarf 0.02 20
kids.toys 0.3 30
kids.carriage 0.25 250
kids.skates 0.1 60
kids.dolls 0.06 30
kids.fmcg.diapers 0.05 25
kids.swing 0.03 70
kids.bottles 0.02 15
construction.tools.drill 0.3 80
construction.tools.saw 0.1 100
construction.components.faucet 0.1 60
construction.tools.pump 0.08 110
construction.tools.light 0.05 20
construction.tools.welding 0.05 150
construction.tools.generator 0.05 300
construction.tools.heater 0.04 80
construction.tools.painting 0.02 60
accessories.bag 0.15 40
accessories.wallet 0.03 25
accessories.umbrella 0.02 20
sport.bicycle 0.15 250
sport.trainer 0.08 300
sport.ski 0.03 150
sport.tennis 0.02 40
sport.snowboard 0.02 180
sport.diving 0.01 40
medicine.tools.tonometer 0.05 40
country_yard.lawn_mower 0.05 180
country_yard.cultivator 0.02 300
country_yard.watering 0.02 30
country_yard.furniture.hammok 0.01 60
stationery.cartrige 0.02 30
"""
# How much more (or less) often a session on a category ends in a purchase, by the longest matching code prefix:
# smartphones sell best, and electronics takes three quarters of the revenue.
_CONVERSION = {"electronics.smartphone": 1.65, "electronics": 1.2, "appliances": 0.95, "computers": 0.7,
               "furniture": 0.45, "auto": 0.6, "apparel": 0.5, "kids": 0.6, "construction": 0.6, "accessories": 0.5,
               "sport": 0.5, "medicine": 0.6, "country_yard": 0.5, "stationery": 0.5, "": 0.55}
# By top-level category: the share of its events on products without a brand.
_UNBRANDED = {"electronics": 0.03, "appliances": 0.06, "computers": 0.08, "furniture": 0.45, "auto": 0.15,
              "apparel": 0.25, "kids": 0.3, "construction": 0.15, "accessories": 0.3, "sport": 0.3, "medicine": 0.2,
              "country_yard": 0.3, "stationery": 0.3, "": 0.30}
# Brands that lead their categories: price level (times the category's typical price), then leaf: share of the
# leaf's events. Apple's price level and its share of smartphones make it the top brand by revenue (45 %),
# Samsung leads by events.
_HEAD_BRANDS: dict[str, tuple[float, dict[str, float]]] = {
    "apple": (3.4, {"electronics.smartphone": 0.29, "electronics.tablet": 0.30, "computers.notebook": 0.07,
        "electronics.audio.headphone": 0.12, "electronics.clocks": 0.10, "computers.desktop": 0.05}),
    "samsung": (1.1, {"electronics.smartphone": 0.33, "electronics.video.tv": 0.30, "electronics.tablet": 0.25,
        "appliances.kitchen.washer": 0.15, "appliances.kitchen.refrigerators": 0.12,
        "appliances.environment.vacuum": 0.10, "electronics.audio.headphone": 0.06, "electronics.clocks": 0.08,
        "computers.components.hdd": 0.15, "computers.peripherals.monitor": 0.15,
        "appliances.kitchen.microwave": 0.15}),
    "xiaomi": (0.55, {"electronics.smartphone": 0.18, "electronics.audio.headphone": 0.10,
        "electronics.clocks": 0.12, "appliances.environment.vacuum": 0.06, "computers.network.router": 0.10,
        "appliances.personal.scales": 0.15}),
    "huawei": (0.8, {"electronics.smartphone": 0.09, "electronics.tablet": 0.12, "electronics.clocks": 0.08,
        "electronics.audio.headphone": 0.04, "computers.network.router": 0.15, "computers.notebook": 0.03}),
    "lg": (1.1, {"electronics.video.tv": 0.22, "appliances.kitchen.washer": 0.20,
        "appliances.kitchen.refrigerators": 0.14, "appliances.kitchen.microwave": 0.08,
        "computers.peripherals.monitor": 0.08}),
    "oppo": (0.7, {"electronics.smartphone": 0.04}),
    "lenovo": (0.9, {"computers.notebook": 0.14, "electronics.tablet": 0.08, "computers.desktop": 0.08}),
    "acer": (0.9, {"computers.notebook": 0.14, "computers.peripherals.monitor": 0.10, "computers.desktop": 0.10}),
    "hp": (1.0, {"computers.notebook": 0.15, "computers.peripherals.printer": 0.30, "computers.desktop": 0.10,
        "computers.peripherals.mouse": 0.08}),
    "asus": (1.0, {"computers.notebook": 0.13, "computers.components.motherboard": 0.25,
        "computers.network.router": 0.15, "computers.components.videocards": 0.20}),
    "sony": (1.3, {"electronics.video.tv": 0.10, "electronics.audio.headphone": 0.10,
        "electronics.camera.photo": 0.20, "electronics.camera.video": 0.25}),
    "bosch": (1.15, {"appliances.kitchen.washer": 0.10, "appliances.kitchen.refrigerators": 0.08,
        "appliances.environment.vacuum": 0.10, "construction.tools.drill": 0.25,
        "appliances.kitchen.dishwasher": 0.20, "appliances.kitchen.blender": 0.15}),
    "philips": (0.9, {"appliances.iron": 0.25, "appliances.environment.vacuum": 0.10,
        "appliances.personal.hair_cutter": 0.25, "appliances.kitchen.blender": 0.10,
        "appliances.kitchen.kettle": 0.10}),
    "indesit": (0.75, {"appliances.kitchen.washer": 0.12, "appliances.kitchen.refrigerators": 0.10}),
    "artel": (0.8, {"electronics.video.tv": 0.08, "appliances.kitchen.refrigerators": 0.08,
        "appliances.environment.air_conditioner": 0.20, "appliances.environment.vacuum": 0.05}),
    "beko": (0.8, {"appliances.kitchen.washer": 0.08, "appliances.kitchen.refrigerators": 0.08}),
    "haier": (0.9, {"appliances.kitchen.refrigerators": 0.05, "appliances.environment.water_heater": 0.15,
        "appliances.environment.air_conditioner": 0.15}),
    "ariston": (1.0, {"appliances.environment.water_heater": 0.25, "appliances.kitchen.washer": 0.05}),
    "redmond": (0.8, {"appliances.kitchen.kettle": 0.15, "appliances.kitchen.blender": 0.10,
        "appliances.kitchen.meat_grinder": 0.15}),
    "tefal": (0.9, {"appliances.iron": 0.20, "appliances.kitchen.kettle": 0.10, "appliances.kitchen.grill": 0.20}),
    "polaris": (0.7, {"appliances.kitchen.kettle": 0.12, "appliances.environment.air_heater": 0.20,
        "appliances.iron": 0.10}),
    "elenberg": (0.6, {"appliances.kitchen.microwave": 0.10, "appliances.environment.water_heater": 0.05}),
    "canon": (1.0, {"electronics.camera.photo": 0.30, "computers.peripherals.printer": 0.20}),
    "jbl": (0.9, {"electronics.audio.acoustic": 0.25, "electronics.audio.headphone": 0.08}),
    "respect": (0.7, {"apparel.shoes": 0.20, "apparel.shoes.keds": 0.15}),
}
_BRAND_SYLLABLES = ("ka", "lo", "mi", "re", "su", "ta", "vi", "no", "be", "da", "fe", "gi", "ho", "ju", "ke", "la",
                    "ma", "ne", "pi", "ro", "sa", "te", "vo", "za", "ri", "tor", "lux", "van", "del", "mar", "kor",
                    "sin", "tek", "bel", "dor", "fin", "gal", "mon", "ser", "tin")
_BRAND_ENDINGS = ("", "", "", "x", "n", "s", "tex", "line", "pro", "ka", "ia", "on")

_VIEW, _CART, _REMOVE, _PURCHASE = (EVENT_TYPES.index(t) for t in ("view", "cart", "remove_from_cart", "purchase"))


def default_days(events: int) -> int:
    """The window a run of this many events covers when --days is not given (1M: 3 days, 42.4M: 31, 110M: 56)."""
    return max(1, round(31 * (events / OCTOBER_EVENTS) ** _WINDOW_EXPONENT))


# --- Counter-based randomness -----------------------------------------------------------------------------------
# Values that must be the same wherever they are computed (a user's buying habit, a product's price in one
# period, a session's id) come from a hash of their key, so no table of them is kept.

def _mix64(keys: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a well-spread 64-bit hash of each key."""
    z = keys.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _unit(hashes: np.ndarray) -> np.ndarray:
    """Uniform floats in [0, 1) from 64-bit hashes."""
    return (hashes >> np.uint64(11)).astype(np.float64) * 2.0**-53


def _salt(seed: int, purpose: int) -> np.uint64:
    return _mix64(_mix64(np.array([seed], dtype=np.uint64)) + np.uint64(purpose))[0]


def _rng(seed: int, *stream: int) -> np.random.Generator:
    """An independent stream per part of the model, so that a slice can be simulated again, alone."""
    return np.random.default_rng([seed, *stream])


# --- Catalogue --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Catalogue:
    """Leaf categories (a code or none, and its category ids) and their products, sorted by leaf."""

    leaf_cum: np.ndarray  # cumulative share of events per leaf, to pick a session's category
    leaf_conversion: np.ndarray
    leaf_first: np.ndarray  # first and last product of each leaf
    leaf_last: np.ndarray
    product_cum: np.ndarray  # cumulative share of events per product
    base_cents: np.ndarray
    drift_days: np.ndarray  # 0: the price never moves
    drift_phase: np.ndarray
    brand_change_at: np.ndarray  # second of the window from which the product shows its second brand
    second_variant: np.ndarray
    texts: np.ndarray  # per variant (products, then their second brands): "product_id,category_id,code,brand,"
    salt: np.uint64

    def sample_leaves(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.searchsorted(self.leaf_cum, rng.random(n) * self.leaf_cum[-1], side="right")

    def sample_products(self, rng: np.random.Generator, leaf: np.ndarray, anywhere: np.ndarray) -> np.ndarray:
        """A product by popularity within each leaf, or within the whole shop where `anywhere`."""
        first, last = self.leaf_first[leaf], self.leaf_last[leaf]
        below = np.where(first > 0, self.product_cum[np.maximum(first - 1, 0)], 0.0)
        low = np.where(anywhere, 0.0, below)
        high = np.where(anywhere, self.product_cum[-1], self.product_cum[last])
        product = np.searchsorted(self.product_cum, low + rng.random(len(leaf)) * (high - low), side="right")
        return np.clip(product, np.where(anywhere, 0, first), np.where(anywhere, len(self.product_cum) - 1, last))

    def price_cents(self, product: np.ndarray, second: np.ndarray) -> np.ndarray:
        """The price at that second: the base price, moved by up to ±4 % in each of the product's periods."""
        cents = self.base_cents[product]
        drifts = np.flatnonzero(self.drift_days[product] > 0)
        moving = product[drifts]
        period = np.floor(second[drifts] / (DAY * self.drift_days[moving]) + self.drift_phase[moving])
        move = 2 * _unit(_mix64(moving.astype(np.uint64) * np.uint64(1_000_003) + period.astype(np.uint64)
                               + self.salt)) - 1
        moved = np.rint(cents[drifts] * (1 + _DRIFT_AMPLITUDE * move)).astype(np.int64)
        cents[drifts] = np.minimum(moved, _MAX_PRICE_CENTS)
        return cents

    def variant(self, product: np.ndarray, second: np.ndarray) -> np.ndarray:
        return np.where(second >= self.brand_change_at[product], self.second_variant[product], product)


@dataclass(frozen=True)
class _Leaves:
    code: list[str]  # "" for the category ids that have no code
    weight: np.ndarray  # share of all events
    price: np.ndarray  # typical price
    conversion: np.ndarray
    unbranded: np.ndarray  # share of the leaf's events on products without a brand


@dataclass(frozen=True)
class _Brands:
    name: list[str]  # head brands first, then the tail
    price_level: np.ndarray
    tail_popularity: np.ndarray  # probabilities over the tail brands
    head_shares: dict[str, list[tuple[int, float]]]  # leaf code -> (head brand, share of the leaf's events)
    tails_of_leaf: list[np.ndarray]  # the tail brands (indices into tail_popularity) that sell in each leaf

    @property
    def first_tail(self) -> int:
        return len(self.name) - len(self.tail_popularity)


def build_catalogue(seed: int, window_seconds: int) -> Catalogue:
    rng = _rng(seed, 0)
    leaves = _leaves(rng)
    brands = _brands(rng, leaves)
    ids_of_leaf = _category_ids(rng, leaves)
    sizes = np.maximum(4, np.rint(_PRODUCTS * leaves.weight**0.75 / (leaves.weight**0.75).sum())).astype(np.int64)
    parts = [_leaf_products(rng, leaves, brands, ids_of_leaf, leaf, int(sizes[leaf]))
             for leaf in range(len(leaves.code))]
    leaf_of, brand_of, category_of, weight, price = (np.concatenate(column) for column in zip(*parts, strict=True))
    n = len(leaf_of)

    base_cents = np.clip(np.rint(price * 100), 50, _MAX_PRICE_CENTS).astype(np.int64)
    base_cents[_zero_price_products(rng, weight)] = 0
    drift_days = np.where(rng.random(n) < _DRIFT_SHARE, rng.uniform(*_DRIFT_DAYS, n), 0.0)

    # A few products move to another brand during the window (a brand relabelled or bought by another).
    changed = np.flatnonzero((rng.random(n) < _BRAND_CHANGE_SHARE) & (brand_of >= 0))
    brand_change_at = np.full(n, np.iinfo(np.int64).max)
    brand_change_at[changed] = rng.integers(0, window_seconds, len(changed))
    second_variant = np.arange(n)
    second_variant[changed] = n + np.arange(len(changed))
    second_brand = brands.first_tail + rng.choice(len(brands.tail_popularity), len(changed),
                                                  p=brands.tail_popularity)

    product_ids = 1_000_000 + np.cumsum(rng.integers(1, 400, n))
    codes = np.array(leaves.code, dtype=object)[leaf_of]
    names = np.array(["", *brands.name], dtype=object)
    texts = _texts(np.concatenate([product_ids, product_ids[changed]]),
                   np.concatenate([category_of, category_of[changed]]),
                   np.concatenate([codes, codes[changed]]),
                   names[np.concatenate([brand_of, second_brand]) + 1])
    return Catalogue(
        leaf_cum=np.cumsum(leaves.weight),
        leaf_conversion=leaves.conversion,
        leaf_first=np.searchsorted(leaf_of, np.arange(len(leaves.code)), side="left"),
        leaf_last=np.searchsorted(leaf_of, np.arange(len(leaves.code)), side="right") - 1,
        product_cum=np.cumsum(weight),
        base_cents=base_cents,
        drift_days=drift_days,
        drift_phase=rng.random(n),
        brand_change_at=brand_change_at,
        second_variant=second_variant,
        texts=texts,
        salt=_salt(seed, 1),
    )


def _leaves(rng: np.random.Generator) -> _Leaves:
    rows = [line.split() for line in _LEAVES.strip().splitlines()]
    coded_weight = np.array([float(share) for _, share, _ in rows])
    coded_weight *= (1 - _EMPTY_CODE_SHARE) / coded_weight.sum()
    # Category ids without a code: many small ones (cosmetics, household goods...), cheap on the whole.
    uncoded_weight = _zipf(_UNCODED_CATEGORIES, 1.2) * _EMPTY_CODE_SHARE
    code = [c for c, _, _ in rows] + [""] * _UNCODED_CATEGORIES
    top = [c.split(".")[0] for c in code]
    return _Leaves(
        code=code,
        weight=np.concatenate([coded_weight, uncoded_weight]),
        price=np.concatenate([[float(p) for _, _, p in rows],
                              np.clip(rng.lognormal(math.log(50), 0.9, _UNCODED_CATEGORIES), 3, 900)]),
        conversion=np.array([_CONVERSION[max((k for k in _CONVERSION if c.startswith(k)), key=len)]
                             for c in code]),
        unbranded=np.array([_UNBRANDED[t] for t in top]),
    )


def _brands(rng: np.random.Generator, leaves: _Leaves) -> _Brands:
    head = list(_HEAD_BRANDS)
    head_shares: dict[str, list[tuple[int, float]]] = {}
    for brand, (_, shares) in enumerate(_HEAD_BRANDS.values()):
        for code, share in shares.items():
            head_shares.setdefault(code, []).append((brand, share))
    tail = _brand_names(rng, _TAIL_BRANDS, set(head))
    popularity = _zipf(len(tail), _TAIL_BRAND_EXPONENT)
    # Popular brands sell in several categories, chosen as the shoppers' traffic is.
    placements = 1 + rng.poisson(3 * np.sqrt(popularity / popularity[0]))
    brand = np.repeat(np.arange(len(tail)), placements)
    leaf = rng.choice(len(leaves.code), len(brand), p=leaves.weight / leaves.weight.sum())
    order = np.lexsort((brand, leaf))
    tails_of_leaf = np.split(brand[order], np.searchsorted(leaf[order], np.arange(1, len(leaves.code))))
    return _Brands(
        name=head + tail,
        price_level=np.concatenate([[level for level, _ in _HEAD_BRANDS.values()],
                                    rng.lognormal(0.0, 0.35, len(tail))]),
        tail_popularity=popularity,
        head_shares=head_shares,
        tails_of_leaf=[np.unique(b) for b in tails_of_leaf],
    )


def _brand_names(rng: np.random.Generator, count: int, taken: set[str]) -> list[str]:
    """Pronounceable lower-case names, distinct from each other and from the head brands."""
    names = dict.fromkeys(taken)
    while len(names) < len(taken) + count:
        parts = rng.choice(_BRAND_SYLLABLES, (count, 3))
        lengths = rng.integers(2, 4, count)
        endings = rng.choice(_BRAND_ENDINGS, count)
        for syllables, length, ending in zip(parts, lengths, endings, strict=True):
            names.setdefault("".join(syllables[:length]) + ending)
    return list(names)[len(taken):len(taken) + count]


def _category_ids(rng: np.random.Generator, leaves: _Leaves) -> list[np.ndarray]:
    """19-digit ids: one to four per code (an id has one code, a code can have several ids), one per
    category without a code."""
    coded = np.array([code != "" for code in leaves.code])
    per_leaf = np.where(coded, 1 + np.minimum(rng.poisson(0.6, len(coded)), 3), 1)
    ids = 2_053_013_552_000_000_000 + np.cumsum(rng.integers(1_000_000, 30_000_000, per_leaf.sum()))
    # Some ids come from another, later numbering, as 2103807459595387724 does in the real data.
    later = rng.random(len(ids)) < 0.1
    ids[later] += 50_794_000_000_000_000
    return np.split(ids, np.cumsum(per_leaf)[:-1])


def _leaf_products(rng: np.random.Generator, leaves: _Leaves, brands: _Brands, ids_of_leaf: list[np.ndarray],
                   leaf: int, size: int) -> tuple[np.ndarray, ...]:
    """The products of one leaf: (leaf, brand or -1, category id, share of all events, base price) each."""
    slot_brand, slot_share = _leaf_slots(rng, leaves, brands, leaf)
    per_slot = np.maximum(1, np.rint(size * slot_share**0.7 / (slot_share**0.7).sum())).astype(np.int64)
    slot = np.repeat(np.arange(len(slot_share)), per_slot)
    brand = slot_brand[slot]
    within = rng.lognormal(0.0, _PRODUCT_SIGMA, len(slot))
    within /= np.bincount(slot, within)[slot]
    ids = ids_of_leaf[leaf]
    level = np.where(brand >= 0, brands.price_level[np.maximum(brand, 0)], 0.8)
    return (
        np.full(len(slot), leaf),
        brand,
        rng.choice(ids, len(slot), p=_zipf(len(ids), 1.5)),
        leaves.weight[leaf] * slot_share[slot] * within,
        leaves.price[leaf] * level * rng.lognormal(0.0, 0.4, len(slot)),
    )


def _leaf_slots(rng: np.random.Generator, leaves: _Leaves, brands: _Brands,
                leaf: int) -> tuple[np.ndarray, np.ndarray]:
    """Who shares a leaf's events: its head brands, unbranded products (brand -1) and its tail brands, these in
    proportion to their popularity."""
    head = brands.head_shares.get(leaves.code[leaf], [])
    head_brand = np.array([b for b, _ in head], dtype=np.int64)
    head_share = np.array([s for _, s in head])
    unbranded = leaves.unbranded[leaf]
    rest = max(0.05, 1 - head_share.sum() - unbranded)
    tails = brands.tails_of_leaf[leaf]
    if len(tails) == 0:
        tails = rng.choice(len(brands.tail_popularity), 1, p=brands.tail_popularity)
    tail_share = brands.tail_popularity[tails] / brands.tail_popularity[tails].sum()
    shares = np.concatenate([head_share, [unbranded], rest * tail_share])
    return np.concatenate([head_brand, [-1], brands.first_tail + tails]), shares / shares.sum()


def _zero_price_products(rng: np.random.Generator, weight: np.ndarray) -> np.ndarray:
    """Products at 0.00, drawn among those each too small to matter, until they hold 0.16 % of the events."""
    candidates = rng.permutation(np.flatnonzero(weight < 2e-5 * weight.sum()))
    reach = np.cumsum(weight[candidates]) / weight.sum()
    return candidates[: np.searchsorted(reach, _ZERO_PRICE_SHARE)]


def _texts(product_id: np.ndarray, category_id: np.ndarray, code: np.ndarray, brand: np.ndarray) -> np.ndarray:
    """The middle of a row per variant, "product_id,category_id,category_code,brand,", as padded bytes."""
    texts = [f"{p},{c},{k},{b},".encode() for p, c, k, b in zip(product_id.tolist(), category_id.tolist(),
                                                                  code.tolist(), brand.tolist(), strict=True)]
    width = max(map(len, texts))
    return np.array(texts, dtype=f"S{width}").view(np.uint8).reshape(len(texts), width)


def _zipf(count: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


# --- Users ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Users:
    """The shop's population, in classes of users who open sessions at the same rate.

    A user is picked for a session in proportion to their rate: first the class (a short search), then a user
    of the class, uniformly. No per-user table is kept, so a population of millions costs nothing.
    """

    class_cum: np.ndarray  # cumulative share of sessions per class
    class_first: np.ndarray  # index of the class's first user
    class_size: np.ndarray
    salt: np.uint64

    @property
    def size(self) -> int:
        return int(self.class_first[-1] + self.class_size[-1])

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """The user of each of n sessions."""
        group = np.searchsorted(self.class_cum, rng.random(n) * self.class_cum[-1], side="right")
        group = np.minimum(group, len(self.class_cum) - 1)
        return self.class_first[group] + (rng.random(n) * self.class_size[group]).astype(np.int64)

    def buyer_factor(self, user: np.ndarray) -> np.ndarray:
        """How likely the user is to buy in a session, relative to the average user (Weibull, mean 1)."""
        spread = -np.log1p(-_unit(_mix64(user.astype(np.uint64) ^ self.salt)))
        return spread**_BUYER_SKEW / math.gamma(1 + _BUYER_SKEW)

    def user_id(self, user: np.ndarray) -> np.ndarray:
        """Distinct 9-digit ids, shuffled so that an id says nothing about how active its user is."""
        shuffled = _shuffle(user, self.size, self.salt)
        jitter = (_mix64(user.astype(np.uint64) + self.salt) % np.uint64(3)).astype(np.int64)
        return _FIRST_USER_ID + 3 * shuffled + jitter


def build_users(seed: int, events: int, days: int) -> Users:
    sessions = events / _MEAN_SESSION_EVENTS
    size = int(np.clip(round(sessions / (_SESSIONS_PER_USER_DAY * days)), 1, _MAX_USERS))
    # Log-normal rates in thin classes of the standard normal: exact enough, and no draw per user.
    edges = np.linspace(-6, 6, 2_401)
    normal_cdf = np.array([0.5 * (1 + math.erf(z / math.sqrt(2))) for z in edges])
    class_size = _apportion(size, np.diff(normal_cdf))
    rate = np.exp(_ACTIVITY_SIGMA * (edges[:-1] + edges[1:]) / 2)
    return Users(class_cum=np.cumsum(class_size * rate), class_first=np.cumsum(class_size) - class_size,
                 class_size=class_size, salt=_salt(seed, 2))


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


# --- Time -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Calendar:
    """When the window's events happen: an hourly plan from the day/night cycle, the weekday and sale days."""

    planned: np.ndarray  # events planned before each hour boundary of the window, from 0 to N
    conversion: np.ndarray  # the purchase multiplier of each day (sale days)

    def second_at(self, position: np.ndarray) -> np.ndarray:
        """The second (from the window's start) at which the planned event at `position` happens."""
        hour = np.clip(np.searchsorted(self.planned, position, side="right") - 1, 0, len(self.planned) - 2)
        within = (position - self.planned[hour]) / (self.planned[hour + 1] - self.planned[hour])
        return (3_600 * (hour + within)).astype(np.int64)


def plan_calendar(events: int, first_day: dt.date, days: int) -> Calendar:
    dates = [first_day + dt.timedelta(days=d) for d in range(days)]
    sale = np.array([SALE_DAYS.get(d, (1.0, 1.0)) for d in dates])
    weekday = _WEEKDAY_TRAFFIC[[d.isoweekday() - 1 for d in dates]]
    hourly = np.outer(weekday * sale[:, 0], _HOURLY_TRAFFIC).ravel()
    return Calendar(planned=np.concatenate([[0.0], np.cumsum(hourly) * events / hourly.sum()]),
                    conversion=sale[:, 1])


@dataclass(frozen=True)
class Slices:
    """The planned events cut into slices of at most _SLICE_EVENTS, simulated one at a time."""

    first: np.ndarray  # position of the slice's first planned event
    budget: np.ndarray  # events of the sessions that start in the slice
    end: np.ndarray  # the second from which the events of later slices can start
    tail: np.ndarray  # slices that start in the window's last _MAX_SESSION_SPAN seconds

    def __len__(self) -> int:
        return len(self.budget)


def plan_slices(calendar: Calendar) -> Slices:
    """Slices in two runs, before and after the tail: the tail is all the wrap-around must simulate twice."""
    events = calendar.planned[-1]
    tail_start = calendar.planned[-1 - _MAX_SESSION_SPAN // 3_600]  # a window has 24 hours or more
    bounds = np.unique(np.rint(np.concatenate([
        np.linspace(0, tail_start, 2 + int(tail_start // _SLICE_EVENTS)),
        np.linspace(tail_start, events, 2 + int((events - tail_start) // _SLICE_EVENTS)),
    ])).astype(np.int64))
    first, last = bounds[:-1], bounds[1:]
    end = calendar.second_at(last.astype(np.float64))
    end[-1] = 3_600 * (len(calendar.planned) - 1)  # the window's end exactly, whatever the rounding
    return Slices(first=first, budget=last - first, end=end, tail=first >= np.rint(tail_start))


def _apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to the weights that add up to total exactly (largest remainders)."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    short = total - counts.sum()
    counts[np.argsort(counts - exact, kind="stable")[:short]] += 1
    return counts


# --- Sessions and their events ----------------------------------------------------------------------------------

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
        return Events(*(column[rows] for column in self._columns()))

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
    rng = _rng(shop.seed, 2, index)
    sessions = _sessions(rng, shop, index)
    return _events(rng, shop, sessions, index)


def _no_events() -> Events:
    empty = np.zeros(0, np.int64)
    return Events(empty, empty.astype(np.int8), empty, empty, empty, empty, empty.astype(np.uint64))


def _sessions(rng: np.random.Generator, shop: Shop, index: int) -> _Sessions:
    """Enough sessions to hold exactly the slice's budget of events."""
    budget = int(shop.slices.budget[index])
    count = int(budget / _MEAN_SESSION_EVENTS * 1.2) + 16
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
    return (offset * np.minimum(1.0, _MAX_SESSION_SPAN / np.maximum(span, 1.0))[session]).astype(np.int64)


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
        pool = pool.take(np.argsort(pool.second, kind="stable"))
        ready = int(np.searchsorted(pool.second, slices.end[index]))
        carried = pool.take(slice(ready, None))
        yield pool.take(slice(ready))


_WRAPPED = np.uint64(1) << np.uint64(63)


def _wrapped(shop: Shop, events: Events) -> Events:
    """The events after the window's end, moved to its start as other sessions in progress there."""
    after = events.take(np.flatnonzero(events.second >= shop.window_seconds))
    second = after.second - shop.window_seconds
    return Events(second, after.kind, after.product, shop.catalogue.variant(after.product, second),
                  shop.catalogue.price_cents(after.product, second), after.user_id, after.session | _WRAPPED)


# --- Rows -------------------------------------------------------------------------------------------------------

def finished_rows(shop: Shop, events: int) -> Iterator[tuple[Events, np.ndarray]]:
    """The events as rows of the file, with what the real file has too: duplicated rows and a few rows without
    a session. Yields each block with the positions of its rows whose user_session is empty."""
    rng = _rng(shop.seed, 3)
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
        self._salt = _salt(shop.seed, 3)
        dates = [f"{first_day + dt.timedelta(days=d):%Y-%m-%d} " for d in range(days)]
        self._dates = _table(dates)
        seconds = np.arange(DAY)
        clock = np.stack([seconds // 3_600, seconds // 60 % 60, seconds % 60], axis=1)
        colon = np.full((DAY, 1), ord(":"), np.uint8)
        self._clock = np.concatenate([_digits(clock[:, 0], 2), colon, _digits(clock[:, 1], 2), colon,
                                      _digits(clock[:, 2], 2), _table([" UTC,"]).repeat(DAY, axis=0)], axis=1)
        self._kinds = _table([f"{t}," for t in EVENT_TYPES])
        self._texts = shop.catalogue.texts
        self._prices = _price_table(_MAX_PRICE_CENTS)
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


def _table(texts: list[str]) -> np.ndarray:
    """Strings as rows of bytes, padded with zeros to the longest."""
    encoded = [t.encode() for t in texts]
    width = max(map(len, encoded))
    return np.array(encoded, dtype=f"S{width}").view(np.uint8).reshape(len(encoded), width)


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Decimal digits of non-negative integers, zero-filled to `width`."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers % 10 + ord("0")).astype(np.uint8)


def _price_table(max_cents: int) -> np.ndarray:
    """Row c holds the text of c cents and a comma, "2574.07,", left-aligned."""
    cents = np.arange(max_cents + 1)
    whole = cents // 100
    length = 1 + (whole >= 10).astype(int) + (whole >= 100) + (whole >= 1000)
    table = np.zeros((len(cents), 8), np.uint8)
    for digits in range(1, 5):
        rows = np.flatnonzero(length == digits)
        table[rows, :digits] = _digits(whole[rows], digits)
        table[rows, digits] = ord(".")
        table[rows, digits + 1:digits + 3] = _digits(cents[rows] % 100, 2)
        table[rows, digits + 3] = ord(",")
    return table


_THREE_DIGITS = _digits(np.arange(1_000), 3)
# Four hex digits per 16-bit value, as one 32-bit unit: 16 bits become their text in one lookup.
_HEX = _table([f"{i:04x}" for i in range(65_536)]).view(np.uint32).ravel()


def _session_ids(keys: np.ndarray, salt: np.uint64, out: np.ndarray) -> None:
    """UUID version 4 texts (and the line's end) from session keys: 128 hashed bits each."""
    high = _mix64(keys ^ salt)
    raw = np.stack([high, _mix64(high)], axis=1)
    hexed = _HEX[raw.view(">u2")].view(np.uint8)
    for start, (first, last) in zip((0, 9, 14, 19, 24), ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32)),
                                    strict=True):
        out[:, start:start + last - first] = hexed[:, first:last]
    for dash in (8, 13, 18, 23):
        out[:, dash] = ord("-")
    out[:, 14] = ord("4")
    out[:, 19] = np.frombuffer(b"89ab", np.uint8)[raw[:, 1] & np.uint64(3)]
    out[:, 36] = ord("\n")


# --- The file ---------------------------------------------------------------------------------------------------

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
    shop = Shop(seed=seed, catalogue=build_catalogue(seed, window), users=build_users(seed, events, days),
                calendar=calendar, slices=plan_slices(calendar), window_seconds=window,
                remove_from_cart=remove_from_cart)
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
