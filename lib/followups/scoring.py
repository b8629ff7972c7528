"""The worklist score: a sum of named parts, each with the reason a collector reads.

Parts, in points:
- money: ``20 × log10(1 + weighted units)``, where overdue undisputed money is counted in
  units worth about the same in each currency (¥10,000, ₹5,000, $60) and weighted by age
  (×1 up to 30 days, ×1.5 to 60, ×2 to 90, ×3 beyond); the log keeps one huge balance from
  hiding everything else.
- the latest promise: broken +100, partly kept +80, due today +50, waiting in its grace +10,
  made and not yet due −40 (leave the client alone until then).
- personal contact (reminder emails do not count): none yet +25, else +1 per day since
  the last call, visit, meeting or message (at most +30).
- the planned next action: due today or missed +30, later −30.
- the escalation step due and not yet done: email +10, call or letter +20, recovery +40.
Clients already contacted today go to the bottom of the list whatever their score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from lib.followups import dmy
from lib.money import format_money

UNITS = {"JPY": 10_000, "INR": 5_000_00, "USD": 60_00}  # minor units per score unit
AGE_WEIGHTS = ((30, 100), (60, 150), (90, 200))  # (up to days, weight %); beyond: 300 %
PROMISE_POINTS = {"broken": 100, "partly_kept": 80}
STEP_POINTS = {"email": 10, "call": 20, "letter": 20, "recovery": 40}


@dataclass
class Facts:
    """What the worklist knows about one client on ``as_of``."""

    overdue: dict[str, int] = field(default_factory=dict)  # undisputed, per currency
    weighted_units: int = 0
    oldest_days: int = 0
    promise: dict | None = None  # the latest promise, from lib.followups.promises
    last_contact: str | None = None
    next_action_on: str | None = None
    step: dict | None = None
    step_done: bool = False


def age_weight(days_past_due: int) -> int:
    """How much an overdue amount counts, in percent, by how late it is."""
    for limit, weight in AGE_WEIGHTS:
        if days_past_due <= limit:
            return weight
    return 300


def weighted_units(outstanding: int, currency: str, days_past_due: int) -> int:
    """An overdue amount in score units, weighted by age (integers: no float money)."""
    return outstanding * age_weight(days_past_due) // (UNITS.get(currency, 10_000) * 100)


def score(facts: Facts, as_of: date) -> tuple[int, list[tuple[int, str]]]:
    """The client's score and its parts ``(points, reason)``, biggest first."""
    money = ", ".join(format_money(v, c) for c, v in sorted(facts.overdue.items()) if v)
    parts = [
        (
            round(20 * math.log10(1 + facts.weighted_units)),
            f"{money} overdue, oldest {facts.oldest_days} days",
        )
    ]
    parts += _promise_part(facts.promise)
    parts += _contact_parts(facts, as_of)
    if facts.step and not facts.step_done:
        points = STEP_POINTS.get(facts.step["channel"], 10)
        parts.append((points, f"step due: {facts.step['name']}"))
    parts.sort(key=lambda p: -p[0])
    return sum(p for p, _ in parts), parts


def _promise_part(promise: dict | None) -> list[tuple[int, str]]:
    if not promise:
        return []
    verdict = promise["verdict"]
    if verdict.state in PROMISE_POINTS:
        return [(PROMISE_POINTS[verdict.state], promise["text"])]
    if verdict.state != "pending":
        return []
    if promise["text"].endswith("due today"):
        return [(50, promise["text"])]
    if verdict.in_grace:
        return [(10, promise["text"])]
    return [(-40, promise["text"])]


def _contact_parts(facts: Facts, as_of: date) -> list[tuple[int, str]]:
    today = as_of.isoformat()
    parts = []
    if not facts.last_contact:
        parts.append((25, "not spoken to yet"))
    elif facts.last_contact < today:
        days = (as_of - date.fromisoformat(facts.last_contact)).days
        parts.append((min(days, 30), f"not spoken to for {days} day{'s' if days != 1 else ''}"))
    nxt = facts.next_action_on
    if nxt and nxt == today:
        parts.append((30, "follow-up planned for today"))
    elif nxt and nxt < today and (facts.last_contact or "") <= nxt:
        parts.append((30, f"planned follow-up on {dmy(nxt)} missed"))
    elif nxt and nxt > today:
        parts.append((-30, f"next follow-up on {dmy(nxt)}"))
    return parts


def reason(parts: list[tuple[int, str]], limit: int = 3) -> str:
    """The parts that raise the score most, as one line; the money part always shows."""
    raising = [text for points, text in parts if points > 0][:limit]
    money = next((t for _, t in parts if " overdue, oldest " in t), None)
    if money and money not in raising:
        raising.append(money)
    lowering = [text for points, text in parts if points < 0]
    return " · ".join(raising + lowering)
