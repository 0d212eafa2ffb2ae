"""Alerts: what a refresh tells the people who follow the strategy, and where.

Every alert is one JSON line in `<log dir>/alerts.log`, posted to `BKWH_ALERT_WEBHOOK_URL`
when set, and mailed through SMTP when `BKWH_SMTP_HOST` and `BKWH_ALERT_EMAIL_TO` are set
(`BKWH_SMTP_PORT`, default 25; `BKWH_SMTP_FROM`; `BKWH_SMTP_USER` and `BKWH_SMTP_PASSWORD`
log in after STARTTLS). A channel that fails is written into the alert; the log line is
always there. Three kinds: a source's delivery overdue against its cadence (the sensor
overdue_deliveries, once per late delivery: pipeline/freshness.py), a failed run (the
run-failure sensor for runs the daemon launches,
`bkwh run` itself for the runs it executes, and the killed runs it marks failed) and, after
a publication, what changed against the statuses last told (statuses_alerted_last): an
indicator's status, Ballerup's rank in Region Hovedstaden (2.1) falling, a projection
turning off course (fct_indicator_outlook: a course word that dim_status classes 'bad',
'ikke på kurs', where it was another), or Ballerup's figure revised since the month before's
report (marts._revisions, as the report words it; told again only when it changes). Each
change links to its section of the report (`BKWH_REPORT_URL` as the report's address for
readers, else the report file).
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import urllib.request
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

import duckdb

from pipeline.config import Settings
from pipeline.files import write_atomic
from pipeline.report import formats

WEBHOOK_ENV = "BKWH_ALERT_WEBHOOK_URL"
SMTP_HOST_ENV = "BKWH_SMTP_HOST"
REPORT_URL_ENV = "BKWH_REPORT_URL"

log = logging.getLogger(__name__)

STATUS_SQL = """
select s.indicator_id, s.period, s.period_type, s.value, s.ci_lower, s.ci_upper, s.unit,
    s.status, d.headline_da,
    {outlook}
from marts.fct_indicator_status as s
inner join marts.dim_indicator as d using (indicator_id)
{join}
"""
# a publication from before the projections (issue 15) has no outlook: no course to compare
# the course's class (marts.dim_status, seed indicator_statuses): 'bad' is off course
OUTLOOK_COLUMNS = (
    "o.on_course, c.css_class as course_class, o.forecast, o.lower, o.upper, "
    "o.forecast_period, o.goal"
)
OUTLOOK_JOIN = (
    "left join marts.fct_indicator_outlook as o using (indicator_id) "
    "left join marts.dim_status as c on c.kind = 'course' and c.status = o.on_course"
)
NO_OUTLOOK = (
    "null as on_course, null as course_class, null as forecast, null as lower, null as upper, "
    "null as forecast_period, null as goal"
)


def status_snapshot(analytics_path: Path) -> dict[str, dict]:
    """Each indicator's published status, value and period; empty before the first
    publication, or when the publication cannot be read (it is then made again, and its
    changes are not known)."""
    if not analytics_path.exists():
        return {}
    try:
        return _snapshot(analytics_path)
    except duckdb.Error as e:
        log.warning("no status changes from %s, which cannot be read: %s", analytics_path, e)
        return {}


def _snapshot(analytics_path: Path) -> dict[str, dict]:
    from pipeline.report.data import revisions

    with duckdb.connect(str(analytics_path), read_only=True) as con:
        tables = {
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        has_outlook = "fct_indicator_outlook" in tables
        sql = STATUS_SQL.format(
            outlook=OUTLOOK_COLUMNS if has_outlook else NO_OUTLOOK,
            join=OUTLOOK_JOIN if has_outlook else "",
        )
        cursor = con.execute(sql)
        names = [c[0] for c in cursor.description]
        snapshot = {r[0]: dict(zip(names, r, strict=True)) for r in cursor.fetchall()}
        revised = revisions(con) if "_revisions" in tables else []
    # Ballerup's totals revised, newest first, as the report words them: told again only
    # when they change
    for row in revised:
        if row["is_home_total"] and row["indicator_id"] in snapshot:
            said = snapshot[row["indicator_id"]].setdefault("revised", [])
            said.append(formats.revision_words(row))
            if row["is_redefined"]:  # computed another way: said so, not as a revision
                snapshot[row["indicator_id"]]["redefined"] = True
    return snapshot


ALERTED = "alerted_statuses.json"  # in the log folder
DATES = ("period", "forecast_period")


def statuses_alerted_last(settings: Settings) -> dict[str, dict]:
    """What a publication's changes are told against: the statuses of the last publication
    whose changes were told (kept in the log folder), or, when none are kept, those of the
    publication readers have now, which are then kept. A refresh that dies after swapping in
    a publication and before its alert thus tells those changes with the next publication,
    instead of comparing the new publication with itself."""
    path = settings.log_dir / ALERTED
    rows = None
    if path.exists():
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as e:
            log.warning("%s cannot be read (%s): changes against the publication", path, e)
    if rows is None:
        current = status_snapshot(settings.analytics_path)
        remember_alerted(settings, current)
        return current
    for row in rows.values():
        for key in DATES:
            if row.get(key):
                row[key] = date.fromisoformat(row[key])
    return rows


def remember_alerted(settings: Settings, snapshot: dict[str, dict]) -> None:
    """The statuses whose changes have been told (after the alert was delivered)."""
    write_atomic(
        settings.log_dir / ALERTED,
        json.dumps(snapshot, ensure_ascii=False, default=str, indent=1).encode("utf-8"),
    )


def status_changes(before: dict[str, dict], after: dict[str, dict]) -> list[dict]:
    """What changed between two publications: a status word, a rank falling (an indicator
    whose unit is 'rank', seed units: 2.1's place in the region), a projection turning
    off course, or Ballerup's figure revised (again)."""
    changes = []
    for indicator_id, new in sorted(after.items()):
        old = before.get(indicator_id)
        if old is None:
            continue
        if old["status"] != new["status"]:
            changes.append(
                {
                    "indicator_id": indicator_id,
                    "kind": "status",
                    "text": f"{indicator_id} {new['headline_da']}: status ændret fra "
                    f"«{old['status']}» til «{new['status']}» "
                    f"({_value(old)} → {_value(new)})",
                }
            )
        if new["unit"] == "rank" and (fall := _rank_fall(old, new)):
            changes.append(
                {
                    "indicator_id": indicator_id,
                    "kind": "rank",
                    # in the report's words: 'rykket 2–5 pladser tilbage'
                    "text": f"{indicator_id} {new['headline_da']}: placeringen er {fall}",
                }
            )
        # Ballerup's figure revised since the month before's report, or revised again
        # (a revision told before that a republication finds computed another way is told
        # again, as that)
        if new.get("revised") and (new["revised"], new.get("redefined")) != (
            old.get("revised"),
            old.get("redefined"),
        ):
            changes.append(
                {
                    "indicator_id": indicator_id,
                    "kind": "revision",
                    "text": f"{indicator_id} {new['headline_da']}: "
                    + (
                        "beregnet på en ny måde (definition eller beregning ændret)"
                        if new.get("redefined")
                        else "revideret"
                    )
                    + f" siden sidste måneds rapport, {'; '.join(new['revised'])}",
                }
            )
        # off course now (its word's class in dim_status), and on another course before
        if new.get("course_class") == "bad" and old["on_course"] not in (None, new["on_course"]):
            interval = formats.interval_text(new["lower"], new["upper"], new["unit"])
            changes.append(
                {
                    "indicator_id": indicator_id,
                    "kind": "course",
                    "text": f"{indicator_id} {new['headline_da']}: fremskrivningen er gået fra "
                    f"«{old['on_course']}» til «{new['on_course']}» mod målet "
                    f"({formats.value_text(new['goal'], new['unit'])}): "
                    f"{formats.value_text(new['forecast'], new['unit'])} ({interval}) i "
                    f"{formats.period_text(new['forecast_period'], 'month')}",
                }
            )
    return changes


def _ranks(row: dict) -> tuple[float, float] | None:
    """A rank's range: the places its ties span (2.1's interval, method rounding), or the
    rank itself where it has none; None without a rank, or from a snapshot told before the
    ranges were kept (its range is not known: no fall is told against it)."""
    if row.get("value") is None or "ci_lower" not in row:
        return None
    if row.get("ci_lower") is not None and row.get("ci_upper") is not None:
        return row["ci_lower"], row["ci_upper"]
    return row["value"], row["value"]


def _rank_nr(ranks: tuple[float, float]) -> str:
    """'nr. 13–15', 'nr. 13' (formats' rank and interval)."""
    low, high = ranks
    if low == high:
        return formats.value_text(low, "rank")
    return f"nr. {formats.interval_text(low, high, 'rank')}"


def _rank_fall(old: dict, new: dict) -> str:
    """A fall in the ranking that the ties allow no doubt of (every place this month's ties
    span is below every place last month's spanned), in the report's words
    (formats.rank_change_text) with both ranges: 'rykket 2–5 pladser tilbage, fra nr. 13–15
    til nr. 17–18'; '' otherwise. From 15–18 to 16–17 is no fall: June may rank above May."""
    before, now = _ranks(old), _ranks(new)
    if before is None or now is None or now[0] <= before[1]:
        return ""
    moved = formats.rank_change_text(now[0] - before[1], now[1] - before[0])
    return f"{moved}, fra {_rank_nr(before)} til {_rank_nr(now)}"


def _value(row: dict) -> str:
    period = (
        formats.period_text(row["period"], row["period_type"]) if row["period"] else "ingen periode"
    )
    # a status period without a value: its value is hidden (fct_indicator_status picks the
    # period among all values, shown or hidden), not missing
    hidden = row["value"] is None and row["period"] is not None
    value = "skjult" if hidden else formats.value_text(row["value"], row["unit"])
    return f"{value}, {period}"


def report_link(settings: Settings, indicator_id: str) -> str:
    base = os.environ.get(REPORT_URL_ENV) or settings.report_path.resolve().as_uri()
    return f"{base}#{formats.indicator_anchor(indicator_id)}"


def alert_changes(settings: Settings, changes: list[dict]) -> dict | None:
    """One alert for a publication's changes (none: nothing is sent)."""
    if not changes:
        return None
    for change in changes:
        change["link"] = report_link(settings, change["indicator_id"])
    n = len(changes)
    subject = f"Beskæftigelsesstrategien: {n} {'ændring' if n == 1 else 'ændringer'} i status"
    body = "\n\n".join(f"{c['text']}\n{c['link']}" for c in changes)
    alert = {"kind": "status_changed", "changes": changes}
    return deliver(settings, alert, subject, body)


def alert_overdue(settings: Settings, late: list) -> dict | None:
    """One alert for sources whose newest delivery is overdue (pipeline/freshness.py's
    Freshness; none: nothing is sent): the report's figures stop at what they last sent."""
    if not late:
        return None
    names = ", ".join(f.source for f in late)
    subject = f"Beskæftigelsesstrategien: leverancer forsinket ({names})"
    body = "\n".join(f.describe() for f in late) + (
        "\n\nRapportens tal bygger på de seneste leverancer, der er kommet."
    )
    alert = {
        "kind": "overdue_deliveries",
        "sources": [
            {
                "source": f.source,
                "newest_file": f.newest_file,
                "delivered_at": f.delivered_at,
                "age_days": None if f.age_days is None else round(f.age_days, 1),
                "overdue_after_days": f.overdue_after_days,
                "text": f.describe(),
            }
            for f in late
        ],
    }
    return deliver(settings, alert, subject, body)


# each channel beside alerts.log, by the key its delivery adds to the alert: sent, or failed
CHANNELS = {"webhook": ("webhook_status", "webhook_error"), "e-mail": ("email_to", "email_error")}


def deliver(settings: Settings, alert: dict, subject: str, body: str) -> dict:
    """Write the alert to the log, then post and mail it where configured; returns the alert
    with how each channel went."""
    alert = {"at": datetime.now(UTC).isoformat(timespec="seconds"), **alert}
    url = os.environ.get(WEBHOOK_ENV)
    if url:
        alert.update(post_webhook(url, alert))
    if os.environ.get(SMTP_HOST_ENV) and os.environ.get("BKWH_ALERT_EMAIL_TO"):
        alert.update(send_mail(subject, body))
    path = settings.log_dir / "alerts.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(alert, ensure_ascii=False, default=str) + "\n")
    # a channel that failed is said where the operator looks (the run's log), not only in
    # alerts.log: a mail the relay refused would otherwise go unnoticed
    for channel, (_, failed) in CHANNELS.items():
        if failed in alert:
            logging.getLogger("bkwh.progress").warning(
                f"alert not sent by {channel}: {alert[failed]} (it is in {path})"
            )
    return alert


def sent_by(alert: dict) -> list[str]:
    """The channels beside alerts.log that delivered the alert."""
    return [channel for channel, (sent, _) in CHANNELS.items() if sent in alert]


def failed_everywhere(alert: dict) -> bool:
    """Whether every channel configured beside alerts.log failed (none configured: False)."""
    tried = [c for c, keys in CHANNELS.items() if any(k in alert for k in keys)]
    return bool(tried) and not sent_by(alert)


def post_webhook(url: str, alert: dict) -> dict:
    try:
        request = urllib.request.Request(
            url,
            data=json.dumps(alert, default=str).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return {"webhook_status": response.status}
    # the alert is in the log even when the webhook is down or its URL is no URL
    # ('hooks.example/x': ValueError, unknown url type)
    except (OSError, ValueError) as e:
        return {"webhook_error": f"{type(e).__name__}: {e}"}


def send_mail(subject: str, body: str) -> dict:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = os.environ.get("BKWH_SMTP_FROM", "bkwh@localhost")
    recipients = [a.strip() for a in os.environ["BKWH_ALERT_EMAIL_TO"].split(",") if a.strip()]
    message["To"] = ", ".join(recipients)
    message.set_content(body)
    try:
        port = int(os.environ.get("BKWH_SMTP_PORT", "25"))
        with smtplib.SMTP(os.environ[SMTP_HOST_ENV], port, timeout=10) as smtp:
            if os.environ.get("BKWH_SMTP_USER"):
                smtp.starttls()
                smtp.login(os.environ["BKWH_SMTP_USER"], os.environ.get("BKWH_SMTP_PASSWORD", ""))
            smtp.send_message(message)
        return {"email_to": recipients}
    # a port that is no number (BKWH_SMTP_PORT empty) is a failed channel too, not an alert
    # lost: ValueError
    except (OSError, smtplib.SMTPException, ValueError) as e:
        return {"email_error": f"{type(e).__name__}: {e}"}
