"""Security, one test per point of the reliability issue: roles refused in lib and on every
page (also opened by URL), user text never HTML, formulas neutralised in exports, uploads
limited, secrets never logged or committed, sessions that expire. The lockout and the 72-byte
password rule are tested in tests/test_users.py and tests/test_app.py."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import tomllib
from datetime import UTC, datetime, timedelta

import pytest
from conftest import ROOT, open_app

import lib
from lib.auth import ROLES, Actor, PermissionDenied
from lib.ui.nav import PAGES

NOBODY = Actor("mallory", "visitor")  # a role that holds no permission at all


def _lib_functions_taking_an_actor():
    for info in pkgutil.walk_packages(lib.__path__, "lib."):
        if info.name.startswith(("lib.ui", "lib.demo")):
            continue  # lib.ui draws pages; the demo loader is checked on its own below
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != info.name or name.startswith("_"):
                continue
            params = inspect.signature(fn).parameters
            if "actor" in params:
                yield f"{info.name}.{name}", fn, params


# They take the actor only to say who acted, or to decide for a guard, and run inside a
# guarded function's transaction; each is listed with its guard.
NOT_GUARDS = {
    "lib.audit.record": "attribution: called inside every guarded write",
    "lib.audit.record_many": "attribution: called inside every guarded write",
    "lib.auth.require": "the guard itself",
    "lib.followups.log.task_owner": "a read: who gets the client's tasks",
    "lib.recovery.caselog.may_log": "the case log's guard (a question)",
    "lib.recovery.caselog.require_log": "the case log's guard, per case",
    "lib.recovery.caselog.insert_event": "inside the guarded case writes",
    "lib.recovery.stages.allowed_moves": "a question: which moves the actor may make",
    "lib.recovery.stages.enter_stage": "inside the guarded stage moves",
    "lib.recovery.recoveries.reverse_for_allocations": "inside the guarded unmatch",
    "lib.importing.undo.undoable_imports": "a question: which imports the actor may undo",
}
ACTOR_FUNCTIONS = sorted(
    (f for f in _lib_functions_taking_an_actor() if f[0] not in NOT_GUARDS), key=lambda f: f[0]
)


def test_there_are_many_guarded_functions():
    assert len(ACTOR_FUNCTIONS) > 40


@pytest.mark.parametrize(("name", "fn", "params"), ACTOR_FUNCTIONS, ids=lambda v: str(v)[:60])
def test_every_lib_function_that_acts_for_someone_refuses_a_role_without_rights(
    db, name, fn, params
):
    """Called by a role that may do nothing, each refuses before it reads its arguments."""
    args = {p: None for p in params if params[p].default is inspect.Parameter.empty}
    args.update({k: v for k, v in (("db", db), ("actor", NOBODY)) if k in params})
    with pytest.raises(PermissionDenied):
        fn(**args)


def test_the_demo_loader_is_the_leads(db):
    from lib.demo.load import load_demo

    with pytest.raises(PermissionDenied):
        load_demo(db, Actor("priya", "collector"))


REFUSALS = [
    (spec.path, role)
    for spec in PAGES
    for role in ROLES
    if not Actor("x", role).can(spec.permission)
]


@pytest.mark.parametrize(("path", "role"), REFUSALS)
def test_every_page_opened_by_its_url_refuses_a_role_below_it(app_db, path, role):
    username = {"lead": "asha", "collector": "priya", "intern": "ravi"}[role]
    at = open_app(username, path)
    assert any("can't open" in e.value for e in at.error)
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.file_uploader and not at.text_input and not at.data_editor


def _html_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        html_kw = any(
            k.arg == "unsafe_allow_html"
            and not (isinstance(k.value, ast.Constant) and k.value.value is False)
            for k in node.keywords
        )
        if html_kw or name.endswith(("st.html", "components.html", "components.v1.html")):
            yield node


def test_no_user_text_can_reach_html():
    """HTML is allowed only for fixed text written in the code (static CSS), never for
    anything built at run time."""
    offenders = []
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("lib/**/*.py")]:
        tree = ast.parse(path.read_text())
        for call in _html_calls(tree):
            first = call.args[0] if call.args else None
            if not isinstance(first, ast.Constant):
                offenders.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert offenders == []


def test_exported_cells_that_look_like_formulas_are_inert(db, tmp_path):
    from builders import make_client, make_invoice
    from openpyxl import load_workbook

    from lib.reports import export

    client = make_client(db, name='=HYPERLINK("http://evil.example","Pay here")')
    make_invoice(db, client_id=client, invoice_no="+1-INV")
    for name in ("open.csv", "open.xlsx"):
        export(db, "open-items", tmp_path / name, __import__("datetime").date(2026, 3, 1))
    text = (tmp_path / "open.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1-INV" in text
    sheet = load_workbook(tmp_path / "open.xlsx").active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in cells)
    assert any(c.value.startswith("=HYPERLINK") and c.quotePrefix for c in cells)


def test_uploads_are_limited_in_size_and_type(db, collector, monkeypatch):
    from lib.importing import FileError, ImportOptions, import_file, reader

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == reader.MAX_BYTES
    options = ImportOptions(kind="invoices", currency="JPY")
    with pytest.raises(FileError, match="program.exe"):
        import_file(db, collector, b"MZ\x90\x00" + b"\x00" * 100, "program.exe", options)
    monkeypatch.setattr(reader, "MAX_BYTES", 1000)
    with pytest.raises(FileError, match="too large|MB"):
        import_file(db, collector, b"a,b\n" * 1000, "big.csv", options)
    from lib.importing import UPLOAD_TYPES

    page = (ROOT / "pages" / "upload_page.py").read_text()
    assert "type=list(UPLOAD_TYPES)" in page
    # Spreadsheets, text and bank statement files only: nothing a browser or a shell runs.
    assert not set(UPLOAD_TYPES) & {"html", "htm", "svg", "js", "exe", "bat", "sh", "py", "zip"}


def test_secrets_are_never_committed():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert [f for f in tracked if f.startswith("data/")] == ["data/.gitkeep"]
    assert ".streamlit/secrets.toml" not in tracked
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "data/*" in ignored and ".streamlit/secrets.toml" in ignored


def test_the_smtp_password_never_reaches_a_log_or_the_audit(db, lead, tmp_path):
    from builders import make_client, make_invoice

    from lib.followups.compose import due_reminders
    from lib.followups.mailer import SmtpConfig
    from lib.followups.sending import send_reminders

    client = make_client(db, email="ap@client.example")
    make_invoice(db, client_id=client, invoice_date="2026-01-01", due_date="2026-01-31")
    secret = "s3cret-Smtp-PW"
    config = SmtpConfig("127.0.0.1", 1, "none", user="ar", password=secret, sender="ar@x.example")
    assert secret not in repr(config) and secret not in config.describe()
    outcomes = send_reminders(
        db,
        lead,
        due_reminders(db, datetime(2026, 3, 1).date()),
        datetime(2026, 3, 1).date(),
        config,
    )
    assert outcomes and all(o.status == "failed" for o in outcomes)
    dumped = "\n".join(str(r) for r in db.execute("SELECT * FROM audit_log"))
    dumped += "\n".join(str(r) for r in db.execute("SELECT last_error FROM emails"))
    assert secret not in dumped
    for log in ROOT.glob("data/logs/*.log"):
        assert secret not in log.read_text(errors="replace")


def test_a_session_ends_after_a_working_day_or_two_idle_hours(app_db):
    from streamlit.testing.v1 import AppTest

    for key, ago in (
        ("kaishu_signed_in_at", timedelta(hours=13)),
        ("kaishu_last_seen", timedelta(hours=3)),
    ):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for k, v in {
            "authentication_status": True,
            "username": "ravi",
            "name": "ravi",
            "roles": ["intern"],
            "logout": None,
        }.items():
            at.session_state[k] = v
        now = datetime.now(UTC)
        at.session_state["kaishu_signed_in_at"] = now - timedelta(minutes=5)
        at.session_state[key] = now - ago
        at.run()
        assert not at.exception
        assert any("Please sign in again" in i.value for i in at.info)
        assert not at.session_state["authentication_status"]
    fresh = open_app("ravi")
    assert not any("sign in again" in i.value for i in fresh.info)
