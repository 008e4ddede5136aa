"""Dagster's run event log on SQLite, without a new database connection per event.

Dagster's ``SqliteEventLogStorage`` opens a new SQLAlchemy engine, connects, commits with
a full ``fsync`` and disposes of the engine for every event it stores, and for an asset or
asset-check event does so two or three times (the run's database and the cross-run index).
A scorecard run stores about 3,800 events (each of the ~950 asset checks is planned, then
evaluated), so at one authority this bookkeeping cost over 40 seconds, more than the data
work of ingest (docs/benchmarks.md).

This subclass keeps one engine per database (the few most recent, so a long-lived
webserver reading many runs does not hold every file open) and opens each database in
write-ahead-log mode with ``synchronous=NORMAL``. That is SQLite's documented safe pairing:
a crash or power cut can lose the last transactions but never corrupts the file. The
change-watcher that streams a live run's events to the UI also watches the ``-wal`` file,
where writes now land first. Everything else, including the schema and its migrations, is
Dagster's own.

``config/dagster.yaml`` selects it. PostgreSQL storage (dagster-postgres) is the choice for
a shared deployment; this is for the local instance ``make run`` and ``make dev`` use.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dagster import Field, StringSource
from dagster._core.storage.event_log.base import EventHandlerFn
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SqliteEventLogStorage,
    SqliteEventLogStorageWatchdog,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from watchdog.events import FileSystemEvent
from watchdog.observers import Observer

SQLITE_BUSY_TIMEOUT_SECONDS = 30
ENGINES_KEPT = 8


def _write_ahead_log(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def default_base_dir() -> str:
    """Where Dagster's own SQLite storage keeps the per-run event logs."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise RuntimeError("DAGSTER_HOME is not set: the event log needs a base_dir")
    return str(Path(home) / "history" / "runs")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` with one cached engine per database, in WAL mode.

    Configured like Dagster's own: ``base_dir`` is the folder of the per-run databases,
    by default Dagster's own place for them, ``$DAGSTER_HOME/history/runs``.
    """

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        super().__init__(base_dir, inst_data)

    @classmethod
    def config_type(cls) -> dict[str, Field]:
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(  # ty: ignore[invalid-method-override]
        cls, inst_data: ConfigurableClassData | None, config_value: dict[str, Any]
    ) -> PooledSqliteEventLogStorage:
        base_dir = config_value.get("base_dir") or default_base_dir()
        return cls(base_dir=base_dir, inst_data=inst_data)

    def _engine(self, shard: str) -> Engine:
        with self._engines_lock:
            engine = self._engines.get(shard)
            if engine is not None:
                self._engines.move_to_end(shard)
                return engine
            engine = create_engine(
                self.conn_string_for_shard(shard),
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            event.listen(engine, "connect", _write_ahead_log)
            self._engines[shard] = engine
            while len(self._engines) > ENGINES_KEPT:
                _, oldest = self._engines.popitem(last=False)
                oldest.dispose()
            return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose_engines(self) -> None:
        """Close every cached connection (SQLite then checkpoints the WAL into the file)."""
        with self._engines_lock:
            while self._engines:
                _, engine = self._engines.popitem()
                engine.dispose()

    def wipe(self) -> None:
        self.dispose_engines()
        super().wipe()

    def dispose(self) -> None:
        super().dispose()
        self.dispose_engines()

    def watch(self, run_id: str, cursor: str | None, callback: EventHandlerFn) -> None:
        if not self._obs:
            self._obs = Observer()
            self._obs.start()
        watchdog = WalAwareWatchdog(self, run_id, callback, cursor)
        self._watchers[run_id][callback] = (
            watchdog,
            self._obs.schedule(watchdog, self._base_dir, recursive=True),
        )


class WalAwareWatchdog(SqliteEventLogStorageWatchdog):
    """Dagster's run watcher, woken by a change to the run's database or its WAL file."""

    def __init__(
        self,
        event_log_storage: SqliteEventLogStorage,
        run_id: str,
        callback: EventHandlerFn,
        cursor: str | None,
    ) -> None:
        super().__init__(event_log_storage, run_id, callback, cursor)
        self._patterns = [self._log_path, f"{self._log_path}-wal"]

    def on_modified(self, event: FileSystemEvent) -> None:
        if event.src_path in (self._log_path, f"{self._log_path}-wal"):
            self._process_log()
