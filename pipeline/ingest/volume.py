"""The volume rule: a delivery's row count against what came before in its stream.

A re-delivery is compared with the current delivery it replaces. A new period is compared
with the median of the last `previous_deliveries` current deliveries before it (a median, so
one odd month, such as a first extract holding the backlog, neither trips the rule nor
becomes the yardstick). Deliveries of the same batch count once they have passed: files are
taken in the order of their periods, and a refused one never becomes the yardstick.

A period still running on the day of validation (a month-to-date export, as the case system
sends daily: sources.yml) holds only the days so far: its lower bound is the full period's
times the share of its days that have passed, and a re-delivery of it, which grows day by
day, may grow up to the full period's upper bound, not only its own yesterday's.
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
) -> dict[str, Bounds]:
    """The accepted row range of each file (by name). `current` holds the current deliveries'
    row counts by delivery key; it is not changed. `today`: the day of validation, which
    tells a period still running (see the module's text)."""
    current = dict(current)
    want = int(rule["previous_deliveries"])
    rule_text = ", ".join(f"{k}={v}" for k, v in rule.items())
    out: dict[str, Bounds] = {}
    for d in sorted(files, key=lambda d: (d.delivery_key or "", d.name)):
        own = d.delivery_key or ""
        prefix = f"{d.stream}_" if d.stream else ""
        earlier = sorted(k for k in current if k.startswith(prefix) and k < own)[-want:]
        full = int(median(current[k] for k in earlier)) if len(earlier) == want else None
        share = _share_passed(d, today)
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
        if reference < rule["min_previous_rows"]:
            out[d.name] = Bounds(
                None,
                None,
                f"volume: {against} has {reference} rows, too few to compare ({rule_text})",
            )
            _count(current, own, d, n_rows, refused, None)
            continue
        low = ceil(reference * (1 - rule["max_drop"]))
        high = floor(reference * (1 + rule["max_jump"]))
        to_date = ""
        if share is not None:
            p = d.period
            passed = (today - p.first_day).days + 1
            days = (p.last_day - p.first_day).days + 1
            to_date = f"; {p.label} runs to {p.last_day:%Y-%m-%d}, {passed} of its {days} days"
            if own in current:  # yesterday's delivery of it: it may grow to a whole period's
                high = max(high, floor((full or 0) * (1 + rule["max_jump"])))
                to_date += " have passed, so it may grow to a whole period's upper bound"
            else:
                low = ceil(reference * (1 - rule["max_drop"]) * share)
                to_date += f" have passed, so {passed}/{days} of the lower bound"
        out[d.name] = Bounds(
            low,
            high,
            f"volume against {against}: {reference} rows{to_date}, so between {low} and "
            f"{high} ({rule_text})",
        )
        _count(current, own, d, n_rows, refused, (low, high))
    return out


def _count(current, own, d, n_rows, refused, within) -> None:
    """A file that passes everything else (and its own volume) becomes a yardstick."""
    n = n_rows.get(d.name, 0)
    if d.name in refused or (within and not within[0] <= n <= within[1]):
        return
    current[own] = n


def _share_passed(d: Delivery, today: date | None) -> float | None:
    """The share of the delivery's period that has passed on `today`, while it runs (its
    first day passed, its last not); None for a period that has ended (or not begun)."""
    p = d.period
    if today is None or p is None or not p.first_day <= today <= p.last_day:
        return None
    return ((today - p.first_day).days + 1) / ((p.last_day - p.first_day).days + 1)
