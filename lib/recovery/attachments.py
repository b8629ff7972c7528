"""Attachments of a case: letters, PDFs, photos and emails, stored once by content hash.

A file lands at ``<database folder>/attachments/<sha256[:2]>/<sha256>``: the same bytes
attached twice are stored once, and the hash in the database proves the file was not changed
later (the case file's manifest lists it). A file is accepted only when its extension and its
first bytes agree (a renamed program is refused) and it is within the lead's size limit.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from lib.db import db_path, utc_now
from lib.recovery import RecoveryError

MEDIA_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".eml": "message/rfc822",
    ".msg": "application/vnd.ms-outlook",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
KINDS_TEXT = "PDF, PNG, JPEG, email (.eml, .msg), Word (.docx) or Excel (.xlsx)"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADER = re.compile(rb"^[!-9;-~]+:[ \t]")  # an RFC 5322 header field: "From: …"


@dataclass(frozen=True)
class Upload:
    """A file someone chose to attach: its name and its bytes."""

    name: str
    data: bytes


def root(db: Database) -> Path:
    """The attachments folder: beside the database file the connection uses (a temporary
    database in tests keeps its attachments in its own folder)."""
    for _, name, file in db.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file).parent / "attachments"
    return db_path().parent / "attachments"


def path_for(db: Database, sha256: str) -> Path:
    """Where the file with this hash is stored."""
    return root(db) / sha256[:2] / sha256


def _zip_has(data: bytes, member: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def _content_fits(ext: str, data: bytes) -> bool:
    head = data[:16]
    if ext == ".pdf":
        return data[:1024].lstrip().startswith(b"%PDF-")
    if ext == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == ".msg":
        return head.startswith(_OLE)
    if ext == ".docx":
        return head.startswith(b"PK\x03\x04") and _zip_has(data, "word/document.xml")
    if ext == ".xlsx":
        return head.startswith(b"PK\x03\x04") and _zip_has(data, "xl/workbook.xml")
    if ext == ".eml":
        first = data.lstrip(b"\r\n").split(b"\n", 1)[0]
        return b"\x00" not in data[:4096] and bool(_HEADER.match(first))
    return False


def safe_name(name: str) -> str:
    """The file name without folders or control characters, at most 120 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip().strip(".")
    if len(base) > 120:
        stem, ext = os.path.splitext(base)
        base = stem[: 120 - len(ext)] + ext
    return base or "attachment"


def check(upload: Upload, limit: int) -> str:
    """The media type of an acceptable file, or RecoveryError saying why it is refused."""
    name = safe_name(upload.name)
    ext = os.path.splitext(name)[1].lower()
    if ext not in MEDIA_TYPES:
        raise RecoveryError(f"{name}: attach a {KINDS_TEXT} file")
    if not upload.data:
        raise RecoveryError(f"{name} is empty")
    if len(upload.data) > limit:
        size, most = len(upload.data) / 1_048_576, limit / 1_048_576
        raise RecoveryError(f"{name} is {size:.1f} MB; the limit is {most:.0f} MB")
    if not _content_fits(ext, upload.data):
        raise RecoveryError(f"{name} does not look like a real {ext[1:].upper()} file")
    return MEDIA_TYPES[ext]


def _write_file(db: Database, sha256: str, data: bytes) -> Path:
    target = path_for(db, sha256)
    if target.exists() and target.stat().st_size == len(data):
        return target  # the same bytes are already stored
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{sha256}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)  # never a half-written file under the final name
    return target


def store(
    db: Database,
    username: str,
    case_id: int,
    upload: Upload,
    limit: int,
    event_id: int | None = None,
    origin: str = "upload",
) -> int:
    """Check and store a file and its metadata row; returns the attachment id. Call inside
    the caller's transaction after checking the role (the file is written first: if the
    transaction rolls back, an unused file may stay, never a row without its file)."""
    media_type = check(upload, limit)
    sha256 = hashlib.sha256(upload.data).hexdigest()
    _write_file(db, sha256, upload.data)
    return (
        db["attachments"]
        .insert(
            {
                "sha256": sha256,
                "file_name": safe_name(upload.name),
                "media_type": media_type,
                "size": len(upload.data),
                "origin": origin,
                "case_id": case_id,
                "event_id": event_id,
                "uploaded_by": username,
                "uploaded_at": utc_now(),
            }
        )
        .last_pk
    )


def read(db: Database, attachment_id: int) -> tuple[dict[str, Any], bytes]:
    """An attachment's metadata and its bytes; RecoveryError when the file is missing or
    no longer matches its hash."""
    row = next(db.query("SELECT * FROM attachments WHERE id = ?", [attachment_id]), None)
    if row is None:
        raise RecoveryError(f"no attachment #{attachment_id}")
    target = path_for(db, row["sha256"])
    try:
        data = target.read_bytes()
    except OSError:
        raise RecoveryError(f"{row['file_name']}: the stored file is missing") from None
    if hashlib.sha256(data).hexdigest() != row["sha256"]:
        raise RecoveryError(f"{row['file_name']}: the stored file was changed")
    return row, data


def case_attachments(db: Database, case_id: int) -> list[dict[str, Any]]:
    """A case's attachments, oldest first."""
    return list(db.query("SELECT * FROM attachments WHERE case_id = ? ORDER BY id", [case_id]))
