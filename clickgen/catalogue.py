"""The shop's catalogue: a category tree, brands with a heavy-tailed popularity and a price level, and products
whose price drifts. What is sold (categories, their shares and prices, the leading brands) is data, in the CSV
files of clickgen/data (its README.md describes them); how products are made from it is here."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

from clickgen.randomness import CumulativeIndex, mix64, purpose_salt, stream, unit
from clickgen.text import byte_table, digit_counts, digits
from clickgen.timeline import DAY

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
MAX_PRICE_CENTS = 257_407  # the real maximum, 2,574.07, in both months
_ZERO_PRICE_SHARE = 0.0016  # of events: 68,673 of October's 42.4M
_DRIFT_SHARE = 0.7  # products whose price moves, every 2 to 20 days, by up to 4 %
_DRIFT_DAYS = (2.0, 20.0)
_DRIFT_AMPLITUDE = 0.04
_BRAND_CHANGE_SHARE = 0.001  # 136 products in November appear under two brands
# Cells of the tables that find a leaf or a product from a random point (CumulativeIndex): 8 % of the products'
# 1M cells hold a product's edge, so 92 % of the keys need one lookup in a 4 MB table.
_LEAF_CELLS = 1 << 14
_PRODUCT_CELLS = 1 << 20


@dataclass(frozen=True)
class Catalogue:
    """Leaf categories (a code or none, and its category ids) and their products, sorted by leaf."""

    leaf_cum: np.ndarray  # cumulative share of events per leaf, to pick a session's category
    leaf_index: CumulativeIndex
    leaf_conversion: np.ndarray
    leaf_first: np.ndarray  # first and last product of each leaf
    leaf_last: np.ndarray
    product_cum: np.ndarray  # cumulative share of events per product
    product_index: CumulativeIndex  # to find a product from a point of product_cum
    base_cents: np.ndarray
    drift_days: np.ndarray  # 0: the price never moves
    drift_phase: np.ndarray
    brand_change_at: np.ndarray  # second of the window from which the product shows its second brand
    second_variant: np.ndarray
    brand_changes: np.ndarray  # the products that have a second brand (a small table, cheap to look up)
    texts: np.ndarray  # per variant (products, then their second brands): "product_id,category_id,code,brand,"
    salt: np.uint64

    def sample_leaves(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.leaf_index.find(rng.random(n) * self.leaf_cum[-1])

    def sample_products(self, rng: np.random.Generator, leaf: np.ndarray, anywhere: np.ndarray) -> np.ndarray:
        """A product by popularity within each leaf, or within the whole shop where `anywhere`."""
        first, last = self.leaf_first[leaf], self.leaf_last[leaf]
        below = np.where(first > 0, self.product_cum[np.maximum(first - 1, 0)], 0.0)
        low = np.where(anywhere, 0.0, below)
        high = np.where(anywhere, self.product_cum[-1], self.product_cum[last])
        product = self.product_index.find(low + rng.random(len(leaf)) * (high - low))
        return np.clip(product, np.where(anywhere, 0, first), np.where(anywhere, len(self.product_cum) - 1, last))

    def price_cents(self, product: np.ndarray, second: np.ndarray) -> np.ndarray:
        """The price at that second: the base price, moved by up to ±4 % in each of the product's periods."""
        cents = self.base_cents[product]
        drifts = np.flatnonzero(self.drift_days[product] > 0)
        moving = product[drifts]
        period = np.floor(second[drifts] / (DAY * self.drift_days[moving]) + self.drift_phase[moving])
        move = 2 * unit(mix64(moving.astype(np.uint64) * np.uint64(1_000_003) + period.astype(np.uint64)
                               + self.salt)) - 1
        moved = np.rint(cents[drifts] * (1 + _DRIFT_AMPLITUDE * move)).astype(np.int64)
        cents[drifts] = np.minimum(moved, MAX_PRICE_CENTS)
        return cents

    def variant(self, product: np.ndarray, second: np.ndarray) -> np.ndarray:
        """The row of `texts` an event shows: the product's, or its second brand's from the change on."""
        variant = product.copy()
        changes = np.flatnonzero(self.brand_changes[product])
        changed = changes[second[changes] >= self.brand_change_at[product[changes]]]
        variant[changed] = self.second_variant[product[changed]]
        return variant


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
    rng = stream(seed, 0)
    leaves = _leaves(rng)
    brands = _brands(rng, leaves)
    ids_of_leaf = _category_ids(rng, leaves)
    sizes = np.maximum(4, np.rint(_PRODUCTS * leaves.weight**0.75 / (leaves.weight**0.75).sum())).astype(np.int64)
    parts = [_leaf_products(rng, leaves, brands, ids_of_leaf, leaf, int(sizes[leaf]))
             for leaf in range(len(leaves.code))]
    leaf_of, brand_of, category_of, weight, price = (np.concatenate(column) for column in zip(*parts, strict=True))
    n = len(leaf_of)

    base_cents = np.clip(np.rint(price * 100), 50, MAX_PRICE_CENTS).astype(np.int64)
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
    texts = _texts(np.concatenate([product_ids, product_ids[changed]]),
                   np.concatenate([category_of, category_of[changed]]),
                   leaves.code, np.concatenate([leaf_of, leaf_of[changed]]),
                   ["", *brands.name], np.concatenate([brand_of, second_brand]) + 1)
    leaf_cum, product_cum = np.cumsum(leaves.weight), np.cumsum(weight)
    return Catalogue(
        leaf_cum=leaf_cum,
        leaf_index=CumulativeIndex(leaf_cum, _LEAF_CELLS),
        leaf_conversion=leaves.conversion,
        leaf_first=np.searchsorted(leaf_of, np.arange(len(leaves.code)), side="left"),
        leaf_last=np.searchsorted(leaf_of, np.arange(len(leaves.code)), side="right") - 1,
        product_cum=product_cum,
        product_index=CumulativeIndex(product_cum, _PRODUCT_CELLS),
        base_cents=base_cents,
        drift_days=drift_days,
        drift_phase=rng.random(n),
        brand_change_at=brand_change_at,
        second_variant=second_variant,
        brand_changes=second_variant != np.arange(n),
        texts=texts,
        salt=purpose_salt(seed, 1),
    )


def read_table(name: str) -> list[dict[str, str]]:
    """The rows of one of the catalogue's CSV files (clickgen/data), in file order."""
    text = resources.files("clickgen").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _leaves(rng: np.random.Generator) -> _Leaves:
    rows = read_table("categories.csv")
    factors = {row["category_code_prefix"]: float(row["purchase_factor"]) for row in read_table("purchase_factors.csv")}
    unbranded = {row["top_level_category"]: float(row["unbranded_share"]) for row in read_table("unbranded_shares.csv")}
    coded_weight = np.array([float(row["event_share_pct"]) for row in rows])
    coded_weight *= (1 - _EMPTY_CODE_SHARE) / coded_weight.sum()
    # Category ids without a code: many small ones (cosmetics, household goods...), cheap on the whole.
    uncoded_weight = _zipf(_UNCODED_CATEGORIES, 1.2) * _EMPTY_CODE_SHARE
    code = [row["category_code"] for row in rows] + [""] * _UNCODED_CATEGORIES
    top = [c.split(".")[0] for c in code]
    return _Leaves(
        code=code,
        weight=np.concatenate([coded_weight, uncoded_weight]),
        price=np.concatenate([[float(row["typical_price"]) for row in rows],
                              np.clip(rng.lognormal(math.log(50), 0.9, _UNCODED_CATEGORIES), 3, 900)]),
        conversion=np.array([factors[max((k for k in factors if c.startswith(k)), key=len)] for c in code]),
        unbranded=np.array([unbranded[t] for t in top]),
    )


def _brands(rng: np.random.Generator, leaves: _Leaves) -> _Brands:
    levels = {row["brand"]: float(row["price_level"]) for row in read_table("head_brands.csv")}
    head = list(levels)
    head_shares: dict[str, list[tuple[int, float]]] = {}
    for row in read_table("head_brand_categories.csv"):
        head_shares.setdefault(row["category_code"], []).append(
            (head.index(row["brand"]), float(row["share_of_category_events"])))
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
        price_level=np.concatenate([list(levels.values()),
                                    rng.lognormal(0.0, 0.35, len(tail))]),
        tail_popularity=popularity,
        head_shares=head_shares,
        tails_of_leaf=[np.unique(b) for b in tails_of_leaf],
    )


def _brand_names(rng: np.random.Generator, count: int, taken: set[str]) -> list[str]:
    """Pronounceable lower-case names, distinct from each other and from the head brands."""
    parts_of_names = read_table("brand_name_parts.csv")
    syllables_to_pick = [row["text"] for row in parts_of_names if row["part"] == "syllable"]
    endings_to_pick = [row["text"] for row in parts_of_names if row["part"] == "ending"]
    names = dict.fromkeys(taken)
    while len(names) < len(taken) + count:
        parts = rng.choice(syllables_to_pick, (count, 3))
        lengths = rng.integers(2, 4, count)
        endings = rng.choice(endings_to_pick, count)
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


def _texts(product_id: np.ndarray, category_id: np.ndarray, codes: list[str], leaf: np.ndarray, brands: list[str],
           brand: np.ndarray) -> np.ndarray:
    """The middle of a row per variant, "product_id,category_id,category_code,brand,", as padded bytes: the
    product id digit by digit, the rest from the few thousand (category, brand) pairs, written as text."""
    ids, id_of = np.unique(category_id, return_inverse=True)
    pairs, pair = np.unique((leaf * len(ids) + id_of) * len(brands) + brand, return_inverse=True)
    rests = byte_table([f"{ids[p // len(brands) % len(ids)]},{codes[p // len(brands) // len(ids)]},"
                        f"{brands[p % len(brands)]}," for p in pairs.tolist()])
    widths = digit_counts(product_id)
    table = np.zeros((len(pair), widths.max() + 1 + rests.shape[1]), np.uint8)
    for width in np.unique(widths).tolist():
        rows = np.flatnonzero(widths == width)
        table[rows, :width] = digits(product_id[rows], width)
        table[rows, width] = ord(",")
        table[rows, width + 1:width + 1 + rests.shape[1]] = rests[pair[rows]]
    return table[:, :np.count_nonzero(table, axis=1).max()].copy()


def _zipf(count: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()

