"""Today's worklist: the score and its reasons, the order, the filters, reassignment."""

from __future__ import annotations

from datetime import date

import pytest
from builders import make_client, make_follow_up, make_invoice, make_promise, make_user

from lib.auth import PermissionDenied
from lib.followups import FollowUpError, scoring
from lib.followups import worklist as wl
from lib.followups.promises import Verdict

AS_OF = date(2026, 3, 20)


def test_the_score_is_the_sum_of_named_parts():
    facts = scoring.Facts(
        overdue={"JPY": 330_000},
        weighted_units=scoring.weighted_units(330_000, "JPY", 45),
        oldest_days=45,
        promise={
            "verdict": Verdict("broken", 330_000, 330_000, 0, "2026-03-17"),
            "text": "promise of ¥330,000 broken 3 days ago",
        },
        last_contact="2026-03-10",
        step={"name": "Final notice", "channel": "email"},
    )
    total, parts = scoring.score(facts, AS_OF)
    assert facts.weighted_units == 49  # 33 units × 1.5 for 31–60 days
    assert parts == [
        (100, "promise of ¥330,000 broken 3 days ago"),
        (34, "¥330,000 overdue, oldest 45 days"),
        (10, "not spoken to for 10 days"),
        (10, "step due: Final notice"),
    ]
    assert total == 154
    assert scoring.reason(parts) == (
        "promise of ¥330,000 broken 3 days ago · ¥330,000 overdue, oldest 45 days"
        " · not spoken to for 10 days"
    )


def test_age_weights_and_currency_units():
    assert [scoring.age_weight(d) for d in (1, 30, 31, 60, 61, 90, 91)] == [
        100,
        100,
        150,
        150,
        200,
        200,
        300,
    ]
    assert scoring.weighted_units(10_000, "JPY", 10) == 1
    assert scoring.weighted_units(5_000_00, "INR", 10) == 1
    assert scoring.weighted_units(5_000_00, "INR", 100) == 3


def test_planned_follow_ups_raise_or_lower_the_score():
    base = {"overdue": {"JPY": 10_000}, "weighted_units": 1, "oldest_days": 5}
    planned_today = scoring.Facts(**base, last_contact="2026-03-18", next_action_on="2026-03-20")
    later = scoring.Facts(**base, last_contact="2026-03-18", next_action_on="2026-03-27")
    missed = scoring.Facts(**base, last_contact="2026-03-12", next_action_on="2026-03-15")
    texts = {
        name: [t for _, t in scoring.score(f, AS_OF)[1]]
        for name, f in [("today", planned_today), ("later", later), ("missed", missed)]
    }
    assert "follow-up planned for today" in texts["today"]
    assert "next follow-up on 27/03/2026" in texts["later"]
    assert "planned follow-up on 15/03/2026 missed" in texts["missed"]
    never = scoring.score(scoring.Facts(**base), AS_OF)[1]
    assert (25, "not spoken to yet") in never


@pytest.fixture
def ledger(db):
    make_user(db, "priya")
    make_user(db, "kenji")

    def client(code, currency="JPY", owner="priya", segment="client"):
        return make_client(
            db,
            client_code=code,
            name=f"{code} Ltd",
            currency=currency,
            owner=owner,
            segment=segment,
        )

    def invoice(client_id, amount, due, currency="JPY", disputed=0):
        make_invoice(
            db,
            client_id=client_id,
            amount=amount,
            tax=0,
            currency=currency,
            invoice_date="2025-11-01",
            due_date=due,
            disputed=disputed,
        )

    ids = {}
    ids["BROKEN"] = client("BROKEN")
    invoice(ids["BROKEN"], 330_000, "2026-02-08")
    make_promise(db, ids["BROKEN"], [("2026-03-14", 330_000)], "2026-03-10", currency="JPY")
    make_follow_up(db, ids["BROKEN"], contacted_on="2026-03-10", outcome="promised")
    ids["BIG"] = client("BIG", "INR", owner="kenji", segment="partner")
    invoice(ids["BIG"], 5_00_000_00, "2025-12-10", "INR")
    make_follow_up(db, ids["BIG"], contacted_on="2026-03-18")
    ids["SMALL"] = client("SMALL")
    invoice(ids["SMALL"], 50_000, "2026-03-15")
    ids["DISPUTED"] = client("DISPUTED")
    invoice(ids["DISPUTED"], 900_000, "2026-01-10", disputed=1)
    ids["WAITING"] = client("WAITING")
    invoice(ids["WAITING"], 330_000, "2026-02-08")
    make_promise(db, ids["WAITING"], [("2026-03-25", 330_000)], "2026-03-18", currency="JPY")
    ids["CALLED"] = client("CALLED")
    invoice(ids["CALLED"], 2_000_000, "2026-01-10")
    make_follow_up(db, ids["CALLED"], contacted_on="2026-03-20", outcome="no_answer")
    ids["NOTYET"] = client("NOTYET")
    invoice(ids["NOTYET"], 2_000_000, "2026-04-10")
    return ids


def codes(rows):
    return [r["client_code"] for r in rows]


def test_broken_promises_rise_to_the_top_and_called_clients_sink(db, ledger):
    rows = wl.worklist(db, AS_OF)
    assert codes(rows) == ["BROKEN", "BIG", "SMALL", "WAITING", "CALLED"]
    top = rows[0]
    assert top["reason"].startswith("promise of ¥330,000 broken 6 days ago")
    assert top["step"] == "Phone call" and top["step_done"]  # the call of 10/03 was on time
    assert rows[-1]["done_today"] and not rows[0]["done_today"]
    waiting = rows[3]
    assert "promised ¥330,000 by 25/03/2026" in waiting["reason"]
    big = rows[1]
    assert big["overdue_text"] == "₹5,00,000.00" and big["bucket"] == "90+"
    assert "step due: Propose a recovery case" in big["reason"]


def test_all_disputed_clients_leave_the_list_but_the_filter_finds_them(db, ledger):
    assert "DISPUTED" not in codes(wl.worklist(db, AS_OF))
    only = wl.worklist(db, AS_OF, wl.Filters(disputes="only"))
    assert codes(only) == ["DISPUTED"] and only[0]["bucket"] == "disputed"
    make_invoice(
        db,
        client_id=ledger["DISPUTED"],
        amount=1_000,
        tax=0,
        currency="JPY",
        invoice_date="2026-01-01",
        due_date="2026-03-01",
    )
    assert "DISPUTED" in codes(wl.worklist(db, AS_OF, wl.Filters(disputes="with")))
    assert "DISPUTED" in codes(wl.worklist(db, AS_OF))  # one undisputed invoice is late
    assert "DISPUTED" not in codes(wl.worklist(db, AS_OF, wl.Filters(disputes="without")))


def test_clients_under_a_recovery_case_leave_the_list(db, ledger, monkeypatch):
    monkeypatch.setattr(wl, "clients_in_recovery", lambda db, as_of: {ledger["BIG"]})
    assert "BIG" not in codes(wl.worklist(db, AS_OF))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (wl.Filters(owner="kenji"), ["BIG"]),
        (wl.Filters(segment="partner"), ["BIG"]),
        (wl.Filters(currency="INR"), ["BIG"]),
        (wl.Filters(bucket="1-30"), ["SMALL"]),
        (wl.Filters(bucket="31-60"), ["BROKEN", "WAITING"]),
        (wl.Filters(bucket="61-90"), ["CALLED"]),
        (wl.Filters(owner="priya", currency="JPY"), ["BROKEN", "SMALL", "WAITING", "CALLED"]),
    ],
)
def test_filters(db, ledger, filters, expected):
    assert codes(wl.worklist(db, AS_OF, filters)) == expected


def test_an_email_of_the_due_step_marks_it_done(db, ledger):
    step = next(db.query("SELECT id FROM escalation_steps WHERE code = 'reminder'"))["id"]
    db["emails"].insert(
        {
            "idempotency_key": "k",
            "client_id": ledger["SMALL"],
            "step_id": step,
            "prepared_on": "2026-03-19",
            "batch": "b",
            "language": "en",
            "to_addrs": "a@b.c",
            "subject": "s",
            "body_text": "t",
            "message_id": "<m@x>",
            "raw": b"x",
            "status": "sent",
            "created_by": "t",
            "created_at": "2026-03-19T00:00:00Z",
        }
    )
    small = next(r for r in wl.worklist(db, AS_OF) if r["client_code"] == "SMALL")
    assert small["step"] == "First reminder" and small["step_done"]
    assert "step due" not in small["reason"]


def test_the_lead_reassigns_clients(db, ledger, lead, collector):
    assert wl.assign_owner(db, lead, [ledger["BIG"], ledger["SMALL"]], "priya") == 1
    assert db["clients"].get(ledger["BIG"])["owner"] == "priya"
    with pytest.raises(PermissionDenied):
        wl.assign_owner(db, collector, [ledger["BIG"]], "kenji")
    with pytest.raises(FollowUpError, match="not an active user"):
        wl.assign_owner(db, lead, [ledger["BIG"]], "nobody")
    entry = next(db.query("SELECT * FROM audit_log WHERE action = 'assign'"))
    assert entry["before"] == '{"owner": "kenji"}' and entry["after"] == '{"owner": "priya"}'
