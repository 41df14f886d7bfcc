"""Every red flag the shipment document shows, in the order findings list them.

The FinCEN/BIS joint alerts (FIN-2022-Alert003, FIN-2023-Alert004) and BIS "Know Your
Customer" guidance (15 CFR 732 Supp. 3) name the indicators; six of them can be read off
the document:

| kind | found by |
|---|---|
| company founded after 24 Feb 2022 | `founded_after_invasion.flag` |
| freight forwarder as end user | `forwarder_as_end_user.flag` |
| route or party toward Russia/Belarus | `route_toward_russia.flag` |
| no no-Russia clause | `no_russia_clause` below (shipments with CHPL lines) |
| payer in a third country | `third_country_payer` below |
| goods outside the buyer's business | `goods_outside_business.flag` |

The first, second, fourth and fifth read the document exactly as `chpl-diversion` does,
wherever the party is, so the CHPL finding of both policies names the same parties. The
count of kinds decides the `deny_at_red_flags` setting.
"""

from __future__ import annotations

from exportctl_sdk import PartyRole, Shipment, country_sets

from . import forwarder_as_end_user, founded_after_invasion, goods_outside_business
from . import route_toward_russia, sources
from .chpl_lines import ChplLines
from .indicators import Kind, RedFlag
from .settings import Settings


def eu_rules_bind(shipment: Shipment, lines: ChplLines) -> bool:
    """Whether EU rules bind the exporter: exporter in the EU, or the goods (shipment or a
    CHPL line) of EU origin, as `chpl-diversion` reads it."""
    eu = country_sets.EU27
    return (
        shipment.exporter.country in eu
        or shipment.origin_country in eu
        or any(item.line.origin_country in eu for item in lines if item.line.origin_country)
    )


def no_russia_clause(shipment: Shipment, lines: ChplLines) -> RedFlag | None:
    """The contract does not show a no-Russia clause (false, not said, or no contract).
    From 20 Mar 2024 it cites Art. 12g of Reg. (EU) 833/2014 where EU rules bind the
    exporter (Annex VIII partner destinations need no clause); from 19 May 2023 it is a
    general red flag of FIN-2023-Alert004; before that it is not flagged. Only for CHPL
    lines, the goods the clause is about."""
    contract = shipment.contract
    clause = contract.no_russia_clause if contract is not None else None
    if not lines or clause is True or shipment.as_of < sources.FIN_2023_ALERT004:
        return None
    if contract is None:
        what = "no contract is given, so no no-Russia clause is shown"
    elif clause is None:
        what = "the contract does not say whether it has a no-Russia clause"
    else:
        what = "the contract has no no-Russia clause"
    eu_bound = eu_rules_bind(shipment, lines)
    if (
        eu_bound
        and shipment.as_of >= sources.ART_12G_FROM
        and shipment.destination_country not in country_sets.ANNEX_VIII_PARTNERS
    ):
        return RedFlag(
            Kind.NO_RUSSIA_CLAUSE,
            f"{what}: required since 20 Mar 2024 when selling Annex XL goods to a third country "
            f"({sources.ART_12G}; Reg. (EC) 765/2006 Art. 8g for Belarus)",
            legal_basis=sources.ART_12G,
        )
    if not eu_bound:
        note = "the Art. 12g obligation does not bind this exporter"
    else:
        note = "the Art. 12g obligation applies from 20 Mar 2024"
    return RedFlag(
        Kind.NO_RUSSIA_CLAUSE,
        f"{what} (a general red flag, FIN-2023-Alert004 of 19 May 2023; {note})",
    )


def third_country_payer(shipment: Shipment) -> RedFlag | None:
    """A party in the `payer` role sits in neither the consignee's nor the end user's
    country: payment from a third country (FIN-2022-Alert003)."""
    buyers = (shipment.consignee.country, shipment.end_user_or_consignee().party.country)
    payers = [
        (i, other.party)
        for i, other in enumerate(shipment.other_parties)
        if other.role == PartyRole.PAYER and other.party.country not in buyers
    ]
    if not payers:
        return None
    described = " and ".join(
        f"payer `{party.name}` (other_parties[{i}]) in {party.country}" for i, party in payers
    )
    return RedFlag(
        Kind.THIRD_COUNTRY_PAYER,
        f"{described}, neither the consignee's nor the end user's country",
        tuple(f"other_parties[{i}]" for i, _ in payers),
    )


def find(
    shipment: Shipment,
    lines: ChplLines,
    settings: Settings,
    goods_fit: goods_outside_business.Assessment,
) -> tuple[RedFlag, ...]:
    """Every red flag of the shipment, one per kind, in `indicators.Kind` order;
    `goods_fit` is the shipment's `goods_outside_business.assess`ment."""
    found = (
        founded_after_invasion.flag(shipment),
        forwarder_as_end_user.flag(shipment, settings.forwarder_name_words),
        route_toward_russia.flag(shipment),
        no_russia_clause(shipment, lines),
        third_country_payer(shipment),
        goods_outside_business.flag(goods_fit),
    )
    return tuple(f for f in found if f is not None)
