"""Chart images for the workbooks, drawn by vl-convert in a process of its own.

vl-convert holds Python's GIL for as long as it draws (a thread counting in a loop beside it
ran at 1% of its speed), so in a thread of the MIS it stops the sheets being written for the
two or three seconds its charts take. A child process draws beside them instead. Should the
child fail to start or to finish, the images are drawn here after all: a workbook without
its charts would be worse than a slower one.

Run as a script, this module is that child: one Vega-Lite spec per line (a JSON string) on
stdin, each drawn as it comes; at the end of the input, one base64 PNG per line on stdout, in
the same order.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
from types import TracebackType
from typing import Any

SCALE = 1.5
TIMEOUT_S = 120
log = logging.getLogger(__name__)


def draw(spec: str) -> bytes:
    """One Vega-Lite spec (JSON text) as PNG bytes, drawn in this process."""
    import vl_convert

    return vl_convert.vegalite_to_png(spec, scale=SCALE)


class Drawing:
    """Charts drawn to PNG in a child process, which starts at once so that its start-up
    overlaps the caller's own work: :meth:`add` each chart (an Altair chart or spec JSON)
    when it is ready, then :meth:`images` gives the PNGs in the order they were added.
    Use it as a context manager, so that a child left behind by an error is stopped."""

    def __init__(self) -> None:
        self._specs: list[str] = []
        self._child: subprocess.Popen[bytes] | None = None
        try:
            self._child = subprocess.Popen(
                _command(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as error:
            log.warning("charts drawn in process: the drawing process did not start (%s)", error)

    def add(self, chart: Any) -> None:
        """Queue one chart for drawing."""
        spec = chart if isinstance(chart, str) else chart.to_json()
        self._specs.append(spec)
        if self._child is not None and self._child.stdin is not None:
            try:
                # The child keeps reading (it writes nothing before the input ends): no deadlock.
                self._child.stdin.write(json.dumps(spec).encode() + b"\n")
                self._child.stdin.flush()
            except OSError as error:
                self._give_up(f"it stopped reading ({error})")

    def images(self) -> list[bytes]:
        """The PNGs of every chart added, in order."""
        if self._child is not None:
            try:
                out, err = self._child.communicate(timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._give_up(f"it took over {TIMEOUT_S} s")
            else:
                pngs = [base64.b64decode(line) for line in out.splitlines()]
                if self._child.returncode == 0 and len(pngs) == len(self._specs):
                    return pngs
                self._give_up(err.decode(errors="replace").strip()[-500:] or "no images")
        return [draw(spec) for spec in self._specs]

    def _give_up(self, reason: str) -> None:
        log.warning("charts drawn in process: the drawing process failed: %s", reason)
        self.close()
        self._child = None

    def close(self) -> None:
        """Stop the child if it is still running."""
        if self._child is not None and self._child.poll() is None:
            self._child.kill()
            self._child.communicate()

    def __enter__(self) -> Drawing:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _command() -> list[str]:
    # -I: no user site or PYTHONPATH, and this module's folder is not put on sys.path.
    return [sys.executable, "-I", __file__]


def _serve() -> None:
    # The parent's own work is what the caller waits for; the images are wanted only at the
    # end. Yielding the CPU to it keeps three busy things on two cores from slowing it.
    os.nice(10)
    # Each chart is drawn as soon as its line comes, but the PNGs are written only once the
    # input ends: the parent reads them then, and until then a full stdout pipe would stall
    # this process while the parent is still writing specs to it.
    pngs = [base64.b64encode(draw(json.loads(line))) for line in sys.stdin.buffer if line.strip()]
    sys.stdout.buffer.write(b"".join(png + b"\n" for png in pngs))


if __name__ == "__main__":
    _serve()
