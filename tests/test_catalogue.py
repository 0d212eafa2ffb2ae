"""The catalogue's goals read as the strategy words them (seeds indicator_catalogue and
indicator_targets; the strategy: ../shared/seeds/)."""

import csv
import itertools
import re

from pipeline.config import DBT_PROJECT_DIR, REPO_ROOT, SEEDS_DIR, extracts_config, read_yaml

# the two strategy documents, as text (DESIGN.md: ../shared/seeds/)
STRATEGY_DOCUMENTS = sorted((REPO_ROOT.parent / "shared" / "seeds").glob("*.txt"))

BETTER = {"higher_is_better": ">=", "lower_is_better": "<=", "closer_to_target": "="}


def _seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS_DIR / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _letters(text: str) -> str:
    """The words' letters alone: the documents break lines inside words ('la-\n\nveste')."""
    return re.sub(r"[\s\-\u00ad]+", "", text)


def test_each_goal_is_the_strategys_own_wording():
    """The report quotes each focus area's goal as the strategy words it, in «» (Mål 5's 'skal
    på niveau' lacks its 'være' there too); a goal not found in the documents is not one."""
    assert STRATEGY_DOCUMENTS, "../shared/seeds/ holds no strategy document"
    strategy = _letters(" ".join(p.read_text(encoding="utf-8") for p in STRATEGY_DOCUMENTS))
    goals = [r for r in _seed("focus_areas") if r["goal_text"]]
    assert goals
    for area in goals:
        assert _letters(area["goal_text"]) in strategy, area


def test_each_strategy_remark_is_the_strategys_own_wording():
    """The report quotes the follow-up document's remark on an indicator («Tilføjelse» for 3.2
    and 3.3): each in seed indicator_catalogue is found in the documents."""
    strategy = _letters(" ".join(p.read_text(encoding="utf-8") for p in STRATEGY_DOCUMENTS))
    remarks = [r for r in _seed("indicator_catalogue") if r["strategy_remark"]]
    assert remarks
    for r in remarks:
        assert _letters(r["strategy_remark"]) in strategy, r["indicator_id"]


def test_every_target_points_the_way_its_indicator_counts_as_better():
    direction = {r["indicator_id"]: r["direction"] for r in _seed("indicator_catalogue")}
    targets = _seed("indicator_targets")
    assert targets, "no target in the seed"
    for target in targets:
        assert BETTER[direction[target["indicator_id"]]] == target["target_operator"], target


def test_5_4_asks_non_western_unemployed_in_offers_at_least_as_much_as_the_others():
    """'Ledige med ikke-vestlig baggrund skal i lige så høj grad som de resterende ledige i
    virksomhedsrettede tilbud': the gap, non-Western minus the others, is met at 0 or above
    (until December 2026 the warehouse called a lower non-Western share 'opfyldt')."""
    [catalogue] = [r for r in _seed("indicator_catalogue") if r["indicator_id"] == "5.4"]
    assert "i lige så høj grad som de resterende" in catalogue["strategy_text"]
    assert catalogue["direction"] == "higher_is_better"
    targets = [r for r in _seed("indicator_targets") if r["indicator_id"] == "5.4"]
    assert [(t["target_operator"], float(t["target_value"])) for t in targets] == [(">=", 0.0)]


def test_the_committee_reads_no_software_names_or_codes_in_the_danish_texts():
    """The report and the workbook print definition_da and note_da: sources are named as the
    publications, not as the warehouse's files, tables, variables or codes."""
    software = re.compile(r"extracts\.yml|\bdbt\b|warehouse|\bseed|mapning|\b[a-z]+_[a-z_]+\b")
    catalogue = _seed("indicator_catalogue")
    assert catalogue, "an empty catalogue"
    for row in catalogue:
        for field in ("definition_da", "note_da"):
            assert not software.search(row[field]), (row["indicator_id"], field)


def test_the_statbank_requests_ask_for_the_ages_the_indicators_count():
    """The age bands are written once (dbt var age_bands, seed age_groups); FOLK1A is asked
    for each year of the 'young' band (4.2's residents) and of 3.3's residents (seed
    age_groups, its total), and for no other, PEN113 for the five-year bands that make up
    3.3's residents, HFUDD11's ALDER group is the 'young_adults' band (4.1's staging reads it
    by that label), AUP02 for the codes of 0.1's groups: a band changed in the var or the
    seed alone would leave the country's figures on other ages."""
    bands = read_yaml(DBT_PROJECT_DIR / "dbt_project.yml")["vars"]["age_bands"]
    extracts = extracts_config()
    tables = {
        t: conf for source in ("jobindsats", "statbank") for t, conf in extracts[source].items()
    }
    first, last = bands["young"]
    [awards] = [
        (int(r["min_age"]), int(r["max_age"]))
        for r in _seed("age_groups")
        if r["source_system"] == "foertidspension" and r["is_total"] == "true"
    ]
    wanted = set(range(first, last + 1)) | set(range(awards[0], awards[1] + 1))
    assert tables["FOLK1A"]["select"]["ALDER"] == [str(a) for a in sorted(wanted)]
    pen113 = [(int(b[:2]), int(b[2:])) for b in tables["PEN113"]["select"]["ALDER"]]
    assert [pen113[0][0], pen113[-1][1]] == list(awards)
    assert all(lo == hi + 1 for (_, hi), (lo, _) in itertools.pairwise(pen113)), pen113
    assert "{}-{}".format(*bands["young_adults"]) in str(tables["HFUDD11"])
    # AUP02 is asked for the codes the seed joins (stg_statbank__aup02), and only those
    aup02 = [r["source_label"] for r in _seed("age_groups") if r["source_system"] == "statbank"]
    assert sorted(tables["AUP02"]["select"]["ALDER"]) == sorted(aup02)
    assert tables["AUP02"]["value_presentation"] == "Code"


def test_every_benefit_group_of_public_support_has_a_target_group_row():
    """int_target_group_periods joins the benefit weeks to the mapping: a group of public
    support without a row would vanish from 5.1 and 5.2 (and fail the coverage test on the
    first real register that pays it, as efterløn would)."""
    mapped = {r["ydelse_group"] for r in _seed("maalgruppe_mapping")}
    public = {r["ydelse_group"] for r in _seed("ydelse_groups") if r["is_public_support"] == "true"}
    assert public - mapped == set()


def test_every_seed_row_has_as_many_fields_as_its_header():
    """A comma in an unquoted text field adds fields: dbt refuses the seed only when the
    refresh runs ("Row 8 has 26 values"), and csv.DictReader hides the extra under None."""
    paths = sorted(SEEDS_DIR.glob("*.csv"))
    assert paths, f"no seed in {SEEDS_DIR}"
    for path in paths:
        with open(path, encoding="utf-8", newline="") as f:
            header, *rows = list(csv.reader(f))
        bad = [n for n, row in enumerate(rows, start=2) if row and len(row) != len(header)]
        assert not bad, (path.name, bad)


def test_4_1_counts_its_residents_the_day_after_hfudd11_measures_education():
    """HFUDD11 measures the residents' education on 30 September (extracts.yml measured_on);
    4.1 counts Ballerup's on the first day after it that the population register is dated by
    (var education_measured_month, which the model and the sample's generator read): the
    two are written in two files, and this holds them together (helper-77)."""
    from datetime import date, timedelta

    from pipeline.config import dbt_var, extracts_config

    month, day = map(int, extracts_config()["statbank"]["HFUDD11"]["measured_on"].split("-"))
    counted = date(2026, int(dbt_var("education_measured_month")), 1)
    assert date(2026, month, day) + timedelta(days=1) == counted
