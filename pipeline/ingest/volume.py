"""The volume rule: a delivery's row count against what came before in its stream.

A re-delivery is compared with the current delivery it replaces. A new period is compared
with the median of the last `previous_deliveries` current deliveries before it (a median, so
one odd month, such as a first extract holding the backlog, neither trips the rule nor
becomes the yardstick). Deliveries of the same batch count once they have passed: files are
taken in the order of their periods, and a refused one never becomes the yardstick.
"""

from __future__ import annotations

from dataclasses import dataclass
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
) -> dict[str, Bounds]:
    """The accepted row range of each file (by name). `current` holds the current deliveries'
    row counts by delivery key; it is not changed."""
    current = dict(current)
    want = int(rule["previous_deliveries"])
    rule_text = ", ".join(f"{k}={v}" for k, v in rule.items())
    out: dict[str, Bounds] = {}
    for d in sorted(files, key=lambda d: (d.delivery_key or "", d.name)):
        own = d.delivery_key or ""
        prefix = f"{d.stream}_" if d.stream else ""
        earlier = sorted(k for k in current if k.startswith(prefix) and k < own)[-want:]
        if own in current:
            reference, against = current[own], f"the delivery it replaces ({own})"
        elif len(earlier) == want:
            reference = int(median(current[k] for k in earlier))
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
        out[d.name] = Bounds(
            low,
            high,
            f"volume against {against}: {reference} rows, so between {low} and {high} "
            f"({rule_text})",
        )
        _count(current, own, d, n_rows, refused, (low, high))
    return out


def _count(current, own, d, n_rows, refused, within) -> None:
    """A file that passes everything else (and its own volume) becomes a yardstick."""
    n = n_rows.get(d.name, 0)
    if d.name in refused or (within and not within[0] <= n <= within[1]):
        return
    current[own] = n
