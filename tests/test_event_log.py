"""The instance's event log (orchestration/lib/event_log.py): Dagster's SQLite storage with
pooled connections, writing the same files Dagster's own class reads."""

import shutil
from typing import ClassVar

import dagster as dg
import pytest
from conftest import REPO_ROOT
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


YEAR = dg.StaticPartitionsDefinition([f"2026-{m:02}" for m in range(1, 13)])


@dg.asset(partitions_def=YEAR, backfill_policy=dg.BackfillPolicy.single_run())
def loaded_months(context) -> None:
    context.log.info(f"{len(context.partition_keys)} months")


class CountingStorage(PooledSqliteEventLogStorage):
    """The project's storage, noting the batches it is handed: their sizes and event types."""

    batched: ClassVar[list[tuple[int, set[str]]]] = []

    def store_event_batch(self, events):
        CountingStorage.batched.append((len(events), {e.dagster_event_type.value for e in events}))
        super().store_event_batch(events)


def test_a_step_loading_many_months_stores_their_materializations_in_one_batch(
    tmp_path, monkeypatch
):
    home = tmp_path / "dagster_home"
    home.mkdir()
    yaml = (REPO_ROOT / "orchestration" / "dagster.yaml").read_text()
    assert "class: PooledSqliteEventLogStorage" in yaml
    (home / "dagster.yaml").write_text(
        yaml.replace("module: orchestration.lib.event_log", "module: test_event_log").replace(
            "class: PooledSqliteEventLogStorage", "class: CountingStorage"
        )
    )
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    CountingStorage.batched.clear()
    job = dg.define_asset_job("load", selection=[loaded_months])
    defs = dg.Definitions(assets=[loaded_months], jobs=[job])
    months = YEAR.get_partition_keys()
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, CountingStorage)
        result = defs.resolve_job_def("load").execute_in_process(
            instance=instance,
            tags={
                "dagster/asset_partition_range_start": months[0],
                "dagster/asset_partition_range_end": months[-1],
            },
        )
        assert result.success
        # the twelve materializations in one batch (the storage sets DAGSTER_EVENT_BATCH_SIZE
        # when loaded); Dagster plans them in a batch too, or in one event for the range
        assert (12, {"ASSET_MATERIALIZATION"}) in CountingStorage.batched
        assert all(
            kinds <= {"ASSET_MATERIALIZATION", "ASSET_MATERIALIZATION_PLANNED"}
            for _, kinds in CountingStorage.batched
        ), CountingStorage.batched
        latest = instance.get_latest_materialization_event(dg.AssetKey("loaded_months"))
        assert latest is not None and latest.run_id == result.run_id
        # the asset's record holds the batch's last stored materialization, as storing the
        # events one at a time would (the step reports the months in no particular order)
        [record] = instance.get_asset_records([dg.AssetKey("loaded_months")])
        last = record.asset_entry.last_materialization_record
        newest = instance.fetch_materializations(dg.AssetKey("loaded_months"), limit=1).records
        assert last is not None and last.storage_id == newest[0].storage_id
        assert record.asset_entry.last_run_id == result.run_id

    # what Dagster's own class reads from the files: every month, once, in that run
    plain = SqliteEventLogStorage(str(home / "history" / "runs"))
    try:
        records = plain.fetch_materializations(dg.AssetKey("loaded_months"), limit=100).records
        assert sorted(r.partition_key for r in records) == months
        assert {r.run_id for r in records} == {result.run_id}
        in_run = plain.get_logs_for_run(result.run_id)
        assert sum(e.dagster_event_type == "ASSET_MATERIALIZATION" for e in in_run) == 12
        assert plain.get_materialized_partitions(dg.AssetKey("loaded_months")) == set(months)
    finally:
        plain.dispose()
    shutil.rmtree(home)
