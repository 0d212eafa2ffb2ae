"""A short Danish paragraph per focus area, written from the figures by templates (no
language model, issue 15 §6): how many of its indicators are met, not met, level within the
uncertainty, too few or without comparison (naming those met and not met), what changed
since the year before beyond the uncertainty, what is left to the uncertainty, and where the
projections (var projection_horizon_months ahead) are heading (fct_indicator_outlook). Every
phrase is the seed indicator_statuses' summary_da of its word (marts.dim_status)."""

from __future__ import annotations

from pipeline.config import dbt_var
from pipeline.report.data import Group, Indicator, Status

HORIZON = dbt_var("projection_horizon_months")  # months projected ahead (dbt_project.yml)

NUMBERS = ["ingen", "én", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti"]


def _count(n: int) -> str:
    return NUMBERS[n] if n < len(NUMBERS) else str(n)


def _ids(indicators: list[Indicator]) -> str:
    ids = [i.indicator_id for i in indicators]
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " og " + ids[-1]


def _phrases(statuses: list[Status], kind: str) -> list[Status]:
    """The words of `kind` a summary names, in their order (seed indicator_statuses)."""
    return sorted(
        (s for s in statuses if s.kind == kind and s.summary_da), key=lambda s: s.sort_order
    )


def group_summary(
    group: Group, statuses: list[Status], outlook: dict[str, dict] | None = None
) -> str:
    """The paragraph for one focus area, in the words of `statuses` (marts.dim_status);
    `outlook`: the projections by indicator."""
    active = [i for i in group.indicators if not i.is_retired]
    if not active:
        return ""
    parts = []

    def said(these: list[Indicator], phrase: str, named: bool) -> None:
        # every one of the group's alike: 'begge' or 'alle', not 'to indikatorer: to ...'
        every = "begge" if len(these) == 2 else "alle"
        count = every if len(these) == len(active) > 1 else _count(len(these))
        parts.append(f"{count}{f' ({_ids(these)})' if named else ''} {phrase}")

    for verdict in _phrases(statuses, "verdict"):
        word, phrase = verdict.status, verdict.summary_da
        these = [i for i in active if i.status == word]
        # a comparator whose figures ended before the period (4.2) is not 'without a basis
        # for comparison': named apart, as its verdict's sentence says (verdict_text)
        ended = [i for i in these if i.comparator_ended]
        these = [i for i in these if not i.comparator_ended]
        if these:  # the indicators met and not met are named (the others are counted)
            said(these, phrase, verdict.css_class in ("ok", "bad"))
        if ended:
            said(ended, "har intet sammenligningstal for perioden", True)
    n = len(active)
    if n == 1:
        parts = ["den " + p.split(" ", 1)[1] for p in parts]  # "én er opfyldt" -> "den er …"
    text = f"Under {group.label} er der {_count(n)} {'indikator' if n == 1 else 'indikatorer'}: "
    text += (", ".join(parts[:-1]) + " og " + parts[-1] if len(parts) > 1 else parts[0]) + "."
    # the changes since a year before, each in its seed sentence ('{ids}': the indicators)
    for change in _phrases(statuses, "change"):
        these = [i for i in active if i.published_change_status == change.status]
        if these:
            text += " " + change.summary_da.format(ids=_ids(these))
    courses = []
    for course in _phrases(statuses, "course"):
        word, phrase = course.status, course.summary_da
        these = [
            i for i in active if (outlook or {}).get(i.indicator_id, {}).get("on_course") == word
        ]
        if these:
            courses.append(f"{_ids(these)} {phrase}")
    if courses:
        joined = ", ".join(courses[:-1]) + " og " + courses[-1] if len(courses) > 1 else courses[0]
        text += f" Fremskrevet {HORIZON} måneder er {joined}."
    return text
