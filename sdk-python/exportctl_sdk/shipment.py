"""The shipment a policy judges: the validated, normalised form of the input document
(`sdk/spec/shipment.md`), as `decode_shipment` reads it from the host's buffer.

The host parses and validates the ERP's document and normalises it (HS codes as digits,
country codes upper-case, dates typed, control codes classified) before any policy sees
it, so a rule compares values without re-checking them. Every part is a frozen
dataclass and every list a tuple: a rule cannot change the shipment another rule reads.
The questions most policies ask (who receives the goods, which licence covers a line)
are methods here, with the Rust SDK's answers (`sdk/src/shipment/`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
import datetime
from decimal import Decimal
from enum import Enum

from ._rust_text import ascii_upper
from .control_code import ControlCode
from .country import CountrySet, country_sets, parse_country
from .hs import HsCode


class TransportMode(Enum):
    """How the goods travel."""

    ROAD = "road"
    RAIL = "rail"
    SEA = "sea"
    AIR = "air"
    POST = "post"
    """By post or courier."""
    PIPELINE = "pipeline"
    OTHER = "other"


class PartyRole(Enum):
    """The role of a party other than exporter, consignee and end user, as the input
    document writes it."""

    FREIGHT_FORWARDER = "freight_forwarder"
    INTERMEDIATE_CONSIGNEE = "intermediate_consignee"
    NOTIFY_PARTY = "notify_party"
    PAYER = "payer"
    """The party paying for the goods."""
    BANK = "bank"
    OTHER = "other"

    @property
    def name_in_text(self) -> str:
        """The role in words, for a message: `freight forwarder`, `intermediate
        consignee`, `notify party`, `payer`, `bank`, `other party`."""
        return "other party" if self is PartyRole.OTHER else self.value.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Party:
    """A party to the shipment."""

    name: str
    """Name as given."""
    country: str
    """ISO 3166-1 alpha-2 code, upper-case."""
    region: str | None = None
    """ISO 3166-2 subdivision, upper-case (e.g. `UA-43`, Crimea)."""
    address: str | None = None
    """Postal address."""
    ids: tuple[tuple[str, str], ...] = ()
    """Registry identifiers as `(key, value)` (`bin`, `inn`, `vat`, …), sorted by key."""
    aliases: tuple[str, ...] = ()
    """Other names the party is known by."""
    registration_date: datetime.date | None = None
    """Date the company was founded."""

    def id(self, key: str) -> str | None:
        """The registry identifier under `key` (`bin`, `inn`, `vat`, …), if given."""
        for k, value in self.ids:
            if k == key:
                return value
        return None

    def names(self) -> tuple[str, ...]:
        """The name and then every alias: what a name comparison looks at."""
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class OtherParty:
    """A party other than exporter, consignee and end user, with its role."""

    role: PartyRole
    party: Party


@dataclass(frozen=True, slots=True)
class PartyRef:
    """A party together with where it sits in the document, for citing it in a finding:
    `path` is `exporter`, `consignee`, `end_user` or `other_parties[i]`, as a finding's
    parties name it."""

    path: str
    party: Party


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of money."""

    amount: Decimal
    """The amount, 0 or more, exact."""
    currency: str
    """ISO 4217 currency code, upper-case."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line item."""

    number: int
    """The line number, unique within the shipment: the number findings cite."""
    description: str
    """What the goods are."""
    hs_code: HsCode
    control_codes: tuple[ControlCode, ...]
    """Control-list classifications, as given and classified."""
    origin_country: str | None
    """Country the goods were made in."""
    quantity: Decimal
    """Quantity, more than 0."""
    unit: str | None
    """Unit of quantity."""
    value: Money
    """Value of the line."""
    us_content_percent: Decimal | None
    """Share of US-origin content in percent, 0–100."""

    @property
    def is_military(self) -> bool:
        """Whether any control code is a military item (`ControlCode.is_military`)."""
        return any(code.is_military for code in self.control_codes)

    @property
    def is_dual_use(self) -> bool:
        """Whether any control code is a dual-use entry (`ControlCode.is_dual_use`)."""
        return any(code.is_dual_use for code in self.control_codes)


@dataclass(frozen=True, slots=True)
class Licence:
    """A licence the shipment cites."""

    id: str
    """Licence number."""
    jurisdiction: str
    """Who issued it: `EU`, `US`, `UK` or an alpha-2 country code, upper-case."""
    lines: tuple[int, ...] | None
    """Line numbers covered; `None` means every line."""
    valid_until: datetime.date | None
    """Last day of validity."""

    def covers(self, jurisdiction: str, line: int | Line, on: datetime.date) -> bool:
        """Whether this licence, issued by `jurisdiction` (either case), covers `line` on
        the day `on`."""
        number = line.number if isinstance(line, Line) else line
        return (
            ascii_upper(self.jurisdiction) == ascii_upper(jurisdiction)
            and (self.lines is None or number in self.lines)
            and (self.valid_until is None or on <= self.valid_until)
        )

    @property
    def is_issued_in_eu(self) -> bool:
        """Whether the licence was issued in the EU: by the Union (`EU`) or by a member
        state's authority (its alpha-2 code, e.g. `DE` for BAFA), either case. EU sanctions
        and dual-use controls are administered by the member states, so an EU
        authorisation is usually cited with a member state as its jurisdiction."""
        if ascii_upper(self.jurisdiction) == "EU":
            return True
        country = parse_country(self.jurisdiction)
        return country is not None and country in country_sets.EU27


@dataclass(frozen=True, slots=True)
class EndUse:
    """The declared end use."""

    statement: str | None = None
    """The end-use statement as given."""
    military: bool | None = None
    """Whether the end use is declared military."""
    sector: str | None = None
    """Industry sector of the end use."""


@dataclass(frozen=True, slots=True)
class Contract:
    """The sales contract."""

    reference: str | None = None
    """Contract reference."""
    date: datetime.date | None = None
    """Date the contract was concluded."""
    no_russia_clause: bool | None = None
    """Whether the contract bans re-export to Russia/Belarus (Art. 12g of Reg. 833/2014)."""


@dataclass(frozen=True, slots=True)
class Shipment:
    """One shipment: an export document with its line items."""

    id: str
    """The ERP's document id."""
    date: datetime.date
    """Date of export."""
    as_of: datetime.date
    """The date whose law applies: `date`, unless the caller asked for another
    (`exportctl check --as-of`). Policies decide what is in force by this date."""
    exporter: Party
    consignee: Party
    end_user: Party | None
    """The end user the document names, if it names one; most rules want
    `end_user_or_consignee()`, which falls back to the consignee."""
    other_parties: tuple[OtherParty, ...]
    """Forwarders, intermediate consignees, banks and other parties, in document order."""
    origin_country: str
    """Country the goods are exported from."""
    destination_country: str
    """Country of final destination."""
    transit_countries: tuple[str, ...]
    """Countries crossed, in order of travel, excluding origin and destination."""
    transport_mode: TransportMode | None
    end_use: EndUse | None
    contract: Contract | None
    licences: tuple[Licence, ...]
    lines: tuple[Line, ...]
    """The line items (at least one)."""

    def parties(self) -> Iterator[PartyRef]:
        """Every party with its path: exporter, consignee, end user (if named), others."""
        yield PartyRef("exporter", self.exporter)
        yield PartyRef("consignee", self.consignee)
        if self.end_user is not None:
            yield PartyRef("end_user", self.end_user)
        for i, other in enumerate(self.other_parties):
            yield PartyRef(f"other_parties[{i}]", other.party)

    def receiving_parties(self) -> Iterator[PartyRef]:
        """The parties that receive the goods: the consignee, the named end user (if any)
        and every intermediate consignee, in that order. The exporter, forwarders, banks,
        payers and notify parties do not receive them."""
        yield PartyRef("consignee", self.consignee)
        if self.end_user is not None:
            yield PartyRef("end_user", self.end_user)
        for i, other in enumerate(self.other_parties):
            if other.role is PartyRole.INTERMEDIATE_CONSIGNEE:
                yield PartyRef(f"other_parties[{i}]", other.party)

    def end_user_or_consignee(self) -> PartyRef:
        """The end user: the named one, or the consignee when none is named (as the input
        format defines), with its path for citing it (Rust's `end_user()`)."""
        if self.end_user is not None:
            return PartyRef("end_user", self.end_user)
        return PartyRef("consignee", self.consignee)

    def role_name(self, path: str | PartyRef) -> str:
        """How a message names the role of the party at `path`: `exporter`, `consignee`,
        `end user`, or another party's role in words (`intermediate consignee`, …; `other
        party` for an index the shipment does not have)."""
        path = path.path if isinstance(path, PartyRef) else path
        fixed = {"exporter": "exporter", "consignee": "consignee", "end_user": "end user"}
        if path in fixed:
            return fixed[path]
        index = _other_party_index(path)
        if index is None:
            raise ValueError(
                f"{path!r} is not a party path (exporter, consignee, end_user, other_parties[i])"
            )
        if index < len(self.other_parties):
            return self.other_parties[index].role.name_in_text
        return PartyRole.OTHER.name_in_text

    def transits(self, country: str) -> bool:
        """Whether the goods cross `country` (an alpha-2 code) on the way."""
        return ascii_upper(country) in self.transit_countries

    def transit_countries_in(self, countries: CountrySet) -> list[str]:
        """The transit countries that are in `countries`, in order of travel."""
        return [c for c in self.transit_countries if countries.contains(c)]

    def licence_covers(self, jurisdiction: str, line_number: int) -> bool:
        """Whether a licence issued by `jurisdiction` covers the line on the shipment's
        date."""
        return any(l.covers(jurisdiction, line_number, self.date) for l in self.licences)

    def eu_licence_covering(self, line_number: int) -> Licence | None:
        """The first licence issued in the EU (`Licence.is_issued_in_eu`) that covers the
        line on the shipment's date: its lines include it or are absent, and it has not
        expired. `licence_covers` checks one jurisdiction; this one accepts the Union and
        each of its member states."""
        for licence in self.licences:
            if licence.is_issued_in_eu and licence.covers(
                licence.jurisdiction, line_number, self.date
            ):
                return licence
        return None


def _other_party_index(path: str) -> int | None:
    # `other_parties[3]` -> 3; one spelling per party, as the host checks paths.
    prefix, suffix = "other_parties[", "]"
    if not (path.startswith(prefix) and path.endswith(suffix)):
        return None
    index = path[len(prefix) : -len(suffix)]
    if not (index.isascii() and index.isdigit()) or str(int(index)) != index:
        return None
    return int(index)
