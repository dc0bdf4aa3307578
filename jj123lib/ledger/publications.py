"""季度封账: the moment a quarter's verdicts were published, what they were built from, and corrections since.

A year's review (年度考评) is published the same way: its ``quarter`` column holds the year (``2026``).

``publish`` records a ``publications`` row (kind ``publish``: the read moment ``as_of``, who, when, the
outputs' fingerprints) and keeps a snapshot of every input the quarter's outputs are built from under
``<data_dir>/published/<QUARTER>/``: a consistent copy of ``ledger.sqlite`` (SQLite's backup API, taken
inside the live ledger's write transaction), and copies of the input files the caller names (the rules,
the units file, the quarter's 督查室意见), each with its SHA-256 in the row's ``detail``. A demo folder's
marker is copied with its story clock set to ``as_of``, so the snapshot reads as of the publication.

Whole or nothing: the snapshot is built in a temporary folder and renamed into place while the live
ledger's transaction is still open; the publication exists once that transaction commits. A snapshot
folder without its row (a publish killed half-way) is stale: the next ``publish`` of the quarter removes it,
and nothing reads it meanwhile (:func:`publication` reads the live row first).

A published quarter changes only by :func:`correct`: the change is applied to a copy of the snapshot
(stamped at the publication's ``as_of``, so the published view sees it) and to the live ledger, and a
``correction`` row (reason, who, when, what changed) is appended to both; the copy then replaces the snapshot.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from jj123lib.core.atomic import atomic_folder, folder_lock, sync_tree
from jj123lib.core.clock import china_now, china_stamp
from jj123lib.core.crashpoints import crash_point
from jj123lib.core.datadir import LEDGER_FILE, demo_clock, demo_marker, mark_demo
from jj123lib.core.exceptions import LedgerError
from jj123lib.core.files import FileRefused, read_bounded
from jj123lib.domain.quarters import normalize_quarter
from jj123lib.ledger.store import Ledger

__all__ = ["PUBLISHED_DIR", "period", "Publication", "publication", "publications", "snapshot_dir", "publish",
           "correct", "refuse_if_published", "published_among", "published_message", "recover", "PUBLICATION_COLUMNS",
           "Apply", "Render"]

PUBLISHED_DIR = "published"
PUBLICATION_COLUMNS = ["id", "quarter", "kind", "as_of", "reason", "detail", "outputs", "by", "at"]
READ_LIMIT = 64 * 1024 * 1024  # an input file copied into a snapshot (rules, units, opinions) is never larger

# apply(data folder, stamp clock): the change a correction makes, to the snapshot (clock = as_of) or live (None).
Apply = Callable[[Path, datetime | None], object]
# render(snapshot folder, publication) → the outputs' fingerprints, recorded in the publish row.
Render = Callable[[Path, "Publication"], Mapping[str, Any]]


@dataclass(frozen=True)
class Publication:
    """A published quarter: its snapshot, the moment it was read at, and the corrections since."""

    quarter: str
    as_of: str  # the read moment, a China-time stamp
    at: str  # when it was published
    by: str
    folder: Path  # the snapshot
    detail: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    corrections: tuple[dict[str, Any], ...] = ()

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.as_of)

    @property
    def day(self) -> str:
        """The day it was published (China time), as the reports and messages say it."""
        return self.at[:10]

    def input_path(self, name: str) -> Path | None:
        """The snapshot's copy of an input file (``rules.yaml``, ``units.yaml``…), if it was there."""
        return self.folder / name if name in self.detail.get("files", {}) else None


def period(value: str | int) -> str:
    """What a publication covers: a quarter (``2026Q3``), or a year (``2026``: its year-end review)."""
    text = str(value).strip()
    return text if text.isascii() and text.isdigit() and len(text) == 4 else normalize_quarter(text)


def snapshot_dir(data_dir: str | os.PathLike[str] | Ledger | None, quarter: str) -> Path:
    """Where the snapshot of ``quarter`` is kept: ``<data_dir>/published/<QUARTER>``."""
    return Ledger.of(data_dir).data_dir / PUBLISHED_DIR / period(quarter)


def publications(data_dir: str | os.PathLike[str] | Ledger | None, quarter: str | None = None) -> list[dict[str, Any]]:
    """The ``publications`` rows of a ledger (every one, whatever its read moment), oldest first."""
    ledger = Ledger.of(data_dir)
    where, params = ("WHERE quarter = ?", (period(quarter),)) if quarter else ("", ())
    frame = ledger.query(f"SELECT * FROM main.publications {where} ORDER BY id", params, PUBLICATION_COLUMNS)
    rows = []
    for row in frame.to_dict(orient="records"):
        record = {str(k): v for k, v in row.items()}
        record["detail"], record["outputs"] = _json(record["detail"]), _json(record["outputs"])
        rows.append(record)
    return rows


def publication(data_dir: str | os.PathLike[str] | Ledger | None, quarter: str) -> Publication | None:
    """The publication of ``quarter`` recorded in this folder's ledger (live, or a snapshot's), or ``None``."""
    ledger = Ledger.of(data_dir)
    if not ledger.exists():
        return None
    rows = publications(ledger, quarter)
    first = next((r for r in rows if r["kind"] == "publish"), None)
    if first is None:
        return None
    return Publication(quarter=str(first["quarter"]), as_of=str(first["as_of"]), at=str(first["at"]),
                       by=str(first["by"]), folder=snapshot_dir(ledger, quarter), detail=first["detail"],
                       outputs=first["outputs"], corrections=tuple(r for r in rows if r["kind"] == "correction"))


def published_message(found: Publication, what: str, *, workbench: bool = False) -> str:
    """The Chinese refusal for a change to a published quarter (or year), saying how to correct it: by the command's
    ``--correct`` (a recorded correction); the workbench makes no corrections."""
    year = found.quarter.isdigit()
    what_was = f"{found.quarter} {'年度考评已于' if year else '已于'} {found.day} {'发布' if year else '封账发布'}"
    where = "已发布的年度考评" if year else "已发布的季度"
    how = (f"工作台不改动已发布的数据；如确需更正，须作为更正记录办理（写明理由和更正人，写入{where}并在报告中"
           "附更正说明），请联系督查室负责同志用 jj123 命令的 --correct 办理。" if workbench else
           f"如确需更正，请加 --correct --reason 理由 --by 姓名，作为更正记录，更正将写入{where}并在报告中附更正说明。")
    return f"{what_was}（数据截至 {found.as_of[:16].replace('T', ' ')}），不能直接{what}。{how}"


def refuse_if_published(data_dir: str | os.PathLike[str] | Ledger | None, periods: str | list[str], what: str, *,
                        workbench: bool = False) -> None:
    """Refuse (:class:`LedgerError`, in Chinese) a change ``what`` to any of ``periods`` (a quarter, or quarters and
    years) once published; a single quarter counts with its year, whose review reads it."""
    found = published_among(data_dir, periods)
    if found:
        raise LedgerError(published_message(found[0], what, workbench=workbench))


def published_among(data_dir: str | os.PathLike[str] | Ledger | None, periods: str | list[str]) -> list[Publication]:
    """The publications of ``periods`` (a quarter, with its year: the year's review reads every quarter of it; or
    the quarters and years a change was found to touch), in that order."""
    touched = [periods, period(periods)[:4]] if isinstance(periods, str) else list(periods)
    return [p for p in (publication(data_dir, q) for q in touched) if p is not None]


def _need(label: str, value: str | None, least: int = 1) -> str:
    text = str(value or "").strip()
    if len(text) < least:
        raise LedgerError(f"必须写明{label}" + (f"（至少 {least} 个字）" if least > 1 else ""))
    return text


def publish(data_dir: str | os.PathLike[str] | Ledger | None, quarter: str, *, by: str,
            inputs: Mapping[str, str | os.PathLike[str] | None], as_of: datetime | None = None,
            now: datetime | None = None, render: Render | None = None) -> Publication:
    """Publish ``quarter`` as read at ``as_of`` (default: the ledger's moment): snapshot and row, whole or nothing.

    ``inputs`` maps a name in the snapshot (``rules.yaml``, ``opinions/2026Q3.yaml``) to the file it copies
    (``None`` or a missing file: not copied). ``render``, given the snapshot in place, renders the quarter's
    outputs from it and returns their fingerprints; any failure there publishes nothing.
    """
    ledger = Ledger.of(data_dir, existing=True)
    q, who = period(quarter), _need("发布人（--by）", by)
    moment = china_now(as_of) if as_of is not None else ledger.moment()
    if moment > china_now(now):
        raise LedgerError(f"发布时点 {china_stamp(moment)[:16]} 晚于现在，不能发布将来的数据")
    final = snapshot_dir(ledger, q)
    with ledger.transaction():  # an older ledger is migrated first: its publications table exists
        pass
    with ledger.lock():  # every writer takes it: the ledger holds still while it is copied
        found = publication(ledger, q)
        if found is not None:
            raise LedgerError(f"{q} 已于 {found.day} 由 {found.by} 封账发布，不能重复发布；"
                              "如需改动已发布的数据，请用 --correct 作为更正记录")
        _remove_stale(final)
        stamp, at = china_stamp(moment), china_stamp(now)
        record = Publication(quarter=q, as_of=stamp, at=at, by=who, folder=final)
        try:
            detail = _build_snapshot(ledger, final, inputs, record)
            record = Publication(quarter=q, as_of=stamp, at=at, by=who, folder=final, detail=detail)
            outputs = dict(render(final, record)) if render is not None else {}
            crash_point("publish.rendered")
        except BaseException:
            shutil.rmtree(final, ignore_errors=True)
            raise
        # The snapshot goes with a row that did not commit, never with one that did (a Ctrl+C just after COMMIT).
        _insert(ledger.path, record, "publish", "季度封账", detail, outputs, point="publish.before_commit",
                undo=functools.partial(shutil.rmtree, final, ignore_errors=True))
    crash_point("publish.after_commit")
    return Publication(quarter=q, as_of=stamp, at=at, by=who, folder=final, detail=detail, outputs=outputs)


def _insert(path: Path, record: Publication, kind: str, reason: str, detail: Mapping[str, Any],
            outputs: Mapping[str, Any], *, by: str | None = None, at: str | None = None,
            point: str | None = None, undo: Callable[[], object] | None = None) -> None:
    """Append one ``publications`` row to the ledger at ``path`` in its own transaction (caller holds the lock;
    ``point``: the crash point just before its commit; ``undo``: run if it does not commit)."""
    with Ledger(path.parent).writer(point, undo=undo) as conn:
        conn.execute("INSERT INTO publications (quarter, kind, as_of, reason, detail, outputs, by, at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (record.quarter, kind, record.as_of, reason, _dump(detail), _dump(outputs),
                      by or record.by, at or record.at))


def _build_snapshot(ledger: Ledger, final: Path,
                    inputs: Mapping[str, str | os.PathLike[str] | None], record: Publication) -> dict[str, Any]:
    """Copy the ledger and the input files into a folder written whole at ``final``, with the publication
    recorded in its ledger; returns the ``detail`` (each copied file's SHA-256)."""
    with atomic_folder(final) as tmp:
        _backup(ledger.path, tmp / LEDGER_FILE)
        crash_point("publish.copied")
        files = {LEDGER_FILE: _sha256(tmp / LEDGER_FILE)}
        for name, source in sorted(inputs.items()):
            if source is None or not Path(source).is_file():
                continue
            files[name] = _copy(Path(source), tmp / name)
        clock = demo_clock(ledger.data_dir)
        if clock is not None:  # the demo's story reads at its clock: the snapshot's stands at the publication
            mark_demo(tmp, int(demo_marker(ledger.data_dir).get("seed", 0)), record.moment)
        detail = {"files": files}
        _append(tmp, record, "publish", "季度封账", detail)
    crash_point("publish.snapshot")
    return detail


def correct(data_dir: str | os.PathLike[str] | Ledger | None, quarter: str, *, reason: str, by: str,
            what: str, apply: Apply, now: datetime | None = None, live: bool = True) -> dict[str, Any]:
    """Apply a change to a published quarter as a correction, to its snapshot and the live ledger.

    ``apply(folder, clock)`` makes the change in one data folder: the snapshot's copy with ``clock`` the
    publication's ``as_of`` (so the published view sees it), then the live folder with ``clock`` ``None``
    (now). ``what`` says what changed, in Chinese, for the 更正说明. Returns the correction row. ``live``
    false: the live folder has the change already (one change correcting several published quarters).
    """
    ledger = Ledger.of(data_dir, existing=True)
    q = period(quarter)
    why, who, said = _need("更正理由（--reason）", reason, 4), _need("更正人（--by）", by), _need("更正内容", what)
    found = publication(ledger, q)
    if found is None:
        raise LedgerError(f"{q} 尚未封账发布，无需 --correct，请直接操作")
    if not (found.folder / LEDGER_FILE).is_file():
        raise LedgerError(f"{q} 已封账发布，但其封账副本 {found.folder} 缺失，无法更正；请联系维护人员")
    at = china_stamp(now)
    detail: dict[str, Any] = {"what": said}
    row: dict[str, Any] = {"quarter": q, "kind": "correction", "as_of": found.as_of, "reason": why,
                           "detail": detail, "by": who, "at": at}
    with folder_lock(found.folder):
        _recover(ledger, found)
        tmp = _pending(found.folder)
        tmp.mkdir()
        try:
            _copy_snapshot(found.folder, tmp)
            apply(tmp, found.moment)
            _append(tmp, found, "correction", why, detail, by=who, at=at)
            sync_tree(tmp)
            crash_point("correction.prepared")
            if live:
                apply(ledger.data_dir, now)
            crash_point("correction.applied")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        # Once the live row has committed, the corrected copy stays pending for _recover, whatever stops the swap.
        with ledger.transaction(undo=functools.partial(shutil.rmtree, tmp, ignore_errors=True)) as conn:
            conn.execute("INSERT INTO publications (quarter, kind, as_of, reason, detail, outputs, by, at)"
                         " VALUES (?, 'correction', ?, ?, ?, '{}', ?, ?)",
                         (q, found.as_of, why, _dump(detail), who, at))
        crash_point("correction.recorded")
        _swap(found.folder, tmp)
    crash_point("correction.after_swap")
    return row


def recover(data_dir: str | os.PathLike[str] | Ledger | None, quarter: str) -> bool:
    """Finish a correction killed after its live record: its corrected snapshot replaces the old one.

    Returns whether it did. Anything else a killed correction left is removed.
    """
    found = publication(data_dir, quarter)
    if found is None or not found.folder.is_dir():
        return False
    with folder_lock(found.folder):
        return _recover(Ledger.of(data_dir), found)


def _recover(ledger: Ledger, found: Publication) -> bool:
    """(Caller holds the snapshot's lock.) The pending copy is taken only when the live ledger has recorded
    exactly the corrections it holds; otherwise it was never applied, and goes."""
    pending, done = _pending(found.folder), False
    if (pending / LEDGER_FILE).is_file():
        held, live = _corrections(pending, found.quarter), _corrections(ledger.data_dir, found.quarter)
        stamps = [r["at"] for r in held]
        if held and stamps == [r["at"] for r in live] and len(held) > len(_corrections(found.folder, found.quarter)):
            _swap(found.folder, pending)
            done = True
    for leftover in found.folder.parent.glob(f".{found.folder.name}.*"):
        shutil.rmtree(leftover, ignore_errors=True)
    return done


def _corrections(folder: Path, quarter: str) -> list[dict[str, Any]]:
    return [r for r in publications(folder, quarter) if r["kind"] == "correction"]


def _pending(folder: Path) -> Path:
    """Where a correction prepares the snapshot's corrected copy."""
    return folder.with_name(f".{folder.name}.pending.part")


def _append(folder: Path, record: Publication, kind: str, reason: str, detail: Mapping[str, Any], *,
            by: str | None = None, at: str | None = None) -> None:
    """Append a ``publications`` row to the ledger of a snapshot being built (no one else sees it yet)."""
    _insert(folder / LEDGER_FILE, record, kind, reason, detail, {}, by=by, at=at)


def _copy_snapshot(source: Path, target: Path) -> None:
    """A consistent copy of a snapshot folder: its ledger through the backup API, the other files as bytes."""
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_dir() or relative.name.startswith(".") or relative.parts[0] == LEDGER_FILE:
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / relative)
    _backup(source / LEDGER_FILE, target / LEDGER_FILE)


def _backup(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite file through its backup API (the caller keeps writers out)."""
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _swap(folder: Path, replacement: Path) -> None:
    """Put ``replacement`` in place of ``folder`` (two renames; the old copy goes last)."""
    old = folder.with_name(f".{folder.name}.old.part")
    shutil.rmtree(old, ignore_errors=True)
    os.replace(folder, old)
    os.replace(replacement, folder)
    shutil.rmtree(old, ignore_errors=True)


def _remove_stale(final: Path) -> None:
    """Remove what a killed publish or correction left (caller holds the data folder's lock)."""
    parent = final.parent
    if not parent.is_dir():
        return
    for leftover in parent.glob(f".{final.name}.*"):
        shutil.rmtree(leftover, ignore_errors=True)
    if final.exists():  # a snapshot without its publication row
        shutil.rmtree(final)


def _copy(source: Path, target: Path) -> str:
    """Copy one input file (bounded) and return its SHA-256."""
    try:
        data = read_bounded(source, READ_LIMIT, "封账输入文件")
    except FileRefused as exc:
        raise LedgerError(f"{exc}，不能作为封账输入") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:  # the snapshot's own ledger copy, in chunks
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _json(value: Any) -> dict[str, Any]:
    try:
        loaded = json.loads(str(value))
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}
