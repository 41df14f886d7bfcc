"""Kyrgyzstan and Armenia, and when a shipment is for them.

Both are common transshipment points for Russia named by FIN-2022-Alert003 and members
of the Eurasian Economic Union with Russia and Belarus. A shipment is *for* them when its
destination, its consignee or its named end user is there: goods bought by a Kyrgyz or
Armenian company are watched even when delivered elsewhere (the company decides where
they go next).
"""

from exportctl_sdk import Party, Shipment
from exportctl_sdk.country import CountrySet

from . import sources

KG_AM = CountrySet(
    name="KG/AM",
    source=f"Kyrgyzstan and Armenia: transshipment points of {sources.ALERT003}; EAEU members ({sources.EAEU_TREATY})",
    members=frozenset({"KG", "AM"}),
)

NAMES = {"KG": "Kyrgyzstan", "AM": "Armenia"}


def holds(party: Party | None) -> bool:
    """Whether `party` is in Kyrgyzstan or Armenia."""
    return party is not None and party.country in KG_AM


def reasons(shipment: Shipment) -> list[str]:
    """Why the shipment is for Kyrgyzstan or Armenia, e.g. `destination KG` and
    `end user `Ararat Trade LLC` in AM`; empty when it is not. A party in the destination
    country is not repeated."""
    found = []
    destination = shipment.destination_country
    if destination in KG_AM:
        found.append(f"destination {destination}")
    consignee = shipment.consignee
    if holds(consignee) and consignee.country != destination:
        found.append(f"consignee `{consignee.name}` in {consignee.country}")
    end_user = shipment.end_user
    if holds(end_user) and end_user.country != destination:
        found.append(f"end user `{end_user.name}` in {end_user.country}")
    return found


def concerns(shipment: Shipment) -> bool:
    """Whether the destination, the consignee or the named end user is in KG or AM."""
    return (
        shipment.destination_country in KG_AM
        or holds(shipment.consignee)
        or holds(shipment.end_user)
    )


def countries(shipment: Shipment) -> str:
    """`Kyrgyzstan`, `Armenia` or `Kyrgyzstan and Armenia`: the countries the shipment is for."""
    seen = []
    for country in (
        shipment.destination_country,
        shipment.consignee.country,
        shipment.end_user.country if shipment.end_user is not None else None,
    ):
        if country in KG_AM and NAMES[country] not in seen:
            seen.append(NAMES[country])
    return " and ".join(seen)
