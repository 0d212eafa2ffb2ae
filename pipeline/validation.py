"""Great Expectations, run on a pandas frame (GX's pandas datasource).

DESIGN.md: GX's SQL datasource over DuckDB is broken, so the rows DuckDB has read are handed
to GX as a DataFrame. One ephemeral context serves the whole process; Great Expectations is
imported only when there is something to validate (its import costs seconds).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

MAX_VALUES_REPORTED = 10


@dataclass
class Result:
    """One expectation's outcome on the frame."""

    index: int  # its position in the list validated
    success: bool
    unexpected_positions: list[int]  # frame rows (only when run in full)
    unexpected_values: list[Any]
    observed_value: Any
    error: str | None


@cache
def _whole_frame_batch():
    """GX's ephemeral context with a pandas asset whose batch is the frame it is given: made
    once per process (about 0.3 s each, and GX's imports the first time)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every frame below this size (an MD5 over pandas' hash of every
    # cell) for a batch marker nothing here reads: 1.5 s for the persons register's
    # 1.8 million distinct values at 30 M person-weeks, about 5 s of that ingest in all.
    # 0 turns it off; if GX renames the setting, this fails here rather than going slow.
    if not hasattr(pandas_execution_engine, "HASH_THRESHOLD"):
        raise RuntimeError("great_expectations has no HASH_THRESHOLD: check validation.py")
    pandas_execution_engine.HASH_THRESHOLD = 0

    context = gx.get_context(mode="ephemeral")
    # No tqdm bar: GX's metric_calculations flag (default on) overrides globally.
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    asset = context.data_sources.add_pandas("landing").add_dataframe_asset("batch")
    return asset.add_batch_definition_whole_dataframe("whole_batch")


class Validator:
    def __init__(self) -> None:
        self._warming: threading.Thread | None = None

    def warm_up(self) -> None:
        """Import GX and make its context in a background thread, while the caller reads
        the new files with DuckDB (which releases the GIL): the first validation then waits
        only for what is left of it. At 30 M person-weeks GX's imports took 3-4 s of
        ingest's critical path."""
        if self._warming is None:
            self._warming = threading.Thread(target=_whole_frame_batch, name="warm-gx", daemon=True)
            self._warming.start()

    def run(
        self,
        name: str,
        frame: pd.DataFrame,
        expectations: list[dict[str, Any]],
        params: dict[str, Any],
        full: bool = False,
    ) -> tuple[list[Result], dict[str, Any]]:
        """Validate; `full` returns every unexpected row's position (for the failures)."""
        if self._warming is not None:
            self._warming.join()  # one context: _whole_frame_batch is not made twice
        import great_expectations as gx

        # each expectation carries its position, to match results to what was asked
        numbered = [
            {**e, "meta": {**e.get("meta", {}), "i": i}} for i, e in enumerate(expectations)
        ]
        suite = gx.ExpectationSuite(name=name, expectations=numbered)
        batch = _whole_frame_batch().get_batch(batch_parameters={"dataframe": frame})
        result_format: dict[str, Any] = (
            {"result_format": "COMPLETE", "partial_unexpected_count": MAX_VALUES_REPORTED}
            if full
            else {"result_format": "BOOLEAN_ONLY"}
        )
        validated = batch.validate(
            suite, expectation_parameters=params, result_format=result_format
        )
        out = []
        for r in validated.results:
            res = r.result or {}
            error = None
            if r.exception_info and r.exception_info.get("raised_exception"):
                error = r.exception_info.get("exception_message")
            out.append(
                Result(
                    index=int(r.expectation_config.meta["i"]),
                    success=bool(r.success),
                    unexpected_positions=[
                        i for i in (res.get("unexpected_index_list") or []) if isinstance(i, int)
                    ],
                    unexpected_values=list(res.get("partial_unexpected_list") or []),
                    observed_value=jsonable(res.get("observed_value")),
                    error=error,
                )
            )
        return sorted(out, key=lambda r: r.index), jsonable(dict(validated.statistics))


def describe(kind: str, kwargs: dict[str, Any]) -> str:
    """An expectation as a person reads it: its type and arguments, long lists shortened."""
    shown = {k: v for k, v in kwargs.items() if k != "batch_id"}
    if isinstance(shown.get("value_set"), list) and len(shown["value_set"]) > 8:
        shown["value_set"] = [*shown["value_set"][:8], f"... {len(shown['value_set'])} in all"]
    return f"{kind}({', '.join(f'{k}={v}' for k, v in shown.items())})"


# Columns ingest adds to every row for the file-level rules, as a person reads them
ADDED_COLUMNS = {
    "_period_label": "the period in the file's name",
    "_period_first_day": "the first day of the file's period",
    # capped at today (ingest/validate.py): a date after today is refused in a running month
    "_period_last_day": "the last day of the file's period (today, if it has not ended)",
    "_week_thursday": "the week's Thursday",
}


def in_words(kind: str, kwargs: dict[str, Any]) -> str | None:
    """What a row that fails an expectation breaks, as a person reads it ('is not one of
    jobcenter, selvbook'; 'is not on or after the first day of the file's period'); None for
    a kind without words here (describe() then says it)."""

    def column(name: str) -> str:
        return ADDED_COLUMNS.get(name, repr(name))

    match kind:
        case "expect_column_values_to_not_be_null":
            return "is empty; a value is required"
        case "expect_column_values_to_be_in_set":
            allowed = [str(v) for v in kwargs.get("value_set") or []]
            if len(allowed) > 8:  # names before codes: areas are 'Albertslund' or '165'
                allowed.sort(key=lambda v: (v.isdigit(), v))
            shown = ", ".join(allowed[:8]) + (
                f", …; {len(allowed)} in all" if len(allowed) > 8 else ""
            )
            return f"is not one of the allowed values ({shown})"
        case "expect_column_values_to_be_between":
            low, high = kwargs.get("min_value"), kwargs.get("max_value")
            above = "above" if kwargs.get("strict_min") else "at least"
            below = "below" if kwargs.get("strict_max") else "at most"
            bounds = [
                f"{above} {low}" if low is not None else "",
                f"{below} {high}" if high is not None else "",
            ]
            return "is outside the allowed range: " + " and ".join(b for b in bounds if b)
        case "expect_column_values_to_match_regex":
            return f"does not have the expected form ({kwargs.get('regex')})"
        case "expect_column_values_to_not_match_regex":
            return f"has a form it must not have ({kwargs.get('regex')})"
        case "expect_column_values_to_be_unique" | "expect_compound_columns_to_be_unique":
            key = kwargs.get("column_list") or [kwargs.get("column")]
            return f"repeats the key ({', '.join(str(k) for k in key)}) of another row"
        case "expect_column_pair_values_to_be_equal":
            return f"differs from {column(kwargs['column_B'])}"
        case "expect_column_pair_values_a_to_be_greater_than_b":
            after = "on or after" if kwargs.get("or_equal") else "after"
            return f"{column(kwargs['column_A'])} is not {after} {column(kwargs['column_B'])}"
    return None


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    return str(value)
