"""Backups (lead only): take a consistent copy now, see the copies, download one."""

import streamlit as st

from lib.backup import BackupError, backup, backups
from lib.db import db_path
from lib.ui import format as fmt
from lib.ui.context import guard

me = guard("settings", "Backups")
folder = db_path().parent / "backups"
st.title("Backups")
st.caption(
    "A copy is consistent even while the team keeps working. `make backup` (or the "
    "daily cron line in the README) keeps the last 14; restoring is done from the "
    "command line with the app stopped: `python -m lib.cli restore FILE --yes`."
)
if st.button("Back up now", type="primary"):
    try:
        done = backup(me, db_path(), folder)
    except BackupError as exc:
        st.error(f"No backup: {fmt.plain(exc)}.")
    else:
        st.success(f"Backed up to {done.path.name} ({done.size / 2**20:.1f} MB).")
copies = backups(folder)
fmt.show(
    [
        {
            "file": c.path.name,
            "taken": f"{c.taken_at[:4]}-{c.taken_at[4:6]}-{c.taken_at[6:8]}",
            "size": f"{c.size / 2**20:.1f} MB",
        }
        for c in copies
    ],
    [("file", "File", "text"), ("taken", "Taken (UTC)", "date"), ("size", "Size", "text")],
    empty="No backups yet.",
)
if copies:
    st.download_button(
        "Download the newest copy", copies[0].path.read_bytes(), file_name=copies[0].path.name
    )
