"""The demo ledger generator (lib.demo): determinism, truth invariants and the files it writes."""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from lib.demo import KINDS, DemoLedger, generate, write_files
from lib.demo.files import CARD_HEADER, CLIENT_HEADER, HDFC_HEADER, INVOICE_HEADER, MUFG_HEADER
from lib.demo.invoices import Invoice
from lib.demo.records import Draft, allocation, mark_equal_amounts, truth
from lib.kana import normalise_name

SCALAR = (str, int, type(None))


@pytest.fixture(scope="module")
def ledger() -> DemoLedger:
    return generate()


@pytest.fixture(scope="module")
def files(ledger: DemoLedger) -> dict[str, bytes]:
    return write_files(ledger)


def test_same_seed_same_ledger(ledger: DemoLedger) -> None:
    assert generate() == ledger
    other = generate(seed=8)
    assert other.receipts != ledger.receipts


def test_small_ledger_is_deterministic_for_as_of() -> None:
    first = generate(seed=3, as_of=date(2026, 3, 31), clients=40, months=6)
    assert first == generate(seed=3, as_of=date(2026, 3, 31), clients=40, months=6)
    assert first.period_start == "2025-10-01"
    assert max(inv["invoice_date"] for inv in first.invoices) <= "2026-03-31"
    assert max(r["date"] for r in first.receipts) <= "2026-03-31"


def test_rows_are_plain_values(ledger: DemoLedger) -> None:
    for rows in (ledger.clients, ledger.invoices, ledger.receipts, ledger.debits):
        for row in rows:
            assert all(isinstance(v, SCALAR) for v in row.values()), row
    for entry in ledger.truth:
        for alloc in entry["allocations"]:
            assert all(isinstance(v, SCALAR) for v in alloc.values()), alloc


def test_truth_has_one_entry_per_receipt(ledger: DemoLedger) -> None:
    assert len(ledger.truth) == len(ledger.receipts)
    assert [t["receipt_index"] for t in ledger.truth] == list(range(len(ledger.receipts)))


def test_invoices_are_never_overpaid_by_truth(ledger: DemoLedger) -> None:
    covered: Counter[str] = Counter()
    for entry in ledger.truth:
        for alloc in entry["allocations"]:
            covered[alloc["invoice_no"]] += alloc["applied"] + alloc["deduction"]
    amounts = {inv["invoice_no"]: inv["amount"] for inv in ledger.invoices}
    assert set(covered) <= set(amounts)
    assert all(covered[no] <= amounts[no] for no in covered)


def test_receipts_cover_what_they_apply(ledger: DemoLedger) -> None:
    for entry in ledger.truth:
        row = ledger.receipts[entry["receipt_index"]]
        assert row["amount"] > 0
        assert sum(a["applied"] for a in entry["allocations"]) <= row["amount"]
        if entry["kind"] != "overpay" and entry["allocations"]:
            assert sum(a["applied"] for a in entry["allocations"]) == row["amount"], entry


def test_deductions_complete_the_invoice(ledger: DemoLedger) -> None:
    amounts = {inv["invoice_no"]: inv["amount"] for inv in ledger.invoices}
    for entry in ledger.truth:
        for alloc in entry["allocations"]:
            if alloc["deduction_kind"] is not None or entry["kind"] in ("fee", "tds", "card"):
                assert alloc["applied"] + alloc["deduction"] == amounts[alloc["invoice_no"]]
            else:
                assert alloc["deduction"] == 0


def test_deduction_kinds_match_receipts(ledger: DemoLedger) -> None:
    for entry in ledger.truth:
        row = ledger.receipts[entry["receipt_index"]]
        kinds = {a["deduction_kind"] for a in entry["allocations"]}
        if entry["kind"] == "card":
            assert kinds == {"card_fee"} and row["channel"] == "card"
            assert row["fee"] == entry["allocations"][0]["deduction"]
        else:
            assert row["fee"] == 0
        if entry["kind"] == "fee":
            assert kinds == {"bank_fee"} and row["currency"] == "JPY"
        if entry["kind"] == "tds":
            assert kinds == {"tds"} and row["currency"] == "INR"


def test_tds_is_on_the_value_before_gst(ledger: DemoLedger) -> None:
    invoices = {inv["invoice_no"]: inv for inv in ledger.invoices}
    for entry in ledger.truth:
        for alloc in entry["allocations"]:
            if alloc["deduction_kind"] == "tds":
                inv = invoices[alloc["invoice_no"]]
                assert alloc["deduction"] % 100 == 0  # rounded to the rupee
                rate = alloc["deduction"] / (inv["amount"] - inv["tax"]) * 100
                assert min(abs(rate - r) for r in (1, 2, 5, 10)) < 0.1


def test_every_kind_is_present(ledger: DemoLedger) -> None:
    counts = Counter(t["kind"] for t in ledger.truth)
    print("kinds:", dict(counts.most_common()))
    assert set(counts) == set(KINDS)


def test_applicability(ledger: DemoLedger) -> None:
    for entry in ledger.truth:
        if entry["kind"] in ("interest", "refund", "unknown"):
            assert not entry["applicable"] and entry["client_code"] is None
            assert not entry["allocations"]
        elif entry["kind"] in ("exact", "consolidated"):
            assert entry["applicable"]
    # A single payment with no reference, while an invoice of the same amount was also open,
    # is applicable only when it paid the oldest one, fee, TDS or not.
    for kind in ("fee", "tds", "card", "head_office"):
        entries = [t for t in ledger.truth if t["kind"] == kind]
        assert sum(t["applicable"] for t in entries) > 0.8 * len(entries)
    assert any(not t["applicable"] for t in ledger.truth if t["kind"] == "third_party")


def test_every_narration_shape_and_its_reference(ledger: DemoLedger) -> None:
    inr = [r for r in ledger.receipts if r["account"] == "HDFC-INR-002" and r["reference"]]
    shapes = ("NEFT CR-", "NEFT/", "UPI/", "UPI-", "IMPS/", "IMPS-", "RTGS/", "RTGS CR-")
    for shape in shapes:
        assert any(r["memo"].startswith(shape) for r in inr), shape
    assert all(r["reference"] in r["memo"] and r["payer_name"] in r["memo"] for r in inr)
    utrs = [r["reference"] for r in inr if r["memo"].startswith("NEFT")]
    assert all(len(u) == 16 for u in utrs)
    assert all(len(r["reference"]) == 22 for r in inr if r["memo"].startswith("RTGS"))


def test_japanese_payers_use_bank_kana(ledger: DemoLedger) -> None:
    jpy = [r for r in ledger.receipts if r["account"] == "MUFG-JPY-001" and r["payer_name"]]
    assert all(len(r["payer_name"]) <= 48 for r in jpy)
    assert all(not any("\u30a1" <= ch <= "\u30fc" for ch in r["payer_name"]) for r in jpy)
    assert any(r["payer_name"].startswith("ｶ)") for r in jpy)
    assert any(r["payer_name"].endswith("(ｶ") for r in jpy)
    assert any("(ｶ)" in r["payer_name"] for r in jpy)  # a branch
    assert any(r["payer_name"].split(" ")[0].isdigit() for r in jpy)  # sequence before name


def test_some_overdue_invoices_stay_unpaid(ledger: DemoLedger) -> None:
    paid = {a["invoice_no"] for t in ledger.truth for a in t["allocations"]}
    overdue = [i for i in ledger.invoices if i["due_date"] < "2026-09-01"]
    unpaid = [i for i in overdue if i["invoice_no"] not in paid]
    assert 0.02 * len(overdue) < len(unpaid) < 0.3 * len(overdue)


def test_clients(ledger: DemoLedger) -> None:
    clients = ledger.clients
    assert len({c["name"] for c in clients}) == len(clients)
    assert len({c["client_code"] for c in clients}) == len(clients)
    codes = {c["client_code"] for c in clients}
    assert all(c["parent_code"] in codes for c in clients if c["parent_code"])
    assert 0.45 < sum(c["currency"] == "JPY" for c in clients) / len(clients) < 0.65
    heads = [normalise_name(c["name_kana"] or c["name"]) for c in clients if not c["parent_code"]]
    assert len(set(heads)) == len(heads)  # no two unrelated clients share a matching key


def test_kana_readings_are_katakana(ledger: DemoLedger) -> None:
    for client in ledger.clients:
        if client["currency"] == "JPY":
            reading = client["name_kana"]
            assert reading and all("\u30a1" <= ch <= "\u30fc" or ch == "\u3000" for ch in reading)
        else:
            assert client["name_kana"] is None


def test_invoice_numbers_unique_with_a_zero_padded_series(ledger: DemoLedger) -> None:
    numbers = [inv["invoice_no"] for inv in ledger.invoices]
    assert len(set(numbers)) == len(numbers)
    assert any(n.startswith("0000") and len(n) == 10 for n in numbers)
    assert any(n.startswith("INV") for n in numbers)


def test_equal_amount_monthly_fees(ledger: DemoLedger) -> None:
    per_client = Counter((inv["client_code"], inv["amount"]) for inv in ledger.invoices)
    assert sum(1 for n in per_client.values() if n >= 6) > 20


def _sheet_rows(data: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python()


def test_clients_xlsx(ledger: DemoLedger, files: dict[str, bytes]) -> None:
    rows = _sheet_rows(files["clients.xlsx"])
    assert tuple(rows[0]) == CLIENT_HEADER
    assert len(rows) == len(ledger.clients) + 1


def test_invoices_xlsx(ledger: DemoLedger, files: dict[str, bytes]) -> None:
    rows = _sheet_rows(files["invoices.xlsx"])
    assert rows[0][0] == "Invoice ledger — demo company"
    assert rows[1][0] == f"Period: {ledger.period_start} to {ledger.as_of}"
    assert tuple(rows[3]) == INVOICE_HEADER
    body = rows[4:]
    assert len(body) == len(ledger.invoices)
    assert isinstance(body[0][3], date)
    for row, inv in zip(body, ledger.invoices, strict=True):
        assert row[0] == inv["invoice_no"]
        scale = 100 if inv["currency"] == "INR" else 1
        assert round(row[5] * scale) == inv["amount"]


def test_mufg_csv(ledger: DemoLedger, files: dict[str, bytes]) -> None:
    text = files["mufg_jpy.csv"].decode("cp932")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "口座番号" and rows[1][0] == "照会期間"
    assert tuple(rows[2]) == MUFG_HEADER
    credits = [r for r in rows[3:] if r[4]]
    debits = [r for r in rows[3:] if r[3]]
    mine = [r for r in ledger.receipts if r["account"] == "MUFG-JPY-001"]
    assert len(credits) == len(mine) and debits
    assert any("," in r[4] for r in credits)
    assert any(r[0].startswith("R") for r in rows[3:])


def test_hdfc_xlsx(ledger: DemoLedger, files: dict[str, bytes]) -> None:
    rows = _sheet_rows(files["hdfc_inr.xlsx"])
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Date")
    assert tuple(rows[header_at]) == HDFC_HEADER
    assert set(rows[header_at + 1]) == {"********"}  # the rule of stars under the header
    summary = next(i for i, r in enumerate(rows) if r and r[0] == "STATEMENT SUMMARY  :-")
    body = rows[header_at + 2 : summary - 2]
    deposits = [r for r in body if r[5]]
    mine = [r for r in ledger.receipts if r["account"] == "HDFC-INR-002"]
    assert len(deposits) == len(mine)
    assert rows[summary + 2][2] == str(len(deposits))  # the summary's Cr Count
    assert any(r[4] for r in body)  # withdrawals are there too
    assert any(r[2] == "0000000000000000" and r[1].startswith("NEFT") for r in deposits)
    assert any(r[5].count(",") >= 2 for r in deposits)  # lakh grouping: 1,23,456.78


def test_card_csv(ledger: DemoLedger, files: dict[str, bytes]) -> None:
    rows = list(csv.reader(io.StringIO(files["card_payouts.csv"].decode("utf-8"))))
    assert tuple(rows[0]) == CARD_HEADER
    assert len(rows) - 1 == sum(r["channel"] == "card" for r in ledger.receipts)
    assert {r[7] for r in rows[1:]} == {"JPY", "INR"}


def test_write_files_is_quick_and_byte_stable(ledger: DemoLedger, files: dict[str, bytes]) -> None:
    started = time.perf_counter()
    again = write_files(ledger)
    print(f"write_files (300 clients): {time.perf_counter() - started:.2f}s")
    assert again == files  # xlsx save times are pinned to as_of


def test_scale_timing() -> None:
    started = time.perf_counter()
    big = generate(clients=5000, months=12)
    elapsed = time.perf_counter() - started
    print(
        f"generate(clients=5000): {elapsed:.2f}s, {len(big.invoices)} invoices,"
        f" {len(big.receipts)} receipts"
    )
    assert len(big.invoices) > 80_000


def test_demo_loads_through_the_importers_without_a_rejected_row(tmp_path):
    from lib.auth import Actor
    from lib.db import connect
    from lib.demo.load import NotEmpty, load_demo

    db = connect(tmp_path / "demo.db")
    lead = Actor("asha", "lead")
    summary = load_demo(db, lead, as_of=date(2026, 11, 20), clients=60)
    ledger = generate(as_of=date(2026, 11, 20), clients=60)
    assert all(f["rejected"] == 0 for f in summary["files"].values())
    assert db["clients"].count == len(ledger.clients)
    assert db["invoices"].count == len(ledger.invoices)
    assert db["receipts"].count == len(ledger.receipts)
    total = db.execute("SELECT SUM(amount) FROM receipts").fetchone()[0]
    assert total == sum(r["amount"] for r in ledger.receipts)
    with pytest.raises(NotEmpty):
        load_demo(db, lead, as_of=date(2026, 11, 20), clients=60)


def _monthly_fee(number: str, day: date) -> Invoice:
    return Invoice(None, day, day, 55_000, 5_000, False, day.month, number)  # type: ignore[arg-type]


def _paid(invoice: Invoice, day: date, kind: str, applicable: bool, has_ref: bool) -> Draft:
    entry = truth(kind, "JP001", "JP001", applicable)
    entry["allocations"] = [allocation(invoice, invoice.amount)]
    return Draft(day, {}, entry, [invoice], has_ref)


def test_a_stranger_paying_without_reference_leaves_the_invoice_looking_open() -> None:
    older, newer = _monthly_fee("0001", date(2026, 1, 31)), _monthly_fee("0002", date(2026, 2, 28))
    stranger = _paid(older, date(2026, 3, 2), "third_party", False, False)
    client = _paid(newer, date(2026, 3, 31), "exact", True, False)
    mark_equal_amounts([older, newer], [client, stranger])
    # A person still sees 0001 open and would put the client's money there: not applicable.
    assert client.truth["kind"] == "equal_amount"
    assert client.truth["applicable"] is False


def test_an_applicable_payment_closes_the_older_invoice_for_the_next_one() -> None:
    older, newer = _monthly_fee("0001", date(2026, 1, 31)), _monthly_fee("0002", date(2026, 2, 28))
    stranger = _paid(older, date(2026, 3, 2), "third_party", True, True)  # named the invoice
    client = _paid(newer, date(2026, 3, 31), "exact", True, False)
    mark_equal_amounts([older, newer], [client, stranger])
    assert client.truth["kind"] == "exact"  # only one invoice of that amount looked open
    assert client.truth["applicable"] is True
