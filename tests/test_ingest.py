"""Ingest: a good file loads once; a bad one is quarantined with a reason and loads nothing."""

import json
import shutil

import duckdb
import pytest

from pipeline.config import SAMPLE_MARKER, PseudonymKeyMissing
from pipeline.ingest import Ingestor


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
        lineage = con.execute(
            "select count(distinct _batch_id), min(_source_file), count(_file_sha256), "
            "count(_loaded_at), min(_row_number) from raw.case_system_meetings"
        ).fetchone()
    assert lineage == (1, "meetings_2024-03.csv", n, n, 2)


def test_person_ids_are_replaced_by_a_keyed_hash(fresh):
    _only(fresh, "case_system", {"meetings_2024-03.csv"})
    Ingestor(fresh.settings).run()
    with duckdb.connect(str(fresh.settings.warehouse_path), read_only=True) as con:
        cols = [r[0] for r in con.execute("describe raw.case_system_meetings").fetchall()]
        keys = [
            r[0] for r in con.execute("select person_key from raw.case_system_meetings").fetchall()
        ]
    assert "cpr" not in cols and "person_key" in cols
    assert all(len(k) == 32 and not any(c == "-" for c in k) for k in keys)


def test_a_bad_file_is_quarantined_with_file_row_and_column_and_loads_nothing(fresh):
    _only(fresh, "case_system", {"meetings_2024-03.csv"})
    path = fresh.settings.landing_dir / "case_system" / "meetings_2024-03.csv"
    lines = path.read_text().splitlines()
    parts = lines[3].split(";")  # line 4 of the file
    parts[4] = "telefon"  # booking_type outside its code list
    lines[3] = ";".join(parts)
    path.write_text("\n".join(lines) + "\n")

    [outcome] = Ingestor(fresh.settings).run()

    assert outcome.status == "quarantined"
    assert "meetings_2024-03.csv, row 4, column 'booking_type'" in outcome.message
    assert "telefon" in outcome.message
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


def test_real_extracts_without_a_key_stop_with_a_clear_error(fresh):
    (fresh.settings.landing_dir / SAMPLE_MARKER).unlink()
    _only(fresh, "case_system", {"meetings_2024-03.csv"})
    with pytest.raises(PseudonymKeyMissing, match="BKWH_PSEUDONYM_KEY is not set"):
        Ingestor(fresh.settings).run()


def test_an_unknown_file_name_is_quarantined_not_ignored(fresh):
    _only(fresh, "case_system", set())
    (fresh.settings.landing_dir / "case_system" / "moeder.csv").write_text("a;b\n1;2\n")
    [outcome] = Ingestor(fresh.settings).run()
    assert outcome.status == "quarantined"
    assert "no suite in expectations/ matches this file name" in outcome.message
