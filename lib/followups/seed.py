"""The escalation policy and email templates a new database starts with (migration m004).

Frozen: migration m004 inserts exactly these, so changing them here would make new databases
differ from old ones. The lead changes steps and wording on the Reminder policy page; a change
of the defaults for everyone is a new migration.
"""

from __future__ import annotations

from sqlite_utils import Database

# (code, name, days past due, channel); negative days are before the due date.
STEPS: tuple[tuple[str, str, int, str], ...] = (
    ("courtesy", "Courtesy reminder", -3, "email"),
    ("reminder", "First reminder", 1, "email"),
    ("second_reminder", "Second reminder", 15, "email"),
    ("call", "Phone call", 30, "call"),
    ("final_notice", "Final notice", 45, "email"),
    ("recovery", "Propose a recovery case", 60, "recovery"),
)

_EN_CLOSE = """
Payment details:
{{ bank_details }}

The attached statement of account shows every item on your account as of {{ as_of }}.
If you have already paid, thank you, and please ignore this message; if anything in these
invoices is wrong, reply to this email and we will look into it.

Kind regards,
{{ sender_name }}
{{ company_name }}
"""

_JA_CLOSE = """
【お振込先】
{{ bank_details }}

{{ as_of }}時点の取引明細書を添付いたしますので、ご確認ください。
本メールと行き違いでお支払いいただいている場合は、ご容赦ください。
請求内容に相違がございましたら、本メールにご返信ください。

今後ともよろしくお願い申し上げます。
{{ company_name }}
{{ sender_name }}
"""

_EN_PROMISE = """{% if promise %}
On {{ promise.made_on }} you told us you would pay {{ promise.amount }} by {{ promise.due_on }}.
{% endif %}"""

_JA_PROMISE = """{% if promise %}
{{ promise.made_on }}に、{{ promise.due_on }}までに{{ promise.amount }}を
お支払いいただける旨を承っております。
{% endif %}"""

TEMPLATES: dict[tuple[str, str], tuple[str, str]] = {
    ("courtesy", "en"): (
        "Payment due soon: {{ client_name }} ({{ company_name }})",
        """Dear {{ contact }},

A friendly reminder that the following invoices for {{ client_name }} fall due soon:

{{ invoice_table }}

Total: {{ total_text }}
"""
        + _EN_CLOSE,
    ),
    ("courtesy", "ja"): (
        "【ご案内】お支払期日のお知らせ（{{ company_name }}）",
        """{{ client_name }}
{{ contact }} 様

いつも大変お世話になっております。{{ company_name }}の{{ sender_name }}でございます。
下記の請求書につきまして、支払期日が近づいておりますのでご案内申し上げます。

{{ invoice_table }}

ご請求金額合計：{{ total_text }}
"""
        + _JA_CLOSE,
    ),
    ("reminder", "en"): (
        "Payment reminder: {{ invoices|length }} overdue invoice(s) for {{ client_name }}",
        """Dear {{ contact }},

Our records show that the following invoices are past their due date and still unpaid
as of {{ as_of }}:

{{ invoice_table }}

Total overdue: {{ total_text }}
"""
        + _EN_PROMISE
        + """
Please arrange payment at your earliest convenience.
"""
        + _EN_CLOSE,
    ),
    ("reminder", "ja"): (
        "【お支払いのお願い】請求書のお支払いについて（{{ company_name }}）",
        """{{ client_name }}
{{ contact }} 様

いつも大変お世話になっております。{{ company_name }}の{{ sender_name }}でございます。
下記の請求書につきまして、支払期日を過ぎておりますが、{{ as_of }}時点でご入金の確認ができて
おりません。お手数ですが、ご確認のうえお支払いくださいますようお願い申し上げます。

{{ invoice_table }}

未払額合計：{{ total_text }}
"""
        + _JA_PROMISE
        + _JA_CLOSE,
    ),
    ("second_reminder", "en"): (
        "Second reminder: overdue invoices for {{ client_name }}",
        """Dear {{ contact }},

We wrote to you earlier about the invoices below. They are still unpaid; the oldest is
{{ days_overdue }} days past its due date.

{{ invoice_table }}

Total overdue: {{ total_text }}
"""
        + _EN_PROMISE
        + """
Please pay by {{ reply_by }}, or tell us by then if something prevents payment.
"""
        + _EN_CLOSE,
    ),
    ("second_reminder", "ja"): (
        "【再度のお願い】未払請求書のお支払いについて（{{ company_name }}）",
        """{{ client_name }}
{{ contact }} 様

いつも大変お世話になっております。{{ company_name }}の{{ sender_name }}でございます。
先日ご連絡いたしました下記の請求書につきまして、現在もご入金の確認ができておりません。
最も古い請求書は支払期日から{{ days_overdue }}日が経過しております。

{{ invoice_table }}

未払額合計：{{ total_text }}
"""
        + _JA_PROMISE
        + """
{{ reply_by }}までにお支払いいただくか、ご事情がございましたらご連絡くださいますよう
お願い申し上げます。
"""
        + _JA_CLOSE,
    ),
    ("final_notice", "en"): (
        "Final notice: overdue invoices for {{ client_name }}",
        """Dear {{ contact }},

Despite our reminders, the invoices below remain unpaid; the oldest is {{ days_overdue }}
days past its due date.

{{ invoice_table }}

Total overdue: {{ total_text }}
"""
        + _EN_PROMISE
        + """
If we have neither received payment nor heard from you by {{ reply_by }}, we will have to
pass the matter to our recovery process.
"""
        + _EN_CLOSE,
    ),
    ("final_notice", "ja"): (
        "【最終のご通知】未払請求書のお支払いについて（{{ company_name }}）",
        """{{ client_name }}
{{ contact }} 様

{{ company_name }}の{{ sender_name }}でございます。
再三のご連絡にもかかわらず、下記の請求書のご入金を確認できておりません。
最も古い請求書は支払期日から{{ days_overdue }}日が経過しております。

{{ invoice_table }}

未払額合計：{{ total_text }}
"""
        + _JA_PROMISE
        + """
{{ reply_by }}までにご入金またはご連絡をいただけない場合は、誠に不本意ながら
しかるべき手続きに移行させていただきます。
"""
        + _JA_CLOSE,
    ),
}


def seed_policy(db: Database, now: str) -> None:
    """Insert the default steps and their English and Japanese templates."""
    for code, name, days, channel in STEPS:
        step_id = db.execute(
            "INSERT INTO escalation_steps (code, name, days, channel, active, updated_by,"
            " updated_at) VALUES (?, ?, ?, ?, 1, 'system', ?)",
            [code, name, days, channel, now],
        ).lastrowid
        for language in ("en", "ja"):
            if (code, language) in TEMPLATES:
                subject, body = TEMPLATES[(code, language)]
                db.execute(
                    "INSERT INTO email_templates (step_id, language, subject, body, updated_by,"
                    " updated_at) VALUES (?, ?, ?, ?, 'system', ?)",
                    [step_id, language, subject, body, now],
                )
