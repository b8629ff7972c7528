"""The wording of recovery letters: default texts per kind and language, the lead's edits,
and rendering them in Jinja's sandbox.

The defaults live here in code (English, and formal Japanese in the 督促状 / 催告書 style);
``letter_templates`` holds only the lead's overrides. Templates run in the sandbox with strict
undefined names, as the reminder templates do, so a typo is refused when saved. The body is
split into paragraphs at blank lines; the invoice table, totals, bank details and signature
are laid out by the letter itself, never by the template.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.recovery import LETTER_KINDS, RecoveryError

LANGUAGES = {"en": "English", "ja": "日本語"}
_ENV = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)

MERGE_FIELDS: dict[str, str] = {
    "client_name": "the client's name",
    "contact": "the contact person (or 'Accounts team' / 'ご担当者')",
    "case_no": "the case number, e.g. RC-2026-0007",
    "letter_no": "this letter's number, e.g. RC-2026-0007/DL-1",
    "letter_date": "the date of the letter",
    "pay_by": "the payment deadline",
    "days_to_pay": "days from the letter to the deadline",
    "total_text": "outstanding per currency: ¥330,000 + ₹1,20,000.00",
    "total_due_text": "outstanding plus interest per currency",
    "interest_rate": "the annual interest rate, e.g. 14.6% (empty when none)",
    "invoice_count": "how many invoices the letter lists",
    "oldest_due_date": "the earliest due date among them",
    "company_name": "our company's name",
    "signatory_name": "who signs",
    "signatory_title": "the signatory's title",
}

DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    ("recovery_notice", "en"): (
        "Recovery notice: overdue invoices ({{ case_no }})",
        """Dear {{ contact }},

Despite our earlier reminders, the invoices listed below remain unpaid although their due dates \
have passed. The total now outstanding is {{ total_text }}.

We ask you to pay this amount in full by {{ pay_by }} to the bank account shown below, quoting \
our reference {{ letter_no }}.{% if interest_rate %} Interest at {{ interest_rate }} a year \
accrues on the overdue amounts, as shown in the table.{% endif %}

If you have already paid, please send us the payment details so that we can update our \
records. If you dispute any invoice, please tell us in writing by the same date.

This notice is sent to you before we consider any further recovery action.""",
    ),
    ("demand_letter", "en"): (
        "Demand for payment: final notice before legal action ({{ case_no }})",
        """Dear {{ contact }},

We refer to our previous reminders and notices about the invoices listed below, which remain \
unpaid. The total due is {{ total_due_text }}{% if interest_rate %}, including interest at \
{{ interest_rate }} a year{% endif %}.

We hereby formally demand payment of the full amount by {{ pay_by }} to the bank account shown \
below, quoting our reference {{ letter_no }}.

If payment is not received by that date, we will refer the matter to our legal counsel and take \
the action necessary to recover the amount due, with interest and costs, without further notice.

If you believe any amount is not due, write to us before {{ pay_by }} with your reasons.""",
    ),
    ("recovery_notice", "ja"): (
        "督促状",
        """拝啓　時下ますますご清栄のこととお慶び申し上げます。

さて、下記の請求書につきましては、お支払期日を過ぎておりますが、本日現在ご入金の確認ができて\
おりません。未払額の合計は{{ total_text }}でございます。

つきましては、{{ pay_by }}までに、下記口座へお振込みくださいますようお願い申し上げます。\
お振込みの際は、当社参照番号「{{ letter_no }}」をご記入ください。{% if interest_rate %}\
なお、支払期日経過後の遅延損害金（年{{ interest_rate }}）を併せて記載しております。{% endif %}

本状と行き違いにお支払いいただいている場合、または請求内容に相違がございます場合は、\
恐れ入りますが同日までにご連絡くださいますようお願い申し上げます。

敬具""",
    ),
    ("demand_letter", "ja"): (
        "催告書",
        """前略　当社は貴社に対し、下記請求書の代金につき、再三にわたりお支払いをお願いして\
まいりましたが、本日に至るまでお支払いをいただいておりません。

つきましては、本書をもって、下記金額合計{{ total_due_text }}{% if interest_rate %}\
（年{{ interest_rate }}の遅延損害金を含みます）{% endif %}を、{{ pay_by }}までに下記口座へ\
お支払いいただくよう催告いたします。

万一、上記期限までにお支払いいただけない場合は、誠に遺憾ながら、何らの通知なく法的手続きに\
移行させていただきますので、あらかじめご承知おきください。

草々""",
    ),
}


def template(db: Database, kind: str, language: str) -> dict[str, Any]:
    """The subject and body in use for ``kind`` and ``language``: the lead's edit when there
    is one (``custom`` True), else the default."""
    if (kind, language) not in DEFAULTS:
        raise RecoveryError("choose a letter kind and language")
    row = next(
        db.query(
            "SELECT * FROM letter_templates WHERE kind = ? AND language = ?", [kind, language]
        ),
        None,
    )
    if row:
        return {"subject": row["subject"], "body": row["body"], "custom": True, "row": row}
    subject, body = DEFAULTS[(kind, language)]
    return {"subject": subject, "body": body, "custom": False, "row": None}


def render(
    subject: str, body: str, fields: dict[str, Any], language: str = "en"
) -> tuple[str, list[str]]:
    """The subject (one line) and the body's paragraphs (lines within one joined: with a
    space in English, directly in Japanese), or RecoveryError with the template's message."""
    try:
        title = _ENV.from_string(subject).render(fields)
        text = _ENV.from_string(body).render(fields)
    except TemplateError as exc:
        raise RecoveryError(f"the letter template does not work: {exc}") from None
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    joiner = "" if language == "ja" else " "
    return re.sub(r"\s+", " ", title).strip(), [re.sub(r"\s*\n\s*", joiner, p) for p in paragraphs]


def sample_fields(language: str) -> dict[str, Any]:
    """Made-up values for checking a template when it is saved."""
    ja = language == "ja"
    return {
        "client_name": "株式会社山田商事" if ja else "Sharma Traders Pvt Ltd",
        "contact": "ご担当者" if ja else "Accounts team",
        "case_no": "RC-2026-0007",
        "letter_no": "RC-2026-0007/DL-1",
        "letter_date": "令和8年11月20日" if ja else "20 Nov 2026",
        "pay_by": "令和8年11月27日" if ja else "27 Nov 2026",
        "days_to_pay": 7,
        "total_text": "¥330,000",
        "total_due_text": "¥331,234",
        "interest_rate": "14.6%",
        "invoice_count": 1,
        "oldest_due_date": "2026年10月31日" if ja else "31 Oct 2026",
        "company_name": "Kaishu Collections",
        "signatory_name": "Asha Rao",
        "signatory_title": "Head of Collections",
    }


def check(subject: str, body: str, language: str) -> None:
    """Refuse a template that does not render, with interest and without."""
    if not subject.strip() or not body.strip():
        raise RecoveryError("a letter template needs a subject and a body")
    for rate in ("14.6%", ""):
        render(subject, body, {**sample_fields(language), "interest_rate": rate}, language)


def save_template(
    db: Database, actor: Actor, kind: str, language: str, subject: str, body: str
) -> None:
    """Store the lead's wording for a letter kind and language, after checking it renders."""
    require(actor, "settings")
    if kind not in LETTER_KINDS or language not in LANGUAGES:
        raise RecoveryError("choose a letter kind and language")
    check(subject, body, language)
    fields = {"subject": subject.strip(), "body": body.strip()}
    stamp = {"updated_by": actor.username, "updated_at": utc_now()}
    with transaction(db):
        old = template(db, kind, language)["row"]
        if old is None:
            row = {"kind": kind, "language": language, **fields, **stamp}
            new_id = db["letter_templates"].insert(row).last_pk
            audit.record(db, actor, "letter_templates", new_id, "create", None, row)
            return
        diff = {k: v for k, v in fields.items() if old[k] != v}
        if diff:
            db["letter_templates"].update(old["id"], {**diff, **stamp})
            before = {k: old[k] for k in diff}
            audit.record(db, actor, "letter_templates", old["id"], "edit", before, diff)


def reset_template(db: Database, actor: Actor, kind: str, language: str) -> bool:
    """Go back to the default wording (lead only); True when an edit was removed."""
    require(actor, "settings")
    with transaction(db):
        old = template(db, kind, language)["row"]
        if old is None:
            return False
        db.execute("DELETE FROM letter_templates WHERE id = ?", [old["id"]])
        audit.record(db, actor, "letter_templates", old["id"], "reset", old, None)
    return True
