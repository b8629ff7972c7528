"""Work that makes many short-lived Python objects at once: a sheet's cells on import, the
rows of a report over 100,000 invoices."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block. Rows and cells form no cycles,
    so reference counting frees them; the collector would only walk every object of the
    process again each time thousands of new ones appear (a third of an import's parse
    time, a fifth of the Aging page on 100,000 invoices). The collector is process-wide:
    a block that finds it already paused leaves it to whoever paused it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter), read as they come: a list or a
    generator of 100,000 rows alike."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
