"""Statement files in the banks' own formats, written inline for the tests: Zengin records
built field by field (CP932, fixed widths) and a small MT940 in rupees."""

from __future__ import annotations


def field(text: str, width: int, right: bool = False) -> bytes:
    raw = text.encode("cp932")
    assert len(raw) <= width, text
    pad = b"0" if right else b" "
    return raw.rjust(width, pad) if right else raw.ljust(width, pad)


def zengin_header(kind: str, account: str = "1234567") -> bytes:
    head = b"1" + kind.encode() + b"0" + b"081201" + b"081101" + b"081130"
    head += b"0005" + field("ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ", 15) + b"001" + field("ﾎﾝﾃﾝ", 15) + b"   "
    head += b"1" + account.encode() + field("ｶ)ｶｲｼﾕ", 40)
    return head.ljust(200, b" ")


def notice(ref: str, day: str, amount: int, payer: str, cancel: bool = False) -> bytes:
    """A 振込入金通知 (kind 01) data record."""
    record = b"2" + field(ref, 6, True) + day.encode() + day.encode()
    record += field(str(amount), 10, True) + b"0" * 10 + b" " * 10 + field(payer, 48)
    record += field("ﾐｽﾞﾎ", 15) + field("ｼﾌﾞﾔ", 15) + (b"1" if cancel else b"0")
    record += field("INV-2611-0042", 20)
    return record.ljust(200, b" ")


def movement(ref: str, day: str, amount: int, payer: str, out: bool = False) -> bytes:
    """A 入出金取引明細 (kind 03) data record."""
    record = b"2" + field(ref, 8, True) + day.encode() + day.encode()
    record += (b"2" if out else b"1") + b"11" + field(str(amount), 12, True) + b"0" * 12
    record += b"0" * 12 + b"0" + b"0" * 7 + b"000" + b" " * 10 + field(payer, 48)
    record += field("ﾐｽﾞﾎ", 15) + field("ｼﾌﾞﾔ", 15) + field("ﾌﾘｺﾐ", 20) + b" " * 20
    return record.ljust(200, b" ")


def zengin(kind: str, *records: bytes, breaks: bool = True) -> bytes:
    trailer, end = b"8".ljust(200, b" "), b"9".ljust(200, b" ")
    parts = [zengin_header(kind), *records, trailer, end]
    return (b"\r\n" if breaks else b"").join(parts) + (b"\r\n" if breaks else b"")


MT940_INR = b"""{1:F01HDFCINBBAXXX0000000000}{4:
:20:STMT20261130
:25:50200012345678
:28C:00330/001
:60F:C261129INR1234567,89
:61:2611301130CR250000,00NTRFUTR26113000123//HDFC00123
:86:NEFT CR-SBIN0001234-MEHTA BUILDERS LLP-INV2610-00412
:61:2611301130DR1500,00NCHGNONREF
:86:NEFT CHARGES
:62F:C261130INR1483067,89
-}"""


def mt940(*lines: str, account: str = "50200012345678") -> bytes:
    """An MT940 in rupees holding the given :61: lines, each with its :86: narration."""
    body = "\n".join(f":61:{line}\n:86:{note}" for line, note in lines)
    return (
        f"{{1:F01HDFCINBBAXXX0000000000}}{{4:\n:20:STMT20261130\n:25:{account}\n:28C:00330/001\n"
        f":60F:C261101INR1000,00\n{body}\n:62F:C261130INR1000,00\n-}}"
    ).encode()


def camt(*entries: tuple[str, str, str, str, bool], payer: str = "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ") -> bytes:
    """A camt.053 in yen: each entry is (reference, amount, CRDT or DBIT, booked on, reversal)."""
    body = "".join(
        f'<Ntry><Amt Ccy="JPY">{amount}</Amt><CdtDbtInd>{mark}</CdtDbtInd>'
        + ("<RvslInd>true</RvslInd>" if reversal else "")
        + f"<BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls><TxDtls>"
        f"<RltdPties><Dbtr><Nm>{payer}</Nm></Dbtr></RltdPties></TxDtls></NtryDtls></Ntry>"
        for ref, amount, mark, day, reversal in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:'
        'camt.053.001.08"><BkToCstmrStmt><Stmt><Acct><Id><Othr><Id>0011234567</Id></Othr></Id>'
        f"<Ccy>JPY</Ccy></Acct>{body}</Stmt></BkToCstmrStmt></Document>"
    ).encode()
