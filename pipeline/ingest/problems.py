"""What is wrong with a delivery, said so that a person can find it: file, row, column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.privacy import hide_person_ids

MAX_ROWS_REPORTED = 20  # lines named per problem; the count says how many in all
UNIQUE_KINDS = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")


@dataclass
class Problem:
    file: str
    message: str
    row: int | None = None  # the line of the file (1 = header), or the data row (Parquet, JSON)
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    rows: list[int] | None = None  # every row named, where more than one breaks it
    rule: str | None = None  # the expectation as written, where the message says it in words

    def __post_init__(self) -> None:
        self.message = hide_person_ids(self.message)
        if self.column is not None:  # a header's names: a data line where the header is missing
            self.column = hide_person_ids(self.column)
        if self.value is not None:
            self.value = hide_person_ids(self.value)
        if self.expected is not None:
            self.expected = hide_person_ids(self.expected)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (found {self.value!r})"
        if self.rows:
            text += f"; rows {', '.join(map(str, self.rows))} break it"
        if self.expected:
            text += f"; expected {self.expected}"
        return text


def problem_from_result(file: str, r: dict[str, Any]) -> Problem:
    """A failed expectation's result for one file, as a problem."""
    rows = r.get("unexpected_rows") or []
    values = r.get("unexpected_values") or []
    if r.get("expectation") == "expect_column_values_to_not_be_null":
        values = []  # an empty cell has no value to show
    if r.get("message"):
        return Problem(file, r["message"], expected=r.get("description"))
    # what the rows break in words where the rule has them (validation.in_words), else the
    # rule as written; the validation result keeps the rule as written either way
    count = r.get("unexpected_count") or 0
    unique = r.get("expectation") in UNIQUE_KINDS
    if r.get("in_words") and unique:
        # a key's rows: how many share one, and the first repeat ('row 5 repeats … of row 2')
        msg = f"{count} rows share their key with another row, e.g. {r['in_words']}"
        rows = rows[:1]
    elif r.get("in_words"):
        msg = r["in_words"] + (f", in {count} rows" if count > 1 else "")
    else:
        msg = f"failed {r['description']}" + (f": {count} rows" if count else "")
    if r.get("observed_value") is not None and not rows:
        msg += f"; observed {r['observed_value']}"
    if r.get("error"):
        msg += f"; error: {r['error']}"
    column = r.get("column")
    return Problem(
        file,
        msg,
        row=rows[0] if rows else None,
        column=column if isinstance(column, str) else None,
        value=", ".join(values[:5]) if values else None,
        rows=rows[:10] if len(rows) > 1 else None,
        rule=r["description"] if r.get("in_words") else None,
    )


@dataclass
class FileOutcome:
    """What one refresh did with one landing file."""

    source: str
    file: str
    status: str  # loaded | skipped | quarantined
    message: str
    rows: int = 0
    batch_id: str | None = None
    raw_table: str | None = None  # None when no suite matched the file
