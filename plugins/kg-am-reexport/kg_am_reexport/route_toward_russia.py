"""Rule `kg-am-route-toward-russia`: goods for Kyrgyzstan or Armenia whose route or
parties point on to Russia or Belarus.

BIS "Know Your Customer" guidance (15 CFR 732 Supp. 3) names "the shipping route is
abnormal for the product and destination" as a red flag, and FIN-2022-Alert003 (28 Jun
2022) names Armenia, Georgia, Kazakhstan and Kyrgyzstan among the transshipment points for
Russia. The route the seized goods took: from Kyrgyzstan across Kazakhstan to Russia (14
combat drones intercepted in Nov 2022, more than 3,000 body-armour plates seized in 2023);
Kyrgyzstan, Kazakhstan and Russia share the EAEU customs territory, so no customs border
stops them. Armenia reaches Russia by land only through Georgia.

The document shows (any one is enough):
- the route runs through Kazakhstan or Georgia and on to Russia or Belarus (a later transit
  country or the destination);
- the route passes through Russia or Belarus;
- the destination is Russia or Belarus (goods bought by a Kyrgyz or Armenian company but
  delivered there);
- the consignee, the named end user, an intermediate consignee, a notify party or a payer
  is in Russia or Belarus.
Freight forwarders and banks in Russia are not counted: a carrier's or bank's seat says
little about where the goods go.
"""

from __future__ import annotations

from exportctl_sdk import Finding, PartyRole, Rule, Shipment, country_sets

from . import kg_am, sources
from .indicators import Escalation, Kind, RedFlag
from .parties import label

RULE = Rule(
    "kg-am-route-toward-russia",
    f"{sources.KYC} (shipping route abnormal for the product and destination; red flags to be inquired "
    f"into before export); {sources.ALERT003} transshipment points for Russia/Belarus (Armenia, Georgia, "
    "Kazakhstan, Kyrgyzstan)",
    "goods for Kyrgyzstan or Armenia routed through Kazakhstan or Georgia on to Russia/Belarus, through "
    "Russia/Belarus, or with a party there",
)

# The neighbours the goods cross on the way on to Russia: Kazakhstan (from Kyrgyzstan)
# and Georgia (from Armenia).
HUBS = ("KZ", "GE")

# Other parties whose seat in Russia/Belarus shows where the goods or the money go.
WATCHED_ROLES = (PartyRole.INTERMEDIATE_CONSIGNEE, PartyRole.NOTIFY_PARTY, PartyRole.PAYER)


def route_reasons(shipment: Shipment) -> list[str]:
    """What the route shows, e.g. `the route runs through KZ and on to RU`; Russia or
    Belarus before the hub, or without one, is `the route passes through BY`."""
    russia_belarus = country_sets.RUSSIA_BELARUS
    transit = list(shipment.transit_countries)
    route = transit + [shipment.destination_country]
    hub = next((i for i, c in enumerate(transit) if c in HUBS), None)
    onward = [] if hub is None else [c for c in route[hub + 1 :] if c in russia_belarus]
    # What the onward part does not already say.
    rest = route if not onward else route[:hub]
    reasons = []
    through = [c for c in rest[: len(transit)] if c in russia_belarus]
    if through:
        reasons.append(f"the route passes through {', '.join(through)}")
    if onward:
        reasons.append(f"the route runs through {transit[hub]} and on to {', '.join(onward)}")
    elif shipment.destination_country in russia_belarus:
        reasons.append(f"the destination is {shipment.destination_country}")
    return reasons


def parties_there(shipment: Shipment) -> list[tuple[str, str]]:
    """`(path, description)` of the watched parties in Russia or Belarus."""
    russia_belarus = country_sets.RUSSIA_BELARUS
    candidates = [("consignee", shipment.consignee)]
    if shipment.end_user is not None:
        candidates.append(("end_user", shipment.end_user))
    candidates += [
        (f"other_parties[{i}]", other.party)
        for i, other in enumerate(shipment.other_parties)
        if other.role in WATCHED_ROLES
    ]
    return [
        (path, f"{label(shipment, path, party.name)} in {party.country}")
        for path, party in candidates
        if party.country in russia_belarus
    ]


def _reasons(shipment: Shipment) -> tuple[list[str], list[str]]:
    there = parties_there(shipment)
    return route_reasons(shipment) + [d for _, d in there], [p for p, _ in there]


def flag(shipment: Shipment) -> RedFlag | None:
    """The red flag for the CHPL finding's list (the parties are named by this rule's own
    finding)."""
    reasons, _ = _reasons(shipment)
    if not reasons:
        return None
    return RedFlag(
        Kind.ROUTE_TOWARD_RUSSIA,
        f"{'; '.join(reasons)} (finding `{RULE.id}`)",
    )


def check(shipment: Shipment, escalation: Escalation) -> Finding | None:
    """`review` (or `deny` by setting) naming the parties in Russia/Belarus; `None` when
    neither route nor parties point there. Shipments not for KG/AM are left to other
    policies."""
    if not kg_am.concerns(shipment):
        return None
    reasons, paths = _reasons(shipment)
    if not reasons:
        return None
    message = (
        f"Goods for {kg_am.countries(shipment)} point on to Russia/Belarus: {'; '.join(reasons)}. "
        "Confirm where the goods will be used before release; an export to Russia or Belarus "
        "itself is judged by the Russia/Belarus policies."
    )
    return escalation.finding(RULE, message).parties(paths)
