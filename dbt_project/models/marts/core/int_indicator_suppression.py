"""Secondary suppression of every indicator's cells (pipeline/suppression.py): besides the
cells the primary rule hides, every cell whose shown neighbours would let a count of 1 to
small_cell_threshold - 1 persons be derived by subtraction (a share's complement, a total
minus its breakdown's shown cells, a finer breakdown of another indicator, a comparison
computed from hidden cells, a change since a year before whose year-before cell is
hidden), or a count of events behind 1 to small - 1 persons, and through the relations
int_disclosure_links declares (a sum of one indicator's cells at most another's cell). A
dbt Python model: the method looks at each relation again after every cell it hides, until
none gives anything away, which SQL does not express."""

from pipeline.suppression import PERSONS, suppress


def model(dbt, session):
    dbt.config(materialized="table")
    small = int(dbt.config.get("small_cell_threshold"))
    cells = dbt.ref("int_indicator_cells").df()
    links = dbt.ref("int_disclosure_links").df()
    cells["is_suppressed"] = suppress(cells, small, links)
    # text even where no model gave a method (all NULL: pandas would hand DuckDB no type)
    cells["interval_method"] = cells["interval_method"].astype("string")
    # the persons behind an events model's counts are the rule's, never published
    return cells.drop(
        columns=["model_name", "is_hidden", "is_share", "is_comparison", "is_change", *PERSONS]
    )
