"""The Common High Priority Items List (CHPL), version of 23 Feb 2024: the 50 HS-6
subheadings the EU, the United States, the United Kingdom and Japan agreed as the items
Russia most needs for its weapons, in tiers 1, 2, 3.A, 3.B, 4.A and 4.B (as
`sdk/src/chpl.rs`).

`ITEMS` is a copy of `sdk/data/chpl/chpl_2024-02-23.csv` as Python data, row for row (the
SDK's tests check it against the file), so nothing is read or parsed when a policy runs:
the sandbox has no files. The EU encodes the list as Annex XL of Reg. (EU) 833/2014 (and
Annex XXX of Reg. (EC) 765/2006); BIS publishes it as the Common High Priority List.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from .hs import HsCode

LIST_VERSION = "23 Feb 2024"
"""The list version embedded, as cited in findings."""

LIST_DATE = date(2024, 2, 23)
"""The day the embedded version was published. Earlier versions (from 2023) held fewer
codes and are not embedded: a policy judging an earlier law date should say so."""

SOURCE = (
    "Common High Priority Items List (EU/US/UK/JP), version of 23 Feb 2024: 50 HS-6 codes "
    "in tiers 1, 2, 3.A, 3.B, 4.A, 4.B (BIS bis.gov/node/6280; EU finance.ec.europa.eu), "
    "embedded from sdk/data/chpl/chpl_2024-02-23.csv"
)
"""Where the embedded list comes from, for `Metadata.sources` (the Rust SDK's text)."""

TIERS = ("1", "2", "3.A", "3.B", "4.A", "4.B")
"""Every tier as the list writes it, most critical first."""

TIER_DEFINITIONS = {
    "1": (
        "Highest concern: critical to Russian precision-guided weapons; "
        "no Russian domestic production; few global manufacturers"
    ),
    "2": "Additional electronics; some Russian domestic production but preference for US/partner sourcing",
    "3.A": "Further electronic components used in Russian weapons systems, broader supplier base",
    "3.B": "Mechanical and other components used in Russian weapons systems",
    "4.A": (
        "Manufacturing, production and quality-testing equipment for electronic components, "
        "circuit boards and modules"
    ),
    "4.B": "CNC machine tools and their components",
}
"""What each tier covers, in the list's own words (the CSV's `tier_definition` column)."""


class ChplItem(NamedTuple):
    """One row of the list."""

    tier: str
    """Its tier: `1`, `2`, `3.A`, `3.B`, `4.A` or `4.B`."""
    hs6: str
    """The HS-6 subheading, digits only (e.g. `854231`)."""
    description: str
    """The HS-2022 subheading text of the code (the CSV's `hs2022_description`), not the
    CHPL's own wording of the item."""

    @property
    def tier_definition(self) -> str:
        """What the item's tier covers."""
        return TIER_DEFINITIONS[self.tier]


# fmt: off
ITEMS: tuple[ChplItem, ...] = (
    ChplItem('1', '854231', 'Electronic integrated circuits; processors and controllers, whether or not combined with memories, converters, logic circuits, amplifiers, clock and timing circuits, or other circuits'),
    ChplItem('1', '854232', 'Electronic integrated circuits; memories'),
    ChplItem('1', '854233', 'Electronic integrated circuits; amplifiers'),
    ChplItem('1', '854239', 'Electronic integrated circuits; n.e.c. in heading no. 8542'),
    ChplItem('2', '851762', 'Communication apparatus (excluding telephone sets or base stations); machines for the reception, conversion and transmission or regeneration of voice, images or other data, including switching and routing apparatus'),
    ChplItem('2', '852691', 'Radio navigational aid apparatus'),
    ChplItem('2', '853221', 'Electrical capacitors; fixed, tantalum'),
    ChplItem('2', '853224', 'Electrical capacitors; fixed, ceramic dielectric, multilayer'),
    ChplItem('2', '854800', 'Electrical parts of machinery or apparatus; not specified or elsewhere included in this chapter'),
    ChplItem('3.A', '847150', 'Units of automatic data processing machines; processing units other than those of item no. 8471.41 or 8471.49, whether or not containing in the same housing one or two of the following types of unit: storage units, input units or output units'),
    ChplItem('3.A', '850440', 'Electrical static converters'),
    ChplItem('3.A', '851769', 'Communication apparatus (excluding telephone sets or base stations); machines for the transmission or reception of voice, images or other data (including wired/wireless networks), n.e.c. in item no. 8517.6'),
    ChplItem('3.A', '852589', 'Television cameras; n.e.c. in item no 8525.8'),
    ChplItem('3.A', '852910', 'Reception and transmission apparatus; aerials and aerial reflectors of all kinds and parts suitable for use therewith'),
    ChplItem('3.A', '852990', 'Reception and transmission apparatus; for use with the apparatus of heading no. 8524 to 8528, excluding aerials and aerial reflectors'),
    ChplItem('3.A', '853669', 'Electrical apparatus; plugs and sockets, for a voltage not exceeding 1000 volts'),
    ChplItem('3.A', '853690', 'Electrical apparatus; n.e.c. in heading no. 8536, for switching or protecting electrical circuits, for a voltage not exceeding 1000 volts'),
    ChplItem('3.A', '854110', 'Electrical apparatus; diodes, other than photosensitive or light-emitting diodes (LED)'),
    ChplItem('3.A', '854121', 'Electrical apparatus; transistors, (other than photosensitive), with a dissipation rate of less than 1W'),
    ChplItem('3.A', '854129', 'Electrical apparatus; transistors, (other than photosensitive), with a dissipation rate of 1W or more'),
    ChplItem('3.A', '854130', 'Electrical apparatus; thyristors, diacs and triacs, other than photosensitive devices'),
    ChplItem('3.A', '854149', 'Electrical apparatus; photosensitive semiconductor devices, diodes other than light emitting diodes and photovoltaic cells whether or not assembled in modules or made up into panels'),
    ChplItem('3.A', '854151', 'Electrical apparatus; photosensitive semiconductor devices, semiconductor-based transducers'),
    ChplItem('3.A', '854159', 'Electrical apparatus; photosensitive semiconductor devices n.e.c. in heading no. 8541'),
    ChplItem('3.A', '854160', 'Crystals; mounted piezo-electric'),
    ChplItem('3.B', '848210', 'Ball bearings'),
    ChplItem('3.B', '848220', 'Bearings; tapered roller bearings, including cone and tapered roller assemblies'),
    ChplItem('3.B', '848230', 'Bearings; spherical roller bearings'),
    ChplItem('3.B', '848250', 'Bearings; cylindrical roller bearings, including cage and roller assemblies n.e.c. in heading no. 8482'),
    ChplItem('3.B', '880730', 'Aircraft and spacecraft; parts of aeroplanes, helicopters or unmanned aircraft n.e.c. in heading no. 8807'),
    ChplItem('3.B', '901310', 'Optical appliances and instruments; telescopic sights for fitting to arms; periscopes; telescopes designed to form parts of machines, appliances, instruments or apparatus of this chapter'),
    ChplItem('3.B', '901380', 'Optical devices, appliances and instruments; n.e.c. in heading no. 9013'),
    ChplItem('3.B', '901420', 'Navigational instruments and appliances; for aeronautical or space navigation (excluding compasses)'),
    ChplItem('3.B', '901480', 'Navigational instruments and appliances; for navigation other than aeronautical or space navigation (excluding direction finding compasses)'),
    ChplItem('4.A', '847180', 'Units of automatic data processing machines; n.e.c. in item no. 8471.50, 8471.60 or 8471.70'),
    ChplItem('4.A', '848610', 'Machines and apparatus of a kind used solely or principally for the manufacture of semiconductor boules or wafers'),
    ChplItem('4.A', '848620', 'Machines and apparatus of a kind used solely or principally for the manufacture of semiconductor devices or of electronic integrated circuits'),
    ChplItem('4.A', '848640', 'Machines and apparatus of a kind used solely or principally for the manufacture or repair of masks and reticles, assembling semiconductor devices or electronic integrated circuits, or for lifting, handling, loading or unloading items of heading 8486'),
    ChplItem('4.A', '853400', 'Circuits; printed'),
    ChplItem('4.A', '854320', 'Electrical machines and apparatus; signal generators'),
    ChplItem('4.A', '902750', 'Instruments and apparatus; using optical radiations (UV, visible, IR), (other than spectrometers, spectrophotometers and spectrographs)'),
    ChplItem('4.A', '903020', 'Oscilloscopes and oscillographs'),
    ChplItem('4.A', '903032', 'Multimeters; for measuring or checking voltage, current, resistance or power, with a recording device'),
    ChplItem('4.A', '903039', 'Instruments and apparatus; for measuring or checking voltage, current, resistance or power, with a recording device (excluding multimeters)'),
    ChplItem('4.A', '903082', 'Instruments and apparatus; for measuring or checking semiconductor wafers or devices (including integrated circuits)'),
    ChplItem('4.B', '845710', 'Machining centres; for working metal'),
    ChplItem('4.B', '845811', 'Lathes; for removing metal, horizontal, numerically controlled'),
    ChplItem('4.B', '845891', 'Lathes; for removing metal, numerically controlled, other than horizontal lathes'),
    ChplItem('4.B', '845961', 'Machine-tools; for milling by removing metal, (not knee-type), numerically controlled'),
    ChplItem('4.B', '846693', 'Parts & accessories suited for use solely/principally with machines of headings 8456-8465; n.e.c. in heading no. 8466'),
)
# fmt: on
"""The 50 items, in the order of the CSV file."""

_TIER_OF = {item.hs6: item.tier for item in ITEMS}


def tier(hs_code: HsCode | str) -> str | None:
    """The tier of the CHPL subheading `hs_code` falls under (`"1"`, `"3.A"`, …), if any.
    National 8- and 10-digit codes fall under their 6-digit subheading. A text is read as
    `HsCode.parse` reads it; text that is no HS code is in no tier."""
    if isinstance(hs_code, str):
        parsed = HsCode.parse(hs_code)
        if parsed is None:
            return None
        hs_code = parsed
    return _TIER_OF.get(hs_code.subheading)


def tier_name(tier_code: str) -> str:
    """The tier as a citation writes it: `Tier 1`, `Tier 3.A`."""
    return f"Tier {tier_code}"


def citation(tiers: Iterable[str]) -> str:
    """The list citation for a legal basis, each tier once, most critical first:
    `CHPL (23 Feb 2024) Tier 1, Tier 3.B`."""
    given = set(tiers)
    unknown = given.difference(TIERS)
    if unknown:
        raise ValueError(f"not CHPL tiers: {sorted(unknown)}")
    shown = ", ".join(tier_name(t) for t in TIERS if t in given)
    return f"CHPL ({LIST_VERSION}) {shown}"
