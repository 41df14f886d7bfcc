"""Rule `kg-am-goods-outside-business`: goods that do not fit the buyer's line of business.

BIS "Know Your Customer" guidance (15 CFR 732 Supp. 3) names "the product's capabilities
do not fit the buyer's line of business" as a red flag (its example: sophisticated
computers for a small bakery), and FIN-2023-Alert004 (19 May 2023) asks whether the
customer's line of business is consistent with the ordered items: a buyer of goods outside
its trade may be buying them for someone else.

The buyer's business is the shipment's `end_use.sector`; the goods that fit it are the HS
patterns of the `sector_goods` setting (default: `sector_goods.DEFAULT_SECTOR_GOODS`). A
line fits when a pattern is a prefix of its HS code; a CHPL Tier 1 or Tier 2 line only
when a pattern of at least four digits is. Without a sector, or with a sector the table
does not list, the document cannot tell and the rule says nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from exportctl_sdk import Finding, Line, Rule, Shipment

from . import kg_am, sources
from .chpl_lines import describe_lines, tier_of
from .indicators import Escalation, Kind, RedFlag
from .parties import label
from .sector_goods import SectorGoods, sector_key

RULE = Rule(
    "kg-am-goods-outside-business",
    f"{sources.KYC} (the product's capabilities do not fit the buyer's line of business); "
    f"{sources.ALERT004}: customer's line of business consistent with the ordered items",
    "goods for Kyrgyzstan or Armenia that do not fit the buyer's declared line of business",
)

# CHPL tiers that fit a sector only when named by heading or subheading.
NAMED_TIERS = ("1", "2")


@dataclass(frozen=True, slots=True)
class Assessment:
    """The buyer's sector entry (`None` when the document cannot tell) and the lines that
    do not fit it, in document order."""

    entry: SectorGoods | None
    misfits: tuple[Line, ...]


def sector_entry(shipment: Shipment, table: tuple[SectorGoods, ...]) -> SectorGoods | None:
    """The table's entry for the shipment's `end_use.sector`, if both exist."""
    if shipment.end_use is None or not shipment.end_use.sector:
        return None
    key = sector_key(shipment.end_use.sector)
    return next((entry for entry in table if sector_key(entry.sector) == key), None)


def _pattern_digits(pattern: str) -> str:
    return pattern.replace(".", "").replace(" ", "")


def fits(digits: str, tier: str | None, patterns: frozenset[str]) -> bool:
    """Whether one of `patterns` (chapters, headings or subheadings, digits only) is a
    prefix of the HS code `digits`: a heading or subheading for CHPL Tier 1 and 2."""
    levels = (4, 6) if tier in NAMED_TIERS else (2, 4, 6)
    return any(digits[:n] in patterns for n in levels)


def assess(shipment: Shipment, table: tuple[SectorGoods, ...]) -> Assessment:
    """Which lines do not fit the buyer's declared sector. Each HS code is judged once."""
    entry = sector_entry(shipment, table)
    if entry is None:
        return Assessment(None, ())
    patterns = frozenset(_pattern_digits(p) for p in entry.hs)
    judged: dict[str, bool] = {}
    misfits = []
    for line in shipment.lines:
        digits = line.hs_code.digits
        fit = judged.get(digits)
        if fit is None:
            fit = judged[digits] = fits(digits, tier_of(line), patterns)
        if not fit:
            misfits.append(line)
    return Assessment(entry, tuple(misfits))


def _describe(line: Line) -> str:
    tier = tier_of(line)
    extra = f", CHPL Tier {tier}" if tier is not None else ""
    return f"line {line.number} ({line.hs_code}{extra})"


def flag(assessment: Assessment) -> RedFlag | None:
    """The red flag for the CHPL finding's list (the lines and buyer are named by this
    rule's own finding)."""
    if not assessment.misfits:
        return None
    return RedFlag(
        Kind.GOODS_OUTSIDE_BUSINESS,
        f"{describe_lines(assessment.misfits, _describe)} outside the buyer's sector "
        f"`{assessment.entry.sector}` (finding `{RULE.id}`)",
    )


def check(shipment: Shipment, assessment: Assessment, escalation: Escalation) -> Finding | None:
    """`review` (or `deny` by setting) naming the lines that do not fit and the end user;
    `None` when every line fits or the sector cannot be judged."""
    if not kg_am.concerns(shipment) or not assessment.misfits:
        return None
    buyer = shipment.end_user_or_consignee()
    message = (
        f"Goods for {kg_am.countries(shipment)} do not fit the buyer's line of business: "
        f"{label(shipment, buyer.path, buyer.party.name)} declares the sector `{assessment.entry.sector}`, "
        f"which does not list {describe_lines(assessment.misfits, _describe)}. "
        "Ask what the buyer needs them for before release."
    )
    finding = escalation.finding(RULE, message).lines(assessment.misfits).parties(buyer.path)
    if shipment.as_of < sources.FIN_2023_ALERT004:
        # The alert's line-of-business check was published later: cite only the KYC guidance.
        finding = finding.with_legal_basis(
            f"{sources.KYC} (the product's capabilities do not fit the buyer's line of business)"
        )
    return finding
