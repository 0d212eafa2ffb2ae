"""The one period parser: file names, Jobindsats/StatBank labels, and ranges."""

from datetime import date

import pytest

from pipeline import periods
from pipeline.suites import spec_for


@pytest.mark.parametrize(
    ("label", "kind", "first", "last", "start"),
    [
        ("2024M09", "month", date(2024, 9, 1), date(2024, 9, 30), date(2024, 9, 1)),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29), date(2024, 2, 1)),
        ("2024Q3", "quarter", date(2024, 7, 1), date(2024, 9, 30), date(2024, 7, 1)),
        # Jobindsats v3 writes quarters with two digits (recorded: 2024Q04) and years as Y01
        ("2024Q04", "quarter", date(2024, 10, 1), date(2024, 12, 31), date(2024, 10, 1)),
        # StatBank's Danish quarter ids (FOLK1A's Tid: 2026K3)
        ("2024K2", "quarter", date(2024, 4, 1), date(2024, 6, 30), date(2024, 4, 1)),
        # QMAT's suffix is a quarter: QMAT03 is the twelve months ending September, stored
        # as its last month, as dbt does
        ("2024QMAT03", "rolling_year", date(2023, 10, 1), date(2024, 9, 30), date(2024, 9, 1)),
        ("2024", "year", date(2024, 1, 1), date(2024, 12, 31), date(2024, 1, 1)),
        ("2024Y01", "year", date(2024, 1, 1), date(2024, 12, 31), date(2024, 1, 1)),
    ],
)
def test_a_label_gives_its_kind_and_days(label, kind, first, last, start):
    p = periods.parse(label)
    assert (p.kind, p.first_day, p.last_day, p.start) == (kind, first, last, start)
    v3 = "Q0" in label or "Y01" in label
    dst = "K" in label
    assert periods.label_for(p.start, kind, dashed="-" in label, v3=v3, dst=dst) == label


@pytest.mark.parametrize(
    "label",
    [
        "2024M13",
        "2024-00",
        "2024Q5",
        "2024K5",
        "2024K01",
        "24M01",
        "2024M1",
        "2024QMAT09",
        "2024Y02",
        "",
        # a year without calendar dates, or whose period ends after 9999 (helper-94: a
        # plain ValueError, which stopped every ingest at discovery)
        "0000-01",
        "9999M12",
        "9999K4",
        "0000",
        # digits of other scripts, which Python's \d and int() read as numbers: a name's
        # period would be 2024-01 under another delivery key (helper-109)
        "\u0662\u0660\u0662\u0664-01",
        "\uff12\uff10\uff12\uff14M01",
    ],
)
def test_anything_else_is_refused(label):
    with pytest.raises(periods.PeriodError):
        periods.parse(label)


def test_a_file_name_s_digits_are_ascii_digits():
    """A suite's pattern matches 0-9 only: a name with Arabic-Indic or full-width digits is
    no delivery of any suite (it is quarantined as an unknown name), not January 2024."""
    assert spec_for("case_system", "meetings_2024-01.csv") is not None
    arabic_indic, full_width = "\u0662\u0660\u0662\u0664", "\uff12\uff10\uff12\uff14"
    for name in (f"meetings_{arabic_indic}-01.csv", f"meetings_{full_width}-01.csv"):
        assert spec_for("case_system", name) is None, name


def test_month_of_a_file_name_period():
    assert periods.month_of("2024M03") == periods.month_of("2024-03") == "2024-03"
    assert periods.month_of("2024Q1") is None and periods.month_of(None) is None


def test_ranges_expand_in_their_own_style():
    assert periods.expand("2024M11", "2025M02") == ["2024M11", "2024M12", "2025M01", "2025M02"]
    assert periods.expand("2024-12", "2025-01") == ["2024-12", "2025-01"]
    assert periods.expand("2024K4", "2025K2") == ["2024K4", "2025K1", "2025K2"]
    assert periods.expand("2024Q4", "2025Q1") == ["2024Q4", "2025Q1"]
    assert periods.expand("2024Q04", "2025Q01") == ["2024Q04", "2025Q01"]
    assert periods.expand("2024QMAT02", "2025QMAT02") == [
        "2024QMAT02",
        "2024QMAT03",
        "2024QMAT04",
        "2025QMAT01",
        "2025QMAT02",
    ]
    with pytest.raises(periods.PeriodError, match="ends before it starts"):
        periods.expand("2024M05", "2024M01")
    with pytest.raises(periods.PeriodError, match="two kinds"):
        periods.expand("2024M01", "2024-03")
    # a range that reaches past the calendar (helper-95: date's ValueError escaped the
    # fetchers, which catch PeriodError)
    with pytest.raises(periods.PeriodError, match="outside the calendar"):
        periods.expand("9998", "9999")
