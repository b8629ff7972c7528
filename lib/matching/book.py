"""The ledger as the matching engine sees it: open invoices indexed by number, client and
amount; clients with their head offices; payer names; and the deductions rules.

Loaded once per run with a handful of queries, then kept current in memory as the engine
applies receipts, so 70,000 receipts need no further reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from lib import settings as store
from lib.matching.amounts import DEFAULT_TDS_RATES_BP, DEFAULT_TRANSFER_FEES, Inv, Rules
from lib.matching.names import NameIndex
from lib.matching.text import invoice_keys

SETTINGS_FEES = "matching.transfer_fees"
SETTINGS_TDS = "matching.tds_rates_bp"

SETTLED = """
SELECT invoice_id, SUM(amount) AS settled FROM (
  SELECT invoice_id, amount FROM allocations WHERE reversed_at IS NULL
  UNION ALL SELECT invoice_id, amount FROM deductions WHERE reversed_at IS NULL
  UNION ALL SELECT invoice_id, amount FROM write_offs WHERE reversed_at IS NULL
  UNION ALL SELECT invoice_id, -amount FROM write_off_recoveries WHERE reversed_at IS NULL
) GROUP BY invoice_id
"""


@dataclass
class Client:
    id: int
    code: str
    name: str
    parent_id: int | None
    children: list[int] = field(default_factory=list)


@dataclass
class Book:
    """Everything the engine reads, in memory."""

    invoices: dict[int, Inv] = field(default_factory=dict)
    numbers: dict[int, tuple[str, int, bool]] = field(default_factory=dict)  # no, client, open
    by_full: dict[str, list[int]] = field(default_factory=dict)
    by_digits: dict[str, list[int]] = field(default_factory=dict)
    by_tail: dict[int, list[int]] = field(default_factory=dict)
    by_client: dict[int, list[Inv]] = field(default_factory=dict)
    by_amount: dict[tuple[str, int], list[Inv]] = field(default_factory=dict)  # as loaded
    clients: dict[int, Client] = field(default_factory=dict)
    names: NameIndex = field(default_factory=NameIndex)
    rules: Rules = field(default_factory=Rules)
    lags: dict[int, list[int]] = field(default_factory=dict)  # days paid after due, per client
    card_clients: set[int] = field(default_factory=set)  # clients known to pay by card

    def group(self, client_id: int) -> list[int]:
        """A client and the branches or franchisees its head office pays for."""
        client = self.clients.get(client_id)
        return [client_id, *(client.children if client else [])]

    def open_of(self, client_ids: list[int] | set[int], currency: str, by: str) -> list[Inv]:
        """Open invoices of these clients in ``currency`` issued by ``by``, oldest first."""
        found = []
        for c in client_ids:
            invs = self.by_client.get(c, ())
            still = [inv for inv in invs if inv.outstanding > 0]
            if len(still) < len(invs):  # settled during the run: never open again, drop them
                self.by_client[c] = still
            found += [i for i in still if i.currency == currency and i.invoice_date <= by]
        found.sort(key=lambda i: (i.due_date, i.invoice_date, i.no))
        return found


def load_book(db: Database, as_of: date) -> Book:
    """Read clients, invoices, aliases and rules into a fresh :class:`Book`."""
    book = Book(rules=load_rules(db))
    _load_clients(db, book)
    _load_invoices(db, book, as_of)
    for row in db.query(
        "SELECT payer_key, account, client_id, times_used FROM client_aliases WHERE active = 1"
    ):
        book.names.add_alias(row["payer_key"], row["account"], row["client_id"], row["times_used"])
    book.names.finish()
    book.card_clients = {
        r[0]
        for r in db.execute(
            "SELECT DISTINCT i.client_id FROM deductions d JOIN invoices i ON i.id = d.invoice_id"
            " WHERE d.kind = 'card_fee' AND d.reversed_at IS NULL"
        )
    }
    for row in db.query(
        "SELECT i.client_id, d.amount FROM deductions d JOIN invoices i ON i.id = d.invoice_id"
        " WHERE d.kind = 'bank_fee' AND d.reversed_at IS NULL GROUP BY 1, 2"
    ):
        book.rules.learned_fees.setdefault(row["client_id"], set()).add(row["amount"])
    return book


def _load_clients(db: Database, book: Book) -> None:
    for row in db.query("SELECT id, client_code, name, name_kana, parent_id FROM clients"):
        book.clients[row["id"]] = Client(
            row["id"], row["client_code"], row["name"], row["parent_id"]
        )
        book.names.add_client(row["id"], row["name"], row["name_kana"])
    for client in book.clients.values():
        if client.parent_id in book.clients:
            book.clients[client.parent_id].children.append(client.id)


def _load_invoices(db: Database, book: Book, as_of: date) -> None:
    settled = {r[0]: r[1] for r in db.execute(SETTLED)}
    cursor = db.execute(
        "SELECT id, invoice_no, client_id, currency, invoice_date, due_date, "
        "amount, tax, disputed FROM invoices WHERE voided_at IS NULL "
        "AND invoice_date <= ?",
        [as_of.isoformat()],
    )
    for row in cursor:
        inv = Inv(*row[:8], outstanding=row[6] - settled.get(row[0], 0), disputed=bool(row[8]))
        full, digits, tail = invoice_keys(inv.no)
        book.numbers[inv.id] = (inv.no, inv.client_id, inv.outstanding > 0)
        book.by_full.setdefault(full, []).append(inv.id)
        book.by_digits.setdefault(digits.lstrip("0"), []).append(inv.id)
        book.by_tail.setdefault(tail, []).append(inv.id)
        if inv.outstanding > 0:
            book.invoices[inv.id] = inv
            book.by_client.setdefault(inv.client_id, []).append(inv)
            book.by_amount.setdefault((inv.currency, inv.outstanding), []).append(inv)


def load_rules(db: Database) -> Rules:
    """The transfer fees and TDS rates the lead accepts (defaults until they are edited)."""
    stored = {k: json.loads(v) for k in (SETTINGS_FEES, SETTINGS_TDS) if (v := store.get(db, k))}
    return Rules(
        frozenset(stored.get(SETTINGS_FEES, DEFAULT_TRANSFER_FEES)),
        tuple(stored.get(SETTINGS_TDS, DEFAULT_TDS_RATES_BP)),
    )
