"""Importing the team's spreadsheets: client masters, invoice ledgers, bank and card statements.

The flow, for the page and the CLI alike: :func:`inspect_file` reads a file and proposes the
header row, the kind and the column mapping (automatic, or from a saved preset);
:func:`import_file` validates every row and writes the good ones in one transaction, returning
an :class:`ImportResult` with the counts and the rejected rows and their reasons. The same file
twice, or an overlapping statement, adds nothing.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.bulk import gc_paused
from lib.db import transaction, utc_now
from lib.importing.columns import (
    KINDS,
    apply_overrides,
    auto_map,
    detect_kind,
    find_header,
    header_signature,
    missing_required,
    normalise_header,
)
from lib.importing.credit_notes import store_ledger
from lib.importing.kinds import name_store_errors, parse_rows
from lib.importing.reader import FileError, Sheet
from lib.importing.rows import ClientInfo, Context, Parsed, RowError, infer_orders
from lib.importing.statements import read_upload
from lib.importing.store import Outcome, store_clients, store_receipts
from lib.importing.titles import account_from_titles, currency_named

__all__ = [
    "UPLOAD_TYPES",
    "check_file",
    "FileError",
    "ImportOptions",
    "ImportResult",
    "Inspection",
    "RowError",
    "import_file",
    "inspect_file",
    "save_preset",
]

# What the upload box takes: workbooks, CSV, and statements in the banks' own formats
# (MT940 .sta/.940, camt.053 .xml, OFX, Zengin .txt/.dat); the content decides, not the name.
# A PDF is taken only to say how to get the statement as a spreadsheet instead.
UPLOAD_TYPES = ("xlsx", "xlsm", "xls", "csv", "tsv", "txt", "sta", "940", "mt940", "xml", "ofx",
                "qfx", "dat", "pdf")  # fmt: skip
MAX_STORED_REJECTS = 10_000
Progress = Callable[[float, str], None]
_STORE = {"clients": store_clients, "invoices": store_ledger, "receipts": store_receipts}


@dataclass
class ImportOptions:
    """Choices for one import; ``mapping`` corrects the automatic one as ``{header: field}``."""

    kind: str
    mapping: dict[str, str] = field(default_factory=dict)
    currency: str | None = None
    channel: str = "bank"
    account: str | None = None
    sheet: str | None = None
    date_order: str = "DMY"

    def key(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items()}, sort_keys=True)


@dataclass
class ImportResult:
    """What an import did, per file: counts, rejected rows with reasons, and warnings."""

    file_name: str
    kind: str
    import_id: int | None = None
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    duplicates: int = 0
    skipped_outflows: int = 0
    skipped_other: int = 0
    rejected: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    already_imported: bool = False

    def summary(self) -> dict[str, Any]:
        """The result as plain data (the CLI prints it as one JSON line)."""
        return {
            "file": self.file_name,
            "kind": self.kind,
            "import_id": self.import_id,
            "rows_read": self.rows_read,
            "imported": self.imported,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "skipped_outflows": self.skipped_outflows,
            "skipped_other": self.skipped_other,
            "rejected": [
                {"row": e.row, "column": e.column, "reason": e.reason} for e in self.rejected
            ],
            "warnings": self.warnings,
            "already_imported": self.already_imported,
        }


@dataclass
class Inspection:
    """A first look at a file: kind, header row, mapping, and a few rows to preview."""

    file_name: str
    sheet: Sheet
    kind: str | None
    header_row: int
    headers: list[str]
    mapping: dict[int, str]
    preset: str | None
    missing: list[str]
    account: str | None
    currency: tuple[str | None, str] = (None, "")  # the one the file names, and where

    @property
    def sample(self) -> list[list[object]]:
        return self.sheet.rows[self.header_row + 1 : self.header_row + 11]


def inspect_file(
    db: Database,
    data: bytes,
    file_name: str,
    kind: str | None = None,
    sheet: str | None = None,
    overrides: dict[str, str] | None = None,
) -> Inspection:
    """Read ``data`` and propose kind, header row and mapping; raise FileError if unreadable."""
    table = read_upload(data, file_name, sheet, _recogniser(kind))
    kind = kind or detect_kind(table.rows)
    if kind is None:
        raise FileError(
            f"{file_name}: no header row recognised in the first 30 rows; "
            "is this a client master, an invoice ledger or a statement?"
        )
    if kind not in KINDS:
        raise FileError(f"unknown import kind {kind!r}")
    header_row, mapping, preset = _header_and_mapping(db, table.rows, kind, overrides or {})
    headers = (
        [str(h) if h not in (None, "") else "" for h in table.rows[header_row]]
        if table.rows
        else []
    )
    if overrides:
        try:
            mapping = apply_overrides(headers, mapping, overrides, kind)
        except ValueError as exc:
            raise FileError(f"{file_name}: {exc}") from None
    titles = table.rows[:header_row]
    return Inspection(
        file_name,
        table,
        kind,
        header_row,
        headers,
        mapping,
        preset,
        missing_required(kind, mapping),
        account_from_titles(titles),
        currency_named(titles, headers, mapping),
    )


def _recogniser(kind: str | None) -> Callable[[list[list[object]]], bool]:
    # Which sheet of a workbook holds the data: one with a header row of this kind, or of
    # any kind when the kind is left to Kaishu.
    if kind is None:
        return lambda rows: detect_kind(rows) is not None
    return lambda rows: kind in KINDS and find_header(rows, kind)[0] >= 0


def _header_and_mapping(
    db: Database, rows: list[list[object]], kind: str, overrides: dict[str, str]
) -> tuple[int, dict[int, str], str | None]:
    """The header row and its mapping: a saved preset first, then the automatic mapping,
    then the row naming the most corrected headers, else the first non-empty row."""
    presets = {
        r["signature"]: r
        for r in db.query(
            "SELECT name, signature, mapping FROM mapping_presets WHERE kind = ?", [kind]
        )
    }
    for i, row in enumerate(rows[:30]):
        preset = presets.get(header_signature(kind, row)) if presets else None
        if preset:
            mapping = apply_overrides(row, {}, json.loads(preset["mapping"]), kind)
            return i, mapping, preset["name"]
    header_row, mapping = find_header(rows, kind)
    if header_row >= 0:
        return header_row, mapping, None
    wanted = {normalise_header(h) for h in overrides}
    best, best_hits = 0, 0
    for i, row in enumerate(rows[:30]):
        hits = len(wanted & {normalise_header(c) for c in row})
        if hits > best_hits or (best_hits == 0 and not any(rows[best]) and any(row)):
            best, best_hits = i, hits
    return best, auto_map(rows[best], kind) if rows else {}, None


def save_preset(
    db: Database, actor: Actor, name: str, kind: str, headers: list[str], mapping: dict[int, str]
) -> None:
    """Save a corrected mapping as a named preset, used again for files with these headers."""
    require(actor, "import")
    as_headers = {headers[c]: f for c, f in mapping.items() if c < len(headers) and headers[c]}
    signature = header_signature(kind, headers)
    now = utc_now()
    with transaction(db):
        old = next(
            db.query(
                "SELECT * FROM mapping_presets WHERE kind = ? AND signature = ?", [kind, signature]
            ),
            None,
        )
        row = {
            "name": name.strip() or "preset",
            "kind": kind,
            "signature": signature,
            "headers": json.dumps(headers, ensure_ascii=False),
            "mapping": json.dumps(as_headers, ensure_ascii=False),
            "created_by": old["created_by"] if old else actor.username,
            "created_at": old["created_at"] if old else now,
            "updated_at": now,
        }
        preset_id = db["mapping_presets"].insert(row, replace=True).last_pk
        audit.record(
            db, actor, "mapping_presets", preset_id, "update" if old else "create", old, row
        )


def import_file(
    db: Database,
    actor: Actor,
    data: bytes,
    file_name: str,
    options: ImportOptions,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate and import one file; good rows are written in one transaction, bad rows returned.

    Raises FileError (nothing written) when the file is unreadable or lacks a required column,
    and PermissionDenied when the actor's role may not import.
    """
    require(actor, "import")
    with gc_paused():
        return _import(db, actor, data, file_name, options, progress)


def _import(
    db: Database,
    actor: Actor,
    data: bytes,
    file_name: str,
    options: ImportOptions,
    progress: Progress | None,
) -> ImportResult:
    report = progress or (lambda fraction, message: None)
    sha = hashlib.sha256(data).hexdigest()
    previous = _previous_import(db, sha, options)
    if previous:
        return _already(file_name, options.kind, previous)
    report(0.0, f"Reading {file_name}")
    found, parsed, result = _parse(db, data, file_name, options)
    report(0.7, f"Writing {len(parsed.records):,} rows")
    with transaction(db):
        import_id = _store(db, actor, found, parsed, result, sha, options)
        _finish_import(db, actor, import_id, result, found)
    report(1.0, "Done")
    return result


def _parse(
    db: Database, data: bytes, file_name: str, options: ImportOptions
) -> tuple[Inspection, Parsed, ImportResult]:
    found = inspect_file(db, data, file_name, options.kind, options.sheet, options.mapping)
    if found.missing:
        raise FileError(
            f"{file_name}: required column missing: {', '.join(found.missing)}. "
            "Map it to one of the file's columns."
        )
    ctx, warnings = _context(db, found, options)
    body = found.sheet.rows
    total = max(1, len(body) - found.header_row - 1)
    parsed = parse_rows(body, found.header_row, found.mapping, ctx)
    result = ImportResult(file_name, options.kind, rows_read=total if len(body) > 1 else 0)
    result.warnings = warnings + parsed.warnings
    result.skipped_outflows = parsed.skipped.get("outflow", 0)
    result.skipped_other = sum(n for k, n in parsed.skipped.items() if k != "outflow")
    result.rejected = parsed.errors
    return found, parsed, result


class _DryRun(Exception):
    """Raised inside the check's transaction so that everything it wrote is rolled back."""


def check_file(
    db: Database, data: bytes, file_name: str, options: ImportOptions, actor: Actor | None = None
) -> ImportResult:
    """Validate every row without writing anything: ``imported`` counts the rows that are
    ready, ``rejected`` the rows that would be turned away and why. With ``actor``, the
    writers run too, in a transaction that is rolled back, so the counts are exactly what an
    import would do now: new rows, updated ones, ones already there, and rows the ledger
    refuses (a credit note above what is open, a new amount on a settled invoice)."""
    if actor is not None:
        require(actor, "import")
    with gc_paused():
        found, parsed, result = _parse(db, data, file_name, options)
    result.imported = len(parsed.records)
    if actor is None or not parsed.records:
        return result
    read_only = replace(result, rejected=list(result.rejected), warnings=list(result.warnings))
    try:
        with transaction(db):
            _store(db, actor, found, parsed, result, "check", options)
            raise _DryRun
    except _DryRun:
        result.import_id = None
    except sqlite3.OperationalError:
        # A full or read-only disk: the import will say so; the check still reads the file.
        read_only.warnings.append(
            "These counts come from reading the file only: the database cannot be written "
            "right now, so the check could not try the rows against the ledger."
        )
        return read_only
    return result


def _store(
    db: Database,
    actor: Actor,
    found: Inspection,
    parsed: Parsed,
    result: ImportResult,
    sha: str,
    options: ImportOptions,
) -> int:
    # Inside the caller's transaction: the import row, the writers, and their counts.
    now = utc_now()
    import_id = _start_import(db, actor, found, sha, options, now)
    outcome: Outcome = _STORE[options.kind](db, actor, parsed.records, import_id, now)
    result.import_id = import_id
    result.imported, result.updated = outcome.imported, outcome.updated
    result.duplicates = outcome.duplicates
    if options.kind == "receipts" and outcome.updated:
        n, checking = outcome.updated, sha == "check"  # a check's writes are rolled back
        verb = "will be" if checking else ("is" if n == 1 else "are")
        still = "will be" if checking else "is"
        result.warnings.append(
            f"{n:,} receipt{'' if n == 1 else 's'} {verb} reversed: the bank took the credit back"
            f" (取消 or reversal). Any invoice it paid {still} open again."
        )
    found_by_store = name_store_errors(
        outcome.errors, found.sheet.rows, found.header_row, found.mapping, options.kind
    )
    result.rejected = sorted(parsed.errors + found_by_store, key=lambda e: e.row)
    return import_id


def _context(db: Database, found: Inspection, options: ImportOptions) -> tuple[Context, list[str]]:
    orders, warnings = infer_orders(
        found.sheet.rows[found.header_row + 1 :], found.mapping, options.kind, options.date_order
    )
    if options.kind == "receipts" and not options.account and found.account:
        warnings.append(f"account {found.account} read from the statement's title rows")
    warnings += _pending_amounts(found, options.kind)
    currency = _statement_currency(found, options, warnings)
    clients: dict[str, ClientInfo] = {}
    names: dict[str, str | None] = {}
    if options.kind == "invoices":
        for r in db.query("SELECT id, client_code, name, currency, terms_days FROM clients"):
            clients[r["client_code"]] = ClientInfo(r["id"], r["currency"], r["terms_days"])
            name = r["name"].casefold()
            names[name] = None if name in names else r["client_code"]
    ctx = Context(
        options.kind,
        currency,
        options.channel,
        options.account or found.account or "",
        orders,
        clients,
        names,
    )
    return ctx, warnings


def _pending_amounts(found: Inspection, kind: str) -> list[str]:
    # Tally's Bills Receivable without its Opening Amount column gives only what is left on
    # each bill: a part-paid bill then goes in smaller than it was raised, and the collector
    # should know before the ledger is trusted for aging by amount.
    column = next((c for c, f in found.mapping.items() if f == "amount"), len(found.headers))
    header = found.headers[column] if column < len(found.headers) else ""
    if kind != "invoices" or normalise_header(header) != "pendingamount":
        return []
    return [
        f"amounts are read from {header}: each bill goes in at what is still "
        "pending on it, not at its full amount. To keep full amounts, include the Opening "
        "Amount column in the report and import it again"
    ]


def _statement_currency(
    found: Inspection, options: ImportOptions, warnings: list[str]
) -> str | None:
    # A statement without a currency column is in the currency chosen for it, else in the one
    # it names; one that names none needs a choice, and one that names another is refused.
    if options.kind != "receipts" or "currency" in found.mapping.values():
        return options.currency
    named, where = found.currency
    if options.currency and named and named != options.currency:
        raise FileError(
            f"{found.file_name}: {options.currency} was chosen, but the file says {named} "
            f"({where}): choose {named}, or leave the currency to the file"
        )
    if options.currency:
        return options.currency
    if named is None:
        raise FileError(
            f"{found.file_name}: the file has no currency column and does not name its "
            "currency: choose the statement's currency (JPY, INR or USD)"
        )
    warnings.append(f"currency {named} read from {where}")
    return named


def _previous_import(db: Database, sha: str, options: ImportOptions) -> dict | None:
    rows = db.query(
        "SELECT * FROM imports WHERE sha256 = ? AND kind = ? AND options = ? "
        "AND undone_at IS NULL ORDER BY id DESC LIMIT 1",
        [sha, options.kind, options.key()],
    )
    return next(rows, None)


def _already(file_name: str, kind: str, previous: dict) -> ImportResult:
    seen = previous["imported"] + previous["updated"] + previous["duplicates"]
    return ImportResult(
        file_name,
        kind,
        previous["id"],
        previous["rows_read"],
        duplicates=seen,
        skipped_outflows=previous["skipped_outflows"],
        skipped_other=previous["skipped_other"],
        warnings=[
            f"this file was already imported by {previous['username']} on "
            f"{previous['finished_at'][:16].replace('T', ' ')} UTC (import "
            f"#{previous['id']}); nothing added"
        ],
        already_imported=True,
    )


def _start_import(
    db: Database, actor: Actor, found: Inspection, sha: str, options: ImportOptions, now: str
) -> int:
    mapping = {found.headers[c] or f"column {c + 1}": f for c, f in sorted(found.mapping.items())}
    return (
        db["imports"]
        .insert(
            {
                "file_name": found.file_name,
                "sha256": sha,
                "kind": options.kind,
                "username": actor.username,
                "source": actor.source,
                "started_at": now,
                "finished_at": now,
                "sheet": found.sheet.name or None,
                "header_row": found.header_row + 1,
                "mapping": json.dumps(mapping, ensure_ascii=False),
                "options": options.key(),
            }
        )
        .last_pk
    )


def _finish_import(
    db: Database, actor: Actor, import_id: int, result: ImportResult, found: Inspection
) -> None:
    rejects = [e.as_dict() for e in result.rejected[:MAX_STORED_REJECTS]]
    counts = {
        k: v
        for k, v in result.summary().items()
        if k
        in ("rows_read", "imported", "updated", "duplicates", "skipped_outflows", "skipped_other")
    }
    counts["rejected"] = len(result.rejected)
    db["imports"].update(
        import_id,
        {
            **counts,
            "finished_at": utc_now(),
            "rejected_rows": json.dumps(rejects, ensure_ascii=False),
            "warnings": json.dumps(result.warnings, ensure_ascii=False),
        },
    )
    audit.record(
        db,
        actor,
        "imports",
        import_id,
        f"import {result.kind}",
        None,
        {"file": found.file_name, **counts},
    )
