"""Coverage-guided fuzzing (atheris, libFuzzer) of what reads the team's files: the cell
parsers, and the whole reading and checking of a statement or ledger short of writing it.

    .venv/bin/python benchmarks/fuzz_atheris.py [cells|files] [-runs=100000] [-max_len=8192]

``files`` starts from the demo ledger's real files (a client master, an invoice ledger, a
Japanese CP932 bank CSV, an Indian bank workbook, card payouts), so the fuzzer mutates inputs
shaped like what the team uploads. Any exception other than the clear ones (ParseError for a
cell, FileError for a file) is a finding: libFuzzer stops, prints it and saves the input as
crash-<hash>. libFuzzer's last line says how many inputs were tried ("Done N runs").
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import atheris  # noqa: E402

with atheris.instrument_imports():
    from lib.importing import FileError, ImportOptions, check_file
    from lib.parsing import ParseError, parse_amount, parse_date

from lib.db import connect  # noqa: E402

DB = connect(":memory:")
NAMES = ("f.csv", "f.tsv", "f.txt", "f.xlsx")
KINDS = ("invoices", "receipts", "clients")


def cells(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    currency = fdp.PickValueInList(["JPY", "INR", "USD"])
    order = fdp.PickValueInList(["DMY", "MDY"])
    text = fdp.ConsumeUnicodeNoSurrogates(80)
    for parse, arg in ((parse_amount, currency), (parse_date, order)):
        with contextlib.suppress(ParseError):
            parse(text, arg)


def files(data: bytes) -> None:
    if len(data) < 2:
        return
    name, kind = NAMES[data[0] % len(NAMES)], KINDS[data[1] % len(KINDS)]
    with contextlib.suppress(FileError):
        check_file(DB, data[2:], name, ImportOptions(kind=kind, currency="JPY"))


def seed_corpus() -> str:
    """The demo's files, each prefixed with the two bytes that pick its name and kind."""
    from lib.demo import generate, write_files

    folder = Path(tempfile.mkdtemp(prefix="kaishu-fuzz-"))
    picks = {
        "clients.xlsx": (3, 2),
        "invoices.xlsx": (3, 0),
        "mufg_jpy.csv": (0, 1),
        "hdfc_inr.xlsx": (3, 1),
        "card_payouts.csv": (0, 1),
    }
    for name, data in write_files(generate(as_of=date(2026, 11, 20), clients=5)).items():
        if name in picks:
            (folder / name).write_bytes(bytes(picks[name]) + data)
    return str(folder)


def main() -> None:
    target = "files" if "files" in sys.argv else "cells"
    args = [a for a in sys.argv if a not in ("files", "cells")]
    if not any(a.startswith("-runs=") for a in args):
        args.append("-runs=100000")
    if not any(a.startswith("-max_len=") for a in args):
        args.append("-max_len=8192" if target == "files" else "-max_len=256")
    if target == "files":
        args.append(seed_corpus())
    atheris.Setup(args, files if target == "files" else cells)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
