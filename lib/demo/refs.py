"""Text that payers and banks write: invoice numbers in many forms, bank references, narrations."""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

BANK_NAMES = {
    "HDFC": "HDFC BANK",
    "ICIC": "ICICI Bank",
    "SBIN": "State Bank Of India",
    "UTIB": "AXIS BANK",
    "KKBK": "KOTAK MAHINDRA BANK",
    "YESB": "YES BANK",
    "PUNB": "PUNJAB NATIONAL BANK",
    "BARB": "BANK OF BARODA",
    "CNRB": "CANARA BANK",
    "IDFB": "IDFC FIRST BANK",
}
NEFT_PLACEHOLDER = "0000000000000000"
_FULLWIDTH = str.maketrans(
    string.digits + string.ascii_uppercase + "-/ ",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ－／　",
)
_ALNUM = string.ascii_letters + string.digits
GENERIC_REMARKS = (
    "PAYMENT",
    "NA",
    "INV PAYMENT",
    "BILL PAYMENT",
    "VENDOR PAYMENT",
    "PAYMENT AGAINST BILLS",
)
UPI_NOTES = ("Payment from PhonePe", "UPI", "Paid via GPay", "payment", "Sent using Paytm", "NA")


@dataclass
class Payer:
    """How one Indian payer appears on a statement: name, bank, IFSC, VPA and usual rail."""

    name: str
    bank: str
    ifsc: str
    vpa: str
    style: str


def fullwidth(text: str) -> str:
    """ASCII digits, capitals and ``-/`` in full width, as some people type them in Japan."""
    return text.upper().translate(_FULLWIDTH)


def invoice_ref(rng: random.Random, number: str, fullwidth_ok: bool = False) -> str:
    """An invoice number as a payer might type it: exact, spaced, shortened, 'BILL NO 1066'…"""
    if number.startswith("INV"):
        yymm, seq = number[3:7], number[8:]
        short = seq.lstrip("0") or "0"
        forms = [
            (number, 30), (f"INV {yymm} {seq}", 8), (f"INV{yymm} {seq}", 5), (f"{yymm}-{seq}", 8),
            (f"{yymm}{seq}", 5), (f"INV/{yymm}/{seq}", 4), (f"INV NO {yymm}-{seq}", 5),
            (f"BILL NO {short}", 6), (short, 8), (seq, 4), (number.lower(), 4),
            (f"INV-{yymm}-{seq}", 4),
        ]  # fmt: skip
    else:
        short = number.lstrip("0") or "0"
        forms = [
            (number, 30), (short, 25), (f"BILL NO {short}", 10), (f"INV {short}", 10),
            (f"INV NO.{short}", 5), (f"#{short}", 5),
        ]  # fmt: skip
    if (
        fullwidth_ok
    ):  # typed on a Japanese keyboard: ＩＮＶ２５０９－０１０６６, ２５０９－０１０６６
        core = number if rng.random() < 0.5 else number.removeprefix("INV")
        forms.append((fullwidth(core), 6))
    return rng.choices([f for f, _ in forms], [w for _, w in forms])[0]


def refs_text(rng: random.Random, numbers: list[str], fullwidth_ok: bool = False) -> str:
    """References for one or several invoices, as a payer lists them."""
    parts = [invoice_ref(rng, n, fullwidth_ok) for n in numbers[:3]]
    return (", " if rng.random() < 0.5 else " ").join(parts)


class RefMaker:
    """Unique bank references (UTR, RRN, 照会番号, card ids) for one generated ledger."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _unique(self, make: Callable[[], str]) -> str:
        while True:
            ref = make()
            if ref not in self.used:
                self.used.add(ref)
                return ref

    def _digits(self, count: int) -> str:
        return f"{self.rng.randrange(10**count):0{count}d}"

    def inquiry(self) -> str:
        """A Japanese bank's 照会番号 for a credit line."""
        return self._unique(lambda: self._digits(8))

    def neft_utr(self, bank: str, day: date) -> str:
        """A 16-character NEFT UTR: bank code, 'N', year, day of year, sequence."""
        doy = day.timetuple().tm_yday
        return self._unique(lambda: f"{bank}N{day:%y}{doy:03d}{self._digits(6)}")

    def rtgs_utr(self, bank: str, day: date) -> str:
        """A 22-character RTGS UTR."""
        return self._unique(lambda: f"{bank}R{day.year % 10}{day:%Y%m%d}{self._digits(8)}")

    def rrn(self, day: date) -> str:
        """A 12-digit retrieval reference number (UPI, IMPS)."""
        doy = day.timetuple().tm_yday
        return self._unique(lambda: f"{day.year % 10}{doy:03d}{self._digits(8)}")

    def card_id(self) -> str:
        """A card processor's transaction id."""
        return self._unique(lambda: "ch_" + "".join(self.rng.choices(_ALNUM, k=24)))


def narration(refs: RefMaker, payer: Payer, style: str, day: date, remarks: str) -> tuple[str, str]:
    """An HDFC narration for a credit and the real reference (UTR or RRN) inside it."""
    rng = refs.rng
    dashed = remarks.replace("-", " ").strip() or "NA"
    slashed = remarks.replace("/", " ").strip() or "NA"
    if style == "neft_cr":
        utr = refs.neft_utr(payer.bank, day)
        return f"NEFT CR-{payer.ifsc}-{payer.name[:35]}-{dashed}-{utr}", utr
    if style == "neft_slash":
        utr = refs.neft_utr(payer.bank, day)
        return f"NEFT/{utr}/{payer.name[:30]}/{slashed}", utr
    if style in ("rtgs", "rtgs_cr"):
        utr = refs.rtgs_utr(payer.bank, day)
        if style == "rtgs_cr":  # this form has no room for remarks
            return f"RTGS CR-{payer.ifsc}-{payer.name[:35]}-{utr}", utr
        return f"RTGS/{utr}/{payer.name[:30]}/{slashed}", utr
    rrn = refs.rrn(day)
    if style == "upi_slash":
        note = slashed if remarks else rng.choice(UPI_NOTES)
        return f"UPI/{rrn}/{payer.name[:20]}/{note[:30]}/{BANK_NAMES[payer.bank]}", rrn
    if style == "upi_dash":
        note = dashed if remarks else rng.choice(UPI_NOTES)
        return f"UPI-{payer.name[:20]}-{payer.vpa}-{payer.ifsc}-{rrn}-{note[:30]}", rrn
    if rng.random() < 0.5:
        return f"IMPS/{rrn}/{payer.name[:20]}/{slashed}", rrn
    account = f"XXXXXXXX{rng.randrange(10_000):04d}"
    return f"IMPS-{rrn}-{payer.name[:20]}-{payer.bank}-{account}-{dashed}", rrn


def hdfc_ref_column(reference: str | None, memo: str) -> str:
    """What HDFC prints under Chq./Ref.No.: mostly a placeholder for NEFT, the RRN for UPI."""
    if not reference:
        return NEFT_PLACEHOLDER
    if memo.startswith("NEFT"):
        # Most NEFT credits carry only the placeholder; the UTR is then in the narration.
        return reference if reference[-1] in "05" else NEFT_PLACEHOLDER
    return reference.rjust(16, "0")
