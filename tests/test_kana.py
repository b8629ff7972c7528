"""Bank kana forms and the name comparison key (lib.kana)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.kana import (
    MARKS,
    bank_payer_name,
    company_mark,
    normalise_name,
    split_branch,
    split_payer_reference,
    to_bank_kana,
)


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        ("キャッシュ", "ｷﾔﾂｼﾕ"),
        ("ショウジ", "ｼﾖｳｼﾞ"),
        ("やまだしょうじ", "ﾔﾏﾀﾞｼﾖｳｼﾞ"),
        ("コーヒー", "ｺ-ﾋ-"),
        ("ダイイチ　ＡＢＣ１２３", "ﾀﾞｲｲﾁ ABC123"),
        ("ヴァイオリン abc", "ｳﾞｱｲｵﾘﾝ ABC"),
        ("Café", "CAFE"),
    ],
)
def test_to_bank_kana(reading: str, expected: str) -> None:
    assert to_bank_kana(reading) == expected


def test_voiced_marks_are_separate_characters() -> None:
    assert list(to_bank_kana("ダ")) == ["ﾀ", "ﾞ"]


@pytest.mark.parametrize(
    ("kind", "abbrev"),
    [
        ("株式会社", "ｶ"),
        ("合同会社", "ﾄﾞ"),
        ("社団法人", "ｼﾔ"),
        ("NPO法人", "ﾄｸﾋ"),
        ("出張所", "ｼﾕﾂ"),
    ],
)
def test_company_mark_positions(kind: str, abbrev: str) -> None:
    assert company_mark(kind, "prefix") == f"{abbrev})"
    assert company_mark(kind, "suffix") == f"({abbrev}"
    assert company_mark(kind, "middle") == f"({abbrev})"


def test_company_mark_rejects_unknown() -> None:
    with pytest.raises(ValueError):
        company_mark("相互会社", "prefix")
    with pytest.raises(ValueError):
        company_mark("株式会社", "left")


def test_bank_payer_name_forms() -> None:
    assert bank_payer_name("ヤマダショウジ", "株式会社", "prefix") == "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"
    assert bank_payer_name("ヤマダショウジ", "株式会社", "suffix") == "ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ"
    with_branch = bank_payer_name("ヤマダショウジ", "株式会社", "suffix", "オオサカシテン")
    assert with_branch == "ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ)ｵｵｻｶｼﾃﾝ"
    assert bank_payer_name("ヤマダコーヒー", None, "prefix") == "ﾔﾏﾀﾞｺ-ﾋ-"


def test_bank_payer_name_is_truncated() -> None:
    long_reading = (
        "トウヨウショクヒンコウギョウホールディングスインターナショナルサービスジギョウブ"
    )
    assert len(bank_payer_name(long_reading, "株式会社", "prefix")) == 48
    assert (
        bank_payer_name(long_reading, "株式会社", "prefix", limit=26)
        == (bank_payer_name(long_reading, "株式会社", "prefix")[:26])
    )


def test_payer_forms_share_one_key() -> None:
    key = normalise_name("ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ")
    assert key == normalise_name(to_bank_kana("ヤマダショウジ"))
    assert key == normalise_name("ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ")
    assert key == normalise_name("ヤマダショウジ")
    assert key == normalise_name("カブシキガイシャ ヤマダショウジ")
    assert key == normalise_name("ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ)")


def test_branch_maps_to_head_office_key() -> None:
    head = normalise_name("ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ")
    assert normalise_name("ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ)ｵｵｻｶｼﾃﾝ") == head
    assert normalise_name("ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ ｵｵｻｶｼﾃﾝ") == head
    assert normalise_name("ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ)ｵｵｻｶ(ｴｲ") == head
    assert split_branch("ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ)ｵｵｻｶｼﾃﾝ") == (head, "オオサカシテン")
    assert split_branch("ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ") == (head, "")


def test_kanji_company_types_are_removed() -> None:
    key = normalise_name("山田商事")
    for name in (
        "株式会社山田商事",
        "山田商事株式会社",
        "(株)山田商事",
        "㈱山田商事",
        "山田商事（株）",
    ):
        assert normalise_name(name) == key
    assert normalise_name("山田商事株式会社 大阪支店") == key


def test_godo_kaisha_payer_matches_reading() -> None:
    assert normalise_name("ﾄﾞ)ﾔﾏｸﾞﾁｼﾖｸﾋﾝ") == normalise_name("ヤマグチショクヒン")


@pytest.mark.parametrize(
    "name",
    [
        "Sharma Traders Private Limited",
        "Sharma Traders Pvt. Ltd.",
        "SHARMA TRADERS PVT L",
        "Sharma Traders LLP",
        "Sharma Traders Limited",
        "sharma traders pvt ltd - Pune Branch",
    ],
)
def test_english_legal_forms(name: str) -> None:
    assert normalise_name(name) == normalise_name("SHARMA TRADERS PVT LTD") == "SHARMATRADERS"


def test_english_co_forms() -> None:
    assert normalise_name("Mehta & Co") == normalise_name("MEHTA AND CO.") == "MEHTA"
    assert normalise_name("Yamada Shoji Co., Ltd.") == normalise_name("YAMADA SHOJI K.K.")
    assert normalise_name("Acme Inc.") == normalise_name("ACME CORP") == "ACME"


def test_long_vowels_and_marks_do_not_matter() -> None:
    assert normalise_name("ﾔﾏﾀﾞｺ-ﾋ-") == normalise_name("やまだコーヒー")
    assert normalise_name("ﾔﾏﾀﾞ(ｴｲﾁｱｲ)") == "ヤマダエイチアイ"


def test_split_payer_reference() -> None:
    assert split_payer_reference("1861 ﾄﾞ)ﾔﾏｸﾞﾁｼﾖｸﾋﾝ") == ("1861", "ﾄﾞ)ﾔﾏｸﾞﾁｼﾖｸﾋﾝ")
    assert split_payer_reference("ﾄﾞ)ﾔﾏｸﾞﾁｼﾖｸﾋﾝ") == (None, "ﾄﾞ)ﾔﾏｸﾞﾁｼﾖｸﾋﾝ")
    assert split_payer_reference("ﾔﾏﾀﾞ ﾀﾛｳ") == (None, "ﾔﾏﾀﾞ ﾀﾛｳ")


def test_every_mark_is_removed_in_every_position() -> None:
    for kind in MARKS:
        for position in ("prefix", "suffix"):
            payer = bank_payer_name("ミドリショウジ", kind, position)
            assert normalise_name(payer) == "ミドリシヨウジ", (kind, position, payer)


_NAME_ALPHABET = st.sampled_from(
    list("ｶﾕﾄﾞﾒｼｲｻﾞﾔｶﾞｸﾌﾄｸﾋｴﾂ()（）ｰー-.・ 　&,")
    + list("アァカガキャッショウヂヲぁあ株式会社支店営業所大阪")
    + list("ABCPVTLDIMEKOabc0123４５")
    + ["PVT", "LTD", " CO", "&", "BRANCH", "INC", "(ｶ)", "ｶ)", "(ｶ", "\x01", "\x02"]
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.lists(_NAME_ALPHABET, max_size=20).map("".join)))
def test_normalise_name_never_raises_and_is_idempotent(name: str) -> None:
    key = normalise_name(name)
    assert isinstance(key, str)
    assert normalise_name(key) == key
    assert split_branch(name)[0] == key


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_to_bank_kana_never_raises(text: str) -> None:
    assert isinstance(to_bank_kana(text), str)
