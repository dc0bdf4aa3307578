"""The versioned schema: ordered migrations, each run once and recorded; a newer ledger refused untouched.

Each migration is tested from every older version on a copy of the demo's real ledger, rebuilt
under the DDL that version's jj123 wrote (:mod:`tests.ledger.old_schemas`, from git history).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jj123lib.core.exceptions import LedgerError
from jj123lib.demo.generate import DemoSummary
from jj123lib.intake.ingest import ingest_files
from jj123lib.ledger import schema
from jj123lib.ledger.schema import CURRENT_VERSION, MIGRATIONS, Migration
from jj123lib.ledger.store import LEDGER_FILE, SCHEMA_VERSION, Ledger
from tests.ledger.old_schemas import OLD_SCHEMAS
from tests.ledger_helpers import filled_progress

pytestmark = pytest.mark.usefixtures("q3_forms_received")

UNIT = "陈埭镇"


def _shape(path: Path) -> dict[str, Any]:
    """Tables with their columns (name, type, not null, default, key) and indexes: the schema, not its text."""
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                            " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        shape: dict[str, Any] = {n: [r[1:] for r in conn.execute(f"PRAGMA table_info({n})")] for n in names}
        shape["indexes"] = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'"
                                                             " AND sql IS NOT NULL"))
        return shape
    finally:
        conn.close()


def _rows(path: Path, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid").fetchall()
    finally:
        conn.close()


def _old_ledger(demo: Path, version: str, folder: Path) -> Path:
    """A copy of the demo ledger's rows in a ledger built by schema ``version``'s DDL, stamped with it.

    Rows the old CHECKs refuse (a recognition's verification before schema 5) are left out, as that
    jj123 could not have written them.
    """
    folder.mkdir(parents=True)
    path = folder / LEDGER_FILE
    conn = sqlite3.connect(path)
    try:
        conn.executescript(OLD_SCHEMAS[version][1])
        conn.execute("ATTACH DATABASE ? AS demo", (str(demo),))
        tables = [r[0] for r in conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'"
                                             " AND name NOT IN ('meta', 'sqlite_sequence')")]
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA main.table_info({table})")]
            listed = ", ".join(columns)
            for row in conn.execute(f"SELECT {listed} FROM demo.{table} ORDER BY rowid").fetchall():
                with contextlib.suppress(sqlite3.IntegrityError):
                    conn.execute(f"INSERT INTO main.{table} ({listed}) VALUES ({', '.join('?' * len(row))})", row)
        conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (version.rstrip("+"),))
        conn.commit()
        conn.execute("DETACH DATABASE demo")
    finally:
        conn.close()
    return folder


@pytest.fixture()
def fresh(tmp_path: Path) -> Path:
    """The shape of a ledger made by this jj123."""
    ledger = Ledger(tmp_path / "fresh")
    with ledger.transaction():
        pass
    return ledger.path


@pytest.mark.parametrize("version", list(OLD_SCHEMAS))
def test_an_older_ledger_is_upgraded_in_place_with_its_data(version: str, demo_data: DemoSummary, fresh: Path,
                                                            tmp_path: Path) -> None:
    data = _old_ledger(Ledger(demo_data.data_dir).path, version, tmp_path / "data")
    ledger = Ledger(data)
    old_shape = _shape(ledger.path)
    before = {t: _rows(ledger.path, t, [c[0] for c in cols])
              for t, cols in old_shape.items() if t not in ("indexes", "meta")}
    assert sum(map(len, before.values())) > 100  # a real ledger, not an empty one
    fingerprint = ledger.fingerprint()  # readable as it is
    assert ledger.schema_version() == version.rstrip("+")

    with ledger.transaction():  # the next write upgrades it
        pass

    assert ledger.schema_version() == SCHEMA_VERSION == str(CURRENT_VERSION)
    assert _shape(ledger.path) == _shape(fresh)
    for table, rows in before.items():  # every row kept, column for column
        assert _rows(ledger.path, table, [c[0] for c in old_shape[table]]) == rows, table
    assert ledger.fingerprint() == fingerprint
    conn = sqlite3.connect(ledger.path)
    recorded = conn.execute("SELECT version, applied_at FROM schema_migrations ORDER BY version").fetchall()
    conn.close()
    assert [v for v, _ in recorded] == list(range(int(version.rstrip("+")) + 1, CURRENT_VERSION + 1))
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", at) for _, at in recorded)


def test_the_verification_check_is_widened_by_the_upgrade(demo_data: DemoSummary, tmp_path: Path) -> None:
    ledger = Ledger(_old_ledger(Ledger(demo_data.data_dir).path, "4", tmp_path / "data"))
    with ledger.transaction() as conn:
        conn.execute("INSERT INTO verifications (target, kind, quarter, decision, evidence, by, at)"
                     " VALUES ('N02@2026Q3', 'recognition', '2026Q3', 'verified', '[]', 'x',"
                     " '2026-10-20T10:00:00+08:00')")
    assert "recognition" in set(ledger.verifications()["kind"])


def test_a_schema_7_plan_is_read_then_upgraded_to_8_without_measures(demo_data: DemoSummary, tmp_path: Path) -> None:
    """7 → 8: the plan gains 攻坚措施 and 责任人; a plan received before keeps its rows, without them (NULL)."""
    demo = Ledger(demo_data.data_dir).plan()
    assert demo["measures"].notna().all() and demo["owner"].notna().all()  # the demo's plans fill them
    ledger = Ledger(_old_ledger(Ledger(demo_data.data_dir).path, "7", tmp_path / "data"))
    assert "measures" not in [c[0] for c in _shape(ledger.path)["plan"]]
    before = ledger.plan()  # read as it is, before any write
    assert len(before) == len(demo) and before["measures"].isna().all() and before["owner"].isna().all()
    with ledger.transaction():
        pass
    assert ledger.schema_version() == str(CURRENT_VERSION)
    after = ledger.plan()
    assert after.drop(columns=["measures", "owner"]).equals(before.drop(columns=["measures", "owner"]))
    assert after["measures"].isna().all() and after["owner"].isna().all()
    conn = sqlite3.connect(ledger.path)
    assert conn.execute("SELECT COUNT(*) FROM plan WHERE measures IS NOT NULL OR owner IS NOT NULL").fetchone() == (0,)
    conn.close()


def test_a_new_ledger_records_every_migration_and_each_runs_once(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "data")
    assert ingest_files([filled_progress(tmp_path / "a", UNIT, "2026Q2")], ledger.data_dir)[0].status == "accepted"
    conn = sqlite3.connect(ledger.path)
    first = conn.execute("SELECT version, applied_at FROM schema_migrations ORDER BY version").fetchall()
    conn.close()
    assert [v for v, _ in first] == [m.version for m in MIGRATIONS] == list(range(1, CURRENT_VERSION + 1))
    assert ingest_files([filled_progress(tmp_path / "b", UNIT, "2026Q3")], ledger.data_dir)[0].status == "accepted"
    conn = sqlite3.connect(ledger.path)
    assert conn.execute("SELECT version, applied_at FROM schema_migrations ORDER BY version").fetchall() == first
    conn.close()


def test_a_failed_migration_keeps_the_steps_before_it(demo_data: DemoSummary, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = Ledger(_old_ledger(Ledger(demo_data.data_dir).path, "2", tmp_path / "data"))

    def broken(conn: sqlite3.Connection, ddl: object) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("migration 4 broke")

    steps = tuple(Migration(m.version, m.summary, broken) if m.version == 4 else m for m in MIGRATIONS)
    monkeypatch.setattr(schema, "MIGRATIONS", steps)
    with pytest.raises(RuntimeError, match="migration 4 broke"), ledger.transaction():
        pass
    assert ledger.schema_version() == "3" and "half_done" not in _shape(ledger.path)
    monkeypatch.undo()
    with ledger.transaction():  # the next write resumes from there
        pass
    assert ledger.schema_version() == SCHEMA_VERSION


def _stamp(path: Path, version: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
    conn.commit()
    conn.close()


def test_a_ledger_of_a_newer_jj123_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert ingest_files([filled_progress(tmp_path / "a", UNIT, "2026Q2")], data)[0].status == "accepted"
    ledger = Ledger(data)
    newer = str(CURRENT_VERSION + 1)
    _stamp(ledger.path, newer)
    shutil.copy(ledger.path, tmp_path / "before.sqlite")
    original = ledger.path.read_bytes()
    expected = (rf"台账 {re.escape(str(ledger.path))} 由更新版本的 jj123 写入"
                rf"（数据结构版本 {newer}，本程序只支持到 {CURRENT_VERSION}）")

    with pytest.raises(LedgerError, match=expected):
        ledger.add_override("N08", "2026Q2", "green", "经核实进度正常", "王主任")
    with pytest.raises(LedgerError, match=expected):
        ingest_files([filled_progress(tmp_path / "b", UNIT, "2026Q3")], data)
    with pytest.raises(LedgerError, match=expected):
        ledger.submissions()
    assert ledger.schema_version() == newer  # still says what it is
    assert ledger.path.read_bytes() == original
    assert sorted(p.name for p in data.iterdir() if p.name.startswith(LEDGER_FILE)) == [LEDGER_FILE]


def test_an_unreadable_version_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert ingest_files([filled_progress(tmp_path / "a", UNIT, "2026Q2")], data)[0].status == "accepted"
    ledger = Ledger(data)
    _stamp(ledger.path, "五")
    original = ledger.path.read_bytes()
    with pytest.raises(LedgerError, match="数据结构版本“五”无法识别"):
        ledger.add_override("N08", "2026Q2", "green", "经核实进度正常", "王主任")
    assert ledger.path.read_bytes() == original


def test_the_fingerprint_tolerates_a_missing_table_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    assert ingest_files([filled_progress(tmp_path / "a", UNIT, "2026Q2")], data)[0].status == "accepted"
    ledger = Ledger(data)
    fingerprint = ledger.fingerprint()
    conn = sqlite3.connect(ledger.path)
    conn.execute("DROP TABLE recognitions")  # empty here: an older ledger without it reads alike
    conn.commit()
    conn.close()
    assert ledger.fingerprint() == fingerprint

    class Locked:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
            if "FROM duban" in sql:
                raise sqlite3.OperationalError("database is locked")
            return self.conn.execute(sql, *args)

    real = Ledger._reader

    @contextlib.contextmanager
    def reader(self: Ledger) -> Iterator[Any]:
        with real(self) as conn:
            yield Locked(conn) if conn is not None else None

    monkeypatch.setattr(Ledger, "_reader", reader)
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        ledger.fingerprint()
