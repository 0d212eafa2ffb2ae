"""One chart per indicator: Ballerup's history against its comparator and target.

Drawn at build time with matplotlib as static SVG inlined in the page: no JavaScript, so a
chart shows in a mail client, a preview pane or a printout that strips scripts, and the page
stays small (issue 15). Axes do not exaggerate: a share or a count starts at zero, a change or
a gap always includes zero, a rank runs from 1 at the top. A fixed size fits the A4 column.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import pickle
import re
from datetime import date, timedelta

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit: the figures only become SVG text

from matplotlib import dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

from pipeline.report.data import BALLERUP, Indicator, Point
from pipeline.report.formats import (
    UNIT_SUFFIX,
    interval_label,
    number,
    target_words,
    value_text,
)

WIDTH, HEIGHT = 6.6, 2.5  # inches; 660 x 250 px at 100 dpi
AXES = (0.09, 0.13, 0.89, 0.70)  # the drawing's place in the figure with a one-row legend
LEGEND_ROW = 0.075  # the figure's height a further row of the legend takes
BALLERUP_COLOUR = "#1f4e8c"
COMPARATOR_COLOUR = "#c0631b"
TARGET_COLOUR = "#2e7d32"
BESIDE_COLOUR = "#7a7a7a"  # an area shown beside the comparator (0.1: Region Hovedstaden)
BAND_ALPHA = 0.15
PROVISIONAL_COLOUR = "#787878"
PROVISIONAL_LABEL = "Foreløbige tal"
# a compared area's figures its source still revises, outside the shaded months (its table may
# be revised longer than Ballerup's sources, or end before them): hollow dots on its line
OTHER_PROVISIONAL_LABEL = "Foreløbigt tal, sammenligning"
REFORM_LABEL = "Reform (brud i serien)"
# units whose axis starts at zero (shares, rates, counts); a change or gap includes zero
FROM_ZERO = {"pct", "per_10000", "per_100", "count", "weeks", "ratio"}
AROUND_ZERO = {"pct_change", "pct_points"}
# units whose ticks carry the unit ('5 %'); the others' axis is named (_axis_name)
TICK_UNITS = {"pct", "pct_change"}
SVG_STYLE = {
    "svg.fonttype": "none",  # text stays text: smaller, searchable, read aloud
    "svg.hashsalt": "bkwh",  # the same figure gives the same bytes
    "font.family": "DejaVu Sans",
    "font.size": 9,
}


def _values(points: list[Point]) -> tuple[list[date], list[float]]:
    nan = float("nan")
    return [p.period for p in points], [nan if p.value is None else p.value for p in points]


def _y_limits(ax, ind: Indicator, values: list[float]) -> None:
    finite = [v for v in values if v == v]
    if not finite:
        return
    low, high = min(finite), max(finite)
    if ind.unit == "rank":
        ax.set_ylim(max(high, 1) + 0.5, 0.5)  # 1 at the top
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        return
    if ind.unit in FROM_ZERO:
        top = high * 1.1 if high > 0 else 1
        if ind.unit == "pct":  # above 100, so that a line or a lone point at 100 % stands
            top = min(105, top)  # clear of the frame (1.5's 20 of 20 was drawn on it; helper-57)
        ax.set_ylim(0, top)
    elif ind.unit in AROUND_ZERO:
        span = max(abs(low), abs(high)) * 1.1 or 1
        ax.set_ylim(min(0, low) - 0.05 * span, max(0, high) + 0.05 * span)
        ax.axhline(0, color="#999999", linewidth=0.8)


def provisional_span(points: list) -> tuple | None:
    """Where the shading of the provisional periods runs (None without any): from half-way
    between the last final period and the first provisional one to as far past the last
    provisional one, so that a single provisional month is shaded too (from its first to its
    last period, it had no width)."""
    provisional = [p.period for p in points if p.is_provisional]
    if not provisional:
        return None
    final = [p.period for p in points if not p.is_provisional and p.period < min(provisional)]
    if not final:
        return min(provisional), max(provisional)
    half = (min(provisional) - max(final)) / 2
    return min(provisional) - half, max(provisional) + half


def target_segments(
    ind: Indicator, first: date, last: date
) -> list[tuple[date, date, float, str | None]]:
    """The targets the chart draws within its periods `first`..`last`, each from where it
    began (or `first`) to where it ended (or `last`) (marts.dim_indicator_target: 1.5's
    80 % until 30 June 2026, L 66's 75 % from 1 July 2026): (start, end, value, its text),
    oldest first. A period holds the target in force on its first day, as the status
    judges it."""
    out = []
    for t in ind.targets:
        if t["target_value"] is None or t["valid_to"] < first or t["valid_from"] > last:
            continue
        start, end = max(t["valid_from"], first), min(t["valid_to"], last)
        out.append((start, end, t["target_value"], target_words(t, ind.unit)))
    return out


def runs(
    points: list[Point], has, cuts: tuple[date, ...] = (), after=lambda d: d + timedelta(1)
) -> list[list[Point]]:
    """The points `has` holds for, cut into the runs a line may join: a run ends at a point
    without it (a hidden cell, no interval), where the series changes (Point.series), at each
    date of `cuts` (the reforms the chart marks: a rolling year straddling a reform is still
    counted in the series before it, so its line would run through the marked date) and
    where periods are missing (more than one and a half of the usual step apart), so that a
    line or a band never bridges what was not shown.
    A cut parts two points where it falls after the first one's period began and before the
    second one's ended (`after`: the first day after what a point of that period stands for,
    Indicator.after), as the status refuses a change across a reform
    (fct_indicator_status.is_change_across_reform): a year a reform breaks inside is joined
    to neither the year before nor the year after (5.3 and 5.6 in 2025)."""
    periods = sorted({p.period for p in points})
    steps = sorted((b - a).days for a, b in itertools.pairwise(periods))
    longest = steps[len(steps) // 2] * 1.5 if steps else 0
    out: list[list[Point]] = []
    previous = None
    for p in sorted(points, key=lambda p: p.period):
        if not has(p):
            previous = None
            continue
        joined = (
            previous is not None
            and previous.series == p.series
            and (p.period - previous.period).days <= longest
            and not any(previous.period < cut < after(p.period) for cut in cuts)
        )
        if joined:
            out[-1].append(p)
        else:
            out.append([p])
        previous = p
    return out


def _has_value(p: Point) -> bool:
    return p.value is not None


def _has_interval(p: Point) -> bool:
    return p.ci_lower is not None and p.ci_upper is not None


def _legend_run(some: list[list[Point]]) -> list[Point] | None:
    """The run the legend shows: the first of more than one period (a line or a band, not a
    dot or a bar), else the first."""
    return next((r for r in some if len(r) > 1), some[0] if some else None)


def _plot_runs(ax, line_runs: list[list[Point]], label: str, dot: bool, **style) -> None:
    """A series as one line per run (`runs`): a run of one period is a dot, or it would
    not be drawn at all; every period a dot when `dot` (a short history). The legend shows
    the first run that is a line."""
    labelled = _legend_run(line_runs)
    for run in line_runs:
        ax.plot(
            [p.period for p in run],
            [p.value for p in run],
            marker="o" if dot or len(run) == 1 else None,
            markersize=4,
            label=label if run is labelled else None,
            **style,
        )


def _legend(fig: Figure, ax, home: str) -> int:
    """The legend above the drawing in as few rows as its entries fit the figure's width,
    read row by row; the drawing is lowered by the rows it needs beyond one. Returns the
    rows."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return 0

    # Ballerup's line first, then its interval and the rest of the figures, last what marks
    # the periods (provisional, a reform's break)
    def rank(n: int) -> int:
        label = labels[n]
        if label == home:
            return 0
        if label.startswith(f"{home}, "):  # its interval
            return 1
        return 3 if label in (PROVISIONAL_LABEL, OTHER_PROVISIONAL_LABEL, REFORM_LABEL) else 2

    order = sorted(range(len(labels)), key=lambda n: (rank(n), n))
    handles, labels = [handles[n] for n in order], [labels[n] for n in order]
    renderer = FigureCanvasAgg(fig).get_renderer()
    for rows in range(1, len(handles) + 1):
        ncols = -(-len(handles) // rows)
        # matplotlib fills a legend column by column: placed so that it reads row by row
        placed = sorted(range(len(handles)), key=lambda n: (n % ncols, n // ncols))
        legend = ax.legend(
            [handles[n] for n in placed],
            [labels[n] for n in placed],
            loc="lower left",
            bbox_to_anchor=(0, 1.02),
            ncols=ncols,
            frameon=False,
            fontsize=8,
            handlelength=2.2,
            columnspacing=1.2,
        )
        if legend.get_window_extent(renderer).x1 <= fig.bbox.x1 - 4:
            break
    _, bottom, _, height = AXES
    left, _, width, _ = ax.get_position().bounds  # moved right by an axis's name
    ax.set_position((left, bottom, width, height - (rows - 1) * LEGEND_ROW))
    return rows


class _AxisTicks(Formatter):
    """The value axis's labels, all with the same decimals: whole numbers where every tick is
    one ('0 %', '5 %'), else the unit's decimals on every tick ('0,50', '1,00', '1,50', not
    '0,50', '1', '1,50')."""

    def __init__(self, unit: str, suffix: str):
        self.unit, self.suffix = unit, suffix
        self.ticks: list[float] = []

    def set_locs(self, locs) -> None:  # the axis gives every tick first (Formatter.locs is
        self.ticks = [float(t) for t in locs]  # deprecated in Matplotlib 3.11)

    def __call__(self, value, pos=None) -> str:
        whole = all(tick.is_integer() for tick in self.ticks)
        return number(value, "count" if whole else self.unit) + self.suffix


# The charts this process has drawn, by a digest of what each was drawn from (history_chart).
_DRAWN: dict[bytes, str | None] = {}
MAX_DRAWN = 256  # about 30 KB of SVG each: forgotten all at once beyond this many


def history_chart(
    ind: Indicator, area_names: dict[int, str], unit_name: str | None = None
) -> str | None:
    """The chart as inline SVG, or None when there is nothing to draw. `unit_name` (the
    unit's name in marts.dim_catalogue_code) names the value axis where its ticks do not
    carry the unit.

    A chart is a function of these three alone (the style is fixed and `svg.hashsalt` makes
    its bytes the same each time), so a process draws it once for the same inputs: the key
    is the SHA-256 of their pickle, so any change to the indicator (a figure, a target, a
    revision the chart does not show) draws it again. A refresh renders the report once;
    the report's tests render the test world's page dozens of times in one process with one
    indicator changed. Drawing the charts was two thirds of a render of that page (a
    profile); rendered again, the page took 0.18 s against 2.7-3.0 s, the same bytes."""
    key = hashlib.sha256(pickle.dumps((ind, area_names, unit_name))).digest()
    if key not in _DRAWN:
        if len(_DRAWN) >= MAX_DRAWN:
            _DRAWN.clear()
        _DRAWN[key] = _draw_history_chart(ind, area_names, unit_name)
    return _DRAWN[key]


def _draw_history_chart(
    ind: Indicator, area_names: dict[int, str], unit_name: str | None
) -> str | None:
    with matplotlib.rc_context(SVG_STYLE):
        fig = history_figure(ind, area_names, unit_name)
        if fig is None:
            return None
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # no XML declaration or DOCTYPE inside the page
    chart_id = f"chart-{ind.indicator_id.replace('.', '-')}"
    area = ind.comparator_area_code
    judged = area is not None and area != BALLERUP and area in area_names
    others = [area_names[area]] if judged else []
    others += [
        area_names[a]
        for a in ind.also_compared_area_codes or []
        if a in area_names and ind.series.get(a)
    ]
    title = (
        f"Udviklingen for {ind.indicator_id}: "
        + ", ".join([area_names[BALLERUP], *others[:-1]])
        + (f" og {others[-1]}" if others else "")
    )
    return re.sub(
        r"<svg ",
        f'<svg id="{chart_id}" role="img" aria-label="{title}" ',
        svg,
        count=1,
    )


def history_figure(
    ind: Indicator, area_names: dict[int, str], unit_name: str | None = None
) -> Figure | None:
    """The chart's figure (drawn in the SVG style history_chart sets), or None when
    Ballerup has no value to draw."""
    ballerup = ind.series.get(BALLERUP, [])
    if not any(p.value is not None for p in ballerup):
        return None
    home = area_names[BALLERUP]
    fig = Figure(figsize=(WIDTH, HEIGHT), dpi=100)
    ax = fig.add_axes(AXES)
    shown: list[float] = []
    periods, values = _values(ballerup)
    # the interval as a band over each run of periods that have one; a period alone
    # between hidden ones (or beside a break) gets a bar, a band of one period has no width
    first, last = min(periods), max(periods)
    # a year's point stands for its whole year: a reform inside the latest year is marked
    # too (data.inside_the_last_year), after the point, where the year it breaks runs
    breaks = [r for r in ind.reforms if first < r["effective_date"] < ind.after(last)]
    cuts = tuple(r["effective_date"] for r in breaks)
    band_runs = runs(ballerup, _has_interval, cuts, ind.after)
    # the legend shows the band of the first run that is a band, not a bar
    band_labelled = _legend_run(band_runs)
    for run in band_runs:
        band_label = (
            f"{home}, {interval_label(ind.interval_method)}" if run is band_labelled else None
        )
        lows, highs = [p.ci_lower for p in run], [p.ci_upper for p in run]
        if len(run) > 1:
            ax.fill_between(
                [p.period for p in run],
                lows,
                highs,
                color=BALLERUP_COLOUR,
                alpha=BAND_ALPHA,
                linewidth=0,
                label=band_label,
            )
        else:
            ax.vlines(
                run[0].period,
                lows[0],
                highs[0],
                color=BALLERUP_COLOUR,
                alpha=0.35,
                linewidth=3,
                label=band_label,
            )
        shown += lows + highs
    # the values as a line over each run of shown periods of one series; a period alone
    # is a dot, or it would not be drawn at all
    _plot_runs(
        ax,
        runs(ballerup, _has_value, cuts, ind.after),
        home,
        dot=len(periods) < 24,
        color=BALLERUP_COLOUR,
        linewidth=2.2,
    )
    shown += values
    span = provisional_span(ballerup)
    if span:  # the months the sources still revise, shaded and named in the legend
        start, end = span
        ax.axvspan(
            start,
            end,
            color=PROVISIONAL_COLOUR,
            alpha=0.12,
            linewidth=0,
            label=PROVISIONAL_LABEL,
        )
    area = ind.comparator_area_code
    # the comparator area, then the areas shown beside it (0.1: Region Hovedstaden)
    lines = [(area, COMPARATOR_COLOUR, 1.8, "--")] if area not in (None, BALLERUP) else []
    lines += [(a, BESIDE_COLOUR, 1.5, "-.") for a in ind.also_compared_area_codes or []]
    marked = False
    for code, colour, width, style in lines:
        if ind.series.get(code):
            _, other_values = _values(ind.series[code])
            _plot_runs(
                ax,
                runs(ind.series[code], _has_value, cuts, ind.after),
                area_names.get(code, str(code)),
                dot=False,
                color=colour,
                linewidth=width,
                linestyle=style,
            )
            shown += other_values
            shaded = span or (date.max, date.min)
            unshaded = [
                p
                for p in ind.series[code]
                if p.is_provisional and _has_value(p) and not shaded[0] <= p.period <= shaded[1]
            ]
            if unshaded:
                ax.plot(
                    [p.period for p in unshaded],
                    [p.value for p in unshaded],
                    linestyle="none",
                    marker="o",
                    markersize=4.5,
                    markerfacecolor="white",
                    markeredgecolor=colour,
                    markeredgewidth=1.3,
                    label=None if marked else OTHER_PROVISIONAL_LABEL,
                )
                marked = True
    segments = target_segments(ind, first, last)
    for n, (start, end, value, text) in enumerate(segments):
        if len(segments) > 1:  # each over the periods it held for
            label = "Mål, som det gjaldt"
        else:
            label = f"Mål: {text or value_text(value, ind.unit)}"
        ax.hlines(
            value,
            start,
            end,
            color=TARGET_COLOUR,
            linewidth=1.8,
            linestyle=":",
            label=label if n == 0 else None,
        )
        shown.append(value)
    for n, reform in enumerate(breaks):  # a break in the series, dated and named
        ax.axvline(
            reform["effective_date"],
            color="#6a3d9a",
            linewidth=1.2,
            linestyle=(0, (4, 2)),
            label=REFORM_LABEL if n == 0 else None,
        )
    _y_limits(ax, ind, shown)
    suffix = UNIT_SUFFIX.get(ind.unit, "") if ind.unit in TICK_UNITS else ""
    ax.yaxis.set_major_formatter(_AxisTicks(ind.unit, suffix))
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(axis="y", color="#e3e3e3", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if unit_name and ind.unit not in TICK_UNITS:  # '0,50' says nothing of what it counts
        _axis_name(fig, ax, unit_name[:1].upper() + unit_name[1:])
    _legend(fig, ax, home)
    return fig


def _axis_name(fig: Figure, ax, name: str) -> None:
    """The value axis named beside its ticks ('Procentpoint', 'Pr. 10.000 indbyggere'); the
    drawing moved right by what the name and the ticks need beyond the figure's edge."""
    ax.set_ylabel(name, fontsize=8, color="#444444")
    renderer = FigureCanvasAgg(fig).get_renderer()
    overrun = fig.bbox.x0 + 2 - ax.yaxis.get_tightbbox(renderer).x0
    if overrun > 0:
        left, bottom, width, height = ax.get_position().bounds
        moved = overrun / fig.bbox.width
        ax.set_position((left + moved, bottom, width - moved, height))
