"""No CPR number leaves ingest: a scan of everything a refresh writes (issue 4, privacy)."""

import re

import duckdb
import pytest
from conftest import pdf_pages
from openpyxl import load_workbook

from pipeline.pdf import missing_libraries
from pipeline.privacy import hide_person_ids, shape_only

pytestmark = pytest.mark.seconds(8)  # ordering only (conftest.py)

# ddmmyy-xxxx or ten digits whose first six are a date, not inside a longer run of digits.
CPR = r"(^|[^0-9])(0[1-9]|[12][0-9]|3[01])(0[1-9]|1[0-2])[0-9]{2}-?[0-9]{4}([^0-9]|$)"
# Keyed hashes, file hashes and batch ids hold hex: ten hex digits that happen to be decimal
# would look CPR-shaped. Those columns are checked to be exactly such ids instead, and such
# ids are blanked out of text before it is scanned.
# stamp, content (hex in the letters a-p), file name (ingest: run._batch_id)
BATCH_ID = "[0-9]{8}T[0-9]{6}\\.[0-9]{6}_[a-p]{10}_[0-9a-f]{6}"
SHA256 = "[0-9a-f]{64}"
HASH_COLUMNS = {
    # raw._person_keys: the keyed hash of a CPR number (its integer person_key, the only
    # person id in every other table, is scanned as a number like any other column)
    "person_hash": "[0-9a-f]{32}",
    "file_sha256": SHA256,
    "_batch_id": BATCH_ID,
    "batch_id": BATCH_ID,
    "superseded_by": BATCH_ID,
    # the fingerprints of what a dbt build and a publication were made from (pipeline/state.py)
    "built_from_inputs": SHA256,
    "built_from_dbt": SHA256,
    "built_from_code": SHA256,
    # what computes each indicator (pipeline/definitions.py)
    "definition_fingerprint": "v[0-9]+:" + SHA256,
}


def fake_cpr(ddmmyy: str, serial: str, dash: bool = True) -> str:
    """An invented CPR-shaped value for planting in test inputs, built at run time so that no
    CPR-shaped literal sits in the repository. None of them is a real person's number, and
    they are written only to the tests' temporary folders."""
    return ddmmyy + ("-" if dash else "") + serial


HASHES = re.compile("|".join(rf"\b{p}\b" for p in sorted(set(HASH_COLUMNS.values()))))


def _cpr_cells(path) -> list[tuple[str, str, int]]:
    """Each column of each table or view at `path` that holds a CPR-shaped value, with how
    many rows do; a hash column (HASH_COLUMNS) must hold hashes only. One query per relation,
    every column counted in it (a view is computed once, not once per column)."""
    found = []
    with duckdb.connect(str(path), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name, data_type "
            "from information_schema.columns where table_catalog = current_database() "
            "order by table_schema, table_name, ordinal_position"
        ).fetchall()
        relations: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for schema, table, column, data_type in columns:
            relations.setdefault((schema, table), []).append((column, data_type))
        for (schema, table), of_relation in relations.items():
            counts, params = [], []
            for column, data_type in of_relation:
                if column in HASH_COLUMNS:
                    counts.append(f'count(*) filter (where not regexp_full_match("{column}", ?))')
                    params.append(HASH_COLUMNS[column])
                    continue
                text = f'"{column}"::varchar'
                if data_type in ("DOUBLE", "FLOAT", "REAL") or data_type.startswith("DECIMAL"):
                    # a share's fraction digits are no id, even where ten of them look like a
                    # date and a serial: a number can hold a CPR number only in its integer
                    # part
                    text = (
                        f'case when isfinite("{column}"::double) and abs("{column}") < 1e30 '
                        f'then trunc("{column}")::hugeint::varchar end'
                    )
                counts.append(f"count(*) filter (where regexp_matches({text}, ?))")
                params.append(CPR)
            [row] = con.execute(
                f'select {", ".join(counts)} from "{schema}"."{table}"', params
            ).fetchall()
            for (column, _), n in zip(of_relation, row, strict=True):
                if column in HASH_COLUMNS:
                    assert n == 0, f"{schema}.{table}.{column} holds values that are no hash"
                elif n:
                    found.append((f"{schema}.{table}", column, n))
    return found


def test_the_pattern_finds_cpr_numbers_and_nothing_else():
    pattern = re.compile(CPR)
    planted = (
        fake_cpr("010203", "1234"),
        fake_cpr("010203", "1234", dash=False),
        f"id {fake_cpr('311299', '0001')}.",
        f'"{fake_cpr("151285", "1234", dash=False)}"',
    )
    for text in planted:
        assert pattern.search(text), text
    not_cpr = ("4012345678", "20261122T055551802737", "2025-06-01", "1234")
    for text in (*not_cpr, fake_cpr("010203", "12345", dash=False)):
        assert not pattern.search(text), text
    batch = "20261122T055551.802737_gahbicjdke_0a1b2c"  # ingest's run._batch_id
    assert HASHES.sub("<id>", f"batch {batch} loaded") == "batch <id> loaded"


def test_text_shows_a_cpr_number_by_its_shape_even_a_mistyped_one():
    for planted, shape in (
        (fake_cpr("010203", "1234"), "xxxxxx-xxxx"),
        (fake_cpr("010203", "1234", dash=False), "xxxxxxxxxx"),
        (fake_cpr("010203", "12345"), "xxxxxx-xxxxx"),  # a digit too many
        (fake_cpr("010203", "1234").replace("-", " "), "xxxxxx xxxx"),
        # pasted from a letter: an en dash, a minus, a slash (helper-61's probe)
        (fake_cpr("010203", "1234").replace("-", "\u2013"), "xxxxxx\u2013xxxx"),
        (fake_cpr("010203", "1234").replace("-", "\u2212"), "xxxxxx\u2212xxxx"),
        (fake_cpr("010203", "1234").replace("-", "/"), "xxxxxx/xxxx"),
    ):
        assert hide_person_ids(f"found '{planted}' in row 2") == f"found '{shape}' in row 2"
    # a value of a CPR column is shown by its shape whatever it holds (day 32 is no date)
    assert shape_only(fake_cpr("320190", "1234")) == "xxxxxx-xxxx"
    assert hide_person_ids("2,033,108 rows, 15.3 s, 2026-12-02 07:12:03") == (
        "2,033,108 rows, 15.3 s, 2026-12-02 07:12:03"
    )
    # a figure with six digits before its point is no CPR number
    assert hide_person_ids("150385.4329 fuldtidspersoner") == "150385.4329 fuldtidspersoner"


def test_a_number_is_scanned_by_its_integer_part(tmp_path):
    """A CPR number stored as a number is found; a share whose fraction digits happen to be
    CPR-shaped is not (a real published share tripped the scan before)."""
    digits = fake_cpr("140904", "1101", dash=False)
    path = tmp_path / "numbers.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table shares (value double, amount decimal(18, 6))")
        con.execute(f"insert into shares values (0.{digits}, 0.{digits[:6]})")
        con.execute("create table ids (value double)")
        con.execute(f"insert into ids values ({digits}), (0.5)")
    assert _cpr_cells(path) == [("main.ids", "value", 1)]


def test_no_cpr_number_in_the_warehouse_the_published_marts_the_report_or_the_logs(built, tmp_path):
    settings = built.settings
    assert _cpr_cells(settings.warehouse_path) == []
    assert _cpr_cells(settings.analytics_path) == []
    exports = sorted(settings.export_dir.glob("*.parquet"))
    assert exports
    with duckdb.connect(str(tmp_path / "exports.duckdb")) as con:  # the Parquet exports
        for path in exports:
            con.execute(f"create view \"{path.stem}\" as select * from read_parquet('{path}')")
    assert _cpr_cells(tmp_path / "exports.duckdb") == []
    pattern = re.compile(CPR)
    written = [
        *settings.report_dir.rglob("*.html"),
        *(p for p in settings.log_dir.rglob("*") if p.is_file()),
    ]
    assert any(p.suffix == ".json" for p in written), "the validation results were scanned"
    assert settings.report_path in written, "the report was scanned"
    # the report's charts are SVG: their text and coordinates are scanned with the rest
    texts = {path: path.read_text(encoding="utf-8", errors="replace") for path in written}
    if not missing_libraries():  # the PDF's text, page by page (none where it cannot be made)
        pages = pdf_pages(settings.report_pdf_path)
        texts |= {
            f"{settings.report_pdf_path} page {n}": text for n, (_, text) in enumerate(pages, 1)
        }
    for path, text in texts.items():
        match = pattern.search(HASHES.sub("<id>", text))
        assert match is None, f"{path} holds a CPR-shaped value: {match.group(0)!r}"
    workbook = load_workbook(settings.report_dir / "indikatorer.xlsx", read_only=True)
    for sheet in workbook.worksheets:  # every text cell of the Excel workbook
        for row in sheet.iter_rows(values_only=True):
            for cell in row:
                assert not (isinstance(cell, str) and pattern.search(cell)), (sheet.title, cell)


def test_the_scan_finds_a_cpr_number_in_any_column_and_checks_hash_columns(tmp_path):
    path = tmp_path / "probe.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table t (note varchar, n bigint, person_hash varchar)")
        con.execute("insert into t values ('ok', 4012345678, repeat('a', 32))")
        con.execute("insert into t values (?, 1, repeat('b', 32))", [fake_cpr("010203", "1234")])
        con.execute(
            "insert into t values ('ok', ?, repeat('c', 32))",
            [int(fake_cpr("151285", "1234", dash=False))],
        )
    assert _cpr_cells(path) == [("main.t", "note", 1), ("main.t", "n", 1)]
    with duckdb.connect(str(path)) as con:
        con.execute("update t set person_hash = ?", [fake_cpr("010203", "1234", dash=False)])
    try:
        _cpr_cells(path)
    except AssertionError as e:
        assert "no hash" in str(e)
    else:
        raise AssertionError("a person_hash that is no hash went unnoticed")


def test_a_refresh_log_hides_person_ids_printed_logged_or_from_a_subprocess(tmp_path):
    """An error message can quote the row it failed on: in the refresh's log (pipeline/logs.py)
    a CPR-shaped number shows by its shape only, whether a log record carries it (with its
    traceback), Python prints it, or a subprocess (dbt) writes it to fd 1 or 2."""
    import logging
    import os
    import subprocess
    import sys

    from pipeline import logs

    cpr = fake_cpr("010203", "1234")
    root = logging.getLogger()
    quiet = [logging.getLogger(n) for n in (*logs.QUIET, "dagster.builtin")]
    saved = (root.handlers[:], root.level, [(q, q.level, q.propagate) for q in quiet])
    try:
        path = logs.setup(tmp_path / "logs")
        with logs.captured(path):
            print(f"printed {cpr}")
            os.write(1, f"fd one {cpr}\n".encode())
            os.write(2, f"fd two {cpr}\n".encode())
            child = f"import sys; print('child {cpr}'); print('child err {cpr}', file=sys.stderr)"
            subprocess.run([sys.executable, "-c", child], check=True)
            try:
                raise ValueError(f"bad row {cpr}")
            except ValueError:
                logging.getLogger("pipeline.ingest").exception("failed on %s", cpr)
    finally:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        handlers, level, levels = saved
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
        for logger, was, propagate in levels:
            logger.setLevel(was)
            logger.propagate = propagate
    text = path.read_text(encoding="utf-8")
    assert re.search(CPR, text) is None, text
    shape = "xxxxxx-xxxx"
    for said in ("printed", "fd one", "fd two", "child", "child err", "bad row", "failed on"):
        assert f"{said} {shape}" in text, said


def test_runs_launched_by_the_daemon_or_the_ui_print_and_store_no_person_id(capfd):
    """Outside `bkwh run` (whose process masks all it prints) a run's Dagster lines go to the
    daemon's or the webserver's terminal and its failures into the event log the UI shows:
    every job logs through the masked console logger, and an unexpected error in ingest fails
    the step with its text masked and without the original exception in the stored chain."""
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.lib.privacy import (
        RUN_LOGGING,
        failing_without_person_ids,
        masked_console_logger,
    )

    # each job's console logger is the masked one (the run requests of the sensor and the
    # schedules name it in their run config: test_automation.py)
    jobs = {job.name: job for job in defs.resolve_all_job_defs() if job.name != "__ASSET_JOB"}
    assert {"refresh", "extract"} <= set(jobs)
    for job in jobs.values():
        assert job.loggers["console"] is masked_console_logger, job.name

    person = fake_cpr("010203", "1234")

    @dg.op
    def says_a_person_id(context) -> None:
        context.log.info(f"a row of person {person} and {person.replace('-', '')}")

    @dg.op(ins={"after": dg.In(dg.Nothing)})
    def fails_on_a_row(context) -> None:
        with failing_without_person_ids("ingest test"):
            raise ValueError(f"Conversion Error: could not read '{person}' at line 7")

    @dg.job(logger_defs=jobs["refresh"].loggers)
    def a_run():
        fails_on_a_row(says_a_person_id())

    result = a_run.execute_in_process(run_config=RUN_LOGGING, raise_on_error=False)
    assert not result.success
    printed = "".join(capfd.readouterr())
    assert "a row of person xxxxxx-xxxx and xxxxxxxxxx" in printed, printed
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    error = failure.event_specific_data.error
    stored = [error.message, *error.stack]
    chained = error.cause or error.context
    while chained is not None:
        stored += [chained.message, *chained.stack]
        chained = chained.cause or chained.context
    assert "could not read 'xxxxxx-xxxx' at line 7" in error.message
    text = printed + "".join(stored) + str(failure.event_specific_data.error_source)
    assert not re.search(CPR, text), text


def test_a_batch_id_never_has_the_shape_of_a_cpr_number():
    """A content hash whose first ten hex characters are digits ('2004180714…'), and a stamp
    whose hour and minute read as a day and month (10:05:12), gave batch ids a scan for
    person ids flags (review, December 2026); no part of one has that shape now."""
    from types import SimpleNamespace

    from pipeline.ingest.run import _batch_id
    from pipeline.privacy import CPR_SHAPED

    delivery = SimpleNamespace(name="dream_2026M11.parquet", sha="2004180714" + "ab" * 27)
    stamp = "20261204T100512635258"  # 10:05:12.635258
    assert CPR_SHAPED.search(stamp + "_" + delivery.sha[:10])  # as it was
    made = _batch_id(stamp, delivery)
    assert re.fullmatch(BATCH_ID, made), made
    assert not CPR_SHAPED.search(made), made


def test_a_refused_file_s_second_name_in_quarantine_never_has_the_shape_of_a_cpr_number(
    tmp_path,
):
    """A second refusal of one name is kept under its content hash's first ten characters:
    a hash beginning '1904463362' made meetings_2026-11.1904463362.csv, which the log
    printed as meetings_2026-11.xxxxxxxxxx.csv, a file that does not exist, and its
    validation result held the digits (helper-119, December 2026)."""
    from dataclasses import replace
    from types import SimpleNamespace

    from pipeline.config import Settings
    from pipeline.ingest.quarantine import file_doc_path, quarantine_place
    from pipeline.privacy import CPR_SHAPED, hide_person_ids

    settings = replace(
        Settings.from_env(), quarantine_dir=tmp_path / "q", log_dir=tmp_path / "logs"
    )
    path = tmp_path / "landing" / "case_system" / "meetings_2026-11.csv"
    delivery = SimpleNamespace(
        source="case_system", name=path.name, path=path, sha="1904463362" + "cd" * 27
    )
    doc = file_doc_path(settings, delivery)
    doc.parent.mkdir(parents=True)
    for suffix in (".json", ".html"):
        doc.with_suffix(suffix).write_text("{}")
    (settings.quarantine_dir / "case_system").mkdir(parents=True)
    (settings.quarantine_dir / "case_system" / path.name).write_text("the first refusal")
    second = quarantine_place(settings, delivery, doc)
    assert second.name != path.name and second.parent == settings.quarantine_dir / "case_system"
    for name in (second.name, doc.name):
        assert not CPR_SHAPED.search(name) and hide_person_ids(name) == name, name
