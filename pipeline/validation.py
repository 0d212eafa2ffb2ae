"""Run a source's Great Expectations suite on one parsed file (pandas datasource).

DESIGN.md: GX's SQL datasource over DuckDB is broken, so each extract is validated as a
DataFrame before it is loaded. One ephemeral context serves the whole process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import pandas as pd

from pipeline.suites import SourceSpec

MAX_ROWS_REPORTED = 20


def period_parameters(period: str, today: date | None = None) -> dict[str, Any]:
    """Suite parameters for a delivery named by its period: '2024-09', '2024M09', '2024Q3',
    '2024QMAT09' or '2024'. Dates must lie in the period and not after today."""
    today = today or date.today()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})|M(\d{2})|Q([1-4])|QMAT(\d{2}))?", period)
    if not m:
        raise ValueError(f"cannot read a period from {period!r}")
    year = int(m.group(1))
    month = m.group(2) or m.group(3)
    if month:
        p = pd.Period(f"{year}-{month}", "M")
        start, end = p.start_time, p.end_time
    elif m.group(4):
        p = pd.Period(f"{year}Q{m.group(4)}", "Q")
        start, end = p.start_time, p.end_time
    elif m.group(5):
        p = pd.Period(f"{year}-{m.group(5)}", "M")
        start, end = (p - 11).start_time, p.end_time
    else:
        start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    end = min(end.normalize(), pd.Timestamp(today))
    return {
        "period_start": start.normalize(),
        "period_end": end,
        "period_label_regex": f"^{re.escape(period)}$",
    }


@dataclass
class ValidationOutcome:
    success: bool
    results: list[dict[str, Any]]
    statistics: dict[str, Any]

    def failures(self) -> list[dict[str, Any]]:
        return [r for r in self.results if not r["success"]]


def _describe(kind: str, kwargs: dict[str, Any]) -> str:
    shown = {k: v for k, v in kwargs.items() if k not in ("batch_id",)}
    if isinstance(shown.get("value_set"), list) and len(shown["value_set"]) > 8:
        shown["value_set"] = [*shown["value_set"][:8], f"... {len(shown['value_set'])} in all"]
    return f"{kind}({', '.join(f'{k}={v}' for k, v in shown.items())})"


class Validator:
    @cached_property
    def _batch_definition(self):
        import great_expectations as gx
        from great_expectations.data_context.types.base import (
            ProgressBarsConfig,
        )

        context = gx.get_context(mode="ephemeral")
        # No tqdm bar per file: GX's metric_calculations flag (default on) overrides globally.
        context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
        asset = context.data_sources.add_pandas("landing").add_dataframe_asset("file")
        return asset.add_batch_definition_whole_dataframe("whole_file")

    def warm(self) -> None:
        """Import GX and build the context now."""
        _ = self._batch_definition

    def validate(
        self,
        spec: SourceSpec,
        frame: pd.DataFrame,
        params: dict[str, Any],
        lines: list[int] | None = None,
    ) -> ValidationOutcome:
        """Validate; unexpected rows are reported as file lines when `lines` is given."""
        import great_expectations as gx

        suite = gx.ExpectationSuite(**spec.suite_dict())
        batch = self._batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(
            suite,
            expectation_parameters=params,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [],
                "partial_unexpected_count": MAX_ROWS_REPORTED,
            },
        )
        results = []
        for r in result.results:
            cfg = r.expectation_config
            kwargs = {k: v for k, v in cfg.kwargs.items() if k != "batch_id"}
            res = r.result or {}
            positions = [i for i in (res.get("unexpected_index_list") or []) if isinstance(i, int)][
                :MAX_ROWS_REPORTED
            ]
            rows = [lines[i] if lines else i for i in positions]
            entry = {
                "expectation": cfg.type,
                "column": kwargs.get("column") or kwargs.get("column_list"),
                "success": bool(r.success),
                "description": _describe(cfg.type, kwargs),
                "unexpected_count": res.get("unexpected_count"),
                "unexpected_rows": rows,
                "unexpected_values": [
                    str(v) for v in (res.get("partial_unexpected_list") or [])[:10]
                ],
                "observed_value": _jsonable(res.get("observed_value")),
            }
            if r.exception_info and r.exception_info.get("raised_exception"):
                entry["error"] = r.exception_info.get("exception_message")
            results.append(entry)
        return ValidationOutcome(bool(result.success), results, _jsonable(dict(result.statistics)))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    return str(value)
