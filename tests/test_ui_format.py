"""How lib's messages are shown on the pages."""

from __future__ import annotations

from lib.ui.format import plain, sentence


def test_a_clause_from_lib_is_shown_as_a_sentence() -> None:
    shown = sentence("amounts are read from Pending Amount: each bill goes in at what is left")
    assert shown.startswith("Amounts are read from Pending Amount")
    assert shown.endswith("left\\.")  # the full stop, escaped as plain() escapes every mark


def test_a_sentence_keeps_its_own_ending_and_markdown_stays_text() -> None:
    assert sentence("Done.") == plain("Done.")
    assert sentence("  *ACME* paid?") == plain("*ACME* paid?")
    assert sentence("取消しました。") == "取消しました。"
