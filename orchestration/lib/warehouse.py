"""The warehouse's writers: one pool, and a retry when another process holds the file.

DuckDB has one writer: every step that writes the warehouse is in the pool
`duckdb_warehouse` (limit 1 in orchestration/dagster.yaml) and retries with backoff when the
file is locked by another process; a validation failure is a check result, never an
exception, so it is never retried.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from pipeline.files import is_held_elsewhere

WAREHOUSE_POOL = "duckdb_warehouse"
MAX_LOCK_RETRIES = 4
LOCK_WAIT_S = 5  # the first retry's wait; each next waits twice as long


@contextmanager
def retry_when_locked(context: dg.OpExecutionContext, what: str) -> Iterator[None]:
    """Turn 'the DuckDB file is locked by another process' (from DuckDB, or from a dbt run
    that could not open it) into a retry with backoff (5, 10, 20, 40 s); any other error
    fails the step as it is. Once the retries are spent, the step fails saying what holds
    the file and what to do (Dagster's own failure said only "Exceeded max_retries of 4",
    and the console and the alert read its message alone: helper-112)."""
    try:
        yield
    except (duckdb.IOException, dg.Failure) as e:
        text = f"{e} {getattr(e, 'description', '') or ''}"
        if not is_held_elsewhere(text):
            raise
        if context.retry_number >= MAX_LOCK_RETRIES:
            waited = sum(LOCK_WAIT_S * 2**n for n in range(MAX_LOCK_RETRIES))
            held = " ".join(text.split())[:400]
            raise dg.Failure(
                description=(
                    f"{what}: a DuckDB file it writes (the warehouse, or the published "
                    "analytics file, which a reader must open read-only) is still locked "
                    "by another process after "
                    f"{MAX_LOCK_RETRIES} retries over {waited} s ({held}). Close the process "
                    "that holds it (DuckDB names its PID above), or run `bkwh doctor` if it "
                    "is a refresh that died, then run again."
                )
            ) from e
        wait = LOCK_WAIT_S * 2**context.retry_number
        context.log.warning(
            f"{what}: a DuckDB file it writes is locked by another process; retrying in "
            f"{wait} s ({e})"
        )
        raise dg.RetryRequested(max_retries=MAX_LOCK_RETRIES, seconds_to_wait=wait) from e
