"""STAR's Jobindsats API v3: benchmark tables for the country and every municipality.

`GET /v3/data/{table}?mgroup.*=*&period.M=2026M05,2026M06&hierarchy._nykom=/&format=json`
with `Authorization: Bearer <key>`; the answer is `{"columns": [labels], "rows": [[...]]}`:
the period and the area first, then one column per hierarchy asked for, then the measures;
numbers are JSON numbers and a suppressed cell is `null`. A hierarchy not asked for is
left out of the answer (its total). Table metadata: `/v3/table/{table}?format=json`.
Where this was established (STAR's user guide as quoted by its callers, and responses
recorded by public repositories): docs/sources/real_tables.md §0.2, and the recorded
response in tests/fixtures/http/.

The area hierarchy is asked twice, `/` (its root: Hele landet) and `*` (every municipality),
as the public callers do (AI-MichelKlos/kommunal-beskaeftigelsesindsats@8c4077d
scripts/update_dashboard.py, `national=True` asks `/`); whether `*` includes the root is not
documented, so rows that come twice are kept once.

v2 (`/v2/data/{table}/json`, a raw key header) was switched off after 30 September 2026 and is
no longer asked. The key comes from JOBINDSATS_API_KEY (STAR issues keys on request). The
file written for a period holds that period's rows of both answers in v3's shape, the columns
as the service sent them and a row that came twice once: the answers re-serialised, not their
bytes (the sidecar names the URLs asked).

Before the data is asked, the periods are checked against the table's metadata: a period the
table does not list yet is `NotPublished`, as StatBank's tableinfo is read (the monthly
extract asks only the listed ones of its months, and skips a table that lists none of them).
The metadata lists them as `periods[{periodtype_id: "M", values[{period_id: "2026M06"}]}]`:
so two public callers read it to choose the periods they ask (an Airflow DAG's
`_period_request`, code-index file 56164302239, and a script fetching y25i14, file
71339050572: `spec["periods"] … p["periodtype_id"] == "M" … v["period_id"]`);
docs/sources/real_tables.md §0.2.

An answer is checked before anything is written: each area selection must give rows (an
empty `*` would land the country alone), and no period that was not asked may come back; a
period asked that does not come back although listed is said in the log.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from pathlib import Path

from pipeline import periods
from pipeline.fetch import (
    Fetched,
    expand_periods,
    http,
    published_subset,
    refuse_unasked,
    table_config,
    write_each_period,
)
from pipeline.fetch.http import FetchError
from pipeline.landing_formats import jobindsats_labels, write_jobindsats_table
from pipeline.suites import spec_for

API_URL = "https://api.jobindsats.dk"
KEY_ENV = "JOBINDSATS_API_KEY"
URL_ENV = "BKWH_JOBINDSATS_URL"
VERSION = "v3"


class MissingKey(FetchError):
    pass


def api_key() -> str:
    key = os.environ.get(KEY_ENV, "").strip()
    if not key:
        raise MissingKey(
            f"{KEY_ENV} is not set. Jobindsats' API needs a key: STAR (Styrelsen for "
            "Arbejdsmarked og Rekruttering) issues one on request, see jobindsats.dk under "
            f"'API'. Set {KEY_ENV}=<key> and run again. Nothing was fetched or written."
        )
    # a key travels in a header: one with a line break or a character no header can hold
    # failed in httpx with the key quoted in the error (a log line), or stopped every table
    # after it (helper-111); said here, without the key
    if not (key.isascii() and key.isprintable()) or any(c.isspace() for c in key):
        raise MissingKey(
            f"{KEY_ENV} holds a space, a line break or a character outside ASCII, which no "
            "key STAR issues has and no HTTP header can carry (the key is not shown). Set "
            f"{KEY_ENV} to the key alone and run again. Nothing was fetched or written."
        )
    return key


# a table's period type in extracts.yml and the kind of period its files are named by
PERIOD_KINDS = {"M": "month", "QMAT": "rolling_year"}


def check_labels(table: str, period_type: str, labels: set[str]) -> None:
    """A FetchError unless every label is a period of the table's type whose file name ingest
    takes (a suite's file_pattern)."""
    bad = []
    for label in sorted(labels):
        try:
            kind = periods.parse(label).kind
        except periods.PeriodError:
            kind = None
        name = f"{table}_{label}.json"
        if kind != PERIOD_KINDS.get(period_type) or spec_for("jobindsats", name) is None:
            bad.append(label)
    if bad:
        raise FetchError(
            f"Jobindsats table {table}: the answer labels periods {bad[:5]!r} that are no "
            f"{period_type} periods its files can be named by; nothing was written"
        )


def period_param(spec: str) -> str:
    """The value of `period.<type>=`: a comma list of ids ('2026M05,2026M06') or the
    service's own relative form ('latest:14')."""
    spec = spec.strip()
    if spec.startswith("latest:"):
        return spec
    return ",".join(expand_periods(spec))


class Jobindsats:
    def __init__(
        self,
        key: str,
        base_url: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        log: Callable[[str], None] | None = None,
    ):
        self.base_url = base_url or os.environ.get(URL_ENV) or API_URL
        self.client = http.client(self.base_url, {"Authorization": f"Bearer {key}"})
        self.sleep, self.log = sleep, log

    def _get(self, path: str, params: dict | None = None):
        request = self.client.build_request("GET", path, params=params)
        return request, http.send(
            self.client,
            request,
            sleep=self.sleep,
            on_retry=self.log,
            key_hint=f"check {KEY_ENV}, or ask STAR for a new one",
        )

    def table_info(self, table: str) -> dict | list:
        request, response = self._get(f"/{VERSION}/table/{table}", {"format": "json"})
        return http.json_body(request, response)

    def published_periods(self, table: str, period_type: str) -> list[str]:
        """The ids of the periods of `period_type` (M, QMAT) that the table's metadata lists."""
        info = self.table_info(table)
        kinds = info.get("periods") if isinstance(info, dict) else None
        if not isinstance(kinds, list):
            keys = sorted(info) if isinstance(info, dict) else type(info).__name__
            raise FetchError(
                f"Jobindsats /{VERSION}/table/{table}: the table's metadata has no 'periods' "
                f"(it has {keys}); nothing was fetched or written"
            )
        for kind in kinds:
            if isinstance(kind, dict) and kind.get("periodtype_id") == period_type:
                values = kind.get("values") or []
                if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
                    # (bare ids, ["2026M05"], raised an AttributeError past fetch_each,
                    # stopping every table; helper-94)
                    raise FetchError(
                        f"Jobindsats /{VERSION}/table/{table}: the {period_type} periods are "
                        f"not objects with a 'period_id' (found {str(values)[:120]!r}); "
                        "nothing was fetched or written"
                    )
                return [v["period_id"] for v in values if v.get("period_id")]
        raise FetchError(
            f"Jobindsats table {table} is not published by {period_type} (its period types: "
            f"{[k.get('periodtype_id') for k in kinds if isinstance(k, dict)]}); check "
            "extracts.yml's period_type; nothing was fetched or written"
        )

    def fetch(
        self,
        table: str,
        period: str,
        areas: tuple[str, ...] = ("/", "*"),
        published_only: bool = False,
    ) -> tuple[list[list], dict]:
        """Ask for the table, once per area selection; return the rows (checked against the
        columns extracts.yml gives the table) and what was asked (for the sidecar). A period
        the table's metadata does not list is NotPublished, unless `published_only` and some
        are listed: then only those are asked (fetch.published_subset)."""
        conf = table_config("jobindsats", table)
        wanted = jobindsats_labels(table)
        latest = period.strip().startswith("latest:")
        ids = [] if latest else expand_periods(period)
        if not latest:
            published = self.published_periods(table, conf["period_type"])
            where = f"Jobindsats table {table}"
            ids = published_subset(where, ids, published, published_only, self.log)
        params = {
            "mgroup.*": "*",
            f"period.{conf['period_type']}": period_param(period) if latest else ",".join(ids),
            **{f"hierarchy.{d}": c["select"] for d, c in conf["dimensions"].items()},
            "format": "json",
        }
        rows: list[list] = []
        urls, responses = [], []
        by_area: dict[str, set[str]] = {}  # the periods each area selection answered
        for area in areas:
            asked = params | {f"hierarchy.{conf['area_hierarchy']}": area}
            request, response = self._get(f"/{VERSION}/data/{table}", asked)
            urls.append(str(request.url))
            responses.append(http.received(response))
            columns, found = _v3(request, http.json_body(request, response))
            if columns != wanted:
                raise FetchError(
                    f"{http.describe(request)}: the response's columns {columns} are not the "
                    f"ones extracts.yml gives {table} ({wanted}); nothing was written"
                )
            if not found:
                raise FetchError(
                    f"{http.describe(request)}: no rows for the area selection {area!r}; "
                    "nothing was written"
                )
            by_area[area] = {str(r[0]) for r in found}
            rows += found
        came = {str(r[0]) for r in rows}
        if latest:
            # the server's own labels name the files: each must be a period of the table's
            # type as ingest names its files ('../x' wrote outside landing; helper-111)
            check_labels(table, conf["period_type"], came)
        else:
            refuse_unasked(table, came, ids)
            if (missing := sorted(set(ids) - came)) and self.log:
                self.log(f"{table}: no rows for {missing}, which its metadata lists")
        # a period some area selection did not answer would land without its areas (the
        # country's alone, replacing a whole earlier file): it is not written (helper-111)
        partial = {p: [a for a in areas if p not in by_area[a]] for p in came}
        if partial := {p: missed for p, missed in partial.items() if missed}:
            if len(partial) == len(came):
                raise FetchError(
                    f"Jobindsats table {table}: no period came for every area selection "
                    f"({dict(sorted(partial.items()))} lacked); nothing was written"
                )
            if self.log:
                self.log(
                    f"{table}: {sorted(partial)} did not come for every area selection "
                    f"({dict(sorted(partial.items()))} lacked): not written, a file of them "
                    "in landing stays as it was"
                )
            rows = [r for r in rows if str(r[0]) not in partial]
        unique = list({json.dumps(r, ensure_ascii=False): r for r in rows}.values())
        return unique, {
            "source": "jobindsats",
            "api": f"jobindsats {VERSION}",
            "table": table,
            "method": "GET",
            "urls": urls,
            # what each answer was as it came (the landing file is them re-serialised)
            "responses": responses,
            "params": params,
            "area_selections": list(areas),
        }


def _v3(request, doc) -> tuple[list[str], list[list]]:
    try:
        columns, rows = doc["columns"], doc["rows"]
    except (KeyError, TypeError) as e:
        raise FetchError(
            f"{http.describe(request)}: unexpected response shape: expected "
            f'{{"columns": [...], "rows": [[...]]}}, found {str(doc)[:200]!r}; nothing was written'
        ) from e
    if not (isinstance(rows, list) and isinstance(columns, list)) or not all(
        isinstance(c, str) for c in columns
    ):  # ('columns': null raised a TypeError past fetch_each, stopping every table; helper-94)
        raise FetchError(f"{http.describe(request)}: columns or rows are not lists")
    for i, row in enumerate(rows, start=1):
        if isinstance(row, list) and len(row) >= 2 and not all(isinstance(v, str) for v in row[:2]):
            raise FetchError(
                f"{http.describe(request)}: data row {i}: the period and the area are "
                f"{row[:2]!r}, not texts; nothing was written"
            )
        if not isinstance(row, list) or len(row) != len(columns):
            raise FetchError(
                f"{http.describe(request)}: data row {i} has "
                f"{len(row) if isinstance(row, list) else 'no'} values, the columns "
                f"{len(columns)} (a cut-off response?); nothing was written"
            )
        for value in row[2:]:
            if isinstance(value, bool) or not (
                value is None or isinstance(value, int | float | str)
            ):
                raise FetchError(f"{http.describe(request)}: data row {i}: unexpected {value!r}")
            if isinstance(value, float) and not math.isfinite(value):
                # NaN or Infinity, which Python's json reads: no JSON number (RFC 8259), and
                # written on to landing, ingest refuses the file there (helper-94)
                raise FetchError(
                    f"{http.describe(request)}: data row {i}: {value!r} is not a JSON number; "
                    "nothing was written"
                )
    return columns, rows


def write(landing: Path, table: str, rows: list[list], asked: dict) -> Fetched:
    """One landing file per period in the rows (and its sidecar), written only once the
    whole answer has been read and checked."""
    if not rows:
        raise FetchError(f"{asked['urls'][0]}: the response has no data rows; nothing was written")
    by_period: dict[str, list[list]] = {}
    for row in rows:
        by_period.setdefault(str(row[0]), []).append(row)
    return write_each_period(landing, "jobindsats", table, by_period, asked, write_jobindsats_table)
