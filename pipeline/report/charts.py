"""One plotly chart per indicator: Ballerup's history against its comparator and target.

The figures are rendered as `<div>`s that call the plotly.js inlined once in the page, so
the report opens without a network. A fixed size fits the A4 column, on screen and in print.
"""

from __future__ import annotations

import plotly.graph_objects as go

from pipeline.report.data import BALLERUP, Indicator
from pipeline.report.formats import UNIT_SUFFIX, period_text, value_text

WIDTH, HEIGHT = 660, 250
BALLERUP_COLOUR = "#1f4e8c"
COMPARATOR_COLOUR = "#c0631b"
TARGET_COLOUR = "#2e7d32"


def _trace(ind: Indicator, points, name: str, colour: str, dash: str) -> go.Scatter:
    periods = [p for p, _, _ in points]
    return go.Scatter(
        x=periods,
        y=[None if v is None else round(v, 4) for _, v, _ in points],  # no float noise
        name=name,
        mode="lines+markers" if len(points) < 24 else "lines",
        line={"color": colour, "width": 2.5 if dash == "solid" else 2, "dash": dash},
        marker={"size": 6},
        connectgaps=False,
        customdata=[
            [
                period_text(p, ind.period_type),
                "skjult (lille tal)" if s else value_text(v, ind.unit),
            ]
            for p, v, s in points
        ],
        hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>" + name + "</extra>",
    )


def history_chart(ind: Indicator, area_names: dict[int, str]) -> str | None:
    """The chart's HTML (a div and its script), or None when there is nothing to draw."""
    ballerup = ind.series.get(BALLERUP, [])
    if not any(v is not None for _, v, _ in ballerup):
        return None
    fig = go.Figure()
    fig.add_trace(_trace(ind, ballerup, "Ballerup", BALLERUP_COLOUR, "solid"))
    area = ind.comparator_area_code
    if area is not None and area != BALLERUP and ind.series.get(area):
        fig.add_trace(_trace(ind, ind.series[area], area_names[area], COMPARATOR_COLOUR, "dash"))
    if ind.target_value is not None:
        periods = [p for p, _, _ in ballerup]
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
