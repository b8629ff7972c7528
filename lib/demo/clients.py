"""Demo clients: the master data a team keeps, plus each client's (hidden) paying habits."""

from __future__ import annotations

import random
from dataclasses import dataclass

from lib.demo import names
from lib.kana import bank_payer_name, normalise_name

OWNERS = ("priya", "rahul", "anita", "vikram", "sneha", "kenji")
SEGMENTS: tuple[tuple[str | None, int], ...] = (("client", 60), ("franchisee", 30), ("partner", 10))
TRANSFER_FEES = (110, 154, 165, 209, 220, 275, 330, 385, 440, 495, 550, 660, 880, 990, 1100)
OLD_TRANSFER_FEES = (108, 216, 270, 324, 432, 540, 648, 864)
TDS_RATES = (1, 2, 2, 2, 5, 10, 10)
CARD_FEE_BP = (200, 236, 250, 300)  # processor fee in basis points of the gross
IN_BANKS = ("HDFC", "ICIC", "SBIN", "UTIB", "KKBK", "YESB", "PUNB", "BARB", "CNRB", "IDFB")
VPA_HANDLES = ("okhdfcbank", "okicici", "oksbi", "okaxis", "ybl", "paytm", "ibl")
IN_STYLES = ("neft_cr", "neft_cr", "neft_slash", "upi_slash", "upi_dash", "imps", "rtgs")


@dataclass
class ClientSpec:
    """One demo client: master data (``as_dict``) and how it pays (used only by the generator)."""

    code: str
    name: str
    currency: str
    segment: str
    owner: str
    terms: int
    email: str
    phone: str
    name_kana: str | None
    reading: str = ""
    kind: str | None = None
    position: str = "suffix"
    branch_reading: str | None = None
    parent: str | None = None
    payer: str = ""  # the name as the client's bank prints it
    start_month: int = 0
    monthly_fee: int = 0  # pre-tax minor units; 0 when billed ad hoc only
    volume: float = 1.0  # ad-hoc invoices a month
    gst_rate: int = 18
    channel: str = "bank"
    timing: str = "prompt"
    stop_month: int | None = None  # stops paying invoices from this month index on
    consolidates: bool = False
    ref_rate: float = 0.2
    seq_prefix: bool = False
    truncate_at: int = 48
    transfer_fee: int = 0
    tds_rate: int = 0
    card_fee_bp: int = 0
    style: str = "neft_cr"
    bank: str = "HDFC"
    ifsc: str = ""
    vpa: str = ""

    def as_dict(self) -> dict[str, str | int | None]:
        """The client as the master-data file has it, with canonical field names."""
        return {
            "client_code": self.code,
            "name": self.name,
            "name_kana": self.name_kana,
            "segment": self.segment,
            "owner": self.owner,
            "email": self.email,
            "phone": self.phone,
            "currency": self.currency,
            "terms": self.terms,
            "parent_code": self.parent,
        }


def make_clients(rng: random.Random, count: int, months: int) -> list[ClientSpec]:
    """``count`` clients, about 55 % JPY, with ~15 % of franchisees being branches of a parent."""
    seen: set[str] = set()  # normalised keys, so that no two companies look alike to matching
    specs: list[ClientSpec] = []
    counters = {"JPY": 0, "INR": 0}
    branches = max(2, round(count * 0.3 * 0.15))
    for _ in range(count - branches):
        currency = "JPY" if rng.random() < 0.55 else "INR"
        counters[currency] += 1
        specs.append(_new_company(rng, currency, counters[currency], seen))
    parents = [s for s in specs if s.segment != "franchisee"]
    for _ in range(branches):
        parent = rng.choice(parents)
        counters[parent.currency] += 1
        specs.append(_branch_of(rng, parent, counters[parent.currency], seen))
    for spec in specs:
        _give_habits(rng, spec, months)
    return specs


def _code(currency: str, number: int) -> str:
    return f"{'JP' if currency == 'JPY' else 'IN'}{number:04d}"


def _new_company(rng: random.Random, currency: str, number: int, seen: set[str]) -> ClientSpec:
    for attempt in range(60):
        maker = names.japanese_company if currency == "JPY" else names.indian_company
        company = maker(rng, long_form=attempt > 10)
        key = normalise_name(company.reading or company.name)
        if key not in seen and normalise_name(company.name) not in seen:
            break
    seen.update({key, normalise_name(company.name)})
    segment = names.weighted(rng, SEGMENTS) or "client"
    spec = ClientSpec(
        code=_code(currency, number),
        name=company.name,
        currency=currency,
        segment=segment,
        owner=_owner(rng, currency),
        terms=rng.choice((30, 30, 45, 60)),
        email=_email(rng, company.slug, currency),
        phone=_phone(rng, currency),
        name_kana=_kana(rng, company) if currency == "JPY" else None,
        reading=company.reading,
        kind=company.kind,
        position=company.position,
    )
    spec.payer = _payer(spec)
    return spec


def _branch_of(rng: random.Random, parent: ClientSpec, number: int, seen: set[str]) -> ClientSpec:
    for _ in range(40):
        if parent.currency == "JPY":
            place = rng.choice(names.JP_PLACES)
            word = rng.choice(names.JP_BRANCH_WORDS)
            name = f"{parent.name} {place[0]}{word[0]}"
            branch_reading = place[1] + word[1]
        else:
            name = f"{parent.name} - {rng.choice(names.IN_CITIES)} Branch"
            branch_reading = None
        if name not in seen:
            break
    seen.add(name)
    spec = ClientSpec(
        code=_code(parent.currency, number),
        name=name,
        currency=parent.currency,
        segment="franchisee",
        owner=parent.owner,
        terms=parent.terms,
        email=parent.email.replace("keiri@", "shiten@").replace("accounts@", "branch@"),
        phone=_phone(rng, parent.currency),
        name_kana=f"{parent.name_kana}　{branch_reading}" if branch_reading else None,
        reading=parent.reading,
        kind=parent.kind,
        position=parent.position,
        branch_reading=branch_reading,
        parent=parent.code,
    )
    spec.payer = _payer(spec)
    return spec


def _kana(rng: random.Random, company: names.CompanyName) -> str:
    # Some ledgers keep the company type in the フリガナ as well; matching must cope with both.
    spelled = names.SPELLED_KIND.get(company.kind or "")
    if spelled and rng.random() < 0.15:
        if company.position == "prefix":
            return spelled + company.reading
        return company.reading + spelled
    return company.reading


def _payer(spec: ClientSpec) -> str:
    if spec.currency == "INR":
        return spec.name.upper().replace(".", "")
    return bank_payer_name(spec.reading, spec.kind, spec.position, spec.branch_reading)


def _owner(rng: random.Random, currency: str) -> str:
    if currency == "JPY" and rng.random() < 0.35:
        return "kenji"
    return rng.choice(OWNERS[:-1])


def _email(rng: random.Random, slug: str, currency: str) -> str:
    if currency == "JPY":
        return f"{rng.choice(('keiri', 'info', 'soumu'))}@{slug}.co.jp"
    return (
        f"{rng.choice(('accounts', 'finance', 'ap'))}@{slug}.{rng.choice(('in', 'com', 'co.in'))}"
    )


def _phone(rng: random.Random, currency: str) -> str:
    if currency == "JPY":
        return (
            f"0{rng.choice((3, 6, 52, 92, 11))}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        )
    return f"+91 {rng.choice((98, 97, 99, 90, 22))}{rng.randint(10000000, 99999999)}"


def _give_habits(rng: random.Random, spec: ClientSpec, months: int) -> None:
    """Billing pattern and paying behaviour; each client keeps its habits all year."""
    spec.start_month = rng.randint(1, max(1, months - 2)) if rng.random() < 0.15 else 0
    if rng.random() < 0.4:
        spec.monthly_fee = _monthly_fee(rng, spec.currency)
        spec.volume = 0.2
    else:
        spec.volume = min(6.0, rng.lognormvariate(0.65, 0.6))
    spec.timing = rng.choices(("prompt", "late", "erratic"), (62, 26, 12))[0]
    if rng.random() < 0.06:
        spec.stop_month = rng.randint(months // 2, months)
    if rng.random() < (0.05 if spec.currency == "JPY" else 0.12):
        spec.channel = "card"
        spec.card_fee_bp = rng.choice(CARD_FEE_BP)
    if spec.currency == "JPY":
        _japanese_habits(rng, spec)
    else:
        _indian_habits(rng, spec)


def _monthly_fee(rng: random.Random, currency: str) -> int:
    if currency == "JPY":
        return rng.choice((10_000, 15_000, 20_000, 30_000, 50_000, 80_000, 100_000, 150_000))
    rupees = rng.choice((5_000, 7_500, 10_000, 15_000, 25_000, 40_000, 50_000, 1_00_000))
    return rupees * 100


def _japanese_habits(rng: random.Random, spec: ClientSpec) -> None:
    spec.consolidates = spec.channel == "bank" and rng.random() < 0.3
    spec.ref_rate = rng.choice((0.0, 0.0, 0.1, 0.3, 0.8))
    spec.seq_prefix = rng.random() < 0.1
    spec.truncate_at = rng.randint(18, 26) if rng.random() < 0.1 else 48
    if rng.random() < 0.3:
        spec.transfer_fee = rng.choice(OLD_TRANSFER_FEES if rng.random() < 0.1 else TRANSFER_FEES)


def _indian_habits(rng: random.Random, spec: ClientSpec) -> None:
    spec.gst_rate = 5 if rng.random() < 0.2 else 18
    spec.consolidates = spec.channel == "bank" and rng.random() < 0.1
    spec.ref_rate = rng.choice((0.1, 0.3, 0.5, 0.7, 0.9))
    if rng.random() < 0.4:
        spec.tds_rate = rng.choice(TDS_RATES)
    spec.style = rng.choice(IN_STYLES)
    spec.bank = rng.choice(IN_BANKS)
    spec.ifsc = f"{spec.bank}0{rng.randint(0, 999_999):06d}"
    local = spec.payer.split()[0].lower() + rng.choice(("", ".accounts", "traders", "pay"))
    spec.vpa = f"{local}@{rng.choice(VPA_HANDLES)}"
