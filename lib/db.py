"""The database: one SQLite file, its connection settings, and its schema as migrations.

The schema lives only here, as append-only migrations (sqlite-utils ``Migrations``): a
migration, once on main, is never edited; a change is a new migration at the end. Each
Streamlit script run and each CLI call opens its own connection with :func:`connect`,
because sqlite3 connections must not cross threads.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from lib.bulk import chunks
from lib.money import CURRENCIES

T = TypeVar("T")

DEFAULT_DB = Path("data") / "kaishu.db"
BUSY_TIMEOUT_MS = 15_000
LOCK_RETRIES = 4

migrations = Migrations("kaishu")


def db_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The database file: ``path`` if given, else ``$KAISHU_DB``, else ``data/kaishu.db``."""
    return Path(path or os.environ.get("KAISHU_DB") or DEFAULT_DB)


def connect(path: str | os.PathLike[str] | None = None, migrate: bool = True) -> Database:
    """Open the database with WAL, foreign keys and a busy timeout, migrating it if needed.

    ``":memory:"`` gives a private in-memory database (tests). The connection belongs to the
    calling thread; open one per script run and close it when done.
    """
    target = str(path) if path == ":memory:" else str(db_path(path))
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    # 64 MB of page cache (allocated only as used): bulk imports touch indexes at random.
    conn.execute("PRAGMA cache_size = -65536")
    if target != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    db = Database(conn)
    db._kaishu_path = str(Path(target).resolve()) if target != ":memory:" else None
    if migrate:
        apply_migrations(db)
    return db


def beside(db: Database, pool: Executor, read: Callable[..., T], *args: Any) -> Future[T]:
    """Run ``read(conn, *args)`` on ``pool`` over a connection of its own to ``db``'s file,
    so a report's queries overlap with work on this thread (SQLite runs without the GIL).
    ``read`` must only read, and sees the file as committed: inside a transaction it runs
    here and now, as it does for an in-memory database (which cannot be opened twice).
    """
    path = getattr(db, "_kaishu_path", None)
    if path is None or db.conn.in_transaction:
        done: Future[T] = Future()
        done.set_result(read(db, *args))
        return done

    def job() -> T:
        conn = connect(path, migrate=False)
        try:
            return read(conn, *args)
        finally:
            conn.close()

    return pool.submit(job)


def apply_migrations(db: Database) -> None:
    """Bring the schema up to date; safe when several processes start at once."""
    for attempt in range(5):
        try:
            if migrations.pending(db):
                migrations.apply(db)
            return
        except sqlite3.OperationalError:
            # Another process migrated between our check and our write: look again.
            if attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction: ``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error.

    IMMEDIATE takes the write lock at the start, so a busy database makes us wait (up to the
    busy timeout) before doing any work instead of failing half-way at the first write.
    Writers of one process queue on a lock of their own first (see :func:`_writer_queue`).
    Nested calls join the outer transaction through a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    queue = _writer_queue(db)
    if not queue.acquire(timeout=BUSY_TIMEOUT_MS / 1000 * LOCK_RETRIES):
        raise Busy("the database stayed busy; nothing was changed, try again")
    try:
        _begin(db)
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        else:
            db.conn.execute("COMMIT")
    finally:
        queue.release()


class _FairLock:
    """A lock handed to waiters in the order they came: threading.Lock favours whoever runs
    first, which on a loaded server can starve one writer for seconds."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._next = 0  # the ticket the next comer takes
        self._serving = 0  # the ticket whose turn it is
        self._gave_up: set[int] = set()

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            ticket, self._next = self._next, self._next + 1
            while self._serving != ticket:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._gave_up.add(ticket)  # skipped when its turn comes
                    return False
                self._cond.wait(left)
            return True

    def release(self) -> None:
        with self._cond:
            self._serving += 1
            while self._serving in self._gave_up:
                self._gave_up.discard(self._serving)
                self._serving += 1
            self._cond.notify_all()


_queues: dict[str, _FairLock] = {}
_queues_guard = threading.Lock()


def _writer_queue(db: Database) -> _FairLock:
    # SQLite's busy handler polls for the write lock with growing sleeps (up to 100 ms), and
    # a newcomer often wins over a writer that has waited long: on a busy Monday one intern's
    # save could wait seconds behind a stream of others. Writers of the same process (the
    # Streamlit server runs every session as a thread) therefore queue in turn, and the next
    # is woken the moment the last commits; other processes (the CLI, a cron backup) still
    # meet at SQLite's own lock.
    path = getattr(db, "_kaishu_path", None)
    if path is None:
        row = db.conn.execute("PRAGMA database_list").fetchone()
        path = (row[2] if row else "") or f":memory:{id(db.conn)}"
    with _queues_guard:
        return _queues.setdefault(path, _FairLock())


def _begin(db: Database) -> None:
    # The busy timeout already waits 15 s for the write lock; on a very busy Monday, try a
    # few more times with growing pauses rather than let "database is locked" reach a user.
    for attempt in range(LOCK_RETRIES):
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if attempt == LOCK_RETRIES - 1:
                raise Busy("the database stayed busy; nothing was changed, try again") from exc
            time.sleep(0.2 * 2**attempt)


class Busy(sqlite3.OperationalError):
    """Other writers held the database for too long; the caller's change was not made."""


def utc_now() -> str:
    """The current UTC time as ISO text with microseconds, for timestamps (never for as_of)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


BULK_ROWS = 20_000


def insert_many(db: Database, table: str, sql: str, rows: list[tuple]) -> None:
    """``sql`` (an INSERT into ``table``) run for every row of ``rows``, inside the caller's
    transaction. A load of more than ``BULK_ROWS`` rows into an empty table (a first ledger)
    drops the table's plain indexes and builds them again afterwards: SQLite builds an index
    from sorted keys several times faster than it grows one a row at a time. Unique indexes
    stay, so a duplicate is still refused on its own row; a failure rolls the drop back."""
    if len(rows) <= BULK_ROWS or db.execute(f"SELECT 1 FROM [{table}] LIMIT 1").fetchone():
        db.conn.executemany(sql, rows)
        return
    indexes = db.execute(f"PRAGMA index_list([{table}])").fetchall()
    plain = [name for _, name, unique, origin, _ in indexes if origin == "c" and not unique]
    creates = [
        create
        for (create,) in db.execute(
            f"SELECT sql FROM sqlite_master WHERE type = 'index'"
            f" AND name IN ({', '.join('?' * len(plain))})",
            plain,
        )
    ]
    for name in plain:
        db.execute(f"DROP INDEX [{name}]")
    db.conn.executemany(sql, rows)
    for create in creates:
        db.execute(create)


def lookup(
    db: Database,
    table: str,
    key: str,
    values: Iterable[Any],
    columns: str = "*",
    where: str = "",
    by: str | None = None,
) -> dict[Any, dict[str, Any]]:
    """Rows of ``table`` whose ``key`` is in ``values`` (and that meet ``where``), keyed by
    their ``by`` column, ``key`` itself unless said. The IN list goes in chunks: SQLite
    caps the parameters of one statement."""
    found: dict[Any, dict[str, Any]] = {}
    also = f" AND ({where})" if where else ""
    for part in chunks(sorted(set(values)), 500):
        marks = ",".join("?" * len(part))
        for row in db.query(f"SELECT {columns} FROM {table} WHERE {key} IN ({marks}){also}", part):
            found[row[by or key]] = row
    return found


def _run(db: Database, statements: str) -> None:
    # executescript() would COMMIT the migration's transaction, so run statements one by one.
    for statement in statements.split(";\n"):
        if statement.strip():
            db.execute(statement)


ISO_DATE = "GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'"
MONEY = "typeof({col}) = 'integer'"
REVERSAL = "reversed_at TEXT, reversed_by TEXT, reversal_reason TEXT"


@migrations()
def m001_core(db: Database) -> None:
    """Currencies, users, imports, clients, aliases, presets, settings and the audit log."""
    _run(
        db,
        """
CREATE TABLE currencies (
  code TEXT PRIMARY KEY,
  exponent INTEGER NOT NULL CHECK (exponent BETWEEN 0 AND 4),
  symbol TEXT NOT NULL,
  name TEXT NOT NULL
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) BETWEEN 2 AND 40),
  name TEXT NOT NULL,
  email TEXT,
  role TEXT NOT NULL CHECK (role IN ('lead', 'collector', 'intern')),
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('clients', 'invoices', 'receipts')),
  username TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT 'web' CHECK (source IN ('web', 'cli', 'system')),
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  sheet TEXT,
  header_row INTEGER,
  mapping TEXT NOT NULL DEFAULT '{}',
  options TEXT NOT NULL DEFAULT '{}',
  rows_read INTEGER NOT NULL DEFAULT 0,
  imported INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  duplicates INTEGER NOT NULL DEFAULT 0,
  skipped_outflows INTEGER NOT NULL DEFAULT 0,
  skipped_other INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  rejected_rows TEXT NOT NULL DEFAULT '[]',
  warnings TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX imports_sha256 ON imports (sha256, kind);
CREATE INDEX imports_started ON imports (started_at);
CREATE TABLE clients (
  id INTEGER PRIMARY KEY,
  client_code TEXT NOT NULL UNIQUE CHECK (length(trim(client_code)) > 0),
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  name_kana TEXT,
  segment TEXT NOT NULL DEFAULT 'client'
    CHECK (segment IN ('client', 'franchisee', 'partner')),
  owner TEXT,
  email TEXT,
  phone TEXT,
  address TEXT,
  language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'ja')),
  currency TEXT REFERENCES currencies (code),
  terms_days INTEGER CHECK (terms_days IS NULL OR terms_days BETWEEN 0 AND 366),
  parent_id INTEGER REFERENCES clients (id),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  import_id INTEGER REFERENCES imports (id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX clients_parent ON clients (parent_id);
CREATE INDEX clients_owner ON clients (owner);
CREATE INDEX clients_name ON clients (name);
CREATE TABLE client_aliases (
  id INTEGER PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients (id),
  payer_name TEXT NOT NULL,
  payer_key TEXT NOT NULL CHECK (length(payer_key) > 0),
  account TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'master', 'import')),
  times_used INTEGER NOT NULL DEFAULT 1,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  UNIQUE (payer_key, account, client_id)
);
CREATE INDEX client_aliases_client ON client_aliases (client_id);
CREATE TABLE mapping_presets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('clients', 'invoices', 'receipts')),
  signature TEXT NOT NULL,
  headers TEXT NOT NULL,
  mapping TEXT NOT NULL,
  options TEXT NOT NULL DEFAULT '{}',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (kind, signature)
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_by TEXT,
  updated_at TEXT
);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  username TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT 'web' CHECK (source IN ('web', 'cli', 'system')),
  table_name TEXT NOT NULL,
  row_id INTEGER,
  action TEXT NOT NULL,
  client_id INTEGER,
  before TEXT,
  after TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_row ON audit_log (table_name, row_id);
CREATE INDEX audit_log_client ON audit_log (client_id, at);
CREATE INDEX audit_log_user ON audit_log (username, at);
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
""",
    )
    db["currencies"].insert_all(
        [
            {"code": c.code, "exponent": c.exponent, "symbol": c.symbol, "name": c.name}
            for c in CURRENCIES.values()
        ]
    )


@migrations()
def m002_ledger(db: Database) -> None:
    """Invoices, receipts, allocations, deductions and write-offs, with the ledger guards."""
    _run(
        db,
        f"""
CREATE TABLE invoices (
  id INTEGER PRIMARY KEY,
  invoice_no TEXT NOT NULL UNIQUE CHECK (length(trim(invoice_no)) > 0),
  client_id INTEGER NOT NULL REFERENCES clients (id),
  invoice_date TEXT NOT NULL CHECK (invoice_date {ISO_DATE}),
  due_date TEXT NOT NULL CHECK (due_date {ISO_DATE} AND due_date >= invoice_date),
  currency TEXT NOT NULL REFERENCES currencies (code),
  amount INTEGER NOT NULL CHECK ({MONEY.format(col="amount")} AND amount > 0),
  tax INTEGER NOT NULL DEFAULT 0
    CHECK ({MONEY.format(col="tax")} AND tax >= 0 AND tax <= amount),
  disputed INTEGER NOT NULL DEFAULT 0 CHECK (disputed IN (0, 1)),
  dispute_reason TEXT,
  description TEXT,
  sent_date TEXT CHECK (sent_date IS NULL OR sent_date {ISO_DATE}),
  sent_channel TEXT,
  import_id INTEGER REFERENCES imports (id),
  source_row INTEGER,
  voided_at TEXT,
  voided_by TEXT,
  void_reason TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX invoices_client ON invoices (client_id, due_date);
CREATE TABLE receipts (
  id INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL UNIQUE,
  reference TEXT,
  receipt_date TEXT NOT NULL CHECK (receipt_date {ISO_DATE}),
  value_date TEXT NOT NULL CHECK (value_date {ISO_DATE}),
  currency TEXT NOT NULL REFERENCES currencies (code),
  amount INTEGER NOT NULL CHECK ({MONEY.format(col="amount")} AND amount > 0),
  fee INTEGER NOT NULL DEFAULT 0 CHECK ({MONEY.format(col="fee")} AND fee >= 0),
  payer_name TEXT,
  memo TEXT,
  channel TEXT NOT NULL CHECK (channel IN ('bank', 'card')),
  account TEXT NOT NULL DEFAULT '',
  client_id INTEGER REFERENCES clients (id),
  suspense_reason TEXT,
  import_id INTEGER REFERENCES imports (id),
  source_row INTEGER,
  created_at TEXT NOT NULL,
  {REVERSAL}
);
CREATE INDEX receipts_value_date ON receipts (value_date);
CREATE INDEX receipts_client ON receipts (client_id);
CREATE TABLE allocations (
  id INTEGER PRIMARY KEY,
  receipt_id INTEGER NOT NULL REFERENCES receipts (id),
  invoice_id INTEGER NOT NULL REFERENCES invoices (id),
  amount INTEGER NOT NULL CHECK ({MONEY.format(col="amount")} AND amount > 0),
  effective_date TEXT NOT NULL CHECK (effective_date {ISO_DATE}),
  method TEXT NOT NULL CHECK (method IN ('auto', 'manual')),
  rule TEXT NOT NULL,
  confidence REAL NOT NULL DEFAULT 1.0 CHECK (confidence BETWEEN 0 AND 1),
  explanation TEXT NOT NULL DEFAULT '',
  batch TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  {REVERSAL}
);
CREATE INDEX allocations_receipt ON allocations (receipt_id);
CREATE INDEX allocations_invoice ON allocations (invoice_id);
CREATE INDEX allocations_effective ON allocations (effective_date);
CREATE TABLE deductions (
  id INTEGER PRIMARY KEY,
  invoice_id INTEGER NOT NULL REFERENCES invoices (id),
  receipt_id INTEGER REFERENCES receipts (id),
  amount INTEGER NOT NULL CHECK ({MONEY.format(col="amount")} AND amount > 0),
  kind TEXT NOT NULL
    CHECK (kind IN ('bank_fee', 'tds', 'card_fee', 'short_payment', 'other')),
  reason TEXT NOT NULL,
  rate_bp INTEGER,
  effective_date TEXT NOT NULL CHECK (effective_date {ISO_DATE}),
  method TEXT NOT NULL DEFAULT 'manual' CHECK (method IN ('auto', 'manual')),
  batch TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  {REVERSAL}
);
CREATE INDEX deductions_invoice ON deductions (invoice_id);
CREATE INDEX deductions_receipt ON deductions (receipt_id);
CREATE TABLE write_offs (
  id INTEGER PRIMARY KEY,
  invoice_id INTEGER NOT NULL REFERENCES invoices (id),
  amount INTEGER NOT NULL CHECK ({MONEY.format(col="amount")} AND amount > 0),
  effective_date TEXT NOT NULL CHECK (effective_date {ISO_DATE}),
  reason TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  {REVERSAL}
);
CREATE INDEX write_offs_invoice ON write_offs (invoice_id);
CREATE VIEW invoice_settled AS
  SELECT i.id AS invoice_id,
    COALESCE((SELECT SUM(amount) FROM allocations
              WHERE invoice_id = i.id AND reversed_at IS NULL), 0)
    + COALESCE((SELECT SUM(amount) FROM deductions
                WHERE invoice_id = i.id AND reversed_at IS NULL), 0)
    + COALESCE((SELECT SUM(amount) FROM write_offs
                WHERE invoice_id = i.id AND reversed_at IS NULL), 0) AS settled
  FROM invoices i;
CREATE VIEW receipt_applied AS
  SELECT r.id AS receipt_id,
    COALESCE((SELECT SUM(amount) FROM allocations
              WHERE receipt_id = r.id AND reversed_at IS NULL), 0) AS applied
  FROM receipts r
""",
    )
    _ledger_guards(db)


def _ledger_guards(db: Database) -> None:
    # Triggers hold the invariants even against a second writer or a bug in lib:
    # nothing over-applies an invoice or a receipt, and ledger rows are never deleted.
    settled = """(SELECT settled FROM invoice_settled WHERE invoice_id = NEW.invoice_id)"""
    over_invoice = (
        f"{settled} + NEW.amount > (SELECT amount FROM invoices WHERE id = NEW.invoice_id)"
    )
    statements = []
    for table in ("allocations", "deductions", "write_offs"):
        statements.append(
            f"CREATE TRIGGER {table}_not_over_invoice BEFORE INSERT ON {table} "
            f"WHEN NEW.reversed_at IS NULL AND {over_invoice} "
            "BEGIN SELECT RAISE(ABORT, 'invoice would be settled beyond its amount'); END"
        )
    statements.append(
        "CREATE TRIGGER allocations_not_over_receipt BEFORE INSERT ON allocations "
        "WHEN NEW.reversed_at IS NULL AND "
        "(SELECT applied FROM receipt_applied WHERE receipt_id = NEW.receipt_id) + NEW.amount"
        " > (SELECT amount FROM receipts WHERE id = NEW.receipt_id) "
        "BEGIN SELECT RAISE(ABORT, 'receipt would be applied beyond its amount'); END"
    )
    statements.append(
        "CREATE TRIGGER invoices_amount_covers_settled BEFORE UPDATE OF amount ON invoices "
        "WHEN NEW.amount < (SELECT settled FROM invoice_settled WHERE invoice_id = NEW.id) "
        "BEGIN SELECT RAISE(ABORT, 'invoice amount below what is already settled'); END"
    )
    statements.append(
        "CREATE TRIGGER receipts_amount_covers_applied BEFORE UPDATE OF amount ON receipts "
        "WHEN NEW.amount < (SELECT applied FROM receipt_applied WHERE receipt_id = NEW.id) "
        "BEGIN SELECT RAISE(ABORT, 'receipt amount below what is already applied'); END"
    )
    for table in ("invoices", "receipts", "allocations", "deductions", "write_offs", "clients"):
        statements.append(
            f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows are never deleted; reverse them'); END"
        )
    for table in ("allocations", "deductions", "write_offs"):
        statements.append(
            f"CREATE TRIGGER {table}_reversal_final BEFORE UPDATE ON {table} "
            "WHEN OLD.reversed_at IS NOT NULL "
            "BEGIN SELECT RAISE(ABORT, 'a reversed entry cannot change'); END"
        )
    for statement in statements:
        db.execute(statement)


@migrations()
def m003_matching(db: Database) -> None:
    """The review queue of match suggestions, and indexes for suspense and batches."""
    _run(
        db,
        """
CREATE TABLE match_suggestions (
  id INTEGER PRIMARY KEY,
  receipt_id INTEGER NOT NULL REFERENCES receipts (id),
  client_id INTEGER REFERENCES clients (id),
  lines TEXT NOT NULL,
  rule TEXT NOT NULL,
  confidence REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  explanation TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'accepted', 'rejected', 'stale')),
  run_id TEXT,
  created_at TEXT NOT NULL,
  decided_by TEXT,
  decided_at TEXT
);
CREATE INDEX match_suggestions_receipt ON match_suggestions (receipt_id, status);
CREATE INDEX match_suggestions_status ON match_suggestions (status, confidence);
CREATE INDEX receipts_suspense ON receipts (value_date) WHERE suspense_reason IS NOT NULL;
CREATE INDEX allocations_batch ON allocations (batch)
""",
    )


@migrations()
def m004_follow_ups(db: Database) -> None:
    """Follow-ups, promises to pay, disputes, notes and requests, dispatches, the escalation
    policy with its email templates, and the emails sent (issue 5)."""
    day = ISO_DATE
    _run(
        db,
        f"""
CREATE TABLE follow_ups (
  id INTEGER PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients (id),
  contacted_on TEXT NOT NULL CHECK (contacted_on {day}),
  channel TEXT NOT NULL
    CHECK (channel IN ('call', 'email', 'letter', 'visit', 'meeting', 'whatsapp')),
  outcome TEXT NOT NULL CHECK (outcome IN ('reached', 'no_answer', 'wrong_contact', 'promised',
    'disputed', 'says_paid', 'asked_statement', 'asked_copy', 'refused', 'sent')),
  note TEXT NOT NULL DEFAULT '',
  next_action_on TEXT CHECK (next_action_on IS NULL OR next_action_on {day}),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX follow_ups_client ON follow_ups (client_id, contacted_on);
CREATE INDEX follow_ups_day ON follow_ups (contacted_on);
CREATE TABLE follow_up_invoices (
  follow_up_id INTEGER NOT NULL REFERENCES follow_ups (id),
  invoice_id INTEGER NOT NULL REFERENCES invoices (id),
  PRIMARY KEY (follow_up_id, invoice_id)
) WITHOUT ROWID;
CREATE INDEX follow_up_invoices_invoice ON follow_up_invoices (invoice_id);
CREATE TABLE promises (
  id INTEGER PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients (id),
  follow_up_id INTEGER REFERENCES follow_ups (id),
  currency TEXT NOT NULL REFERENCES currencies (code),
  amount INTEGER NOT NULL CHECK ({MONEY.format(col="amount")} AND amount > 0),
  promised_on TEXT NOT NULL CHECK (promised_on {day}),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  cancelled_at TEXT,
  cancelled_by TEXT,
  cancel_reason TEXT
);
CREATE INDEX promises_client ON promises (client_id, promised_on);
CREATE TABLE promise_instalments (
  id INTEGER PRIMARY KEY,
  promise_id INTEGER NOT NULL REFERENCES promises (id),
  due_on TEXT NOT NULL CHECK (due_on {day}),
  amount INTEGER NOT NULL CHECK ({MONEY.format(col="amount")} AND amount > 0),
  UNIQUE (promise_id, due_on)
);
CREATE TABLE disputes (
  id INTEGER PRIMARY KEY,
  invoice_id INTEGER NOT NULL REFERENCES invoices (id),
  follow_up_id INTEGER REFERENCES follow_ups (id),
  reason TEXT NOT NULL
    CHECK (reason IN ('wrong_amount', 'service_issue', 'not_received', 'duplicate', 'other')),
  note TEXT NOT NULL DEFAULT '',
  opened_on TEXT NOT NULL CHECK (opened_on {day}),
  opened_by TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  resolution TEXT CHECK (resolution IS NULL OR resolution IN
    ('payable', 'credit_note', 'corrected_invoice', 'withdrawn', 'other')),
  resolution_note TEXT,
  resolved_on TEXT CHECK (resolved_on IS NULL OR resolved_on {day}),
  resolved_by TEXT,
  resolved_at TEXT,
  CHECK ((resolution IS NULL) = (resolved_at IS NULL))
);
CREATE UNIQUE INDEX disputes_one_open ON disputes (invoice_id) WHERE resolved_at IS NULL;
CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients (id),
  invoice_id INTEGER REFERENCES invoices (id),
  follow_up_id INTEGER REFERENCES follow_ups (id),
  kind TEXT NOT NULL
    CHECK (kind IN ('note', 'request', 'resend_invoice', 'send_statement')),
  body TEXT NOT NULL CHECK (length(trim(body)) > 0),
  assignee TEXT,
  team TEXT CHECK (team IS NULL OR team IN
    ('sales', 'client_servicing', 'accounts', 'tokyo_office')),
  due_on TEXT CHECK (due_on IS NULL OR due_on {day}),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  answer TEXT,
  answered_by TEXT,
  answered_at TEXT,
  CHECK (kind = 'note' OR assignee IS NOT NULL OR team IS NOT NULL),
  CHECK (kind <> 'note' OR answered_at IS NULL)
);
CREATE INDEX notes_client ON notes (client_id, created_at);
CREATE INDEX notes_open_assignee ON notes (assignee) WHERE answered_at IS NULL;
CREATE INDEX notes_open_creator ON notes (created_by) WHERE answered_at IS NULL;
CREATE TABLE escalation_steps (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE CHECK (code GLOB '[a-z]*' AND length(code) <= 30),
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  days INTEGER NOT NULL CHECK (days BETWEEN -60 AND 3650),
  channel TEXT NOT NULL CHECK (channel IN ('email', 'call', 'letter', 'recovery')),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX escalation_steps_days ON escalation_steps (days) WHERE active = 1;
CREATE TABLE email_templates (
  id INTEGER PRIMARY KEY,
  step_id INTEGER NOT NULL REFERENCES escalation_steps (id),
  language TEXT NOT NULL CHECK (language IN ('en', 'ja')),
  subject TEXT NOT NULL CHECK (length(trim(subject)) > 0),
  body TEXT NOT NULL CHECK (length(trim(body)) > 0),
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (step_id, language)
);
CREATE TABLE emails (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  client_id INTEGER NOT NULL REFERENCES clients (id),
  step_id INTEGER REFERENCES escalation_steps (id),
  prepared_on TEXT NOT NULL CHECK (prepared_on {day}),
  batch TEXT NOT NULL,
  language TEXT NOT NULL CHECK (language IN ('en', 'ja')),
  to_addrs TEXT NOT NULL CHECK (length(trim(to_addrs)) > 0),
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  attachment_name TEXT,
  message_id TEXT NOT NULL UNIQUE,
  raw BLOB NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
    ('pending', 'sending', 'sent', 'failed', 'prepared', 'superseded')),
  attempts INTEGER NOT NULL DEFAULT 0,
  attempted_at TEXT,
  last_error TEXT,
  follow_up_id INTEGER REFERENCES follow_ups (id),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX emails_client ON emails (client_id, step_id, status);
CREATE INDEX emails_status ON emails (status, prepared_on);
CREATE TABLE email_invoices (
  email_id INTEGER NOT NULL REFERENCES emails (id),
  invoice_id INTEGER NOT NULL REFERENCES invoices (id),
  outstanding INTEGER NOT NULL CHECK ({MONEY.format(col="outstanding")}),
  PRIMARY KEY (email_id, invoice_id)
) WITHOUT ROWID;
CREATE TABLE invoice_dispatches (
  id INTEGER PRIMARY KEY,
  invoice_id INTEGER NOT NULL REFERENCES invoices (id),
  sent_on TEXT NOT NULL CHECK (sent_on {day}),
  channel TEXT NOT NULL CHECK (channel IN ('email', 'post', 'courier', 'portal', 'hand')),
  note_id INTEGER REFERENCES notes (id),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX invoice_dispatches_invoice ON invoice_dispatches (invoice_id);
CREATE INDEX allocations_invoice_effective ON allocations (invoice_id, effective_date);
ALTER TABLE clients ADD COLUMN contact_name TEXT
""",
    )
    from lib.followups.seed import seed_policy  # frozen defaults, kept beside the templates

    seed_policy(db, utc_now())


CASE_STAGES = (
    "pre_legal_notice",
    "demand_letter",
    "legal_referral",
    "negotiation",
    "settlement",
    "closed_recovered",
    "closed_partly_recovered",
    "written_off",
)


@migrations()
def m005_recovery(db: Database) -> None:
    """Recovery cases with their invoices, stage history, log, attachments, letters,
    settlements with instalments, write-off requests and recoveries after write-off (issue 6).

    A recovery after write-off reduces the write-off that it recovers, so what settles an
    invoice becomes allocations + deductions + write-offs − recoveries; the settled view is
    redefined here to say so (the guards that read it keep their names)."""
    day = ISO_DATE
    money = MONEY.format
    stages = ", ".join(f"'{s}'" for s in CASE_STAGES)
    _run(
        db,
        f"""
CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  case_no TEXT NOT NULL UNIQUE,
  client_id INTEGER NOT NULL REFERENCES clients (id),
  stage TEXT NOT NULL CHECK (stage IN ({stages})),
  opened_on TEXT NOT NULL CHECK (opened_on {day}),
  reason TEXT NOT NULL DEFAULT '',
  assignee TEXT,
  priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  tags TEXT NOT NULL DEFAULT '[]',
  counsel_name TEXT,
  counsel_firm TEXT,
  counsel_email TEXT,
  counsel_phone TEXT,
  next_deadline_on TEXT CHECK (next_deadline_on IS NULL OR next_deadline_on {day}),
  next_deadline_note TEXT,
  closed_on TEXT CHECK (closed_on IS NULL OR closed_on {day}),
  close_note TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK ((stage IN ('closed_recovered', 'closed_partly_recovered', 'written_off'))
         = (closed_on IS NOT NULL))
);
CREATE INDEX cases_client ON cases (client_id);
CREATE INDEX cases_assignee ON cases (assignee, next_deadline_on) WHERE closed_on IS NULL;
CREATE INDEX cases_stage ON cases (stage);
CREATE TABLE case_invoices (
  case_id INTEGER NOT NULL REFERENCES cases (id),
  invoice_id INTEGER NOT NULL REFERENCES invoices (id),
  outstanding_at_open INTEGER NOT NULL
    CHECK ({money(col="outstanding_at_open")} AND outstanding_at_open >= 0),
  added_on TEXT NOT NULL CHECK (added_on {day}),
  added_by TEXT NOT NULL,
  removed_on TEXT CHECK (removed_on IS NULL OR removed_on {day}),
  removed_by TEXT,
  removal_reason TEXT,
  PRIMARY KEY (case_id, invoice_id)
) WITHOUT ROWID;
CREATE INDEX case_invoices_invoice ON case_invoices (invoice_id);
CREATE TRIGGER case_invoices_one_open_case BEFORE INSERT ON case_invoices
WHEN EXISTS (SELECT 1 FROM case_invoices ci JOIN cases c ON c.id = ci.case_id
              WHERE ci.invoice_id = NEW.invoice_id AND ci.removed_on IS NULL
                AND c.closed_on IS NULL AND ci.case_id <> NEW.case_id)
BEGIN SELECT RAISE(ABORT, 'the invoice is already in an open recovery case'); END;
CREATE TABLE case_stages (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id),
  from_stage TEXT CHECK (from_stage IS NULL OR from_stage IN ({stages})),
  stage TEXT NOT NULL CHECK (stage IN ({stages})),
  entered_on TEXT NOT NULL CHECK (entered_on {day}),
  reason TEXT NOT NULL DEFAULT '',
  skipped TEXT NOT NULL DEFAULT '[]',
  moved_by TEXT NOT NULL,
  moved_at TEXT NOT NULL
);
CREATE INDEX case_stages_case ON case_stages (case_id, id);
CREATE TABLE case_events (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id),
  happened_on TEXT NOT NULL CHECK (happened_on {day}),
  kind TEXT NOT NULL CHECK (kind IN ('notice_sent', 'call', 'meeting', 'legal_update',
    'settlement_discussion', 'document_received', 'letter_issued', 'payment', 'note')),
  note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, happened_on);
CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  file_name TEXT NOT NULL CHECK (length(trim(file_name)) > 0),
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size > 0),
  origin TEXT NOT NULL DEFAULT 'upload' CHECK (origin IN ('upload', 'letter')),
  case_id INTEGER REFERENCES cases (id),
  event_id INTEGER REFERENCES case_events (id),
  uploaded_by TEXT NOT NULL,
  uploaded_at TEXT NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id);
CREATE INDEX attachments_sha256 ON attachments (sha256);
CREATE TABLE letter_templates (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('recovery_notice', 'demand_letter')),
  language TEXT NOT NULL CHECK (language IN ('en', 'ja')),
  subject TEXT NOT NULL CHECK (length(trim(subject)) > 0),
  body TEXT NOT NULL CHECK (length(trim(body)) > 0),
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (kind, language)
);
CREATE TABLE letters (
  id INTEGER PRIMARY KEY,
  letter_no TEXT NOT NULL UNIQUE,
  case_id INTEGER NOT NULL REFERENCES cases (id),
  kind TEXT NOT NULL CHECK (kind IN ('recovery_notice', 'demand_letter')),
  language TEXT NOT NULL CHECK (language IN ('en', 'ja')),
  issued_on TEXT NOT NULL CHECK (issued_on {day}),
  pay_by TEXT NOT NULL CHECK (pay_by {day} AND pay_by >= issued_on),
  interest_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (interest_rate_bp BETWEEN 0 AND 10000),
  totals TEXT NOT NULL,
  content TEXT NOT NULL,
  docx_id INTEGER NOT NULL REFERENCES attachments (id),
  pdf_id INTEGER NOT NULL REFERENCES attachments (id),
  event_id INTEGER REFERENCES case_events (id),
  issued_by TEXT NOT NULL,
  issued_at TEXT NOT NULL
);
CREATE INDEX letters_case ON letters (case_id, issued_on);
CREATE TABLE settlements (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id),
  currency TEXT NOT NULL REFERENCES currencies (code),
  outstanding INTEGER NOT NULL CHECK ({money(col="outstanding")} AND outstanding > 0),
  agreed_amount INTEGER NOT NULL
    CHECK ({money(col="agreed_amount")} AND agreed_amount > 0 AND agreed_amount <= outstanding),
  waiver INTEGER NOT NULL CHECK (waiver = outstanding - agreed_amount),
  agreed_on TEXT NOT NULL CHECK (agreed_on {day}),
  terms TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  cancelled_on TEXT CHECK (cancelled_on IS NULL OR cancelled_on {day}),
  cancelled_by TEXT,
  cancel_reason TEXT
);
CREATE UNIQUE INDEX settlements_one_live ON settlements (case_id, currency)
  WHERE cancelled_on IS NULL;
CREATE TABLE settlement_instalments (
  id INTEGER PRIMARY KEY,
  settlement_id INTEGER NOT NULL REFERENCES settlements (id),
  due_on TEXT NOT NULL CHECK (due_on {day}),
  amount INTEGER NOT NULL CHECK ({money(col="amount")} AND amount > 0),
  UNIQUE (settlement_id, due_on)
);
CREATE TABLE write_off_requests (
  id INTEGER PRIMARY KEY,
  case_id INTEGER REFERENCES cases (id),
  client_id INTEGER NOT NULL REFERENCES clients (id),
  invoice_ids TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  requested_by TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  decision TEXT CHECK (decision IS NULL OR decision IN ('approved', 'rejected')),
  decided_by TEXT,
  decided_at TEXT,
  decision_note TEXT,
  CHECK ((decision IS NULL) = (decided_at IS NULL))
);
CREATE INDEX write_off_requests_open ON write_off_requests (requested_at) WHERE decision IS NULL;
ALTER TABLE write_offs ADD COLUMN case_id INTEGER REFERENCES cases (id);
ALTER TABLE write_offs ADD COLUMN request_id INTEGER REFERENCES write_off_requests (id);
ALTER TABLE write_offs ADD COLUMN approval_ref TEXT;
CREATE INDEX write_offs_effective ON write_offs (effective_date);
CREATE TABLE write_off_recoveries (
  id INTEGER PRIMARY KEY,
  write_off_id INTEGER NOT NULL REFERENCES write_offs (id),
  invoice_id INTEGER NOT NULL REFERENCES invoices (id),
  receipt_id INTEGER NOT NULL REFERENCES receipts (id),
  allocation_id INTEGER REFERENCES allocations (id),
  amount INTEGER NOT NULL CHECK ({money(col="amount")} AND amount > 0),
  effective_date TEXT NOT NULL CHECK (effective_date {day}),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  {REVERSAL}
);
CREATE INDEX write_off_recoveries_invoice ON write_off_recoveries (invoice_id);
CREATE INDEX write_off_recoveries_write_off ON write_off_recoveries (write_off_id);
CREATE TRIGGER write_off_recoveries_not_over_write_off BEFORE INSERT ON write_off_recoveries
WHEN NEW.reversed_at IS NULL AND NEW.amount + COALESCE((SELECT SUM(amount)
  FROM write_off_recoveries WHERE write_off_id = NEW.write_off_id AND reversed_at IS NULL), 0)
  > (SELECT amount FROM write_offs WHERE id = NEW.write_off_id AND reversed_at IS NULL)
  OR NOT EXISTS (SELECT 1 FROM write_offs WHERE id = NEW.write_off_id AND reversed_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'recovered beyond what was written off'); END;
CREATE TRIGGER write_off_recoveries_never_deleted BEFORE DELETE ON write_off_recoveries
BEGIN SELECT RAISE(ABORT, 'write_off_recoveries rows are never deleted; reverse them'); END;
CREATE TRIGGER write_off_recoveries_reversal_final BEFORE UPDATE ON write_off_recoveries
WHEN OLD.reversed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a reversed entry cannot change'); END;
CREATE TRIGGER write_offs_reversal_keeps_recoveries BEFORE UPDATE OF reversed_at ON write_offs
WHEN NEW.reversed_at IS NOT NULL AND EXISTS (SELECT 1 FROM write_off_recoveries
  WHERE write_off_id = NEW.id AND reversed_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'reverse the recoveries against this write-off first'); END;
CREATE TRIGGER write_off_recoveries_reversal_keeps_invoice BEFORE UPDATE OF reversed_at
  ON write_off_recoveries
WHEN NEW.reversed_at IS NOT NULL AND (SELECT settled FROM invoice_settled
  WHERE invoice_id = NEW.invoice_id) + NEW.amount
  > (SELECT amount FROM invoices WHERE id = NEW.invoice_id)
BEGIN SELECT RAISE(ABORT, 'reverse the recovered allocation first'); END;
DROP VIEW invoice_settled;
CREATE VIEW invoice_settled AS
  SELECT i.id AS invoice_id,
    COALESCE((SELECT SUM(amount) FROM allocations
              WHERE invoice_id = i.id AND reversed_at IS NULL), 0)
    + COALESCE((SELECT SUM(amount) FROM deductions
                WHERE invoice_id = i.id AND reversed_at IS NULL), 0)
    + COALESCE((SELECT SUM(amount) FROM write_offs
                WHERE invoice_id = i.id AND reversed_at IS NULL), 0)
    - COALESCE((SELECT SUM(amount) FROM write_off_recoveries
                WHERE invoice_id = i.id AND reversed_at IS NULL), 0) AS settled
  FROM invoices i
""",
    )


@migrations()
def m006_reporting(db: Database) -> None:
    """Exchange rates the lead enters for a converted reporting total, and the monthly
    collection targets per currency (issue 7)."""
    _run(
        db,
        f"""
CREATE TABLE fx_rates (
  id INTEGER PRIMARY KEY,
  rate_date TEXT NOT NULL CHECK (rate_date {ISO_DATE}),
  currency TEXT NOT NULL REFERENCES currencies (code),
  reporting_currency TEXT NOT NULL REFERENCES currencies (code),
  rate TEXT NOT NULL CHECK (rate GLOB '[0-9]*' AND CAST(rate AS REAL) > 0),
  entered_by TEXT NOT NULL,
  entered_at TEXT NOT NULL,
  UNIQUE (rate_date, currency, reporting_currency),
  CHECK (currency <> reporting_currency)
);
CREATE TABLE collection_targets (
  month TEXT NOT NULL CHECK (month GLOB '[12][0-9][0-9][0-9]-[01][0-9]'),
  currency TEXT NOT NULL REFERENCES currencies (code),
  amount INTEGER NOT NULL CHECK ({MONEY.format(col="amount")} AND amount >= 0),
  set_by TEXT NOT NULL,
  set_at TEXT NOT NULL,
  PRIMARY KEY (month, currency)
) WITHOUT ROWID;
CREATE INDEX invoices_invoice_date ON invoices (invoice_date)
""",
    )


SETTLING = (
    ("allocations", "+"),
    ("deductions", "+"),
    ("write_offs", "+"),
    ("write_off_recoveries", "-"),
)


@migrations()
def m008_invoice_totals(db: Database) -> None:
    """What settles each invoice, kept by triggers (issue 7): allocations + deductions +
    write-offs − recoveries that are not reversed, whatever their date. It always equals the
    ``invoice_settled`` view; aging reads one row per invoice from it (and subtracts only the
    entries dated after the day asked for), so 100,000 open invoices age in well under a
    second instead of summing every allocation ever made."""
    statements = [
        "CREATE TABLE invoice_totals ("
        " invoice_id INTEGER PRIMARY KEY REFERENCES invoices (id),"
        f" settled INTEGER NOT NULL DEFAULT 0 CHECK ({MONEY.format(col='settled')}))"
    ]
    make_row = (
        "INSERT OR IGNORE INTO invoice_totals (invoice_id, settled) VALUES (NEW.invoice_id, 0);"
    )
    for table, sign in SETTLING:
        undo = "-" if sign == "+" else "+"
        statements.append(
            f"CREATE TRIGGER {table}_totals_insert AFTER INSERT ON {table}"
            f" WHEN NEW.reversed_at IS NULL BEGIN {make_row}"
            f" UPDATE invoice_totals SET settled = settled {sign} NEW.amount"
            " WHERE invoice_id = NEW.invoice_id; END"
        )
        statements.append(
            f"CREATE TRIGGER {table}_totals_update AFTER UPDATE OF amount, reversed_at, invoice_id"
            f" ON {table} BEGIN"
            f" UPDATE invoice_totals SET settled = settled {undo}"
            " CASE WHEN OLD.reversed_at IS NULL THEN OLD.amount ELSE 0 END"
            f" WHERE invoice_id = OLD.invoice_id; {make_row}"
            f" UPDATE invoice_totals SET settled = settled {sign}"
            " CASE WHEN NEW.reversed_at IS NULL THEN NEW.amount ELSE 0 END"
            " WHERE invoice_id = NEW.invoice_id; END"
        )
    statements.append(
        "INSERT INTO invoice_totals (invoice_id, settled)"
        " SELECT invoice_id, settled FROM invoice_settled WHERE settled <> 0"
    )
    for statement in statements:
        db.execute(statement)


@migrations()
def m009_import_undo(db: Database) -> None:
    """An import can be undone when nothing it brought in has been used yet: its receipts
    are reversed, its invoices voided (marked with the import, so the right file imported
    later brings them back), and the import itself is marked, so the same file may be
    imported again."""
    for statement in (
        "ALTER TABLE imports ADD COLUMN undone_at TEXT",
        "ALTER TABLE imports ADD COLUMN undone_by TEXT",
        "ALTER TABLE imports ADD COLUMN undo_reason TEXT",
        "ALTER TABLE invoices ADD COLUMN voided_by_import INTEGER REFERENCES imports (id)",
    ):
        db.execute(statement)


@migrations()
def m010_credit_notes(db: Database) -> None:
    """Credit notes in the invoice ledger (a negative line naming the invoice it credits) are
    kept as deductions of that invoice, with the note's number as their document, so a second
    import of the ledger finds them, and with their import, so undoing it reverses them."""
    for statement in (
        "ALTER TABLE deductions ADD COLUMN source_document TEXT",
        "ALTER TABLE deductions ADD COLUMN import_id INTEGER REFERENCES imports (id)",
        "CREATE UNIQUE INDEX deductions_document ON deductions (source_document)"
        " WHERE source_document IS NOT NULL",
    ):
        db.execute(statement)


def keep_settled_on_invoices(db: Database) -> None:
    """``invoices.settled`` brought up to date from the entries (the ``invoice_settled``
    view), and the triggers that keep it so from then on: every insert, reversal or change
    of an allocation, deduction, write-off or recovery moves its invoice's total."""
    db.execute(
        "UPDATE invoices SET settled = s.settled FROM invoice_settled s"
        " WHERE s.invoice_id = invoices.id AND invoices.settled <> s.settled"
    )
    for table, sign in SETTLING:
        undo = "-" if sign == "+" else "+"
        db.execute(
            f"CREATE TRIGGER {table}_settled_insert AFTER INSERT ON {table}"
            " WHEN NEW.reversed_at IS NULL BEGIN"
            f" UPDATE invoices SET settled = settled {sign} NEW.amount"
            " WHERE id = NEW.invoice_id; END"
        )
        db.execute(
            f"CREATE TRIGGER {table}_settled_update AFTER UPDATE OF amount, reversed_at,"
            f" invoice_id ON {table} BEGIN"
            f" UPDATE invoices SET settled = settled {undo}"
            " CASE WHEN OLD.reversed_at IS NULL THEN OLD.amount ELSE 0 END"
            " WHERE id = OLD.invoice_id;"
            f" UPDATE invoices SET settled = settled {sign}"
            " CASE WHEN NEW.reversed_at IS NULL THEN NEW.amount ELSE 0 END"
            " WHERE id = NEW.invoice_id; END"
        )


@migrations()
def m011_settled_on_invoices(db: Database) -> None:
    """What settles each invoice moves from m008's ``invoice_totals`` onto the invoice row
    (``invoices.settled``, kept by triggers the same way), so that a partial index can hold
    exactly the invoices open now, in client order and with every column the aging needs:
    today's aging reads that index alone and sums each client as it streams past, with no
    join and no sort (issue 7)."""
    db.execute(
        "ALTER TABLE invoices ADD COLUMN settled INTEGER NOT NULL DEFAULT 0"
        f" CHECK ({MONEY.format(col='settled')})"
    )
    for table, _ in SETTLING:
        db.execute(f"DROP TRIGGER {table}_totals_insert")
        db.execute(f"DROP TRIGGER {table}_totals_update")
    db.execute("DROP TABLE invoice_totals")
    keep_settled_on_invoices(db)
    db.execute(
        "CREATE INDEX invoices_open ON invoices"
        " (client_id, currency, due_date, invoice_date, amount, settled, voided_at)"
        " WHERE voided_at IS NULL AND amount > settled"
    )


@migrations()
def m012_reversal_lines(db: Database) -> None:
    """A receipt that a statement line reverses (取消, MT940 RC, camt.053 RvslInd) keeps that
    line's key, so the same line in a later file is seen as already applied, even when it was
    matched to its receipt by amount and payer rather than by the receipt's own key."""
    db.execute("ALTER TABLE receipts ADD COLUMN reversal_key TEXT")
    db.execute(
        "CREATE UNIQUE INDEX receipts_reversal_key ON receipts (reversal_key)"
        " WHERE reversal_key IS NOT NULL"
    )


@migrations()
def m013_receipt_references(db: Database) -> None:
    """Receipts by bank reference: a statement line whose reference is already in the ledger
    is compared with those receipts (same amount, same day) before it counts as there."""
    db.execute("CREATE INDEX receipts_reference ON receipts (reference)")
