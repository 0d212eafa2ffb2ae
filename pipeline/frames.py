"""A DuckDB relation as a pandas DataFrame, through Arrow.

DuckDB's own `.df()` (DuckDB 2.0 with pandas 3) converts text columns one value at a time:
for the 219,446 rows of `make bench SCALE=1`'s int_indicator_cells it took 0.65 s, and
0.58 s for the key, result and fingerprint of the last int_indicator_suppression, against
0.16 s and 0.04 s through Arrow. `frame` gives the frame `.df()` gives for those column types
(tests/test_suppression.py holds it equal, dtype for dtype): dates and timestamps without a
zone as datetime64[us], an integer or boolean column with NULLs as pandas' nullable integer
or boolean, text as pandas' string dtype. It is not a general replacement: a DECIMAL column
becomes Python decimals here and float64 there, and a text column of NULLs alone has
another dtype. The dbt Python models (int_indicator_suppression, fct_indicator_forecast)
read their inputs with it; on the SCALE=1 warehouse each of their reads gave `.df()`'s frame.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa


def frame(relation: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    table = relation.to_arrow_table()
    if not table.num_rows:  # .df() gives text of no rows as object: its own, for no time
        return relation.df()
    out = table.to_pandas(date_as_object=False)
    for field in table.schema:
        kind = field.type
        if pa.types.is_date(kind) or (pa.types.is_timestamp(kind) and kind.tz is None):
            out[field.name] = out[field.name].astype("datetime64[us]")
        elif not table.column(field.name).null_count:
            continue
        elif pa.types.is_integer(kind):
            signed = "" if pa.types.is_signed_integer(kind) else "U"
            out[field.name] = out[field.name].astype(f"{signed}Int{kind.bit_width}")
        elif pa.types.is_boolean(kind):
            out[field.name] = out[field.name].astype("boolean")
    return out
