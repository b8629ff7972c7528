"""The columns each import kind declares, and how spreadsheet headers map onto them.

Headers are matched after normalising (NFKC, lower case, ``#`` read as "no", punctuation
and a trailing currency such as ``(INR)`` removed), so ``Inv #``, ``Invoice No.`` and
``INVOICE NO`` all read as ``invoiceno``. A bank export puts title rows above the header;
:func:`find_header` picks the row that maps the most fields.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

from lib.money import named_currency

KINDS = ("clients", "invoices", "receipts")
IGNORE = "ignore"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False


def _f(name: str, label: str, aliases: str, required: bool = False) -> Field:
    return Field(name, label, tuple(aliases.split()), required)


_CODE = (
    "customercode customerid custcode customerno clientcode clientid clientno partycode "
    "debtorcode accountcode 得意先コード 顧客コード 取引先コード 得意先cd 顧客番号 得意先番号"
)
_NAME = (
    "customername customer client clientname partyname partysname companyname debtor debtorname "
    "name "
    "得意先名 顧客名 取引先名 会社名 得意先 顧客 請求先名"
)
_CURRENCY = "currency ccy cur currencycode documentcurrency doccurrency doccurr 通貨 通貨コード"

FIELDS: dict[str, tuple[Field, ...]] = {
    "clients": (
        _f("client_code", "Client code", _CODE + " code", True),
        _f("name", "Name", _NAME, True),
        _f(
            "name_kana",
            "Kana reading",
            "furigana kana namekana kananame reading フリガナ "
            "ふりがな カナ 得意先名カナ 得意先カナ 顧客名カナ 取引先名カナ",
        ),
        _f(
            "segment", "Segment", "segment customertype clienttype category type 区分 種別 顧客区分"
        ),
        _f("owner", "Owner", "owner collector accountowner assignedto 担当 担当者 回収担当"),
        _f("email", "Email", "email emailaddress mail eメール メール メールアドレス"),
        _f("phone", "Phone", "phone tel telephone mobile contactno phoneno 電話 電話番号"),
        _f("currency", "Currency", _CURRENCY),
        _f(
            "terms",
            "Terms (days)",
            "paymentterms paymenttermsdays terms termsdays creditdays "
            "creditperiod 支払条件 支払サイト サイト",
        ),
        _f(
            "parent_code",
            "Head office code",
            "headofficecode parentcode parentclientcode "
            "parent headoffice groupcode 本社コード 親コード 請求先コード",
        ),
        _f("address", "Address", "address billingaddress 住所 所在地"),
        _f("language", "Language", "language lang 言語"),
    ),
    "invoices": (
        _f(
            "invoice_no",
            "Invoice no",
            "invoiceno invoicenumber invno invoice billno billnumber documentno docno "
            "documentnumber voucherno refno 請求書番号 請求番号 伝票番号 請求書no",
            True,
        ),
        _f("client_code", "Client code", _CODE),
        _f("client_name", "Client name", _NAME),
        _f(
            "credits_invoice",
            "Credits invoice (credit notes)",
            "againstinvoice against originalinvoice originalinvoiceno creditsinvoice "
            "referenceinvoice refinvoiceno creditedinvoice 元請求書番号 対象請求書番号 元伝票番号",
        ),
        _f(
            "invoice_date",
            "Invoice date",
            "invoicedate invdate billdate documentdate docdate "
            "date 請求日 請求書日付 発行日 伝票日付 計上日 売上日",
            True,
        ),
        _f(
            "due_date",
            "Due date",
            "duedate dueon paymentduedate due netduedate netduedt "
            "支払期日 支払期限 入金予定日 入金期日 期日",
        ),
        _f(
            "amount",
            "Amount (incl. tax)",
            "amount invoiceamount total totalamount grossamount "
            "amountincltax invoicetotal billamount invoicevalue openingamount pendingamount "
            "amountindoccurr amountindocumentcurrency 請求金額 金額 税込金額 合計金額 請求額",
        ),
        _f(
            "amount_before_tax",
            "Amount before tax",
            "netamount taxablevalue taxableamount "
            "amountbeforetax amountexcltax subtotal 税抜金額 本体金額",
        ),
        _f("tax", "Tax", "tax gst taxamount gstamount vat consumptiontax 消費税 消費税額 税額"),
        _f("currency", "Currency", _CURRENCY),
        _f("disputed", "Disputed", "disputed dispute indispute 係争 係争中"),
        _f("description", "Description", "description remarks item service 品目 件名 内容 摘要"),
        _f("sent_date", "Sent date", "sentdate dispatchdate senton invoicesentdate 送付日 発送日"),
        _f(
            "sent_channel",
            "Sent via",
            "sentvia sentchannel dispatchmode deliverymethod paperlessbill 送付方法",
        ),
    ),
    "receipts": (
        _f(
            "date",
            "Date",
            "date txndate transactiondate trandate postingdate bookingdate "
            "payoutdate paymentdate receiptdate settlementdate settledat 取引日 日付 勘定日 入金日 "
            "年月日 お取引日 取扱日 お振込日 振込日 操作日 created createdutc createddate",
            True,
        ),
        _f(
            "value_date",
            "Value date",
            "valuedate valuedt valuedat 起算日 availableon availableonutc arrivaldate "
            "arrivaldateutc",
        ),
        _f(
            "amount",
            "Amount received",
            "credit deposit depositamt depositamount creditamount "
            "cramount netamount net amount receiptamount amountreceived payoutamount cr deposits "
            "depositcr creditcr 入金額 入金金額 お預入れ お預入金額 預入金額 預かり金額 お預り金額 "
            "お預け入れ金額 入金 お振込金額 振込金額 入出金",
        ),
        _f(
            "debit",
            "Debit",
            "debit withdrawal withdrawalamt withdrawalamount debitamount dramount dr withdrawals "
            "withdrawaldr debitdr withdrawl 出金額 出金金額 お引出し お引出金額 支払い金額 "
            "支払金額 お支払金額 出金",
        ),
        _f(
            "gross",
            "Gross amount",
            "grossamount gross chargeamount transactionamount 決済金額 売上金額",
        ),
        _f(
            "fee",
            "Fee",
            "fee fees processingfee processorfee mdr charges commission 手数料 決済手数料",
        ),
        _f("reversal", "Reversal (取消)", "reversal reversed cancelled cancellation 取消区分 取消"),
        _f(
            "dr_cr",
            "Dr/Cr",
            "drcr crdr debitcredit creditdebit transactiontype 入出金区分 入払区分",
        ),
        _f(
            "payer_name",
            "Payer",
            "payer payername remitter remittername sender sendername "
            "customer customername name 振込依頼人名 振込依頼人 依頼人名 依頼人 入金者名 振込人名 "
            "お取引先 振込依頼人名カナ 依頼人名カナ 摘要内容",
        ),
        _f(
            "memo",
            "Memo / narration",
            "narration description particulars remarks memo "
            "details transactionremarks transactiondetails invoiceref invoicereference 摘要 "
            "内容 備考 お取引内容 取引内容 お取り扱い内容 お取扱内容 取扱内容 入出金内容",
        ),
        _f(
            "reference",
            "Reference / UTR",
            "refno reference referenceno utr utrno transactionid "
            "txnid chqrefno chqrefnumber referencenumber refnumber utrnumber chequeno "
            "chequenumber refnochequeno chqno paymentid 照会番号 "
            "取引番号 受付番号 問合せ番号",
        ),
        _f("currency", "Currency", _CURRENCY),
        _f("channel", "Channel", "channel paymentmethod method 入金方法"),
        _f("account", "Account", "account accountno accountnumber 口座 口座番号"),
        _f(
            "balance",
            "Balance (not imported)",
            "balance closingbalance runningbalance availablebalance bal 残高 差引残高 取引後残高",
        ),
    ),
}

_ALIAS_INDEX: dict[str, dict[str, str]] = {
    kind: {alias: f.name for f in fields for alias in f.aliases} for kind, fields in FIELDS.items()
}
# Per kind: a generic header, the field it takes instead when one of the precise headers is
# also in the file, and those precise headers (which then take the generic one's field).
_GIVES_WAY: dict[str, tuple[tuple[str, str | None, frozenset[str]], ...]] = {
    "receipts": (("amount", "gross", frozenset({"net", "netamount", "payoutamount"})),),
    "invoices": (
        # Tally's Ref. No. is the bill number, unless the ledger also has an invoice number;
        # its Pending Amount is what is left, the Opening Amount the bill itself.
        ("refno", None, frozenset({"invoiceno", "invoicenumber", "invno", "billno"})),
        ("pendingamount", None, frozenset({"openingamount", "amount", "billamount"})),
    ),
}
# Headers that name a field too loosely to tell the kind of file by themselves.
_WEAK = frozenset({"refno"})
_CURRENCY_SUFFIX = re.compile(r"[(\[]\s*(inr|jpy|usd|rs\.?|₹|¥|円|\$)\s*[)\]]\s*$", re.I)
_NOT_WORD = re.compile(r"[^0-9a-z\u3040-\u30ff\u4e00-\u9fff]+")


def normalise_header(header: object) -> str:
    """The comparable form of a header cell: ``'Deposit Amt.'`` → ``'depositamt'``."""
    text = unicodedata.normalize("NFKC", str(header or "")).strip().lower()
    text = _CURRENCY_SUFFIX.sub("", text).replace("#", "no").replace("№", "no")
    return _NOT_WORD.sub("", text)


def header_currency(header: object) -> str | None:
    """The currency a header names at its end: ``'Deposit Amount (INR )'`` → ``'INR'``."""
    match = _CURRENCY_SUFFIX.search(unicodedata.normalize("NFKC", str(header or "")).strip())
    return named_currency(match.group(1)) if match else None


def field_names(kind: str) -> list[str]:
    """The canonical field names of an import kind, in declaration order."""
    return [f.name for f in FIELDS[kind]]


def field(kind: str, name: str) -> Field:
    """The declaration of one field of ``kind``."""
    return next(f for f in FIELDS[kind] if f.name == name)


def auto_map(headers: list[object], kind: str) -> dict[int, str]:
    """Column index → field for the headers this kind recognises; the first column wins a tie,
    except that a generic header gives way to a precise one (beside "Net", a payout file's
    "Amount" is the gross before fees, not the money received)."""
    index = _ALIAS_INDEX[kind]
    names = [normalise_header(h) for h in headers]
    columns: dict[str, list[int]] = {}
    for col, header in enumerate(names):
        if header in index:
            columns.setdefault(index[header], []).append(col)
    mapping = {cols[0]: name for name, cols in columns.items()}
    for generic, instead, precise in _GIVES_WAY.get(kind, ()):
        name = index[generic]
        cols = columns.get(name, [])
        better = [c for c in cols if names[c] in precise]
        if better and names[cols[0]] == generic:
            del mapping[cols[0]]
            mapping[better[0]] = name
            if instead and instead not in columns:
                mapping[cols[0]] = instead
    return dict(sorted(mapping.items()))


def find_header(rows: list[list[object]], kind: str, scan: int = 30) -> tuple[int, dict[int, str]]:
    """The header row (0-based) among the first ``scan`` rows and its automatic mapping.

    Returns ``(-1, {})`` when no row maps at least two fields.
    """
    best_row, best_map = -1, {}
    for i, row in enumerate(rows[:scan]):
        mapping = auto_map(row, kind)
        if len(mapping) > len(best_map):
            best_row, best_map = i, mapping
    if len(best_map) < 2:
        return -1, {}
    return best_row, best_map


def detect_kind(rows: list[list[object]]) -> str | None:
    """Guess whether a sheet is a client master, an invoice ledger or a statement."""
    scores = {}
    for kind in KINDS:
        at, mapping = find_header(rows, kind)
        fields = set(mapping.values())
        score = len(fields)
        strong = {f for c, f in mapping.items() if normalise_header(rows[at][c]) not in _WEAK}
        score += 5 if kind == "invoices" and "invoice_no" in strong else 0
        score += 5 if kind == "receipts" and {"amount", "debit", "balance"} & fields else 0
        score += 3 if kind == "clients" and {"client_code", "name"} <= fields else 0
        scores[kind] = score
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= 2 else None


def header_signature(kind: str, headers: list[object]) -> str:
    """A stable key for a header row, so a saved preset finds the next file of that layout."""
    names = [normalise_header(h) for h in headers]
    while names and not names[-1]:
        names.pop()
    raw = json.dumps([kind, names], ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def apply_overrides(
    headers: list[object], mapping: dict[int, str], overrides: dict[str, str], kind: str
) -> dict[int, str]:
    """Apply ``{header text: field}`` corrections (field ``ignore`` unmaps a column).

    Raises ValueError naming the header or field when a correction cannot apply.
    """
    result = dict(mapping)
    by_header = {normalise_header(h): i for i, h in enumerate(headers) if str(h or "").strip()}
    valid = set(field_names(kind)) | {IGNORE}
    for header, name in overrides.items():
        col = by_header.get(normalise_header(header))
        if col is None:
            raise ValueError(f"no column headed {header!r} in the file")
        if name not in valid:
            raise ValueError(
                f"{name!r} is not a {kind} field; use one of {', '.join(sorted(valid))}"
            )
        for other in [c for c, f in result.items() if f == name]:
            del result[other]
        if name == IGNORE:
            result.pop(col, None)
        else:
            result[col] = name
    return result


def missing_required(kind: str, mapping: dict[int, str]) -> list[str]:
    """Labels of required fields the mapping leaves out, with kind-specific alternatives."""
    present = set(mapping.values())
    missing = [f.label for f in FIELDS[kind] if f.required and f.name not in present]
    if kind == "invoices":
        if not present & {"client_code", "client_name"}:
            missing.append("Client code or client name")
        if "amount" not in present and "amount_before_tax" not in present:
            missing.append("Amount")
    if kind == "receipts" and not present & {"amount", "gross"}:
        missing.append("Amount received (credit / deposit / 入金額)")
    return missing
