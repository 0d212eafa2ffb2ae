"""The volume rule: a delivery's row count against what came before in its stream.

A re-delivery is compared with the current delivery it replaces. A new period is compared
with the median of the last `previous_deliveries` current deliveries before it (a median, so
one odd month, such as a first extract holding the backlog, neither trips the rule nor
becomes the yardstick). Deliveries of the same batch count once they have passed: files are
taken in the order of their periods, and a refused one never becomes the yardstick.

A source that delivers its month so far every day (sources.yml: cadence daily, the case
system) is judged by that: a month still running on the day of validation holds the days
before it, so its lower bound is a whole month's times the share of the month's days that
have passed (none on its first day); and a re-delivery of one of its months, which grows
day by day, may grow to a whole month's upper bound (the median's), not only to its own
earlier delivery's, so that a month loaded early is not capped by that load. Other sources
deliver whole periods, also of a quarter or a year still running (FOLK1A 2026K4): the plain
rule holds for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from math import ceil, floor
from statistics import median

from pipeline.ingest.discover import Delivery


@dataclass
class Bounds:
    low: int | None  # None: nothing to compare with, the rule passes
    high: int | None
    description: str


def bounds(
    rule: dict[str, float],
    files: list[Delivery],
    n_rows: dict[str, int],
    refused: set[str],
    current: dict[str, int],
    today: date | None = None,
    month_to_date: bool = False,
) -> dict[str, Bounds]:
    """The accepted row range of each file (by name). `current` holds the current deliveries'
    row counts by delivery key; it is not changed. `today`: the day of validation;
    `month_to_date`: the source delivers its month so far (see the module's text)."""
    current = dict(current)
    want = int(rule["previous_deliveries"])
    rule_text = ", ".join(f"{k}={v}" for k, v in rule.items())
    out: dict[str, Bounds] = {}
    for d in sorted(files, key=lambda d: (d.delivery_key or "", d.name)):
        own = d.delivery_key or ""
        earlier = sorted(k for k in current if _stream_of(k) == d.stream and k < own)[-want:]
        full = int(median(current[k] for k in earlier)) if len(earlier) == want else None
        if own in current:
            reference, against = current[own], f"the delivery it replaces ({own})"
        elif full is not None:
            reference = full
            against = f"the median of the previous {want} deliveries ({earlier[0]}..{earlier[-1]})"
        else:
            out[d.name] = Bounds(
                None,
                None,
                f"volume: {len(earlier)} previous deliveries, fewer than {want} to compare "
                f"with ({rule_text})",
            )
            _count(current, own, d, n_rows, refused, None)
            continue
        monthly = month_to_date and d.period is not None and d.period.kind == "month"
        # a re-delivered month of a source that delivers its month so far: it grows day by
        # day, up to a whole month's upper bound where earlier months give one, else without
        # a bound (as a stream's first deliveries), never capped by its own early load
        grows = monthly and own in current
        whole_month = floor(full * (1 + rule["max_jump"])) if full is not None else None
        if reference < rule["min_previous_rows"]:
            # too few rows to bound a drop; a month loaded on its first days is still held
            # to a whole month's upper bound, where whole months are enough to judge by
            judged = full is not None and full >= rule["min_previous_rows"]
            high = whole_month if grows and judged else None
            cap = f"; it may grow up to a whole month's {high} rows" if high is not None else ""
            out[d.name] = Bounds(
                None if high is None else 0,
                high,
                f"volume: {against} has {reference} rows, too few to compare{cap} ({rule_text})",
            )
            _count(current, own, d, n_rows, refused, None if high is None else (0, high))
            continue
        low = ceil(reference * (1 - rule["max_drop"]))
        high = floor(reference * (1 + rule["max_jump"]))
        so_far = ""
        if grows and whole_month is not None:
            high = max(high, whole_month)
            so_far = f"; a re-delivered month may grow up to a whole month's {high} rows"
        elif grows:
            high = None
            so_far = (
                f"; a re-delivered month may grow without bound while fewer than {want} "
                "earlier months give a whole month's"
            )
        passed = _days_passed(d, today) if monthly else None
        if passed is not None and own not in current:
            days = (d.period.last_day - d.period.first_day).days + 1
            low = ceil(reference * (1 - rule["max_drop"]) * passed / days)
            so_far = f"; {d.period.label} has run {passed} of its {days} days"
        between = f"between {low} and {high}" if high is not None else f"at least {low}"
        out[d.name] = Bounds(
            low,
            high,
            f"volume against {against}: {reference} rows{so_far}; so {between} ({rule_text})",
        )
        _count(current, own, d, n_rows, refused, (low, high))
    return out


def _stream_of(key: str) -> str:
    """The stream of a delivery key ('<table>_<period>' or '<period>': a period has no '_'),
    exactly: a prefix would take table y60a02_1's deliveries for y60a02's."""
    return key.rsplit("_", 1)[0] if "_" in key else ""


def _count(current, own, d, n_rows, refused, within) -> None:
    """A file that passes everything else (and its own volume) becomes a yardstick."""
    n = n_rows.get(d.name, 0)
    low, high = within or (None, None)
    if d.name in refused or (low is not None and n < low) or (high is not None and n > high):
        return
    current[own] = n


def _days_passed(d: Delivery, today: date | None) -> int | None:
    """The whole days of the delivery's period before `today` while the period runs on it
    (an export made on a day holds the days before it); None for a period that has ended
    (or not begun)."""
    p = d.period
    if today is None or p is None or not p.first_day <= today <= p.last_day:
        return None
    return (today - p.first_day).days
