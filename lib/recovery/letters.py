"""Recovery notices and demand letters: what goes in one, the draft shown before issuing,
and issuing it (both files stored with the case, logged, and the case moved on if asked).

A letter's content is built once, as display text, and kept as JSON with the letter: the
page's preview, the .docx and the PDF are all drawn from that same content, so what was
shown is what was issued. Letter numbers follow the case: RC-2026-0007/RN-1 for the first
recovery notice, RC-2026-0007/DL-1 for the first demand letter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.followups.settings import load as followup_settings
from lib.followups.templates import long_date
from lib.money import format_money
from lib.recovery import CLOSED_STAGES, LETTER_KINDS, OPEN_STAGES, STAGES, RecoveryError
from lib.recovery import attachments as att
from lib.recovery import lettertext as lt
from lib.recovery.amounts import case_money
from lib.recovery.caselog import insert_event
from lib.recovery.cases import case_by_id
from lib.recovery.settings import load as recovery_settings
from lib.recovery.stages import enter_stage

NUMBER_CODES = {"recovery_notice": "RN", "demand_letter": "DL"}
STAGE_FOR = {"recovery_notice": "pre_legal_notice", "demand_letter": "demand_letter"}
LABELS = {
    "en": {
        "headings": ("Invoice", "Invoice date", "Due date", "Amount", "Outstanding", "Days late"),
        "interest": "Interest",
        "totals": ("Currency", "Outstanding", "Interest", "Total due"),
        "ref": "Our reference",
        "pay_by": "Please pay by",
        "bank": "Bank details for payment",
        "close": "Yours faithfully,",
        "contact": "Accounts team",
        "title": "Collections",
    },
    "ja": {
        "headings": ("請求書番号", "請求日", "支払期日", "請求額", "未払額", "経過日数"),
        "interest": "遅延損害金",
        "totals": ("通貨", "未払額", "遅延損害金", "ご請求額合計"),
        "ref": "当社参照番号",
        "pay_by": "お支払期限",
        "bank": "【お振込先】",
        "close": "",
        "contact": "ご担当者",
        "title": "回収担当",
    },
}


def era_date(day: date) -> str:
    """A date as a Japanese letter writes it: 令和8年11月20日 (令和元年 for 2019)."""
    if day < date(2019, 5, 1):
        return long_date(day, "ja")
    year = day.year - 2018
    return f"令和{'元' if year == 1 else year}年{day.month}月{day.day}日"


def letter_date(day: date, language: str) -> str:
    """The date in the letter's language: ``20 Nov 2026`` or ``令和8年11月20日``."""
    return era_date(day) if language == "ja" else long_date(day, "en")


def _table_date(iso: str, language: str) -> str:
    return (
        f"{iso[:4]}/{iso[5:7]}/{iso[8:10]}"
        if language == "ja"
        else f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"
    )


@dataclass
class Draft:
    """A letter before it is issued: its content, its money, and what stops issuing it."""

    kind: str
    language: str
    issued_on: date
    pay_by: date
    letter_no: str
    content: dict[str, Any]
    totals: dict[str, dict[str, int]]
    interest_rate_bp: int
    problems: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)  # worth a look, but no bar to issuing


def next_letter_no(db: Database, case: dict[str, Any], kind: str) -> str:
    """The number the next letter of ``kind`` on the case gets."""
    count = db.execute(
        "SELECT COUNT(*) FROM letters WHERE case_id = ? AND kind = ?", [case["id"], kind]
    ).fetchone()[0]
    return f"{case['case_no']}/{NUMBER_CODES[kind]}-{count + 1}"


def draft(
    db: Database,
    actor: Actor,
    case_id: int,
    kind: str,
    language: str,
    on: date,
    pay_by: date | None = None,
) -> Draft:
    """Build the letter of ``kind`` in ``language`` for the case as of ``on``: the invoices
    with money at stake, interest at the lead's rate, and the deadline (``pay_by``, else the
    lead's days for that kind). ``problems`` says what stops it from being issued."""
    require(actor, "recovery")
    if kind not in LETTER_KINDS or language not in lt.LANGUAGES:
        raise RecoveryError("choose the kind of letter and its language")
    rs, fs = recovery_settings(db), followup_settings(db)
    case = case_by_id(db, case_id)
    client = db["clients"].get(case["client_id"])
    deadline = pay_by or on + timedelta(days=rs.pay_days(kind))
    money = case_money(db, case_id, on, rs.interest_rate_bp)
    lines = [x for x in money.lines if x["outstanding"] > 0]
    totals: dict[str, dict[str, int]] = {}
    for x in lines:
        t = totals.setdefault(x["currency"], {"outstanding": 0, "interest": 0, "total": 0})
        t["outstanding"] += x["outstanding"]
        t["interest"] += x["interest"]
        t["total"] += x["outstanding"] + x["interest"]
    letter_no = next_letter_no(db, case, kind)
    lab = LABELS[language]
    fields = {
        "client_name": client["name"],
        "contact": client.get("contact_name") or lab["contact"],
        "case_no": case["case_no"],
        "letter_no": letter_no,
        "letter_date": letter_date(on, language),
        "pay_by": letter_date(deadline, language),
        "days_to_pay": (deadline - on).days,
        "total_text": _joined(totals, "outstanding"),
        "total_due_text": _joined(totals, "total"),
        "interest_rate": rs.rate_text(),
        "invoice_count": len(lines),
        "oldest_due_date": long_date(min((x["due_date"] for x in lines), default=on), language),
        "company_name": fs.company_name,
        "signatory_name": rs.signatory_name.strip() or actor.name or actor.username,
        "signatory_title": rs.signatory_title.strip() or lab["title"],
    }
    words = lt.template(db, kind, language)
    subject, paragraphs = lt.render(words["subject"], words["body"], fields, language)
    content = {
        "kind": kind,
        "kind_label": LETTER_KINDS[kind],
        "language": language,
        "letter_no": letter_no,
        "case_no": case["case_no"],
        "issued_on": on.isoformat(),
        "date": fields["letter_date"],
        "pay_by": deadline.isoformat(),
        "company": fs.company_name,
        "letterhead": [x.strip() for x in rs.letterhead.splitlines() if x.strip()],
        "addressee": _addressee(client, language),
        "reference": f"{lab['ref']}: {letter_no}",
        "subject": subject,
        "paragraphs": paragraphs,
        **_table(lines, totals, language, rs.interest_rate_bp > 0),
        "interest_note": _interest_note(fields["interest_rate"], language),
        "pay_by_line": f"{lab['pay_by']}: {fields['pay_by']}",
        "bank_heading": lab["bank"],
        "banks": [f"{cur}: {fs.bank_text(cur).strip()}" for cur in sorted(totals)],
        "closing": lab["close"],
        "signatory": [fields["signatory_name"], fields["signatory_title"], fs.company_name],
    }
    problems = _problems(case, lines, totals, deadline, on, fs)
    return Draft(
        kind, language, on, deadline, letter_no, content, totals, rs.interest_rate_bp, problems,
        _cautions(client),
    )  # fmt: skip


def _problems(case, lines, totals, deadline, on, fs) -> list[str]:
    problems = []
    if case["stage"] in CLOSED_STAGES:
        problems.append("the case is closed")
    if deadline < on:
        problems.append("the payment deadline is before the letter date")
    if not lines:
        problems.append("nothing is at stake on this case: there is nothing to demand")
    for cur in sorted(totals):
        if not fs.bank_text(cur).strip():
            problems.append(
                f"no bank details for {cur}: the lead sets them on Reminder policy → Our details"
            )
    return problems


def _cautions(client: dict[str, Any]) -> list[str]:
    # A letter can still go by email, but a formal notice usually goes by post too.
    if (client.get("address") or "").strip():
        return []
    return [
        "the client has no postal address on file, so the letter shows only its name; "
        "add the address on the client page to print it on the letter"
    ]


def _joined(totals: dict[str, dict[str, int]], key: str) -> str:
    return " + ".join(format_money(t[key], c) for c, t in sorted(totals.items())) or "-"


def _addressee(client: dict[str, Any], language: str) -> list[str]:
    address = [x.strip() for x in (client.get("address") or "").splitlines() if x.strip()]
    contact = client.get("contact_name") or ""
    if language == "ja":
        lines = [f"{client['name']}　御中"]
        lines += [f"{contact}　様"] if contact else []
    else:
        lines = [client["name"]]
        lines += [f"Attn: {contact}"] if contact else []
    return lines + address


def _table(lines: list[dict], totals: dict, language: str, with_interest: bool) -> dict:
    lab = LABELS[language]
    headings = list(lab["headings"]) + ([lab["interest"]] if with_interest else [])
    rows = []
    for x in lines:
        row = [
            x["invoice_no"],
            _table_date(x["invoice_date"], language),
            _table_date(x["due_date"], language),
            format_money(x["amount"], x["currency"]),
            format_money(x["outstanding"], x["currency"]),
            str(max(x["days_past_due"], 0)),
        ]
        rows.append(row + ([format_money(x["interest"], x["currency"])] if with_interest else []))
    t_head = list(lab["totals"]) if with_interest else [lab["totals"][0], lab["totals"][3]]
    t_rows = []
    for cur, t in sorted(totals.items()):
        values = [format_money(t[k], cur) for k in ("outstanding", "interest", "total")]
        t_rows.append([cur, *values] if with_interest else [cur, values[0]])
    # Columns from these on hold amounts and days: every rendering aligns them right.
    return {
        "headings": headings,
        "rows": rows,
        "right_from": 3,
        "totals_headings": t_head,
        "totals_rows": t_rows,
        "totals_right_from": 1,
    }


def _interest_note(rate: str, language: str) -> str:
    if not rate:
        return ""
    if language == "ja":
        return (
            f"遅延損害金は、各請求書の未払額に対し、支払期日の翌日から本書日付までの日数について"
            f"年{rate}の割合で日割計算しております（未払額×年率×日数÷365）。"
            "お支払いまで引き続き発生いたします。"
        )
    return (
        f"Interest is charged at {rate} a year on each overdue amount, from its due date to "
        "the date of this letter (outstanding × rate × days late ÷ 365), and continues to "
        "accrue until payment."
    )


def stage_for(kind: str) -> str:
    """The stage a letter of ``kind`` belongs to."""
    return STAGE_FOR[kind]


def offers_move(case: dict[str, Any], kind: str) -> str | None:
    """The stage to move the case to after issuing ``kind``, when it is the next one."""
    target = STAGE_FOR[kind]
    if case["stage"] not in OPEN_STAGES:
        return None
    here, there = OPEN_STAGES.index(case["stage"]), OPEN_STAGES.index(target)
    return target if there == here + 1 else None


def issue(
    db: Database,
    actor: Actor,
    case_id: int,
    kind: str,
    language: str,
    on: date,
    pay_by: date | None = None,
    move_stage: bool = False,
) -> int:
    """Issue the letter: rebuild it as of ``on``, store its .docx and PDF with the case
    (origin letter), log it, record it, and (with ``move_stage``) move the case to the
    letter's stage when that is the next one. Returns the letter id."""
    from lib.recovery.letter_docx import render_docx  # the renderers import this module
    from lib.recovery.letter_pdf import render_pdf

    require(actor, "recovery")
    limit = max(recovery_settings(db).attachment_limit, 50 * 1024 * 1024)
    with transaction(db):
        letter = draft(db, actor, case_id, kind, language, on, pay_by)
        if letter.problems:
            raise RecoveryError("; ".join(letter.problems))
        case = case_by_id(db, case_id)
        base = letter.letter_no.replace("/", "_")
        docx = att.Upload(f"{base}.docx", render_docx(letter.content))
        pdf = att.Upload(f"{base}.pdf", render_pdf(letter.content))
        text = (
            f"{LETTER_KINDS[kind]} {letter.letter_no} issued"
            f" ({lt.LANGUAGES[language]}), pay by {letter.pay_by:%d/%m/%Y}: "
            + _joined(letter.totals, "total")
        )
        event_id = insert_event(db, actor, case, "letter_issued", text, on)
        ids = [
            att.store(db, actor.username, case_id, f, limit, event_id, origin="letter")
            for f in (docx, pdf)
        ]
        row = {
            "letter_no": letter.letter_no,
            "case_id": case_id,
            "kind": kind,
            "language": language,
            "issued_on": on.isoformat(),
            "pay_by": letter.pay_by.isoformat(),
            "interest_rate_bp": letter.interest_rate_bp,
            "totals": json.dumps(letter.totals, sort_keys=True),
            "content": json.dumps(letter.content, ensure_ascii=False),
            "docx_id": ids[0],
            "pdf_id": ids[1],
            "event_id": event_id,
            "issued_by": actor.username,
            "issued_at": utc_now(),
        }
        letter_id = db["letters"].insert(row).last_pk
        shown = {k: v for k, v in row.items() if k != "content"}
        audit.record(db, actor, "letters", letter_id, "issue", None, shown, case["client_id"])
        target = offers_move(case, kind)
        if move_stage and target:
            reason = f"{LETTER_KINDS[kind]} {letter.letter_no} issued"
            enter_stage(db, actor, case, target, reason, on)
    return letter_id


def case_letters(db: Database, case_id: int) -> list[dict[str, Any]]:
    """The letters issued on the case, newest first, with their totals and content."""
    rows = list(db.query("SELECT * FROM letters WHERE case_id = ? ORDER BY id DESC", [case_id]))
    for row in rows:
        row["totals"] = json.loads(row["totals"])
        row["content"] = json.loads(row["content"])
        row["stage_label"] = STAGES[STAGE_FOR[row["kind"]]]
    return rows
