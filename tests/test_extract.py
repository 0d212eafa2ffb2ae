"""Fetching the benchmark extracts: the connector code runs against recorded responses
(served through httpx's transport layer), a real HTTP server on 127.0.0.1, and a fetched file
goes through ingest to the same staging rows as a generated one.

The recorded responses in tests/fixtures/http/ are in the documented shapes, with Danish
numbers ('1.234', '4,2', '..') and labels ('Brøndby', '16-24 år').
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import duckdb
import httpx
import pandas as pd
import pytest

from pipeline.fetch import FetchError, expand_periods
from pipeline.fetch.extracts import fetch_jobindsats, fetch_statbank, table_period
from pipeline.fetch.jobindsats import Jobindsats
from pipeline.ingest import Ingestor
from pipeline.ingest.read import read_file
from pipeline.suites import spec_for

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


def test_period_ranges_expand_to_the_ids_the_services_use():
    assert expand_periods("2024M11:2025M02") == ["2024M11", "2024M12", "2025M01", "2025M02"]
    assert expand_periods("2024QMAT12:2025QMAT01") == ["2024QMAT12", "2025QMAT01"]
    assert expand_periods("2024Q3:2025Q1") == ["2024Q3", "2024Q4", "2025Q1"]
    assert expand_periods("2019:2021") == ["2019", "2020", "2021"]
    assert expand_periods("l(m:12)") == ["l(m:12)"]
    assert table_period("2024M01:2024M12", "rolling_year") == "2024QMAT01:2024QMAT12"
    assert table_period("2023M11:2024M02", "year") == "2023:2024"
    with pytest.raises(FetchError, match="ends before it starts"):
        expand_periods("2024M05:2024M01")
    with pytest.raises(FetchError, match="two periods of one kind"):
        expand_periods("2024M01:2024Q4")


def _jobindsats_transport(version: str, fmt: str, seen: list[httpx.Request]):
    fixture = {
        ("v2", "json"): "jobindsats_v2_data_Y07A01.json",
        ("v2", "csv"): "jobindsats_v2_data_Y07A01.csv",
        ("v3", "json"): "jobindsats_v3_data_Y07A01.json",
    }[(version, fmt)]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = "/v2/data/Y07A01/" + fmt if version == "v2" else "/v3/data/Y07A01"
        if request.url.path != path:
            return httpx.Response(404, text=f"no {request.url.path}")
        return httpx.Response(200, content=(FIXTURES / fixture).read_bytes())

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(("version", "fmt"), [("v2", "json"), ("v2", "csv"), ("v3", "json")])
def test_jobindsats_responses_land_as_the_generator_writes_them(tmp_path, key, version, fmt):
    seen: list[httpx.Request] = []
    fetched = fetch_jobindsats(
        tmp_path,
        "Y07A01",
        "2024M01:2024M02",
        version=version,
        fmt=fmt,
        transport=_jobindsats_transport(version, fmt, seen),
    )
    [request] = seen
    assert request.headers["Authorization"] == (KEY if version == "v2" else f"Bearer {KEY}")
    params = dict(request.url.params)
    assert params["area"] == "*" and params["period"] == "2024M01,2024M02"
    assert params["_ygrpa06"] == "*"
    assert version == "v2" or params["format"] == "json"
    assert [p.name for p in fetched.files] == ["Y07A01_2024M01.json", "Y07A01_2024M02.json"]
    assert fetched.rows == 6
    # the landing format (extracts.yml: json) whatever the API answered in
    january = json.loads(fetched.files[0].read_text(encoding="utf-8"))
    assert [v["Name"] for v in january[0]["Variables"]][:3] == ["area", "period", "_ygrpa06"]
    sidecar = json.loads(fetched.files[0].with_name("Y07A01_2024M01.json.request.json").read_text())
    assert sidecar["api"] == f"jobindsats {version}" and sidecar["table"] == "Y07A01"
    assert sidecar["params"]["period"] == "2024M01,2024M02" and sidecar["period"] == "2024M01"
    assert sidecar["rows"] == 4 and KEY not in json.dumps(sidecar)
    # read as ingest reads it: Danish numbers to the exact number, labels kept
    frame = _read(fetched.files[0])
    brondby = frame[frame["area_label"] == "Brøndby"]
    values = dict(
        zip(brondby["measure"] + " " + brondby["dimensions"], brondby["value"], strict=True)
    )
    assert values['Y07A01_LEDIGE {"_ygrpa06": "I alt"}'] == 1234.0
    assert values['Y07A01_ANDEL {"_ygrpa06": "I alt"}'] == 20.3
    assert values['Y07A01_LEDIGE {"_ygrpa06": "16-24 år"}'] == 3.0
    assert values['Y07A01_ANDEL {"_ygrpa06": "16-24 år"}'] is pd.NA
    whole = frame[(frame["area_label"] == "Hele landet") & (frame["measure"] == "Y07A01_LEDIGE")]
    assert whole["value"].tolist() == [112345.0]


@pytest.mark.parametrize(
    ("version", "path", "auth"),
    [("v2", "/v2/tables/Y07A01/json", KEY), ("v3", "/v3/table/Y07A01", f"Bearer {KEY}")],
)
def test_jobindsats_table_metadata_comes_from_the_versions_own_endpoint(version, path, auth):
    meta = {"id": "Y07A01", "Dimensions": [{"Name": "_ygrpa06", "Label": "Aldersgrupper"}]}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path != path or request.headers["Authorization"] != auth:
            return httpx.Response(404)
        return httpx.Response(200, json=meta)

    api = Jobindsats(KEY, version, transport=httpx.MockTransport(handler))
    assert api.table_info("Y07A01") == meta


def test_the_three_api_shapes_write_the_same_bytes(tmp_path, key):
    written = {}
    for version, fmt in [("v2", "json"), ("v2", "csv"), ("v3", "json")]:
        landing = tmp_path / f"{version}-{fmt}"
        fetch_jobindsats(
            landing,
            "Y07A01",
            "2024M01:2024M02",
            version=version,
            fmt=fmt,
            transport=_jobindsats_transport(version, fmt, []),
        )
        written[(version, fmt)] = [
            p.read_bytes()
            for p in sorted((landing / "jobindsats").glob("*.json"))
            if not p.name.endswith(".request.json")
        ]
    assert written[("v2", "json")] == written[("v2", "csv")] == written[("v3", "json")]


def _statbank_transport(seen: list[httpx.Request]):
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

    return httpx.MockTransport(handler)


def test_statbank_checks_the_codes_then_lands_one_csv_per_period(tmp_path):
    seen: list[httpx.Request] = []
    fetched = fetch_statbank(
        tmp_path,
        "AUP02",
        "2024M01:2024M02",
        {"OMRÅDE": ["*"], "ALDER": ["*"]},
        transport=_statbank_transport(seen),
    )
    info, data = seen
    assert info.url.path == "/v1/tableinfo/AUP02"
    body = json.loads(data.content)
    assert body["table"] == "AUP02" and body["format"] == "CSV" and body["lang"] == "da"
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
    assert values['Brøndby {"ALDER": "Alder i alt"}'] == 4.2
    assert values['Brøndby {"ALDER": "16-24 år"}'] is pd.NA
    assert _read(fetched.files[1])["value"].tolist() == [1234.5]
    sidecar = json.loads(fetched.files[1].with_name("AUP02_2024M02.csv.request.json").read_text())
    assert sidecar["body"] == body and sidecar["period"] == "2024M02" and sidecar["rows"] == 1


def test_statbank_refuses_an_unknown_variable_code_before_asking_for_data(tmp_path):
    seen: list[httpx.Request] = []
    with pytest.raises(FetchError, match=r"no variable \['KØN'\].*'ALDER', 'OMRÅDE', 'Tid'"):
        fetch_statbank(
            tmp_path,
            "AUP02",
            "2024M01",
            {"OMRÅDE": ["*"], "KØN": ["*"]},
            transport=_statbank_transport(seen),
        )
    assert [r.url.path for r in seen] == ["/v1/tableinfo/AUP02"]
    assert _landing_files(tmp_path) == []


def _responses(*responses):
    """A transport answering the given responses in turn, counting the requests."""
    queue = list(responses)
    calls = []

    def handler(request):
        calls.append(request)
        return queue.pop(0)

    return httpx.MockTransport(handler), calls


def test_429_waits_as_retry_after_says_and_400_is_not_retried(tmp_path, key):
    good = (FIXTURES / "jobindsats_v2_data_Y07A01.json").read_bytes()
    transport, calls = _responses(
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(502),
        httpx.Response(200, content=good),
    )
    waits: list[float] = []
    fetched = fetch_jobindsats(
        tmp_path, "Y07A01", "2024M01:2024M02", transport=transport, sleep=waits.append
    )
    assert len(calls) == 3 and waits[0] == 7 and 1 <= waits[1] <= 30
    assert len(fetched.files) == 2

    transport, calls = _responses(httpx.Response(400, text="unknown dimension _foo"))
    with pytest.raises(FetchError, match=r"HTTP 400.*unknown dimension"):
        fetch_jobindsats(tmp_path / "b", "Y07A01", "2024M01", transport=transport)
    assert len(calls) == 1 and _landing_files(tmp_path / "b") == []

    transport, calls = _responses(*[httpx.Response(503) for _ in range(5)])
    with pytest.raises(FetchError, match=r"gave up after 5 attempts.*HTTP 503"):
        fetch_jobindsats(
            tmp_path / "c", "Y07A01", "2024M01", transport=transport, sleep=lambda s: None
        )
    assert len(calls) == 5 and _landing_files(tmp_path / "c") == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'[{"Variables": [{"Name": "area", "Label": "Omr', "not complete JSON"),
        (b'{"rows": []}', "unexpected response shape"),
        (
            b'[{"Variables": [{"Name": "area"}, {"Name": "period"}], "Data": [["Ballerup"]]}]',
            "data row 1 has 1 values, the columns 2",
        ),
        (
            b'[{"Variables": [{"Name": "area"}, {"Name": "period"}], "Data": [["B", "2024M01"]]}]',
            r"lacks the columns \['_ygrpa06', 'Y07A01_LEDIGE'",
        ),
    ],
)
def test_a_malformed_or_cut_off_body_writes_nothing_and_says_why(tmp_path, key, body, message):
    transport, _ = _responses(httpx.Response(200, content=body))
    with pytest.raises(FetchError, match=message):
        fetch_jobindsats(tmp_path, "Y07A01", "2024M01", transport=transport)
    assert _landing_files(tmp_path) == []


class _Scripted(BaseHTTPRequestHandler):
    """Answers from a shared script: 'status' (with Retry-After: 1), 'ok', 'truncated'."""

    script: ClassVar[list[str]] = []
    seen: ClassVar[list[tuple[str, str]]] = []
    body = b""

    def do_GET(self):
        type(self).seen.append((self.path, self.headers.get("Authorization", "")))
        step = type(self).script.pop(0)
        if step.isdigit():
            self.send_response(int(step))
            self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
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
    _Scripted.body = (FIXTURES / "jobindsats_v2_data_Y07A01.json").read_bytes()
    _Scripted.script = ["503", "503", "ok", "truncated", "401"]
    _Scripted.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Scripted)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


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
    args = ["extract", "jobindsats", "--table", "Y07A01", "--area", "*"]

    first = _bkwh([*args, "--period", "2024M01:2024M02"], landing, env)
    assert first.returncode == 0, first.stderr
    assert "Y07A01: 6 rows into 2 file(s)" in first.stdout
    assert first.stderr.count("HTTP 503") == 2  # both retries were logged
    assert len(_Scripted.seen) == 3
    assert all(auth == KEY for _, auth in _Scripted.seen)
    assert _Scripted.seen[0][0].startswith("/v2/data/Y07A01/json?")
    before = _landing_files(landing)
    assert before == [
        "Y07A01_2024M01.json",
        "Y07A01_2024M01.json.request.json",
        "Y07A01_2024M02.json",
        "Y07A01_2024M02.json.request.json",
    ]

    cut = _bkwh([*args, "--period", "2024M03"], landing, env)
    assert cut.returncode == 2
    assert "the response was cut off before its end" in cut.stderr, cut.stderr
    assert "nothing was written" in cut.stderr
    assert _landing_files(landing) == before and len(_Scripted.seen) == 4  # not retried

    refused = _bkwh([*args, "--period", "2024M04"], landing, env)
    assert refused.returncode == 2
    assert "HTTP 401: the service refused the key" in refused.stderr
    assert _landing_files(landing) == before and len(_Scripted.seen) == 5


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


def test_a_fetched_file_loads_to_the_same_staging_rows_as_the_generated_one(rebuilt, key):
    """The built world's last Y07A01 file, served as a v3 response: the fetch writes the same
    bytes, and loaded into a warehouse that has not seen it, the staging rows are the same."""
    settings = rebuilt.settings
    generated = sorted((settings.landing_dir / "jobindsats").glob("Y07A01_*.json"))[-1]
    period = generated.stem.split("_")[1]
    v2 = json.loads(generated.read_text(encoding="utf-8"))[0]
    v3 = {
        "columns": [{"name": v["Name"], "label": v["Label"]} for v in v2["Variables"]],
        "rows": v2["Data"],
    }
    month = f"{period[:4]}-{period[5:]}-01"
    spec, _ = spec_for("jobindsats", generated.name)
    sha = hashlib.sha256(generated.read_bytes()).hexdigest()
    staging = "select * from staging.stg_jobindsats__y07a01 where period_date = ? order by all"
    with duckdb.connect(str(settings.warehouse_path)) as con:
        before = con.execute(staging, [month]).fetchall()
        assert before, "the built world has no staging rows for the file"
        # a warehouse that has not seen the file: its load undone, the file gone from landing
        con.execute(f"delete from raw.{spec.raw_table} where _file_sha256 = ?", [sha])
        con.execute("delete from raw._load_log where file_sha256 = ?", [sha])
        assert con.execute(staging, [month]).fetchall() == []
    original = generated.read_bytes()
    generated.unlink()

    transport, _ = _responses(httpx.Response(200, json=v3))
    fetched = fetch_jobindsats(
        settings.landing_dir, "Y07A01", period, version="v3", transport=transport
    )
    assert [p.name for p in fetched.files] == [generated.name]
    assert fetched.files[0].read_bytes() == original  # byte for byte the generator's file
    [outcome] = [o for o in Ingestor(settings).run(sources=["jobindsats"]) if o.status != "skipped"]
    assert (outcome.file, outcome.status) == (generated.name, "loaded"), outcome.message
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute(staging, [month]).fetchall() == before
