"""How values read on the pages: money in US dollars, shares and rates as percentages, counts with separators,
and text from the data (brands, categories) as plain text, never as Markdown or HTML."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable

# Plotly axis formats matching the functions below.
MONEY_AXIS = "$~s"
PERCENT_AXIS = ".1~%"


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float | None) -> str:
    """$15,564.81; from a million on, $526.29M and $1.46B so that a KPI fits its card."""
    if _missing(value):
        return "–"
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if amount >= 1e9:
        return f"{sign}${amount / 1e9:,.2f}B"
    if amount >= 1e6:
        return f"{sign}${amount / 1e6:,.2f}M"
    return f"{sign}${amount:,.2f}"


def percent(value: float | None, decimals: int = 1, signed: bool = False) -> str:
    """A ratio as a percentage: 0.0242 -> 2.4 % (2.42 % with decimals=2); signed gives +24.0 % / -94.7 %."""
    if _missing(value):
        return "–"
    return f"{value * 100:{'+' if signed else ''},.{decimals}f} %"


def count(value: float | None) -> str:
    """2146 -> 2,146."""
    if _missing(value):
        return "–"
    return f"{int(value):,}"


# Every ASCII punctuation character: CommonMark takes each of them literally when a backslash precedes it, so no
# link, image, emphasis, heading, HTML, LaTeX ($) or Streamlit directive (:red[...]) can start in escaped text.
_MARKDOWN_SPECIAL = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def markdown_text(text: object) -> str:
    """Text from the data (a brand, a category) for st.markdown, st.caption, st.title and the like: shown as
    written, on one line. A category code `![x](http://...)` must not become an image the browser fetches."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def plotly_text(text: object) -> str:
    """Text from the data for Plotly labels, ticks and hover text, which render a subset of HTML (links
    included): `<a href=...>` is shown as written, not as a link."""
    return html.escape(str(text), quote=False)


def plotly_texts(texts: Iterable[object]) -> list[str]:
    return [plotly_text(text) for text in texts]
