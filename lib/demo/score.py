"""How well matching did on a demo ledger: precision and recall against its ground truth.

A receipt counts as recalled when it was applicable (a careful person could apply it without
asking anyone) and its automatic allocations equal the truth exactly. An automatic
allocation is right when the truth has the same invoice, amount and deduction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlite_utils import Database

from lib.demo import DemoLedger


@dataclass
class Score:
    right: int = 0
    wrong: int = 0
    applicable: int = 0
    recalled: int = 0
    wrong_by_kind: Counter = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return self.right / max(1, self.right + self.wrong)

    @property
    def recall(self) -> float:
        return self.recalled / max(1, self.applicable)


def receipt_index(db: Database, ledger: DemoLedger) -> dict[int, int]:
    """Database receipt id → position in ``ledger.receipts`` (files keep the ledger's order
    within each account; the card file holds both card accounts)."""
    by_account: dict[str, list[int]] = {}
    for row in db.query("SELECT id, account FROM receipts ORDER BY import_id, source_row"):
        by_account.setdefault(row["account"], []).append(row["id"])
    positions: dict[str, list[int]] = {}
    for i, receipt in enumerate(ledger.receipts):
        account = "CARD-STRIPE" if receipt["channel"] == "card" else receipt["account"]
        positions.setdefault(account, []).append(i)
    mapping = {}
    for account, ids in by_account.items():
        mapping.update(zip(ids, positions[account], strict=True))
    return mapping


def score(db: Database, ledger: DemoLedger, index: dict[int, int] | None = None) -> Score:
    """Compare the database's automatic allocations with the ledger's truth (``index`` maps
    receipt ids to ledger positions when the receipts were not loaded from the files)."""
    got: dict[int, set] = {}
    for row in db.query(
        "SELECT a.receipt_id, i.invoice_no, a.amount, COALESCE(d.amount, 0) AS deduction"
        " FROM allocations a JOIN invoices i ON i.id = a.invoice_id LEFT JOIN deductions d"
        " ON d.receipt_id = a.receipt_id AND d.invoice_id = a.invoice_id"
        " AND d.reversed_at IS NULL WHERE a.reversed_at IS NULL AND a.method = 'auto'"
    ):
        got.setdefault(row["receipt_id"], set()).add(
            (row["invoice_no"], row["amount"], row["deduction"])
        )
    result = Score(applicable=sum(t["applicable"] for t in ledger.truth))
    for receipt_id, position in (index or receipt_index(db, ledger)).items():
        truth = ledger.truth[position]
        expected = {(a["invoice_no"], a["applied"], a["deduction"]) for a in truth["allocations"]}
        mine = got.get(receipt_id, set())
        result.right += len(mine & expected)
        result.wrong += len(mine - expected)
        if mine - expected:
            result.wrong_by_kind[truth["kind"]] += len(mine - expected)
        if mine and mine == expected and truth["applicable"]:
            result.recalled += 1
    return result
