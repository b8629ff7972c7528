"""Deciding each receipt: apply it automatically, suggest a match, or send it to suspense.

Automatic application needs two pieces of evidence that agree: an invoice number (or the
payer's identity) and an amount that settles exactly, allowing only the deductions the team
accepts. Anything weaker becomes a suggestion for a collector: a wrong automatic allocation
is far worse than a receipt left for review. Pure: reads a :class:`~lib.matching.book.Book`,
returns a :class:`Decision`, and changes nothing but the book's in-memory state (what is
still outstanding, each payer's usual delay and fee).
"""

from __future__ import annotations

from datetime import date

from lib.matching.amounts import Inv, Part, Plan
from lib.matching.book import Book
from lib.matching.case import Case, Decision, Receipt
from lib.matching.names import Identified
from lib.matching.text import mentions, read_line
from lib.money import format_money

MIN_STRONG_DIGITS = 5  # a shorter number is only the tail of an invoice number


def decide(book: Book, r: Receipt) -> Decision:
    """Decide one receipt against the book (see the module docstring for the rules)."""
    line = read_line(r.payer_name, r.memo)
    who = (
        Identified({r.client_id}, "assigned")
        if r.client_id
        else book.names.identify(line.names, line.account)
    )
    group = sorted({g for c in who.clients for g in book.group(c)})
    case = Case(book, r, line, who, group)
    decision = _decide(case)
    if decision.action == "auto":
        remember(book, decision, case.payer, r.value_date)
    return decision


def remember(book: Book, decision: Decision, payer: int | None, paid: str) -> None:
    """Take an applied decision into the book: less outstanding, the payer's fee and delay,
    and who pays by card."""
    for part in decision.parts:
        if part.kind == "card_fee":
            book.card_clients.add(part.inv.client_id)
        part.inv.outstanding -= part.applied + part.deduction
        if part.kind == "bank_fee":  # each payer deducts the same fee: learn it
            book.rules.learned_fees.setdefault(payer or part.inv.client_id, set()).add(
                part.deduction
            )
    if len(decision.parts) == 1 and decision.rule != "name-amount-equal":
        inv = decision.parts[0].inv
        book.lags.setdefault(inv.client_id, []).append(_days(inv.due_date, paid))


def _decide(case: Case) -> Decision:
    strong, weak, closed = _refs(case)
    if strong:
        owners = {i.client_id for i in strong}
        strong += [i for i in weak if i.client_id in owners and i not in strong]
        return _named(case, strong, "number")
    weak = [i for i in weak if not case.group or i.client_id in case.group]
    exact = [i for i in weak if case.plan([i])]
    if len(exact) == 1:
        return _named(case, exact, "sequence")
    decision = _by_client(case) if case.group else None
    if (decision is None or decision.action != "auto") and case.group and len(weak) == 1:
        # The sequence of the payer's own invoice: a part payment or an overpayment.
        alt = _named(case, weak, "sequence")
        decision = alt if alt.action == "auto" else decision
    if decision is None and closed:
        decision = Decision(
            "suspense",
            "already-settled",
            0.0,
            f"invoice {', '.join(closed[:3])}"
            " named in the text is already settled: a second payment?",
        )
    return decision or _by_card_amount(case) or _unplaced(case)


def _refs(case: Case) -> tuple[list[Inv], list[Inv], list[str]]:
    """Invoices the text names: by full number (strong), by last digits (weak), and the
    numbers of named invoices that are no longer open."""
    book, r = case.book, case.r
    strong: dict[int, Inv] = {}
    weak: dict[int, Inv] = {}
    closed: list[str] = []
    matched: list[str] = []  # digits of numbers found whole: their pieces are no reference
    for m in mentions(case.line.payer_ref, case.line.text):
        ids = book.by_full.get(m.full) if m.full[:1].isalpha() else None
        if not ids and len(m.digits.lstrip("0")) >= MIN_STRONG_DIGITS:
            ids = book.by_digits.get(m.digits.lstrip("0"))
        if ids:
            matched.append(m.digits)
        elif any(m.digits in whole for whole in matched):
            continue
        target = strong if ids else weak
        for inv_id in ids or book.by_tail.get(m.tail, ()):
            inv = book.invoices.get(inv_id)
            if (
                inv
                and inv.outstanding > 0
                and inv.currency == r.currency
                and inv.invoice_date <= r.value_date
            ):
                target.setdefault(inv_id, inv)
            elif ids and (inv is None or inv.outstanding <= 0):
                closed.append(book.numbers[inv_id][0])
    return list(strong.values()), list(weak.values()), closed


def _named(case: Case, invs: list[Inv], how: str) -> Decision:
    r = case.r
    numbers = ", ".join(i.no for i in invs[:4])
    said = f"invoice {numbers} in the text" if how == "number" else f"sequence of {numbers}"
    owners = {i.client_id for i in invs}
    client = next(iter(owners)) if len(owners) == 1 else None
    if case.group and not owners & set(case.group):
        return _suggest(case, invs, f"{said}, but the payer looks like another client", 0.6)
    plan = case.plan(invs)
    if plan:
        return _auto(f"{how}-exact", 0.99 if how == "number" else 0.97, plan, said, client)
    if len(invs) > 1:
        plan, _ = case.group_plan(invs)
        if plan:
            return _auto(f"{how}-group", 0.97, plan, said, client)
    total = sum(i.outstanding for i in invs)
    if r.amount > total and client is not None:
        wider = _with_others(case, invs, client)
        if wider:
            return _auto(
                f"{how}-group",
                0.95,
                wider,
                f"{said} with the client's other invoices of the same period",
                client,
            )
    if len(invs) == 1 and r.amount < total and not r.fee:
        plan = Plan(
            [Part(invs[0], r.amount)],
            f"part payment; {format_money(total - r.amount, r.currency)} still open",
        )
        return _auto(f"{how}-partial", 0.9, plan, said, client)
    if total < r.amount <= 2 * total and not r.fee and client is not None:
        # More than double would rather be a payment for invoices the text does not name.
        extra = format_money(r.amount - total, r.currency)
        plan = Plan([Part(i, i.outstanding) for i in invs], f"{extra} left on account")
        return _auto(f"{how}-overpaid", 0.9, plan, said, client)
    return _suggest(case, invs, f"{said}; the amount does not settle them", 0.6)


def _with_others(case: Case, named: list[Inv], client: int) -> Plan | None:
    """A transfer naming only its first invoice often pays the month's others too."""
    candidates = case.book.open_of(case.book.group(client), case.r.currency, case.r.value_date)
    plan, _ = case.group_plan(candidates, must=named)
    return plan


def _by_client(case: Case) -> Decision | None:
    candidates = case.book.open_of(case.group, case.r.currency, case.r.value_date)
    if not candidates:
        return None
    payer = case.payer_text()
    near = [i for i in candidates if case.may_settle(i)]
    for how, fees in _tries(case):
        if how == "single":
            singles = [i for i in near if case.single(i, fees)]
            if singles and fees is None and _group_fits_too(case, candidates):
                return _suggest(
                    case,
                    singles,
                    f"{payer}; one invoice less a fee from the table, "
                    "or several invoices, fit the amount",
                    0.5,
                )
            if singles:
                return _singles(case, singles, fees, payer)
        elif len(candidates) > 1 and case.payer:
            plan, _ = case.group_plan(candidates, only=fees)
            if plan:
                return _group_decision(case, plan, payer)
    _, ambiguous = case.group_plan(candidates)
    why = "several sets of invoices add up" if ambiguous else "no invoice or set settles it"
    return _suggest(case, candidates, f"{payer}; {why}", 0.5)


def _group_fits_too(case: Case, candidates: list[Inv]) -> bool:
    # A guessed fee on one invoice competes with a guessed fee on a month's invoices.
    return len(candidates) > 1 and case.group_plan(candidates)[0] is not None


def _tries(case: Case) -> list[tuple[str, frozenset[int] | None]]:
    """In what order to explain the amount. A payer known to deduct a fee is judged by that
    fee first; anyone else by the exact amount first, a fee from the table last."""
    rules, none = case.book.rules, frozenset()
    learned = frozenset(rules.learned_fees.get(case.payer or -1, ()))
    if learned and case.r.currency == "JPY":
        return [("single", learned), ("single", none), ("group", learned), ("group", none)]
    return [("single", none), ("group", none), ("single", None), ("group", None)]


def _singles(case: Case, singles: list[Inv], fees: frozenset[int] | None, payer: str) -> Decision:
    if len(singles) == 1:
        plan = case.single(singles[0], fees)
        return _auto("name-amount", 0.97, plan, payer, singles[0].client_id)
    if case.payer:
        # Several invoices of this amount: decided with the payer's other such receipts.
        why = f"{payer}; {len(singles)} open invoices of this amount"
        return Decision(
            "equal",
            "name-amount-equal",
            0.93,
            why,
            client_id=case.payer,
            options=[case.single(i, fees) for i in singles],
        )
    return _suggest(case, singles, f"{payer}; {len(singles)} open invoices of this amount", 0.6)


def _days(due: str, paid: str) -> int:
    return (date.fromisoformat(paid) - date.fromisoformat(due)).days


def _group_decision(case: Case, plan: Plan, payer: str) -> Decision:
    months = sorted({p.inv.invoice_date[:7] for p in plan.parts})
    why = f"{payer}; {len(plan.parts)} invoices of {', '.join(months)} add up"
    return _auto("name-group", 0.95, plan, why, case.payer)


def _by_card_amount(case: Case) -> Decision | None:
    r = case.r
    if not r.fee:
        return None
    gross = r.amount + r.fee
    same = [
        i
        for i in case.book.by_amount.get((r.currency, gross), ())
        if i.outstanding == gross and i.invoice_date <= r.value_date
    ]
    if len(same) > 1:  # a cardholder's own name: among the clients who pay by card
        same = [i for i in same if i.client_id in case.book.card_clients]
    if len(same) == 1:
        plan = case.plan(same)
        if plan:
            why = f"card payout of {format_money(gross, r.currency)} gross matches one invoice"
            return _auto("card-amount", 0.92, plan, why, same[0].client_id)
    return None


def _unplaced(case: Case) -> Decision:
    book, r, line = case.book, case.r, case.line
    if line.hint:
        return Decision(
            "suspense",
            line.hint,
            0.0,
            {
                "interest": "bank interest credit, not a client payment",
                "refund": "looks like a refund or claim, not a client payment",
            }[line.hint],
        )
    if case.group:
        return Decision(
            "suspense",
            "on-account",
            0.0,
            f"{case.payer_text()}; no open invoice in {r.currency}",
            client_id=case.payer,
        )
    for client_id, score in book.names.resemble(line.names):
        candidates = book.open_of(book.group(client_id), r.currency, r.value_date)
        singles = [i for i in candidates if case.plan([i])]
        if singles:
            name = book.clients[client_id].name
            return _suggest(
                case,
                singles[:1],
                f"payer name resembles {name} ({score:.0%}); the amount fits one of its invoices",
                score * 0.7,
                client_id,
            )
    shown = line.names[0] if line.names else "no payer name"
    return Decision("suspense", "unknown-payer", 0.0, f"payer not recognised: {shown}")


def _auto(rule: str, confidence: float, plan: Plan, why: str, client: int | None) -> Decision:
    text = why + (f"; {plan.note}" if plan.note else "")
    return Decision("auto", rule, confidence, text, plan.parts, client)


def _suggest(
    case: Case, invs: list[Inv], why: str, confidence: float, client: int | None = None
) -> Decision:
    """A first guess for the collector: oldest first until the money runs out."""
    parts, left = [], case.r.amount
    for inv in sorted(invs, key=lambda i: (i.due_date, i.invoice_date, i.no)):
        if left <= 0:
            break
        take = min(left, inv.outstanding)
        parts.append(Part(inv, take))
        left -= take
    owner = (
        client
        or case.payer
        or (invs[0].client_id if len({i.client_id for i in invs}) == 1 else None)
    )
    return Decision("suggest", "review", round(confidence, 2), why, parts, owner)
