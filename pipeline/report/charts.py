"""One plotly chart per indicator: Ballerup's history against its comparator and target.

The figures are rendered as `<div>`s that call the plotly.js inlined once in the page, so
the report opens without a network. A fixed size fits the A4 column, on screen and in print.
"""

from __future__ import annotations

import plotly.graph_objects as go

from pipeline.report.data import BALLERUP, Indicator, Point
from pipeline.report.formats import UNIT_SUFFIX, period_text, value_text

WIDTH, HEIGHT = 660, 250
BALLERUP_COLOUR = "#1f4e8c"
COMPARATOR_COLOUR = "#c0631b"
TARGET_COLOUR = "#2e7d32"
BAND_COLOUR = "rgba(31, 78, 140, 0.15)"
PROVISIONAL_COLOUR = "rgba(120, 120, 120, 0.12)"


def _trace(ind: Indicator, points: list[Point], name: str, colour: str, dash: str) -> go.Scatter:
    periods = [p.period for p in points]
    return go.Scatter(
        x=periods,
        y=[None if p.value is None else round(p.value, 4) for p in points],  # no float noise
        name=name,
        mode="lines+markers" if len(points) < 24 else "lines",
        line={"color": colour, "width": 2.5 if dash == "solid" else 2, "dash": dash},
        marker={"size": 6},
        connectgaps=False,
        customdata=[
            [
                period_text(p.period, ind.period_type)
                + (" (foreløbig)" if p.is_provisional else ""),
                "skjult (lille tal)" if p.is_suppressed else value_text(p.value, ind.unit),
            ]
            for p in points
        ],
        hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>" + name + "</extra>",
    )


def _band(points: list[Point]) -> go.Scatter | None:
    """Ballerup's 95 % interval as a shaded band (upper bound, then lower back)."""
    with_interval = [p for p in points if p.ci_lower is not None and p.ci_upper is not None]
    if not with_interval:
        return None
    return go.Scatter(
        x=[p.period for p in with_interval] + [p.period for p in reversed(with_interval)],
        y=[round(p.ci_upper, 4) for p in with_interval]
        + [round(p.ci_lower, 4) for p in reversed(with_interval)],
        name="Ballerup, 95 %-interval",
        fill="toself",
        fillcolor=BAND_COLOUR,
        line={"width": 0},
        mode="lines",
        hoverinfo="skip",
    )


def history_chart(ind: Indicator, area_names: dict[int, str]) -> str | None:
    """The chart's HTML (a div and its script), or None when there is nothing to draw."""
    ballerup = ind.series.get(BALLERUP, [])
    if not any(p.value is not None for p in ballerup):
        return None
    fig = go.Figure()
    band = _band(ballerup)
    if band is not None:
        fig.add_trace(band)
    fig.add_trace(_trace(ind, ballerup, "Ballerup", BALLERUP_COLOUR, "solid"))
    provisional = [p.period for p in ballerup if p.is_provisional]
    if provisional:  # the months the sources still revise, shaded and named
        fig.add_vrect(
            x0=min(provisional),
            x1=max(provisional),
            fillcolor=PROVISIONAL_COLOUR,
            line_width=0,
            layer="below",
            annotation_text="foreløbig",
            annotation_position="top left",
            annotation_font_size=10,
        )
    area = ind.comparator_area_code
    if area is not None and area != BALLERUP and ind.series.get(area):
        fig.add_trace(_trace(ind, ind.series[area], area_names[area], COMPARATOR_COLOUR, "dash"))
    if ind.target_value is not None:
        periods = [p.period for p in ballerup]
        fig.add_trace(
            go.Scatter(
                x=[periods[0], periods[-1]],
                y=[ind.target_value, ind.target_value],
                name=f"Mål: {ind.target_text or value_text(ind.target_value, ind.unit)}",
                mode="lines",
                line={"color": TARGET_COLOUR, "width": 2, "dash": "dot"},
                hoverinfo="skip",
            )
        )
    fig.update_layout(
        width=WIDTH,
        height=HEIGHT,
        margin={"l": 55, "r": 10, "t": 10, "b": 30},
        separators=",.",  # decimal comma, thousands dot
        paper_bgcolor="white",
        plot_bgcolor="white",
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 11, "color": "#222"},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        showlegend=True,
    )
    fig.update_xaxes(type="date", tickformat="%Y", dtick="M12", showgrid=False, linecolor="#888")
    fig.update_yaxes(
        ticksuffix=UNIT_SUFFIX.get(ind.unit, "") if ind.unit in ("pct", "pct_change") else "",
        gridcolor="#e3e3e3",
        zerolinecolor="#999",
        autorange="reversed" if ind.unit == "rank" else True,  # place 1 at the top
        title={"text": None},
    )
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{ind.indicator_id.replace('.', '-')}",
        config={"displayModeBar": False, "responsive": False},
    )
