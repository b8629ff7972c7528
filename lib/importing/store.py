"""Writing parsed records into the ledger: new rows inserted, changed rows updated and audited.

Called inside the import's single transaction. Every function is idempotent: a record that is
already in the database exactly as the file has it counts as a duplicate and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.bulk import chunks
from lib.db import insert_many, lookup
from lib.importing.receipt_keys import new_lines, receipt_keys
from lib.importing.reversals import apply_reversals
from lib.importing.rows import RowError
from lib.money import format_money

CHUNK = 500


@dataclass
class Outcome:
    imported: int = 0
    updated: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)


def first_occurrences(records: list[dict], key: str, out: Outcome, what: str) -> list[dict]:
    """Drop repeats of ``key`` within one file: identical repeats are duplicates, others errors."""
    if len({rec[key] for rec in records}) == len(records):
        return records  # the usual file: no key twice, nothing to compare
    seen: dict[str, dict] = {}
    kept = []
    for rec in records:
        earlier = seen.get(rec[key])
        if earlier is None:
            seen[rec[key]] = rec
            kept.append(rec)
        elif _same(earlier, rec):
            out.duplicates += 1
        else:
            out.errors.append(
                RowError(
                    rec["source_row"],
                    what,
                    f"{what} {rec[key]} appears twice "
                    f"in this file with different values (first at row "
                    f"{earlier['source_row']})",
                )
            )
    return kept


def _same(a: dict, b: dict) -> bool:
    return {k: v for k, v in a.items() if k != "source_row"} == {
        k: v for k, v in b.items() if k != "source_row"
    }


def store_clients(
    db: Database, actor: Actor, records: list[dict], import_id: int, now: str
) -> Outcome:
    """Insert new clients and update changed ones; blanks in the file never erase a value."""
    require(actor, "import")
    out = Outcome()
    records = first_occurrences(records, "client_code", out, "client code")
    known = {r["client_code"]: r for r in db.query("SELECT * FROM clients")}
    records = _check_parents(records, known, out)
    for rec in records:
        values = {k: v for k, v in rec.items() if k not in ("parent_code", "source_row")}
        old = known.get(rec["client_code"])
        if old is None:
            values["language"] = values["language"] or _language(rec)
            row = {**values, "import_id": import_id, "created_at": now, "updated_at": now}
            new_id = db["clients"].insert(row).last_pk
            known[rec["client_code"]] = {**row, "id": new_id, "parent_id": None}
            audit.record(db, actor, "clients", new_id, "create", None, values, new_id)
            out.imported += 1
            continue
        change = {k: v for k, v in values.items() if v is not None and old.get(k) != v}
        if change:
            db["clients"].update(old["id"], {**change, "updated_at": now})
            audit.record(
                db,
                actor,
                "clients",
                old["id"],
                "update",
                {k: old.get(k) for k in change},
                change,
                old["id"],
            )
            out.updated += 1
        elif rec.get("parent_code") is None or _parent_code(known, old) == rec["parent_code"]:
            out.duplicates += 1
    _link_parents(db, actor, records, known, now, out)
    return out


def _language(rec: dict) -> str:
    return "ja" if rec.get("currency") == "JPY" or rec.get("name_kana") else "en"


def _parent_code(known: dict[str, dict], row: dict) -> str | None:
    by_id = {r["id"]: code for code, r in known.items()}
    return by_id.get(row.get("parent_id"))


def _check_parents(records: list[dict], known: dict[str, dict], out: Outcome) -> list[dict]:
    codes = set(known) | {r["client_code"] for r in records}
    by_id = {r["id"]: c for c, r in known.items()}
    parent_of = {c: by_id.get(r["parent_id"]) for c, r in known.items()}
    parent_of.update({r["client_code"]: r["parent_code"] for r in records if r["parent_code"]})
    kept = []
    for rec in records:
        parent = rec["parent_code"]
        reason = None
        if parent and parent not in codes:
            reason = f"head office {parent} is not a known client code"
        elif parent and _in_cycle(rec["client_code"], parent_of):
            reason = f"head office {parent} would make a circle of head offices"
        if reason:
            out.errors.append(RowError(rec["source_row"], "Head office code", reason))
        else:
            kept.append(rec)
    return kept


def _in_cycle(code: str, parent_of: dict[str, str | None]) -> bool:
    seen, current = {code}, parent_of.get(code)
    while current:
        if current in seen:
            return True
        seen.add(current)
        current = parent_of.get(current)
    return False


def _link_parents(
    db: Database, actor: Actor, records: list[dict], known: dict[str, dict], now: str, out: Outcome
) -> None:
    for rec in records:
        if not rec["parent_code"]:
            continue
        row = known[rec["client_code"]]
        parent_id = known[rec["parent_code"]]["id"]
        if row.get("parent_id") != parent_id:
            db["clients"].update(row["id"], {"parent_id": parent_id, "updated_at": now})
            audit.record(
                db,
                actor,
                "clients",
                row["id"],
                "update",
                {"parent_id": row.get("parent_id")},
                {"parent_id": parent_id},
                row["id"],
            )


INVOICE_FIELDS = (
    "client_id",
    "invoice_date",
    "due_date",
    "currency",
    "amount",
    "tax",
    "description",
    "sent_date",
    "sent_channel",
)
_LOCKED_WHEN_SETTLED = ("client_id", "currency", "amount")
INVOICE_INSERT = (
    "INSERT INTO invoices (invoice_no, client_id, invoice_date, due_date, currency, amount,"
    " tax, disputed, description, sent_date, sent_channel, import_id, source_row,"
    " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


def resolve_invoice_clients(
    db: Database, actor: Actor, records: list[dict], import_id: int, now: str
) -> list[dict]:
    """Give each record a client_id, creating clients the master does not have yet."""
    require(actor, "import")
    codes = {r["client_code"] for r in records}  # a row naming only its party has its code
    existing = lookup(db, "clients", "client_code", codes, "id, client_code")
    _create_clients(
        db, actor, [r for r in records if r["client_code"] not in existing], import_id, now
    )
    existing.update(lookup(db, "clients", "client_code", codes - set(existing), "id, client_code"))
    for rec in records:
        rec["client_id"] = existing[rec["client_code"]]["id"]
    return records


def _create_clients(
    db: Database, actor: Actor, records: list[dict], import_id: int, now: str
) -> None:
    # One insert for all new clients: a first ledger can name thousands of them.
    rows: dict[str, dict] = {}
    for rec in records:
        if rec["client_code"] in rows:  # the first row naming a new client describes it
            continue
        rows[rec["client_code"]] = {
            "client_code": rec["client_code"],
            "name": rec["client_name"] or rec["client_code"],
            "currency": rec["currency"],
            "language": _language(rec),
        }
    if not rows:
        return
    db.conn.executemany(
        "INSERT INTO clients (client_code, name, currency, language, import_id, created_at,"
        " updated_at) VALUES (:client_code, :name, :currency, :language, :import_id, :now,"
        " :now)",
        [{**row, "import_id": import_id, "now": now} for row in rows.values()],
    )
    ids = lookup(db, "clients", "client_code", rows, "id, client_code")
    audit.record_many(
        db,
        actor,
        [
            ("clients", ids[code]["id"], "create from invoice ledger", None, row, ids[code]["id"])
            for code, row in rows.items()
        ],
    )


def store_invoices(
    db: Database, actor: Actor, records: list[dict], import_id: int, now: str
) -> Outcome:
    """Insert new invoices; update changed fields of known ones unless money is already applied."""
    require(actor, "import")
    out = Outcome()
    records = first_occurrences(records, "invoice_no", out, "invoice number")
    records = resolve_invoice_clients(db, actor, records, import_id, now)
    existing = {}
    if db.execute("SELECT 1 FROM invoices LIMIT 1").fetchone():  # a first load skips lookups
        existing = lookup(db, "invoices", "invoice_no", [r["invoice_no"] for r in records])
    fresh = [r for r in records if r["invoice_no"] not in existing]
    insert_many(
        db,
        "invoices",
        INVOICE_INSERT,
        [
            (
                r["invoice_no"],
                r["client_id"],
                r["invoice_date"],
                r["due_date"],
                r["currency"],
                r["amount"],
                r["tax"],
                r["disputed"],
                r["description"],
                r["sent_date"],
                r["sent_channel"],
                import_id,
                r["source_row"],
                now,
                now,
            )
            for r in fresh
        ],
    )
    out.imported = len(fresh)
    changed = [r for r in records if r["invoice_no"] in existing]
    settled = _settled(db, [existing[r["invoice_no"]]["id"] for r in changed])
    for rec in changed:
        old = existing[rec["invoice_no"]]
        if old["voided_by_import"]:
            _restore_invoice(db, actor, rec, old, import_id, now, out)
        else:
            _update_invoice(db, actor, rec, old, settled, now, out)
    return out


def _restore_invoice(
    db: Database, actor: Actor, rec: dict, old: dict, import_id: int, now: str, out: Outcome
) -> None:
    # Its import was undone (lib.importing.undo); the ledger naming it again brings it back,
    # as this file has it, and it now belongs to this import.
    change = {k: rec[k] for k in INVOICE_FIELDS if rec[k] is not None and rec[k] != old[k]}
    back = {"voided_at": None, "voided_by": None, "void_reason": None, "voided_by_import": None}
    db["invoices"].update(old["id"], {**change, **back, "import_id": import_id, "updated_at": now})
    before = {k: old[k] for k in [*change, *back]}
    client_id = change.get("client_id", old["client_id"])
    audit.record(db, actor, "invoices", old["id"], "restore from ledger", before,
                 {**change, **back}, client_id)  # fmt: skip
    if db.execute("UPDATE clients SET active = 1, updated_at = ? WHERE id = ? AND active = 0",
                  [now, client_id]).rowcount:  # fmt: skip
        audit.record(db, actor, "clients", client_id, "reactivate: an invoice is back",
                     {"active": 0}, {"active": 1}, client_id)  # fmt: skip
    out.imported += 1


def _settled(db: Database, ids: list[int]) -> dict[int, int]:
    result: dict[int, int] = {}
    for part in chunks(ids, CHUNK):
        marks = ",".join("?" * len(part))
        for row in db.query(
            f"SELECT invoice_id, settled FROM invoice_settled WHERE invoice_id IN ({marks})", part
        ):
            result[row["invoice_id"]] = row["settled"]
    return result


def _update_invoice(
    db: Database,
    actor: Actor,
    rec: dict,
    old: dict,
    settled: dict[int, int],
    now: str,
    out: Outcome,
) -> None:
    change = {k: rec[k] for k in INVOICE_FIELDS if rec[k] is not None and rec[k] != old[k]}
    if rec["disputed"] and not old["disputed"]:
        change["disputed"] = 1  # the ledger may flag a dispute; only the app resolves one
    if not change or old["voided_at"]:
        out.duplicates += 1
        return
    applied = settled.get(old["id"], 0)
    locked = [k for k in _LOCKED_WHEN_SETTLED if k in change]
    if applied and locked:
        out.errors.append(
            RowError(
                rec["source_row"],
                locked[0].replace("_id", ""),
                f"invoice {rec['invoice_no']} already has {format_money(applied, old['currency'])} "
                f"settled; reverse its allocations before changing {', '.join(locked)}",
            )
        )
        return
    db["invoices"].update(old["id"], {**change, "updated_at": now})
    audit.record(
        db,
        actor,
        "invoices",
        old["id"],
        "update from ledger",
        {k: old[k] for k in change},
        change,
        change.get("client_id", old["client_id"]),
    )
    out.updated += 1


def _reverse_cancelled(
    db: Database, actor: Actor, cancels: list[dict], now: str
) -> tuple[int, int, list[RowError]]:
    # A Zengin 取消 repeats its notice, so keyed on its own (its reference then usable) it finds
    # the notice's receipt; the others are found by amount and payer (reversals.by_content).
    own = [receipt_keys([rec])[0] for rec in cancels]
    found = lookup(db, "receipts", "fingerprint", own)
    lines = ["reversal|" + key for key in receipt_keys(cancels)]
    applied = lookup(db, "receipts", "reversal_key", lines, "reversal_key")
    return apply_reversals(
        db, actor, cancels, [found.get(k) for k in own], [k in applied for k in lines], lines, now
    )


def store_receipts(
    db: Database, actor: Actor, records: list[dict], import_id: int, now: str
) -> Outcome:
    """Insert receipts not seen before; a line already imported (any file) is a duplicate.
    A line that takes an earlier credit back (取消, RC, RvslInd) reverses that credit's receipt
    instead (:mod:`lib.importing.reversals`)."""
    require(actor, "import")
    cancels = [r for r in records if r.get("reversal")]
    records = [r for r in records if not r.get("reversal")]
    out = Outcome()
    fresh, out.duplicates = new_lines(db, records)
    rows = [
        (
            key,
            rec["reference"],
            rec["date"],
            rec["value_date"],
            rec["currency"],
            rec["amount"],
            rec["fee"],
            rec["payer_name"],
            rec["memo"],
            rec["channel"],
            rec["account"],
            import_id,
            rec["source_row"],
            now,
        )
        for rec, key in fresh
    ]
    db.conn.executemany(
        "INSERT INTO receipts (fingerprint, reference, receipt_date, value_date, currency, amount,"
        " fee, payer_name, memo, channel, account, import_id, source_row, created_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    out.imported = len(rows)
    if cancels:
        done, seen, errors = _reverse_cancelled(db, actor, cancels, now)
        out.updated, out.duplicates = done, out.duplicates + seen
        out.errors.extend(errors)
    return out
