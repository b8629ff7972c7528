"""Fuzz the importers: thousands of random and mangled files, each must end in a clear file
or row error (never another exception), leave no partial import, and stay within bounds.

    .venv/bin/python benchmarks/fuzz_import.py [--cases 5000] [--seed 1]

Prints the number of cases tried per family, the slowest case, peak memory, and any case
that broke the rules (there should be none).
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402

from lib.auth import Actor  # noqa: E402
from lib.db import connect  # noqa: E402
from lib.importing import FileError, ImportOptions, import_file  # noqa: E402

HEADER = [
    "Invoice No",
    "Customer Code",
    "Customer",
    "Invoice Date",
    "Due Date",
    "Amount",
    "Tax",
    "Currency",
]
CHARS = "0123456789,.-/()¥₹円令和年月日 ABCxyzｶ)ﾔﾏﾀﾞ=+@\t\"'\x07🙂"


def seed_workbook(rng: random.Random) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for n in range(rng.randint(1, 30)):
        sheet.append([f"F-{n}", "C1", "Alpha", "2025-04-01", "2025-04-30", 1000 + n, 0, "JPY"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TAGS = ["<tr>", "</tr>", "<td>", "</td>", "<td colspan=99999>", "<table>", "</table>",
        "<Row>", "</Row>", "<Cell ss:Index=\"16385\">", "<Data ss:Type=\"Number\">", "&#0;",
        "&amp;", "<!--", "]]>", "<th rowspan=3>"]  # fmt: skip


def markup_page(rng: random.Random) -> bytes:
    """A bank's "Excel" download that is a web page or Excel 2003 XML, then mangled."""
    cells = [HEADER] + [
        ["".join(rng.choice(CHARS) for _ in range(6)) for _ in HEADER]
        for _ in range(rng.randint(1, 30))
    ]
    if rng.random() < 0.5:
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in cells)
        page = f"<html><head><meta charset=utf-8></head><body><table>{body}</table></body></html>"
    else:
        body = "".join(
            "<Row>"
            + "".join(f'<Cell><Data ss:Type="String">{c}</Data></Cell>' for c in row)
            + "</Row>"
            for row in cells
        )
        page = (
            '<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
            '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
            f'<Worksheet ss:Name="S"><Table>{body}</Table></Worksheet></Workbook>'
        )
    for _ in range(rng.randint(0, 8)):
        at = rng.randrange(len(page))
        page = page[:at] + rng.choice(TAGS) + page[at:]
    data = page.encode(rng.choice(["utf-8", "cp932"]), errors="ignore")
    if rng.random() < 0.3:
        data = data[: rng.randint(1, len(data))]
    return data


def case(rng: random.Random, template: bytes) -> tuple[str, bytes, str]:
    family = rng.choice(["bytes", "truncated", "flipped", "csv-junk", "encodings", "markup"])
    if family == "markup":
        return family, markup_page(rng), "statement.xls"
    if family == "bytes":
        return family, rng.randbytes(rng.randint(0, 4096)), rng.choice(["f.xlsx", "f.csv", "f"])
    if family == "truncated":
        return family, template[: rng.randint(1, len(template))], "t.xlsx"
    if family == "flipped":
        data = bytearray(template)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return family, bytes(data), "f.xlsx"
    rows = [",".join(HEADER)] + [
        ",".join("".join(rng.choice(CHARS) for _ in range(8)) for _ in HEADER)
        for _ in range(rng.randint(1, 50))
    ]
    text = "\n".join(rows)
    if family == "encodings":
        return (
            family,
            text.encode(rng.choice(["utf-8", "utf-16", "cp932", "latin-1"]), errors="ignore"),
            "e.csv",
        )
    return family, text.encode(), "j.csv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    template = seed_workbook(rng)
    tried, outcomes, broken = Counter(), Counter(), []
    slowest = (0.0, "")
    actor = Actor("fuzz", "lead", "system")
    with tempfile.TemporaryDirectory() as tmp:
        db = connect(Path(tmp) / "fuzz.db")
        for n in range(args.cases):
            family, data, name = case(rng, template)
            tried[family] += 1
            before = db["invoices"].count
            started = time.perf_counter()
            try:
                result = import_file(
                    db, actor, data, name, ImportOptions(kind="invoices", currency="JPY")
                )
                outcomes["imported" if result.imported else "rows rejected"] += 1
                if db["invoices"].count - before != result.imported:
                    broken.append((n, family, "row count differs"))
            except FileError:
                outcomes["file error"] += 1
                if db["invoices"].count != before:
                    broken.append((n, family, "partial import after a file error"))
            except Exception as exc:  # exactly what must never happen
                broken.append((n, family, f"{type(exc).__name__}: {exc}"))
            took = time.perf_counter() - started
            slowest = max(slowest, (took, f"case {n} ({family})"))
    print(f"cases tried: {sum(tried.values()):,} {dict(tried)}")
    print(f"outcomes: {dict(outcomes)}")
    print(
        f"slowest case: {slowest[0] * 1000:.0f} ms ({slowest[1]}); peak memory "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    print(f"cases that broke the rules: {len(broken)}")
    for item in broken[:20]:
        print("  ", item)


if __name__ == "__main__":
    main()
