"""Chart images drawn in a child process, and drawn here when the child cannot."""

from __future__ import annotations

import sys
from io import BytesIO

import altair as alt
import pytest
from openpyxl.drawing.image import Image

from lib.reports import chart_images
from lib.reports.chart_images import Drawing

PNG = b"\x89PNG\r\n\x1a\n"


def _bars(width: int) -> alt.Chart:
    data = alt.Data(values=[{"client": "JP01", "yen": 110_000}, {"client": "IN01", "yen": 5}])
    return alt.Chart(data).mark_bar().encode(x="client:N", y="yen:Q").properties(width=width)


def _widths(pngs: list[bytes]) -> list[int]:
    return [Image(BytesIO(png)).width for png in pngs]


def test_charts_come_back_as_pngs_in_the_order_they_were_added():
    with Drawing() as drawing:
        for width in (300, 120, 200):
            drawing.add(_bars(width))
        pngs = drawing.images()
    assert all(png.startswith(PNG) for png in pngs)
    wide, narrow, middle = _widths(pngs)
    assert wide > middle > narrow


@pytest.mark.parametrize(
    "command",
    [
        ["/nonexistent/python"],  # the child never starts
        [sys.executable, "-c", "import sys; sys.stdin.read(); sys.exit(3)"],  # it fails
        [sys.executable, "-c", "import sys; sys.stdin.read(); print('aGVsbG8=')"],  # one too few
    ],
)
def test_a_failed_drawing_process_still_gives_every_image(monkeypatch, caplog, command):
    monkeypatch.setattr(chart_images, "_command", lambda: command)
    with Drawing() as drawing:
        drawing.add(_bars(300))
        drawing.add(_bars(120).to_json())
        pngs = drawing.images()
    assert [png.startswith(PNG) for png in pngs] == [True, True]
    assert _widths(pngs)[0] > _widths(pngs)[1]
    assert "charts drawn in process" in caplog.text


def test_leaving_early_stops_the_child():
    with pytest.raises(RuntimeError), Drawing() as drawing:
        drawing.add(_bars(300))
        child = drawing._child
        raise RuntimeError("the measures failed")
    assert child is not None and child.poll() is not None
