"""Ingest: a good file loads once; a bad one is quarantined with a reason and loads nothing."""

import hashlib
import hmac
import json
import os
import re
import shutil
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import LAST_MONTH, tables_checksum
from test_privacy import CPR, HASHES, _cpr_cells, fake_cpr

from pipeline import periods
from pipeline.config import (
    EXPECTATIONS_DIR,
    SAMPLE_MARKER,
    SAMPLE_PSEUDONYM_KEY,
    PseudonymKeyMismatch,
    PseudonymKeyMissing,
    PseudonymKeyUnusable,
    Settings,
    extracts_config,
    local_today,
    local_zone,
    sources_config,
)
from pipeline.failpoints import FailpointError
from pipeline.files import stamp_of
from pipeline.ingest import Ingestor
from pipeline.ingest.discover import Delivery, MonthFilter
from pipeline.ingest.load import hmac_pads, key_fingerprint, keyed_hash_sql
from pipeline.ingest.read import Sniffed, read_csv_text, read_file
from pipeline.ingest.validate import due
from pipeline.ingest.volume import Bounds, bounds
from pipeline.plan import plan_refresh
from pipeline.publish import PublishError, publish
from pipeline.state import (
    finish_attempt,
    publication_of,
    record_attempt,
    stamp_made_from,
    unfinished_build,
)
from pipeline.suites import spec_for

pytestmark = pytest.mark.seconds(45)  # ordering only (conftest.py)


def _rows(env, table):
    with duckdb.connect(str(env.settings.warehouse_path), read_only=True) as con:
        return con.execute(f"select count(*) from raw.{table}").fetchone()[0]


def _only(env, source, keep):
    """Leave only the named files of one source in landing (faster focused tests)."""
    for d in env.settings.landing_dir.iterdir():
        if d.is_dir() and d.name != source:
            shutil.rmtree(d)
    for f in (env.settings.landing_dir / source).iterdir():
        if f.name not in keep:
            f.unlink()


def test_a_good_file_loads_once_and_only_once(fresh):
    _only(fresh, "case_system", {"meetings_2024-03.csv", "offers_2024-03.csv"})
    first = Ingestor(fresh.settings).run()
    assert [o.status for o in first] == ["loaded", "loaded"]
    n = _rows(fresh, "case_system_meetings")
    file = fresh.settings.landing_dir / "case_system" / "meetings_2024-03.csv"
    assert n == len(file.read_text().splitlines()) - 1
    second = Ingestor(fresh.settings).run()
    assert [o.status for o in second] == ["skipped", "skipped"]
    assert "already loaded as batch" in second[0].message
    assert _rows(fresh, "case_system_meetings") == n
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        # a row's origin is its batch's load-log row and its line in the file
        lineage = con.execute(
            "select count(distinct m._batch_id), min(l.source_file), count(l.file_sha256), "
            "count(l.loaded_at), min(m._row_number), max(m._row_number) "
            "from raw.case_system_meetings as m join raw._load_log as l on l.batch_id = m._batch_id"
        ).fetchone()
    assert lineage == (1, "meetings_2024-03.csv", n, n, 2, n + 1)


def test_person_ids_are_replaced_by_the_integer_key_of_their_keyed_hash(fresh):
    """Each CPR number of a file becomes the integer person_key of its keyed hash; the hash
    is kept once, in raw._person_keys, and a person loaded again keeps the same key."""
    _only(fresh, "case_system", {"meetings_2024-03.csv", "meetings_2024-04.csv"})
    path = fresh.settings.landing_dir / "case_system" / "meetings_2024-03.csv"
    header, *lines = path.read_text().splitlines()
    cprs = {line.split(";")[header.split(";").index("cpr")] for line in lines}
    ingestor = Ingestor(fresh.settings)
    ingestor.run()
    want = {hmac.new(ingestor.key, c.encode(), hashlib.sha256).hexdigest()[:32] for c in cprs}
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        cols = {r[0]: r[1] for r in con.execute("describe raw.case_system_meetings").fetchall()}
        march = {
            h
            for (h,) in con.execute(
                "select distinct k.person_hash from raw.case_system_meetings as m "
                "join raw._person_keys as k using (person_key) "
                "join raw._load_log as l on l.batch_id = m._batch_id "
                "where l.source_file = 'meetings_2024-03.csv'"
            ).fetchall()
        }
        keys = con.execute(
            "select count(*), count(distinct person_hash), count(distinct person_key), "
            "min(person_key) from raw._person_keys"
        ).fetchone()
        unkeyed = con.execute(
            "select count(*) from raw.case_system_meetings where person_key is null "
            "or person_key not in (select person_key from raw._person_keys)"
        ).fetchone()[0]
    assert "cpr" not in cols and cols["person_key"] == "BIGINT"
    assert march == want
    assert keys[0] == keys[1] == keys[2] and keys[3] == 1
    assert unkeyed == 0


def test_a_later_load_keys_its_new_persons_after_the_known_ones_and_no_one_twice(fresh):
    """raw._person_keys has no index (pipeline/ingest/loadlog.py): its one insert keeps
    both columns unique. A second load, of persons met before and new ones, gives the new
    ones the next keys and leaves every known person's key as it was."""
    _only(fresh, "case_system", {"meetings_2024-03.csv", "offers_2024-04.csv"})
    folder = fresh.settings.landing_dir / "case_system"
    later = folder / "offers_2024-04.csv"
    held = later.rename(fresh.settings.landing_dir.parent / later.name)
    Ingestor(fresh.settings).run()
    query = "select person_hash, person_key from raw._person_keys"
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        before = dict(con.execute(query).fetchall())
    held.rename(later)
    [outcome] = [o for o in Ingestor(fresh.settings).run() if o.file == later.name]
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        after = con.execute(query).fetchall()
        again = con.execute(
            "select count(*) from raw._person_keys where person_hash in (select k.person_hash "
            "from raw.case_system_offers as o join raw._person_keys as k using (person_key))"
        ).fetchone()[0]
    hashes, keys = [h for h, _ in after], [k for _, k in after]
    new = {h: k for h, k in after if h not in before}
    assert outcome.status == "loaded" and new, outcome  # the later file brought new persons
    assert again > len(new)  # and persons met before
    assert len(set(hashes)) == len(hashes) and len(set(keys)) == len(keys)
    assert {h: k for h, k in after if h in before} == before
    assert sorted(keys) == list(range(1, len(keys) + 1))
    assert min(new.values()) == len(before) + 1


def test_a_bad_file_is_quarantined_with_file_row_and_column_and_loads_nothing(fresh):
    _only(fresh, "case_system", {"meetings_2024-03.csv"})
    path = fresh.settings.landing_dir / "case_system" / "meetings_2024-03.csv"
    lines = path.read_text().splitlines()
    parts = lines[3].split(";")  # line 4 of the file
    parts[4] = "telefon"  # booking_type outside its code list
    lines[3] = ";".join(parts)
    path.write_text("\n".join(lines) + "\n")

    said: list[str] = []
    [outcome] = Ingestor(fresh.settings, progress=said.append).run()

    assert outcome.status == "quarantined"
    assert "meetings_2024-03.csv, row 4, column 'booking_type'" in outcome.message
    assert "telefon" in outcome.message
    # the progress lines (the run's console) say why too, not only that it was refused
    assert said[0].startswith("case_system: 0/1 new files loaded, 0 rows, 1 quarantined")
    assert said[1] == f"  refused meetings_2024-03.csv: {outcome.message}"
    assert _rows(fresh, "case_system_meetings") == 0
    assert not path.exists()
    kept = fresh.settings.quarantine_dir / "case_system" / "meetings_2024-03.csv"
    assert kept.exists()
    result = json.loads(kept.with_name(kept.name + ".validation.json").read_text())
    assert result["success"] is False
    failed = [e for e in result["expectations"] if not e["success"]]
    assert [e["expectation"] for e in failed] == ["expect_column_values_to_be_in_set"]
    assert failed[0]["unexpected_rows"] == [4]
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        status = con.execute("select status, is_current from raw._load_log").fetchall()
    assert status == [("quarantined", False)]


def test_a_refused_file_reaches_a_quarantine_on_another_file_system_whole_before_it_leaves(
    fresh, monkeypatch, synced
):
    """Landing and quarantine may be different mounts, which a rename cannot cross (EXDEV):
    the refused file is copied into quarantine aside, on disk under its temporary name while
    landing still has it, renamed into place, and only then removed from landing
    (quarantine.move_to_quarantine). Before, shutil.move copied it and removed it from
    landing with nothing on disk, and synced the copy only after."""
    # a tmpfs where the tests' folder is on disk, the disk where it is on /dev/shm (make test)
    candidates = (Path("/dev/shm"), Path("/var/tmp"), Path.home())
    other = next(
        (
            p
            for p in candidates
            if p.is_dir() and os.access(p, os.W_OK) and p.stat().st_dev != fresh.root.stat().st_dev
        ),
        None,
    )
    if other is None:
        pytest.skip(f"none of {', '.join(map(str, candidates))} is another file system here")
    quarantine = Path(tempfile.mkdtemp(prefix="bkwh-quarantine-", dir=other))
    try:
        monkeypatch.setenv("BKWH_QUARANTINE_DIR", str(quarantine))
        settings = Settings.from_env()
        _only(fresh, "case_system", {"meetings_2024-03.csv"})
        path = settings.landing_dir / "case_system" / "meetings_2024-03.csv"
        lines = path.read_text().splitlines()
        parts = lines[3].split(";")
        parts[4] = "telefon"  # booking_type outside its code list: refused
        lines[3] = ";".join(parts)
        path.write_text("\n".join(lines) + "\n")
        sent = path.read_bytes()
        in_landing: list[bool] = []
        fsync = os.fsync  # the fixture's recorder, which calls the real one

        def noting(fd: int) -> None:
            in_landing.append(path.exists())
            fsync(fd)

        monkeypatch.setattr(os, "fsync", noting)
        [outcome] = Ingestor(settings).run()
        assert outcome.status == "quarantined", outcome.message
        kept = quarantine / "case_system" / "meetings_2024-03.csv"
        assert kept.read_bytes() == sent and not path.exists()
        copied = str(kept.with_name(f".{kept.name}.tmp"))
        [at] = [n for n, (name, is_dir) in enumerate(synced) if name == copied and not is_dir]
        assert in_landing[at], "landing's file was removed before its copy was on disk"
        renamed = synced.index((str(kept.parent), True), at)  # the rename, after it
        assert (str(path.parent), True) in synced[renamed:]  # then landing's removal
        assert not list(quarantine.rglob(".*.tmp"))
    finally:
        shutil.rmtree(quarantine, ignore_errors=True)


def test_a_file_named_with_a_cpr_number_is_refused_under_its_name_s_shape_only(fresh):
    """A CPR number in a landing file's name would reach the load log, the validation pages
    and the logs in clear: the file is renamed to the name's shape before anything records
    it, refused (no suite matches a shape) and kept in quarantine, its content as sent."""
    _only(fresh, "case_system", {"meetings_2024-03.csv"})
    landing = fresh.settings.landing_dir / "case_system"
    named = landing / f"meetings_{fake_cpr('010203', '1234')}.csv"
    named.write_bytes((landing / "meetings_2024-03.csv").read_bytes())
    from orchestration.defs.automation.sensors import landing_signature

    # the plan (a sensor's tick, `bkwh run`'s first look) says it by its shape, renames nothing
    plan = plan_refresh(fresh.settings)
    assert "meetings_xxxxxx-xxxx.csv" in plan.new_files["case_system"] and named.exists()
    assert "case_system/meetings_xxxxxx-xxxx.csv" in landing_signature(fresh.settings)

    outcomes = {o.file: o for o in Ingestor(fresh.settings).run()}

    assert outcomes["meetings_2024-03.csv"].status == "loaded"
    refused = outcomes["meetings_xxxxxx-xxxx.csv"]
    assert refused.status == "quarantined"
    assert "renamed to its shape: the name held a CPR-shaped number" in refused.message
    assert not named.exists()
    kept = fresh.settings.quarantine_dir / "case_system" / "meetings_xxxxxx-xxxx.csv"
    assert kept.read_bytes() == (landing / "meetings_2024-03.csv").read_bytes()
    written = [p for p in fresh.root.rglob("*") if p.is_file() and p.suffix != ".duckdb"]
    for path in [*written, *(fresh.root.rglob("*"))]:
        assert not re.search(CPR, path.name), path
    for path in written:
        delivered = path == kept or fresh.settings.landing_dir in path.parents
        if not delivered:  # the data as delivered holds person ids; all else must not
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not re.search(CPR, HASHES.sub("<id>", text)), path
    assert _cpr_cells(fresh.settings.warehouse_path) == []


def test_a_refresh_that_fails_before_its_commit_keeps_the_refused_file_in_landing(
    fresh, monkeypatch
):
    """The refusal is recorded in the load transaction and the file moved after it: an error
    inside that transaction (a failpoint that raises, as a full disk would) leaves the bad
    file where it was, unrecorded, and the next refresh refuses and quarantines it."""
    _only(fresh, "case_system", {"meetings_2024-03.csv", "meetings_2024-04.csv"})
    path = fresh.settings.landing_dir / "case_system" / "meetings_2024-03.csv"
    lines = path.read_text().splitlines()
    parts = lines[3].split(";")
    parts[4] = "telefon"  # booking_type outside its code list
    lines[3] = ";".join(parts)
    path.write_text("\n".join(lines) + "\n")
    kept = fresh.settings.quarantine_dir / "case_system" / "meetings_2024-03.csv"

    monkeypatch.setenv("BKWH_FAILPOINT", "ingest.before_commit:raise")
    with pytest.raises(FailpointError):
        Ingestor(fresh.settings).run()
    assert path.exists() and not kept.exists()
    assert _rows(fresh, "case_system_meetings") == 0
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from raw._load_log").fetchone() == (0,)

    monkeypatch.delenv("BKWH_FAILPOINT")
    outcomes = {o.file: o.status for o in Ingestor(fresh.settings).run()}
    assert outcomes == {"meetings_2024-03.csv": "quarantined", "meetings_2024-04.csv": "loaded"}
    assert kept.exists() and not path.exists()
    assert kept.with_name(kept.name + ".validation.json").exists()
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        log = con.execute(
            "select source_file, status from raw._load_log order by source_file"
        ).fetchall()
    assert log == [("meetings_2024-03.csv", "quarantined"), ("meetings_2024-04.csv", "loaded")]


def test_a_corrected_redelivery_supersedes_the_earlier_one_and_both_stay_in_the_log(fresh):
    _only(fresh, "case_system", {"meetings_2024-05.csv"})
    Ingestor(fresh.settings).run()
    path = fresh.settings.landing_dir / "case_system" / "meetings_2024-05.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n")  # the correction drops the last row
    [outcome] = Ingestor(fresh.settings).run()
    assert outcome.status == "loaded"
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        log = con.execute(
            "select batch_id, is_current, superseded_by, n_rows from "
            "raw._load_log order by loaded_at"
        ).fetchall()
    assert len(log) == 2
    (_, old_current, old_by, old_n), (new, new_current, new_by, new_n) = log
    assert (old_current, old_by, new_current, new_by) == (False, new, True, None)
    assert new_n == old_n - 1


# The kernel stamps a file's status-change time from a coarse clock (one tick: 1 to 10 ms,
# by CONFIG_HZ): two changes less than a tick apart may get the same one
CTIME_TICK = 0.05


def test_a_same_size_correction_with_the_old_modification_time_is_loaded(fresh):
    """A correction of the same size written with its predecessor's modification time (a
    copy that keeps its source's time: `cp -p`, rsync, unzip, `touch -r`) was taken for the
    loaded file by its name, size and mtime, skipped unread, and never loaded (helper-79).
    The status-change time, which copying tools do not set, tells it apart. A loaded file
    whose stamp alone changed (the landing folder copied) is hashed once, skipped for its
    content, and its new stamp recorded, by a run of any month: the refresh after reads
    nothing."""
    _only(fresh, "case_system", {"meetings_2024-05.csv"})
    Ingestor(fresh.settings).run()
    path = fresh.settings.landing_dir / "case_system" / "meetings_2024-05.csv"
    before = path.stat()
    header, *rows = path.read_text().splitlines()
    time.sleep(CTIME_TICK)  # a status-change time of its own
    path.write_text("\n".join([header, *reversed(rows)]) + "\n")  # same bytes, another order
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    [corrected] = Ingestor(fresh.settings).run()
    assert corrected.status == "loaded", corrected.message

    def logged():
        with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
            return con.execute(
                "select file_size, file_mtime_ns, file_ctime_ns from raw._load_log where is_current"
            ).fetchone()

    assert logged() == stamp_of(path)
    time.sleep(CTIME_TICK)
    os.chmod(path, 0o640)  # what a copy of the folder does to it: a new ctime, same content
    [skipped] = Ingestor(fresh.settings).run()
    assert skipped.status == "skipped" and "already loaded" in skipped.message
    assert logged() == stamp_of(path)  # known without hashing from now on
    # a run of another month (a partition) records the other months' new stamps too: the
    # plan looks at every file, and would hash this one at every refresh otherwise
    time.sleep(CTIME_TICK)
    os.chmod(path, 0o600)
    other = MonthFilter(frozenset({"2024-04"}), frozenset({"2024-04", "2024-05"}))
    assert Ingestor(fresh.settings).run(months=other) == []
    assert logged() == stamp_of(path)


def test_a_load_log_from_before_the_status_change_time_is_planned_and_upgraded(fresh):
    """The plan reads the load log read-only, before an ingest adds its new columns: a
    warehouse loaded by the code before (no file_ctime_ns) is planned, its files hashed and
    known as loaded, and the next ingest adds the column and records their stamps (the first
    `make run` after the change failed in the plan, session 49)."""
    _only(fresh, "case_system", {"meetings_2024-05.csv"})
    Ingestor(fresh.settings).run()
    with duckdb.connect(str(fresh.settings.warehouse_path)) as con:
        con.execute("alter table raw._load_log drop column file_ctime_ns")
    plan = plan_refresh(fresh.settings)
    assert plan.new_files == {} and not plan.busy
    [skipped] = Ingestor(fresh.settings).run()
    assert skipped.status == "skipped"
    path = fresh.settings.landing_dir / "case_system" / "meetings_2024-05.csv"
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        assert con.execute(
            "select file_size, file_mtime_ns, file_ctime_ns from raw._load_log"
        ).fetchone() == stamp_of(path)


def _month_after(first: date, n: int) -> date:
    year, month = divmod(first.year * 12 + first.month - 1 + n, 12)
    return date(year, month + 1, 1)


def _delivery(source: str, name: str) -> Delivery:
    """A file of `source` named `name` as discovery finds it (its suite, its period), without
    its bytes: for the rules judged on the name and the period alone."""
    spec, match = spec_for(source, name)
    groups = match.groupdict()
    period = periods.parse(groups["period"])
    return Delivery(source, Path(name), "", (0, 0, 0), spec, groups, period)


def _meetings_only(fresh):
    """Landing emptied but for the case system's meetings, which a test writes itself: a
    writer of a month's file and the last month of the sample's meetings (the months after it
    are free)."""
    landing = fresh.settings.landing_dir / "case_system"
    sample = sorted(landing.glob("meetings_*.csv"))
    header = sample[0].read_text().splitlines()[0]
    pool = [line for f in sample for line in f.read_text().splitlines()[1:]]
    _only(fresh, "case_system", set())

    def deliver(first: date, n: int, duplicate: bool = False) -> str:
        """n meetings (the sample's persons, ids of their month: an id is unique across the
        months' current deliveries), booked and held on `first`; with `duplicate`, the
        second has the first's id."""
        path = landing / f"meetings_{first:%Y-%m}.csv"
        lines = [header]
        month = 10_000 * (first.year * 12 + first.month)
        for i in range(n):
            cells = pool[i % len(pool)].split(";")
            meeting_id = month + (0 if duplicate and i == 1 else i)
            cells[0], cells[2], cells[3] = str(meeting_id), first.isoformat(), first.isoformat()
            lines.append(";".join(cells))
        path.write_text("\n".join(lines) + "\n")
        return path.name

    return deliver, date.fromisoformat(sample[-1].name[9:16] + "-01")


def test_a_month_to_date_export_is_judged_by_the_days_that_have_passed(fresh):
    """The case system exports daily (sources.yml: cadence daily), each day its month so far.
    Three whole months of 961 meetings (31 a day) are loaded. On the 2nd of a 31-day month
    its file holds the meetings of the day before, 62 here, far below the volume rule's lower
    bound for a whole month (25 % of 961: 241), so until December 2026 it was refused in the
    first week of every month; judged by the 1 of the month's 31 days that has passed, it
    loads. A later delivery, 250 meetings, above its yesterday's upper bound (3 x 62), loads
    too, and after the month has ended so does the whole month, 961 against the 250 it
    replaces: a month delivered so far may grow to a whole month's upper bound (3 x 961). A
    delivery of the month that shrinks is still held to the one it replaces: 50 meetings
    against 961 are refused."""
    deliver, last = _meetings_only(fresh)
    running = next(
        m
        for m in (_month_after(last, k) for k in range(4, 16))
        if _month_after(m, 1).day == 1 and (_month_after(m, 1) - m).days == 31
    )

    def ingest_on(day: date, name: str):
        [outcome] = [o for o in Ingestor(fresh.settings, today=day).run() if o.file == name]
        return outcome

    for k in (3, 2, 1):
        name = deliver(_month_after(running, -k), 961)
        assert ingest_on(running, name).status == "loaded"
    name = deliver(running, 62)
    outcome = ingest_on(running + timedelta(days=1), name)
    assert outcome.status == "loaded", outcome.message
    deliver(running, 250)
    outcome = ingest_on(running + timedelta(days=2), name)
    assert outcome.status == "loaded", outcome.message
    deliver(running, 961)
    outcome = ingest_on(_month_after(running, 1) + timedelta(days=9), name)
    assert outcome.status == "loaded", outcome.message
    deliver(running, 50)
    outcome = ingest_on(_month_after(running, 1) + timedelta(days=10), name)
    assert outcome.status == "quarantined"
    assert "failed volume against the delivery it replaces" in outcome.message, outcome.message


def test_a_file_refused_for_a_duplicate_key_is_no_later_file_s_yardstick(fresh):
    """Three months of 961 meetings are loaded; then, in one batch, two months of 2,000
    whose files repeat a meeting id (refused) and a month of 400. The volume rule takes the
    400 against the median of the three current months before it: 961, so at least 241.
    Until December 2026 the two refused files counted as deliveries (the duplicate rule ran
    after the volume rule's bounds were set): a median of 2,000, at least 500, and the good
    file was refused against two files that were not loaded (helper-109)."""
    deliver, last = _meetings_only(fresh)
    months = [_month_after(last, k) for k in range(2, 8)]
    for month in months[:3]:
        deliver(month, 961)
    after = _month_after(months[-1], 1)
    assert {o.status for o in Ingestor(fresh.settings, today=after).run()} == {"loaded"}
    refused = [deliver(month, 2000, duplicate=True) for month in months[3:5]]
    good = deliver(months[5], 400)
    outcomes = {o.file: o for o in Ingestor(fresh.settings, today=after).run()}
    assert {f: outcomes[f].status for f in refused} == dict.fromkeys(refused, "quarantined")
    assert all("meeting_id" in outcomes[f].message for f in refused), outcomes
    assert outcomes[good].status == "loaded", outcomes[good].message
    assert _rows(fresh, "case_system_meetings") == 3 * 961 + 400


def test_a_month_so_far_re_delivered_is_bounded_by_a_whole_month_never_by_its_early_load():
    """The case system's month so far grows day by day. A re-delivery of a month whose load
    so far is too small to compare with (62 meetings, fewer than min_previous_rows) is still
    held to a whole month's upper bound where earlier months give one (before December 2026
    it had none: 50,000 passed). While fewer earlier months than the rule wants give no
    whole month, a re-delivered month may grow without bound, as a stream's first deliveries
    do: it was capped at 3 x its early load, so a month loaded on its 5th day with 150
    meetings refused the whole month's 900 (helper-109). Whole months below min_previous_rows
    are too small to bound anything."""
    rule = {"previous_deliveries": 3, "max_drop": 0.75, "max_jump": 2.0, "min_previous_rows": 100}

    def meetings(label: str) -> Delivery:
        return _delivery("case_system", f"meetings_{label}.csv")

    def judged(d: Delivery, n: int, current: dict[str, int], today: date) -> Bounds:
        return bounds(rule, [d], {d.name: n}, set(), current, today, month_to_date=True)[d.name]

    april = meetings("2024-04")
    history = {"2024-01": 961, "2024-02": 900, "2024-03": 961, "2024-04": 62}
    b = judged(april, 50_000, history, date(2024, 4, 4))
    assert (b.low, b.high) == (0, 2883), b.description  # 3 x the median, 961
    assert "too few to compare; it may grow up to a whole month's 2883 rows" in b.description
    # whole months themselves too small to judge by bound nothing (a test world's paid hours:
    # months of 2 rows capped a re-delivery at 6)
    b = judged(april, 8, {"2024-01": 2, "2024-02": 2, "2024-03": 2, "2024-04": 9}, date(2024, 5, 1))
    assert (b.low, b.high) == (None, None), b.description
    # a stream's first months: no whole month to bound the growth
    february = meetings("2024-02")
    b = judged(february, 900, {"2024-01": 961, "2024-02": 150}, date(2024, 3, 1))
    assert (b.low, b.high) == (38, None), b.description  # a quarter of 150 at least
    assert "so at least 38" in b.description
    # a whole month that shrinks against its earlier load is still refused
    b = judged(february, 30, {"2024-01": 961, "2024-02": 150}, date(2024, 3, 1))
    assert not b.low <= 30


def test_a_suite_s_volume_rule_that_cannot_judge_is_refused_when_read(tmp_path):
    """previous_deliveries 0 took every earlier delivery (a slice [-0:]) and, with none, a
    median of nothing stopped the ingest; min_previous_rows 0 bounded a file to 0 rows after
    an empty delivery (helper-109). A suite is read with its rule checked, naming the file
    and what is wrong; every shipped suite's rule passes."""
    from pipeline.suites import load_spec, load_specs

    assert all(s.volume for s in load_specs() if s.source == "case_system")
    shipped = EXPECTATIONS_DIR / "case_system__meetings.json"
    for change, expected in (
        ({"previous_deliveries": 0}, "previous_deliveries must be a whole number of at least 1"),
        ({"min_previous_rows": 0}, "min_previous_rows must be a whole number of at least 1"),
        ({"max_drop": 1.5}, "max_drop must be between 0 and 1"),
        ({"max_jump": -1}, "max_jump must be at least 0"),
        ({"max_jumps": 2}, "unknown max_jumps"),
    ):
        doc = json.loads(shipped.read_text(encoding="utf-8"))
        doc["meta"]["ingest"]["volume"].update(change)
        path = tmp_path / shipped.name
        path.write_text(json.dumps(doc), encoding="utf-8")
        with pytest.raises(ValueError, match=re.escape(expected)) as caught:
            load_spec(path)
        assert str(path) in str(caught.value) and "meta.ingest.volume" in str(caught.value)


def test_a_table_s_deliveries_are_compared_with_that_table_s_only():
    """The stream of a delivery key is its table exactly: a table whose name begins with
    another's and '_' (Jobindsats names may hold '_') is not in the other's median
    (helper-109: a prefix took them)."""
    rule = {"previous_deliveries": 3, "max_drop": 0.2, "max_jump": 0.2, "min_previous_rows": 10}
    april = _delivery("jobindsats", "y60a02_2026M04.json")
    other = {f"y60a02_1_2026M0{m}": 50_000 for m in (1, 2, 3)}
    # one earlier delivery of its own: too few to compare with, whatever y60a02_1 holds (a
    # prefix made a median of 50,000 of it and refused the 1,000 rows)
    current = {"y60a02_2026M03": 1000, **other}
    got = bounds(rule, [april], {april.name: 1000}, set(), current, date(2026, 5, 1))
    assert (got[april.name].low, got[april.name].high) == (None, None), got[april.name]
    assert "1 previous deliveries, fewer than 3" in got[april.name].description
    current = {f"y60a02_2026M0{m}": 1000 for m in (1, 2, 3)} | other
    got = bounds(rule, [april], {april.name: 1000}, set(), current, date(2026, 5, 1))
    assert (got[april.name].low, got[april.name].high) == (800, 1200), got[april.name]
    assert "(y60a02_2026M01..y60a02_2026M03)" in got[april.name].description


def test_a_whole_period_of_a_source_that_does_not_deliver_daily_keeps_the_plain_rule():
    """A StatBank table of a quarter still running (FOLK1A 2026K4, delivered in October) is a
    whole quarter's table, not a quarter so far: its lower bound is not scaled by the days
    passed, as only a source that sends its month so far is (the review of session 20 found
    a 300-row FOLK1A accepted against 1,000-row quarters)."""
    rule = {"previous_deliveries": 3, "max_drop": 0.2, "max_jump": 1.0, "min_previous_rows": 10}
    quarter = _delivery("statbank", "FOLK1A_2026K4.csv")
    current = {f"FOLK1A_2026K{q}": 1000 for q in (1, 2, 3)}
    for month_to_date in (False, True):  # a quarter is no month, whatever the source
        got = bounds(
            rule, [quarter], {quarter.name: 300}, set(), current, date(2026, 10, 2), month_to_date
        )
        assert (got[quarter.name].low, got[quarter.name].high) == (800, 2000)


def test_a_benchmark_period_is_due_once_it_has_passed_a_stock_once_its_day_has():
    """Jobindsats and StatBank publish a period once it has passed (the suites'
    published_after_period): a month's flow from the day after the month, FOLK1A's residents
    on the quarter's first day from the day after that day, HFUDD11's education on 30
    September from 1 October (extracts.yml measured_on); the case system sends its month so
    far from the month's first day."""

    def delivery(source: str, table: str | None, label: str) -> Delivery:
        suffix = "json" if source == "jobindsats" else "csv"
        return _delivery(source, f"{table}_{label}.{suffix}" if table else f"meetings_{label}.csv")

    cases = {
        ("statbank", "AUP02", "2026M11"): date(2026, 12, 1),
        ("statbank", "FOLK1A", "2026K4"): date(2026, 10, 2),
        ("statbank", "HFUDD11", "2026"): date(2026, 10, 1),
        ("jobindsats", "y25i09", "2026M11"): date(2026, 12, 1),
        ("jobindsats", "y30r21", "2026QMAT03"): date(2026, 10, 1),
        ("case_system", None, "2026-11"): date(2026, 11, 1),
    }
    for (source, table, label), first_day in cases.items():
        d = delivery(source, table, label)
        assert due(d.spec, d) == first_day, (source, table, label)
    # every table's measured_on reads so: the period's first day, or a day of a year table
    # that every year has (no 29 February)
    days = 0
    for tables in extracts_config().values():
        for table, conf in (tables if isinstance(tables, dict) else {}).items():
            measured_on = isinstance(conf, dict) and conf.get("measured_on")
            if measured_on and measured_on != "first_day":
                assert conf["period_type"] == "year", (table, measured_on)
                assert re.fullmatch(r"\d\d-\d\d", measured_on), (table, measured_on)
                date(2027, *map(int, measured_on.split("-")))  # a day of a year not leap
                days += 1
    assert days  # HFUDD11's 30 September at least


def test_the_day_a_period_is_judged_by_is_the_jobcentre_s_not_the_machine_s():
    """A server's clock runs in UTC: at 00:30 Danish time on 1 December it still said 30
    November, and November's benchmarks, due from 1 December, were refused as not ended.
    Today is read in sources.yml's time zone (Europe/Copenhagen: UTC+1 in winter, +2 in
    summer), whatever the machine's."""
    assert sources_config()["schedule"]["timezone"] == "Europe/Copenhagen"
    winter = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    summer = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)
    assert (local_today(winter), local_today(summer)) == (date(2026, 12, 1), date(2026, 7, 1))
    assert local_today(datetime(2026, 11, 30, 22, 59, tzinfo=UTC)) == date(2026, 11, 30)
    november = _delivery("jobindsats", "y25i09_2026M11.json")
    assert due(november.spec, november) == local_today(winter)


def test_an_earlier_version_delivered_again_after_a_correction_replaces_the_correction(fresh):
    """The source takes its correction back by sending the original again: its content was
    loaded before, but is no longer current, so it loads again and supersedes the correction
    (before, it was skipped as 'already loaded' and the withdrawn correction stayed)."""
    _only(fresh, "case_system", {"meetings_2024-05.csv"})
    path = fresh.settings.landing_dir / "case_system" / "meetings_2024-05.csv"
    original = path.read_bytes()
    Ingestor(fresh.settings).run()
    lines = original.decode().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n")  # the correction drops the last row
    Ingestor(fresh.settings).run()
    path.write_bytes(original)  # and is taken back
    [outcome] = Ingestor(fresh.settings).run()
    assert outcome.status == "loaded"
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        current = con.execute(
            "select file_sha256, n_rows from raw._load_log where is_current"
        ).fetchall()
    assert current == [(hashlib.sha256(original).hexdigest(), len(lines) - 1)]
    assert [o.status for o in Ingestor(fresh.settings).run()] == ["skipped"]


def test_a_loaded_file_copied_under_another_period_is_examined_not_skipped(fresh):
    """A copy of March's meetings named as July's is not skipped for its known content: it
    is validated as July's delivery, and its March dates refuse it, naming row and column."""
    _only(fresh, "case_system", {"meetings_2024-03.csv"})
    Ingestor(fresh.settings).run()
    folder = fresh.settings.landing_dir / "case_system"
    shutil.copy2(folder / "meetings_2024-03.csv", folder / "meetings_2024-07.csv")
    outcomes = {o.file: o for o in Ingestor(fresh.settings).run()}
    assert outcomes["meetings_2024-03.csv"].status == "skipped"
    copy = outcomes["meetings_2024-07.csv"]
    assert copy.status == "quarantined"
    assert "row 2, column 'booked_date'" in copy.message, copy.message


def test_a_statbank_csv_without_its_bom_and_with_an_empty_cell_loads_the_empty_as_missing(
    fresh,
):
    """StatBank writes UTF-8 with a BOM, and '..' or an empty cell for a missing figure: a
    file saved again without the BOM reads the same, and its empty cell is missing, as '..'
    is (before, the first was refused for the BOM and the second as a null value_raw)."""
    _only(fresh, "statbank", {"AUP02_2024M06.csv"})
    path = fresh.settings.landing_dir / "statbank" / "AUP02_2024M06.csv"
    text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    lines = text.split("\r\n")
    first = lines[1].split(";")
    lines[1] = ";".join([*first[:-1], ""])  # the first figure left empty
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    [outcome] = Ingestor(fresh.settings).run()
    assert outcome.status == "loaded", outcome.message
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        rows = con.execute(
            "select _row_number, value_raw, value from raw.statbank_observations "
            "order by _row_number"
        ).fetchall()
    assert len(rows) == len([line for line in lines[1:] if line])
    assert rows[0] == (2, "..", None)
    missing = sum(1 for line in lines[1:] if line.endswith(";.."))  # as StatBank wrote them
    assert [raw for _, raw, value in rows[1:] if value is None] == [".."] * missing


def test_two_files_with_the_same_bytes_in_one_refresh_are_two_deliveries(fresh):
    """A copy beside its original before either is loaded (two months' header-only exports
    are alike too): each file is its own batch, and the copy is refused for its dates (one
    batch id for both broke the load log's key, and every later refresh with it)."""
    _only(fresh, "case_system", {"meetings_2024-03.csv"})
    folder = fresh.settings.landing_dir / "case_system"
    shutil.copy2(folder / "meetings_2024-03.csv", folder / "meetings_2024-04.csv")
    outcomes = {o.file: o.status for o in Ingestor(fresh.settings).run()}
    assert outcomes == {"meetings_2024-03.csv": "loaded", "meetings_2024-04.csv": "quarantined"}


def test_an_empty_statbank_area_is_refused_naming_its_column(fresh):
    """Only an empty figure is missing: an empty OMRÅDE stays empty, and the not-null rule
    names it by the file's column."""
    _only(fresh, "statbank", {"AUP02_2024M06.csv"})
    path = fresh.settings.landing_dir / "statbank" / "AUP02_2024M06.csv"
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    lines[2] = ";".join(["", *lines[2].split(";")[1:]])
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    [outcome] = Ingestor(fresh.settings).run()
    assert outcome.status == "quarantined"
    assert "row 3, column 'OMRÅDE'" in outcome.message, outcome.message
    assert "is empty; a value is required" in outcome.message  # empty, not read as '..'


def _month_with(env, rows: dict[str, int], after: str = "2024-01") -> str:
    """The first month from `after` whose case-system export of each entity in `rows` has at
    least that many data rows: the tests take their files from the world they are given, not
    from a month one sample happened to fill."""
    folder = env.settings.landing_dir / "case_system"
    months = sorted({p.stem.rsplit("_", 1)[1] for p in folder.glob("*_*.csv")})
    for month in (m for m in months if m >= after):
        paths = {entity: folder / f"{entity}_{month}.csv" for entity in rows}
        if all(
            p.exists() and len(p.read_text().splitlines()) - 1 >= rows[e] for e, p in paths.items()
        ):
            return month
    raise AssertionError(f"no month of the test world has {rows}")


def _set_cell(path, line: int, column: str, value) -> None:
    """Set `column` of the file's line `line` (1 is the header) to value(the line as a dict
    of its cells)."""
    lines = path.read_text().splitlines()
    header = lines[0].split(";")
    parts = lines[line - 1].split(";")
    parts[header.index(column)] = value(dict(zip(header, parts, strict=True)))
    lines[line - 1] = ";".join(parts)
    path.write_text("\n".join(lines) + "\n")


def _day_before(iso: str) -> str:
    return (date.fromisoformat(iso) - timedelta(days=1)).isoformat()


def test_a_period_still_running_has_no_end_and_an_end_before_its_start_is_refused(fresh):
    """An offer still running when the case system exports it may have no end (empty
    end_date): it loads, its end missing (macro runs_in_month counts it as running). An end
    before the start is refused, naming the file's row and column; so is a self-booking
    deadline before the day it was issued."""
    month = _month_with(
        fresh, {"offers": 1, "partial_sick_leave": 2, "self_booking_deadlines": 1}, "2024-06"
    )
    offers_file, sick_file = f"offers_{month}.csv", f"partial_sick_leave_{month}.csv"
    deadlines_file = f"self_booking_deadlines_{month}.csv"
    _only(fresh, "case_system", {offers_file, sick_file, deadlines_file})
    folder = fresh.settings.landing_dir / "case_system"
    _set_cell(folder / offers_file, 2, "end_date", lambda row: "")
    # line 3: an end the day before its start; line 2: a deadline the day before its issue
    sick = folder / sick_file
    _set_cell(sick, 3, "end_date", lambda row: _day_before(row["start_date"]))
    _set_cell(folder / deadlines_file, 2, "deadline_date", lambda r: _day_before(r["issued_date"]))

    outcomes = {o.file: o for o in Ingestor(fresh.settings).run()}

    assert outcomes[offers_file].status == "loaded"
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        open_ended = con.execute(
            "select _row_number from raw.case_system_offers where end_date is null"
        ).fetchall()
    assert open_ended == [(2,)]
    refused = outcomes[sick_file]
    assert refused.status == "quarantined"
    assert "row 3, column 'end_date'" in refused.message, refused.message
    refused = outcomes[deadlines_file]
    assert refused.status == "quarantined"
    assert "row 2, column 'deadline_date'" in refused.message, refused.message


def test_a_month_so_far_without_rows_loads_and_a_finished_month_without_rows_is_refused(fresh):
    """The case system sends its month so far every day: before the month's first sanction
    its export is its header alone, which loads as a delivery of no rows (it failed the
    whole refresh on most months' first days: helper-79). A finished month's export of its
    header alone is refused as before, naming why; a later delivery of the running month
    with rows replaces the empty one, and one of its header alone after that is refused."""
    month = _month_with(fresh, {"sanctions": 1}, "2024-06")
    first = date.fromisoformat(f"{month}-01")
    before = (first - timedelta(days=1)).strftime("%Y-%m")
    running, finished = f"sanctions_{month}.csv", f"offers_{before}.csv"
    assert (fresh.settings.landing_dir / "case_system" / finished).exists(), finished
    _only(fresh, "case_system", {running, finished})
    folder = fresh.settings.landing_dir / "case_system"
    full = (folder / running).read_text()
    for name in (running, finished):
        path = folder / name
        path.write_text(path.read_text().splitlines()[0] + "\n")

    outcomes = {o.file: o for o in Ingestor(fresh.settings, today=first.replace(day=3)).run()}

    assert outcomes[running].status == "loaded" and outcomes[running].rows == 0
    assert outcomes[finished].status == "quarantined"
    assert "the file has a header but no data rows" in outcomes[finished].message
    # the day after, the month's first sanctions: the delivery with rows is the current one
    (folder / running).write_text(full)
    after = (first + timedelta(days=31)).replace(day=1)
    again = {o.file: o for o in Ingestor(fresh.settings, today=after).run()}
    assert again[running].status == "loaded" and again[running].rows > 0
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        [(current,)] = con.execute(
            "select n_rows from raw._load_log where source_file = ? and is_current", [running]
        ).fetchall()
    assert current == again[running].rows
    # its header alone once rows came is refused: a month's rows are not replaced by none
    # (helper-80), even while it runs
    (folder / running).write_text(full.splitlines()[0] + "\n")
    emptied = {o.file: o for o in Ingestor(fresh.settings, today=first.replace(day=20)).run()}
    assert emptied[running].status == "quarantined"
    assert "no data rows" in emptied[running].message


def test_a_file_written_to_while_it_is_read_is_left_for_the_next_refresh(fresh):
    """A delivery copied into landing under its final name may still be being written when
    a refresh reads it (the schedule, `bkwh run`, a run queued behind another): what was
    validated is then not what the file holds, and a half file refused would go to
    quarantine while its writer goes on (helper-79). A file whose size or time changed
    between discovery and the commit is neither loaded nor refused, and the next refresh
    takes it as it then is. Here the writer goes on while the batch is validated: the good
    file of the batch loads, the other is left, and loads the next time."""
    names = {"meetings_2024-03.csv", "offers_2024-03.csv"}
    _only(fresh, "case_system", names)
    growing = fresh.settings.landing_dir / "case_system" / "offers_2024-03.csv"
    rest = growing.read_text().splitlines(keepends=True)
    growing.write_text("".join(rest[:-1])[:-7])  # cut inside its second to last line

    class WriterGoesOn(Ingestor):
        def _examine(self, con, files, stamp):
            found = super()._examine(con, files, stamp)
            if growing.name in {d.name for d in files}:
                growing.write_text("".join(rest))  # the copy ends
            return found

    first = {o.file: o for o in WriterGoesOn(fresh.settings).run()}
    assert first["meetings_2024-03.csv"].status == "loaded"
    assert first[growing.name].status == "skipped"
    assert "changed while it was read" in first[growing.name].message
    assert growing.exists() and not any(fresh.settings.quarantine_dir.rglob("offers_*"))
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        assert con.execute(
            "select count(*) from raw._load_log where source_file = ?", [growing.name]
        ).fetchone() == (0,)
    again = {o.file: o for o in Ingestor(fresh.settings).run()}
    assert again[growing.name].status == "loaded"
    assert again[growing.name].rows == len(rest) - 1


def test_a_file_replaced_between_its_validation_and_its_load_loads_nothing_of_its_batch(fresh):
    """The load reads a file again (a Parquet file is a view over its path): one replaced
    after its validation would load rows other than those validated (helper-80). Checked
    again inside the load's transaction: the batch is rolled back, nothing of it is loaded
    or refused, and the next refresh takes the files as they then are."""
    names = {"meetings_2024-03.csv", "meetings_2024-04.csv"}
    _only(fresh, "case_system", names)
    replaced = fresh.settings.landing_dir / "case_system" / "meetings_2024-04.csv"
    text = replaced.read_text()

    class ReplacedBeforeTheLoad(Ingestor):
        def _commit(self, con, spec, loaded, refused, stamp, now):
            if spec is not None and replaced.name in {d.name for d, _, _ in loaded}:
                replaced.write_text(text + "\n")  # a correction dropped over it
            return super()._commit(con, spec, loaded, refused, stamp, now)

    first = {o.file: o for o in ReplacedBeforeTheLoad(fresh.settings).run()}
    assert {o.status for o in first.values()} == {"skipped"}, first
    assert "changed while it was loaded: meetings_2024-04.csv" in first[replaced.name].message
    assert _rows(fresh, "case_system_meetings") == 0
    again = {o.file: o for o in Ingestor(fresh.settings).run()}
    assert {o.status for o in again.values()} == {"loaded"}, again


def test_a_number_that_is_no_week_is_refused_not_loaded_as_another_week(fresh):
    """The week-in-month rule computes each week's Thursday: a number far out of range (a
    typo) must be named, not stop the validation; week 00 or a week past 53 must be
    refused, not computed into a real week of another period (202400 would be 2023-12-25)
    or, worse, of this one (202362 would be 2024-03-04, in the March file's month)."""
    _only(fresh, "benefit_register", {"dream_2024M03.parquet"})
    path = fresh.settings.landing_dir / "benefit_register" / "dream_2024M03.parquet"
    table = pq.read_table(path)
    weeks = table.column("aar_uge").to_pylist()
    numbers = {2: 700000000, 3: 202400, 4: 202362}  # row: number
    for row, number in numbers.items():
        weeks[row - 1] = number
    column = table.schema.get_field_index("aar_uge")
    pq.write_table(table.set_column(column, "aar_uge", pa.array(weeks, pa.int32())), path)
    [outcome] = Ingestor(fresh.settings).run()
    assert outcome.status == "quarantined"
    result = json.loads(
        (
            fresh.settings.quarantine_dir / "benefit_register" / f"{path.name}.validation.json"
        ).read_text()
    )
    # the week-in-month rule names each row, its column and its number
    [period_rule] = [
        p for p in result["problems"] if "the week's Thursday" in p["message"] and p["row"] == 2
    ]
    assert period_rule["column"] == "aar_uge"
    assert period_rule["rows"] == sorted(numbers), period_rule
    assert f"rows {', '.join(map(str, sorted(numbers)))} break it" in period_rule["text"]
    assert sorted(period_rule["value"].split(", ")) == sorted(map(str, numbers.values()))


def test_week_53_of_a_year_of_52_weeks_is_refused_not_loaded_as_the_next_week_1(fresh):
    """2024 has 52 ISO weeks: 202453 is no week. Computed, its Thursday is 2 January 2025,
    in January 2025's file, where until December 2026 it passed and became a second
    person-week of 2025W01 that the natural key (person, aar_uge) did not catch
    (helper-109). A number is a week only if its Thursday's ISO year and week are it: 202053
    is (Thursday 31 December 2020)."""
    _only(fresh, "benefit_register", {"dream_2025M01.parquet"})
    path = fresh.settings.landing_dir / "benefit_register" / "dream_2025M01.parquet"
    table = pq.read_table(path)
    weeks = table.column("aar_uge").to_pylist()
    weeks[1] = 202453  # row 2
    column = table.schema.get_field_index("aar_uge")
    pq.write_table(table.set_column(column, "aar_uge", pa.array(weeks, pa.int32())), path)
    [outcome] = Ingestor(fresh.settings).run()
    assert outcome.status == "quarantined", outcome.message
    result = json.loads(
        (
            fresh.settings.quarantine_dir / "benefit_register" / f"{path.name}.validation.json"
        ).read_text()
    )
    [period_rule] = [p for p in result["problems"] if "the week's Thursday" in p["message"]]
    assert (period_rule["column"], period_rule["row"], period_rule["value"]) == (
        "aar_uge",
        2,
        "202453",
    )


def test_files_in_no_source_s_folder_are_named_and_start_no_refresh(fresh):
    """A file at landing's top, in a folder no suite names, or in a subfolder of a source's
    folder is loaded by no refresh: the plan names it and does not count it as new (before,
    a file in an unknown folder made every `bkwh run` a full refresh, and one at the top was
    not seen at all)."""
    _only(fresh, "case_system", {"meetings_2024-03.csv"})
    Ingestor(fresh.settings).run()
    landing = fresh.settings.landing_dir
    (landing / "stray.csv").write_text("a;b\n1;2\n")
    (landing / "foo").mkdir()
    (landing / "foo" / "x.csv").write_text("a;b\n1;2\n")
    (landing / "case_system" / "2024").mkdir()
    shutil.copy2(landing / "case_system" / "meetings_2024-03.csv", landing / "case_system" / "2024")
    plan = plan_refresh(fresh.settings)
    assert plan.stray_files == ["case_system/2024/meetings_2024-03.csv", "foo/x.csv", "stray.csv"]
    assert plan.new_files == {}
    assert SAMPLE_MARKER not in plan.stray_files  # the sample's marker is no delivery
    # `bkwh ingest` (every source) leaves them where they are too: it quarantined the one in
    # the unknown folder as a file no suite matches (helper-70)
    assert all(o.source == "case_system" for o in Ingestor(fresh.settings).run())
    assert (landing / "foo" / "x.csv").exists()
    assert not (fresh.settings.quarantine_dir / "foo").exists()


def test_real_extracts_without_a_key_stop_with_a_clear_error(fresh, monkeypatch):
    monkeypatch.delenv("BKWH_PSEUDONYM_KEY")
    (fresh.settings.landing_dir / SAMPLE_MARKER).unlink()
    _only(fresh, "case_system", {"meetings_2024-03.csv"})
    with pytest.raises(PseudonymKeyMissing, match="BKWH_PSEUDONYM_KEY is not set"):
        Ingestor(fresh.settings).run()


@pytest.mark.parametrize("stray", [" ", "\n", "\t"])
def test_a_key_with_whitespace_around_it_is_refused(fresh, monkeypatch, stray):
    """A newline kept from a secrets file would be part of the key: every person keyed with
    it, and the key set right later refused as another (helper-79). It stops the run before
    anything is read, and the key is not in the message; but where the warehouse's person
    keys were made with it, it is the warehouse's key."""
    _only(fresh, "case_system", {"meetings_2024-03.csv"})
    monkeypatch.setenv("BKWH_PSEUDONYM_KEY", SAMPLE_PSEUDONYM_KEY + stray)
    with pytest.raises(PseudonymKeyUnusable, match="ends with whitespace") as refused:
        Ingestor(fresh.settings).run()
    assert SAMPLE_PSEUDONYM_KEY not in str(refused.value)
    with duckdb.connect(str(fresh.settings.warehouse_path)) as con:
        assert con.execute("select count(*) from raw._load_log").fetchone() == (0,)
        # a warehouse whose person keys were made with the key as it is (before this rule)
        # goes on with it: stripped, it would join no one (helper-81)
        padded = (SAMPLE_PSEUDONYM_KEY + stray).encode()
        con.execute("insert into raw._pseudonym_key values (?, now())", [key_fingerprint(padded)])
    [loaded] = Ingestor(fresh.settings).run()
    assert loaded.status == "loaded"


def test_the_sample_key_serves_only_the_files_the_generator_wrote(fresh, monkeypatch):
    """A real extract dropped into a landing folder that holds the sample is not keyed with
    the public sample key: nothing is read, and the error names the file."""
    monkeypatch.delenv("BKWH_PSEUDONYM_KEY")
    _only(fresh, "case_system", {"meetings_2024-03.csv", "offers_2024-03.csv"})
    path = fresh.settings.landing_dir / "case_system" / "meetings_2024-03.csv"
    generated = path.read_bytes()
    path.write_bytes(generated + generated.splitlines(keepends=True)[-1])  # not as generated
    with pytest.raises(PseudonymKeyMissing, match=r"1 new file.*case_system/meetings_2024-03"):
        Ingestor(fresh.settings).run()
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from raw._load_log").fetchone() == (0,)
    path.write_bytes(generated)  # the generator's bytes: the sample key serves them
    outcomes = Ingestor(fresh.settings).run()
    assert {o.status for o in outcomes} == {"loaded"} and len(outcomes) == 2


def test_another_key_than_the_warehouse_s_is_refused_before_anything_loads(fresh, monkeypatch):
    """Under another pseudonym key each person would get a second key and a delivery would
    join no one: the run stops, names both fingerprints (never the keys), and loads nothing."""
    _only(fresh, "case_system", {"meetings_2024-03.csv", "offers_2024-03.csv"})
    offers = fresh.settings.landing_dir / "case_system" / "offers_2024-03.csv"
    aside = offers.rename(fresh.root / offers.name)
    Ingestor(fresh.settings).run()
    aside.rename(offers)  # a new delivery, under another key
    monkeypatch.setenv("BKWH_PSEUDONYM_KEY", "another-key")
    with pytest.raises(PseudonymKeyMismatch, match="not the key this warehouse") as refused:
        Ingestor(fresh.settings).run()
    assert "another-key" not in str(refused.value)
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from raw._load_log").fetchall() == [(1,)]
        [(fingerprint,)] = con.execute("select fingerprint from raw._pseudonym_key").fetchall()
    assert fingerprint == key_fingerprint(SAMPLE_PSEUDONYM_KEY.encode())
    monkeypatch.setenv("BKWH_PSEUDONYM_KEY", SAMPLE_PSEUDONYM_KEY)  # the warehouse's own key
    outcomes = {o.file: o.status for o in Ingestor(fresh.settings).run()}
    assert outcomes["offers_2024-03.csv"] == "loaded"


def test_a_refused_file_s_persons_get_no_key(fresh):
    """Nothing of a refused file is loaded: not even its persons' keys in raw._person_keys."""
    _only(fresh, "case_system", {"meetings_2024-03.csv", "meetings_2024-04.csv"})
    bad = fresh.settings.landing_dir / "case_system" / "meetings_2024-04.csv"
    lines = bad.read_text().splitlines()
    header = lines[0].split(";")
    stranger = fake_cpr("311299", "9999")  # invented, built at run time (test_privacy.fake_cpr)
    row = lines[1].split(";")
    row[header.index("cpr")] = stranger
    row[header.index("booking_type")] = "telepati"  # refused: not a booking type
    bad.write_text("\n".join([lines[0], ";".join(row), *lines[2:]]) + "\n")
    done = Ingestor(fresh.settings).run()
    outcomes = {o.file: o.status for o in done}
    assert outcomes == {"meetings_2024-03.csv": "loaded", "meetings_2024-04.csv": "quarantined"}
    refused = fresh.settings.quarantine_dir / "case_system"
    said = [o.message for o in done] + [p.read_text() for p in refused.glob("*.validation.json")]
    assert said and not any(stranger in text for text in said)  # the refusal masks it too
    stranger_hash = hmac.new(SAMPLE_PSEUDONYM_KEY.encode(), stranger.encode(), hashlib.sha256)
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        hashes = {h for (h,) in con.execute("select person_hash from raw._person_keys").fetchall()}
    assert hashes and stranger_hash.hexdigest()[:32] not in hashes


def test_an_unknown_file_name_is_quarantined_not_ignored(fresh):
    _only(fresh, "case_system", set())
    (fresh.settings.landing_dir / "case_system" / "moeder.csv").write_text("a;b\n1;2\n")
    [outcome] = Ingestor(fresh.settings).run()
    assert outcome.status == "quarantined"
    assert "no suite in expectations/ matches this file name" in outcome.message


def test_a_file_named_for_a_year_without_dates_is_refused_and_the_others_load(fresh):
    """offers_0000-01.csv matches its suite's pattern (four digits), but year 0 has no
    dates: the file is refused for its name's period, kept in quarantine, and the other new
    files load (it stopped the whole ingest at discovery, and so every refresh after it;
    helper-94)."""
    _only(fresh, "case_system", {"meetings_2024-03.csv"})
    landing = fresh.settings.landing_dir / "case_system"
    (landing / "meetings_0000-01.csv").write_bytes((landing / "meetings_2024-03.csv").read_bytes())
    outcomes = {o.file: o for o in Ingestor(fresh.settings).run()}
    assert outcomes["meetings_2024-03.csv"].status == "loaded"
    refused = outcomes["meetings_0000-01.csv"]
    assert refused.status == "quarantined"
    assert "the period in the file name, '0000-01', is not a period" in refused.message
    assert (fresh.settings.quarantine_dir / "case_system" / "meetings_0000-01.csv").exists()


def test_a_name_that_goes_on_past_its_pattern_matches_no_suite(fresh):
    """A suite's pattern ends in `$`, which also matches before a final newline: a file
    named 'meetings_2024-03.csv' and a newline was taken for a re-delivery of March,
    replacing the current one (helper-94). It matches no suite now, and is refused."""
    _only(fresh, "case_system", {"meetings_2024-03.csv"})
    landing = fresh.settings.landing_dir / "case_system"
    march = (landing / "meetings_2024-03.csv").read_bytes()
    (landing / "meetings_2024-03.csv\n").write_bytes(march)
    outcomes = {o.file: o for o in Ingestor(fresh.settings).run()}
    assert outcomes["meetings_2024-03.csv"].status == "loaded"
    refused = outcomes["meetings_2024-03.csv\n"]
    assert refused.status == "quarantined", refused
    assert "no suite in expectations/ matches this file name" in refused.message


def test_a_statbank_quarter_is_named_by_dsts_own_id_only(fresh):
    """StatBank names a quarter 2024K3 (FOLK1A's Tid): a copy named 2024Q3 was a second
    current delivery of the same quarter, doubling its rows in staging (helper-70). It
    matches no suite now, and is refused; the K file loads."""
    [k_file] = [p.name for p in (fresh.settings.landing_dir / "statbank").glob("FOLK1A_2024K3.csv")]
    _only(fresh, "statbank", {k_file})
    folder = fresh.settings.landing_dir / "statbank"
    shutil.copy2(folder / k_file, folder / "FOLK1A_2024Q3.csv")
    outcomes = {o.file: (o.status, o.message) for o in Ingestor(fresh.settings).run()}
    assert outcomes[k_file][0] == "loaded"
    status, message = outcomes["FOLK1A_2024Q3.csv"]
    assert status == "quarantined" and "no suite in expectations/ matches" in message


def test_the_keyed_hash_built_in_duckdb_is_python_s_hmac_sha256():
    """ingest hashes person ids in SQL (pipeline/ingest/load.py); it must be RFC 2104 HMAC,
    the same as Python's, for a short key and for one longer than SHA-256's block."""
    ids = [fake_cpr("010203", "1234"), fake_cpr("311299", "0001"), "æøå-not-a-cpr"]
    for key in (b"ballerup-sample-key-not-secret", b"k" * 100):
        ipad, opad = hmac_pads(key)
        with duckdb.connect() as con:
            got = [
                con.execute(
                    f"select {keyed_hash_sql('$v')}", {"v": v, "ipad": ipad, "opad": opad}
                ).fetchone()[0]
                for v in ids
            ]
        want = [hmac.new(key, v.encode(), hashlib.sha256).hexdigest()[:32] for v in ids]
        assert got == want


def test_gx_sees_one_valid_cpr_number_for_all_and_each_invalid_one_as_it_is():
    """The value frame stands one valid number in for every CPR number DuckDB finds valid
    (validate._value_frame); GX's verdict on the frame must be its verdict on the values:
    whatever DuckDB lets through, Python's pattern (GX's) accepts too."""
    from pipeline.ingest.validate import VALID_CPR, Rule, _value_frame
    from pipeline.suites import CPR_REGEX

    values = [
        fake_cpr("010203", "1234"),
        fake_cpr("311299", "0001"),
        fake_cpr("320203", "1234"),  # no day 32
        fake_cpr("011303", "1234"),  # no month 13
        fake_cpr("010203", "1234", dash=False),
        fake_cpr("010203", "12345"),
        fake_cpr("010203", "1234") + "\n",  # Python's $ matches before a last newline
        " " + fake_cpr("010203", "1234"),
        "\u0660\u0661\u0660\u0662\u0660\u0663-\u0661\u0662\u0663\u0664",  # Arabic-Indic digits
        "ab0203-1234",
        None,
    ]
    rules = [
        Rule(w, w, "v0", ("cpr",), "cpr")
        for w in (
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "cpr"}},
            {
                "type": "expect_column_values_to_match_regex",
                "kwargs": {"column": "cpr", "regex": CPR_REGEX},
            },
        )
    ]

    def frame_of(rows: list) -> list:
        with duckdb.connect() as con:
            con.execute("create temp table incoming (cpr varchar)")
            con.executemany("insert into incoming values (?)", [[v] for v in rows])
            cells = _value_frame(con, rules)["cpr"]
            return cells.astype(object).where(cells.notna(), None).tolist()

    frame = frame_of(values)
    # each value alone: the one row GX sees for it
    stand_in = {v: frame_of([v])[0] for v in values if v is not None}

    assert re.search(CPR_REGEX, VALID_CPR)
    for value, seen in stand_in.items():
        assert bool(re.search(CPR_REGEX, seen)) == bool(re.search(CPR_REGEX, value)), value
    assert sorted(frame, key=str) == sorted({*stand_in.values(), None}, key=str)
    # the two valid numbers are one row; the Arabic-Indic digits (valid to Python, not to
    # DuckDB) and the one before a newline stay as they are, for GX to judge
    assert frame.count(VALID_CPR) == 1
    assert len(frame) == len(values) - 1


def test_one_bad_value_in_many_files_refuses_each_of_them_and_only_them(fresh):
    """Values are validated once per batch, on their distinct values: a bad value is traced
    back to every file and line that holds it, and the other files of the batch load."""
    months = ("2024-02", "2024-03", "2024-04", "2024-05")
    _only(fresh, "case_system", {f"meetings_{m}.csv" for m in months})
    folder = fresh.settings.landing_dir / "case_system"
    for month, line in (("2024-03", 3), ("2024-05", 5)):  # the same bad code in two files
        path = folder / f"meetings_{month}.csv"
        lines = path.read_text().splitlines()
        parts = lines[line - 1].split(";")
        parts[4] = "telefon"
        lines[line - 1] = ";".join(parts)
        path.write_text("\n".join(lines) + "\n")

    outcomes = {o.file: o for o in Ingestor(fresh.settings).run()}

    assert {f: o.status for f, o in outcomes.items()} == {
        "meetings_2024-02.csv": "loaded",
        "meetings_2024-03.csv": "quarantined",
        "meetings_2024-04.csv": "loaded",
        "meetings_2024-05.csv": "quarantined",
    }
    assert (
        "meetings_2024-03.csv, row 3, column 'booking_type'"
        in outcomes["meetings_2024-03.csv"].message
    )
    assert (
        "meetings_2024-05.csv, row 5, column 'booking_type'"
        in outcomes["meetings_2024-05.csv"].message
    )
    loaded = outcomes["meetings_2024-02.csv"].rows + outcomes["meetings_2024-04.csv"].rows
    assert _rows(fresh, "case_system_meetings") == loaded > 0


def test_a_file_duckdbs_reader_cannot_parse_is_its_own_problem_read_alone_too(tmp_path):
    """A bare CR inside an unquoted field stops DuckDB's CSV reader ("invalid state"), not
    as a rejected line: read alone (`bkwh ingest` of one new file) it is the file's problem,
    as in a batch, where the other files are read on."""
    folder = tmp_path / "case_system"
    folder.mkdir()
    path = folder / "meetings_2024-05.csv"
    header = "meeting_id;cpr;meeting_date;booked_date;booking_type;is_held"
    cells = ["1", fake_cpr("010203", "1234"), "2024-05-20", "2024-05-01", "job\rcenter", "1"]
    row = ";".join(cells)
    path.write_text(f"{header}\n{row}\n")
    frame, problems = read_file("case_system", path)
    assert frame is None or frame.empty
    [problem] = problems
    assert str(problem).startswith(
        "meetings_2024-05.csv, row 2: the file cannot be parsed: line 2 holds a CR "
    ), problem


def test_quoted_line_breaks_and_blank_lines_keep_each_row_s_line(fresh):
    """A row's line is the file's own: DuckDB numbers the rows, Python counts the lines of a
    file whose records are not one per line."""
    path = fresh.settings.landing_dir / "case_system" / "meetings_2024-03.csv"
    header, *rows = path.read_text().splitlines()
    first = rows[0].split(";")
    first[4] = '"selv\nbook"'  # a code broken over two lines, in quotes
    text = "\n".join([header, ";".join(first), "", *rows[1:3]]) + "\n"
    path.write_text(text)

    frame, problems = read_file("case_system", path)

    assert problems == []
    # header 1, the quoted record on lines 2-3 (named by the line it starts on, where a
    # reader looking for it finds it; until December 2026 by the line it ends on), a blank
    # line 4, then one record a line
    assert frame["_line"].tolist() == [2, 5, 6]
    assert frame["booking_type"].tolist()[0] == "selv\nbook"


def test_a_row_s_line_is_its_line_in_its_file_when_many_files_are_read_at_once(tmp_path):
    """A regular file's rows are numbered by DuckDB in the order it reads them
    (pipeline/ingest/read.py: a row's line is its position in its file plus one): files read
    together, on two threads, each row's line is the line it was written on. (The reader
    keeps the files' order as long as DuckDB preserves insertion order, its default; a
    file split into many buffers keeps it too: read with 1 MiB buffers, the 700,000 rows of
    a 16 MB file came back in order, DuckDB 2.0.)"""
    files = []
    for k, n in enumerate((120_000, 3, 90_000)):
        path = tmp_path / f"part_{k}.csv"
        lines = [f"{line};{'x' * (line % 37)}" for line in range(2, n + 2)]
        path.write_text("line;payload\n" + "\n".join(lines) + "\n", encoding="utf-8")
        files.append(
            (Delivery("case_system", path, "", (0, 0, 0), None), Sniffed(["line", "payload"], None))
        )
    with duckdb.connect() as con:
        con.execute("set threads = 2")
        assert read_csv_text(con, "rows", files, ["line", "payload"]) == {}
        read = con.execute(
            "select _file, count(*), count(*) filter (where _line <> line::bigint) "
            "from rows group by 1 order by 1"
        ).fetchall()
    assert read == [("part_0.csv", 120_000, 0), ("part_1.csv", 3, 0), ("part_2.csv", 90_000, 0)]


def _reported_again(settings) -> None:
    """What a report made again leaves for the planner, once build_report has made its
    files: its stamp of the current publication (build_report writes it last). The test
    below takes the report the built world's refresh made for real; its later states need
    only the stamp, without printing the PDF each time (about 6 s)."""
    published_at = publication_of(settings.analytics_path).published_at
    stamp_made_from(settings.report_dir, "report", published_at)


def test_a_second_refresh_with_nothing_new_plans_nothing(built, rebuilt):
    plan = plan_refresh(rebuilt.settings)
    # the built world's publication was built from this warehouse, but the copy has no report
    assert not plan.new_files and plan.dbt_is_current and plan.publish_only
    # the report as the built world's refresh made it (of this same publication: the copy's)
    shutil.copytree(built.settings.report_dir, rebuilt.settings.report_dir, dirs_exist_ok=True)
    assert plan_refresh(rebuilt.settings).nothing_to_do
    # a refresh that died after swapping in a new publication, before its report was made
    # again: the older report is there, but not of this publication
    publish(rebuilt.settings)
    plan = plan_refresh(rebuilt.settings)
    assert plan.reason == "the report or the exports were not made from the publication"
    assert plan.publish_only and not plan.nothing_to_do
    _reported_again(rebuilt.settings)
    assert plan_refresh(rebuilt.settings).nothing_to_do
    path = rebuilt.settings.landing_dir / "case_system" / f"meetings_{LAST_MONTH}.csv"
    path.write_text(path.read_text() + "\n")
    plan = plan_refresh(rebuilt.settings)
    assert plan.new_files == {"case_system": [path.name]}
    assert plan.months == [LAST_MONTH] and not plan.nothing_to_do and not plan.publish_only
    # loaded and published without a dbt build (`bkwh ingest`, then `bkwh publish`): the
    # publication says what dbt built its marts from, so the delivery still waits for one
    Ingestor(rebuilt.settings).run()
    publish(rebuilt.settings)
    _reported_again(rebuilt.settings)
    plan = plan_refresh(rebuilt.settings)
    assert plan.reason == "the warehouse holds deliveries the publication was not built from"
    assert not plan.new_files and not plan.dbt_is_current and not plan.nothing_to_do


def test_marts_a_failed_dbt_build_left_are_not_published_and_the_plan_builds_again(rebuilt):
    """A refresh's dbt build that started and did not pass (it failed, or died) left marts
    no passing build made: dbt replaces a model before its tests run. `bkwh publish`, or the
    analytics asset materialised alone, refuses them and keeps the last publication; the
    plan builds again rather than publish. Once a build passes, publishing works again."""
    settings = rebuilt.settings
    before = tables_checksum(settings.analytics_path)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        # as the refresh's dbt step does before dbt starts; the marts were a passing build's
        # before (a build of part of them may then be marked passed: it is not, after one
        # that did not pass; helper-115)
        assert record_attempt(con)
        # the time the refusal names is the jobcentre's, as dbt's hook writes it
        started = datetime.strptime(unfinished_build(con), "%Y-%m-%d %H:%M:%S")
    assert abs(started - datetime.now(local_zone()).replace(tzinfo=None)) < timedelta(minutes=2)
    with pytest.raises(PublishError, match=r"the dbt build started .* did not pass"):
        publish(settings)
    assert tables_checksum(settings.analytics_path) == before
    assert not list(settings.analytics_path.parent.glob(f".{settings.analytics_path.name}.*"))
    plan = plan_refresh(settings)
    assert not plan.dbt_is_current and not plan.publish_only and not plan.nothing_to_do
    with duckdb.connect(str(settings.warehouse_path)) as con:
        assert not record_attempt(con)  # another that starts after it: they were not
        finish_attempt(con)  # as it does once dbt passed
    assert plan_refresh(settings).dbt_is_current
    publish(settings)


def test_a_raw_table_gains_the_columns_its_suite_adds_and_keeps_its_rows(tmp_path):
    """A warehouse loaded before the persons register was dated has no gyldig_fra/gyldig_til:
    the next ingest adds them (null for the old rows) instead of failing to insert. One
    loaded before raw._person_keys holds the keyed hash in person_key: each hash gets one
    integer key, the same in every table, and the rows stay. The lineage columns that the load
    log holds (a row's file, checksum, delivery and time of loading) are dropped from an
    older raw table, its batch and line kept."""
    from pipeline.ingest.loadlog import ensure_raw, raw_column
    from pipeline.suites import load_specs

    h1, h2 = "1" * 32, "f" * 32
    with duckdb.connect(str(tmp_path / "old.duckdb")) as con:
        con.execute("create schema raw")
        con.execute("create table raw.registers_persons (person_key varchar, foedselsaar bigint)")
        con.execute(f"insert into raw.registers_persons values ('{h2}', 1980), ('{h1}', 1990)")
        con.execute(
            "create table raw.case_system_meetings (person_key varchar, _row_number int, "
            "_batch_id varchar, _source_file varchar, _file_sha256 varchar, "
            "_delivery_key varchar, _loaded_at timestamp)"
        )
        con.execute(
            f"insert into raw.case_system_meetings values ('{h2}', 2, 'b', 'f.csv', 's', "
            "'2024-03', now()), (null, 3, 'b', 'f.csv', 's', '2024-03', now())"
        )
        ensure_raw(con)
        columns = [
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'raw' and table_name = 'registers_persons'"
            ).fetchall()
        ]
        rows = con.execute(
            "select person_key, foedselsaar, gyldig_fra, gyldig_til from raw.registers_persons "
            "order by foedselsaar"
        ).fetchall()
        meetings = con.execute(
            "select person_key, _row_number, _batch_id from raw.case_system_meetings order by 2"
        ).fetchall()
        meeting_columns = {
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'raw' and table_name = 'case_system_meetings'"
            ).fetchall()
        }
        keys = con.execute("select * from raw._person_keys order by person_key").fetchall()
        ensure_raw(con)  # a second run finds nothing to add or convert
        again = con.execute("select * from raw._person_keys order by person_key").fetchall()
        types = con.execute(
            "select distinct data_type from information_schema.columns "
            "where table_schema = 'raw' and column_name = 'person_key'"
        ).fetchall()
    assert {"gyldig_fra", "gyldig_til", "_batch_id"} <= set(columns)
    assert keys == again == [(h1, 1), (h2, 2)]
    assert rows == [(2, 1980, None, None), (1, 1990, None, None)]
    assert meetings == [(2, 2, "b"), (None, 3, "b")]
    [spec] = [s for s in load_specs() if s.raw_table == "case_system_meetings"]
    wanted = {raw_column(c, k) for c, k in spec.columns.items()} | {"_row_number", "_batch_id"}
    assert meeting_columns == wanted
    assert types == [("BIGINT",)]


def test_a_key_repeated_within_a_file_is_a_duplicate_and_across_files_is_not():
    """The within-file uniqueness rule (`_duplicates`): per file, how many rows share a key
    with another row of that file, the first such line and the line that repeats it; the same
    key in two files is two deliveries, not a duplicate."""
    from pipeline.ingest.validate import _duplicates

    with duckdb.connect() as con:
        con.execute(
            "create temp table incoming as select * from (values "
            "('a.parquet', 1, 'x', 1), ('a.parquet', 2, 'y', 1), ('a.parquet', 3, 'x', 1), "
            "('a.parquet', 4, 'x', 1), ('a.parquet', 5, 'x', 2), "
            "('b.parquet', 1, 'x', 1), ('b.parquet', 2, 'y', 2), ('b.parquet', 3, 'y', 1)"
            ") as t(_file, _line, person, week)"
        )
        assert _duplicates(con, ("person", "week")) == {"a.parquet": (3, 1, 3)}
        assert _duplicates(con, ("person",)) == {"a.parquet": (4, 1, 3), "b.parquet": (2, 2, 3)}


def test_a_refused_row_is_told_what_it_breaks_in_words():
    """The problem says what the row breaks ('is not one of the allowed values (M, K)'),
    not only the rule's name and arguments (review, December 2026: 'failed expect_column_
    pair_values_to_be_equal(column_A=period_label, column_B=_period_label)' never said the
    row's period should be the file's); the validation result keeps the rule as written."""
    from pipeline.ingest.problems import problem_from_result
    from pipeline.validation import in_words

    said = {
        ("expect_column_values_to_be_in_set", ("column", "koen"), ("value_set", ("M", "K"))): (
            "is not one of the allowed values (M, K)"
        ),
        ("expect_column_values_to_be_between", ("min_value", 0), ("max_value", 744)): (
            "is outside the allowed range: at least 0 and at most 744"
        ),
        (
            "expect_column_pair_values_to_be_equal",
            ("column_A", "Periode"),
            ("column_B", "_period_label"),
        ): ("differs from the period in the file's name"),
        (
            "expect_column_pair_values_a_to_be_greater_than_b",
            ("column_A", "end_date"),
            ("column_B", "start_date"),
            ("or_equal", True),
        ): "'end_date' is not on or after 'start_date'",
        (  # capped at today: a meeting after today, in the running month (README review)
            "expect_column_pair_values_a_to_be_greater_than_b",
            ("column_A", "_period_last_day"),
            ("column_B", "meeting_date"),
            ("or_equal", True),
        ): (
            "the last day of the file's period (today, if it has not ended) is not on or after "
            "'meeting_date'"
        ),
        (
            "expect_column_values_to_not_be_null",
            ("column", "OMRÅDE"),
        ): "is empty; a value is required",
    }
    for (kind, *kwargs), words in said.items():
        assert (
            in_words(kind, {k: list(v) if isinstance(v, tuple) else v for k, v in kwargs}) == words
        )
    assert in_words("expect_table_row_count_to_be_between", {}) is None
    # a long list of names and codes (StatBank's areas) shows names first, as files have them
    areas = ["000", "081", "101", "147", "151", "Albertslund", "Ballerup", "Hele landet", "Herlev"]
    assert in_words("expect_column_values_to_be_in_set", {"value_set": areas}) == (
        "is not one of the allowed values (Albertslund, Ballerup, Hele landet, Herlev, 000, "
        "081, 101, 147, …; 9 in all)"
    )
    result = {
        "expectation": "expect_column_pair_values_to_be_equal",
        "description": "expect_column_pair_values_to_be_equal(column_A=period_label, ...)",
        "in_words": "differs from the period in the file's name",
        "column": "Periode",
        "unexpected_count": 1,
        "unexpected_rows": [5],
        "unexpected_values": ["2026M10"],
    }
    assert str(problem_from_result("y08a02_2026M11.json", result)) == (
        "y08a02_2026M11.json, row 5, column 'Periode': differs from the period in the file's "
        "name (found '2026M10')"
    )
    several = {
        **result,
        "expectation": "expect_column_values_to_be_in_set",
        "in_words": "is not one of the allowed values (M, K)",
        "column": "koen",
        "unexpected_count": 3,
        "unexpected_rows": [3, 5, 7],
        "unexpected_values": ["X", "Y"],
    }
    assert str(problem_from_result("f.csv", several)) == (
        "f.csv, row 3, column 'koen': is not one of the allowed values (M, K), in 3 rows "
        "(found 'X, Y'); rows 3, 5, 7 break it"
    )
    repeated = {
        **result,
        "expectation": "expect_compound_columns_to_be_unique",
        "in_words": "row 5 repeats the key (person, week) of row 2",
        "column": "person",
        "unexpected_count": 4,
        "unexpected_rows": [2, 5],
        "unexpected_values": [],
    }
    assert str(problem_from_result("f.parquet", repeated)) == (
        "f.parquet, row 2, column 'person': 4 rows share their key with another row, e.g. "
        "row 5 repeats the key (person, week) of row 2"
    )
    without_words = {k: v for k, v in result.items() if k != "in_words"}
    assert "failed expect_column_pair_values_to_be_equal" in str(
        problem_from_result("y08a02_2026M11.json", without_words)
    )


def test_a_problem_lists_its_values_in_the_order_of_their_rows(fresh):
    """The values a problem shows follow the rows it names (review, December 2026: they
    came in no order, beside rows listed in order)."""
    _only(fresh, "case_system", {"meetings_2024-03.csv"})
    path = fresh.settings.landing_dir / "case_system" / "meetings_2024-03.csv"
    lines = path.read_text().splitlines()
    bad = ((2, "zulu"), (4, "alpha"), (6, "mike"), (7, "zulu"), (8, "bravo"), (9, "yankee"))
    for line, value in bad:
        parts = lines[line].split(";")
        parts[4] = value  # booking_type outside its code list
        lines[line] = ";".join(parts)
    path.write_text("\n".join(lines) + "\n")

    [outcome] = Ingestor(fresh.settings).run()

    assert outcome.status == "quarantined"
    assert "row 3, column 'booking_type'" in outcome.message, outcome.message
    assert "(found 'zulu, alpha, mike, bravo, yankee')" in outcome.message, outcome.message
