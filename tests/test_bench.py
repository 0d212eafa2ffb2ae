"""`make bench` (pipeline/bench.py): what it holds back of a world for its incremental refresh.
The bench itself runs only by hand: at the smallest scale it costs about a minute of CPU,
which the suite has no room for; `incremental_s`, the issue's measure of a monthly refresh,
is only as true as the month it delivers."""

from collections import Counter

from conftest import LAST_MONTH, LAST_PERIOD

from pipeline.bench import last_month_files

# The rolling year (Jobindsats' "løbende år", QMAT) that ends with the world's last month
_year, _month = LAST_MONTH.split("-")
LAST_ROLLING_YEAR = f"{_year}QMAT0{int(_month) // 3}"


def test_the_bench_holds_back_what_the_sources_deliver_when_a_month_is_published(
    sample_landing,
):
    held = last_month_files(sample_landing, LAST_MONTH)
    names = {p.relative_to(sample_landing).as_posix() for p in held}
    # each monthly source's files of the month, and nothing of another month
    assert Counter(p.parent.name for p in held).keys() == {
        "benefit_register",
        "case_system",
        "jobindsats",
        "statbank",
    }
    assert f"benefit_register/dream_{LAST_PERIOD}.parquet" in names
    assert f"case_system/meetings_{LAST_MONTH}.csv" in names
    assert all(
        any(period in name for period in (LAST_MONTH, LAST_PERIOD, LAST_ROLLING_YEAR))
        for name in names
    ), names
    # every file named for the month, but the registers' snapshots: the registers are sent
    # whole, and the world's last snapshot is what the incremental refresh builds on
    named = {
        p.relative_to(sample_landing).as_posix()
        for p in sample_landing.rglob("*")
        if p.is_file() and (LAST_MONTH in p.name or LAST_PERIOD in p.name)
    }
    assert named - names == {n for n in named if n.startswith("registers/")} != set()
    # a rolling year ending with the month is the month's delivery too (y30r21)
    assert any(LAST_ROLLING_YEAR in name for name in names)
