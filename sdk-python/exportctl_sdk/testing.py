"""Helpers for the pytest tests of a policy's rules: shipments built in a line, without
writing a document or a buffer (`shipment`, `party`, `line`, `licence`), the policy run
as the host runs it (`evaluate`), the cross-language canonical form of a shipment
(`canonical`), and a writer of wire format 2 (`encode`) for round trips through the
reader.

A test states only what matters to it; the rest is a fixed, valid shipment:

    s = testing.shipment(route="DE>PL>BY>KZ", end_user=testing.party("AO Zavod", "RU"),
                         lines=[testing.line(1, "8542.31", control_codes=["3A991.a"])])
    assert [f.rule for f in testing.evaluate(MyPolicy, s)] == ["chips-via-russia"]
"""

from __future__ import annotations

import dataclasses
import datetime
import struct
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from .control_code import ControlCode
from .country import parse_country
from .finding import Finding
from .hs import HsCode
from .policy import Policy, configure
from .shipment import (
    Contract,
    EndUse,
    Licence,
    Line,
    Money,
    OtherParty,
    Party,
    PartyRole,
    Shipment,
    TransportMode,
)
from .wire import (
    ABSENT,
    CONSIGNEE_AT,
    COUNTRY_SIZE,
    END_USER_AT,
    EXPORTER_AT,
    HAS_CONTRACT,
    HAS_END_USE,
    HAS_END_USER,
    HEADER,
    ID_SIZE,
    KIND_SHIPMENT,
    LICENCE,
    LICENCE_LISTS_LINES,
    LINE,
    LINE_HAS_US_CONTENT,
    MAGIC,
    PARTY,
    ROLES,
    SHIPMENT_SIZE,
    STR_SIZE,
    TRANSPORT_MODES,
    U32_SIZE,
    WIRE_FORMAT,
    decode_shipment,
)

DEFAULT_DATE = datetime.date(2024, 6, 3)
"""The date of a built shipment that names none."""

# Builders.


def party(
    name: str = "Party",
    country: str = "DE",
    *,
    region: str | None = None,
    address: str | None = None,
    ids: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    aliases: Iterable[str] = (),
    registration_date: datetime.date | str | None = None,
) -> Party:
    """A party, normalised as the host normalises it: country and region upper-case, ids
    sorted by key (give them as a dict or pairs), dates as ISO text or `date`."""
    pairs = ids.items() if isinstance(ids, Mapping) else ids
    return Party(
        name=name,
        country=_country(country),
        region=region.upper() if region is not None else None,
        address=address,
        ids=tuple(sorted(pairs)),
        aliases=tuple(aliases),
        registration_date=_date(registration_date),
    )


def line(
    number: int = 1,
    hs_code: str | HsCode = "940360",
    *,
    description: str = "Goods",
    control_codes: Iterable[str | ControlCode] = (),
    origin_country: str | None = None,
    quantity: Decimal | int | str = 1,
    unit: str | None = "pcs",
    value: Money | Decimal | int | str = "100.00",
    currency: str = "EUR",
    us_content_percent: Decimal | int | str | None = None,
) -> Line:
    """A line item: HS code as any text `HsCode.parse` reads (`"8542.31"`), control codes as
    written on a document (`"3A991.a"`), amounts as text or numbers (exact), the value
    either as `Money` or as an amount in `currency`."""
    code = hs_code if isinstance(hs_code, HsCode) else HsCode.parse(hs_code)
    if code is None:
        raise ValueError(f"{hs_code!r} is not a 6–10 digit HS code")
    money = value if isinstance(value, Money) else Money(Decimal(value), currency.upper())
    return Line(
        number=number,
        description=description,
        hs_code=code,
        control_codes=tuple(
            c if isinstance(c, ControlCode) else ControlCode(c) for c in control_codes
        ),
        origin_country=_country(origin_country) if origin_country is not None else None,
        quantity=Decimal(quantity),
        unit=unit,
        value=money,
        us_content_percent=Decimal(us_content_percent) if us_content_percent is not None else None,
    )


def licence(
    id: str = "L-1",
    jurisdiction: str = "EU",
    *,
    lines: Iterable[int] | None = None,
    valid_until: datetime.date | str | None = None,
) -> Licence:
    """A licence; `lines=None` covers every line."""
    return Licence(
        id=id,
        jurisdiction=jurisdiction.upper(),
        lines=tuple(lines) if lines is not None else None,
        valid_until=_date(valid_until),
    )


def shipment(*, route: str | None = None, **fields: Any) -> Shipment:
    """A valid shipment: `T-1` of 3 Jun 2024, from an exporter in DE to a consignee in KZ,
    one line of furniture (HS 9403.60), with any field of `Shipment` given instead.

    `route="DE>PL>BY>KZ"` sets origin, transit countries and destination, and places the
    exporter and consignee in the first and last country. Dates may be ISO text; `as_of`
    defaults to `date`. `other_parties` may be `(role, party)` pairs with the role as text
    (`("freight_forwarder", party("Silk Road", "KZ"))`), `transport_mode`, `end_use` and
    `contract` text or dicts of their fields. An unknown field is a `TypeError`.
    """
    origin, destination, transit = "DE", "KZ", tuple[str, ...]()
    if route is not None:
        stops = [_country(c) for c in route.split(">")]
        origin, destination, transit = stops[0], stops[-1], tuple(stops[1:-1])
    when = _day(fields.pop("date", DEFAULT_DATE))
    built = Shipment(
        id="T-1",
        date=when,
        as_of=when,
        exporter=party("Exporter", origin),
        consignee=party("Consignee", destination),
        end_user=None,
        other_parties=(),
        origin_country=origin,
        destination_country=destination,
        transit_countries=transit,
        transport_mode=None,
        end_use=None,
        contract=None,
        licences=(),
        lines=(line(),),
    )
    return dataclasses.replace(
        built, **{name: _field(name, value) for name, value in fields.items()}
    )


def _field(name: str, value: Any) -> Any:
    # The forms `shipment()` accepts for a field, as the field's type.
    if name == "as_of":
        return _day(value)
    if name in ("origin_country", "destination_country"):
        return _country(value)
    if name == "transit_countries":
        return tuple(_country(c) for c in value)
    if name == "transport_mode" and isinstance(value, str):
        return TransportMode(value)
    if name == "end_use" and isinstance(value, Mapping):
        return EndUse(**value)
    if name == "contract" and isinstance(value, Mapping):
        return Contract(
            value.get("reference"), _date(value.get("date")), value.get("no_russia_clause")
        )
    if name == "other_parties":
        return tuple(
            o if isinstance(o, OtherParty) else OtherParty(PartyRole(o[0]), o[1]) for o in value
        )
    if name in ("licences", "lines"):
        return tuple(value)
    return value


def _country(code: str) -> str:
    country = parse_country(code)
    if country is None:
        raise ValueError(f"{code!r} is not an alpha-2 country code")
    return country


def _date(value: datetime.date | str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _day(value: datetime.date | str) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


# Running a policy.


def evaluate(policy: Policy | type[Policy], shipment: Shipment) -> list[Finding]:
    """The findings of `policy` (an instance, or a class built with its default settings)
    on `shipment`, as the host would receive them: the shipment first goes through the
    wire format, and each finding is cut to the host's limits and checked as the host
    checks it (a declared rule, a non-blank message, lines and parties of the shipment),
    failing the test with an `AssertionError` where the host would fail the policy."""
    if isinstance(policy, type):
        policy = configure(policy, {})
    received = decode_shipment(encode(shipment))
    findings = policy.evaluate(received)
    assert findings is not None, (
        "evaluate returned None: return the findings (an empty list for none)"
    )
    declared = {rule.id for rule in type(policy).rules}
    numbers = {l.number for l in received.lines}
    paths = {p.path for p in received.parties()}
    checked = []
    for i, finding in enumerate(findings):
        assert isinstance(finding, Finding), (
            f"finding {i} is a {type(finding).__name__}, not a Finding"
        )
        assert finding.rule in declared, (
            f"finding {i}: rule `{finding.rule}` is not in the policy's rules"
        )
        assert finding.message.strip(), f"finding {i}: the message is blank"
        unknown_lines = [n for n in finding.line_numbers if n not in numbers]
        assert not unknown_lines, (
            f"finding {i}: lines {unknown_lines} are not lines of the shipment"
        )
        unknown_parties = [p for p in finding.party_paths if p not in paths]
        assert not unknown_parties, (
            f"finding {i}: {unknown_parties} are not parties of the shipment"
        )
        checked.append(finding.within_host_limits())
    return checked


# The canonical form.


def canonical(shipment: Shipment) -> dict[str, Any]:
    """The shipment as plain JSON values, the form the cross-language golden test compares
    (`sdk/tests/golden/full.values.json`): dates ISO, decimals as text keeping their scale,
    HS codes as digits, control codes as the lists print them (`3A991.a`, `ML13.d`: what
    the Rust SDK's `Display` shows, and the Rust side of the test writes), absent values
    `None`."""

    def text(d: Decimal | None) -> str | None:
        return None if d is None else format(d, "f")

    def day(d: datetime.date | None) -> str | None:
        return None if d is None else d.isoformat()

    def person(p: Party | None) -> dict[str, Any] | None:
        if p is None:
            return None
        return {
            "name": p.name,
            "country": p.country,
            "region": p.region,
            "address": p.address,
            "ids": [[k, v] for k, v in p.ids],
            "aliases": list(p.aliases),
            "registration_date": day(p.registration_date),
        }

    end_use, contract = shipment.end_use, shipment.contract
    return {
        "id": shipment.id,
        "date": day(shipment.date),
        "as_of": day(shipment.as_of),
        "origin_country": shipment.origin_country,
        "destination_country": shipment.destination_country,
        "transport_mode": shipment.transport_mode.value if shipment.transport_mode else None,
        "transit_countries": list(shipment.transit_countries),
        "exporter": person(shipment.exporter),
        "consignee": person(shipment.consignee),
        "end_user": person(shipment.end_user),
        "other_parties": [
            {"role": o.role.value, "party": person(o.party)} for o in shipment.other_parties
        ],
        "end_use": None
        if end_use is None
        else {
            "statement": end_use.statement,
            "military": end_use.military,
            "sector": end_use.sector,
        },
        "contract": None
        if contract is None
        else {
            "reference": contract.reference,
            "date": day(contract.date),
            "no_russia_clause": contract.no_russia_clause,
        },
        "licences": [
            {
                "id": l.id,
                "jurisdiction": l.jurisdiction,
                "lines": None if l.lines is None else list(l.lines),
                "valid_until": day(l.valid_until),
            }
            for l in shipment.licences
        ],
        "lines": [
            {
                "line": l.number,
                "description": l.description,
                "hs_code": l.hs_code.digits,
                "control_codes": [c.printed for c in l.control_codes],
                "origin_country": l.origin_country,
                "quantity": text(l.quantity),
                "unit": l.unit,
                "value": {"amount": text(l.value.amount), "currency": l.value.currency},
                "us_content_percent": text(l.us_content_percent),
            }
            for l in shipment.lines
        ],
    }


# The writer.


def encode(shipment: Shipment) -> bytes:
    """The shipment in wire format 2, laid out byte for byte as the host's writer lays it
    out (`sdk/src/validated/encode.rs`): records front to back, each table where it is
    first needed, strings appended to the heap in the order they are written."""
    writer = _Writer(_records_size(shipment))
    writer.shipment(shipment)
    return writer.finish()


def _records_size(s: Shipment) -> int:
    # What the writer will fill, computed first so it writes in place (as in Rust).
    def tables(p: Party) -> int:
        return len(p.ids) * ID_SIZE + len(p.aliases) * STR_SIZE

    return (
        HEADER.size
        + SHIPMENT_SIZE
        + tables(s.exporter)
        + tables(s.consignee)
        + (tables(s.end_user) if s.end_user is not None else 0)
        + sum(PARTY.size + tables(o.party) for o in s.other_parties)
        + len(s.transit_countries) * COUNTRY_SIZE
        + sum(LICENCE.size + len(l.lines or ()) * U32_SIZE for l in s.licences)
        + sum(LINE.size + len(l.control_codes) * STR_SIZE for l in s.lines)
    )


def _decimal_words(value: Decimal) -> tuple[int, int, int, int]:
    """rust_decimal's 16-byte form: flags (scale, sign), then the 96-bit mantissa's three
    32-bit words, low first."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"{value} is not a finite decimal")
    mantissa = int("".join(map(str, digits)))
    scale = -exponent if exponent < 0 else 0
    mantissa *= 10 ** max(exponent, 0)
    if scale > 28 or mantissa >= 1 << 96:
        raise ValueError(f"{value} does not fit a 96-bit mantissa with scale 0–28")
    mask = 0xFFFF_FFFF
    return (scale << 16) | (sign << 31), mantissa & mask, (mantissa >> 32) & mask, mantissa >> 64


class _Writer:
    """A buffer being written: records into their zeroed region, strings onto the heap."""

    def __init__(self, records_size: int) -> None:
        self.records = bytearray(records_size)
        self.heap = bytearray()
        self.next_table = HEADER.size + SHIPMENT_SIZE

    def table(self, at: int, count: int, size: int) -> int:
        """Takes room for a table, points the reference at `at` to it, returns its start."""
        start = self.next_table
        self.next_table += count * size
        struct.pack_into("<II", self.records, at, start, count)
        return start

    def string(self, at: int, text: str) -> None:
        encoded = text.encode("utf-8")
        struct.pack_into("<II", self.records, at, len(self.heap), len(encoded))
        self.heap += encoded

    def opt_string(self, at: int, text: str | None) -> None:
        if text is None:
            struct.pack_into("<I", self.records, at, ABSENT)
        else:
            self.string(at, text)

    def date(self, at: int, day: datetime.date | None) -> None:
        if day is not None:
            struct.pack_into("<HBB", self.records, at, day.year, day.month, day.day)

    def country(self, at: int, code: str | None) -> None:
        if code is not None:
            self.records[at : at + 2] = code.encode("ascii")

    def opt_bool(self, at: int, value: bool | None) -> None:
        self.records[at] = 0 if value is None else 2 if value else 1

    def decimal(self, at: int, value: Decimal) -> None:
        struct.pack_into("<IIII", self.records, at, *_decimal_words(value))

    def shipment(self, s: Shipment) -> None:
        at = HEADER.size
        self.string(at, s.id)
        self.date(at + 8, s.date)
        self.date(at + 12, s.as_of)
        self.country(at + 16, s.origin_country)
        self.country(at + 18, s.destination_country)
        self.records[at + 20] = TRANSPORT_MODES.index(s.transport_mode)
        self.records[at + 21] = (
            (HAS_END_USER if s.end_user is not None else 0)
            | (HAS_END_USE if s.end_use is not None else 0)
            | (HAS_CONTRACT if s.contract is not None else 0)
        )
        end_use = s.end_use or EndUse()
        self.opt_bool(at + 22, end_use.military)
        self.opt_string(at + 24, end_use.statement)
        self.opt_string(at + 32, end_use.sector)
        contract = s.contract or Contract()
        self.opt_bool(at + 23, contract.no_russia_clause)
        self.opt_string(at + 40, contract.reference)
        self.date(at + 48, contract.date)
        self.party(at + EXPORTER_AT, s.exporter, None)
        self.party(at + CONSIGNEE_AT, s.consignee, None)
        if s.end_user is not None:
            self.party(at + END_USER_AT, s.end_user, None)
        else:
            # An absent end user's strings are absent too, so the record reads as "no
            # party" in any reader that looks.
            for field in (0, 8, 16):
                self.opt_string(at + END_USER_AT + field, None)
        others = self.table(at + 56, len(s.other_parties), PARTY.size)
        for i, other in enumerate(s.other_parties):
            self.party(others + i * PARTY.size, other.party, other.role)
        transit = self.table(at + 64, len(s.transit_countries), COUNTRY_SIZE)
        for i, country in enumerate(s.transit_countries):
            self.country(transit + i * COUNTRY_SIZE, country)
        licences = self.table(at + 72, len(s.licences), LICENCE.size)
        for i, licence in enumerate(s.licences):
            self.licence(licences + i * LICENCE.size, licence)
        lines = self.table(at + 80, len(s.lines), LINE.size)
        for i, item in enumerate(s.lines):
            self.line(lines + i * LINE.size, item)

    def party(self, at: int, p: Party, role: PartyRole | None) -> None:
        self.string(at, p.name)
        self.opt_string(at + 8, p.region)
        self.opt_string(at + 16, p.address)
        ids = self.table(at + 24, len(p.ids), ID_SIZE)
        for i, (key, value) in enumerate(p.ids):
            self.string(ids + i * ID_SIZE, key)
            self.string(ids + i * ID_SIZE + STR_SIZE, value)
        aliases = self.table(at + 32, len(p.aliases), STR_SIZE)
        for i, alias in enumerate(p.aliases):
            self.string(aliases + i * STR_SIZE, alias)
        self.date(at + 40, p.registration_date)
        self.country(at + 44, p.country)
        self.records[at + 46] = ROLES.index(role)

    def licence(self, at: int, l: Licence) -> None:
        self.string(at, l.id)
        self.string(at + 8, l.jurisdiction)
        if l.lines is not None:
            start = self.table(at + 16, len(l.lines), U32_SIZE)
            struct.pack_into(f"<{len(l.lines)}I", self.records, start, *l.lines)
            self.records[at + 28] = LICENCE_LISTS_LINES
        self.date(at + 24, l.valid_until)

    def line(self, at: int, l: Line) -> None:
        struct.pack_into("<I", self.records, at, l.number)
        self.string(at + 4, l.description)
        digits = l.hs_code.digits.encode("ascii")
        self.records[at + 12 : at + 12 + len(digits)] = digits
        self.records[at + 22] = len(digits)
        self.country(at + 24, l.origin_country)
        codes = self.table(at + 28, len(l.control_codes), STR_SIZE)
        for i, code in enumerate(l.control_codes):
            self.string(codes + i * STR_SIZE, code.kept)
        self.opt_string(at + 36, l.unit)
        self.string(at + 44, l.value.currency)
        self.decimal(at + 52, l.quantity)
        self.decimal(at + 68, l.value.amount)
        if l.us_content_percent is not None:
            self.decimal(at + 84, l.us_content_percent)
            self.records[at + 23] = LINE_HAS_US_CONTENT

    def finish(self) -> bytes:
        if self.next_table != len(self.records):
            raise AssertionError("the records do not fill the size computed for them")
        HEADER.pack_into(
            self.records, 0, MAGIC, WIRE_FORMAT, KIND_SHIPMENT, len(self.records), len(self.heap)
        )
        return bytes(self.records + self.heap)
