"""Fetching the benchmark extracts: the connector code runs against a real HTTP server on
127.0.0.1 that answers with recorded responses (the clients are pointed at it by the URL
variables, BKWH_JOBINDSATS_URL and BKWH_STATBANK_URL), and a fetched file goes through ingest
to the same staging rows as a generated one.

tests/fixtures/http/README.md says where each served response comes from: the Jobindsats one
is a real v3 response, verbatim; the StatBank ones are synthetic, in the shapes public code
shows DST's API answering in (Danish numbers '4,2', '..' and labels like 'Brøndby', '16-24
år'). A fetched-versus-generated test serves a generated file as the answer: it holds the
request the fetcher makes and the path to staging, not the generator against a real file.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import duckdb
import httpx
import pandas as pd
import pytest
from conftest import blank_instance, run_extract_job, serve

from pipeline import periods
from pipeline.config import (
    dst_area_code,
    extracts_config,
    read_seed,
    revision_months,
    statbank_area_variable,
)
from pipeline.fetch import (
    FetchError,
    KeyRefused,
    NotPublished,
    expand_periods,
    extracts,
    http,
    table_config,
)
from pipeline.fetch import jobindsats as ji
from pipeline.fetch import statbank as sb
from pipeline.fetch.extracts import fetch_jobindsats, fetch_one, fetch_statbank, table_period
from pipeline.fetch.jobindsats import Jobindsats
from pipeline.ingest import Ingestor
from pipeline.ingest.read import read_file
from pipeline.suites import spec_for

pytestmark = pytest.mark.seconds(30)  # ordering only (conftest.py)

FIXTURES = Path(__file__).parent / "fixtures" / "http"
KEY = "test-key-123"


def _read(path: Path):
    frame, problems = read_file(path.parent.name, path)
    assert not problems, [str(p) for p in problems]
    return frame


def _landing_files(landing: Path) -> list[str]:
    return sorted(p.name for p in landing.rglob("*") if p.is_file())


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv("JOBINDSATS_API_KEY", KEY)


Answer = Callable[[httpx.Request], httpx.Response]


class _Answering(BaseHTTPRequestHandler):
    """A real HTTP server's handler: each request, as httpx would describe it, goes to the
    server's `answer`, whose status, headers and body are sent back over the socket."""

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = httpx.Request(
            self.command,
            f"http://{self.headers['Host']}{self.path}",
            headers=list(self.headers.items()),
            content=self.rfile.read(length) if length else b"",
        )
        response = self.server.answer(request)
        body = response.read()
        self.send_response(response.status_code)
        for name, value in response.headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _handle

    def log_message(self, *args):
        pass


def _url(httpd: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}"


# the periods a local Jobindsats lists in a table's metadata (/v3/table/<id>), unless a test
# says otherwise: the months to November 2026 and the rolling years to 2026QMAT03
LISTED = "2019M01:2026M11"


def _jobindsats_metadata(table: str, last_month: str = LISTED.split(":")[1]) -> dict:
    """A table's metadata in the shape public callers read (periods[{periodtype_id,
    values[{period_id}]}], pipeline/fetch/jobindsats.py), listing its periods of extracts.yml's
    type to `last_month`."""
    kind = table_config("jobindsats", table)["period_type"]
    ids = expand_periods(table_period(f"2019M01:{last_month}", kind))
    return {
        "table_id": table,
        "periods": [{"periodtype_id": kind, "values": [{"period_id": i} for i in ids]}],
    }


def _with_metadata(answer: Answer, last_month: str = LISTED.split(":")[1]) -> Answer:
    """`answer`, but a Jobindsats table's metadata is answered with `_jobindsats_metadata`."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.startswith("/v3/table/"):
            table = request.url.path.rsplit("/", 1)[1]
            return httpx.Response(200, json=_jobindsats_metadata(table, last_month))
        return answer(request)

    return handler


@pytest.fixture
def answering(monkeypatch):
    """Start a server on 127.0.0.1 answering with the given function and point both clients
    (Jobindsats and StatBank) at it; a Jobindsats table's metadata is answered as
    `_with_metadata` does, unless `metadata` is False."""
    servers: list[ThreadingHTTPServer] = []

    def start(answer: Answer, metadata: bool = True) -> str:
        httpd = serve(_Answering)
        httpd.answer = _with_metadata(answer) if metadata else answer
        servers.append(httpd)
        monkeypatch.setenv(ji.URL_ENV, _url(httpd))
        monkeypatch.setenv(sb.URL_ENV, _url(httpd))
        return _url(httpd)

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def test_period_ranges_expand_to_the_ids_the_services_use():
    assert expand_periods("2024M11:2025M02") == ["2024M11", "2024M12", "2025M01", "2025M02"]
    assert expand_periods("2024QMAT04:2025QMAT01") == ["2024QMAT04", "2025QMAT01"]
    assert expand_periods("2024Q3:2025Q1") == ["2024Q3", "2024Q4", "2025Q1"]
    assert expand_periods("2019:2021") == ["2019", "2020", "2021"]
    assert expand_periods("latest:14") == ["latest:14"]
    assert table_period("2023M11:2024M02", "year") == "2023:2024"
    assert table_period("2024M02:2024M08", "quarter") == "2024K1:2024K3"  # FOLK1A's ids
    assert table_period("2024M05", "quarter") == "2024K2"
    # a Jobindsats rolling year (QMAT, the twelve months ending a quarter): those ending in
    # the months, else the last ended before them (the monthly extract asks one month)
    assert table_period("2024M01:2024M12", "QMAT") == "2024QMAT01:2024QMAT04"
    assert table_period("2026M11", "QMAT") == "2026QMAT03"
    assert table_period("2026M09", "QMAT") == "2026QMAT03"
    assert table_period("2026M02", "QMAT") == "2025QMAT04"
    assert table_period("2026QMAT02", "QMAT") == "2026QMAT02"
    assert table_period("latest:2", "QMAT") == "latest:2"
    assert expand_periods("2024K4:2025K1") == ["2024K4", "2025K1"]
    with pytest.raises(FetchError, match="ends before it starts"):
        expand_periods("2024M05:2024M01")
    with pytest.raises(FetchError, match="two periods of one kind"):
        expand_periods("2024M01:2024Q4")


RECORDED = FIXTURES / "jobindsats_v3_y25i09.json"


def _municipalities(rows: list[list]) -> list[list]:
    """The recorded country rows as the `*` answer would hold municipalities: the same
    columns, a municipality's name, smaller numbers, and a suppressed (null) cell."""
    out = []
    for r in rows:
        out.append([r[0], "Ballerup", r[2], r[3], 180, 201, 1187, 16.9])
        out.append([r[0], "Læsø", r[2], r[3], None, None, 31, None])
    return out


def _jobindsats_answer(seen: list[httpx.Request]) -> Answer:
    """Answers /v3/data/y25i09 as recorded: `hierarchy._nykom=/` the recorded country rows,
    `=*` the municipalities; anything else 404."""
    doc = json.loads(RECORDED.read_text(encoding="utf-8"))

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path != "/v3/data/y25i09":
            return httpx.Response(404, text=f"no {request.url.path}")
        area = request.url.params.get("hierarchy._nykom")
        rows = doc["rows"] if area == "/" else _municipalities(doc["rows"])
        wanted = request.url.params["period.M"].split(",")
        rows = [r for r in rows if r[0] in wanted or wanted == ["latest:14"]]
        return httpx.Response(200, json={"columns": doc["columns"], "rows": rows})

    return handler


def test_the_recorded_v3_response_lands_one_file_per_period_and_reads_to_the_published_values(
    tmp_path, key, answering
):
    seen: list[httpx.Request] = []
    answering(_jobindsats_answer(seen))
    fetched = fetch_jobindsats(tmp_path, "y25i09", "2025M05:2025M06")
    assert len(seen) == 2  # the country, then the municipalities
    for request, area in zip(seen, ["/", "*"], strict=True):
        assert request.headers["Authorization"] == f"Bearer {KEY}"
        params = dict(request.url.params)
        assert params == {
            "mgroup.*": "*",
            "period.M": "2025M05,2025M06",
            "hierarchy._ygrpi09": "/",
            "hierarchy._akassebl": "/",
            "format": "json",
            "hierarchy._nykom": area,
        }
    assert [p.name for p in fetched.files] == ["y25i09_2025M05.json", "y25i09_2025M06.json"]
    assert fetched.rows == 6
    may = json.loads(fetched.files[0].read_text(encoding="utf-8"))
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert may["columns"] == recorded["columns"]  # the answer's columns and rows, re-serialised
    assert may["rows"][0] == recorded["rows"][0]
    sidecar = json.loads(fetched.files[0].with_name("y25i09_2025M05.json.request.json").read_text())
    assert sidecar["api"] == "jobindsats v3" and sidecar["table"] == "y25i09"
    assert sidecar["period"] == "2025M05" and sidecar["rows"] == 3
    assert len(sidecar["urls"]) == 2 and KEY not in json.dumps(sidecar)
    # the answers as they came, beside the file made from them
    assert [r["content_type"] for r in sidecar["responses"]] == ["application/json"] * 2
    assert all(len(r["sha256"]) == 64 and r["bytes"] > 0 for r in sidecar["responses"])
    # read as ingest reads it: the published numbers exactly, null kept as missing
    frame = _read(fetched.files[0])
    values = {
        (a, m): v
        for a, m, v in zip(frame["area_label"], frame["measure"], frame["value"], strict=True)
    }
    assert values[("Hele landet", "n_long_term")] == 18115.0
    assert values[("Hele landet", "n_gross_unemployed")] == 101672.0
    assert values[("Hele landet", "pct_long_term")] == 17.8
    assert values[("Hele landet", "n_long_term_ftp")] == 16446.0
    assert values[("Ballerup", "pct_long_term")] == 16.9
    assert values[("Læsø", "pct_long_term")] is pd.NA
    raw = dict(zip(frame["area_label"] + frame["measure"], frame["value_raw"], strict=True))
    assert raw["Læsøn_long_term"] == "null" and raw["Hele landetpct_long_term"] == "17.8"
    assert set(frame["dimensions"]) == {
        '{"_akassebl": "I alt", "_ygrpi09": "Ydelsesgrupper i alt"}'
    }


def test_the_recorded_country_figures_reach_2_3_exactly_through_ingest_and_dbt(
    rebuilt, key, answering, world_dbt
):
    """The real response's country rows of May 2025 (18,115 long-term unemployed of 101,672
    gross unemployed, 17.8 %), fetched from a local server into the built world as a
    corrected delivery of its y25i09 month (the municipalities as the world had them),
    validated and loaded by ingest, and built by dbt: 2.3's row for the country of that
    month (area 0 of ind_2_3__langtidsledige, the row the status and the report compare
    Ballerup's month with) holds the published counts and their share. (The recorded
    response: tests/fixtures/http/README.md.)"""
    settings = rebuilt.settings
    generated = settings.landing_dir / "jobindsats" / "y25i09_2025M05.json"
    world = json.loads(generated.read_text(encoding="utf-8"))
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert world["columns"] == recorded["columns"]
    country = [r for r in recorded["rows"] if r[0] == "2025M05"]
    assert [r[1] for r in country] == ["Hele landet"]

    def handler(request: httpx.Request) -> httpx.Response:
        area = request.url.params.get("hierarchy._nykom")
        rows = country if area == "/" else [r for r in world["rows"] if r[1] != "Hele landet"]
        return httpx.Response(200, json={"columns": recorded["columns"], "rows": rows})

    answering(handler)
    fetched = fetch_one(settings.landing_dir, "jobindsats", "y25i09", "2025M05")
    assert [p.name for p in fetched.files] == [generated.name]
    outcomes = [o for o in Ingestor(settings).run(sources=["jobindsats"]) if o.status != "skipped"]
    assert [(o.file, o.status) for o in outcomes] == [(generated.name, "loaded")], outcomes
    proc = world_dbt(["build", "--select", "ind_2_3__langtidsledige"])
    assert proc.returncode == 0, proc.stdout[-3000:]
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        [row] = con.execute(
            "select numerator, denominator, value from marts.ind_2_3__langtidsledige "
            "where area_code = 0 and period = date '2025-05-01' and breakdown = 'total'"
        ).fetchall()
    assert row == (18115, 101672, 100.0 * 18115 / 101672)
    assert round(row[2], 1) == 17.8  # the share the response published


def test_jobindsats_table_metadata_comes_from_v3s_own_endpoint(answering):
    meta = {"table_id": "y25i09", "periods": [{"periodtype_id": "M"}]}

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == f"Bearer {KEY}"
        if request.url.path == "/v3/table/y25i09" and request.url.params["format"] == "json":
            return httpx.Response(200, json=meta)
        return httpx.Response(404)

    answering(handler, metadata=False)
    assert Jobindsats(KEY).table_info("y25i09") == meta


def test_jobindsats_refuses_a_period_its_metadata_does_not_list_before_asking(
    tmp_path, key, answering
):
    """y25i09's metadata lists its months to 2026M11: 2026M12 has not been published, which
    is said with the months the table has, before any data is asked (the monthly extract
    skips it: test_the_monthly_extract_skips_…). Metadata without the period type
    extracts.yml gives the table, or without periods, is refused saying what it has."""
    seen: list[httpx.Request] = []
    answering(_jobindsats_answer(seen))
    with pytest.raises(
        NotPublished,
        match=r"y25i09 has not published \['2026M12'\] \(its periods run 2019M01 to 2026M11\)",
    ):
        fetch_jobindsats(tmp_path, "y25i09", "2026M11:2026M12")
    assert seen == []  # no data asked
    for meta, said in (
        ({"periods": [{"periodtype_id": "Q", "values": []}]}, r"not published by M .*\['Q'\]"),
        ({"table_id": "y25i09", "mgroups": []}, r"has no 'periods' \(it has \['mgroups', "),
    ):
        _responses(answering, httpx.Response(200, json=meta), metadata=False)
        with pytest.raises(FetchError, match=said):
            fetch_jobindsats(tmp_path, "y25i09", "2026M11")
    assert _landing_files(tmp_path) == []


def _statbank_answer(seen: list[httpx.Request]) -> Answer:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "GET" and request.url.path == "/v1/tableinfo/AUP02":
            return httpx.Response(
                200, content=(FIXTURES / "statbank_tableinfo_AUP02.json").read_bytes()
            )
        if request.method == "POST" and request.url.path == "/v1/data":
            return httpx.Response(
                200,
                content=(FIXTURES / "statbank_data_AUP02.csv").read_bytes(),
                headers={"Content-Type": "text/csv; charset=utf-8"},
            )
        return httpx.Response(404)

    return handler


def test_statbank_checks_the_codes_then_lands_one_csv_per_period(tmp_path, answering):
    seen: list[httpx.Request] = []
    answering(_statbank_answer(seen))
    fetched = fetch_statbank(
        tmp_path, "AUP02", "2024M01:2024M02", {"OMRÅDE": ["*"], "ALDER": ["*"]}
    )
    info, data = seen
    assert info.url.path == "/v1/tableinfo/AUP02"
    body = json.loads(data.content)
    assert body["table"] == "AUP02" and body["format"] == "CSV" and body["lang"] == "da"
    assert body["valuePresentation"] == "Code"  # extracts.yml: AUP02 by codes
    assert body["variables"] == [
        {"code": "OMRÅDE", "values": ["*"]},
        {"code": "ALDER", "values": ["*"]},
        {"code": "Tid", "values": ["2024M01", "2024M02"]},
    ]
    assert [p.name for p in fetched.files] == ["AUP02_2024M01.csv", "AUP02_2024M02.csv"]
    raw = fetched.files[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfOMR\xc3\x85DE;ALDER;TID;INDHOLD\r\n")
    frame = _read(fetched.files[0])
    values = dict(zip(frame["area_label"] + " " + frame["dimensions"], frame["value"], strict=True))
    assert values['153 {"ALDER": "TOT"}'] == 4.2
    assert values['153 {"ALDER": "16-24"}'] is pd.NA
    assert _read(fetched.files[1])["value"].tolist() == [1234.5]
    sidecar = json.loads(fetched.files[1].with_name("AUP02_2024M02.csv.request.json").read_text())
    assert sidecar["body"] == body and sidecar["period"] == "2024M02" and sidecar["rows"] == 1
    served = (FIXTURES / "statbank_data_AUP02.csv").read_bytes()  # the answer, verbatim
    assert sidecar["response"]["sha256"] == hashlib.sha256(served).hexdigest()
    assert sidecar["response"]["bytes"] == len(served)


def test_statbank_refuses_an_unknown_variable_code_before_asking_for_data(tmp_path, answering):
    seen: list[httpx.Request] = []
    answering(_statbank_answer(seen))
    with pytest.raises(FetchError, match=r"no variable \['KØN'\].*'ALDER', 'OMRÅDE', 'Tid'"):
        fetch_statbank(tmp_path, "AUP02", "2024M01", {"OMRÅDE": ["*"], "KØN": ["*"]})
    assert [r.url.path for r in seen] == ["/v1/tableinfo/AUP02"]
    assert _landing_files(tmp_path) == []


def _responses(answering, *responses: httpx.Response, metadata: bool = True) -> list[httpx.Request]:
    """Serve the given responses in turn (a Jobindsats table's metadata too, where not
    `metadata`); the requests the server received."""
    queue = list(responses)
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return queue.pop(0)

    answering(handler, metadata=metadata)
    return calls


def test_429_waits_as_retry_after_says_and_400_is_not_retried(tmp_path, key, answering):
    good = RECORDED.read_bytes()
    calls = _responses(
        answering,
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(502),
        httpx.Response(200, content=good),
        httpx.Response(200, content=good),
    )
    waits: list[float] = []  # the waits asked for, not waited: the clock is the test's
    fetched = fetch_jobindsats(tmp_path, "y25i09", "latest:14", sleep=waits.append)
    assert len(calls) == 4 and waits[0] == 7 and 1 <= waits[1] <= 30
    assert len(fetched.files) == 14 and fetched.rows == 14  # the same rows twice count once

    calls = _responses(answering, httpx.Response(422, text="Unknown hierarchies: ['_nykom']"))
    with pytest.raises(FetchError, match=r"HTTP 422.*Unknown hierarchies"):
        fetch_jobindsats(tmp_path / "b", "y25i09", "2025M05")
    assert len(calls) == 1 and _landing_files(tmp_path / "b") == []

    calls = _responses(answering, *[httpx.Response(503) for _ in range(5)])
    with pytest.raises(FetchError, match=r"gave up after 5 attempts.*HTTP 503"):
        fetch_jobindsats(tmp_path / "c", "y25i09", "2025M05", sleep=lambda s: None)
    assert len(calls) == 5 and _landing_files(tmp_path / "c") == []


@pytest.mark.parametrize(
    ("status", "retried"), [(408, True), (520, True), (507, True), (501, False), (505, False)]
)
def test_a_timeout_or_a_server_s_error_is_retried_unless_asking_again_cannot_help(
    tmp_path, key, answering, status, retried
):
    """408 (RFC 9110: the client may repeat the request) and a 5xx are asked again, but 501
    and 505, which say the server does not do what was asked; only 500 and 502-504 were
    retried before, and a 408 or a gateway's 520 failed the fetch at once."""
    good = RECORDED.read_bytes()
    calls = _responses(
        answering,
        httpx.Response(status, text="a moment"),
        httpx.Response(200, content=good),  # the two area selections of the table
        httpx.Response(200, content=good),
    )
    if retried:
        fetched = fetch_jobindsats(tmp_path, "y25i09", "latest:14", sleep=lambda s: None)
        assert len(calls) == 3 and len(fetched.files) == 14
    else:
        with pytest.raises(FetchError, match=rf"HTTP {status}.*'a moment'; nothing was written"):
            fetch_jobindsats(tmp_path, "y25i09", "latest:14", sleep=lambda s: None)
        assert len(calls) == 1 and _landing_files(tmp_path) == []


def test_a_retry_after_of_none_or_of_hours_neither_hurries_nor_stalls_the_retries(
    tmp_path, key, answering
):
    """A Retry-After of 0 (or a date past, as a skewed clock gives) waits the back-off at
    least: the five attempts went out within milliseconds. One longer than a fetch waits
    (an hour) gives up at once, saying so: it retried four times a minute apart and failed
    (helper-111)."""
    good = RECORDED.read_bytes()
    past = "Wed, 21 Oct 2015 07:28:00 GMT"
    calls = _responses(
        answering,
        httpx.Response(503, headers={"Retry-After": "0"}),
        httpx.Response(503, headers={"Retry-After": past}),
        httpx.Response(200, content=good),
        httpx.Response(200, content=good),
    )
    waits: list[float] = []
    fetch_jobindsats(tmp_path, "y25i09", "latest:14", sleep=waits.append)
    assert len(calls) == 4 and len(waits) == 2 and all(w >= 1 for w in waits), waits

    calls = _responses(answering, httpx.Response(429, headers={"Retry-After": "3600"}))
    waits.clear()
    with pytest.raises(FetchError, match=r"asks to wait 3600 s \(Retry-After\).*ask again later"):
        fetch_jobindsats(tmp_path / "b", "y25i09", "2025M05", sleep=waits.append)
    assert len(calls) == 1 and waits == [] and _landing_files(tmp_path / "b") == []


class _Trickling(BaseHTTPRequestHandler):
    """Answers 200 with a gzip-compressed JSON body, all at once, or (a path with 'slow') a
    byte every 0.2 s, each within any read timeout."""

    def do_GET(self):
        body = gzip.compress(json.dumps({"rows": [[1, 2]]}).encode())
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if "slow" not in self.path:
            self.wfile.write(body)
            return
        for byte in body:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.2)

    def log_message(self, *args):
        pass


def test_an_answer_that_trickles_in_is_timed_out_as_a_whole_and_retried(tmp_path):
    """httpx times out each read, not the answer: a body that came a byte every 0.2 s was
    read to its end however long it took (with the service's pace, a byte a minute kept an
    extract waiting for good). One attempt now has a deadline in all; past it the attempt is
    retried, as a time-out is, and the fetch fails naming it. A prompt answer is read
    whole, decoded as it was sent (gzip)."""
    httpd = serve(_Trickling)
    try:
        with http.client(_url(httpd)) as c:
            prompt = http.send(c, c.build_request("GET", "/now"), deadline=1.0)
            assert prompt.status_code == 200 and json.loads(prompt.content) == {"rows": [[1, 2]]}
            retries: list[str] = []
            started = time.monotonic()
            with pytest.raises(FetchError, match=r"gave up after 2 attempts.*longer than 1 s"):
                http.send(
                    c,
                    c.build_request("GET", "/slow"),
                    attempts=2,
                    deadline=1.0,
                    sleep=lambda s: None,
                    on_retry=retries.append,
                )
            # each attempt stopped at its deadline, not at the body's end (about 8 s each)
            assert time.monotonic() - started < 6
            assert len(retries) == 1 and "ReadTimeout" in retries[0], retries
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("bad", ["abc\ndef", "abc def", "abcæ€def"])
def test_a_key_no_header_can_carry_is_refused_without_showing_it(tmp_path, monkeypatch, bad):
    """A key with a line break failed in httpx with the key quoted in the error, a log line;
    one outside ASCII raised past fetch_each and stopped every table (helper-111). Refused
    before anything is asked, without the key."""
    monkeypatch.setenv("JOBINDSATS_API_KEY", f"SECRET-{bad}")
    with pytest.raises(ji.MissingKey) as refused:
        fetch_jobindsats(tmp_path, "y25i09", "2025M05")
    assert "SECRET" not in str(refused.value) and "not shown" in str(refused.value)
    assert _landing_files(tmp_path) == []


def test_period_labels_the_server_names_are_checked_before_they_name_files(
    tmp_path, key, answering
):
    """Asked for the latest months, the answer's own labels name the files: a quarter in a
    monthly table, '2025M5' (a name ingest would not take) and '../../escaped' (a file
    outside landing) were written (helper-111). Each must be a period of the table's type
    whose file name ingest takes; else nothing is written."""
    doc = json.loads(RECORDED.read_text(encoding="utf-8"))
    for label in ("2025Q02", "2025M5", "../../escaped"):
        rows = [[label, *doc["rows"][0][1:]], *doc["rows"][1:]]
        _responses(
            answering,
            *[httpx.Response(200, json={"columns": doc["columns"], "rows": rows})] * 2,
        )
        with pytest.raises(FetchError, match=r"labels periods \[.*\] that are no M periods"):
            fetch_jobindsats(tmp_path / "landing", "y25i09", "latest:14")
        assert _landing_files(tmp_path) == [], label


def test_a_period_an_area_selection_did_not_answer_is_not_written(tmp_path, key, answering):
    """The country (/) answered May and June 2025, the municipalities (*) May only: June
    would land with the country's rows alone, replacing a whole earlier file. It is left out
    and said; May is written (helper-111)."""
    doc = json.loads(RECORDED.read_text(encoding="utf-8"))
    may_june = [r for r in doc["rows"] if r[0] in ("2025M05", "2025M06")]
    assert len(may_june) == 2

    def answer(request: httpx.Request) -> httpx.Response:
        area = request.url.params.get("hierarchy._nykom")
        rows = may_june if area == "/" else [[r[0], "Ballerup", *r[2:]] for r in may_june[:1]]
        return httpx.Response(200, json={"columns": doc["columns"], "rows": rows})

    answering(answer)
    said: list[str] = []
    fetched = fetch_jobindsats(tmp_path, "y25i09", "2025M05:2025M06", log=said.append)
    assert [p.name for p in fetched.files] == ["y25i09_2025M05.json"]
    assert _landing_files(tmp_path) == ["y25i09_2025M05.json", "y25i09_2025M05.json.request.json"]
    assert any("['2025M06'] did not come for every area selection" in line for line in said)


_COLUMNS = json.loads(RECORDED.read_text(encoding="utf-8"))["columns"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"columns": ["Periode", "Omr', "not complete JSON"),
        (b'[{"Variables": [], "Data": []}]', "unexpected response shape"),
        (
            json.dumps({"columns": _COLUMNS, "rows": [["2025M05", "Ballerup"]]}).encode(),
            "data row 1 has 2 values, the columns 8",
        ),
        (
            json.dumps({"columns": _COLUMNS[:4] + _COLUMNS[5:], "rows": []}).encode(),
            r"are not the ones extracts.yml gives y25i09",
        ),
        # (a TypeError past fetch_each, which stopped every table after it; helper-94)
        (json.dumps({"columns": None, "rows": []}).encode(), "columns or rows are not lists"),
        # NaN, which Python's json reads and wrote on to landing (helper-94)
        (
            json.dumps(
                {
                    "columns": _COLUMNS,
                    "rows": [["2025M05", "Ballerup", "I alt", "I alt"] + [float("nan")] * 4],
                }
            ).encode(),
            r"data row 1: nan is not a JSON number",
        ),
    ],
)
def test_a_malformed_or_cut_off_body_writes_nothing_and_says_why(
    tmp_path, key, answering, body, message
):
    _responses(answering, httpx.Response(200, content=body))
    with pytest.raises(FetchError, match=message):
        fetch_jobindsats(tmp_path, "y25i09", "2025M05")
    assert _landing_files(tmp_path) == []


def test_answers_of_an_unexpected_shape_are_refused_for_their_table_alone(tmp_path, key, answering):
    """A Jobindsats table's metadata listing bare period ids, a StatBank tableinfo variable
    without its id, and a StatBank CSV with a bare CR in a field: each is a FetchError, which
    `fetch_each` reports for its table and goes on with the next. They raised an
    AttributeError, a KeyError and csv.Error, which stopped every table after them
    (helper-94)."""
    _responses(
        answering,
        httpx.Response(200, json={"periods": [{"periodtype_id": "M", "values": ["2025M05"]}]}),
        metadata=False,
    )
    with pytest.raises(FetchError, match=r"the M periods are not objects with a 'period_id'"):
        fetch_jobindsats(tmp_path, "y25i09", "2025M05")

    info = json.loads((FIXTURES / "statbank_tableinfo_AUP02.json").read_text(encoding="utf-8"))
    del info["variables"][0]["id"]
    _answer_statbank(answering, "AUP02", info, b"")
    with pytest.raises(FetchError, match=r"a tableinfo variable, or one of its values, has no"):
        fetch_statbank(tmp_path, "AUP02", "2024M01", {"OMRÅDE": ["*"], "ALDER": ["*"]})

    info = json.loads((FIXTURES / "statbank_tableinfo_AUP02.json").read_text(encoding="utf-8"))
    cut = b"OMR\xc3\x85DE;ALDER;TID;INDHOLD\r\nK\xc3\xb8ben\rhavn;16-24 \xc3\xa5r;2024M01;1,2\r\n"
    _answer_statbank(answering, "AUP02", info, cut)
    with pytest.raises(FetchError, match=r"not a CSV as StatBank sends it"):
        fetch_statbank(tmp_path, "AUP02", "2024M01", {"OMRÅDE": ["*"], "ALDER": ["*"]})
    assert _landing_files(tmp_path) == []


class _Scripted(BaseHTTPRequestHandler):
    """Answers from a shared script: 'status' (with Retry-After: 1 and the service's reason
    in a JSON body), 'ok', 'truncated' (half the body), 'closed' (the connection closed
    before any answer, as a stale kept-alive connection is); y25i09's metadata, asked before
    the data of named periods, outside the script (not in `seen`)."""

    script: ClassVar[list[str]] = []
    seen: ClassVar[list[tuple[str, str]]] = []
    body = b""

    def do_GET(self):
        if self.path.startswith("/v3/table/y25i09?"):  # its metadata, outside the script
            body = json.dumps(_jobindsats_metadata("y25i09")).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        type(self).seen.append((self.path, self.headers.get("Authorization", "")))
        step = type(self).script.pop(0)
        if step == "closed":
            self.close_connection = True
            return
        if step.isdigit():
            reason = json.dumps({"cause": f"scripted {step}"}).encode()
            self.send_response(int(step))
            self.send_header("Retry-After", "1")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reason)))
            self.end_headers()
            self.wfile.write(reason)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        if step == "ok":
            self.wfile.write(self.body)
        else:  # half the promised body, then the connection closes
            self.wfile.write(self.body[: len(self.body) // 2])
            self.wfile.flush()
            self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Scripted.body = RECORDED.read_bytes()
    # one retry of each kind: the command really waits (1 s, then 2 s; a second 503 waited
    # 4 s more). The waits themselves are the in-process tests' (the clock theirs, above)
    _Scripted.script = ["closed", "503", "ok", "ok", "truncated", "401"]
    _Scripted.seen = []
    httpd = serve(_Scripted)
    yield _url(httpd)
    httpd.shutdown()
    httpd.server_close()


def _bkwh(args: list[str], landing: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        env={**os.environ, "BKWH_LANDING_DIR": str(landing), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_against_a_real_server_retries_refuses_a_cut_body_and_a_bad_key(
    tmp_path, server
):
    landing = tmp_path / "landing"
    env = {"BKWH_JOBINDSATS_URL": server, "JOBINDSATS_API_KEY": KEY}
    args = ["extract", "jobindsats", "--table", "y25i09"]

    first = _bkwh([*args, "--period", "latest:14"], landing, env)
    assert first.returncode == 0, first.stderr
    assert "y25i09: 14 rows into 14 file(s)" in first.stdout
    assert first.stderr.count("HTTP 503") == 1  # every retry was logged
    assert first.stderr.count("without sending a response") == 1
    assert len(_Scripted.seen) == 4  # two retried, then the country and the municipalities
    assert all(auth == f"Bearer {KEY}" for _, auth in _Scripted.seen)
    assert _Scripted.seen[0][0].startswith("/v3/data/y25i09?")
    before = _landing_files(landing)
    assert len(before) == 28 and before[:2] == [
        "y25i09_2025M05.json",
        "y25i09_2025M05.json.request.json",
    ]

    cut = _bkwh([*args, "--period", "2026M07"], landing, env)
    assert cut.returncode == 2
    assert "the response was cut off before its end" in cut.stderr, cut.stderr
    assert "nothing was written" in cut.stderr
    assert _landing_files(landing) == before and len(_Scripted.seen) == 5  # not retried

    refused = _bkwh([*args, "--period", "2026M08"], landing, env)
    assert refused.returncode == 2
    assert "HTTP 401, application/json" in refused.stderr
    assert """'{"cause": "scripted 401"}': the service refused the key""" in refused.stderr
    assert "check JOBINDSATS_API_KEY" in refused.stderr
    assert _landing_files(landing) == before and len(_Scripted.seen) == 6


def test_without_a_key_the_command_says_how_to_get_one_and_writes_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "JOBINDSATS_API_KEY"}
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", "all", "--period", "2024M01"],
        env={**env, "BKWH_LANDING_DIR": str(tmp_path / "landing")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "JOBINDSATS_API_KEY is not set" in proc.stderr and "STAR" in proc.stderr
    assert not (tmp_path / "landing").exists()


def _unload(settings, source: str, generated: Path, staging: str, param) -> tuple[bytes, list]:
    """A warehouse that has not seen a generated file: the staging rows it gave (`staging`
    with `param`), then its load undone and the file gone from landing. Returns the file's
    bytes and those rows."""
    original = generated.read_bytes()
    spec, _ = spec_for(source, generated.name)
    sha = hashlib.sha256(original).hexdigest()
    with duckdb.connect(str(settings.warehouse_path)) as con:
        before = con.execute(staging, [param]).fetchall()
        assert before, "the built world has no staging rows for the file"
        con.execute(
            f"delete from raw.{spec.raw_table} where _batch_id in "
            "(select batch_id from raw._load_log where file_sha256 = ?)",
            [sha],
        )
        con.execute("delete from raw._load_log where file_sha256 = ?", [sha])
        assert con.execute(staging, [param]).fetchall() == []
    generated.unlink()
    return original, before


def _lands_and_loads_as_before(
    settings, source: str, fetched, generated: Path, original: bytes, staging: str, param, before
) -> None:
    """The fetch wrote the generator's file byte for byte, and it loads to the same rows."""
    assert [p.name for p in fetched.files] == [generated.name]
    assert fetched.files[0].read_bytes() == original
    [outcome] = [o for o in Ingestor(settings).run(sources=[source]) if o.status != "skipped"]
    assert (outcome.file, outcome.status) == (generated.name, "loaded"), outcome.message
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute(staging, [param]).fetchall() == before


def test_a_fetched_file_loads_to_the_same_staging_rows_as_the_generated_one(
    rebuilt, key, answering
):
    """The built world's last y07a02 file, served as the v3 answer (the country's rows for
    `/`, the rest for `*`): the fetch asks y07a02's data for that month, the country and then
    the municipalities (extracts.yml pins no other dimension of an A02 table), writes the same
    bytes, and loaded into a warehouse that has not seen it, gives the same staging rows."""
    settings = rebuilt.settings
    generated = sorted((settings.landing_dir / "jobindsats").glob("y07a02_*.json"))[-1]
    period = generated.stem.split("_")[-1]
    doc = json.loads(generated.read_text(encoding="utf-8"))
    month = f"{period[:4]}-{period[5:]}-01"
    staging = (
        "select * exclude (_batch_id, _source_file) from staging.stg_jobindsats__observations "
        "where table_id = 'y07a02' and period_date = ? order by all"
    )
    original, before = _unload(settings, "jobindsats", generated, staging, month)

    country = [r for r in doc["rows"] if r[1] == "Hele landet"]
    others = [r for r in doc["rows"] if r[1] != "Hele landet"]
    calls = _responses(
        answering,
        httpx.Response(200, json={"columns": doc["columns"], "rows": country}),
        httpx.Response(200, json={"columns": doc["columns"], "rows": others}),
    )
    fetched = fetch_jobindsats(settings.landing_dir, "y07a02", period)
    assert [(r.url.path, dict(r.url.params)) for r in calls] == [
        (
            "/v3/data/y07a02",
            {"mgroup.*": "*", "period.M": period, "format": "json", "hierarchy._nykom": area},
        )
        for area in ("/", "*")
    ]
    _lands_and_loads_as_before(
        settings, "jobindsats", fetched, generated, original, staging, month, before
    )


def _codes(ids_texts) -> list[dict]:
    """A tableinfo variable's values: StatBank's {"id", "text"} pairs."""
    return [{"id": i, "text": t} for i, t in ids_texts]


def _answer_statbank(answering, table: str, tableinfo: dict, csv: bytes) -> list:
    """A local StatBank answering `table`'s tableinfo and its data request with `csv`; the
    requests it saw."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "GET" and request.url.path == f"/v1/tableinfo/{table}":
            return httpx.Response(200, json=tableinfo)
        if request.method == "POST" and request.url.path == "/v1/data":
            return httpx.Response(200, content=csv, headers={"Content-Type": "text/csv"})
        return httpx.Response(404)

    answering(handler)
    return seen


def _folk1a_tableinfo(areas: list[str], quarter: str) -> dict:
    """FOLK1A's tableinfo in the shape of StatBank's (as the AUP02 fixture): its variables
    and codes as docs/sources/real_tables.md §2 establishes them (KØN TOT/1/2, ALDER IALT and
    one code per year of age, CIVILSTAND TOT/U/G/E/F, Tid like 2026K3)."""

    return {
        "id": "FOLK1A",
        "text": "Befolkningen den 1. i kvartalet",
        "unit": "Antal",
        "variables": [
            # the file's areas, and areas the warehouse does not know, which it must not ask
            {
                "id": "OMRÅDE",
                "text": "område",
                "values": _codes([*((a, a) for a in areas), *UNKNOWN_AREAS]),
            },
            {"id": "KØN", "text": "køn", "values": _codes([("TOT", "I alt"), ("1", "Mænd")])},
            {
                "id": "ALDER",
                "text": "alder",
                "values": _codes(
                    [("IALT", "Alder i alt"), *((str(a), f"{a} år") for a in range(126))]
                ),
            },
            {"id": "CIVILSTAND", "text": "civilstand", "values": _codes([("TOT", "I alt")])},
            {"id": "Tid", "text": "tid", "time": True, "values": _codes([(quarter, quarter)])},
        ],
    }


def test_a_fetched_folk1a_quarter_loads_to_the_same_staging_rows_as_the_generated_one(
    rebuilt, answering
):
    """The built world's last FOLK1A file, served as StatBank's answer to the request
    extracts.yml makes (codes, OMRÅDE the areas the warehouse knows, ALDER 18-64, KØN and
    CIVILSTAND left out): the fetch
    asks for the quarter by its own id, writes the same bytes, and loaded into a warehouse
    that has not seen it, 4.2's denominator rows (stg_statbank__folk1a) are the same."""
    settings = rebuilt.settings
    generated = sorted((settings.landing_dir / "statbank").glob("FOLK1A_*.csv"))[-1]
    quarter = generated.stem.split("_")[-1]
    assert quarter[4] == "K", quarter  # StatBank's quarter id, e.g. 2026K4
    text = generated.read_text(encoding="utf-8-sig")
    areas = sorted({line.split(";")[0] for line in text.split()[1:]})
    staging = "select * from staging.stg_statbank__folk1a where quarter_date = ? order by all"
    first_day = str(periods.parse(quarter).first_day)
    original, before = _unload(settings, "statbank", generated, staging, first_day)
    assert len(before) == len(areas) and any(r[0] == 0 for r in before)  # the country too

    seen = _answer_statbank(answering, "FOLK1A", _folk1a_tableinfo(areas, quarter), original)
    month = f"{periods.parse(quarter).first_day:%Y}M{periods.parse(quarter).first_day:%m}"
    fetched = fetch_one(settings.landing_dir, "statbank", "FOLK1A", month)
    body = json.loads(seen[1].content)
    assert body["valuePresentation"] == "Code"
    assert body["variables"] == [
        {"code": "OMRÅDE", "values": areas},  # the areas the warehouse knows: all the file's
        {"code": "ALDER", "values": [str(a) for a in range(18, 65)]},
        {"code": "Tid", "values": [quarter]},
    ]
    _lands_and_loads_as_before(
        settings, "statbank", fetched, generated, original, staging, first_day, before
    )


def _pen113_tableinfo(areas: list[str], month: str) -> dict:
    """PEN113's tableinfo in the shape of StatBank's: its variables and codes as
    docs/sources/real_tables.md §2 establishes them from a catalogue of StatBank's tableinfo
    (KØN MOK/M/K, ALDER 1869 and the five-year bands, YDELSESTYPE 40-45/55/60, MODTAG1
    80/82/84, monthly Tid)."""

    bands = ["1824", "2529", "3034", "3539", "4044", "4549", "5054", "5559", "6064", "6569"]
    return {
        "id": "PEN113",
        "text": "Førtidspensionister",
        "unit": "-",
        "variables": [
            # the file's areas, and areas the warehouse does not know, which it must not ask
            {
                "id": "OMRÅDE",
                "text": "område",
                "values": _codes([*((a, a) for a in areas), *UNKNOWN_AREAS]),
            },
            {"id": "KØN", "text": "køn", "values": _codes([("MOK", "Mænd og kvinder i alt")])},
            {
                "id": "ALDER",
                "text": "alder",
                "values": _codes([("1869", "Alle 18-69 årige"), *((b, b) for b in bands)]),
            },
            {
                "id": "YDELSESTYPE",
                "text": "ydelsestype",
                "values": _codes([("40", "Førtidspension i alt"), ("55", "Seniorpension")]),
            },
            {
                "id": "MODTAG1",
                "text": "modtagere",
                "values": _codes(
                    [("80", "Modtagere (antal)"), ("82", "Nye modtagere (månedsvis)")]
                ),
            },
            {"id": "Tid", "text": "tid", "time": True, "values": _codes([(month, month)])},
        ],
    }


# The variables each table's recorded tableinfo has beyond those extracts.yml asks (left out,
# so eliminated: their totals), with their total's id (extracts.yml's evidence: AUP02's KØN
# TOT [P]; AUP03's ALDER, KØN TOT and AKASSE [C]; HFUDD11's HERKOMST [P], its total TOT).
ELIMINATED = {"AUP02": ["KØN"], "AUP03": ["ALDER", "KØN", "AKASSE"], "HFUDD11": ["HERKOMST"]}


# Areas a StatBank table lists that the warehouse does not know (docs/sources/real_tables.md:
# AUP02's landsdele and abroad, HFUDD11's and FOLK1A's Christiansø, a not stated area)
UNKNOWN_AREAS = [("01", "Landsdel Byen København"), ("411", "Christiansø"), ("997", "Udlandet")]


def _tableinfo_of(table: str, text: str) -> dict:
    """A tableinfo in StatBank's shape: its area variable with every area the seeds know, as
    codes with their names, and areas they do not (UNKNOWN_AREAS); its other variables with
    the values a generated file holds; the variables left out with their total; the file's
    periods."""
    header, *rows = [line.split(";") for line in text.splitlines() if line]
    area = statbank_area_variable(extracts_config()["statbank"][table])
    names = {int(r["area_code"]): r["area_name"] for r in read_seed("regions")} | {
        int(r["municipality_code"]): r["municipality_name"] for r in read_seed("municipalities")
    }
    areas = [(dst_area_code(c), n) for c, n in sorted(names.items()) if c != 998] + UNKNOWN_AREAS
    variables = [
        {
            "id": name,
            "text": name.lower(),
            "values": _codes(
                areas if name == area else ((v, v) for v in sorted({r[i] for r in rows}))
            ),
            **({"time": True} if name == "TID" else {}),
        }
        for i, name in enumerate(header)
        if name != "INDHOLD"
    ]
    for name in ELIMINATED[table]:
        variables.append({"id": name, "text": name.lower(), "values": _codes([("TOT", "I alt")])})
    for v in variables:
        if v["id"] == "TID":
            v["id"] = "Tid"
    return {"id": table, "text": table, "unit": "-", "variables": variables}


@pytest.mark.parametrize(
    ("table", "staging", "presentation"),
    [
        ("AUP02", "stg_statbank__aup02", "Code"),
        ("AUP03", "stg_statbank__aup03", "Code"),
        ("HFUDD11", "stg_statbank__hfudd11", "Code"),
    ],
)
def test_a_fetched_statbank_period_loads_to_the_same_staging_rows_as_the_generated_one(
    rebuilt, answering, table, staging, presentation
):
    """The built world's last file of 0.1's AUP02, 2.1's AUP03 and 4.1's HFUDD11 (its area
    variable BOPOMR), each asked for codes, served as
    StatBank's answer to the request extracts.yml makes: the fetch asks the values and the
    presentation extracts.yml gives, writes the same bytes, and loaded into a warehouse that
    has not seen it, the table's staging rows are the same."""
    settings = rebuilt.settings
    generated = sorted((settings.landing_dir / "statbank").glob(f"{table}_*.csv"))[-1]
    period = generated.stem.split("_")[-1]
    text = generated.read_text(encoding="utf-8-sig")
    query = f"select * from staging.{staging} where period_date = ? order by all"
    first_day = str(periods.parse(period).first_day)
    original, before = _unload(settings, "statbank", generated, query, first_day)
    assert any(r[0] == 0 for r in before)  # the country's row, read from its code or name

    seen = _answer_statbank(answering, table, _tableinfo_of(table, text), original)
    month = f"{period}M12" if len(period) == 4 else period
    fetched = fetch_one(settings.landing_dir, "statbank", table, month)
    body = json.loads(seen[1].content)
    conf = extracts_config()["statbank"][table]
    assert body["valuePresentation"] == presentation == conf.get("value_presentation", "Default")
    asked = [v["code"] for v in body["variables"]]
    assert asked == [*conf["dimensions"], "Tid"]
    area = statbank_area_variable(conf)
    for variable in body["variables"][:-1]:
        if variable["code"] == area:  # the areas the seeds know, none of the unknown ones
            [listed] = [v for v in _tableinfo_of(table, text)["variables"] if v["id"] == area]
            known = [v["id"] for v in listed["values"]][: -len(UNKNOWN_AREAS)]
            assert variable["values"] == known and len(known) == 1 + 5 + 98
        else:
            assert variable["values"] == conf.get("select", {}).get(variable["code"], ["*"])
    assert body["variables"][-1] == {"code": "Tid", "values": [period]}
    _lands_and_loads_as_before(
        settings, "statbank", fetched, generated, original, query, first_day, before
    )


def test_a_variable_given_replaces_only_its_own_values(tmp_path, answering):
    """`bkwh extract statbank --var ALDER=TOT`: ALDER as given, OMRÅDE still the areas the
    warehouse knows that the table lists (not '*', not refused as missing)."""
    seen: list[httpx.Request] = []
    answering(_statbank_answer(seen))
    fetch_statbank(tmp_path, "AUP02", "2024M01:2024M02", {"ALDER": ["TOT"]})
    body = json.loads(seen[1].content)
    assert body["variables"] == [
        {"code": "OMRÅDE", "values": ["000", "153", "151"]},
        {"code": "ALDER", "values": ["TOT"]},
        {"code": "Tid", "values": ["2024M01", "2024M02"]},
    ]


def test_a_statbank_table_listing_none_of_the_known_areas_is_refused_before_asking(
    tmp_path, answering
):
    """A tableinfo whose area variable lists only areas the warehouse does not know (a
    landsdel, Christiansø, abroad): refused with what it lists, before any data request."""
    info = json.loads((FIXTURES / "statbank_tableinfo_AUP02.json").read_text(encoding="utf-8"))
    [area] = [v for v in info["variables"] if v["id"] == "OMRÅDE"]
    area["values"] = _codes(UNKNOWN_AREAS)
    seen = _answer_statbank(answering, "AUP02", info, b"")
    with pytest.raises(FetchError, match=r"lists none of the areas the warehouse knows .*'01'"):
        fetch_one(tmp_path, "statbank", "AUP02", "2024M01")
    assert [r.method for r in seen] == ["GET"]
    assert _landing_files(tmp_path) == []


def test_a_fetched_pen113_month_loads_to_the_same_staging_rows_as_the_generated_one(
    rebuilt, answering
):
    """The built world's last PEN113 file (3.3's country), served as StatBank's answer to the
    request extracts.yml makes (codes; OMRÅDE the areas known, the bands 18-64, YDELSESTYPE 40,
    MODTAG1 82; KØN left out): the fetch writes the same bytes, and loaded into a warehouse
    that has not seen it, the staging rows (stg_statbank__pen113) are the same."""
    settings = rebuilt.settings
    generated = sorted((settings.landing_dir / "statbank").glob("PEN113_*.csv"))[-1]
    month = generated.stem.split("_")[-1]
    text = generated.read_text(encoding="utf-8-sig")
    areas = sorted({line.split(";")[0] for line in text.split()[1:]})
    staging = "select * from staging.stg_statbank__pen113 where month_date = ? order by all"
    first_day = str(periods.parse(month).first_day)
    original, before = _unload(settings, "statbank", generated, staging, first_day)
    assert any(r[0] == 0 for r in before)  # the country, 3.3's comparator

    seen = _answer_statbank(answering, "PEN113", _pen113_tableinfo(areas, month), original)
    fetched = fetch_one(settings.landing_dir, "statbank", "PEN113", month)
    body = json.loads(seen[1].content)
    assert body["valuePresentation"] == "Code"
    assert body["variables"] == [
        {"code": "OMRÅDE", "values": areas},
        {
            "code": "ALDER",
            "values": ["1824", "2529", "3034", "3539", "4044", "4549", "5054", "5559", "6064"],
        },
        {"code": "YDELSESTYPE", "values": ["40"]},
        {"code": "MODTAG1", "values": ["82"]},
        {"code": "Tid", "values": [month]},
    ]
    _lands_and_loads_as_before(
        settings, "statbank", fetched, generated, original, staging, first_day, before
    )


def _y30r21_answer(seen: list[httpx.Request], extra_period: str | None = None) -> Answer:
    """A local Jobindsats answering /v3/data/y30r21 (a QMAT table, municipalities only) in
    v3's shape with the columns extracts.yml gives it, for the periods asked (and
    `extra_period`, which was not asked); every other table 404, with a reason."""
    columns = ji.jobindsats_labels("y30r21")

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path != "/v3/data/y30r21":
            return httpx.Response(404, json={"cause": f"no table {request.url.path}"})
        asked = request.url.params["period.QMAT"].split(",")
        rows = [
            [period, area, "Ydelsesgrupper i alt", 1000, 980, 20, 20.1, 19.7, 0.4, 12]
            for period in [*asked, *([extra_period] if extra_period else [])]
            for area in ("Ballerup", "Læsø")
        ]
        assert all(len(r) == len(columns) for r in rows)
        return httpx.Response(200, json={"columns": columns, "rows": rows})

    return handler


def test_a_month_asks_a_rolling_year_table_for_the_last_rolling_year_ended_by_then(
    tmp_path, key, answering
):
    """y30r21 is published by rolling years (QMAT): the monthly extract's month 2026M11 asks
    for 2026QMAT03 (the twelve months to September), not period.QMAT=2026M11, which STAR
    refuses; extracts.yml asks the municipalities only."""
    seen: list[httpx.Request] = []
    answering(_y30r21_answer(seen))
    fetched = fetch_one(tmp_path, "jobindsats", "y30r21", "2026M11")
    assert [dict(r.url.params)["period.QMAT"] for r in seen] == ["2026QMAT03"]
    assert [dict(r.url.params)["hierarchy._nykom"] for r in seen] == ["*"]
    assert [p.name for p in fetched.files] == ["y30r21_2026QMAT03.json"]
    assert fetched.rows == 2


def test_an_answer_with_a_period_not_asked_or_no_rows_for_an_area_writes_nothing(
    tmp_path, key, answering
):
    seen: list[httpx.Request] = []
    answering(_y30r21_answer(seen, extra_period="2030QMAT01"))
    with pytest.raises(FetchError, match=r"periods that were not asked, \['2030QMAT01'\]"):
        fetch_jobindsats(tmp_path, "y30r21", "2026QMAT03")
    assert _landing_files(tmp_path) == []

    doc = json.loads(RECORDED.read_text(encoding="utf-8"))

    def no_municipalities(request: httpx.Request) -> httpx.Response:
        area = request.url.params.get("hierarchy._nykom")
        rows = doc["rows"] if area == "/" else []
        return httpx.Response(200, json={"columns": doc["columns"], "rows": rows})

    answering(no_municipalities)
    with pytest.raises(FetchError, match=r"no rows for the area selection '\*'"):
        fetch_jobindsats(tmp_path, "y25i09", "latest:14")
    assert _landing_files(tmp_path) == []


def test_statbank_refuses_a_period_or_a_value_its_tableinfo_does_not_list_before_asking(
    tmp_path, answering
):
    """AUP02's tableinfo (the fixture) lists 2024M01 and 2024M02: 2024M03 is refused with
    the periods the table has, an age code it lacks with its codes, and BULK with a variable
    left out; none asks for data or writes anything."""
    seen: list[httpx.Request] = []
    answering(_statbank_answer(seen))
    with pytest.raises(
        FetchError, match=r"has not published \['2024M03'\] \(its periods run 2024M01 to 2024M02"
    ):
        fetch_statbank(tmp_path, "AUP02", "2024M02:2024M03", {"OMRÅDE": ["*"], "ALDER": ["*"]})
    with pytest.raises(FetchError, match=r"variable ALDER has no value \['99'\]"):
        fetch_statbank(tmp_path, "AUP02", "2024M01", {"OMRÅDE": ["*"], "ALDER": ["99"]})
    # BULK totals nothing (DST): a variable left out (KØN, which AUP02's tableinfo has and
    # extracts.yml does not ask) is refused before the data is asked
    info = json.loads((FIXTURES / "statbank_tableinfo_AUP02.json").read_text(encoding="utf-8"))
    info["variables"].insert(-1, {"id": "KØN", "text": "køn", "values": _codes([("TOT", "I alt")])})
    bulk = _answer_statbank(answering, "AUP02", info, b"")
    with pytest.raises(FetchError, match=r"BULK allows no variable to be left out.*\['KØN'\]"):
        fetch_statbank(tmp_path, "AUP02", "2024M01", fmt="BULK")
    assert [r.url.path for r in seen] == ["/v1/tableinfo/AUP02"] * 2
    assert [r.url.path for r in bulk] == ["/v1/tableinfo/AUP02"]
    assert _landing_files(tmp_path) == []


def test_a_refusal_by_statbank_quotes_its_reason_and_blames_no_key(tmp_path, answering):
    """StatBank takes no key: its 403 is a refused request, with what it said, not advice
    about JOBINDSATS_API_KEY; an HTML page in place of JSON is quoted too."""
    _responses(
        answering,
        httpx.Response(403, json={"errorTypeCode": "FORBIDDEN", "message": "rate limit"}),
        httpx.Response(200, html="<html><body>Vedligeholdelse</body></html>"),
    )
    with pytest.raises(FetchError) as refused:
        fetch_statbank(tmp_path, "AUP02", "2024M01", {"OMRÅDE": ["*"], "ALDER": ["*"]})
    assert not isinstance(refused.value, KeyRefused)
    assert "HTTP 403, application/json" in str(refused.value)
    assert "rate limit" in str(refused.value) and "API_KEY" not in str(refused.value)
    with pytest.raises(FetchError, match=r"not complete JSON .*text/html.*Vedligeholdelse"):
        fetch_statbank(tmp_path, "AUP02", "2024M01", {"OMRÅDE": ["*"], "ALDER": ["*"]})
    assert _landing_files(tmp_path) == []

    # StatBank's data URL is one for every table: a refused data request says the table and
    # periods asked (helper-111: "POST .../v1/data: gave up after 5 attempts" named neither)
    tableinfo = _statbank_answer([])

    def data_refused(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(400, json={"message": "ugyldig forespørgsel"})
        return tableinfo(request)

    answering(data_refused)
    with pytest.raises(FetchError) as refused:
        fetch_statbank(tmp_path, "AUP02", "2024M01:2024M02", {"OMRÅDE": ["*"], "ALDER": ["*"]})
    assert "/v1/data (table AUP02, periods 2024M01..2024M02): HTTP 400" in str(refused.value)


def test_extract_all_fetches_every_table_it_can_and_names_those_that_failed(tmp_path, answering):
    """`bkwh extract all` against a Jobindsats that answers only y30r21 (the twelfth table
    in extracts.yml) and a StatBank that answers nothing: y30r21 lands, asked in its own
    periods, and every other table is named as failed, with exit code 2."""
    seen: list[httpx.Request] = []
    url = answering(_y30r21_answer(seen))
    landing = tmp_path / "landing"
    env = {"BKWH_JOBINDSATS_URL": url, "BKWH_STATBANK_URL": url, "JOBINDSATS_API_KEY": KEY}
    proc = _bkwh(["extract", "all", "--period", "2026M11"], landing, env)
    assert proc.returncode == 2, proc.stderr
    assert "jobindsats y30r21: 2 rows into 1 file(s)" in proc.stdout
    assert _landing_files(landing) == [
        "y30r21_2026QMAT03.json",
        "y30r21_2026QMAT03.json.request.json",
    ]
    configured = [t for _, t in extracts.configured()]
    failed = [t for t in configured if t != "y30r21"]
    assert f"{len(failed)} of {len(configured)} tables failed ({', '.join(failed)})" in proc.stderr
    assert proc.stderr.count("extract failed: ") == len(failed)
    assert "no table /v3/data/y01a02" in proc.stderr  # what the service said


def test_the_extract_job_materialises_every_table_it_can_and_fails_naming_the_rest(
    tmp_path, key, answering, monkeypatch
):
    """The monthly extract job (Dagster, in process, to 2026M11) against a Jobindsats that
    answers only y30r21: y30r21 is materialised and lands, and the step fails once at the
    end, naming every other table with what the service said."""
    seen: list[httpx.Request] = []
    answering(_y30r21_answer(seen))
    # y30r21 has its rolling year to June in landing: the year to September is asked
    _landed(tmp_path / "landing", "y30r21_2026QMAT02.json")
    monkeypatch.setenv("BKWH_LANDING_DIR", str(tmp_path / "landing"))
    with blank_instance() as instance:
        result = run_extract_job("2026M11", instance)
    assert not result.success
    materialised = [e.asset_key.path[-1] for e in result.get_asset_materialization_events()]
    assert materialised == ["y30r21"]
    assert _landing_files(tmp_path / "landing") == [
        "y30r21_2026QMAT02.json",
        "y30r21_2026QMAT03.json",
        "y30r21_2026QMAT03.json.request.json",
    ]
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    message = failure.step_failure_data.error.message
    others = [t for s, t in extracts.configured() if s == "jobindsats" and t != "y30r21"]
    assert f"{len(others)} of {len(others) + 1} tables failed" in message
    assert all(f"{t}: " in message for t in others)
    assert "no table /v3/data/y60a02" in message


def test_the_monthly_extract_skips_a_table_that_has_not_published_the_month_yet(
    tmp_path, answering
):
    """`extract all` without a period (as the schedule asks) against a StatBank whose AUP02
    lists only 2024M01 and 2024M02: AUP02 is skipped, saying so, and asked again next month
    (a yearly table asked for this year is the same case); asked for by name, it fails."""
    seen: list[httpx.Request] = []
    # Jobindsats lists its months to the one before those the monthly extract asks of a
    # table with nothing in landing (two years back from the month before this one): its
    # tables are skipped too
    month = periods.parse(extracts.previous_month())
    before = periods.add_months(month.start, -extracts.CATCH_UP_MONTHS - 1)
    listed = periods.label_for(before, "month")
    url = answering(_with_metadata(_statbank_answer(seen), listed), metadata=False)
    landing = tmp_path / "landing"
    env = {"BKWH_JOBINDSATS_URL": url, "BKWH_STATBANK_URL": url, "JOBINDSATS_API_KEY": KEY}
    proc = _bkwh(["extract", "all"], landing, env)
    assert proc.returncode == 2, proc.stderr  # every other table failed: 404
    assert "extract skipped (asked again next month): statbank AUP02: " in proc.stderr
    assert "extract skipped (asked again next month): jobindsats y25i09: " in proc.stderr
    assert "has not published" in proc.stderr
    failed = proc.stderr.split("tables failed (")[1].split(")")[0].split(", ")
    assert "AUP02" not in failed and "AUP03" in failed
    assert "y25i09" not in failed and "y60a02" not in failed
    named = _bkwh(["extract", "all", "--period", "2024M03"], landing, env)
    failed = named.stderr.split("tables failed (")[1].split(")")[0].split(", ")
    assert "AUP02" in failed
    assert _landing_files(landing) == []


def _landed(landing: Path, *names: str) -> None:
    for name in names:
        source = "statbank" if name[0].isupper() else "jobindsats"
        (landing / source).mkdir(parents=True, exist_ok=True)
        (landing / source / name).write_text("{}")


def test_the_monthly_extract_asks_the_months_still_revised_and_those_missed(tmp_path):
    """Each table to the month before (2026M11): the months its source still revises and
    the one it revised last (sources' meta.revision_months: Jobindsats 2, StatBank 6), and
    back to the month after the newest period landed where that is earlier (a month it had
    not published when asked), but not more than two years, which is also how far back a
    table with nothing landed yet is asked; in the table's own periods."""
    ask = extracts.months_to_ask
    assert revision_months("jobindsats") == 2 and revision_months("statbank") == 6
    assert extracts.CATCH_UP_MONTHS == 24
    # nothing landed: two years back, whatever the table lags
    assert ask(tmp_path, "jobindsats", "y25i09", "2026M11") == "2024M11:2026M11"
    _landed(
        tmp_path,
        "y25i09_2026M05.json",
        "y25i09_2026M05.json.request.json",
        "y25i09x_2026M10.json",  # another table's name, beginning with this one's
        "y25i09_2026M13.json",  # a name the pattern takes that is no month: ingest refuses it
        "y07a02_2026M11.json",
        "y01a02_2020M01.json",
        "AUP02_2026M11.csv",
        "FOLK1A_2025K4.csv",
        "FOLK1A_2026K2.csv",
        "HFUDD11_2024.csv",
        "y30r21_2025QMAT04.json",
    )
    assert ask(tmp_path, "jobindsats", "y25i09", "2026M11") == "2026M06:2026M11"
    # up to date: the three months still revised, or revised for the last time
    assert ask(tmp_path, "jobindsats", "y07a02", "2026M11") == "2026M09:2026M11"
    assert ask(tmp_path, "statbank", "AUP02", "2026M11") == "2026M05:2026M11"
    # a gap of more than two years: two years
    assert ask(tmp_path, "jobindsats", "y01a02", "2026M11") == "2024M11:2026M11"

    def asked(source: str, table: str, through: str) -> str:
        return extracts.for_table(source, table, ask(tmp_path, source, table, through))

    # FOLK1A (quarters) has 2026K2: from the months revised, in quarters; a year on, from
    # the quarter after 2026K2
    assert asked("statbank", "FOLK1A", "2026M11") == "2026K2:2026K4"
    assert asked("statbank", "FOLK1A", "2027M11") == "2026K3:2027K4"
    # HFUDD11 (years) has 2024: 2025 and this year
    assert asked("statbank", "HFUDD11", "2026M11") == "2025:2026"
    # y30r21 (rolling years ending a quarter) has 2025QMAT04: the ones ended since
    assert asked("jobindsats", "y30r21", "2026M11") == "2026QMAT01:2026QMAT03"
    assert asked("jobindsats", "y30r21", "2027M01") == "2026QMAT01:2026QMAT04"
    with pytest.raises(FetchError, match="give one, not both"):
        next(extracts.fetch_each(tmp_path, [], "2026M10", "2026M11"))


def _y25i09_rows(seen: list[httpx.Request]) -> Answer:
    """A local Jobindsats answering /v3/data/y25i09 for the months asked, in v3's shape."""
    columns = ji.jobindsats_labels("y25i09")

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path != "/v3/data/y25i09":
            return httpx.Response(404, json={"cause": f"no table {request.url.path}"})
        area = request.url.params["hierarchy._nykom"]
        names = ["Hele landet"] if area == "/" else ["Ballerup", "Læsø"]
        rows = [
            [m, name, "Ydelsesgrupper i alt", "I alt", 10, 12, 70, 17.1]
            for m in request.url.params["period.M"].split(",")
            for name in names
        ]
        return httpx.Response(200, json={"columns": columns, "rows": rows})

    return handler


def test_the_monthly_extract_fetches_the_published_months_and_keeps_an_unrevised_file(
    tmp_path, key, answering
):
    """The monthly extract to 2026M11 against a Jobindsats whose y25i09 lists months to
    2026M10, with 2026M09 in landing: 2026M09 (written again, with a sidecar) and 2026M10
    are fetched, 2026M11 is said as not published yet (asked again next month, as the
    table's newest landed month is then 2026M10); asked again with nothing revised, the
    files and their sidecars are left as they were (a landing sensor sees nothing new); a
    file changed since is written again, with a new sidecar."""
    seen: list[httpx.Request] = []
    answering(_with_metadata(_y25i09_rows(seen), "2026M10"), metadata=False)
    _landed(tmp_path, "y25i09_2026M09.json")  # landed before, by hand: no sidecar
    said: list[str] = []
    [done] = extracts.fetch_each(
        tmp_path, [("jobindsats", "y25i09")], through="2026M11", log=said.append
    )
    assert not done.failed and done.months == "2026M09:2026M11"
    assert {dict(r.url.params)["period.M"] for r in seen} == {"2026M09,2026M10"}
    assert [p.name for p in done.fetched.files] == ["y25i09_2026M09.json", "y25i09_2026M10.json"]
    assert any("not published yet ['2026M11']" in line for line in said), said
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    stamps = {p: p.stat().st_mtime_ns for p in files}
    assert extracts.months_to_ask(tmp_path, "jobindsats", "y25i09", "2026M11") == (
        "2026M09:2026M11"
    )
    [again] = extracts.fetch_each(tmp_path, [("jobindsats", "y25i09")], through="2026M11")
    assert again.fetched.unchanged == again.fetched.files
    assert "2 of them unchanged" in again.fetched.said
    assert {p: p.stat().st_mtime_ns for p in files} == stamps
    # a file revised since is written again, with a new sidecar
    first = tmp_path / "jobindsats" / "y25i09_2026M09.json"
    first.write_text(first.read_text().replace("17.1", "17.2"))
    sidecar = first.with_name(first.name + ".request.json")
    sidecar_stamp = sidecar.stat().st_mtime_ns
    [revised] = extracts.fetch_each(tmp_path, [("jobindsats", "y25i09")], through="2026M11")
    assert [p.name for p in revised.fetched.unchanged] == ["y25i09_2026M10.json"]
    assert "17.1" in first.read_text()
    assert sidecar.stat().st_mtime_ns != sidecar_stamp
    assert (
        json.loads(sidecar.read_text())["file_sha256"]
        == hashlib.sha256(first.read_bytes()).hexdigest()
    )


def test_the_monthly_extract_asks_statbank_only_the_months_its_tableinfo_lists(tmp_path, answering):
    """StatBank's AUP02 lists 2024M01 and 2024M02 (the fixture's tableinfo); the monthly
    extract to 2024M03, with nothing in landing, asks two years back: only the two months
    listed go into the data request, and 2024M03 is said as not published yet. Its areas are
    those the warehouse knows that the tableinfo lists."""
    seen: list[httpx.Request] = []
    answering(_statbank_answer(seen))
    said: list[str] = []
    [done] = extracts.fetch_each(
        tmp_path, [("statbank", "AUP02")], through="2024M03", log=said.append
    )
    assert not done.failed and done.months == "2022M03:2024M03"
    [data] = [r for r in seen if r.method == "POST"]
    variables = {v["code"]: v["values"] for v in json.loads(data.content)["variables"]}
    assert variables["Tid"] == ["2024M01", "2024M02"]
    # the areas the warehouse knows that the tableinfo lists, in its order: not its landsdel
    # (01) or abroad (997), which the statbank suite refuses as unknown areas
    assert variables["OMRÅDE"] == ["000", "153", "151"]
    assert any("not published yet" in line and "'2024M03'" in line for line in said), said
    assert [p.name for p in done.fetched.files] == ["AUP02_2024M01.csv", "AUP02_2024M02.csv"]
