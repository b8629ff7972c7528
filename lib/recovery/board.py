"""Reading cases in bulk: the filtered list, the lead's board, and what needs me this week.

The board counts open cases and the money at stake per stage and currency (currencies are
never added together), with the oldest deadline per stage, and the same per assignee. A
case is *flagged* when a live settlement has a missed instalment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from lib.money import format_money
from lib.recovery import OPEN_STAGES, PRIORITIES, STAGES
from lib.recovery.amounts import CaseMoney, all_case_money
from lib.recovery.cases import CASE
from lib.recovery.details import tags_of
from lib.recovery.settings import load as recovery_settings
from lib.recovery.settlements import missed_by_case

STATES = {"open": "Open", "closed": "Closed", "all": "All"}
DEADLINE_DAYS = 7  # Today shows deadlines and hearings this close


@dataclass(frozen=True)
class CaseFilters:
    """What the case list is narrowed to; empty text means no filter."""

    state: str = "open"
    stage: str = ""
    assignee: str = ""
    priority: str = ""
    tag: str = ""
    flagged: bool = False
    text: str = ""


def money_text(amounts: dict[str, int]) -> str:
    """Amounts per currency as one line: ``¥330,000 · ₹1,20,000.00`` (— for none)."""
    shown = [format_money(v, c) for c, v in sorted(amounts.items()) if v]
    return " · ".join(shown) or "—"


def _row(case: dict[str, Any], money: CaseMoney, missed: int, as_of: date) -> dict[str, Any]:
    at_stake = money.total("at_stake")
    return {
        **case,
        "stage_label": STAGES[case["stage"]],
        "priority_label": PRIORITIES[case["priority"]],
        "tag_list": tags_of(case),
        "tags_text": ", ".join(tags_of(case)),
        "at_stake": at_stake,
        "at_stake_text": money_text(at_stake),
        "recovered_text": money_text(money.total("recovered")),
        "written_off_text": money_text(money.total("written_off")),
        "missed": missed,
        "flag": "Missed instalment" if missed else "",
        "deadline_passed": bool(
            case["next_deadline_on"] and case["next_deadline_on"] < as_of.isoformat()
        ),
        "days_open": (as_of - date.fromisoformat(case["opened_on"])).days,
    }


def _wanted(row: dict[str, Any], f: CaseFilters) -> bool:
    closed = bool(row["closed_on"])
    if (f.state == "open" and closed) or (f.state == "closed" and not closed):
        return False
    if f.stage and row["stage"] != f.stage:
        return False
    if f.assignee and row["assignee"] != f.assignee:
        return False
    if f.priority and row["priority"] != f.priority:
        return False
    if f.tag and f.tag.lower() not in row["tag_list"]:
        return False
    if f.flagged and not row["missed"]:
        return False
    needle = f.text.strip().casefold()
    return not needle or any(
        needle in (row[k] or "").casefold() for k in ("case_no", "client_code", "client_name")
    )


def list_cases(db: Database, as_of: date, filters: CaseFilters = CaseFilters()) -> list[dict]:
    """Cases opened by ``as_of`` matching ``filters``, most urgent first: flagged, then
    by priority, then the nearest deadline."""
    money = all_case_money(db, as_of, recovery_settings(db).interest_rate_bp)
    missed = missed_by_case(db, as_of)
    rows = []
    for case in db.query(CASE + " WHERE k.opened_on <= ? ORDER BY k.id", [as_of.isoformat()]):
        row = _row(case, money.get(case["id"], CaseMoney()), missed.get(case["id"], 0), as_of)
        if _wanted(row, filters):
            rows.append(row)
    order = list(PRIORITIES)
    rows.sort(
        key=lambda r: (
            bool(r["closed_on"]),
            not r["missed"],
            order.index(r["priority"]),
            r["next_deadline_on"] or "9999",
            r["case_no"],
        )
    )
    return rows


def board(db: Database, as_of: date) -> dict[str, list[dict[str, Any]]]:
    """The lead's board over open cases: ``stages`` (per stage and currency: cases, at
    stake, oldest deadline) and ``assignees`` (per person: cases, at stake, next deadline,
    deadlines passed, flagged)."""
    rows = list_cases(db, as_of, CaseFilters(state="open"))
    stages: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        currencies = sorted(r["at_stake"]) or ["—"]
        for cur in currencies:
            s = stages.setdefault(
                (r["stage"], cur),
                {"stage": r["stage"], "stage_label": r["stage_label"], "currency": cur,
                 "cases": 0, "at_stake": 0, "oldest_deadline": None, "flagged": 0},
            )  # fmt: skip
            s["cases"] += 1
            s["at_stake"] += r["at_stake"].get(cur, 0)
            s["flagged"] += bool(r["missed"])
            deadline = r["next_deadline_on"]
            if deadline and (not s["oldest_deadline"] or deadline < s["oldest_deadline"]):
                s["oldest_deadline"] = deadline
    order = {s: n for n, s in enumerate(OPEN_STAGES)}
    stage_rows = sorted(stages.values(), key=lambda s: (order[s["stage"]], s["currency"]))
    people: dict[str, dict[str, Any]] = {}
    for r in rows:
        p = people.setdefault(
            r["assignee"] or "—",
            {"assignee": r["assignee"] or "—", "cases": 0, "amounts": {}, "next_deadline": None,
             "passed": 0, "flagged": 0},
        )  # fmt: skip
        p["cases"] += 1
        for cur, value in r["at_stake"].items():
            p["amounts"][cur] = p["amounts"].get(cur, 0) + value
        deadline = r["next_deadline_on"]
        if deadline and (not p["next_deadline"] or deadline < p["next_deadline"]):
            p["next_deadline"] = deadline
        p["passed"] += r["deadline_passed"]
        p["flagged"] += bool(r["missed"])
    for p in people.values():
        p["at_stake_text"] = money_text(p["amounts"])
    return {"stages": stage_rows, "assignees": sorted(people.values(), key=lambda p: p["assignee"])}


def stage_totals(board_rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Open cases and money at stake per currency over the whole board."""
    out: dict[str, dict[str, int]] = {}
    for s in board_rows:
        t = out.setdefault(s["currency"], {"cases": 0, "at_stake": 0})
        t["cases"] += s["cases"]
        t["at_stake"] += s["at_stake"]
    return out


def needs_me(db: Database, username: str, as_of: date) -> list[dict[str, Any]]:
    """My open cases with a deadline or hearing within a week (or passed), or a missed
    instalment, the most pressing first."""
    soon = (as_of + timedelta(days=DEADLINE_DAYS)).isoformat()
    rows = list_cases(db, as_of, CaseFilters(state="open", assignee=username))
    found = [
        r for r in rows if r["missed"] or (r["next_deadline_on"] and r["next_deadline_on"] <= soon)
    ]
    for r in found:
        parts = []
        if r["missed"]:
            parts.append(f"{r['missed']} instalment(s) missed")
        if r["next_deadline_on"] and r["next_deadline_on"] <= soon:
            days = (date.fromisoformat(r["next_deadline_on"]) - as_of).days
            when = "today" if days == 0 else _days(days)
            what = r["next_deadline_note"] or "deadline"
            parts.append(f"{what} {when}")
        r["why"] = " · ".join(parts)
    found.sort(key=lambda r: (not r["missed"], r["next_deadline_on"] or "9999"))
    return found


def _days(days: int) -> str:
    plural = "s" if abs(days) != 1 else ""
    return f"{-days} day{plural} ago" if days < 0 else f"in {days} day{plural}"


def assignees(db: Database) -> list[str]:
    """Active users a case can be assigned to."""
    return [r[0] for r in db.execute("SELECT username FROM users WHERE active = 1 ORDER BY 1")]


def all_tags(db: Database) -> list[str]:
    """Every tag used on a case, for the filter."""
    found: set[str] = set()
    for row in db.query("SELECT tags FROM cases"):
        found.update(tags_of(row))
    return sorted(found)
