"""Danmarks Statistik's StatBank API (no key).

`GET /v1/tableinfo/{table}` gives the table's variables and their codes; the fetch checks the
asked variables, their value codes and the periods (Tid) against it first, so a wrong code or
a period not published yet is a clear error naming what the table has, not an empty file or
a refusal without a reason. An answer holding a period that was not asked writes nothing.
`POST /v1/data` with `{"table", "format": "CSV" | "BULK", "lang": "da", "valuePresentation",
"variables": [{"code", "values"}]}` answers `;`-separated text with labels (or codes, where
extracts.yml says `value_presentation: Code`) and Danish numbers, which is written as the
landing format (UTF-8 with BOM, CRLF), one file per period (TID). A variable not asked is
eliminated: DST answers its total (DST's API documentation, docs/sources/real_tables.md §0.3).
A table's area variable is asked, unless said otherwise, for the areas the warehouse knows
that the table lists (KNOWN_AREAS), not '*': StatBank's '*' brings areas ingest refuses.
"""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.config import dst_area_code, read_seed
from pipeline.fetch import (
    Fetched,
    expand_periods,
    http,
    published_subset,
    refuse_unasked,
    table_config,
    write_periods,
)
from pipeline.fetch.http import FetchError
from pipeline.landing_formats import statbank_columns, write_statbank_table

API_URL = "https://api.statbank.dk"
URL_ENV = "BKWH_STATBANK_URL"
TIME_CODE = "Tid"
FORMATS = ("CSV", "BULK")
# The values asked of a table's area variable by default (pipeline/fetch/extracts.py): the
# areas the warehouse knows that the table's tableinfo lists. '*' would bring the landsdele
# (01-11: AUP02, AUP03, PEN113), Christiansø (411: HFUDD11) and abroad (997: AUP02),
# which the statbank suite refuses as areas it does not know (docs/sources/real_tables.md,
# pitfall 9: "filter explicitly").
KNOWN_AREAS = "known areas"


def known_area_codes() -> set[str]:
    """The country, the regions and the municipalities as DST's three-digit codes ('000',
    '084', '101'): the seeds' areas, which the statbank suite's area rule takes (not the
    regions seed's 998, Jobindsats' "Uoplyst område", which no StatBank table is asked for)."""
    regions = [r for r in read_seed("regions") if r["area_type"] in ("country", "region")]
    codes = [r["area_code"] for r in regions]
    codes += [r["municipality_code"] for r in read_seed("municipalities")]
    return {dst_area_code(c) for c in codes}


class StatBank:
    def __init__(
        self,
        base_url: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        log: Callable[[str], None] | None = None,
    ):
        self.base_url = base_url or os.environ.get(URL_ENV) or API_URL
        self.client = http.client(self.base_url)
        self.sleep, self.log = sleep, log

    def _send(self, request):
        return http.send(self.client, request, sleep=self.sleep, on_retry=self.log)

    def table_info(self, table: str) -> dict:
        request = self.client.build_request(
            "GET", f"/v1/tableinfo/{table}", params={"lang": "da", "format": "JSON"}
        )
        info = http.json_body(request, self._send(request))
        if not isinstance(info, dict) or not isinstance(info.get("variables"), list):
            raise FetchError(f"{http.describe(request)}: tableinfo without 'variables'")
        # each variable and each of its values with an id (one without raised a KeyError
        # past fetch_each, stopping every table; helper-94)
        for variable in info["variables"]:
            values = variable.get("values") or [] if isinstance(variable, dict) else None
            if not (
                isinstance(variable, dict)
                and isinstance(variable.get("id"), str)
                and isinstance(values, list)
                and all(isinstance(v, dict) and isinstance(v.get("id"), str) for v in values)
            ):
                raise FetchError(
                    f"{http.describe(request)}: a tableinfo variable, or one of its values, "
                    f"has no 'id': {str(variable)[:160]!r}; nothing was fetched or written"
                )
        return info

    @staticmethod
    def _known_areas(table: str, listed: list[str]) -> list[str]:
        """The areas of `listed` (a tableinfo's area values) the warehouse knows, in its order."""
        known = known_area_codes()
        if not (areas := [a for a in listed if a in known]):
            raise FetchError(
                f"StatBank table {table} lists none of the areas the warehouse knows (it has "
                f"{listed[:12]}…); nothing was fetched or written"
            )
        return areas

    def fetch(
        self,
        table: str,
        variables: dict[str, list[str]],
        period: str,
        fmt: str = "CSV",
        published_only: bool = False,
    ) -> tuple[list[str], list[list[str]], dict]:
        """Check the codes against tableinfo, then ask for the data. A period tableinfo does
        not list is NotPublished, unless `published_only` and some are listed: then only
        those are asked (fetch.published_subset)."""
        if fmt not in FORMATS:
            raise FetchError(f"format {fmt!r}: expected one of {FORMATS}")
        conf = table_config("statbank", table)
        info = self.table_info(table)
        known = {v["id"].upper(): v["id"] for v in info["variables"]}
        asked_codes = [*variables, TIME_CODE]
        unknown = [c for c in asked_codes if c.upper() not in known]
        if unknown:
            raise FetchError(
                f"StatBank table {table} has no variable {unknown} (it has "
                f"{sorted(known.values())}); nothing was fetched or written"
            )
        values = {
            v["id"].upper(): [x["id"] for x in v.get("values") or []] for v in info["variables"]
        }
        variables = {
            code: (
                self._known_areas(table, values[code.upper()])
                if wanted == [KNOWN_AREAS]
                else wanted
            )
            for code, wanted in variables.items()
        }
        for code, wanted in variables.items():
            if unknown := [w for w in wanted if w != "*" and w not in values[code.upper()]]:
                raise FetchError(
                    f"StatBank table {table}'s variable {known[code.upper()]} has no value "
                    f"{unknown} (it has {values[code.upper()][:12]}…); nothing was fetched or "
                    "written"
                )
        where = f"StatBank table {table}"
        published = values[TIME_CODE.upper()]
        asked_periods = published_subset(
            where, expand_periods(period), published, published_only, self.log
        )
        eliminated = sorted(set(known) - {c.upper() for c in asked_codes})
        if fmt == "BULK" and eliminated:
            # "Dataformater, der streames [BULK], tillader slet ikke elimination" (DST's API
            # documentation, docs/sources/real_tables.md §0.3)
            raise FetchError(
                f"StatBank {table}: BULK allows no variable to be left out (totalled), and "
                f"{[known[c] for c in eliminated]} would be; ask CSV, or give each a value; "
                "nothing was fetched or written"
            )
        missing = [d for d in conf["dimensions"] if d.upper() not in {c.upper() for c in variables}]
        if missing:
            raise FetchError(
                f"StatBank {table}: extracts.yml needs the variables {missing} too "
                f"(--var {missing[0]}=<values>); nothing was fetched or written"
            )
        body = {
            "table": table,
            "format": fmt,
            "lang": "da",
            "valuePresentation": conf.get("value_presentation", "Default"),
            "variables": [
                *({"code": known[c.upper()], "values": v} for c, v in variables.items()),
                {"code": known[TIME_CODE.upper()], "values": asked_periods},
            ],
        }
        request = self.client.build_request("POST", "/v1/data", json=body)
        response = self._send(request)
        try:
            text = response.content.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise FetchError(f"{http.describe(request)}: not UTF-8 ({e})") from e
        try:
            lines = [r for r in csv.reader(io.StringIO(text), delimiter=";") if r]
        except csv.Error as e:  # a bare CR in an unquoted field (helper-94)
            raise FetchError(
                f"{http.describe(request)}: not a CSV as StatBank sends it ({e}); nothing "
                "was written"
            ) from e
        if not lines:
            raise FetchError(f"{http.describe(request)}: empty response; nothing was written")
        header = [h.upper() for h in lines[0]]
        for i, row in enumerate(lines[1:], start=2):
            if len(row) != len(header):
                raise FetchError(
                    f"{http.describe(request)}: line {i} has {len(row)} fields, the header "
                    f"{len(header)} (an error page, or cut off? {http.what_came(response)}); "
                    "nothing was written"
                )
        if "TID" in header:
            came = {row[header.index("TID")] for row in lines[1:]}
            refuse_unasked(http.describe(request), came, asked_periods)
        asked = {
            "source": "statbank",
            "api": "statbank v1",
            "table": table,
            "method": "POST",
            "url": str(request.url),
            "body": body,
            "response": http.received(response),  # as it came (the file is re-written)
        }
        return header, lines[1:], asked


def write(
    landing: Path, table: str, header: list[str], rows: list[list[str]], asked: dict
) -> Fetched:
    """One landing file per TID in the rows (and its sidecar)."""
    return write_periods(
        landing,
        "statbank",
        table,
        header,
        rows,
        asked,
        wanted=statbank_columns(table),
        period_column="TID",
        write_table=write_statbank_table,
    )
