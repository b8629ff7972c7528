"""The collector pause that imports and big reports share."""

from __future__ import annotations

import gc

import pytest

from lib.bulk import gc_paused


def test_pause_restores_the_collector_even_after_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("a bad row")
    assert gc.isenabled()


def test_a_pause_inside_a_pause_leaves_the_collector_to_the_outer_one():
    with gc_paused():
        with gc_paused():
            pass
        assert not gc.isenabled()  # the inner block did not switch it back on early
    assert gc.isenabled()


def test_chunks_of_a_list_and_of_a_generator():
    from lib.bulk import chunks

    assert list(chunks([1, 2, 3, 4, 5], 2)) == [[1, 2], [3, 4], [5]]
    assert list(chunks((n for n in range(4)), 2)) == [[0, 1], [2, 3]]
    assert list(chunks([], 3)) == []
