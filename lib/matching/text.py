"""Reading a statement line: who paid (payer name candidates), what they wrote, and which
invoice numbers it could mention.

Indian banks pack everything into one narration (``NEFT CR-IFSC-NAME-remarks-UTR``,
``UPI/RRN/NAME/note/BANK`` …); Japanese banks give the payer's kana and an EDI memo. Nothing
here touches the database: these are pure functions the engine calls for each receipt.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lib.kana import split_payer_reference

_IFSC = r"[A-Z]{4}0[A-Z0-9]{6}"
_NARRATIONS = (
    re.compile(rf"^NEFT CR-(?P<ifsc>{_IFSC})-(?P<body>.*)-(?P<ref>[A-Z0-9]{{12,22}})$"),
    re.compile(rf"^RTGS CR-(?P<ifsc>{_IFSC})-(?P<body>.*)-(?P<ref>[A-Z0-9]{{12,22}})$"),
    re.compile(r"^(?:NEFT|RTGS)/(?P<ref>[A-Z0-9]+)/(?P<name>[^/]*)/?(?P<remarks>.*)$"),
    re.compile(r"^UPI/(?P<ref>\d{9,14})/(?P<name>[^/]*)/(?P<remarks>[^/]*)(?:/(?P<bank>.*))?$"),
    re.compile(
        rf"^UPI-(?P<name>.*?)-(?P<vpa>[\w.\-]+@[\w.]+)-(?P<ifsc>{_IFSC})-(?P<ref>\d{{9,14}})"
        r"(?:-(?P<remarks>.*))?$"
    ),
    re.compile(r"^IMPS/(?P<ref>\d{9,14})/(?P<name>[^/]*)/?(?P<remarks>.*)$"),
    # SBI: BY TRANSFER-NEFT*HDFC0000240*N306261234*MEHTA AND SONS--
    re.compile(
        rf"^BY TRANSFER-(?:NEFT|RTGS|IMPS)\*(?P<ifsc>{_IFSC})\*(?P<ref>[A-Z0-9]+)\*"
        r"(?P<name>[^*]*?)[\s-]*(?:\*(?P<remarks>.*))?$"
    ),
    # A Japanese bank that has no payer column writes the payer's kana after the kind of
    # line: ﾌﾘｺﾐ ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ (SMBC), 振込　カ）ヤマダショウジ (Mizuho),
    # 振込＊ヤマダ　タロウ (Rakuten).
    re.compile(
        r"^(?:振込入金|振込|ﾌﾘｺﾐ|フリコミ|ﾃﾚﾌﾘ|テレ振込|電信振込|ﾃﾞﾝｼﾝ)"
        r"(?:[0-9０-９](?=[\s　＊*:：]))?[\s　＊*:：]*"  # 振込１, then the separator
        r"(?!手数料|ﾃｽｳﾘﾖｳ)(?P<name>(?=.*[^\s　0-9０-９])[^\s　].*)$"
    ),
    re.compile(
        r"^IMPS-(?P<ref>\d{9,14})-(?P<name>.*?)-(?P<bank>[A-Z]{4})-(?P<acct>X*\d+)"
        r"(?:-(?P<remarks>.*))?$"
    ),
)
_INTEREST = re.compile(r"^(INT\.?\s?PD|INTEREST|CREDIT INTEREST|ﾘｿｸ|利息|ｿﾞｳﾘｿｸ)", re.I)
_REFUND = re.compile(r"REFUND|ﾍﾝｷﾝ|ｶﾝﾌﾟｷﾝ|返金|還付|CLAIM SETTLEMENT|SECURITY DEPOSIT", re.I)
# A run of digits, optionally split by spaces, hyphens, slashes or dots, with letters before.
_NUMBERISH = re.compile(r"[A-Z]*[0-9](?:[0-9]|[ \-/.](?=[0-9]))*")
_DIGITS = re.compile(r"[0-9]+")
_WORDS_BEFORE_NUMBER = re.compile(r"\b(?:INV(?:OICE)?|BILL|NO|NUMBER|REF)\b\.?", re.I)
_NOT_KEY = re.compile(r"[^A-Z0-9]")


@dataclass
class Line:
    """What one receipt says: payer name candidates (best first), free text, identifiers."""

    names: list[str] = field(default_factory=list)
    text: str = ""
    reference: str | None = None
    account: str = ""
    payer_ref: str | None = None
    hint: str | None = None  # "interest" or "refund" when the line says so


def read_line(payer_name: str | None, memo: str | None) -> Line:
    """Split a statement line into payer name candidates, remarks and identifiers."""
    payer = (payer_name or "").strip()
    memo = (memo or "").strip()
    line = Line()
    parsed = _narration(memo.upper()) if memo else None
    if parsed:
        line.names, line.text = parsed["names"], parsed["remarks"]
        line.reference, line.account = parsed["ref"], parsed["account"]
    else:
        line.text = memo
    if payer:
        ref, rest = split_payer_reference(payer)
        line.payer_ref = ref
        line.names = [rest, *[n for n in line.names if n != rest]]
    if _INTEREST.match(memo) and not payer:
        line.hint = "interest"
    elif _REFUND.search(memo):
        line.hint = "refund"
    return line


def shown_payer(payer_name: str | None, memo: str | None) -> str:
    """The payer as a collector would name it: the payer column, else the name in the
    narration (Indian banks have no payer column)."""
    if payer_name and payer_name.strip():
        return payer_name.strip()
    names = read_line(None, memo).names
    return names[-1] if names else ""


def _narration(memo: str) -> dict | None:
    for pattern in _NARRATIONS:
        match = pattern.match(memo)
        if not match:
            continue
        parts = match.groupdict()
        account = parts.get("vpa") or parts.get("ifsc") or ""
        if "body" in parts and parts["body"] is not None:
            names, remarks = _split_body(parts["body"])
        else:
            names = [(parts.get("name") or "").strip()]
            # A kana memo is all name, but keep it whole as text: it may hold an invoice no.
            remarks = (parts.get("remarks") or "").strip() if "remarks" in parts else memo
        return {
            "names": [n for n in names if n],
            "remarks": remarks,
            "ref": parts.get("ref"),
            "account": account.lower() if "@" in account else account,
        }
    return None


def _split_body(body: str) -> tuple[list[str], str]:
    """``NAME-remarks`` where either may hold hyphens: every split point is a candidate,
    the longest name first (the engine keeps the first one it recognises)."""
    pieces = body.split("-")
    names = ["-".join(pieces[:i]).strip() for i in range(len(pieces), 0, -1)]
    remarks = "-".join(pieces[1:]) if len(pieces) > 1 else ""
    return names, remarks


@dataclass(frozen=True)
class Mention:
    """A number found in the text: its digits-only form and the value of its last group."""

    digits: str
    tail: int
    full: str  # letters and digits as written, e.g. INV250901066


def mentions(*texts: str | None) -> list[Mention]:
    """Every invoice-number-like mention in the texts, in order, without repeats.

    Full-width digits and letters are read as ASCII; ``INV 2509 01066``, ``2509-01066`` and
    ``BILL NO 1066`` all give the digits ``250901066`` (or ``1066``) and the tail 1066.
    """
    seen: set[str] = set()
    found: list[Mention] = []
    for text in texts:
        if not text:
            continue
        clean = _WORDS_BEFORE_NUMBER.sub(" ", _folded(text))
        for match in _NUMBERISH.finditer(clean):
            for raw in _readings(match.group()):
                groups = _DIGITS.findall(raw)
                digits = "".join(groups)
                if not digits or digits in seen or len(digits) > 16:
                    continue
                seen.add(digits)
                full = _NOT_KEY.sub("", raw)
                found.append(Mention(digits, int(groups[-1]), full))
    return found


def _readings(raw: str) -> list[str]:
    """A run like ``0000611067 611269`` may be one number written with a space or a list:
    the whole run, each space-separated piece, and each pair of neighbouring pieces."""
    pieces = raw.split(" ")
    if len(pieces) == 1:
        return [raw]
    pairs = [f"{a} {b}" for a, b in zip(pieces, pieces[1:], strict=False)]
    return [raw, *pairs, *pieces]


def invoice_keys(invoice_no: str) -> tuple[str, str, int]:
    """The forms an invoice number is indexed under: letters and digits, digits only, and
    the value of its last digit group (``INV2509-01066`` → ``INV250901066``, ``250901066``,
    1066)."""
    text = _folded(invoice_no)
    groups = _DIGITS.findall(text)
    full = _NOT_KEY.sub("", text)
    return full, "".join(groups), int(groups[-1]) if groups else -1


def _folded(text: str) -> str:
    """NFKC and upper case; NFKC leaves ASCII as it is, and ledger numbers and most bank
    narrations are ASCII, so those skip it."""
    return (text if text.isascii() else unicodedata.normalize("NFKC", text)).upper()
