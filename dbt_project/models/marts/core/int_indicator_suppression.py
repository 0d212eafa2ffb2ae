"""Secondary suppression of every indicator's cells (pipeline/suppression.py): besides the
cells the primary rule hides, every cell whose shown neighbours would let a count of 1 to
small_cell_threshold - 1 persons be derived by subtraction (a share's complement, a total
minus its breakdown's shown cells, a finer breakdown of another indicator, a comparison
computed from hidden cells, a change since a year before whose year-before cell is
hidden), or a count of events behind 1 to small - 1 persons, and through the relations
int_disclosure_links declares (a sum of one indicator's cells at most another's cell). A
dbt Python model: the method looks at each relation again after every cell it hides, until
none gives anything away, which SQL does not express.

Each calendar year is solved after the one before it (suppress_by_year), and a year whose
cells, and all else it is solved from, are as in this table's last build keeps its rows'
result (column suppression_fingerprint): a refresh with a new month solves its year only."""

import duckdb
import pandas as pd

from pipeline.frames import frame
from pipeline.suppression import KEY, PERSONS, suppress_by_year


def model(dbt, session):
    dbt.config(materialized="table")
    small = int(dbt.config.get("small_cell_threshold"))
    # through Arrow (pipeline/frames.py): DuckDB's .df() took 0.65 s of the sample's cells
    cells = frame(dbt.ref("int_indicator_cells"))
    links = frame(dbt.ref("int_disclosure_links"))
    hidden, fingerprints = suppress_by_year(cells, small, links, _previous(session, dbt.this))
    cells["is_suppressed"] = hidden
    cells["suppression_fingerprint"] = pd.Series(fingerprints, dtype="string")
    # text even where no model gave a method (all NULL: pandas would hand DuckDB no type)
    cells["interval_method"] = cells["interval_method"].astype("string")
    # the persons behind an events model's counts are the rule's, never published
    return cells.drop(
        columns=["model_name", "is_hidden", "is_share", "is_comparison", "is_change", *PERSONS]
    )


def _previous(session, this):
    """This table as its last build left it (KEY, is_suppressed, suppression_fingerprint),
    or None: not built yet, or by code before the fingerprint."""
    columns = ", ".join([*KEY, "is_suppressed", "suppression_fingerprint"])
    try:
        return frame(session.sql(f"select {columns} from {this}"))
    except (duckdb.CatalogException, duckdb.BinderException):
        return None
