"""An indicator computed another way is told apart from one the sources revised: its
definition fingerprint (pipeline/definitions.py) over the project's real dbt parse, and the
publication, report, workbook and alerts that use it."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from bs4 import BeautifulSoup
from conftest import sheet_values

import orchestration.project  # noqa: F401  (parses the dbt project when its parse is stale)
from pipeline import definitions
from pipeline.config import dbt_var, local_zone
from pipeline.definitions import MANIFEST, fingerprints

pytestmark = pytest.mark.seconds(7)  # ordering only (conftest.py)


@pytest.fixture(scope="module")
def project():
    """The project's parse and its catalogue as a publication has it (marts.dim_indicator of
    a built world is the seed's rows with their joins; the seed's columns suffice here)."""
    import csv

    from pipeline.config import SEEDS_DIR

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    with open(SEEDS_DIR / "indicator_catalogue.csv", encoding="utf-8") as f:
        catalogue = list(csv.DictReader(f))
    return manifest, catalogue


def _node(manifest, name):
    [key] = [k for k, n in manifest["nodes"].items() if n["name"] == name]
    return manifest["nodes"][key]


def _changed(project, edit) -> set[str]:
    """The indicators whose fingerprint an edit of a copy of the parse (and catalogue)
    changes."""
    manifest, catalogue = project
    before = fingerprints(manifest, catalogue)
    manifest, catalogue = copy.deepcopy(manifest), copy.deepcopy(catalogue)
    edit(manifest, catalogue)
    after = fingerprints(manifest, catalogue)
    assert before.keys() == after.keys()
    return {i for i in before if before[i] != after[i]}


def test_a_definition_fingerprint_changes_with_what_computes_the_figures_and_nothing_else(
    project, monkeypatch
):
    manifest, catalogue = project
    everyone = {row["indicator_id"] for row in catalogue}
    model_of = {row["indicator_id"]: row["model_name"] for row in catalogue}
    assert len(fingerprints(manifest, catalogue)) == len(everyone)

    def code(name, change):
        def edit(manifest, _):
            node = _node(manifest, name)
            node["raw_code"] = change(node["raw_code"])

        return edit

    # a comment and a reflowed line are no new definition
    assert not _changed(
        project, code(model_of["1.1"], lambda sql: "-- a note\n" + sql.replace("\n", "\n  "))
    )
    # the indicator's own model: that indicator alone
    assert _changed(project, code(model_of["1.1"], lambda sql: sql + "\nwhere 1 = 1")) == {"1.1"}
    # the models that publish every indicator's figures (intervals, suppression) are no
    # definition of one: an edit there would mark every revision of the month
    modelled = {i for i, m in model_of.items() if m}
    assert modelled < everyone  # the replaced ones have a catalogue row only
    assert not _changed(project, code("int_indicator_cells", lambda sql: sql + "\nwhere true"))
    assert not _changed(project, code("fct_indicator_values", lambda sql: sql + "\nwhere true"))

    # a project macro its model calls (1.1's and 2.3's call share_counts, 0.1's does not)
    def macro(unique_id):
        def edit(manifest, _):
            manifest["macros"][unique_id]["macro_sql"] += " {{ 1 }}"

        return edit

    project_name = manifest["metadata"]["project_name"]
    changed = _changed(project, macro(f"macro.{project_name}.share_counts"))
    assert {"1.1", "2.3"} <= changed and "0.1" not in changed
    # dbt's own macros, which the project's call (rebuilt_months calls is_incremental), are
    # the tool's, not a definition
    calls = manifest["macros"][f"macro.{project_name}.rebuilt_months"]["depends_on"]["macros"]
    assert "macro.dbt.is_incremental" in calls
    assert not _changed(project, macro("macro.dbt.is_incremental"))

    # a seed it reads: 1.1 reads offer_types, 0.1 does not
    def seed(manifest, _):
        _node(manifest, "offer_types")["checksum"]["checksum"] = "0" * 64

    changed = _changed(project, seed)
    assert "1.1" in changed and "0.1" not in changed

    # its catalogue definition: that indicator alone; its note is no definition
    def words(column):
        def edit(_, catalogue):
            [row] = [r for r in catalogue if r["indicator_id"] == "2.3"]
            row[column] += " (ændret)"

        return edit

    assert _changed(project, words("definition_da")) == {"2.3"}
    assert not _changed(project, words("note_da"))
    # a dbt var its code names: 1.1's four-week window
    assert "flow_window_weeks" in _node(manifest, model_of["1.1"])["raw_code"]
    before = fingerprints(manifest, catalogue)
    vars_now = definitions.dbt_vars()
    monkeypatch.setattr(definitions, "dbt_vars", lambda: {**vars_now, "flow_window_weeks": 5})
    after = fingerprints(manifest, catalogue)
    assert {i for i in before if before[i] != after[i]} == {"1.1"}


def test_an_indicator_computed_another_way_is_not_said_as_the_sources_revision(rebuilt, tmp_path):
    """The publication before had 2.3 under another definition (its fingerprint differs)
    and 2.3's and 0.1's home totals of a month at other values: the new publication keeps
    both as revisions, 2.3's marked is_redefined and 0.1's not (its fingerprint before was
    made another way, definitions.METHOD, and is not compared), and the report, the workbook
    and the alerts say 2.3's as a new computation and 0.1's as a revision."""
    from pipeline.alerts import status_changes, status_snapshot
    from pipeline.publish import publish
    from pipeline.report import render_html
    from pipeline.report.data import load
    from pipeline.report.workbook import build_workbook

    settings = rebuilt.settings
    home = dbt_var("home_municipality")
    told = status_snapshot(settings.analytics_path)
    picked = {}
    with duckdb.connect(str(settings.analytics_path)) as con:
        for indicator in ("2.3", "0.1"):
            [(period, value)] = con.execute(
                "select period, value from marts.fct_indicator_values where indicator_id = ? "
                f"and area_code = {home} and breakdown = 'total' and value is not null "
                "and not is_suppressed order by period desc limit 1",
                [indicator],
            ).fetchall()
            picked[indicator] = (period, value)
            con.execute(
                "update marts.fct_indicator_values set value = value + 3 where indicator_id = ? "
                f"and area_code = {home} and breakdown = 'total' and period = ?",
                [indicator, period],
            )
        assert con.execute(
            "update marts._definitions set definition_fingerprint = ? where indicator_id = '2.3'",
            [f"{definitions.METHOD}:another"],
        ).fetchall() == [(1,)]
        # 0.1's made another way (an earlier METHOD, or none): not compared, whatever it says
        assert con.execute(
            "update marts._definitions set definition_fingerprint = 'v0:' || repeat('0', 64) "
            "where indicator_id = '0.1'"
        ).fetchall() == [(1,)]
    publish(settings)
    with duckdb.connect(str(settings.analytics_path), read_only=True) as con:
        rows = con.execute(
            "select indicator_id, period, value_before, value, is_redefined "
            f"from marts._revisions where area_code = {home} and breakdown = 'total' "
            "order by indicator_id"
        ).fetchall()
        fingerprinted = con.execute(
            "select count(*), count(definition_fingerprint) from marts._definitions"
        ).fetchone()
    assert fingerprinted[0] == fingerprinted[1] > 0
    assert [(i, p, redefined) for i, p, _, _, redefined in rows] == [
        ("0.1", picked["0.1"][0], False),
        ("2.3", picked["2.3"][0], True),
    ]
    for indicator, _, before, now, _ in rows:
        assert before == pytest.approx(picked[indicator][1] + 3)
        assert now == pytest.approx(picked[indicator][1])

    data = load(settings.analytics_path, with_history=True)
    html, _ = render_html(data, datetime.now(local_zone()))
    soup = BeautifulSoup(html.replace("\N{SOFT HYPHEN}", ""), "html.parser")
    lines = [p.get_text(" ", strip=True) for p in soup.select("p.revision")]
    [redefined] = [text for text in lines if text.startswith("Beregnet på en ny måde")]
    assert "definition eller beregning er ændret" in redefined
    assert len([text for text in lines if text.startswith("Revideret")]) == 1

    book_path = tmp_path / "book.xlsx"
    build_workbook(data, book_path, datetime.now(local_zone()))
    header, *book = sheet_values(book_path, "Revisioner")
    remarks = {row[0]: row[header.index("Bemærkning")] for row in book}
    assert remarks["2.3"].startswith("Ny beregning") and remarks["0.1"] is None

    changes = {
        c["indicator_id"]: c["text"]
        for c in status_changes(told, status_snapshot(settings.analytics_path))
        if c["kind"] == "revision"
    }
    assert "beregnet på en ny måde" in changes["2.3"]
    assert "revideret siden" in changes["0.1"]


def test_the_dbt_code_fingerprint_covers_every_module_the_models_run():
    """The dbt Python models and the plugin run pipeline modules; a change of one changes the
    marts, so it must change the fingerprint that rebuilds and republishes them (state.py
    DBT_CODE). pipeline/forecast.py was missing: a new projection method left the old
    projection published as this code's (helper-114). Walked through their imports, all
    the way down, but pipeline/config.py, whose vars are dbt_project.yml's."""
    import ast

    from pipeline.config import DBT_PROJECT_DIR, REPO_ROOT
    from pipeline.state import DBT_CODE

    def imported(path: Path) -> set[Path]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names |= {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
        out = set()
        for name in names:
            if name.split(".")[0] != "pipeline":
                continue
            module = REPO_ROOT.joinpath(*name.split("."))
            for candidate in (module.with_suffix(".py"), module / "__init__.py"):
                if candidate.is_file():
                    out.add(candidate)
        return out

    todo = [*DBT_PROJECT_DIR.glob("models/**/*.py"), REPO_ROOT / "pipeline" / "dbt_plugin.py"]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        for found in imported(path) - seen:
            seen.add(found)
            todo.append(found)
    seen -= {REPO_ROOT / "pipeline" / "config.py", REPO_ROOT / "pipeline" / "__init__.py"}
    assert REPO_ROOT / "pipeline" / "forecast.py" in seen  # the walk finds what it must
    covered = {p for p in seen for code in DBT_CODE if p == code or code in p.parents}
    assert seen == covered, sorted(str(p.relative_to(REPO_ROOT)) for p in seen - covered)


def test_a_publication_from_before_the_fingerprints_still_reads(built, tmp_path):
    """A publication made before marts._revisions had is_redefined (the one an upgraded
    warehouse holds until it publishes again) is read by the report and the alerts, its
    revisions said as revisions (helper-81: the report's load raised)."""
    from pipeline.alerts import status_snapshot
    from pipeline.report.data import load, revisions

    path = tmp_path / "analytics.duckdb"
    path.write_bytes(built.settings.analytics_path.read_bytes())
    home = dbt_var("home_municipality")
    with duckdb.connect(str(path)) as con:
        con.execute("alter table marts._revisions drop column is_redefined")
        con.execute(
            "insert into marts._revisions (indicator_id, period, period_type, area_code, "
            "breakdown, breakdown_value, unit, value_before, value, is_small_change, "
            f"published_before) values ('2.3', date '2025-10-01', 'month', {home}, 'total', "
            "'I alt', 'pct', 17.24, 20.79, false, timestamp '2025-11-15 05:12')"
        )
        [revised] = revisions(con)
    assert revised["is_redefined"] is False and revised["indicator_id"] == "2.3"
    assert load(path, with_history=True).revisions
    assert status_snapshot(path)["2.3"]["revised"] == ["oktober 2025 fra 17,2 % til 20,8 %"]


def test_marts_built_by_other_code_keep_the_last_known_fingerprints(rebuilt, caplog):
    """A publish of marts that the dbt project as it is did not build (the code changed
    after the build; `bkwh publish` alone) cannot tell what computed them: it keeps the
    publication before's fingerprints, so that the next publication built by this code
    still tells the change, rather than fingerprinting old figures with new code
    (helper-81)."""
    from pipeline.publish import publish

    settings = rebuilt.settings
    with duckdb.connect(str(settings.analytics_path)) as con:
        con.execute(
            "update marts._definitions set definition_fingerprint = 'another' "
            "where indicator_id = '2.3'"
        )
        before = dict(con.execute("select * from marts._definitions").fetchall())
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("update raw._dbt_builds set built_from_dbt = 'an earlier project'")
    publish(settings)
    with duckdb.connect(str(settings.analytics_path), read_only=True) as con:
        kept = dict(con.execute("select * from marts._definitions").fetchall())
    assert kept == before and kept["2.3"] == "another"
    assert "not built by the dbt project as it is" in caplog.text
