"""Audit log page (lead): filter by user, table, client and date, and download."""

from __future__ import annotations

from conftest import open_app

from lib import clients, users
from lib.db import connect


def test_lead_filters_the_log_and_downloads_it(app_db):
    from builders import make_client

    db = connect(app_db)
    client = make_client(db, client_code="C9", name="Nine")
    clients.update_client(db, users.actor_for(db, "priya"), client, {"phone": "022-555"})
    at = open_app("asha", "pages/audit_page.py")
    frame = at.dataframe[0].value
    assert {"create", "edit"} <= set(frame["What"])
    at.selectbox[0].select("priya").run()
    frame = at.dataframe[0].value
    assert list(frame["What"]) == ["edit"] and list(frame["Client"]) == ["C9"]
    assert "phone: None → 022-555" in frame["Change"].iloc[0]
    at.selectbox[0].select("All").run()
    at.text_input[0].input("C9").run()
    assert list(at.dataframe[0].value["Client"]) == ["C9"]
    assert {b.label for b in at.download_button} == {"Download (.xlsx)", "Download (.csv)"}


def test_collectors_and_interns_cannot_read_the_log(app_db):
    for who in ("priya", "ravi"):
        at = open_app(who, "pages/audit_page.py")
        assert any("can't open the audit log" in e.value for e in at.error)
        assert not at.dataframe
