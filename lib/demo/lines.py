"""Statement lines as banks print them: Japanese payer kana and Indian narrations."""

from __future__ import annotations

import random
from datetime import date

from lib.demo import names
from lib.demo.invoices import Invoice
from lib.demo.records import MONTHS, Draft, receipt
from lib.demo.refs import GENERIC_REMARKS, Payer, RefMaker, narration, refs_text
from lib.kana import bank_payer_name, to_bank_kana

_NAME_WIDTH = {"neft_cr": 35, "rtgs_cr": 35, "neft_slash": 30, "rtgs": 30}


class StatementLines:
    """Drafts receipt rows for one ledger and keeps them with their truth entries."""

    def __init__(self, rng: random.Random, refs: RefMaker, as_of: date) -> None:
        self.rng = rng
        self.refs = refs
        self.as_of = as_of
        self.drafts: list[Draft] = []

    def add(
        self, row: dict, day: date, entry: dict, invoices: list[Invoice], has_ref: bool
    ) -> None:
        """Keep a drafted receipt with its truth."""
        self.drafts.append(Draft(day, row, entry, invoices, has_ref))

    def jp_receipt(
        self,
        name: str,
        day: date,
        amount: int,
        numbers: list[str],
        with_ref: bool,
        seq: str | None = None,
        limit: int = 48,
        memo: str = "ﾌﾘｺﾐ",
    ) -> tuple[dict, bool]:
        """A JPY bank credit from payer ``name`` (bank kana); also says if a reference shows.

        ``seq`` is an invoice sequence the payer puts before its name; ``with_ref`` puts the
        invoice numbers in the EDI field (摘要), which leaves 26 characters for the name.
        """
        has_ref = seq is not None
        if seq is not None:
            name = f"{seq} {name}"  # the payer's reference counts inside the 48 characters
        if with_ref and numbers:
            memo = to_bank_kana(refs_text(self.rng, numbers))[:20]
            if self.rng.random() < 0.15:
                memo = refs_text(self.rng, numbers[:1], fullwidth_ok=True)
            limit, has_ref = min(limit, 26), True
        reference = None if self.rng.random() < 0.3 else self.refs.inquiry()
        return receipt(reference, day, amount, name[:limit], memo, "JPY"), has_ref

    def in_receipt(
        self,
        payer: Payer,
        day: date,
        amount: int,
        numbers: list[str],
        with_ref: bool,
        remarks: str = "",
    ) -> tuple[dict, bool]:
        """An INR bank credit with an HDFC narration; also says if a reference shows."""
        rng, style = self.rng, payer.style
        if amount >= 2_00_000_00 and (style.startswith("upi") or rng.random() < 0.5):
            style = "rtgs"  # UPI tops out near a lakh; large sums go by RTGS
        elif style.startswith("upi") and amount > 1_00_000_00:
            style = "neft_cr"
        elif style == "rtgs" and amount < 2_00_000_00:
            style = "neft_cr"  # RTGS starts at two lakh
        has_ref = with_ref and bool(numbers)
        if has_ref:
            remarks = refs_text(rng, numbers)
        elif not remarks and not style.startswith("upi"):
            remarks = rng.choice(GENERIC_REMARKS + (f"{MONTHS[day.month - 2]} BILLS",))
        if style == "rtgs" and not has_ref and rng.random() < 0.5:
            style = "rtgs_cr"
        text, reference = narration(self.refs, payer, style, day, remarks)
        shown = payer.name[: _NAME_WIDTH.get(style, 20)]
        return receipt(reference, day, amount, shown, text, "INR"), has_ref

    def unrelated_payer(
        self, currency: str, person: bool, pool: tuple[str, ...] = ()
    ) -> str | Payer:
        """A payer that is no client: a person, a factoring house or a vendor."""
        rng = self.rng
        if currency == "JPY":
            if person:
                return to_bank_kana(names.japanese_person(rng))
            company = rng.choice(pool or names.JP_THIRD_PARTIES)
            return bank_payer_name(company, "株式会社", rng.choice(("prefix", "suffix")))
        name = names.indian_person(rng) if person else rng.choice(pool or names.IN_THIRD_PARTIES)
        bank = rng.choice(("HDFC", "ICIC", "SBIN", "UTIB", "KKBK"))
        handle = rng.choice(("ybl", "okicici", "paytm"))
        vpa = f"{name.split()[0].lower()}{rng.randint(1, 99)}@{handle}"
        style = rng.choice(("upi_dash", "imps", "neft_cr") if person else ("neft_cr", "neft_slash"))
        return Payer(name, bank, f"{bank}0{rng.randint(0, 999_999):06d}", vpa, style)
