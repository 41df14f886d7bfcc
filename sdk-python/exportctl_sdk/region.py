"""Named, sourced sets of ISO 3166-2 subdivisions, for measures that name part of a
country (Crimea, the Ukrainian oblasts) rather than the whole of it (names, sources and
members as `sdk/src/region.rs`).

A shipment gives a party's subdivision as `Party.region`; `CountrySet` is the counterpart
for whole countries.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._rust_text import ascii_upper
from .shipment import Party, PartyRef


@dataclass(frozen=True, slots=True)
class RegionSet:
    """A named, sourced set of ISO 3166-2 subdivision codes (upper-case, e.g. `UA-43`).
    Like a `CountrySet`, every set says where its membership comes from."""

    name: str
    """Short name, e.g. `Crimea and Sevastopol`."""
    source: str
    """Where the membership comes from, with its date."""
    members: frozenset[str]
    """The members' codes, upper-case."""

    def __post_init__(self) -> None:
        # Any iterable of codes in either case makes a set: a policy's own sets too.
        object.__setattr__(self, "members", frozenset(ascii_upper(c) for c in self.members))

    def contains(self, code: str) -> bool:
        """Whether `code` is a member. Codes compare without regard to ASCII case: the host
        upper-cases regions, but a code from elsewhere might not be."""
        return ascii_upper(code) in self.members

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.contains(code)

    def holds(self, party: Party | PartyRef) -> bool:
        """Whether `party` sits in a member region. A party without a region is not in the
        set: the document does not say where in the country it is."""
        if isinstance(party, PartyRef):
            party = party.party
        return party.region is not None and self.contains(party.region)


class region_sets:  # noqa: N801 - a namespace, named as in the Rust SDK
    """The subdivision sets export-control rules refer to, each with its source."""

    CRIMEA_SEVASTOPOL = RegionSet(
        name="Crimea and Sevastopol",
        source=(
            "Reg. (EU) 692/2014 (23 Jun 2014); ISO 3166-2:UA UA-43 "
            "(Autonomous Republic of Crimea), UA-40 (Sevastopol)"
        ),
        members=frozenset({"UA-40", "UA-43"}),
    )
    """The Autonomous Republic of Crimea (`UA-43`) and the city of Sevastopol (`UA-40`)."""

    DONETSK_LUHANSK = RegionSet(
        name="Donetsk and Luhansk oblasts",
        source=(
            "Reg. (EU) 2022/263 (23 Feb 2022): non-government-controlled areas of the "
            "Donetsk and Luhansk oblasts; ISO 3166-2:UA UA-14 (Donetsk), UA-09 (Luhansk)"
        ),
        members=frozenset({"UA-09", "UA-14"}),
    )
    """The Donetsk (`UA-14`) and Luhansk (`UA-09`) oblasts, whose non-government-controlled
    areas Reg. (EU) 2022/263 covers from 23 Feb 2022."""

    ZAPORIZHZHIA_KHERSON = RegionSet(
        name="Zaporizhzhia and Kherson oblasts",
        source=(
            "Reg. (EU) 2022/1903 (6 Oct 2022) amending Reg. (EU) 2022/263; "
            "ISO 3166-2:UA UA-23 (Zaporizhzhia), UA-65 (Kherson)"
        ),
        members=frozenset({"UA-23", "UA-65"}),
    )
    """The Zaporizhzhia (`UA-23`) and Kherson (`UA-65`) oblasts, whose non-government-
    controlled areas Reg. (EU) 2022/1903 added to Reg. (EU) 2022/263 on 6 Oct 2022."""

    ALL = (CRIMEA_SEVASTOPOL, DONETSK_LUHANSK, ZAPORIZHZHIA_KHERSON)
    """Every set above, in this order."""
