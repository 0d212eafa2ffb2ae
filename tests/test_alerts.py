"""Alerts after a publication (issue 15 §5): a changed status or a fall in Region
Hovedstaden's ranking goes to the alert log, the webhook and e-mail, tested against a real
local SMTP server (aiosmtpd) and a real local HTTP server, and through the real publish
step of the refresh job."""

from __future__ import annotations

import csv
import json
import logging
import socket
from datetime import date
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

import dagster as dg
import duckdb
import pytest
from aiosmtpd.controller import Controller
from conftest import blank_instance, copy_world, serve, use_root

from pipeline.alerts import (
    WEBHOOK_ENV,
    alert_changes,
    failed_everywhere,
    status_changes,
    status_snapshot,
)
from pipeline.config import SEEDS_DIR

pytestmark = pytest.mark.seconds(6)  # ordering only (conftest.py)

# each course word's class, as marts.dim_status publishes it from the seed
COURSE_CLASS = {
    r["status"]: r["css_class"]
    for r in csv.DictReader((SEEDS_DIR / "indicator_statuses.csv").open(encoding="utf-8"))
    if r["kind"] == "course"
}


def _row(status, value, period=date(2026, 9, 1), unit="pct", on_course=None, ranks=None):
    return {
        "status": status,
        "value": value,
        "ci_lower": ranks[0] if ranks else None,
        "ci_upper": ranks[1] if ranks else None,
        "unit": unit,
        "period": period,
        "period_type": "month",
        "headline_da": "tekst",
        "on_course": on_course,
        "course_class": COURSE_CLASS.get(on_course),
        "forecast": 21.0 if on_course else None,
        "lower": 17.5 if on_course else None,
        "upper": 24.5 if on_course else None,
        "forecast_period": date(2027, 9, 1) if on_course else None,
        "goal": 25.0 if on_course else None,
    }


def test_a_projection_turning_off_course_is_a_change():
    before = {
        "4.4": _row("ikke opfyldt", 20.0, on_course="usikker"),
        "1.5": _row("ikke afgjort", 78.0, on_course="ikke på kurs"),
        "5.0": _row("ikke opfyldt", 3.0),  # a publication from before the projections
    }
    after = {
        "4.4": _row("ikke opfyldt", 19.0, on_course="ikke på kurs"),
        "1.5": _row("ikke afgjort", 77.0, on_course="ikke på kurs"),  # off course already
        "5.0": _row("ikke opfyldt", 3.1, on_course="ikke på kurs"),  # nothing to compare
    }
    [change] = status_changes(before, after)
    assert (change["indicator_id"], change["kind"]) == ("4.4", "course")
    assert "fra «usikker» til «ikke på kurs» mod målet (25,0 %)" in change["text"]
    assert "21,0 % (17,5–24,5 %) i september 2027" in change["text"]
    # back on course is no alert
    assert status_changes(after, before) == []


def test_a_changed_status_and_a_falling_rank_are_changes_and_nothing_else_is():
    before = {
        "2.3": _row("ikke afgjort", 16.5),
        "2.1": _row("ikke opfyldt", 17, unit="rank"),
        "2.5": _row("ikke opfyldt", 2.5),
        "1.2": _row("ingen sammenligning", 60.0),
    }
    after = {
        "2.3": _row("ikke opfyldt", 18.1, period=date(2026, 10, 1)),
        "2.1": _row("ikke opfyldt", 19, unit="rank"),  # the same status, two places down
        "2.5": _row("ikke opfyldt", 2.6),  # a new value, the same status: no alert
        "1.2": _row("ingen sammenligning", 55.0),
        "4.4": _row("opfyldt", 30.0),  # not in the publication before: nothing to compare
    }
    changes = status_changes(before, after)
    assert [(c["indicator_id"], c["kind"]) for c in changes] == [("2.1", "rank"), ("2.3", "status")]
    rank, status = (c["text"] for c in changes)
    assert "placeringen er rykket 2 pladser tilbage, fra nr. 17 til nr. 19" in rank
    assert "fra «ikke afgjort» til «ikke opfyldt»" in status
    assert "16,5 %, september 2026 → 18,1 %, oktober 2026" in status
    assert status_changes(after, after) == []
    assert status_changes({}, after) == []  # the first publication alerts nothing


def test_a_rank_known_to_its_ties_range_has_fallen_only_when_the_ranges_do_not_overlap():
    """2.1's rank is known only to the places its ties span (the status's interval, method
    rounding): from 15–18 to 16–17 June may still rank above May, and nothing is told; from
    13–15 to 17–18 it fell 2 to 5 places, said as the report says a change of ranges."""
    may = {"2.1": _row("ikke opfyldt", 15, unit="rank", ranks=(15, 18))}
    june = {"2.1": _row("ikke opfyldt", 16, unit="rank", ranks=(16, 17))}
    assert status_changes(may, june) == []
    earlier = {"2.1": _row("ikke opfyldt", 13, unit="rank", ranks=(13, 15))}
    later = {"2.1": _row("ikke opfyldt", 17, unit="rank", ranks=(17, 18))}
    [change] = status_changes(earlier, later)
    assert change["kind"] == "rank"
    assert (
        "placeringen er rykket 2\N{EN DASH}5 pladser tilbage, fra nr. 13\N{EN DASH}15 til "
        "nr. 17\N{EN DASH}18" in change["text"]
    ), change["text"]
    assert status_changes(later, earlier) == []  # a rise is no alert
    # a snapshot told before the ranges were kept: its range is not known, no fall is told
    told = {"2.1": {k: v for k, v in earlier["2.1"].items() if k not in ("ci_lower", "ci_upper")}}
    assert status_changes(told, later) == []


class _Inbox:
    """An aiosmtpd handler keeping every message it is sent."""

    def __init__(self):
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        type(self).received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def channels(monkeypatch):
    """A real SMTP server and a real webhook on 127.0.0.1, configured as the warehouse
    reads them from the environment."""
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks it is up on the port given
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    hook = serve(_Hook)
    _Hook.received.clear()
    monkeypatch.setenv("BKWH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BKWH_SMTP_PORT", str(port))
    monkeypatch.setenv("BKWH_SMTP_FROM", "bkwh@ballerup.dk")
    monkeypatch.setenv("BKWH_ALERT_EMAIL_TO", "udvalg@ballerup.dk, jobcenter@ballerup.dk")
    monkeypatch.setenv(WEBHOOK_ENV, f"http://127.0.0.1:{hook.server_port}/alert")
    monkeypatch.setenv("BKWH_REPORT_URL", "https://intra.ballerup.dk/beskaeftigelse/index.html")
    yield inbox
    smtp.stop()
    hook.shutdown()


def test_an_alert_goes_to_the_log_the_webhook_and_by_mail_with_a_link_to_the_section(
    channels, fresh
):
    changes = status_changes(
        {"2.3": _row("ikke afgjort", 16.5)}, {"2.3": _row("ikke opfyldt", 18.1)}
    )
    alert = alert_changes(fresh.settings, changes)
    assert alert["webhook_status"] == 204
    assert alert["email_to"] == ["udvalg@ballerup.dk", "jobcenter@ballerup.dk"]
    [logged] = (fresh.settings.log_dir / "alerts.log").read_text(encoding="utf-8").splitlines()
    assert json.loads(logged) == alert
    assert _Hook.received[0]["changes"] == alert["changes"]
    [mail] = channels.messages
    assert mail["Subject"] == "Beskæftigelsesstrategien: 1 ændring i status"
    assert mail["To"] == "udvalg@ballerup.dk, jobcenter@ballerup.dk"
    body = mail.get_content()
    assert "fra «ikke afgjort» til «ikke opfyldt»" in body
    assert "https://intra.ballerup.dk/beskaeftigelse/index.html#i-2-3" in body


def test_a_channel_that_is_down_is_said_in_the_alert_and_the_log_line_stays(fresh, monkeypatch):
    monkeypatch.setenv("BKWH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BKWH_SMTP_PORT", "9")  # nothing listens: connection refused
    monkeypatch.setenv("BKWH_ALERT_EMAIL_TO", "udvalg@ballerup.dk")
    changes = status_changes({"2.3": _row("ikke afgjort", 1)}, {"2.3": _row("opfyldt", 2)})
    alert = alert_changes(fresh.settings, changes)
    assert "email_error" in alert and "email_to" not in alert
    assert json.loads((fresh.settings.log_dir / "alerts.log").read_text()) == alert
    assert failed_everywhere(alert)  # the publish step tells these changes again next time


def test_a_setting_that_is_wrong_fails_its_channel_not_the_alert(fresh, monkeypatch, caplog):
    """An empty BKWH_SMTP_PORT and a webhook URL without its scheme raised ValueError out of
    the alert: no alerts.log line, a run failure's alert lost, the publish step failing after
    its file was live (review, December 2026). Each is its channel's error, in the log line
    and said as a warning where the run's log is."""
    monkeypatch.setenv("BKWH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BKWH_SMTP_PORT", "")
    monkeypatch.setenv("BKWH_ALERT_EMAIL_TO", "udvalg@ballerup.dk")
    monkeypatch.setenv("BKWH_ALERT_WEBHOOK_URL", "hooks.example/bkwh")
    changes = status_changes({"2.3": _row("ikke afgjort", 1)}, {"2.3": _row("opfyldt", 2)})
    with caplog.at_level(logging.WARNING, logger="bkwh.progress"):
        alert = alert_changes(fresh.settings, changes)
    assert alert["email_error"].startswith("ValueError: invalid literal for int()")
    assert alert["webhook_error"].startswith("ValueError: unknown url type")
    assert json.loads((fresh.settings.log_dir / "alerts.log").read_text()) == alert
    said = caplog.text
    assert "alert not sent by e-mail: ValueError" in said
    assert "alert not sent by webhook: ValueError" in said
    assert failed_everywhere(alert)
    assert not failed_everywhere({"email_error": "x", "webhook_status": 200})
    assert not failed_everywhere({})  # only alerts.log: nothing failed


def test_the_publish_step_alerts_what_changed_since_the_publication_before(
    built, tmp_path, channels
):
    """The built world's publication, with 2.3's status and 2.1's rank set back as if the
    month before had said otherwise; the real publish step of the refresh job republishes
    and alerts exactly those two changes."""
    from orchestration.definitions import defs

    root = tmp_path / "world"
    root.mkdir()
    copy_world(built, root)
    with pytest.MonkeyPatch.context() as mp:
        env = use_root(mp, root)
        published = status_snapshot(env.settings.analytics_path)
        other = "opfyldt" if published["2.3"]["status"] != "opfyldt" else "ikke opfyldt"
        with duckdb.connect(str(env.settings.analytics_path)) as con:
            con.execute(
                "update marts.fct_indicator_status set status = ? where indicator_id = '2.3'",
                [other],
            )
            # a rank two places above its ties' range: a fall the ties allow no doubt of
            con.execute(
                "update marts.fct_indicator_status set value = ci_lower - 2, ci_upper = "
                "ci_lower - 2, ci_lower = ci_lower - 2 where indicator_id = '2.1'"
            )
        with blank_instance() as instance:
            # the first publish dies once the new publication is swapped in, before its
            # alert: the next one still tells what changed against what was last told
            mp.setenv("BKWH_FAILPOINT", "publish.after_swap:raise")
            died = defs.resolve_job_def("refresh").execute_in_process(
                instance=instance,
                asset_selection=[dg.AssetKey("analytics_db")],
                raise_on_error=False,
            )
            assert not died.success
            assert status_snapshot(env.settings.analytics_path)["2.3"]["status"] != other
            assert not (env.settings.log_dir / "alerts.log").exists()
            mp.delenv("BKWH_FAILPOINT")
            result = defs.resolve_job_def("refresh").execute_in_process(
                instance=instance,
                asset_selection=[dg.AssetKey("analytics_db")],
                raise_on_error=False,
            )
        assert result.success
        [line] = (env.settings.log_dir / "alerts.log").read_text(encoding="utf-8").splitlines()
    alert = json.loads(line)
    assert [(c["indicator_id"], c["kind"]) for c in alert["changes"]] == [
        ("2.1", "rank"),
        ("2.3", "status"),
    ]
    assert f"fra «{other}» til «{published['2.3']['status']}»" in alert["changes"][1]["text"]
    [mail] = channels.messages
    assert "#i-2-3" in mail.get_content()


def test_a_figure_revised_since_the_month_before_s_report_is_told_once(built, tmp_path):
    """A publication whose marts._revisions holds Ballerup's total of an indicator changed as
    the report shows it: the snapshot words it as the report does, the change is told, and
    not again while it stays as it was told; a change too small to show is no revision, a
    count revised by fewer than small_cell_threshold is told without the figure before, and
    an indicator computed another way since is told as that, not as a revision."""
    from pipeline.config import dbt_var

    path = tmp_path / "analytics.duckdb"
    path.write_bytes(built.settings.analytics_path.read_bytes())
    told = status_snapshot(path)
    assert not any("revised" in row for row in told.values())
    home = dbt_var("home_municipality")
    with duckdb.connect(str(path)) as con:
        con.execute(
            "insert into marts._revisions (indicator_id, period, period_type, area_code, "
            "breakdown, breakdown_value, unit, value_before, value, is_small_change, "
            "published_before, is_redefined) values "
            f"('2.3', date '2025-10-01', 'month', {home}, 'total', 'I alt', 'pct', 17.24, "
            "20.79, false, timestamp '2025-11-15 05:12', false), "
            f"('1.5', date '2025-10-01', 'month', {home}, 'total', 'I alt', 'pct', 93.08, "
            "93.09, false, timestamp '2025-11-15 05:12', false), "
            "('2.3', date '2025-10-01', 'month', 0, 'total', 'I alt', 'pct', 3.0, 4.0, "
            "false, timestamp '2025-11-15 05:12', false), "
            # a count revised by fewer than small_cell_threshold: said without the figure before
            f"('2.2', date '2025-10-01', 'month', {home}, 'total', 'I alt', 'pct', null, "
            "41.4, true, timestamp '2025-11-15 05:12', false), "
            # an indicator computed another way since (its definition fingerprint changed)
            f"('1.1', date '2025-10-01', 'month', {home}, 'total', 'I alt', 'pct', 19.53, "
            "16.69, false, timestamp '2025-11-15 05:12', true)"
        )
    now = status_snapshot(path)
    assert now["2.3"]["revised"] == ["oktober 2025 fra 17,2 % til 20,8 %"]
    assert "revised" not in now["1.5"]  # 93,1 % both: not shown as a change
    assert now["2.2"]["revised"] == [
        f"oktober 2025 ændret med under {dbt_var('small_cell_threshold')} i tæller eller "
        "nævner (tallet før vises ikke)"
    ]
    changes = [c for c in status_changes(told, now) if c["kind"] == "revision"]
    assert [c["indicator_id"] for c in changes] == ["1.1", "2.2", "2.3"]
    redefined, _, change = changes
    assert (
        "revideret siden sidste måneds rapport, oktober 2025 fra 17,2 % til 20,8 %"
        in (change["text"])
    )
    assert redefined["text"].endswith(
        ": beregnet på en ny måde (definition eller beregning ændret) siden sidste måneds "
        "rapport, "
        "oktober 2025 fra 19,5 % til 16,7 %"
    )
    # told once: the same revision in the next publication is no change
    assert not [c for c in status_changes(now, now) if c["kind"] == "revision"]
    # a revision told as one, found computed another way by a republication: told again
    relabelled = {**now, "2.3": {**now["2.3"], "redefined": True}}
    [again] = [c for c in status_changes(now, relabelled) if c["kind"] == "revision"]
    assert again["indicator_id"] == "2.3" and "beregnet på en ny måde" in again["text"]


HOLD_READ_WRITE = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])  # read-write: DuckDB's CLI opens a file so by default
print("holding", flush=True)
sys.stdin.readline()
"""


def test_a_publication_held_read_write_is_not_replaced_without_its_revisions(built, tmp_path):
    """An analyst's DuckDB session holds the publication read-write: the publish could not
    attach it to compare with, published anyway and lost the revisions since it, and with
    them the baseline the next publish compares with (helper-114). It now stops as the lock
    it is (the refresh retries, then fails naming the holder) and replaces nothing; once
    the file is let go, it publishes."""
    import subprocess
    import sys

    from conftest import tables_checksum

    from pipeline.publish import publish

    root = tmp_path / "world"
    root.mkdir()
    copy_world(built, root)
    with pytest.MonkeyPatch.context() as mp:
        env = use_root(mp, root)
        path = env.settings.analytics_path
        before = tables_checksum(path)
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_READ_WRITE, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout.readline().strip() == "holding"
            with pytest.raises(duckdb.IOException, match="lock"):
                publish(env.settings)
        finally:
            holder.communicate("let go\n", timeout=30)
        assert tables_checksum(path) == before
        assert not list(root.glob(".analytics.duckdb.*.tmp*"))
        assert publish(env.settings).path == path


def test_exports_that_fail_midway_are_left_as_they_were(built, tmp_path, monkeypatch):
    """The exports are written aside and renamed together: a failure after one table's
    export (failpoint publish.exporting) left it new beside the others old, and its
    temporary file behind (helper-114). Every export is as it was, and the exports' stamp
    still names the publication before, so the next refresh exports again."""
    from pipeline.failpoints import FailpointError
    from pipeline.publish import publish

    root = tmp_path / "world"
    root.mkdir()
    copy_world(built, root)
    env = use_root(monkeypatch, root)
    folder = env.settings.export_dir
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert sum(name.endswith(".parquet") for name in before) > 10
    monkeypatch.setenv("BKWH_FAILPOINT", "publish.exporting:raise")
    with pytest.raises(FailpointError):
        publish(env.settings)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_mart_with_a_person_s_column_is_not_published(built, tmp_path, monkeypatch):
    """Nothing person-level is published: a mart with a person's key or birth date (a model
    built into marts by mistake) stops the publish, naming it, and the last publication
    stays. Before, publish copied every table of marts (helper-114 planted one)."""
    from conftest import tables_checksum

    from pipeline.publish import PublishError, publish

    root = tmp_path / "world"
    root.mkdir()
    copy_world(built, root)
    env = use_root(monkeypatch, root)
    with duckdb.connect(str(env.settings.warehouse_path)) as con:
        con.execute(
            "create table marts.int_spells as "
            "select 1 as person_key, date '1980-05-01' as birth_date, 3 as n_weeks"
        )
    before = tables_checksum(env.settings.analytics_path)
    with pytest.raises(PublishError) as refused:
        publish(env.settings)
    said = str(refused.value)
    assert "marts.int_spells.person_key, marts.int_spells.birth_date" in said, said
    assert "nothing person-level is published" in said
    assert tables_checksum(env.settings.analytics_path) == before
