"""The ledger's tables: the DDL every ledger is created with, and the columns its readers return.

The DDL's CHECK lists come from :mod:`jj123lib.domain.vocab`; :mod:`jj123lib.ledger.schema` runs it and
adds the later columns by migration.
"""

from __future__ import annotations

from jj123lib.domain.vocab import (
    ALL_LEVELS,
    COORDINATION_STATUSES,
    DEPARTMENT_SOURCES,
    DUBAN_STATUSES,
    FILE_ACTIONS,
    FILE_KINDS,
    GOAL_LEVELS,
    LEVELS,
    OVERRIDE_LIGHTS,
    PUBLICATION_KINDS,
    RECOGNITION_STAGES,
    RESPONSE_STATUSES,
    ROLES,
    VERIFICATION_DECISIONS,
    VERIFICATION_KINDS,
)

__all__ = ["SCHEMA", "SUBMISSION_COLUMNS", "PLAN_COLUMNS", "VERIFICATION_COLUMNS", "OVERRIDE_COLUMNS",
           "FILE_COLUMNS", "EXTRA_TABLES", "RECEIPT_COLUMNS", "PLAN_TASK_COLUMNS", "STAMP_COLUMNS", "sql_list"]


def sql_list(words: tuple[str, ...]) -> str:
    """The SQL list inside a CHECK's ``IN (…)``: ``'a', 'b'`` (the vocabulary holds no quotes)."""
    return ", ".join(f"'{word}'" for word in words)


# The CHECKs come from domain.vocab; the text is byte-for-byte the one older ledgers were created with.
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    ext TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ({sql_list(FILE_KINDS)})),
    unit TEXT NOT NULL,
    quarter TEXT,
    year INTEGER NOT NULL,
    form_version TEXT,
    source_format TEXT NOT NULL,
    rows INTEGER NOT NULL,
    size INTEGER NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_sha256 TEXT NOT NULL REFERENCES files (sha256),
    sheet TEXT,
    excel_row INTEGER NOT NULL,
    task_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    unit TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ({sql_list(ROLES)})),
    actual_pct REAL,
    milestone_met INTEGER,
    self_status TEXT,
    progress TEXT,
    problems TEXT,
    next_steps TEXT,
    coordination TEXT,
    reporter TEXT,
    report_date TEXT,
    normalizations TEXT,
    ingested_at TEXT NOT NULL,
    superseded INTEGER NOT NULL DEFAULT 0,
    coordination_department TEXT
);
CREATE INDEX IF NOT EXISTS submissions_quarter ON submissions (quarter, superseded);
CREATE TABLE IF NOT EXISTS plan (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_sha256 TEXT NOT NULL REFERENCES files (sha256),
    sheet TEXT,
    excel_row INTEGER NOT NULL,
    task_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    unit TEXT NOT NULL,
    milestone TEXT NOT NULL,
    planned_pct REAL NOT NULL,
    reporter TEXT,
    report_date TEXT,
    ingested_at TEXT NOT NULL,
    superseded INTEGER NOT NULL DEFAULT 0,
    measures TEXT,
    owner TEXT
);
CREATE TABLE IF NOT EXISTS overrides (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    light TEXT NOT NULL CHECK (light IN ({sql_list(OVERRIDE_LIGHTS)})),
    reason TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    revoked_at TEXT,
    revoked_by TEXT,
    revoke_reason TEXT
);
CREATE TABLE IF NOT EXISTS duban (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    unit TEXT NOT NULL,
    trigger TEXT NOT NULL,
    reason TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND {len(LEVELS)}),
    status TEXT NOT NULL CHECK (status IN ({sql_list(DUBAN_STATUSES)})),
    issued_on TEXT NOT NULL,
    due_date TEXT NOT NULL,
    last_trigger_quarter TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS duban_steps (
    duban_id TEXT NOT NULL REFERENCES duban (id),
    step INTEGER NOT NULL CHECK (step >= 1),
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND {len(ALL_LEVELS)}),
    issued_on TEXT NOT NULL,
    due_date TEXT NOT NULL,
    reason TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (duban_id, step)
);
CREATE TABLE IF NOT EXISTS duban_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    duban_id TEXT NOT NULL REFERENCES duban (id),
    status TEXT NOT NULL CHECK (status IN ({sql_list(RESPONSE_STATUSES)})),
    text TEXT NOT NULL,
    file_sha256 TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS response_files (
    sha256 TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    ext TEXT NOT NULL,
    duban_id TEXT NOT NULL REFERENCES duban (id),
    unit TEXT NOT NULL,
    size INTEGER NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0,
    phone TEXT,
    content_sha256 TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS evidence (
    sha256 TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    ext TEXT NOT NULL,
    size INTEGER NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS verifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ({sql_list(VERIFICATION_KINDS)})),
    quarter TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ({sql_list(VERIFICATION_DECISIONS)})),
    evidence TEXT NOT NULL,
    note TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    revoked_at TEXT,
    revoked_by TEXT,
    revoke_reason TEXT
);
CREATE TABLE IF NOT EXISTS coordination (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    unit TEXT NOT NULL,
    leader TEXT NOT NULL,
    text TEXT NOT NULL,
    quarter_raised TEXT NOT NULL,
    last_quarter TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ({sql_list(COORDINATION_STATUSES)})),
    ref TEXT,
    closed_by TEXT,
    closed_at TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS coordination_departments (
    item_id TEXT NOT NULL REFERENCES coordination (id),
    department TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ({sql_list(DEPARTMENT_SOURCES)})),
    quarter TEXT,
    reason TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS coordination_mentions (
    item_id TEXT NOT NULL REFERENCES coordination (id),
    quarter TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (item_id, quarter)
);
CREATE TABLE IF NOT EXISTS benchmark_plan (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_sha256 TEXT NOT NULL REFERENCES files (sha256),
    sheet TEXT,
    excel_row INTEGER NOT NULL,
    task_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    unit TEXT NOT NULL,
    peers TEXT NOT NULL,
    indicator_no INTEGER NOT NULL CHECK (indicator_no BETWEEN 0 AND 3),
    indicator TEXT NOT NULL,
    definition TEXT NOT NULL,
    source TEXT NOT NULL,
    measure_unit TEXT NOT NULL,
    baseline REAL,
    target REAL,
    benchmark_value REAL,
    target_rank TEXT NOT NULL,
    goal_level TEXT NOT NULL CHECK (goal_level IN ({sql_list(('', *GOAL_LEVELS))})),
    goal_text TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    superseded INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS indicator_values (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_sha256 TEXT NOT NULL REFERENCES files (sha256),
    sheet TEXT,
    excel_row INTEGER NOT NULL,
    task_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    unit TEXT NOT NULL,
    indicator_no INTEGER NOT NULL CHECK (indicator_no BETWEEN 1 AND 3),
    indicator TEXT NOT NULL,
    measure_unit TEXT NOT NULL,
    value REAL,
    benchmark_value REAL,
    rank INTEGER,
    rank_text TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    superseded INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS recognitions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_sha256 TEXT NOT NULL REFERENCES files (sha256),
    sheet TEXT,
    excel_row INTEGER NOT NULL,
    task_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    unit TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ({sql_list(RECOGNITION_STAGES)})),
    level TEXT NOT NULL,
    date TEXT NOT NULL,
    evidence TEXT NOT NULL,
    note TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    superseded INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS file_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_sha256 TEXT NOT NULL REFERENCES files (sha256),
    action TEXT NOT NULL CHECK (action IN ({sql_list(FILE_ACTIONS)})),
    reason TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS publications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    quarter TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ({sql_list(PUBLICATION_KINDS)})),
    as_of TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    outputs TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_unit_quarter ON submissions (unit, quarter);
CREATE TABLE IF NOT EXISTS supervision_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
"""

SUBMISSION_COLUMNS = [
    "id", "task_id", "quarter", "unit", "role", "actual_pct", "milestone_met", "self_status", "progress",
    "problems", "next_steps", "coordination", "reporter", "report_date", "normalizations", "file_sha256",
    "filename", "phone", "sheet", "excel_row", "ingested_at", "superseded", "received_at", "coordination_department",
]
PLAN_COLUMNS = ["task_id", "quarter", "milestone", "planned_pct", "unit", "reporter", "report_date",
                "file_sha256", "filename", "sheet", "excel_row", "ingested_at", "measures", "owner"]
# The columns schema 8 adds to ``plan``: the task's 攻坚措施 and 责任人 from the plan form (the same on each quarter).
PLAN_TASK_COLUMNS = ("measures", "owner")
VERIFICATION_COLUMNS = ["id", "target", "kind", "quarter", "decision", "evidence", "note", "by", "at", "revoked",
                        "revoked_at", "revoked_by", "revoke_reason"]
OVERRIDE_COLUMNS = ["id", "task_id", "quarter", "light", "reason", "by", "at", "revoked", "revoked_at",
                    "revoked_by", "revoke_reason"]
FILE_COLUMNS = ["sha256", "filename", "ext", "kind", "unit", "quarter", "year", "form_version", "source_format",
                "rows", "size", "demo", "ingested_at", "received_at", "received_by", "archive_path"]
# The columns schema 6 adds to ``files``: when the office received the file and who took it in.
RECEIPT_COLUMNS = ("received_at", "received_by")
# Every column holding a stamp (schema 6 converts naive ones to China time with offset).
STAMP_COLUMNS: tuple[tuple[str, str], ...] = (
    ("files", "ingested_at"), ("submissions", "ingested_at"), ("plan", "ingested_at"), ("overrides", "at"),
    ("overrides", "revoked_at"), ("duban", "at"), ("duban_responses", "at"), ("response_files", "ingested_at"),
    ("evidence", "at"), ("verifications", "at"), ("verifications", "revoked_at"), ("coordination", "at"),
    ("coordination", "closed_at"), ("benchmark_plan", "ingested_at"), ("indicator_values", "ingested_at"),
    ("recognitions", "ingested_at"), ("supervision_events", "at"), ("duban_steps", "at"),
    ("coordination_departments", "at"),
)



# Rows of a file beyond its main sheet: table → columns taken from each row dict.
EXTRA_TABLES: dict[str, tuple[str, ...]] = {
    "benchmark_plan": ("task_id", "peers", "indicator_no", "indicator", "definition", "source", "measure_unit",
                       "baseline", "target", "benchmark_value", "target_rank", "goal_level", "goal_text"),
    "indicator_values": ("task_id", "indicator_no", "indicator", "measure_unit", "value", "benchmark_value", "rank",
                         "rank_text"),
    "recognitions": ("task_id", "stage", "level", "date", "evidence", "note"),
}
