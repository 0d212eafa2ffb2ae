"""Great Expectations suites, one per landing source entity, read from `expectations/`.

Each suite file is a GX ExpectationSuite in GX's own JSON form. Its `meta.ingest` block says
how to recognise and parse the source's files (file-name pattern, reader, typed columns,
required columns, natural key, person-id columns, which date must fall in the delivery's
period, which columns start and end a period: `spans`). From that block the loader adds the
expectations every source needs, so that they are stated once.

All new files of a suite are validated together, once per refresh (DESIGN.md: a GX run costs
a fixed 0.15–0.3 s of Python whatever the rows). The expectations fall in two kinds:

- **Value rules**, on the rows: not null for each required column, person-id columns shaped
  like CPR numbers, the period column within the period the file is named for, and the
  suite's own (code lists, ranges). Each is checked on the distinct values of the columns it
  reads (a ydelse code is valid or not wherever it occurs), and a failing value is traced
  back to every file and line that holds it.
- **File rules**, on a summary frame of one row per file (a file without rows is refused by
  its reader before, pipeline/ingest/read.py): the natural key
  (and any uniqueness expectation of the suite) unique within the file, the period the file
  is named for has begun (for a source with `meta.ingest.published_after_period`: has
  passed), and the volume against earlier deliveries (`meta.ingest.volume`).

Every row carries the file's own period as columns an expectation may compare with:
`_period_label` (as named, e.g. `2024M09`), `_period_first_day`, `_period_last_day` (capped at
today) and `_period_year` (the year of its first day: a yearly file's rows name their year).

`meta.ingest.business_ids`: whole-number columns holding a business id: the P-nummer, a
production unit's identification number (CVR-loven § 6, https://danskelove.dk/cvr-loven/6),
which the sample writes with ten digits (its length in the real registers was not
established from Erhvervsstyrelsen's documentation) and so can be shaped like a CPR number
written without its dash. Every other whole-number column is refused where its text is
shaped like one (pipeline/ingest/read.py).

`meta.ingest.volume`: a file whose row count is more than `max_drop` below or `max_jump`
above its reference is refused. The reference of a re-delivery is the delivery it replaces;
of a new period, the median of the last `previous_deliveries` current deliveries of the same
stream (source table), counting files loaded before and earlier files of the same batch that
passed. Below `min_previous_rows` the reference is too small to judge and the rule passes,
saying so (a re-delivered month of a source that sends its month so far is still held to a
whole month's upper bound: pipeline/ingest/volume.py). A suite's rule is checked when it is
read: `previous_deliveries` and `min_previous_rows` whole numbers of at least 1 (0 earlier
deliveries would take every one, and a reference of 0 rows would bound a file to 0),
`max_drop` between 0 and 1, `max_jump` at least 0.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.config import (
    EXPECTATIONS_DIR,
    dst_area_code,
    extracts_config,
    read_seed,
    sources_config,
)
from pipeline.privacy import CPR_SHAPED

# a valid CPR number as the person-id columns hold it: ASCII digits only (Python's \d takes
# any script's), and anchored with \Z, not $, which lets a final newline through (helper-70:
# a quoted "ddmmyy-xxxx\n" passed, and the person got a second key). CPR_BODY is the same
# for DuckDB's regexp_full_match (RE2 has no \Z).
CPR_BODY = r"(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])[0-9]{2}-[0-9]{4}"
CPR_REGEX = "^" + CPR_BODY + r"\Z"
# the Thursday of the ISO week (yyyyww) in a suite's period_week_column: a week belongs to
# the month of its Thursday (dbt_project/macros/periods.sql), so a month's file holds the
# weeks whose Thursday falls in it (pipeline/ingest/validate.py computes it)
WEEK_THURSDAY = "_week_thursday"
COLUMN_TYPES = {"string", "cpr", "int", "double", "date", "bool"}
READERS = {"csv", "parquet", "statbank", "jobindsats"}
# the readers of benchmark tables, kept in incoming's long layout (pipeline/ingest/observations.py)
LONG_LAYOUT_READERS = ("statbank", "jobindsats")


@dataclass(frozen=True)
class SourceSpec:
    name: str  # "<source>__<entity>", also the suite name
    source: str
    entity: str
    file_pattern: re.Pattern[str]
    reader: str
    columns: dict[str, str]
    required: tuple[str, ...]
    natural_key: tuple[str, ...]
    period_column: str | None
    volume: dict[str, float] | None
    expectations: tuple[dict[str, Any], ...] = field(repr=False)
    path: Path = field(repr=False)
    period_week_column: str | None = None  # an ISO week (yyyyww) within the file's period
    # (start, end) column pairs of a period: an end, where given, is not before its start
    # (an empty end is a period still running when the export was made)
    spans: tuple[tuple[str, str], ...] = ()
    # a period is published only once it has passed (Jobindsats, StatBank): a file named for
    # one that has not is refused (pipeline/ingest/validate.py `due`); the others send their
    # period so far, and a file is refused only for a period that has not begun
    published_after_period: bool = False
    # whole-number columns that hold a business id (a P-nummer), which may be shaped like a
    # CPR number: the one kind of whole number not held to have no CPR shape (module doc)
    business_ids: tuple[str, ...] = ()
    # the natural key is unique across the current deliveries of every period, not within
    # a file alone (the case system's ids: staging and its dbt tests hold them unique): a
    # key a current delivery of another period holds refuses the file (validate.py)
    key_unique_across_deliveries: bool = False

    @property
    def numbers_without_person_ids(self) -> tuple[str, ...]:
        """The whole-number columns whose text must not be shaped like a CPR number (written
        without its dash, ddmmyyxxxx): a person id in a swapped column would otherwise be
        loaded in clear (helper-70). Read by pipeline/ingest/read.py type_cells."""
        return tuple(
            c for c, t in self.columns.items() if t == "int" and c not in self.business_ids
        )

    @property
    def is_long_layout(self) -> bool:
        """A benchmark table, read into the long layout: a row per area, period and measure."""
        return self.reader in LONG_LAYOUT_READERS

    @property
    def raw_table(self) -> str:
        return f"{self.source}_{self.entity}"

    @property
    def rows_within_period(self) -> bool:
        """The suite holds every row within the period the file is named for: its day (or
        week, by its Thursday), or for a benchmark table its period label equal to the
        file's. A delivery then changes nothing before that period's first day, so the
        month-incremental models rebuild from it (raw._load_log.rows_from)."""
        if self.period_column or self.period_week_column:
            return True
        return any(
            e["type"] == "expect_column_pair_values_to_be_equal"
            and {e["kwargs"].get("column_A"), e["kwargs"].get("column_B")}
            == {"period_label", "_period_label"}
            and "mostly" not in e["kwargs"]
            for e in self.expectations
        )

    @property
    def delivers_month_so_far(self) -> bool:
        """The source sends its month so far every day (sources.yml: cadence daily): the
        volume rule judges a month by the days that have passed (pipeline/ingest/volume.py)."""
        return sources_config()["sources"].get(self.source, {}).get("cadence") == "daily"

    @property
    def person_id_columns(self) -> tuple[str, ...]:
        return tuple(c for c, t in self.columns.items() if t == "cpr")

    def matches(self, file_name: str) -> re.Match[str] | None:
        """The whole name matched: a pattern's `$` also matches before a final newline, so
        'offers_2024-01.csv\\n' was taken for a re-delivery of 2024-01 (helper-94)."""
        return self.file_pattern.fullmatch(file_name)

    @property
    def unique_keys(self) -> tuple[tuple[str, ...], ...]:
        """Column lists unique within a file: the natural key, then the suite's own."""
        keys = [self.natural_key] if self.natural_key else []
        for e in self.expectations:
            kw = e["kwargs"]
            if e["type"] == "expect_column_values_to_be_unique":
                keys.append((kw["column"],))
            elif e["type"] == "expect_compound_columns_to_be_unique":
                keys.append(tuple(kw["column_list"]))
        return tuple(dict.fromkeys(keys))

    def value_expectations(self) -> list[dict[str, Any]]:
        """The row-level expectations: structural ones from meta, then the suite's own."""
        out: list[dict[str, Any]] = [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": c}}
            for c in self.required
        ]
        out += [
            {
                "type": "expect_column_values_to_match_regex",
                "kwargs": {"column": c, "regex": CPR_REGEX},
            }
            for c in self.person_id_columns
        ]
        # within the period the file is named for, and not after today: a day, or a week by
        # its Thursday
        for column in filter(None, (self.period_column, self.period_week_column)):
            day = WEEK_THURSDAY if column == self.period_week_column else column
            out += [
                {
                    "type": "expect_column_pair_values_a_to_be_greater_than_b",
                    "kwargs": {
                        "column_A": day,
                        "column_B": "_period_first_day",
                        "or_equal": True,
                        "ignore_row_if": "either_value_is_missing",
                    },
                },
                {
                    "type": "expect_column_pair_values_a_to_be_greater_than_b",
                    "kwargs": {
                        "column_A": "_period_last_day",
                        "column_B": day,
                        "or_equal": True,
                        "ignore_row_if": "either_value_is_missing",
                    },
                },
            ]
        out += [
            {
                "type": "expect_column_pair_values_a_to_be_greater_than_b",
                "kwargs": {
                    "column_A": end,
                    "column_B": start,
                    "or_equal": True,
                    "ignore_row_if": "either_value_is_missing",
                },
            }
            for start, end in self.spans
        ]
        # A text column that is no person's holds no CPR-shaped number: a person id in the
        # wrong column would otherwise be loaded in clear (a benchmark's dimension cell, a
        # free id). A column held to a set of values refuses it already.
        in_set = {
            e["kwargs"].get("column")
            for e in self.expectations
            if e["type"] == "expect_column_values_to_be_in_set"
        }
        out += [
            {
                "type": "expect_column_values_to_not_match_regex",
                "kwargs": {"column": c, "regex": CPR_SHAPED.pattern},
                # said in words as a suite's own expectation says them (validate._entry)
                "meta": {
                    "in_words": "holds a number shaped like a CPR number, in a column that "
                    "holds no person id"
                },
            }
            for c, t in self.columns.items()
            if t == "string" and c not in in_set
        ]
        unique = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")
        return out + [e for e in self.expectations if e["type"] not in unique]


def _seed_values(ref: str) -> list[Any]:
    """A seed column's values: `seed.column`, or `seed.column:dst` for a code column written
    as DST's three-digit codes ('0' -> '000', '84' -> '084')."""
    ref, _, form = ref.partition(":")
    seed, column = ref.split(".", 1)
    values = {row[column] for row in read_seed(seed)} - {""}
    if form == "dst":
        values = {dst_area_code(v) for v in values}
    return sorted(values)


# measure units whose values may be below zero (a difference); every other is at least 0
SIGNED_UNITS = ("count_difference", "pct_points")


def _measures_condition(source: str, units: tuple[str, ...]) -> str:
    """A pandas row condition selecting the observations whose measure has one of `units`
    in extracts.yml; one that selects nothing where none has."""
    conf = extracts_config()[source]
    pairs = [
        f'(table_id == "{table}" & measure == "{measure}")'
        for table, table_conf in conf.items()
        for measure, m in table_conf["measures"].items()
        if m["unit"] in units
    ]
    return " | ".join(pairs) or "table_id != table_id"


def _measures_with_unit(source: str, unit: str) -> str:
    """The observations whose measure has `unit`, so that e.g. only percentages are held to
    0-100."""
    return _measures_condition(source, (unit,))


def _unsigned_measures(source: str) -> str:
    """The observations whose measure cannot be negative (no difference)."""
    return f"not ({_measures_condition(source, SIGNED_UNITS)})"


def _resolve(obj: Any) -> Any:
    if isinstance(obj, dict):
        if set(obj) == {"$measures_with_unit"}:
            return _measures_with_unit(*obj["$measures_with_unit"])
        if set(obj) == {"$unsigned_measures"}:
            return _unsigned_measures(obj["$unsigned_measures"])
        if set(obj) == {"$seed"}:
            return _seed_values(obj["$seed"])
        if set(obj) == {"$seeds"}:
            return sorted({v for ref in obj["$seeds"] for v in _seed_values(ref)}, key=str)
        return {k: _resolve(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_resolve(v) for v in obj]
    return obj


def _typed_sets(
    expectations: list[dict[str, Any]], columns: dict[str, str]
) -> list[dict[str, Any]]:
    """Seeds are text; an integer column's value set must hold integers to match."""
    for e in expectations:
        kw = e["kwargs"]
        if columns.get(kw.get("column")) == "int" and isinstance(kw.get("value_set"), list):
            kw["value_set"] = [int(v) for v in kw["value_set"]]
    return expectations


VOLUME_KEYS = ("previous_deliveries", "max_drop", "max_jump", "min_previous_rows")


def _volume_rule(path: Path, rule: dict[str, float] | None) -> dict[str, float] | None:
    """A suite's volume rule as written, or ValueError naming the suite and what is wrong."""
    if rule is None:
        return None
    problems = [f"missing {k}" for k in VOLUME_KEYS if k not in rule]
    problems += [f"unknown {k}" for k in rule if k not in VOLUME_KEYS]
    if not problems:
        for k in ("previous_deliveries", "min_previous_rows"):
            if not (isinstance(rule[k], int) and rule[k] >= 1):
                problems.append(f"{k} must be a whole number of at least 1, not {rule[k]!r}")
        if not 0 <= rule["max_drop"] <= 1:
            problems.append(f"max_drop must be between 0 and 1, not {rule['max_drop']!r}")
        if not rule["max_jump"] >= 0:
            problems.append(f"max_jump must be at least 0, not {rule['max_jump']!r}")
    if problems:
        raise ValueError(f"{path}: meta.ingest.volume: {'; '.join(problems)}")
    return rule


def load_spec(path: Path) -> SourceSpec:
    doc = json.loads(path.read_text(encoding="utf-8"))
    meta = doc["meta"]["ingest"]
    name = doc["name"]
    source, entity = name.split("__", 1)
    columns = dict(meta["columns"])
    bad = {c: t for c, t in columns.items() if t not in COLUMN_TYPES}
    if bad or meta["reader"] not in READERS:
        raise ValueError(f"{path}: unknown column types {bad} or reader {meta['reader']!r}")
    return SourceSpec(
        name=name,
        source=source,
        entity=entity,
        # ASCII: a name's \d is 0-9, not any script's digits (pipeline/periods.py)
        file_pattern=re.compile(meta["file_pattern"], re.ASCII),
        reader=meta["reader"],
        columns=columns,
        required=tuple(meta.get("required", columns)),
        natural_key=tuple(meta.get("natural_key", ())),
        period_column=meta.get("period_column"),
        volume=_volume_rule(path, meta.get("volume")),
        expectations=tuple(_typed_sets(_resolve(doc.get("expectations", [])), columns)),
        path=path,
        period_week_column=meta.get("period_week_column"),
        spans=tuple(tuple(pair) for pair in meta.get("spans", ())),
        published_after_period=bool(meta.get("published_after_period", False)),
        business_ids=tuple(meta.get("business_ids", ())),
        key_unique_across_deliveries=bool(meta.get("key_unique_across_deliveries", False)),
    )


@cache
def load_specs(directory: Path = EXPECTATIONS_DIR) -> tuple[SourceSpec, ...]:
    return tuple(load_spec(p) for p in sorted(directory.glob("*.json")))


def source_names() -> list[str]:
    """The sources the suites name: each is a folder of landing."""
    return sorted({s.source for s in load_specs()})


def spec_for(
    source: str, file_name: str, specs: tuple[SourceSpec, ...] | None = None
) -> tuple[SourceSpec, re.Match[str]] | None:
    for spec in specs or load_specs():
        if spec.source == source and (m := spec.matches(file_name)):
            return spec, m
    return None
