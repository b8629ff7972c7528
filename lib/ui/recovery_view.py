"""The Recovery page's list side: filters, the case list, the lead's board and the write-offs
waiting for approval, and the form that opens a case (from Today's proposal or by hand)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from lib import clients as client_lib
from lib.auth import Actor, PermissionDenied
from lib.money import format_money
from lib.recovery import OPEN_STAGES, PRIORITIES, STAGES, RecoveryError, cases, details
from lib.recovery import board as bd
from lib.recovery.writeoffs import pending
from lib.ui import format as fmt
from lib.ui.context import db
from lib.ui.feedback import done, refuse
from lib.ui.format import plain

PAGE = "pages/recovery_page.py"
ANY = ""
LIST_COLUMNS = [
    ("case_no", "Case", "text"),
    ("client_name", "Client", "text"),
    ("stage_label", "Stage", "text"),
    ("at_stake_text", "At stake", "text"),
    ("assignee", "Assignee", "text"),
    ("priority_label", "Priority", "text"),
    ("deadline", "Next deadline", "text"),
    ("tags_text", "Tags", "text"),
]


def filters() -> bd.CaseFilters:
    """The filter row of the case list."""
    a, b, c, d, e, f, g = st.columns([1, 1.6, 1.2, 1, 1, 1.8, 1.4], vertical_alignment="bottom")
    state = a.selectbox("Cases", list(bd.STATES), format_func=bd.STATES.get, key="rf-state")
    stage = b.selectbox(
        "Stage", [ANY, *STAGES], format_func=lambda s: STAGES.get(s, "All"), key="rf-stage"
    )
    people = bd.assignees(db())
    assignee = c.selectbox(
        "Assignee", [ANY, *people], format_func=lambda u: u or "All", key="rf-who"
    )
    priority = d.selectbox(
        "Priority", [ANY, *PRIORITIES], format_func=lambda p: PRIORITIES.get(p, "All"), key="rf-pri"
    )
    tag = e.selectbox(
        "Tag", [ANY, *bd.all_tags(db())], format_func=lambda t: t or "All", key="rf-tag"
    )
    text = f.text_input("Search", placeholder="case no., client code or name", key="rf-text")
    flagged = g.toggle("Flagged only", key="rf-flag", help="Cases with a missed instalment")
    return bd.CaseFilters(state, stage, assignee, priority, tag, flagged, text)


def case_list(rows: list[dict]) -> None:
    """The cases as a table; a click opens the case."""
    shown = [
        {
            **r,
            "case_no": ("⚑ " if r["missed"] else "") + r["case_no"],
            "deadline": " ".join(
                x for x in (fmt.day(r["next_deadline_on"]), r["next_deadline_note"] or "") if x
            ),
        }
        for r in rows
    ]
    picked = fmt.show(
        shown,
        LIST_COLUMNS,
        empty="No case matches. Clear a filter, or open a case from Today or below.",
        key="case-list",
        height="auto" if len(rows) <= 14 else 520,
        select=True,
    )
    if picked is not None:
        st.query_params["case"] = rows[picked]["case_no"]
        st.rerun()


def board_panel(as_of: date) -> None:
    """The lead's board: open cases and money at stake per stage and currency, the oldest
    deadline, and the same per assignee."""
    found = bd.board(db(), as_of)
    if not found["stages"]:
        st.info("No open cases: the board fills as cases are opened.")
        return
    totals = bd.stage_totals(found["stages"])
    cols = st.columns(max(len(totals), 1) + 1)
    flagged = sum(s["flagged"] for s in found["stages"])
    for n, (cur, t) in enumerate(sorted(totals.items())):
        cols[n].metric(
            f"At stake ({cur})", fmt.money(t["at_stake"], cur), help=f"{t['cases']} open cases"
        )
    cols[-1].metric("Cases with a missed instalment", f"{flagged}")
    left, right = st.container(), st.container()
    with left:
        st.markdown("**By stage**")
        fmt.show(
            [{**s, "flagged": str(s["flagged"] or "")} for s in found["stages"]],
            [
                ("stage_label", "Stage", "text"),
                ("cases", "Cases", "int"),
                ("at_stake", "At stake", "money"),
                ("oldest_deadline", "Oldest deadline", "date"),
                ("flagged", "Flagged", "text"),
            ],
            empty="",
            key="board-stages",
        )
    with right:
        st.markdown("**By assignee**")
        fmt.show(
            [{**p, "attention": _attention(p)} for p in found["assignees"]],
            [
                ("assignee", "Assignee", "text"),
                ("cases", "Cases", "int"),
                ("at_stake_text", "At stake", "text"),
                ("next_deadline", "Next deadline", "date"),
                ("attention", "Needs attention", "text"),
            ],
            empty="",
            key="board-people",
        )


def _attention(person: dict) -> str:
    parts = [f"{person['passed']} deadline(s) passed"] if person["passed"] else []
    parts += [f"{person['flagged']} flagged"] if person["flagged"] else []
    return ", ".join(parts)


def approvals_panel() -> None:
    """Write-off requests waiting for the lead, each a link to its case."""
    waiting = pending(db())
    if not waiting:
        return
    with st.expander(
        f"Write-offs waiting for your approval ({len(waiting)})",
        expanded=True,
        icon=":material/approval:",
    ):
        for r in waiting:
            a, b = st.columns([4, 1], vertical_alignment="center")
            a.markdown(
                f"**{r['case_no'] or '—'}** · {plain(r['client_name'])} · "
                f"{r['open_text'] or 'nothing open'}  \n{plain(r['reason'])} · asked by "
                f"{r['requested_by']} on {fmt.day(r['requested_at'])}"
            )
            if r["case_no"]:
                b.page_link(
                    PAGE,
                    label="Decide",
                    icon=":material/open_in_new:",
                    query_params={"case": r["case_no"]},
                )


def start_by_hand(me: Actor, as_of: date) -> None:
    """Choose a client to open a case for by hand."""
    if not me.can("recovery"):
        return
    with st.expander("Open a case by hand", icon=":material/add_circle:"):
        owing = [c for c in client_lib.find_clients(db(), as_of, overdue_only=True)]
        seen, options = set(), []
        for c in owing:
            if c["client_code"] not in seen:
                seen.add(c["client_code"])
                options.append(c)
        labels = {c["client_code"]: f"{c['client_code']} {c['name']}" for c in options}
        code = st.selectbox(
            "Client with overdue money",
            list(labels),
            index=None,
            format_func=labels.get,
            key="rc-hand-client",
            placeholder="Type to search",
        )
        if st.button("Continue", key="rc-hand-go", disabled=not code):
            st.query_params["open"] = code
            st.rerun()


def _choose_invoices(found: dict, code: str) -> list[int]:
    """A table with a tick per open invoice; the overdue undisputed ones come ticked."""
    frame = pd.DataFrame(
        [
            {
                "In the case": i["invoice_id"] in found["chosen"],
                "Invoice": i["invoice_no"],
                "Due": fmt.day(i["due_date"]),
                "Days late": max(i["days_past_due"], 0),
                "Outstanding": format_money(i["outstanding"], i["currency"]),
                "Disputed": "Yes" if i["disputed"] else "",
            }
            for i in found["items"]
        ]
    )
    st.markdown(f"**Invoices the case covers** ({len(found['chosen'])} proposed)")
    edited = st.data_editor(
        frame,
        key=f"rc-open-inv-{code}",
        hide_index=True,
        disabled=[c for c in frame.columns if c != "In the case"],
        height="auto" if len(frame) <= 12 else 420,
        column_config={"Outstanding": st.column_config.TextColumn(alignment="right")},
    )
    ticks = list(edited["In the case"])
    return [i["invoice_id"] for i, tick in zip(found["items"], ticks, strict=True) if tick]


def open_form(me: Actor, code: str, as_of: date) -> None:
    """The form that opens a case for a client, prefilled with its overdue undisputed
    invoices (what the policy's recovery step proposes)."""
    client = client_lib.get_client(db(), code)
    if client is None:
        st.error(f"No client with code {plain(code)}.")
        return
    st.title("Open a recovery case")
    st.caption(
        f"{client['client_code']} · {plain(client['name'])} · owner {client['owner'] or '—'}"
    )
    if not me.can("recovery"):
        st.error("Only collectors and the lead open recovery cases.", icon=":material/lock:")
        return
    found = cases.proposal(db(), client["id"], as_of)
    if not found["items"]:
        st.info("This client has no open invoice outside an open case: nothing to recover.")
        return
    chosen = _choose_invoices(found, code)
    picked = [i for i in found["items"] if i["invoice_id"] in chosen]
    totals: dict[str, int] = {}
    for i in picked:
        totals[i["currency"]] = totals.get(i["currency"], 0) + i["outstanding"]
    st.caption("Amount at stake: " + (bd.money_text(totals) if totals else "choose invoices"))
    reason = st.text_area(
        "Why the case is opened", found["reason"], key=f"rc-open-why-{code}", height=80
    )
    a, b, c, d = st.columns(4)
    people = bd.assignees(db())
    owner = details.active_user(db(), client["owner"]) or me.username
    assignee = a.selectbox(
        "Assignee",
        people,
        index=people.index(owner) if owner in people else 0,
        key=f"rc-open-who-{code}",
    )
    priority = b.selectbox(
        "Priority", list(PRIORITIES), index=2, format_func=PRIORITIES.get, key=f"rc-open-pri-{code}"
    )
    tags = c.text_input("Tags", placeholder="e.g. legal, franchise", key=f"rc-open-tags-{code}")
    starts = (
        [s for s in OPEN_STAGES if s != "settlement"]
        if me.can("manage_cases")
        else ["pre_legal_notice"]
    )
    stage = d.selectbox(
        "Starts at",
        starts,
        format_func=STAGES.get,
        key=f"rc-open-stage-{code}",
        help="Only the lead may start further along; the stages passed over are recorded.",
    )
    x, y = st.columns([1, 4])
    if y.button("Cancel", key="rc-open-cancel"):
        del st.query_params["open"]
        st.rerun()
    if not x.button("Open the case", type="primary", key="rc-open-go", disabled=not chosen):
        return
    try:
        case_id = cases.open_case(
            db(),
            me,
            client["id"],
            chosen,
            reason,
            as_of,
            assignee,
            priority,
            [t for t in tags.split(",")],
            stage,
        )
    except (RecoveryError, PermissionDenied) as exc:
        refuse(exc)
        return
    case = cases.case_by_id(db(), case_id)
    del st.query_params["open"]
    st.query_params["case"] = case["case_no"]
    done(f"Case {case['case_no']} opened for {plain(client['name'])}.")
