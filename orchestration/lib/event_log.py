"""Dagster's SQLite event log, with one open connection per database instead of one per event.

`SqliteEventLogStorage` (the default of a Dagster instance without Postgres) creates an
engine, opens a connection, commits with a full sync and closes it again for every event it
stores, and twice for an asset event (the run's database and the index). A first refresh of
the sample stores about 1,600 events (a materialization per loaded month of each monthly
source, a check result per dbt test); measured with py-spy on `make run`, storing them took
26 s of the 99 s refresh: 15 s opening and closing connections, 5.5 s in the commits' fsync.
With this class: 8.4 s, and the refresh 88 s.

This subclass keeps each database's engine and a pooled connection for the life of the
process (the index and the last few runs' databases), and commits with
`PRAGMA synchronous=NORMAL`. The databases are in WAL mode already (Dagster sets it when it
creates them); in WAL mode NORMAL loses no committed transaction when a process is killed,
only possibly the last ones if the machine itself loses power, and never corrupts the
database (https://www.sqlite.org/pragma.html#pragma_synchronous,
https://www.sqlite.org/wal.html). Everything else (the layout under DAGSTER_HOME/history/runs,
schema, migrations, the lock that serialises threads, the watchers of the UI) is
Dagster's, unchanged, so an instance written by either class is read by the other.

Configured in orchestration/dagster.yaml as the instance's `event_log_storage` (the documented
way to choose an instance's storage class); `base_dir` defaults to where Dagster's default
storage keeps the event logs.

A step that loads a range of months records a materialization per month and table: 768 for the
case system's eight tables on a first refresh of the sample. Dagster hands such events to
`store_event_batch` together when `DAGSTER_EVENT_BATCH_SIZE` is set (its opt-in; the SQLite
storage's own `store_event_batch` then stores them one by one); this class stores a batch in
one transaction per database, and sets that variable (unless it is set) when it is loaded, so
every process whose instance uses it (`bkwh run`, the daemon's and the UI's runs) batches.
"""

import os
from collections import OrderedDict, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as db
from dagster import Field, StringSource
from dagster._core.events import ASSET_EVENTS
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlalchemy_compat import db_result
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy.engine import Connection, Engine

# the run databases whose engines stay open besides the index's: a process writes one run at a
# time, and the UI's webserver reads a few
OPEN_RUN_DATABASES = 4
INDEX_SHARD = "index"
# how many of a step's asset events Dagster hands over at once (DAGSTER_EVENT_BATCH_SIZE)
EVENT_BATCH_SIZE = "1000"
os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)


def _synchronous_normal(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str | None = None, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._tables: set[str] = set()
        super().__init__(base_dir or default_base_dir(), inst_data=inst_data)

    def has_table(self, table_name: str) -> bool:
        """Dagster's, remembered once the table is there: it creates an engine and connects
        to the index for every call, once per stored asset event (for its tags). A table is
        never dropped while a process runs (migrations only add)."""
        if table_name not in self._tables:
            if not super().has_table(table_name):
                return False
            self._tables.add(table_name)
        return True

    @classmethod
    def config_type(cls):
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is None:
            engine = db.create_engine(
                self.conn_string_for_shard(shard),
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            db.event.listen(engine, "connect", _synchronous_normal)
            self._engines[shard] = engine
            runs = [s for s in self._engines if s != INDEX_SHARD]
            for old in runs[: max(0, len(runs) - OPEN_RUN_DATABASES)]:
                self._engines.pop(old).dispose()
        else:
            self._engines.move_to_end(shard)
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # as SqliteEventLogStorage._connect, with the engine kept instead of disposed
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """As `store_event` for each, in one transaction per database: the events in their
        runs' databases, and the asset events mirrored in the index with their tags and the
        asset's latest record, as `SqliteEventLogStorage.store_event` does one at a time.
        Dagster batches only a step's asset events; anything else goes one by one."""
        if not all(e.is_dagster_event and e.dagster_event_type in ASSET_EVENTS for e in events):
            super().store_event_batch(events)
            return
        statements = [(e, self.prepare_insert_event(e)) for e in events]
        by_run = defaultdict(list)
        for event, statement in statements:
            by_run[event.run_id].append(statement)
        for run_id, inserts in by_run.items():
            with self.run_connection(run_id) as conn:
                for statement in inserts:
                    conn.execute(statement)
        # The asset's latest record (`_store_asset_event`): each event overwrites the columns
        # its kind sets, so the last event of each kind per asset, in the order of those last
        # events, leaves the row as storing every event in turn does: one write per asset and
        # kind instead of one per event (768 for the case system's months on a first refresh,
        # each an insert that fails and an update).
        latest: dict[tuple[str, str], tuple[EventLogEntry, int]] = {}
        with self.index_transaction() as conn:
            for event, statement in statements:
                with db_result(conn, statement) as result:
                    event_id = result.inserted_primary_key[0]
                self._store_asset_event_tags(conn, [event], [event_id])
                key = event.dagster_event.asset_key
                if key is None:  # nothing to record for the asset
                    continue
                kind = (key.to_string(), event.dagster_event_type)
                latest.pop(kind, None)  # so that the dict keeps the order of the last ones
                latest[kind] = (event, event_id)
            for event, event_id in latest.values():
                self._store_asset_event(conn, event, event_id)

    def dispose(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
        super().dispose()


def default_base_dir() -> str:
    """Where Dagster's default storage keeps the event logs: DAGSTER_HOME/history/runs."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise ValueError("PooledSqliteEventLogStorage needs base_dir or DAGSTER_HOME")
    return os.path.join(os.path.abspath(home), "history", "runs")
