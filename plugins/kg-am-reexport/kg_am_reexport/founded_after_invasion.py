"""Rule `kg-am-founded-after-invasion`: a consignee or end user in Kyrgyzstan or Armenia
founded after 24 Feb 2022 buys CHPL or controlled goods.

FIN-2023-Alert004 (19 May 2023) asks exporters and banks to look at a customer's date of
incorporation, naming incorporation after 24 Feb 2022 as a red flag: many of the companies
that carried goods to Russia through third countries were set up after the invasion for
that purpose. BIS "Know Your Customer" guidance (15 CFR 732 Supp. 3) names a customer with
little or no business background. The rule looks at the goods Russia seeks: CHPL lines and
lines with a dual-use or military control code; a young furniture buyer is not flagged by it.
"""

from __future__ import annotations

from exportctl_sdk import Finding, Line, Party, PartyRef, Rule, Shipment

from . import kg_am, sources
from .chpl_lines import describe_lines, tier_of
from .indicators import Escalation, Kind, RedFlag
from .parties import label

# ANCHOR: rule
RULE = Rule(
    "kg-am-founded-after-invasion",
    f"{sources.ALERT004}: customer incorporated after 24 Feb 2022; {sources.KYC} "
    "(customer with little or no business background)",
    "a consignee or end user in Kyrgyzstan or Armenia founded after 24 Feb 2022 buys CHPL or controlled goods",
)


def founded_after_invasion(party: Party) -> bool:
    """Registered strictly after 24 Feb 2022: a company registered on the day itself is
    not flagged. No registration date, no flag (the document cannot tell)."""
    return party.registration_date is not None and party.registration_date > sources.INVASION


# ANCHOR_END: rule


def young_receiving_parties(shipment: Shipment) -> list[PartyRef]:
    """The consignee and the named end user, where founded after 24 Feb 2022."""
    return [
        p
        for p in shipment.parties()
        if p.path in ("consignee", "end_user") and founded_after_invasion(p.party)
    ]


def describe(shipment: Shipment, parties: list[PartyRef]) -> str:
    """`consignee `X` founded 2022-07-19 and end user `Y` founded 2023-01-10`."""
    return " and ".join(
        f"{label(shipment, p.path, p.party.name)} founded {p.party.registration_date.isoformat()}"
        for p in parties
    )


def flag(shipment: Shipment) -> RedFlag | None:
    """The red flag as the alerts read it, wherever the young company is: the CHPL
    finding lists it (and names its parties) as `chpl-diversion` does."""
    young = young_receiving_parties(shipment)
    if not young:
        return None
    return RedFlag(
        Kind.FOUNDED_AFTER_INVASION,
        f"{describe(shipment, young)}, after 24 Feb 2022",
        tuple(p.path for p in young),
    )


def sought_goods(line: Line) -> str | None:
    """Why a line is goods Russia seeks: `CHPL Tier 1`, `3A001.a.2`, `ML10`, or both; `None`
    for other goods."""
    why = []
    tier = tier_of(line)
    if tier is not None:
        why.append(f"CHPL Tier {tier}")
    why.extend(str(c) for c in line.control_codes if c.is_dual_use or c.is_military)
    return "; ".join(why) or None


# ANCHOR: check
def check(shipment: Shipment, escalation: Escalation) -> Finding | None:
    """`review` (or `deny` by setting) naming the young KG/AM parties and the CHPL or
    controlled lines; `None` when there is no such party or no such line."""
    young = [p for p in young_receiving_parties(shipment) if kg_am.holds(p.party)]
    if not young:
        return None
    lines = [(line, why) for line in shipment.lines if (why := sought_goods(line)) is not None]
    if not lines:
        return None
    described = describe_lines(lines, lambda item: f"line {item[0].number} ({item[0].hs_code}, {item[1]})")
    message = (
        f"A company in {kg_am.countries(shipment)} founded after 24 Feb 2022 buys goods Russia seeks: "
        f"{describe(shipment, young)}; {described}. Check its business background, owners and "
        "customers before release."
    )
    finding = escalation.finding(RULE, message).lines(l for l, _ in lines).parties(young)
    if shipment.as_of < sources.FIN_2023_ALERT004:
        # The incorporation-date flag was published later: cite only the KYC guidance.
        finding = finding.with_legal_basis(f"{sources.KYC} (customer with little or no business background)")
    return finding
# ANCHOR_END: check
