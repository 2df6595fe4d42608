"""The Plotly figures of the pages, one function per chart, from the frames that dashboard.marts returns."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.formatting import MONEY_AXIS, PERCENT_AXIS, count, money, percent, plotly_texts

QUADRANT_COLORS = {
    "Market Leaders": "#2e7d32",
    "Niche Gems": "#1565c0",
    "Window Shoppers": "#ef6c00",
    "Underperformers": "#c62828",
    "Too Few Sessions": "#b0b0b0",
}
SEGMENT_COLORS = ["#90caf9", "#42a5f5", "#1e88e5", "#0d47a1"]
REVENUE_COLOR = "#1e88e5"
COUNT_COLOR = "#ef6c00"


def _layout(figure: go.Figure, height: int, **layout) -> go.Figure:
    defaults = {
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        "hoverlabel": {"align": "left"},
    }
    figure.update_layout(height=height, **{**defaults, **layout})
    return figure


def monthly_revenue(months: pd.DataFrame) -> go.Figure:
    """Revenue per month, each bar labelled with its change over the month before."""
    labels = [
        money(revenue) + ("" if pd.isna(change) else f"<br>{percent(change, signed=True)} MoM")
        for revenue, change in zip(months["revenue"], months["revenue_change_rate"], strict=True)
    ]
    figure = go.Figure(go.Bar(
        x=months["month_label"], y=months["revenue"], text=labels, textposition="auto",
        marker_color=REVENUE_COLOR, hovertemplate="%{x}: %{text}<extra></extra>",
    ))
    figure.update_xaxes(type="category", title=None)
    figure.update_yaxes(tickformat=MONEY_AXIS, title="Revenue")
    return _layout(figure, 380)


def weekday_revenue(rows: pd.DataFrame) -> go.Figure:
    """Revenue per ISO day of week, one bar per month."""
    days = rows.sort_values("iso_day_of_week")["day_name"].drop_duplicates().tolist()
    figure = go.Figure()
    for month, by_day in rows.groupby("month_label", sort=True):
        figure.add_bar(
            x=by_day["day_name"], y=by_day["revenue"], name=month,
            customdata=[money(value) for value in by_day["revenue"]],
            hovertemplate=f"{month}, %{{x}}: %{{customdata}}<extra></extra>",
        )
    figure.update_xaxes(categoryorder="array", categoryarray=days, title=None)
    figure.update_yaxes(tickformat=MONEY_AXIS, title="Revenue")
    return _layout(figure, 380, barmode="group", legend_title_text="Month")


def _ranked_bars(labels: pd.Series, values: pd.Series, text: list[str], color: str, value_format: str) -> go.Figure:
    """Horizontal bars, the biggest on top, each labelled with `text`; `labels` are names from the data."""
    figure = go.Figure(go.Bar(
        x=values, y=plotly_texts(labels), orientation="h", text=text, textposition="auto",
        marker_color=color, hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    figure.update_yaxes(autorange="reversed", type="category", title=None)
    figure.update_xaxes(tickformat=value_format, title=None)
    return _layout(figure, max(260, 70 + 28 * len(values)))


def top_by_revenue(rows: pd.DataFrame) -> go.Figure:
    """The first column's names ranked by `revenue`, labelled in dollars (and with `revenue_share` if given)."""
    text = [money(revenue) for revenue in rows["revenue"]]
    if "revenue_share" in rows:
        text = [f"{label} ({percent(share)})" for label, share in zip(text, rows["revenue_share"], strict=True)]
    return _ranked_bars(rows.iloc[:, 0], rows["revenue"], text, REVENUE_COLOR, MONEY_AXIS)


def top_by_events(rows: pd.DataFrame) -> go.Figure:
    """Brands ranked by their events (interactions)."""
    return _ranked_bars(rows["brand"], rows["events"], [count(events) for events in rows["events"]], COUNT_COLOR,
                        "~s")


def sales_velocity(rows: pd.DataFrame) -> go.Figure:
    """Brands by their average hours from a first view to the purchase, labelled with the purchases behind it."""
    text = [f"{hours:,.2f} h · {count(purchases)} purchases"
            for hours, purchases in zip(rows["average_hours_to_purchase"], rows["purchases_after_view"], strict=True)]
    return _ranked_bars(rows["brand"], rows["average_hours_to_purchase"], text, COUNT_COLOR, ",.1f")


def repeat_purchase_rate(rows: pd.DataFrame) -> go.Figure:
    """Brands by their repeat-purchase rate, labelled with their buyers."""
    text = [f"{percent(rate)} of {count(buyers)} buyers"
            for rate, buyers in zip(rows["repeat_purchase_rate"], rows["buyers"], strict=True)]
    return _ranked_bars(rows["brand"], rows["repeat_purchase_rate"], text, REVENUE_COLOR, PERCENT_AXIS)


def ltv_donut(segments: pd.DataFrame, customers: int) -> go.Figure:
    """Customers per LTV segment, Low to Premium, around the number of `customers` (kpi_summary's)."""
    hover = [f"{count(customers)} customers, {money(revenue)} lifetime revenue"
             for customers, revenue in zip(segments["customers"], segments["revenue"], strict=True)]
    figure = go.Figure(go.Pie(
        labels=plotly_texts(segments["ltv_segment"]), values=segments["customers"], hole=0.55, sort=False,
        direction="clockwise",
        marker={"colors": SEGMENT_COLORS[: len(segments)]}, textinfo="label+percent", customdata=hover,
        hovertemplate="%{label}: %{customdata}<extra></extra>",
    ))
    figure.add_annotation(text=f"{count(customers)}<br>customers", showarrow=False,
                          font={"size": 16})
    return _layout(figure, 340, showlegend=False)


def revenue_against_popularity(top: pd.DataFrame) -> go.Figure:
    """Revenue (bars, bottom axis) and interactions (events, diamonds, top axis) of the brands with the most
    revenue, one row per brand so that every name is readable."""
    brands = plotly_texts(top["brand"])
    figure = go.Figure()
    figure.add_bar(
        y=brands, x=top["revenue"], orientation="h", name="Revenue (bottom axis)", marker_color=REVENUE_COLOR,
        customdata=[money(value) for value in top["revenue"]], hovertemplate="%{y}: %{customdata}<extra></extra>",
    )
    figure.add_scatter(
        y=brands, x=top["events"], xaxis="x2", mode="markers", name="Interactions: events (top axis)",
        marker={"color": COUNT_COLOR, "symbol": "diamond", "size": 10, "line": {"width": 1, "color": "white"}},
        customdata=[count(value) for value in top["events"]],
        hovertemplate="%{y}: %{customdata} events<extra></extra>",
    )
    figure.update_yaxes(autorange="reversed", type="category", title=None)
    figure.update_layout(
        xaxis={"tickformat": MONEY_AXIS, "title": None, "rangemode": "tozero"},
        xaxis2={"overlaying": "x", "side": "top", "tickformat": "~s", "title": None, "showgrid": False,
                "rangemode": "tozero", "tickmode": "auto", "nticks": 6},
    )
    return _layout(figure, 140 + 24 * len(top), margin={"l": 10, "r": 10, "t": 40, "b": 10},
                   legend={"orientation": "h", "yanchor": "top", "y": -0.06, "xanchor": "left", "x": 0})


def _brand_scatter(brands: pd.DataFrame, y: str, y_title: str, y_format: str, named: set[str],
                   y_hover: str) -> go.Figure:
    figure = go.Figure()
    for quadrant, color in QUADRANT_COLORS.items():
        rows = brands[brands["performance_quadrant"] == quadrant]
        if rows.empty:
            continue
        figure.add_scatter(
            x=rows["sessions"], y=rows[y], name=quadrant, mode="markers+text",
            marker={"color": color, "size": 9, "opacity": 0.8, "line": {"width": 0.5, "color": "white"}},
            text=plotly_texts(brand if brand in named else "" for brand in rows["brand"]), textposition="top center",
            textfont={"size": 11}, customdata=plotly_texts(rows["brand"]),
            hovertemplate=f"%{{customdata}}: %{{x:,}} sessions, {y_hover}<extra></extra>",
        )
    figure.update_xaxes(type="log", title="Sessions (log scale)", tickvals=_log_ticks(brands["sessions"]))
    figure.update_yaxes(tickformat=y_format, title=y_title)
    return figure


def _log_ticks(values: pd.Series) -> list[float]:
    """1, 2, 5, 10, 20, 50, ... over the values' range: Plotly's own log ticks crowd a short range."""
    if values.empty:
        return []
    ticks, decade = [], 1
    while decade <= values.max() * 10:
        ticks += [mark * decade for mark in (1, 2, 5) if values.min() / 2 <= mark * decade <= values.max() * 2]
        decade *= 10
    return ticks


def exploration_depth(brands: pd.DataFrame, named: set[str]) -> go.Figure:
    """Each brand's sessions against its stickiness (events per session)."""
    figure = _brand_scatter(brands, "stickiness", "Stickiness (events per session)", ".1f", named,
                            "%{y:.2f} events per session")
    return _layout(figure, 440)


def performance_matrix(brands: pd.DataFrame, named: set[str], sessions_split: float,
                       conversion_split: float) -> go.Figure:
    """Sessions (log) against conversion rate, split into the four quadrants at the averages."""
    figure = _brand_scatter(brands, "conversion_rate", "Conversion rate (purchases per session)", PERCENT_AXIS,
                            named, "%{y:.2%} conversion")
    figure.add_vline(x=sessions_split, line_dash="dash", line_color="#616161")
    figure.add_hline(y=conversion_split, line_dash="dash", line_color="#616161")
    corners = {
        "Market Leaders": (1, 1, "right", "top"),
        "Niche Gems": (0, 1, "left", "top"),
        "Window Shoppers": (1, 0, "right", "bottom"),
        "Underperformers": (0, 0, "left", "bottom"),
    }
    for quadrant, (x, y, x_anchor, y_anchor) in corners.items():
        figure.add_annotation(
            xref="x domain", yref="y domain", x=x, y=y, xanchor=x_anchor, yanchor=y_anchor, showarrow=False,
            text=f"<b>{quadrant}</b>", font={"size": 13, "color": QUADRANT_COLORS[quadrant]},
            bgcolor="rgba(255,255,255,0.7)",
        )
    top = max(brands["conversion_rate"].max(), conversion_split) if len(brands) else conversion_split
    # Room under 0 % for the bottom quadrants' names, clear of the brands that sold nothing.
    figure.update_yaxes(range=[-0.15 * top, 1.12 * top])
    if len(brands):
        low, high = math.log10(brands["sessions"].min()), math.log10(brands["sessions"].max())
        figure.update_xaxes(range=[low - 0.15, high + 0.15])
    return _layout(figure, 520)


FUNNEL_STEPS = {
    "sessions_with_view": "With a view",
    "sessions_with_cart": "With a cart event",
    "sessions_with_purchase": "With a purchase",
}
FUNNEL_RATES = {
    "view_to_cart_rate": "View to cart",
    "cart_to_purchase_rate": "Cart to purchase",
    "session_conversion_rate": "Session conversion",
}


def session_funnel(months: pd.DataFrame) -> go.Figure:
    """Sessions with a view, a cart event and a purchase, month by month, on a log axis so that the small
    steps show; each bar labelled with its count (the rates between the steps are session_funnel's, charted
    beside)."""
    figure = go.Figure()
    for column, step in FUNNEL_STEPS.items():
        figure.add_bar(
            x=months["month_label"], y=months[column], name=step, textposition="outside", cliponaxis=False,
            text=[count(value) for value in months[column]],
            hovertemplate=f"{step}, %{{x}}: %{{y:,}} sessions<extra></extra>",
        )
    figure.update_xaxes(type="category", title=None)
    counts = pd.concat([months[column] for column in FUNNEL_STEPS])
    figure.update_yaxes(type="log", title="Sessions (log scale)", tickformat="~s",
                        tickvals=_log_ticks(counts[counts > 0]))
    return _layout(figure, 440, barmode="group", uniformtext={"minsize": 10, "mode": "show"})


def funnel_rates(months: pd.DataFrame) -> go.Figure:
    """The funnel's step rates and the session conversion rate, month by month, one panel each (the cart to
    purchase rate can exceed 100 % and would flatten the others on a shared axis)."""
    figure = make_subplots(rows=1, cols=len(FUNNEL_RATES), subplot_titles=list(FUNNEL_RATES.values()),
                           horizontal_spacing=0.08)
    for column_number, (column, name) in enumerate(FUNNEL_RATES.items(), start=1):
        figure.add_bar(
            x=months["month_label"], y=months[column], name=name, row=1, col=column_number,
            text=[percent(value, 2) for value in months[column]], textposition="outside", cliponaxis=False,
            marker_color=REVENUE_COLOR, hovertemplate=f"{name}, %{{x}}: %{{y:.2%}}<extra></extra>",
        )
        figure.update_yaxes(tickformat=PERCENT_AXIS, rangemode="tozero", row=1, col=column_number)
        figure.update_yaxes(range=[0, 1.2 * months[column].max()] if months[column].max() else None,
                            row=1, col=column_number)
    figure.update_xaxes(type="category", title=None)
    return _layout(figure, 440, showlegend=False, margin={"l": 10, "r": 10, "t": 50, "b": 10})


def cohort_heatmap(cohorts: pd.DataFrame) -> go.Figure:
    """Retention: one row per cohort (first-purchase month), one column per month since, each cell the share of
    the cohort that bought again that month."""
    grid = cohorts.pivot(index="cohort_month_label", columns="months_since_first_purchase", values="retention_rate")
    sizes = cohorts.drop_duplicates("cohort_month_label").set_index("cohort_month_label")["cohort_customers"]
    labels = [f"{month} ({count(sizes[month])})" for month in grid.index]
    figure = go.Figure(go.Heatmap(
        z=grid.values, x=[str(months) for months in grid.columns], y=labels, colorscale="Blues", zmin=0, zmax=1,
        text=[[percent(value) for value in row] for row in grid.values], texttemplate="%{text}",
        hovertemplate="Cohort %{y}, month %{x}: %{text}<extra></extra>", colorbar={"tickformat": PERCENT_AXIS},
    ))
    figure.update_xaxes(type="category", title="Months since the first purchase")
    figure.update_yaxes(type="category", autorange="reversed", title="Cohort (customers)")
    return _layout(figure, max(260, 90 + 40 * len(grid)))


def rfm_segments(segments: pd.DataFrame) -> go.Figure:
    """Customers per RFM segment, each bar labelled with the segment's lifetime revenue."""
    text = [f"{count(customers)} · {money(revenue)}"
            for customers, revenue in zip(segments["customers"], segments["revenue"], strict=True)]
    return _ranked_bars(segments["rfm_segment"], segments["customers"], text, REVENUE_COLOR, "~s")


def abandonment_by_month(months: pd.DataFrame) -> go.Figure:
    """The abandonment rate per month, each bar labelled with the value left in abandoned carts."""
    figure = go.Figure(go.Bar(
        x=months["month_label"], y=months["abandonment_rate"], marker_color=COUNT_COLOR,
        text=[f"{percent(rate)}<br>{money(value)} left"
              for rate, value in zip(months["abandonment_rate"], months["abandoned_cart_value"], strict=True)],
        textposition="auto", hovertemplate="%{x}: %{text}<extra></extra>",
    ))
    figure.update_xaxes(type="category", title=None)
    figure.update_yaxes(tickformat=PERCENT_AXIS, rangemode="tozero", title="Abandonment rate")
    return _layout(figure, 380)


def abandonment_by_category(rows: pd.DataFrame) -> go.Figure:
    """The abandonment rate per main category, one bar per month."""
    figure = go.Figure()
    for month, by_category in rows.groupby("month_label", sort=True):
        figure.add_bar(
            y=plotly_texts(by_category["category_main"]), x=by_category["abandonment_rate"], orientation="h",
            name=month, customdata=[money(value) for value in by_category["abandoned_cart_value"]],
            hovertemplate=f"{month}, %{{y}}: %{{x:.1%}}, %{{customdata}} left<extra></extra>",
        )
    figure.update_yaxes(autorange="reversed", type="category", title=None)
    figure.update_xaxes(tickformat=PERCENT_AXIS, title=None)
    categories = rows["category_main"].nunique()
    return _layout(figure, max(300, 90 + 22 * categories * rows["month_label"].nunique()), barmode="group",
                   legend_title_text="Month")


def _table(header: list[str], cells: list[list[str]]) -> go.Figure:
    figure = go.Figure(go.Table(header={"values": header, "align": "left", "height": 28},
                                cells={"values": cells, "align": "left", "height": 26}))
    return _layout(figure, 40 + 26 * len(cells[0]), margin={"l": 0, "r": 0, "t": 0, "b": 0})


def brand_pairs(pairs: pd.DataFrame) -> go.Figure:
    """The brand pairs bought in the same order (product_affinity), as a table."""
    return _table(["Brand A", "Brand B", "Orders with both", "Support", "A → B", "B → A", "Lift"], [
        plotly_texts(pairs["item_a"]), plotly_texts(pairs["item_b"]),
        [count(value) for value in pairs["orders_with_pair"]],
        [percent(value, 3) for value in pairs["support"]],
        [percent(value) for value in pairs["confidence_a_to_b"]],
        [percent(value) for value in pairs["confidence_b_to_a"]],
        [f"{value:,.2f}" for value in pairs["lift"]],
    ])


def brand_pairs_within_minutes(pairs: pd.DataFrame) -> go.Figure:
    """The brand pairs one user bought a few minutes apart (brand_pairs_bought_together), as a table."""
    return _table(["Brand A", "Brand B", "Times bought together", "Buyers"], [
        plotly_texts(pairs["brand_a"]), plotly_texts(pairs["brand_b"]),
        [count(value) for value in pairs["times_bought_together"]],
        [count(value) for value in pairs["buyers"]],
    ])
