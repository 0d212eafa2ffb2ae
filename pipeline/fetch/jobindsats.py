"""STAR's Jobindsats API: benchmark tables for every municipality.

v2 (default): `GET /v2/data/{table}/json` (or `/csv`) with `area`, `period` (ids like 2024M01,
or relative like `l(m:12)`) and dimension filters `_<dim>=value|*`; header
`Authorization: <key>`; answers `[{"Variables": [{"Name", "Label"}], "Data": [[...]]}]`.
Metadata: `/v2/tables/{table}/json`.
v3: `GET /v3/data/{table}?…&format=json` with `Authorization: Bearer <key>`; answers
`{"columns": [...], "rows": [[...]]}`. Metadata: `/v3/table/{table}`.

The key comes from JOBINDSATS_API_KEY (STAR issues keys on request). The file written is the
format extracts.yml gives the table (v2 JSON or its CSV), whatever the API answered in.
"""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.fetch import Fetched, expand_periods, http, table_config, write_periods
from pipeline.fetch.http import FetchError
from pipeline.landing_formats import write_jobindsats_table

API_URL = "https://api.jobindsats.dk"
KEY_ENV = "JOBINDSATS_API_KEY"
URL_ENV = "BKWH_JOBINDSATS_URL"
VERSIONS = ("v2", "v3")


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
    return key


def _cell(value) -> str:
    """A value as the Danish string the landing format holds ('4,2', '1.234', '..')."""
    if value is None:
        return ".."
    if isinstance(value, bool):
        raise FetchError(f"unexpected boolean {value!r} in the data")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return str(value)


class Jobindsats:
    def __init__(
        self,
        key: str,
        version: str = "v2",
        base_url: str | None = None,
        transport=None,
        sleep: Callable[[float], None] = time.sleep,
        log: Callable[[str], None] | None = None,
    ):
        if version not in VERSIONS:
            raise FetchError(f"Jobindsats API version {version!r}: expected one of {VERSIONS}")
        self.version = version
        auth = key if version == "v2" else f"Bearer {key}"
        self.base_url = base_url or os.environ.get(URL_ENV) or API_URL
        self.client = http.client(self.base_url, {"Authorization": auth}, transport)
        self.sleep, self.log = sleep, log

    def _get(self, path: str, params: dict | None = None):
        request = self.client.build_request("GET", path, params=params)
        return request, http.send(self.client, request, sleep=self.sleep, on_retry=self.log)

    def table_info(self, table: str) -> dict | list:
        path = f"/v2/tables/{table}/json" if self.version == "v2" else f"/v3/table/{table}"
        request, response = self._get(path)
        return http.json_body(request, response)

    def fetch(
        self,
        table: str,
        period: str,
        area: str = "*",
        filters: dict[str, str] | None = None,
        fmt: str = "json",
    ) -> tuple[list[str], list[list[str]], dict]:
        """Ask for the table; return the column names (API names), the rows as strings, and
        what was asked (for the sidecar)."""
        conf = table_config("jobindsats", table)
        filters = {d: "*" for d in conf["dimensions"]} | (filters or {})
        params = {"area": area, "period": ",".join(expand_periods(period)), **filters}
        if self.version == "v2":
            if fmt not in ("json", "csv"):
                raise FetchError(f"format {fmt!r}: v2 answers json or csv")
            path = f"/v2/data/{table}/{fmt}"
        else:
            fmt = "json"
            path = f"/v3/data/{table}"
            params["format"] = "json"
        request, response = self._get(path, params)
        if self.version == "v3":
            names, rows = _v3(request, http.json_body(request, response))
        elif fmt == "json":
            names, rows = _v2_json(request, http.json_body(request, response))
        else:
            names, rows = _v2_csv(request, response.text, conf)
        asked = {
            "source": "jobindsats",
            "api": f"jobindsats {self.version}",
            "table": table,
            "method": "GET",
            "url": str(request.url),
            "params": params,
            "response_format": fmt,
        }
        return names, rows, asked


def _shape_error(request, expected: str, found) -> FetchError:
    return FetchError(
        f"{http.describe(request)}: unexpected response shape: expected {expected}, found "
        f"{str(found)[:200]!r}; nothing was written"
    )


def _v2_json(request, doc) -> tuple[list[str], list[list[str]]]:
    try:
        names = [v["Name"] for v in doc[0]["Variables"]]
        rows = doc[0]["Data"]
    except (KeyError, IndexError, TypeError) as e:
        raise _shape_error(request, '[{"Variables": [...], "Data": [[...]]}]', doc) from e
    return names, _rows(request, names, rows)


def _v3(request, doc) -> tuple[list[str], list[list[str]]]:
    try:
        columns, rows = doc["columns"], doc["rows"]
        names = [c if isinstance(c, str) else c["name"] for c in columns]
    except (KeyError, TypeError) as e:
        raise _shape_error(request, '{"columns": [...], "rows": [[...]]}', doc) from e
    return names, _rows(request, names, rows)


def _v2_csv(request, text: str, conf: dict) -> tuple[list[str], list[list[str]]]:
    by_label = {"Område": "area", "Periode": "period"}
    by_label |= {label: name for name, label in conf["dimensions"].items()}
    by_label |= {m["label"]: name for name, m in conf["measures"].items()}
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    if not lines:
        raise FetchError(f"{http.describe(request)}: empty CSV response; nothing was written")
    unknown = [h for h in lines[0] if h not in by_label]
    if unknown:
        raise FetchError(
            f"{http.describe(request)}: CSV columns {unknown} are not the labels extracts.yml "
            f"gives this table ({sorted(by_label)}); nothing was written"
        )
    names = [by_label[h] for h in lines[0]]
    return names, _rows(request, names, [r for r in lines[1:] if r])


def _rows(request, names: list[str], rows) -> list[list[str]]:
    if not isinstance(rows, list):
        raise _shape_error(request, "a list of rows", rows)
    out = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, list) or len(row) != len(names):
            raise FetchError(
                f"{http.describe(request)}: data row {i} has "
                f"{len(row) if isinstance(row, list) else 'no'} values, the columns "
                f"{len(names)} (a cut-off response?); nothing was written"
            )
        out.append([_cell(v) for v in row])
    return out


def write(
    landing: Path, table: str, names: list[str], rows: list[list[str]], asked: dict
) -> Fetched:
    """One landing file per period in the rows (and its sidecar), in the table's format."""
    conf = table_config("jobindsats", table)
    return write_periods(
        landing,
        "jobindsats",
        table,
        ["area_name" if n == "area" else n for n in names],  # the writer's name for it
        rows,
        asked,
        wanted=["area_name", "period", *conf["dimensions"], *conf["measures"]],
        period_column="period",
        write_table=write_jobindsats_table,
    )
