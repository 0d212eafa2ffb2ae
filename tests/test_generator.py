"""The sample generator: deterministic, in the sources' own formats, coherent."""

import csv
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.config import SEEDS_DIR
from pipeline.sample.generate import generate

SMALL = {"scale": 0.02, "start": "2024-01", "end": "2024-04"}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """One small world (seed 3) that the tests of its formats read and none changes."""
    root = tmp_path_factory.mktemp("small")
    generate(root, seed=3, **SMALL)
    return root


def _digest(root):
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path, small):
    a, b = tmp_path / "a", tmp_path / "b"
    generate(a, seed=1, **SMALL)
    generate(b, seed=1, **SMALL)
    da, db, dc = _digest(a), _digest(b), _digest(small)  # another seed: 3
    assert len(da) > 40
    assert da == db
    assert set(da) & set(dc)
    changed = [k for k in set(da) & set(dc) if da[k] != dc[k]]
    assert len(changed) > len(da) // 2


def test_the_marker_names_the_generator_that_wrote_the_files(small, tmp_path, monkeypatch):
    """SAMPLE_DATA.json records the fingerprint of what shapes the files (pipeline/state.py
    GENERATOR), and `make bench --keep-world` keeps a world only where it is the current one
    (bench.generated_by_this_code). The fingerprint changes with a file under GENERATOR
    (here a copy of the seeds with one changed), not with a stray file beside them."""
    from pipeline import state
    from pipeline.bench import generated_by_this_code
    from pipeline.config import SAMPLE_MARKER

    marker = json.loads((small / SAMPLE_MARKER).read_text())
    assert marker["generator"] == state.generator_fingerprint()
    assert generated_by_this_code(small)
    older = tmp_path / "older"
    older.mkdir()
    (older / SAMPLE_MARKER).write_text(json.dumps(marker | {"generator": "0" * 64}))
    assert not generated_by_this_code(older)

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in SEEDS_DIR.glob("*.csv"):
        (seeds / path.name).write_bytes(path.read_bytes())
    assert SEEDS_DIR in state.GENERATOR
    monkeypatch.setattr(state, "REPO_ROOT", tmp_path)  # the copy's paths relative to it
    monkeypatch.setattr(state, "GENERATOR", [seeds])
    before = state.generator_fingerprint()
    (seeds / "age_groups.csv~").write_text("an editor's backup\n", encoding="utf-8")
    assert state.generator_fingerprint() == before
    (seeds / "age_groups.csv").write_text("source_system,source_label\n", encoding="utf-8")
    assert state.generator_fingerprint() != before


def _area_types() -> Counter:
    """How many areas of each type the seeds know (municipalities, regions, ...)."""
    with open(SEEDS_DIR / "regions.csv", encoding="utf-8") as f:
        types = Counter(r["area_type"] for r in csv.DictReader(f))
    with open(SEEDS_DIR / "municipalities.csv", encoding="utf-8") as f:
        types["municipality"] = sum(1 for _ in csv.DictReader(f))
    return types


AREAS = _area_types()


def test_statbank_csv_has_bom_semicolons_decimal_comma_and_missing_dots(small):
    raw = (small / "statbank" / "AUP02_2024M02.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "OMRÅDE;ALDER;TID;INDHOLD"
    # codes, as extracts.yml asks AUP02 (value_presentation Code): Ballerup is 151
    assert any(line.startswith("151;25-29;2024M02;") for line in lines)
    values = [line.rsplit(";", 1)[1] for line in lines[1:]]
    assert all(re.fullmatch(r"\d+,\d|\.\.", v) for v in values)
    assert ".." in values  # the small islands' age cells, as DST publishes them
    # every municipality, region and the country (the seeds'), as AUP02 publishes them
    assert len({line.split(";")[0] for line in lines[1:]}) == (
        AREAS["municipality"] + AREAS["region"] + AREAS["country"]
    )


def test_jobindsats_files_are_v3_responses_with_json_numbers(small):
    recorded = json.loads(
        (Path(__file__).parent / "fixtures" / "http" / "jobindsats_v3_y25i09.json").read_text()
    )
    doc = json.loads((small / "jobindsats" / "y25i09_2024M03.json").read_text("utf-8"))
    assert set(doc) == {"columns", "rows"}
    assert doc["columns"] == recorded["columns"]  # the real response's columns, in order
    country = next(r for r in doc["rows"] if r[1] == "Hele landet")
    assert country[:4] == ["2024M03", "Hele landet", "Ydelsesgrupper i alt", "I alt"]
    assert all(isinstance(v, int) for v in country[4:7]) and isinstance(country[7], float)
    assert any(r[1] == "Uoplyst område" for r in doc["rows"])
    areas = {r[1] for r in doc["rows"]}
    # the municipalities, Hele landet and Uoplyst område (the seeds')
    assert len(areas) == AREAS["municipality"] + AREAS["country"] + AREAS["not_stated"]
    a02 = json.loads((small / "jobindsats" / "y07a02_2024M03.json").read_text("utf-8"))
    assert a02["columns"][:2] == ["Periode", "Område"] and len(a02["columns"]) == 6
    # the kontanthjælp reform of July 2025: y36a02 and y38a02 end, y60a02 begins
    assert (small / "jobindsats" / "y36a02_2024M03.json").exists()
    assert not (small / "jobindsats" / "y60a02_2024M03.json").exists()


def test_register_holds_cpr_shaped_unique_ids_per_week(small):
    table = pq.read_table(small / "benefit_register" / "dream_2024M02.parquet").to_pandas()
    assert table["cpr"].str.fullmatch(r"\d{6}-\d{4}").all()
    assert not table.duplicated(["cpr", "aar_uge", "ydelse_code"]).any()
    assert set(table["aar_uge"] // 100) == {2024}


def test_the_persons_register_dates_labour_force_and_a_kasse_status(sample_landing):
    """The dated persons register (stg_registers__person_periods): a person's periods follow
    each other without gap or overlap, a-kasse membership only within the labour force, and
    the labour-force status changes within a residence for some (joining it, leaving it
    before the pension age), so a month's denominators are who was in it then."""
    import pandas as pd

    [path] = sorted((sample_landing / "registers").glob("persons_*.csv"))
    register = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    dates = {c: pd.to_datetime(register[c].replace("", None)) for c in ("gyldig_fra", "gyldig_til")}
    register = register.assign(**dates).sort_values(["cpr", "gyldig_fra"])
    later = register.groupby("cpr").shift(-1)
    follows = later["gyldig_fra"].isna() | (
        later["gyldig_fra"] == register["gyldig_til"] + pd.Timedelta(days=1)
    )
    assert follows.all(), register[~follows].head()
    assert not ((register["er_forsikret"] == "1") & (register["i_arbejdsstyrken"] == "0")).any()
    status = register.groupby("cpr")["i_arbejdsstyrken"].agg(["first", "last", "nunique"])
    changed = status[status["nunique"] > 1]
    joined = ((changed["first"] == "0") & (changed["last"] == "1")).sum()
    left = ((changed["first"] == "1") & (changed["last"] == "0")).sum()
    assert joined > 10 and left > 10, (joined, left)


def test_the_generator_command_refuses_a_landing_folder_that_holds_files(tmp_path):
    """A second world written over a landed one would be refused file by file or mixed with
    the first in the warehouse (review, December 2026): `bkwh generate` writes only into an
    empty landing folder, and says how to get one."""
    import os
    import subprocess

    from pipeline.config import Settings
    from tests.processes import BKWH

    env = {**os.environ, **Settings.env_for_root(tmp_path)}
    landing = Path(env["BKWH_LANDING_DIR"])
    (landing / "statbank").mkdir(parents=True)
    delivered = landing / "statbank" / "AUP02_2026M11.csv"
    delivered.write_text("OMRÅDE;TID;INDHOLD\n", encoding="utf-8")
    done = subprocess.run(
        [BKWH, "generate", "--scale", "0.01"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "already holds 1 file:" in done.stderr and "make clean" in done.stderr
    assert [p for p in landing.rglob("*") if p.is_file()] == [delivered]
