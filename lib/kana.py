"""Japanese payer names: the bank's half-width kana form and a comparison key for matching.

Japanese banks print the payer (振込依頼人名) in half-width katakana, upper case, with small
kana written full size and the company type abbreviated to a position-dependent mark
(``ｶ)ﾔﾏﾀﾞ``, ``ﾔﾏﾀﾞ(ｶ``, ``ﾔﾏﾀﾞ(ｶ)ｵｵｻｶｼﾃﾝ``). NFKC cannot bring a small ョ back from ﾖ, so
both sides are converted *towards* the bank form and stripped of marks before comparing
(see /work/shared/DOMAIN.md). The same key serves Indian names: legal forms such as
``Pvt Ltd`` and ``Private Limited`` are removed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jaconv

# Company-type marks as banks abbreviate them (DOMAIN.md, "Company-type marks").
MARKS: dict[str, str] = {
    "株式会社": "ｶ",
    "有限会社": "ﾕ",
    "合同会社": "ﾄﾞ",
    "合名会社": "ﾒ",
    "合資会社": "ｼ",
    "医療法人": "ｲ",
    "財団法人": "ｻﾞｲ",
    "社団法人": "ｼﾔ",
    "学校法人": "ｶﾞｸ",
    "社会福祉法人": "ﾌｸ",
    "NPO法人": "ﾄｸﾋ",
    "営業所": "ｴｲ",
    "出張所": "ｼﾕﾂ",
}
POSITIONS = ("prefix", "suffix", "middle")

_SMALL_TO_LARGE = str.maketrans("ァィゥェォャュョッヮヵヶヰヱ", "アイウエオヤユヨツワカケイエ")
# Sounds people spell either way (ヂ/ジ, ヅ/ズ, ヲ/オ); folding them only affects the key.
_KEY_FOLD = str.maketrans("ヂヅヲ", "ジズオ")

_COMPANY = "ザイ|シヤ|ガク|フク|トクヒ|カ|ユ|ド|メ|シ|イ"  # full-width forms, longest first
_KANJI_KINDS = (
    "特定非営利活動法人|社会福祉法人|医療法人社団|医療法人財団|一般財団法人|公益財団法人|"
    "一般社団法人|公益社団法人|株式会社|有限会社|合同会社|合名会社|合資会社|医療法人|"
    "財団法人|社団法人|学校法人|税理士法人|弁護士法人|NPO法人"
)
_SPELLED_KINDS = (
    "カブシキガイシヤ|カブシキカイシヤ|ユウゲンガイシヤ|ゴウドウガイシヤ|ゴウメイガイシヤ|"
    "ゴウシガイシヤ|イリヨウホウジン|ザイダンホウジン|シヤダンホウジン|ガツコウホウジン|"
    "シヤカイフクシホウジン|トクテイヒエイリカツドウホウジン"
)
_SENT = "\x01"  # stands for a removed company mark; it separates a head office from a branch

_MARK_SUBS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\(\s*エイ\s*(?:\)|(?=\s|$))"), "営業所"),
    (re.compile(r"(?:^|(?<=\s))エイ\)"), "営業所"),
    (re.compile(r"\(\s*シユツ\s*(?:\)|(?=\s|$))"), "出張所"),
    (re.compile(r"(?:^|(?<=\s))シユツ\)"), "出張所"),
    (re.compile(_KANJI_KINDS), _SENT),
    (re.compile(_SPELLED_KINDS), _SENT),
    (re.compile(r"\((?:株|有|同|名|資|医|財|社|学|福|特非)\)"), _SENT),
    (re.compile(rf"\(\s*(?:{_COMPANY})\s*\)"), _SENT),
    (re.compile(rf"(?:^|(?<=\s))(?:{_COMPANY})\s*\)"), _SENT),
    (re.compile(rf"\(\s*(?:{_COMPANY})(?=\s|$)"), _SENT),
]
_BRANCH_ENDINGS = (
    "シテン",
    "シシヤ",
    "エイギヨウシヨ",
    "シユツチヨウシヨ",
    "支店",
    "支社",
    "営業所",
    "出張所",
)
_BRANCH_WORDS = re.compile("営業所|出張所|支店|支社")
_TOKEN = re.compile(rf"[^{_SENT}\s(),/]+")
_ENGLISH_BRANCH = re.compile(r"\s*(?:[-(,]\s*(?:[A-Z.]+\s+){0,2}|\s[A-Z]+\s+)BRANCH\b\)?\s*$")
_ENGLISH_ANYWHERE = re.compile(
    r"(?<![A-Z0-9])(?:PVT\.?\s*LTD\.?|PRIVATE\s+LIMITED|LLP|K\.\s?K\.?|CO\.?,?\s*LTD\.?)(?![A-Z0-9])"
)
_ENGLISH_TRAILING = re.compile(
    r"(?:(?<=[\s.,])|\s*&\s*)(?:LIMITED|LTD|INC|INCORPORATED|CORP|CORPORATION|CO|COMPANY|KK|"
    r"PLC|LLC|AND\s+CO|(?:PVT|PRIV[A-Z]*)(?:\.?\s+L(?:T|TD|I|IM|IMI|IMIT|IMITE)?)?)\.?\s*[.,]?\s*$"
)
_PAYER_REF = re.compile(r"[0-9A-Za-z-]*\d[0-9A-Za-z-]*")
_AMPERSAND_CO = re.compile(r"\s*&\s*CO\.?\s*$")


def to_bank_kana(text: str) -> str:
    """Turn a reading (katakana or hiragana, maybe with latin letters and digits) into bank form.

    The result is what a Japanese bank prints: half-width katakana with small kana written
    full size (キャッシュ → ``ｷﾔﾂｼﾕ``), voiced marks as separate characters (``ﾀﾞ``), the
    long-vowel mark as ``-``, latin letters upper-cased without accents, digits and spaces
    half-width, runs of spaces collapsed.
    """
    text = unicodedata.normalize("NFKC", text)
    text = jaconv.hira2kata(text).translate(_SMALL_TO_LARGE).replace("ー", "-")
    text = _strip_latin_accents(text).upper()
    text = jaconv.z2h(text, kana=True, ascii=True, digit=True)
    return " ".join(text.split())


# Only latin letters lose their accents; NFKD on kana would split off the voiced marks.
_LATIN_BASE = {cp: unicodedata.normalize("NFKD", chr(cp))[0] for cp in range(0xC0, 0x250)}
# The control characters (category Cc: U+0000-001F and U+007F-009F) become spaces.
# Letters and digits: exactly the characters of Unicode categories L* and N*.
_LETTERS_AND_DIGITS = re.compile(r"[^\W_]+")
_CONTROLS_TO_SPACE = {cp: " " for cp in (*range(0x20), *range(0x7F, 0xA0))}


def _strip_latin_accents(text: str) -> str:
    return text if text.isascii() else text.translate(_LATIN_BASE)


def company_mark(kind: str, position: str) -> str:
    """The bank's mark for a company type at a position: ``('株式会社', 'prefix') → 'ｶ)'``.

    ``position`` is ``'prefix'`` (``ｶ)``), ``'suffix'`` (``(ｶ``) or ``'middle'`` (``(ｶ)``).
    Raises ValueError for an unknown kind or position; the kinds are the keys of ``MARKS``.
    """
    abbrev = MARKS.get(unicodedata.normalize("NFKC", kind).strip())
    if abbrev is None:
        raise ValueError(f"unknown company type {kind!r}; known: {', '.join(MARKS)}")
    if position == "prefix":
        return f"{abbrev})"
    if position == "suffix":
        return f"({abbrev}"
    if position == "middle":
        return f"({abbrev})"
    raise ValueError(f"position must be one of {POSITIONS}, not {position!r}")


def bank_payer_name(
    reading: str,
    kind: str | None,
    position: str,
    branch_reading: str | None = None,
    limit: int = 48,
) -> str:
    """The payer name a bank prints for a company, cut to ``limit`` characters.

    ``('ヤマダショウジ', '株式会社', 'prefix')`` gives ``ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ``, ``'suffix'`` gives
    ``ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ``. With a branch a suffix mark moves to the middle
    (``ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ)ｵｵｻｶｼﾃﾝ``) and a prefix mark stays in front with the branch after a space.
    ``kind=None`` means no company type (a shop or a person).
    """
    name = to_bank_kana(reading)
    branch = to_bank_kana(branch_reading) if branch_reading else ""
    if kind is None:
        text = f"{name} {branch}" if branch else name
    elif position == "prefix":
        text = company_mark(kind, "prefix") + name + (f" {branch}" if branch else "")
    elif branch or position == "middle":
        text = name + company_mark(kind, "middle") + branch
    else:
        text = name + company_mark(kind, position)
    return text[:limit]


def split_payer_reference(payer: str) -> tuple[str | None, str]:
    """Split a leading payer reference (up to 10 characters, with a digit) off a payer name.

    Payers may type a reference such as the invoice number before their name
    (``'1861 ﾄﾞ)ﾔﾏｸﾞﾁｼﾖｸﾋﾝ'`` → ``('1861', 'ﾄﾞ)ﾔﾏｸﾞﾁｼﾖｸﾋﾝ')``). Returns ``(None, payer)``
    when there is none.
    """
    head, sep, rest = payer.strip().partition(" ")
    if sep and rest.strip() and len(head) <= 10 and _PAYER_REF.fullmatch(head):
        return head, rest.strip()
    return None, payer.strip()


@lru_cache(maxsize=1 << 16)  # every statement line and every client name asks again
def normalise_name(name: str) -> str:
    """The comparison key for payer names and client names, readings and aliases alike.

    NFKC, hiragana to katakana, small kana made large, upper case; company-type marks removed
    in every position and form (``ｶ)``, ``(ｶ``, ``(ｶ)``, ``(株)``, 株式会社, カブシキガイシャ),
    a branch after a company mark or a space dropped (営業所, 支店, ``ｵｵｻｶｼﾃﾝ``, ``- Pune
    Branch``), English legal forms (Pvt Ltd, Private Limited, LLP, & Co, Inc, Corp, K.K.)
    removed; then long-vowel marks, spaces and punctuation go. The key is idempotent.
    """
    key = _key_once(name)
    for _ in range(10):
        again = _key_once(key)
        if again == key:
            break
        key = again
    return key


@lru_cache(maxsize=1 << 16)  # statements repeat the same payers all year
def split_branch(name: str) -> tuple[str, str]:
    """Normalised keys of the head-office part and of the branch part ('' when no branch).

    ``'ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ)ｵｵｻｶｼﾃﾝ'`` gives ``('ヤマダシヨウジ', 'オオサカシテン')``; the first element
    always equals ``normalise_name(name)``.
    """
    head, branch = _cut_branch(_prepare(name))
    return normalise_name(_finish(head)), normalise_name(_finish(branch)) if branch else ""


def _key_once(name: str) -> str:
    return _finish(_cut_branch(_prepare(name))[0])


def _prepare(name: str) -> str:
    """NFKC, katakana, large kana, upper case; company marks become a separator."""
    text = name.translate(_CONTROLS_TO_SPACE)
    text = unicodedata.normalize("NFKC", text)
    text = jaconv.hira2kata(text).translate(_SMALL_TO_LARGE).translate(_KEY_FOLD)
    text = _strip_latin_accents(text).upper()
    for pattern, repl in _MARK_SUBS:
        text = pattern.sub(repl, text)
    return text


def _cut_branch(text: str) -> tuple[str, str]:
    """Split prepared text into (head office, branch) at the first branch-like token."""
    english = _ENGLISH_BRANCH.search(text)
    if english and text[: english.start()].strip():
        return text[: english.start()], text[english.start() :]
    # A company mark between two names (ﾔﾏﾀﾞｼﾖｳｼﾞ(ｶ)ｵｵｻｶｼﾃﾝ) always ends the head office, even
    # when the bank cut the branch word short.
    middle = text.find(_SENT)
    if middle > 0 and _has_name(text[:middle]) and _has_name(text[middle + 1 :]):
        return text[:middle], text[middle + 1 :]
    # "SHARMA TRADERS PVT LTD - PUNE BRA": an English branch after " - ", cut short.
    dash = text.find(" - ")
    if dash > 0 and text.isascii() and _has_name(text[:dash]) and _has_name(text[dash + 3 :]):
        return text[:dash], text[dash + 3 :]
    seen_head = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        if seen_head and _is_branch(token):
            return text[: match.start()], text[match.start() :]
        seen_head = seen_head or any(ch.isalnum() for ch in token)
    return text, ""


def _has_name(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _is_branch(token: str) -> bool:
    return token.endswith(_BRANCH_ENDINGS) or token.startswith(("営業所", "出張所"))


def _finish(text: str) -> str:
    """Remove branch words and English legal forms, then all but letters and digits."""
    text = _ENGLISH_ANYWHERE.sub(" ", _BRANCH_WORDS.sub(" ", text.replace(_SENT, " ")))
    while True:
        shorter = _AMPERSAND_CO.sub("", _ENGLISH_TRAILING.sub("", text))
        if shorter == text:
            break
        text = shorter
    return "".join(_LETTERS_AND_DIGITS.findall(text)).replace("ー", "")
