"""The instance's event log (orchestration/lib/event_log.py): Dagster's SQLite storage with
pooled connections, writing the same files Dagster's own class reads."""

import dagster as dg
import pytest
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration.lib.event_log import PooledSqliteEventLogStorage

MONTHS = dg.StaticPartitionsDefinition(["2026-01", "2026-02", "2026-03"])


@dg.asset(partitions_def=MONTHS)
def monthly() -> None:
    return None


def test_the_pooled_event_log_writes_what_dagsters_own_storage_reads(home, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        for month in MONTHS.get_partition_keys():
            result = dg.materialize([monthly], instance=instance, partition_key=month)
            assert result.success
        with storage.index_connection() as conn:
            # the pooled connections commit without a full sync (1 = NORMAL)
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        run_ids = [r.dagster_run.run_id for r in instance.get_run_records()]

    plain = SqliteEventLogStorage(str(home / "history" / "runs"))
    try:
        records = plain.fetch_materializations(dg.AssetKey("monthly"), limit=10).records
        assert sorted(r.partition_key for r in records) == MONTHS.get_partition_keys()
        assert sorted(plain.get_all_run_ids()) == sorted(run_ids)
    finally:
        plain.dispose()


def test_the_pooled_event_log_needs_a_place(monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    with pytest.raises(ValueError, match="DAGSTER_HOME"):
        PooledSqliteEventLogStorage()
