"""Kaishu's command line, for automation and checks: ``python -m lib.cli --help``.

Every command prints one JSON line on success and exits 0. A file Kaishu cannot use exits 2
with one clear line on stderr and writes nothing; no traceback ever reaches the user (it goes
to ``data/logs/cli.log`` for the developers).
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sqlite3
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from lib import users
from lib.auth import PasswordRejected, PermissionDenied, check_password, cli_actor
from lib.backup import BackupError
from lib.db import connect, db_path
from lib.errors import explain
from lib.importing import FileError, ImportOptions, import_file
from lib.money import UnknownCurrency

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2
Command = Callable[[argparse.Namespace], dict]
_COMMANDS: dict[str, Command] = {}


class UsageError(Exception):
    """Bad arguments or a file Kaishu cannot use: exit 2 with the message."""


def command(name: str) -> Callable[[Command], Command]:
    def register(fn: Command) -> Command:
        _COMMANDS[name] = fn
        return fn

    return register


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _mapping(pairs: Sequence[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        header, sep, name = pair.rpartition("=")
        if not sep or not header.strip() or not name.strip():
            raise UsageError(f'--map needs "Header=field", got {pair!r}')
        mapping[header.strip()] = name.strip()
    return mapping


@command("import")
def cmd_import(args: argparse.Namespace) -> dict:
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    kind = "receipts" if args.kind == "payments" else args.kind
    options = ImportOptions(
        kind=kind,
        mapping=_mapping(args.map),
        currency=args.currency,
        channel=args.channel,
        account=args.account,
        sheet=args.sheet,
        date_order=args.date_order,
    )
    with connect(args.db) as db:
        result = import_file(db, cli_actor(), path.read_bytes(), path.name, options)
    return result.summary()


@command("undo-import")
def cmd_undo_import(args: argparse.Namespace) -> dict:
    from lib.importing.undo import undo_import

    with connect(args.db) as db:
        plan = undo_import(db, cli_actor(), args.import_id, args.reason)
    return {"undone": args.import_id, "file": plan.file_name, "reversed": plan.summary()}


@command("export")
def cmd_export(args: argparse.Namespace) -> dict:
    from lib import reports

    if args.what in ("open-items", "aging", "mis") and args.as_of is None:
        raise UsageError(f"export {args.what} needs --as-of YYYY-MM-DD")
    if args.what == "bad-debt":
        return _export_bad_debt(args)
    if args.what != "aging" and args.basis != "due":
        raise UsageError("--basis goes with export aging")
    period = None
    if args.what == "mis" and (args.start or args.end):
        if not (args.start and args.end):
            raise UsageError("export mis takes --from and --to together (the collections period)")
        period = (args.start, args.end)
    with connect(args.db) as db:
        count = reports.export(
            db, args.what, Path(args.file), as_of=args.as_of, basis=args.basis, period=period
        )
    as_of = args.as_of.isoformat() if args.as_of else None
    return {"exported": args.what, "file": args.file, "rows": count, "as_of": as_of}


def _export_bad_debt(args: argparse.Namespace) -> dict:
    from lib.recovery.baddebt import export

    start, end = args.start, args.end
    if start is None or end is None:
        raise UsageError("export bad-debt needs --from YYYY-MM-DD and --to YYYY-MM-DD")
    as_of = args.as_of or date.today()
    with connect(args.db) as db:
        count = export(db, Path(args.file), start, end, as_of)
    period = {"from": start.isoformat(), "to": end.isoformat()}
    return {"exported": "bad-debt", "file": args.file, "rows": count, **period}


@command("match")
def cmd_match(args: argparse.Namespace) -> dict:
    from lib.matching import auto_match

    with connect(args.db) as db:
        summary = auto_match(db, cli_actor(), as_of=args.as_of or date.today())
    return summary.as_dict()


@command("worklist")
def cmd_worklist(args: argparse.Namespace) -> dict:
    from lib.followups.worklist import Filters, worklist

    with connect(args.db) as db:
        rows = worklist(db, args.as_of, Filters(owner=args.owner or ""))
    keys = ("client_code", "name", "owner", "score", "reason", "overdue_text", "step")
    return {
        "as_of": args.as_of.isoformat(),
        "clients": len(rows),
        "worklist": [{k: r[k] for k in keys} for r in rows[: args.limit]],
    }


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("New password: ")
        if getpass.getpass("Repeat it: ") != password:
            raise UsageError("the two passwords differ; nothing was changed")
    check_password(password)
    return password


@command("user")
def cmd_user(args: argparse.Namespace) -> dict:
    actor = cli_actor()
    with connect(args.db) as db:
        if args.action == "list":
            return {"users": users.list_users(db)}
        if args.action == "add":
            users.add_user(
                db, actor, args.username, args.name, args.role, _read_password(args), args.email
            )
        elif args.action == "reset-password":
            users.reset_password(db, actor, args.username, _read_password(args))
        elif args.action == "deactivate":
            users.set_active(db, actor, args.username, False)
        elif args.action == "reactivate":
            users.set_active(db, actor, args.username, True)
        row = users.get_user(db, args.username)
    return {
        "user": args.action,
        "username": row["username"],
        "role": row["role"],
        "active": bool(row["active"]),
    }


@command("backup")
def cmd_backup(args: argparse.Namespace) -> dict:
    from lib.backup import backup

    done = backup(cli_actor(), db_path(args.db), Path(args.folder), keep=args.keep)
    return {"backup": str(done.path), "bytes": done.size}


@command("restore")
def cmd_restore(args: argparse.Namespace) -> dict:
    from lib.backup import restore

    if not args.yes:
        raise UsageError("restore replaces the database: stop the app, then add --yes")
    saved = restore(cli_actor(), Path(args.file), db_path(args.db))
    return {"restored": args.file, "previous_database_saved_as": str(saved)}


@command("migrate")
def cmd_migrate(args: argparse.Namespace) -> dict:
    with connect(args.db) as db:
        tables = len(db.table_names())
    return {"database": str(db_path(args.db)), "tables": tables}


@command("demo")
def cmd_demo(args: argparse.Namespace) -> dict:
    from lib.demo.showcase import load_showcase

    as_of = args.as_of or date.today()
    with connect(args.db) as db:
        return load_showcase(db, cli_actor(), as_of, clients=args.clients, force=args.force)


def _user_parser(sub: argparse._SubParsersAction) -> None:
    user = sub.add_parser("user", help="manage accounts (the password is never an argument)")
    actions = user.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add an account")
    add.add_argument("username")
    add.add_argument("--name", required=True, help='full name, e.g. "Priya Shah"')
    add.add_argument("--role", required=True, choices=["lead", "collector", "intern"])
    add.add_argument("--email")
    reset = actions.add_parser("reset-password", help="set a new password and lift a lock")
    reset.add_argument("username")
    for action in (add, reset):
        action.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input instead of a prompt",
        )
    actions.add_parser("list", help="list accounts")
    for name in ("deactivate", "reactivate"):
        actions.add_parser(name, help=f"{name} an account").add_argument("username")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command (the tests use it to check the help text)."""
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="database file (default $KAISHU_DB or data/kaishu.db)")
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="import a client master, invoice ledger or statement")
    imp.add_argument("kind", choices=["clients", "invoices", "receipts", "payments"])
    imp.add_argument("file")
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar='"Header=field"',
        help="map a column to a field (repeatable); field 'ignore' skips it",
    )
    imp.add_argument("--currency", type=str.upper, help="currency when the file has no column")
    imp.add_argument("--channel", choices=["bank", "card"], default="bank")
    imp.add_argument("--account", help="bank or card account the statement belongs to")
    imp.add_argument("--sheet", help="worksheet name (default: the first with data)")
    imp.add_argument(
        "--date-order",
        choices=["DMY", "MDY"],
        default="DMY",
        help="day/month order when a date column fits both (default DMY)",
    )
    undo = sub.add_parser("undo-import", help="reverse an import none of whose rows is used")
    undo.add_argument("import_id", type=int, help="the import's number (#) in the history")
    undo.add_argument("--reason", required=True, help="why: it stays on every row it reverses")
    exp = sub.add_parser("export", help="export a report")
    exp.add_argument("what", choices=["open-items", "allocations", "bad-debt", "aging", "mis"])
    exp.add_argument("file", help="FILE.csv or FILE.xlsx (mis: FILE.xlsx)")
    exp.add_argument(
        "--as-of", type=_date, help="YYYY-MM-DD (open items, aging, mis; bad-debt recoveries)"
    )
    exp.add_argument(
        "--basis",
        choices=["due", "invoice"],
        default="due",
        help="aging: by days past the due date (default) or since the invoice date",
    )
    exp.add_argument(
        "--from",
        dest="start",
        type=_date,
        help="YYYY-MM-DD: first day of the period (bad-debt; mis collections)",
    )
    exp.add_argument(
        "--to",
        dest="end",
        type=_date,
        help="YYYY-MM-DD: last day of the period (bad-debt; mis collections)",
    )
    match = sub.add_parser("match", help="auto-match every unapplied receipt")
    match.add_argument("--as-of", type=_date, default=None, help="default: today")
    work = sub.add_parser("worklist", help="today's follow-up worklist, in calling order")
    work.add_argument("--as-of", type=_date, required=True, help="YYYY-MM-DD")
    work.add_argument("--owner", help="only this collector's clients")
    work.add_argument("--limit", type=int, default=50, help="at most this many rows (50)")
    _user_parser(sub)
    back = sub.add_parser("backup", help="copy the database (safe while in use), with rotation")
    back.add_argument("folder", help="e.g. data/backups")
    back.add_argument("--keep", type=int, default=14, help="how many copies to keep (14)")
    rest = sub.add_parser("restore", help="put a backup back (stop the app first)")
    rest.add_argument("file")
    rest.add_argument("--yes", action="store_true", help="I have stopped the app")
    sub.add_parser("migrate", help="create or migrate the database")
    demo = sub.add_parser("demo", help="fill an empty database with the demo ledger")
    demo.add_argument("--as-of", type=_date, default=None, help="demo date (default: today)")
    demo.add_argument("--clients", type=int, default=300)
    demo.add_argument("--force", action="store_true", help="load even if data exists")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        result = _COMMANDS[args.command](args)
    except PasswordRejected as exc:
        print(f"error: password refused: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (FileError, UsageError, UnknownCurrency, ValueError, BackupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PermissionDenied as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except sqlite3.Error as exc:
        _log_traceback()
        print(f"error: {explain(exc, 'data/logs/cli.log')}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # the last guard: a one-line message, the traceback to the log
        _log_traceback()
        print(f"error: {type(exc).__name__}: {exc} (details in data/logs/cli.log)", file=sys.stderr)
        return EXIT_ERROR
    print(json.dumps(result, ensure_ascii=False, default=str))
    return EXIT_OK


def _log_traceback() -> None:
    try:
        log_dir = Path("data") / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        logging.basicConfig(filename=log_dir / "cli.log", level=logging.ERROR)
        logging.getLogger("kaishu.cli").error(traceback.format_exc())
    except OSError:
        pass


if __name__ == "__main__":
    sys.exit(main())
