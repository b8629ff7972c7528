"""Loading the demo ledger into an empty database through the normal importers.

The demo goes in exactly as the team's own files would: a client master, an invoice ledger,
a Japanese bank CSV, an Indian bank workbook and a card payout file, so the demo also shows
what an import looks like.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlite_utils import Database

from lib.auth import Actor, require
from lib.demo import generate, write_files
from lib.importing import ImportOptions, import_file

FILES: tuple[tuple[str, ImportOptions], ...] = (
    ("clients.xlsx", ImportOptions(kind="clients")),
    ("invoices.xlsx", ImportOptions(kind="invoices")),
    ("mufg_jpy.csv", ImportOptions(kind="receipts", currency="JPY", account="MUFG-JPY-001")),
    ("hdfc_inr.xlsx", ImportOptions(kind="receipts", currency="INR", account="HDFC-INR-002")),
    ("card_payouts.csv", ImportOptions(kind="receipts", channel="card", account="CARD-STRIPE")),
)


class NotEmpty(ValueError):
    """The database already holds a ledger; the demo would mix with real data."""


def is_empty(db: Database) -> bool:
    """True when no client, invoice or receipt exists yet."""
    return not any(
        db.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone()
        for t in ("clients", "invoices", "receipts")
    )


def load_demo(
    db: Database,
    actor: Actor,
    as_of: date | None = None,
    clients: int = 300,
    force: bool = False,
    seed: int = 7,
) -> dict[str, Any]:
    """Generate the demo ledger as of ``as_of`` and import its files; only into an empty
    database unless ``force``. Returns the import summaries per file."""
    require(actor, "load_demo")
    if not force and not is_empty(db):
        raise NotEmpty("the database already has data; the demo loads only into an empty one")
    ledger = generate(seed=seed, as_of=as_of or date(2026, 11, 20), clients=clients)
    files = write_files(ledger)
    results = {}
    for name, options in FILES:
        result = import_file(db, actor, files[name], f"demo-{name}", options)
        results[name] = {
            k: v
            for k, v in result.summary().items()
            if k in ("imported", "duplicates", "skipped_outflows", "rejected")
        }
        results[name]["rejected"] = len(result.rejected)
    return {"demo": ledger.as_of, "files": results}
