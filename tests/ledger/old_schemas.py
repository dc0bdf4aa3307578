"""The ledger's DDL as each older jj123 wrote it, from git history (``jj123lib/ledger.py`` before the move).

Frozen text: the migration tests build a ledger at each of these schemas and upgrade it. Columns an
old jj123 added by ``ALTER TABLE`` on the first write follow its ``CREATE`` statements, as they did.
``"4+"`` is schema 4 after ``response_files`` joined it without a version bump. ``"7"`` is a new
ledger's ``sqlite_master`` at schema 7, its columns added by migration inline (the plan without 攻坚措施 and 责任人);
``"8"`` the same at schema 8 (no 需协调部门).
"""

from __future__ import annotations

# version → (the commit whose jj123lib/ledger.py wrote it, its DDL)
OLD_SCHEMAS: dict[str, tuple[str, str]] = {
    "1": ("40f871d", """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    ext TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('plan', 'progress')),
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
    role TEXT NOT NULL CHECK (role IN ('lead', 'co')),
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
    superseded INTEGER NOT NULL DEFAULT 0
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
    superseded INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS overrides (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    light TEXT NOT NULL CHECK (light IN ('done', 'green', 'yellow', 'red')),
    reason TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    revoked_at TEXT,
    revoked_by TEXT,
    revoke_reason TEXT
);
"""),
    "2": ("00f496d", """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    ext TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('plan', 'progress')),
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
    role TEXT NOT NULL CHECK (role IN ('lead', 'co')),
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
    superseded INTEGER NOT NULL DEFAULT 0
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
    superseded INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS overrides (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    light TEXT NOT NULL CHECK (light IN ('done', 'green', 'yellow', 'red')),
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
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    status TEXT NOT NULL CHECK (status IN ('open', 'responded', 'claimed', 'closed')),
    issued_on TEXT NOT NULL,
    due_date TEXT NOT NULL,
    last_trigger_quarter TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS duban_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    duban_id TEXT NOT NULL REFERENCES duban (id),
    status TEXT NOT NULL CHECK (status IN ('已整改', '整改中')),
    text TEXT NOT NULL,
    file_sha256 TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL
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
    kind TEXT NOT NULL CHECK (kind IN ('task', 'duban')),
    quarter TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('verified', 'rejected')),
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
    status TEXT NOT NULL CHECK (status IN ('open', '已协调', '已解决')),
    ref TEXT,
    closed_by TEXT,
    closed_at TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS coordination_mentions (
    item_id TEXT NOT NULL REFERENCES coordination (id),
    quarter TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (item_id, quarter)
);
CREATE TABLE IF NOT EXISTS supervision_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
"""),
    "3": ("d76c58d", """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    ext TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('plan', 'progress')),
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
    role TEXT NOT NULL CHECK (role IN ('lead', 'co')),
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
    superseded INTEGER NOT NULL DEFAULT 0
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
    superseded INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS overrides (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    light TEXT NOT NULL CHECK (light IN ('done', 'green', 'yellow', 'red')),
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
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    status TEXT NOT NULL CHECK (status IN ('open', 'responded', 'claimed', 'closed')),
    issued_on TEXT NOT NULL,
    due_date TEXT NOT NULL,
    last_trigger_quarter TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS duban_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    duban_id TEXT NOT NULL REFERENCES duban (id),
    status TEXT NOT NULL CHECK (status IN ('已整改', '整改中')),
    text TEXT NOT NULL,
    file_sha256 TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL
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
    kind TEXT NOT NULL CHECK (kind IN ('task', 'duban')),
    quarter TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('verified', 'rejected')),
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
    status TEXT NOT NULL CHECK (status IN ('open', '已协调', '已解决')),
    ref TEXT,
    closed_by TEXT,
    closed_at TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS coordination_mentions (
    item_id TEXT NOT NULL REFERENCES coordination (id),
    quarter TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (item_id, quarter)
);
CREATE TABLE IF NOT EXISTS supervision_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
ALTER TABLE files ADD COLUMN phone TEXT;
"""),
    "4": ("21e2651", """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    ext TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('plan', 'progress')),
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
    role TEXT NOT NULL CHECK (role IN ('lead', 'co')),
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
    superseded INTEGER NOT NULL DEFAULT 0
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
    superseded INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS overrides (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    light TEXT NOT NULL CHECK (light IN ('done', 'green', 'yellow', 'red')),
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
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    status TEXT NOT NULL CHECK (status IN ('open', 'responded', 'claimed', 'closed')),
    issued_on TEXT NOT NULL,
    due_date TEXT NOT NULL,
    last_trigger_quarter TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS duban_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    duban_id TEXT NOT NULL REFERENCES duban (id),
    status TEXT NOT NULL CHECK (status IN ('已整改', '整改中')),
    text TEXT NOT NULL,
    file_sha256 TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL
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
    kind TEXT NOT NULL CHECK (kind IN ('task', 'duban')),
    quarter TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('verified', 'rejected')),
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
    status TEXT NOT NULL CHECK (status IN ('open', '已协调', '已解决')),
    ref TEXT,
    closed_by TEXT,
    closed_at TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS coordination_mentions (
    item_id TEXT NOT NULL REFERENCES coordination (id),
    quarter TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (item_id, quarter)
);
CREATE TABLE IF NOT EXISTS supervision_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
ALTER TABLE files ADD COLUMN phone TEXT;
ALTER TABLE files ADD COLUMN content_sha256 TEXT;
"""),
    "4+": ("fa18785", """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    ext TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('plan', 'progress')),
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
    role TEXT NOT NULL CHECK (role IN ('lead', 'co')),
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
    superseded INTEGER NOT NULL DEFAULT 0
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
    superseded INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS overrides (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    light TEXT NOT NULL CHECK (light IN ('done', 'green', 'yellow', 'red')),
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
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    status TEXT NOT NULL CHECK (status IN ('open', 'responded', 'claimed', 'closed')),
    issued_on TEXT NOT NULL,
    due_date TEXT NOT NULL,
    last_trigger_quarter TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS duban_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    duban_id TEXT NOT NULL REFERENCES duban (id),
    status TEXT NOT NULL CHECK (status IN ('已整改', '整改中')),
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
    kind TEXT NOT NULL CHECK (kind IN ('task', 'duban')),
    quarter TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('verified', 'rejected')),
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
    status TEXT NOT NULL CHECK (status IN ('open', '已协调', '已解决')),
    ref TEXT,
    closed_by TEXT,
    closed_at TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS coordination_mentions (
    item_id TEXT NOT NULL REFERENCES coordination (id),
    quarter TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (item_id, quarter)
);
CREATE TABLE IF NOT EXISTS supervision_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
ALTER TABLE files ADD COLUMN phone TEXT;
ALTER TABLE files ADD COLUMN content_sha256 TEXT;
"""),
    "7": ("dad356c", """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    ext TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('plan', 'progress')),
    unit TEXT NOT NULL,
    quarter TEXT,
    year INTEGER NOT NULL,
    form_version TEXT,
    source_format TEXT NOT NULL,
    rows INTEGER NOT NULL,
    size INTEGER NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0,
    ingested_at TEXT NOT NULL
, phone TEXT, content_sha256 TEXT, received_at TEXT, received_by TEXT, ingested_by TEXT);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_sha256 TEXT NOT NULL REFERENCES files (sha256),
    sheet TEXT,
    excel_row INTEGER NOT NULL,
    task_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    unit TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('lead', 'co')),
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
    superseded INTEGER NOT NULL DEFAULT 0
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
    superseded INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS overrides (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    light TEXT NOT NULL CHECK (light IN ('done', 'green', 'yellow', 'red')),
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
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    status TEXT NOT NULL CHECK (status IN ('open', 'responded', 'claimed', 'closed')),
    issued_on TEXT NOT NULL,
    due_date TEXT NOT NULL,
    last_trigger_quarter TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS duban_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    duban_id TEXT NOT NULL REFERENCES duban (id),
    status TEXT NOT NULL CHECK (status IN ('已整改', '整改中')),
    text TEXT NOT NULL,
    file_sha256 TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL
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
    kind TEXT NOT NULL CHECK (kind IN ('task', 'duban', 'recognition')),
    quarter TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('verified', 'rejected')),
    evidence TEXT NOT NULL,
    note TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    revoked_at TEXT,
    revoked_by TEXT,
    revoke_reason TEXT
, held_reason TEXT);
CREATE TABLE IF NOT EXISTS coordination (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    unit TEXT NOT NULL,
    leader TEXT NOT NULL,
    text TEXT NOT NULL,
    quarter_raised TEXT NOT NULL,
    last_quarter TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', '已协调', '已解决')),
    ref TEXT,
    closed_by TEXT,
    closed_at TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS coordination_mentions (
    item_id TEXT NOT NULL REFERENCES coordination (id),
    quarter TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (item_id, quarter)
);
CREATE TABLE IF NOT EXISTS supervision_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
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
    goal_level TEXT NOT NULL CHECK (goal_level IN ('', '国家级', '省级', '泉州市级', '其他')),
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
    stage TEXT NOT NULL CHECK (stage IN ('未申报', '已申报', '评审中', '公示', '已认定', '未获认定')),
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
    action TEXT NOT NULL CHECK (action IN ('paper', 'revert')),
    reason TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS publications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    quarter TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('publish', 'correction')),
    as_of TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    outputs TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_unit_quarter ON submissions (unit, quarter);
CREATE TABLE IF NOT EXISTS duban_steps (
    duban_id TEXT NOT NULL REFERENCES duban (id),
    step INTEGER NOT NULL CHECK (step >= 1),
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    issued_on TEXT NOT NULL,
    due_date TEXT NOT NULL,
    reason TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (duban_id, step)
);
"""),
    "8": ("d717923", """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    ext TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('plan', 'progress')),
    unit TEXT NOT NULL,
    quarter TEXT,
    year INTEGER NOT NULL,
    form_version TEXT,
    source_format TEXT NOT NULL,
    rows INTEGER NOT NULL,
    size INTEGER NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0,
    ingested_at TEXT NOT NULL
, phone TEXT, content_sha256 TEXT, received_at TEXT, received_by TEXT, ingested_by TEXT);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_sha256 TEXT NOT NULL REFERENCES files (sha256),
    sheet TEXT,
    excel_row INTEGER NOT NULL,
    task_id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    unit TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('lead', 'co')),
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
    superseded INTEGER NOT NULL DEFAULT 0
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
    light TEXT NOT NULL CHECK (light IN ('done', 'green', 'yellow', 'red')),
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
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    status TEXT NOT NULL CHECK (status IN ('open', 'responded', 'claimed', 'closed')),
    issued_on TEXT NOT NULL,
    due_date TEXT NOT NULL,
    last_trigger_quarter TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS duban_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    duban_id TEXT NOT NULL REFERENCES duban (id),
    status TEXT NOT NULL CHECK (status IN ('已整改', '整改中')),
    text TEXT NOT NULL,
    file_sha256 TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL
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
    kind TEXT NOT NULL CHECK (kind IN ('task', 'duban', 'recognition')),
    quarter TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('verified', 'rejected')),
    evidence TEXT NOT NULL,
    note TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    revoked_at TEXT,
    revoked_by TEXT,
    revoke_reason TEXT
, held_reason TEXT);
CREATE TABLE IF NOT EXISTS coordination (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    unit TEXT NOT NULL,
    leader TEXT NOT NULL,
    text TEXT NOT NULL,
    quarter_raised TEXT NOT NULL,
    last_quarter TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', '已协调', '已解决')),
    ref TEXT,
    closed_by TEXT,
    closed_at TEXT,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS coordination_mentions (
    item_id TEXT NOT NULL REFERENCES coordination (id),
    quarter TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (item_id, quarter)
);
CREATE TABLE IF NOT EXISTS supervision_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
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
    goal_level TEXT NOT NULL CHECK (goal_level IN ('', '国家级', '省级', '泉州市级', '其他')),
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
    stage TEXT NOT NULL CHECK (stage IN ('未申报', '已申报', '评审中', '公示', '已认定', '未获认定')),
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
    action TEXT NOT NULL CHECK (action IN ('paper', 'revert')),
    reason TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS publications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    quarter TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('publish', 'correction')),
    as_of TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    outputs TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_unit_quarter ON submissions (unit, quarter);
CREATE TABLE IF NOT EXISTS duban_steps (
    duban_id TEXT NOT NULL REFERENCES duban (id),
    step INTEGER NOT NULL CHECK (step >= 1),
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    issued_on TEXT NOT NULL,
    due_date TEXT NOT NULL,
    reason TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (duban_id, step)
);
"""),
}
