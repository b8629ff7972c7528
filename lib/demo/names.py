"""Name pools for the demo ledger: Japanese and Indian company names, people and vendors.

Each Japanese word carries its kanji, its katakana reading and a romaji form (used for e-mail
domains), so a generated company has a consistent name, フリガナ and bank payer name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

Word = tuple[str, str, str]  # (written form, katakana reading, romaji)


def _words(text: str) -> tuple[Word, ...]:
    """Parse ``'山田:ヤマダ:yamada 佐藤:サトウ:sato'`` into word triples."""
    triples = [tuple(item.split(":")) for item in text.split()]
    return tuple((a, b, c) for a, b, c in triples)


JP_SURNAMES = _words(
    "山田:ヤマダ:yamada 佐藤:サトウ:sato 鈴木:スズキ:suzuki 高橋:タカハシ:takahashi "
    "田中:タナカ:tanaka 伊藤:イトウ:ito 渡辺:ワタナベ:watanabe 中村:ナカムラ:nakamura "
    "小林:コバヤシ:kobayashi 加藤:カトウ:kato 山口:ヤマグチ:yamaguchi 松本:マツモト:matsumoto "
    "吉田:ヨシダ:yoshida 山本:ヤマモト:yamamoto 井上:イノウエ:inoue 木村:キムラ:kimura "
    "林:ハヤシ:hayashi 斎藤:サイトウ:saito 清水:シミズ:shimizu 山崎:ヤマザキ:yamazaki "
    "森:モリ:mori 池田:イケダ:ikeda 橋本:ハシモト:hashimoto 阿部:アベ:abe "
    "石川:イシカワ:ishikawa 前田:マエダ:maeda 藤田:フジタ:fujita 小川:オガワ:ogawa "
    "岡田:オカダ:okada 後藤:ゴトウ:goto 長谷川:ハセガワ:hasegawa 村上:ムラカミ:murakami "
    "近藤:コンドウ:kondo 坂本:サカモト:sakamoto 遠藤:エンドウ:endo 青木:アオキ:aoki "
    "西村:ニシムラ:nishimura 福田:フクダ:fukuda 太田:オオタ:ota 三浦:ミウラ:miura"
)
JP_BRANDS = _words(
    "東洋:トウヨウ:toyo 日本:ニホン:nihon 中央:チュウオウ:chuo 第一:ダイイチ:daiichi "
    "大和:ヤマト:yamato 富士:フジ:fuji 三和:サンワ:sanwa 北海:ホッカイ:hokkai "
    "関西:カンサイ:kansai 九州:キュウシュウ:kyushu 湘南:ショウナン:shonan 浪速:ナニワ:naniwa "
    "旭:アサヒ:asahi 昭和:ショウワ:showa 協和:キョウワ:kyowa 丸一:マルイチ:maruichi "
    "三栄:サンエイ:sanei みどり:ミドリ:midori"
)
JP_TRADES = _words(
    "商事:ショウジ:shoji 食品:ショクヒン:shokuhin 物産:ブッサン:bussan 工業:コウギョウ:kogyo "
    "建設:ケンセツ:kensetsu 運輸:ウンユ:unyu キッチン:キッチン:kitchen 珈琲:コーヒー:coffee "
    "薬局:ヤッキョク:yakkyoku 企画:キカク:kikaku システムズ:システムズ:systems "
    "サービス:サービス:service 電機:デンキ:denki 産業:サンギョウ:sangyo "
    "製作所:セイサクショ:seisakusho 不動産:フドウサン:fudosan 印刷:インサツ:insatsu "
    "設計:セッケイ:sekkei 水産:スイサン:suisan 精機:セイキ:seiki 化学:カガク:kagaku "
    "商会:ショウカイ:shokai 観光:カンコウ:kanko フーズ:フーズ:foods 製菓:セイカ:seika "
    "酒造:シュゾウ:shuzo 交通:コウツウ:kotsu 物流:ブツリュウ:butsuryu 商店:ショウテン:shoten "
    "通商:ツウショウ:tsusho ベーカリー:ベーカリー:bakery ファーマシー:ファーマシー:pharmacy"
)
JP_PLACES = _words(
    "大阪:オオサカ:osaka 名古屋:ナゴヤ:nagoya 福岡:フクオカ:fukuoka 札幌:サッポロ:sapporo "
    "仙台:センダイ:sendai 横浜:ヨコハマ:yokohama 神戸:コウベ:kobe 京都:キョウト:kyoto "
    "広島:ヒロシマ:hiroshima 千葉:チバ:chiba 新宿:シンジュク:shinjuku 梅田:ウメダ:umeda"
)
JP_BRANCH_WORDS: tuple[Word, ...] = (("支店", "シテン", ""), ("営業所", "エイギョウショ", ""))
JP_GIVEN = (
    "ヒロシ",
    "タロウ",
    "ケンジ",
    "ユキ",
    "アキコ",
    "マコト",
    "ジュンコ",
    "タケシ",
    "サトミ",
)
# Company types with weights; 医療法人 only goes in front, as clinics write it.
JP_KINDS: tuple[tuple[str | None, int], ...] = (
    ("株式会社", 64), ("有限会社", 12), ("合同会社", 8), ("医療法人", 3), ("社団法人", 1),
    ("財団法人", 1), ("合資会社", 1), ("合名会社", 1), (None, 9),
)  # fmt: skip
SPELLED_KIND = {"株式会社": "カブシキガイシャ", "有限会社": "ユウゲンガイシャ"}

IN_SURNAMES = (
    "Sharma", "Patel", "Gupta", "Mehta", "Shah", "Reddy", "Iyer", "Nair", "Kapoor", "Agarwal",
    "Jain", "Desai", "Joshi", "Kulkarni", "Rao", "Singh", "Malhotra", "Bansal", "Chopra", "Verma",
    "Banerjee", "Mukherjee", "Pillai", "Menon", "Bhatia", "Khanna", "Sethi", "Goel", "Mittal",
    "Saxena", "Chaudhary", "Thakur", "Naidu", "Shetty", "Hegde", "Kamath", "Bhat", "Trivedi",
    "Pandey", "Mishra",
)  # fmt: skip
IN_HONORIFICS = ("Shree", "Sri", "New", "Om Sai", "Jai")  # these go before a surname
IN_BRANDS = (
    "Royal", "Global", "Apex", "Balaji", "Ganesh", "Lakshmi", "Mahalaxmi", "Krishna", "Sunrise",
    "Star", "Metro", "Prime", "Mumbai", "Pune", "Deccan", "Western", "Eastern", "Coastal",
)  # fmt: skip
IN_TRADES = (
    "Traders", "Enterprises", "Foods", "Industries", "Exports", "Agencies", "Distributors",
    "Textiles", "Pharma", "Logistics", "Solutions", "Technologies", "Hospitality", "Caterers",
    "Retail", "Motors", "Builders", "Chemicals", "Electricals", "Impex", "Steels", "Polymers",
    "Marketing", "Infotech", "Associates", "Kitchens", "Cafe", "Bakers", "Sweets", "Dairy",
    "Healthcare", "Packaging", "Engineering", "Constructions", "Transport", "Spices", "Garments",
    "Ventures", "Systems", "Services",
)  # fmt: skip
IN_LEGAL: tuple[tuple[str, int], ...] = (
    ("Pvt Ltd", 30), ("Private Limited", 25), ("Pvt. Ltd.", 10), ("LLP", 12), ("& Co", 8),
    ("Limited", 6), ("& Sons", 4), ("", 5),
)  # fmt: skip
IN_CITIES = ("Pune", "Nashik", "Thane", "Nagpur", "Surat", "Ahmedabad", "Indore", "Goa", "Vashi")
IN_GIVEN = (
    "RAJESH", "AMIT", "PRIYA", "SUNITA", "VIKAS", "ANIL", "DEEPAK", "NEHA", "SURESH", "KAVITA",
    "MANOJ", "POOJA", "RAVI", "SANJAY",
)  # fmt: skip
IN_PERSON_SURNAMES = ("KUMAR", "YADAV", "DAS", "PRASAD", "KHAN", "FERNANDES", "D SOUZA", "GILL")

# Payers that are never clients: factoring houses, group companies, vendors refunding money.
JP_THIRD_PARTIES = (
    "ミライファクタリング", "アオバキャピタル", "ヒカリリース", "ホクセイトレーディング",
    "ツバサホールディングス", "サクラシンヨウホショウ",
)  # fmt: skip
JP_VENDORS = ("オフィスサプライ", "ミドリフドウサン", "ソウコウリース", "ハヤテユウソウ")
IN_THIRD_PARTIES = (
    "KRISHNA CAPITAL SERVICES", "VERTEX FACTORS", "NIRMAL FINSERV", "HORIZON GROUP HOLDINGS",
    "SAFFRON TRADE FINANCE", "ZENITH CORPORATE SERVICES",
)  # fmt: skip
IN_VENDORS = (
    "CLOUDNINE SOFTWARE PVT LTD", "SWIFT TRAVELS", "BLUEDART COURIER SVCS", "ORBIT INSURANCE CO",
    "PRINTWELL STATIONERS",
)  # fmt: skip


@dataclass
class CompanyName:
    """A generated company: its written name, reading parts and legal form."""

    name: str
    reading: str  # katakana of the trade name without the company type; '' for Indian names
    kind: str | None  # Japanese company type, or None
    position: str  # 'prefix' or 'suffix' for the company type
    slug: str  # romaji / ascii stem for e-mail domains


def weighted(rng: random.Random, table: tuple[tuple[str | None, int], ...]) -> str | None:
    """Pick from ``(value, weight)`` pairs."""
    total = sum(w for _, w in table)
    pick = rng.randrange(total)
    for value, weight in table:
        pick -= weight
        if pick < 0:
            return value
    return table[-1][0]


def japanese_company(rng: random.Random, long_form: bool = False) -> CompanyName:
    """A Japanese company such as 株式会社山田商事 or 東洋食品工業有限会社."""
    first = rng.choice(JP_SURNAMES if rng.random() < 0.7 else JP_BRANDS)
    trades = [rng.choice(JP_TRADES)]
    if long_form or rng.random() < 0.15:
        trades.append(rng.choice([t for t in JP_TRADES if t is not trades[0]]))
    words = [first, *trades]
    base = "".join(w[0] for w in words)
    reading = "".join(w[1] for w in words)
    slug = "-".join(w[2] for w in words)
    kind = weighted(rng, JP_KINDS)
    position = "prefix" if kind == "医療法人" or rng.random() < 0.5 else "suffix"
    if kind is None:
        name = base
    else:
        name = kind + base if position == "prefix" else base + kind
    return CompanyName(name, reading, kind, position, slug)


def indian_company(rng: random.Random, long_form: bool = False) -> CompanyName:
    """An Indian company such as 'Sharma Traders Pvt Ltd' or 'Shree Balaji Foods LLP'."""
    roll = rng.random()
    if long_form or roll < 0.15:
        parts = [rng.choice(IN_HONORIFICS), rng.choice(IN_SURNAMES)]
    elif roll < 0.35:
        parts = [rng.choice(IN_BRANDS)]
    else:
        parts = [rng.choice(IN_SURNAMES)]
    parts.append(rng.choice(IN_TRADES))
    legal = weighted(rng, IN_LEGAL) or ""
    name = " ".join(parts + ([legal] if legal else []))
    slug = "".join(parts).lower().replace(" ", "")
    return CompanyName(name, "", None, "suffix", slug)


def japanese_person(rng: random.Random) -> str:
    """A person's name in katakana, surname first: 'タナカ ヒロシ'."""
    return f"{rng.choice(JP_SURNAMES)[1]} {rng.choice(JP_GIVEN)}"


def indian_person(rng: random.Random) -> str:
    """A person's name as a bank prints it: 'RAJESH KUMAR'."""
    return f"{rng.choice(IN_GIVEN)} {rng.choice(IN_PERSON_SURNAMES)}"
