"""The process tests/test_faults.py kills: it runs one operation on a database and, at the
point the test asks for, says ``MID`` on stdout and waits to be killed with SIGKILL.

    python -m tests.fault_child OPERATION DB_PATH [ARG]

Operations: ``import FILE`` (an invoice ledger), ``match``, ``send PORT`` (reminders to an
SMTP server on 127.0.0.1:PORT; the test kills from its server), ``write-off CASE_ID``. With
``--at-random`` the hook is not used and the test kills at a time of its own choosing.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from lib.auth import Actor
from lib.db import connect

ACTOR = Actor("fault", "lead", "system")
AS_OF = date(2026, 11, 20)


def _pause_after(module, name: str, calls: int) -> None:
    """Make ``module.name`` stop the process in its tracks after ``calls`` calls: the caller
    is in the middle of its transaction then."""
    original = getattr(module, name)
    seen = [0]

    def hooked(*args, **kwargs):
        result = original(*args, **kwargs)
        seen[0] += 1
        if seen[0] == calls:
            print("MID", flush=True)
            time.sleep(120)
        return result

    setattr(module, name, hooked)


def main(argv: list[str]) -> None:
    at_random = "--at-random" in argv
    argv = [a for a in argv if a != "--at-random"]
    operation, path = argv[0], Path(argv[1])
    db = connect(path)
    if operation == "import":
        from lib import importing
        from lib.importing import ImportOptions, import_file

        if not at_random:
            _pause_after(importing, "_finish_import", 1)  # every row written, not committed
        data = Path(argv[2]).read_bytes()
        print("START", flush=True)
        import_file(db, ACTOR, data, Path(argv[2]).name, ImportOptions(kind="invoices"))
    elif operation == "match":
        from lib.matching import run, write

        if not at_random:
            _pause_after(write.Rows, "flush", 1)  # a chunk's rows written, not committed
        print("START", flush=True)
        run.auto_match(db, ACTOR, AS_OF)
    elif operation == "send":
        from lib.followups.compose import due_reminders
        from lib.followups.mailer import SmtpConfig
        from lib.followups.sending import send_reminders

        config = SmtpConfig("127.0.0.1", int(argv[2]), "none", sender="ar@kaishu.example")
        print("START", flush=True)
        send_reminders(db, ACTOR, due_reminders(db, AS_OF), AS_OF, config, batch="fault")
    elif operation == "write-off":
        from lib import audit
        from lib.recovery.writeoffs import write_off_case

        if not at_random:
            _pause_after(audit, "record", 5)  # some invoices written off, not committed
        print("START", flush=True)
        write_off_case(db, ACTOR, int(argv[2]), "Client wound up", "Board note 12/2026", AS_OF)
    else:
        raise SystemExit(f"unknown operation {operation}")
    print("DONE", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
