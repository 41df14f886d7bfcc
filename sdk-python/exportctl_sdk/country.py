"""ISO 3166-1 alpha-2 country codes and the named country sets policies test against
(names, sources and members as `sdk/src/country.rs`)."""

from __future__ import annotations

from dataclasses import dataclass

from ._rust_text import ascii_upper, is_ascii_letters


def parse_country(text: str) -> str | None:
    """The country code in `text` (two ASCII letters, either case), upper-cased; `None` for
    anything else. This checks the shape only: whether the code is assigned is the host's
    job, and it has checked every code of a shipment before a policy sees it."""
    if len(text) == 2 and is_ascii_letters(text):
        return ascii_upper(text)
    return None


@dataclass(frozen=True, slots=True)
class CountrySet:
    """A named, sourced set of countries, e.g. the EU member states. Every set says where
    its membership comes from, so a finding can cite it.

    `"KZ" in country_sets.EAEU` and `country_sets.EAEU.contains("KZ")` ask the same; codes
    compare without regard to ASCII case.
    """

    name: str
    """Short name, e.g. `EU27`."""
    source: str
    """Where the membership comes from, with its date."""
    members: frozenset[str]
    """The members' alpha-2 codes, upper-case."""

    def __post_init__(self) -> None:
        # Any iterable of codes in either case makes a set: a policy's own sets too.
        object.__setattr__(self, "members", frozenset(ascii_upper(c) for c in self.members))

    def contains(self, country: str) -> bool:
        """Whether `country` (an alpha-2 code) is a member."""
        return country in self.members or ascii_upper(country) in self.members

    def __contains__(self, country: object) -> bool:
        return isinstance(country, str) and self.contains(country)


class country_sets:  # noqa: N801 - a namespace, named as in the Rust SDK
    """The country sets export-control rules refer to, each with its source."""

    EU27 = CountrySet(
        name="EU27",
        source="Treaty on European Union Art. 52; membership since 1 Feb 2020 (EU27)",
        members=frozenset(
            "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
        ),
    )
    """The 27 member states of the European Union."""

    EAEU = CountrySet(
        name="EAEU",
        source="Treaty on the Eurasian Economic Union (29 May 2014); members AM, BY, KZ, KG, RU",
        members=frozenset("AM BY KG KZ RU".split()),
    )
    """Member states of the Eurasian Economic Union: no customs border between them."""

    CIS = CountrySet(
        name="CIS",
        source=(
            "CIS Charter (22 Jan 1993) member and participating states: "
            "AM, AZ, BY, KG, KZ, MD, RU, TJ, TM, UZ"
        ),
        members=frozenset("AM AZ BY KG KZ MD RU TJ TM UZ".split()),
    )
    """Participants of the Commonwealth of Independent States (including associate and
    withdrawn-in-practice members still party to CIS agreements)."""

    RUSSIA_BELARUS = CountrySet(
        name="RU/BY",
        source="Reg. (EU) 833/2014 (Russia); Reg. (EC) 765/2006 (Belarus); 15 CFR 746.8",
        members=frozenset({"BY", "RU"}),
    )
    """Russia and Belarus, the destinations of the EU, US and allied sanctions."""

    ANNEX_VIII_PARTNERS = CountrySet(
        name="Annex VIII partners",
        source=(
            "Reg. (EU) 833/2014 Annex VIII (as replaced by Reg. 2024/1745): "
            "US, JP, GB, KR, AU, CA, NZ, NO, CH"
        ),
        members=frozenset("AU CA CH GB JP KR NO NZ US".split()),
    )
    """Partner countries listed in Annex VIII of Reg. (EU) 833/2014: no no-Russia clause is
    needed for sales to them (Art. 12g)."""

    TRANSSHIPMENT_RISK = CountrySet(
        name="FinCEN/BIS transshipment points",
        source="FinCEN & BIS joint alert FIN-2022-Alert003 (28 Jun 2022)",
        members=frozenset("AE AM BR CN GE IL IN KG KZ MX NI RS SG TJ TR TW UZ ZA".split()),
    )
    """The 18 common transshipment points named by FinCEN and BIS."""

    ALL = (EU27, EAEU, CIS, RUSSIA_BELARUS, ANNEX_VIII_PARTNERS, TRANSSHIPMENT_RISK)
    """Every set above, in this order."""
