"""Payment matching: the engine's rules, the collectors' actions, the ledger invariants, and
precision and recall on the realistic demo ledger."""

from __future__ import annotations

import contextlib
import threading
from datetime import date

import pytest
from builders import make_client, make_invoice, make_receipt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.db import connect
from lib.matching import (
    Line,
    MatchError,
    accept,
    assign_to_client,
    auto_match,
    match,
    queries,
    reverse_receipt,
    unmatch,
)
from lib.matching.text import mentions, read_line

AS_OF = date(2026, 11, 20)


def run(db, actor):
    return auto_match(db, actor, AS_OF)


def applied(db, receipt_id: int) -> list[tuple[str, int]]:
    return [
        (r["invoice_no"], r["amount"])
        for r in db.query(
            "SELECT i.invoice_no, a.amount FROM allocations a"
            " JOIN invoices i ON i.id = a.invoice_id"
            " WHERE a.receipt_id = ? AND a.reversed_at IS NULL ORDER BY i.invoice_no",
            [receipt_id],
        )
    ]


def deducted(db, receipt_id: int) -> list[tuple[str, int, str]]:
    return [
        (r["invoice_no"], r["amount"], r["kind"])
        for r in db.query(
            "SELECT i.invoice_no, d.amount, d.kind FROM deductions d JOIN invoices i"
            " ON i.id = d.invoice_id WHERE d.receipt_id = ? AND d.reversed_at IS NULL",
            [receipt_id],
        )
    ]


@pytest.mark.parametrize(
    "memo,name,ref,account",
    [
        (
            "NEFT CR-HDFC0000123-SHARMA TRADERS PVT LTD-INV 2509 01066-HDFCN52025111912345",
            "SHARMA TRADERS PVT LTD",
            "HDFCN52025111912345",
            "HDFC0000123",
        ),
        (
            "NEFT/UTIBN25346602965/BLUEDART COURIER SVCS/EXCESS PAYMENT REFUND",
            "BLUEDART COURIER SVCS",
            "UTIBN25346602965",
            "",
        ),
        (
            "UPI/536333050273/MITTAL MARKETING PRI/INV2512 00057/BANK OF BARODA",
            "MITTAL MARKETING PRI",
            "536333050273",
            "",
        ),
        (
            "UPI-EASTERN PACKAGING PR-easternpay@ybl-ICIC0419576-536052817175-INV 2512 00004",
            "EASTERN PACKAGING PR",
            "536052817175",
            "easternpay@ybl",
        ),
        ("IMPS/600916294275/VIKAS DAS/NA", "VIKAS DAS", "600916294275", ""),
        (
            "BY TRANSFER-NEFT*HDFC0000240*N306261234*MEHTA AND SONS--",
            "MEHTA AND SONS",
            "N306261234",
            "HDFC0000240",
        ),
        (
            "RTGS/HDFCR520261119000000012345/REDDY CATERERS PVT LTD/BILLS",
            "REDDY CATERERS PVT LTD",
            "HDFCR520261119000000012345",
            "",
        ),
    ],
)
def test_indian_narrations_give_payer_reference_and_account(memo, name, ref, account):
    line = read_line(None, memo)
    assert name in line.names and line.reference == ref and line.account == account


@pytest.mark.parametrize(
    ("memo", "names"),
    [
        ("ﾌﾘｺﾐ ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", ["ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"]),  # SMBC お取り扱い内容
        ("振込　カ）ヤマダショウジ", ["カ）ヤマダショウジ"]),  # Mizuho お取引内容
        ("振込＊ヤマダ　タロウ", ["ヤマダ　タロウ"]),  # Rakuten 入出金内容
        ("ﾌﾘｺﾐ1 ﾀﾅｶ ﾀﾛｳ", ["ﾀﾅｶ ﾀﾛｳ"]),
        ("振込１", []),  # MUFG's 摘要: the kind of line only, the payer is in 摘要内容
        ("振込手数料", []),
        ("ﾌﾘｺﾐ", []),
    ],
)
def test_japanese_memo_without_a_payer_column_gives_the_payer(memo, names):
    line = read_line(None, memo)
    assert line.names == names
    assert line.text == memo  # kept whole, for an invoice number written in it


def test_a_memo_only_kana_line_is_matched_to_its_client(db, collector, yamada):
    jpy_invoice(db, yamada, "INV-1", 110000)
    receipt = jpy_receipt(db, 110000, payer=None, memo="振込　カ）ヤマダショウジ")
    run(db, collector)
    assert applied(db, receipt) == [("INV-1", 110000)]


def test_invoice_numbers_are_read_however_they_are_written():
    digits = {m.digits for m in mentions("ＩＮＶ２５０９－０１０６６")}
    assert "250901066" in digits
    assert {m.tail for m in mentions("BILL NO 1066")} == {1066}
    assert "0000611067" in {m.digits for m in mentions("0000611067 611269")}
    assert read_line("1861 ﾄﾞ)ﾔﾏｸﾞﾁｼﾖｸﾋﾝ", "ﾌﾘｺﾐ").payer_ref == "1861"


@pytest.fixture
def yamada(db):
    return make_client(
        db,
        client_code="JP0001",
        name="株式会社山田商事",
        name_kana="ヤマダショウジ",
        currency="JPY",
    )


def jpy_invoice(db, client, no, amount, day="2026-09-01", due="2026-09-30", **extra):
    return make_invoice(
        db,
        client_id=client,
        invoice_no=no,
        amount=amount,
        tax=amount // 11,
        currency="JPY",
        invoice_date=day,
        due_date=due,
        **extra,
    )


def jpy_receipt(db, amount, payer="ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", memo="ﾌﾘｺﾐ", day="2026-09-30", **extra):
    return make_receipt(
        db,
        currency="JPY",
        amount=amount,
        payer_name=payer,
        memo=memo,
        receipt_date=day,
        value_date=day,
        **extra,
    )


def test_invoice_number_in_the_memo_applies_exactly(db, collector, yamada):
    jpy_invoice(db, yamada, "INV2509-01066", 110000)
    receipt = jpy_receipt(db, 110000, payer="ｵｵｸﾏｼﾖｳｶｲ", memo="INV 2509 01066")
    summary = run(db, collector)
    assert summary.applied == 1 and applied(db, receipt) == [("INV2509-01066", 110000)]
    why = db.execute("SELECT explanation, method FROM allocations").fetchone()
    assert "INV2509-01066" in why[0] and why[1] == "auto"


def test_payer_kana_and_a_transfer_fee(db, collector, yamada):
    jpy_invoice(db, yamada, "INV-1", 110000)
    receipt = jpy_receipt(db, 109560)  # ¥440 fee kept by the payer
    run(db, collector)
    assert applied(db, receipt) == [("INV-1", 109560)]
    assert deducted(db, receipt) == [("INV-1", 440, "bank_fee")]
    assert db.execute("SELECT settled FROM invoice_settled").fetchone()[0] == 110000


def test_tds_on_the_value_before_gst(db, collector):
    client = make_client(db, client_code="IN0001", name="Sharma Traders Pvt Ltd", currency="INR")
    make_invoice(db, client_id=client, invoice_no="INV-7", amount=11_800_00, tax=1_800_00)
    receipt = make_receipt(
        db,
        amount=11_600_00,
        payer_name=None,
        memo="NEFT CR-HDFC0000123-SHARMA TRADERS PVT LTD-PAYMENT-HDFCN5202511",
    )
    run(db, collector)
    assert applied(db, receipt) == [("INV-7", 11_600_00)]
    assert deducted(db, receipt) == [("INV-7", 200_00, "tds")]  # 2% of ₹10,000


def test_one_transfer_for_a_month_of_invoices_with_the_fee_on_the_last(db, collector, yamada):
    for no, amount, day in (
        ("A", 33000, "2026-09-03"),
        ("B", 55000, "2026-09-12"),
        ("C", 22000, "2026-09-28"),
    ):
        jpy_invoice(db, yamada, no, amount, day=day, due="2026-10-31")
    receipt = jpy_receipt(db, 110000 - 330, day="2026-10-30")
    run(db, collector)
    assert applied(db, receipt) == [("A", 33000), ("B", 55000), ("C", 21670)]
    assert deducted(db, receipt) == [("C", 330, "bank_fee")]


def test_head_office_pays_for_its_branch(db, collector, yamada):
    branch = make_client(
        db,
        client_code="JP0002",
        name="山田商事 大阪支店",
        name_kana="ヤマダショウジ オオサカシテン",
        currency="JPY",
        parent_id=yamada,
    )
    jpy_invoice(db, branch, "BR-1", 77000)
    receipt = jpy_receipt(db, 77000)
    run(db, collector)
    assert applied(db, receipt) == [("BR-1", 77000)]


def test_card_payout_net_of_the_processor_fee(db, collector):
    client = make_client(db, name="Kapoor Retail LLP", currency="INR")
    make_invoice(db, client_id=client, invoice_no="INV-9", amount=11_800_00, tax=1_800_00)
    receipt = make_receipt(
        db, amount=11_516_80, fee=283_20, payer_name="Kapoor Retail LLP", memo="", channel="card"
    )
    run(db, collector)
    assert deducted(db, receipt) == [("INV-9", 283_20, "card_fee")]


def test_part_payment_by_number_leaves_the_rest_open(db, collector, yamada):
    jpy_invoice(db, yamada, "INV-3", 100000)
    receipt = jpy_receipt(db, 40000, memo="INV-3")
    run(db, collector)
    assert applied(db, receipt) == [("INV-3", 40000)]
    assert db.execute("SELECT settled FROM invoice_settled").fetchone()[0] == 40000


def test_equal_monthly_fees_line_up_with_their_months(db, collector, yamada):
    for month in ("07", "08", "09"):
        jpy_invoice(
            db, yamada, f"FEE-{month}", 33000, day=f"2026-{month}-01", due=f"2026-{month}-28"
        )
    first = jpy_receipt(db, 33000, day="2026-07-28")
    second = jpy_receipt(db, 33000, day="2026-08-28")
    run(db, collector)
    assert applied(db, first) == [("FEE-07", 33000)]
    assert applied(db, second) == [("FEE-08", 33000)]


def test_a_month_late_or_a_month_skipped_is_left_to_a_person(db, collector, yamada):
    for month in ("07", "08", "09"):
        jpy_invoice(
            db, yamada, f"FEE-{month}", 33000, day=f"2026-{month}-01", due=f"2026-{month}-28"
        )
    receipts = [jpy_receipt(db, 33000, day="2026-08-28"), jpy_receipt(db, 33000, day="2026-09-28")]
    summary = run(db, collector)
    assert summary.applied == 0 and summary.suggested == 2
    assert all(applied(db, r) == [] for r in receipts)


def test_unknown_payer_interest_and_refund_go_to_suspense(db, collector, yamada):
    jpy_invoice(db, yamada, "INV-5", 50000)
    stranger = jpy_receipt(db, 12345, payer="ﾀﾅｶ ﾀﾛｳ")
    interest = jpy_receipt(db, 321, payer="", memo="ﾘｿｸ")
    run(db, collector)
    reasons = {r["id"]: r["suspense_reason"] for r in queries.suspense(db, AS_OF)}
    assert "not recognised" in reasons[stranger] and "interest" in reasons[interest]


def test_a_manual_match_teaches_the_payer(db, collector, yamada):
    jpy_invoice(db, yamada, "INV-A", 20000, day="2026-08-01", due="2026-08-31")
    jpy_invoice(db, yamada, "INV-B", 30000)
    first = jpy_receipt(db, 20000, payer="ﾔﾏﾀﾞ ﾀﾛｳ", day="2026-08-31")  # the owner pays
    run(db, collector)
    assert applied(db, first) == []
    invoice = db.execute("SELECT id FROM invoices WHERE invoice_no = 'INV-A'").fetchone()[0]
    match(db, collector, first, [Line(invoice, 20000)], note="owner pays personally")
    second = jpy_receipt(db, 30000, payer="ﾔﾏﾀﾞ ﾀﾛｳ")
    run(db, collector)
    assert applied(db, second) == [("INV-B", 30000)]
    assert queries.aliases(db)[0]["payer_name"] == "ﾔﾏﾀﾞ ﾀﾛｳ"


def test_manual_split_with_a_deduction_and_the_limits(db, collector, yamada):
    a = jpy_invoice(db, yamada, "S-1", 50000)
    b = jpy_invoice(db, yamada, "S-2", 60000)
    receipt = jpy_receipt(db, 109000, payer="ﾍﾝﾅ ﾅﾏｴ")
    with pytest.raises(MatchError, match="only ¥50,000 open"):
        match(db, collector, receipt, [Line(a, 50001)])
    with pytest.raises(MatchError, match="left to apply"):
        match(db, collector, receipt, [Line(a, 50000), Line(b, 60000)])
    match(db, collector, receipt, [Line(a, 50000), Line(b, 59000, 1000, "short_payment")])
    assert deducted(db, receipt) == [("S-2", 1000, "short_payment")]


def test_unmatch_restores_both_sides_exactly_and_is_audited(db, collector, yamada):
    jpy_invoice(db, yamada, "U-1", 110000)
    receipt = jpy_receipt(db, 109560)
    run(db, collector)
    assert unmatch(db, collector, receipt, "wrong client") == 2
    assert db.execute("SELECT settled FROM invoice_settled").fetchone()[0] == 0
    assert applied(db, receipt) == [] and deducted(db, receipt) == []
    assert db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'reverse'").fetchone()[0] == 2


def test_a_receipt_the_bank_took_back_is_reversed_by_hand_and_its_invoice_reopens(
    db, collector, yamada
):
    jpy_invoice(db, yamada, "R-1", 110000)
    receipt = jpy_receipt(db, 109560)
    run(db, collector)
    with pytest.raises(MatchError, match="say why"):
        reverse_receipt(db, collector, receipt, "  ")
    reverse_receipt(db, collector, receipt, "RC on the 14 Nov statement")
    gone = db["receipts"].get(receipt)
    assert gone["reversed_by"] == collector.username
    assert gone["reversal_reason"] == "reversed by hand: RC on the 14 Nov statement"
    assert applied(db, receipt) == [] and deducted(db, receipt) == []
    assert db.execute("SELECT settled FROM invoice_settled").fetchone()[0] == 0
    assert receipt not in [r["id"] for r in queries.suspense(db, AS_OF)]
    with pytest.raises(MatchError, match="reversed"):
        reverse_receipt(db, collector, receipt, "again")
    actions = db.execute(
        "SELECT action FROM audit_log WHERE table_name = 'receipts' AND row_id = ?", [receipt]
    ).fetchall()
    assert ("reverse",) in actions


def test_suggestion_accepted_and_put_on_account(db, collector, yamada):
    jpy_invoice(db, yamada, "Q-1", 10000)
    jpy_invoice(db, yamada, "Q-2", 20000)
    receipt = jpy_receipt(db, 17000)  # fits nothing: a suggestion for the payer's invoices
    run(db, collector)
    suggestion = queries.review_queue(db)[0]
    assert suggestion["receipt_id"] == receipt
    accept(db, collector, suggestion["id"])
    assert applied(db, receipt) == [("Q-1", 10000), ("Q-2", 7000)]
    loose = jpy_receipt(db, 5000, payer="ﾀﾞﾚｶ")
    assign_to_client(db, collector, loose, yamada)
    assert [r["id"] for r in queries.on_account(db, AS_OF)] == [loose]


def test_interns_may_not_match(db, intern, yamada):
    receipt = jpy_receipt(db, 100)
    with pytest.raises(PermissionError):
        run(db, intern)
    with pytest.raises(PermissionError):
        unmatch(db, intern, receipt, "no")
    with pytest.raises(PermissionError):
        reverse_receipt(db, intern, receipt, "the bank took it back")
    assert db["receipts"].get(receipt)["reversed_at"] is None


def test_running_twice_or_side_by_side_never_applies_twice(tmp_path, collector):
    path = tmp_path / "k.db"
    db = connect(path)
    client = make_client(db, name="株式会社山田商事", name_kana="ヤマダショウジ", currency="JPY")
    for n in range(40):
        jpy_invoice(db, client, f"T-{n:03d}", 1000 + n)
        jpy_receipt(db, 1000 + n, memo=f"T-{n:03d}")
    results = []

    def worker():
        own = connect(path)
        results.append(auto_match(own, collector, AS_OF))
        own.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.applied for r in results) == 40
    assert db.execute("SELECT COUNT(*) FROM allocations").fetchone()[0] == 40
    assert run(db, collector).applied == 0


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(1, 60_000)), min_size=1, max_size=12))
def test_invariants_hold_whatever_collectors_try(db, collector, yamada, attempts):
    invoices = [jpy_invoice(db, yamada, f"H-{n}-{db['invoices'].count}", 50_000) for n in range(4)]
    receipt = jpy_receipt(db, 80_000)
    for index, amount in attempts:
        with contextlib.suppress(MatchError):
            match(db, collector, receipt, [Line(invoices[index], amount)])
    over_receipt = db.execute(
        "SELECT COUNT(*) FROM receipts r JOIN receipt_applied a ON a.receipt_id = r.id"
        " WHERE a.applied > r.amount"
    ).fetchone()[0]
    over_invoice = db.execute(
        "SELECT COUNT(*) FROM invoices i JOIN invoice_settled s ON s.invoice_id = i.id"
        " WHERE s.settled > i.amount"
    ).fetchone()[0]
    assert over_receipt == 0 and over_invoice == 0
    if applied(db, receipt):
        unmatch(db, collector, receipt, "test")
    assert (
        db.execute(
            "SELECT applied FROM receipt_applied WHERE receipt_id = ?", [receipt]
        ).fetchone()[0]
        == 0
    )


@settings(max_examples=300, deadline=None)
@given(
    currency=st.sampled_from(["JPY", "INR"]),
    amount=st.integers(1_000, 5_000_000),
    tax_share=st.integers(0, 18),
    paid_off=st.integers(0, 1),
    less=st.one_of(
        st.integers(-500, 200_000),
        st.sampled_from([110, 440, 660, 1100]),
        st.sampled_from(["tds:100", "tds:200", "tds:1000"]),
    ),
    card_fee=st.sampled_from([0, 0, 0, 250]),
    learned=st.sets(st.integers(100, 2_000), max_size=2),
)
def test_the_quick_bound_never_turns_away_what_settle_takes(
    currency, amount, tax_share, paid_off, less, card_fee, learned
):
    from lib.matching.amounts import Inv, Rules, may_settle_alone, settle, tds

    outstanding = amount - paid_off * (amount // 3)
    inv = Inv(1, "INV-1", 7, currency, "2026-09-01", "2026-09-30", amount,
              amount * tax_share // 118, outstanding)  # fmt: skip
    rules = Rules(learned_fees={7: learned} if learned else {})
    if isinstance(less, str):  # what TDS at that rate withholds
        less = tds(inv, int(less[4:]))
    received = outstanding - card_fee - less
    if received <= 0:
        return
    for fees in (None, frozenset(), frozenset(learned)):
        if settle([inv], received, card_fee, rules, 7, fees) is not None:
            assert may_settle_alone(inv, received, card_fee, rules, 7)
