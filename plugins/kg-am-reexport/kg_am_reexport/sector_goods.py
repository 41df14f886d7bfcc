"""Which goods fit which line of business: the default table of the `sector_goods` setting.

A judgement mapping of the policy (not an official correlation table): for each end-use
sector, the HS 2022 chapters (2 digits), headings (4) or subheadings (6) a business in that
sector plausibly buys for its own use or trade. A company replaces the whole table with its
own through the `sector_goods` setting; sector names are matched to `end_use.sector`
without regard to case or spacing.

CHPL Tier 1 and Tier 2 items (integrated circuits, communication, navigation and passive
components) fit a sector only where its entry names them by heading or subheading: a
chapter entry (`85` for a retailer's household appliances) does not make integrated
circuits fit a retailer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SectorGoods:
    """One line of business and the HS patterns of the goods that fit it."""

    sector: str
    hs: tuple[str, ...]


def sector_key(text: str) -> str:
    """A sector name as compared: lower case, single spaces."""
    return " ".join(text.lower().split())


DEFAULT_SECTOR_GOODS: tuple[SectorGoods, ...] = (
    SectorGoods(
        "agriculture",
        (
            "01", "06", "07", "08", "10", "12", "14", "23", "31", "3808", "3923", "6305",
            "8201", "8413", "8424", "8432", "8433", "8434", "8436", "8437", "8701", "8708", "8716",
        ),
    ),
    SectorGoods(
        "food",
        (
            "02", "03", "04", "07", "08", "09", "10", "11", "15", "16", "17", "18", "19",
            "20", "21", "22", "3923", "4819", "7310", "7612", "8418", "8419", "8422",
            "8423", "8434", "8435", "8438",
        ),
    ),
    SectorGoods(
        "retail",
        (
            "02", "03", "04", "07", "08", "09", "15", "16", "17", "18", "19", "20", "21",
            "22", "33", "3401", "3924", "4202", "4818", "4820", "4901", "61", "62", "63",
            "64", "65", "6911", "6912", "7013", "7113", "7117", "7323", "8211", "8215",
            "8414.51", "8415", "8418", "8422.11", "8450", "8471.30", "8508", "8509", "8510",
            "8516", "8517.13", "8518", "8519", "8528", "8539", "9004", "9102", "9401",
            "9403", "9404", "9405", "95", "96",
        ),
    ),
    SectorGoods(
        "construction",
        (
            "2505", "2517", "2520", "2522", "2523", "3208", "3209", "3210", "3214", "3916",
            "3917", "3918", "3922", "3925", "44", "68", "69", "7003", "7004", "7005",
            "7007", "7008", "7016", "72", "73", "76", "8301", "8302", "8413", "8415",
            "8425", "8426", "8427", "8428", "8429", "8430", "8467", "8474", "8481", "8535",
            "8536", "8537", "8544", "8704", "8705", "9405",
        ),
    ),
    SectorGoods(
        "furniture",
        (
            "3208", "3209", "3506", "3909", "3921", "41", "44", "54", "55", "56", "58",
            "59", "60", "7007", "7009", "7318", "7320", "8302", "8465", "8467", "94",
        ),
    ),
    SectorGoods(
        "textiles",
        (
            "3204", "50", "51", "52", "53", "54", "55", "56", "57", "58", "59", "60", "61",
            "62", "63", "8445", "8446", "8447", "8448", "8451", "8452", "9606", "9607",
        ),
    ),
    SectorGoods(
        "automotive",
        (
            "2710", "3403", "3819", "3820", "4011", "4016", "7007", "8407", "8408", "8409",
            "8413", "8421", "8482", "8483", "8507", "8511", "8512", "8544", "87", "9026",
            "9029", "9401.20",
        ),
    ),
    SectorGoods(
        "medical",
        ("30", "3005", "3006", "4015", "8419.20", "9018", "9019", "9020", "9021", "9022", "9025", "9402"),
    ),
    SectorGoods(
        "electronics",
        (
            "85", "8471", "8473", "8486", "9027", "9030", "9031",
            # CHPL Tier 1 and 2 headings, named so that they fit this sector.
            "8517", "8526", "8532", "8541", "8542", "8548",
        ),
    ),
    SectorGoods(
        "telecommunications",
        ("7308", "8471", "8473", "8504.40", "8507", "8517", "8525", "8529", "8536", "8537", "8544"),
    ),
)
