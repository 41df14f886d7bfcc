"""Reading the shipment wire format, version 2 (`sdk/spec/wire.md`): the one buffer the
host hands every policy.

The layout is fixed-width little-endian records (a 16-byte header, the shipment record,
then tables of parties, lines, licences and lists), followed by one UTF-8 string heap
every string points into. `decode_shipment` walks it once, checking everything the Rust
reader checks (`sdk/src/wire/read.rs`), and builds the `Shipment`. Each record is read
with one precompiled `struct` call, so a five-line shipment decodes in tens of
microseconds. Any damaged or foreign buffer raises `WireError`, and nothing else: the
plugin's call then fails and the host fails the policy closed, never misreading.
"""

from __future__ import annotations

import datetime
import struct
from decimal import Decimal

from .control_code import ControlCode
from .hs import HsCode
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

WIRE_FORMAT = 2
"""The version of the format this SDK reads."""

MAGIC = b"XSHP"
"""The first four bytes of every buffer."""

KIND_SHIPMENT = 1
"""`kind` of a buffer holding a shipment."""

ABSENT = 0xFFFF_FFFF
"""The heap offset of an absent string."""

# Records as `struct` formats, field for field as wire.md's tables (dates are `HBB`:
# year, month, day; strings and tables `II`: offset, length or count).
HEADER = struct.Struct("<4sHHII")
SHIPMENT = struct.Struct("<II HBB HBB 2s2s BBBB II II II HBB 4x II II II II")
PARTY = struct.Struct("<II II II II II HBB 2s B x")
LICENCE = struct.Struct("<II II II HBB B 3x")
LINE = struct.Struct("<I II 10s BB 2s 2x II II II IIII IIII IIII")

# Where the parts of the shipment record lie, from its start.
EXPORTER_AT = 88
CONSIGNEE_AT = 136
END_USER_AT = 184
SHIPMENT_SIZE = 232

# Presence bits of the shipment record, and flags of licences and lines.
HAS_END_USER, HAS_END_USE, HAS_CONTRACT = 1, 2, 4
LICENCE_LISTS_LINES = 1
LINE_HAS_US_CONTENT = 1

# Sizes of table elements besides records: a string, a country, a line number, an id
# (key and value strings).
STR_SIZE = 8
COUNTRY_SIZE = 2
U32_SIZE = 4
ID_SIZE = 16

# Transport modes and party roles by their number on the wire; 0 is "not given" / a
# fixed party (exporter, consignee, end user).
TRANSPORT_MODES = (None, *TransportMode)
ROLES = (None, *PartyRole)
_OTHER_ROLES = tuple(PartyRole)

# Only the sign (bit 31) and the scale (bits 16–23) of a decimal's flags may be set.
_DECIMAL_OTHER_BITS = ~0x80FF_0000 & 0xFFFF_FFFF


class WireError(Exception):
    """Why bytes cannot be read as a shipment in wire format 2."""


def decode_shipment(data: bytes | bytearray | memoryview) -> Shipment:
    """The shipment in `data`, checked whole: raises `WireError` for anything the format
    does not allow (wire.md, "What a reader checks")."""
    return _Decoder(bytes(data)).shipment()


class _Decoder:
    """One walk over a buffer: checks each field as it reads it."""

    def __init__(self, data: bytes) -> None:
        if len(data) < HEADER.size:
            raise WireError(f"{len(data)} bytes, shorter than the header")
        magic, version, kind, records_len, heap_len = HEADER.unpack_from(data)
        if magic != MAGIC:
            raise WireError(
                "not a version 2 shipment buffer (no `XSHP` magic): the plugin was built for "
                "another wire format"
            )
        if version != WIRE_FORMAT:
            raise WireError(f"wire format {version}, this plugin reads format {WIRE_FORMAT}")
        if kind != KIND_SHIPMENT:
            raise WireError(f"buffer kind {kind}, expected {KIND_SHIPMENT}")
        if records_len + heap_len != len(data) or records_len < HEADER.size:
            raise WireError(
                f"lengths {records_len} + {heap_len} do not add up to the buffer's {len(data)} bytes"
            )
        self.data = data
        self.records_len = records_len
        self.heap = data[records_len:]
        try:
            # Checked whole once: afterwards a string slice fails to decode only where it
            # does not start and end on character boundaries.
            self.heap.decode("utf-8")
        except UnicodeDecodeError as e:
            raise WireError(f"string heap: {e.reason} at byte {e.start}") from None

    # Primitive fields.

    def room(self, at: int, size: int) -> None:
        if at + size > self.records_len:
            raise WireError(f"record out of bounds at byte {at}")

    def string(self, offset: int, length: int, at: int) -> str:
        text = self.optional_string(offset, length, at)
        if text is None:
            raise WireError(f"missing string at byte {at}")
        return text

    def optional_string(self, offset: int, length: int, at: int) -> str | None:
        if offset == ABSENT:
            return None
        if offset + length > len(self.heap):
            raise WireError(f"string outside the heap at byte {at}")
        try:
            return self.heap[offset : offset + length].decode("utf-8")
        except UnicodeDecodeError:
            raise WireError(f"string not on character boundaries at byte {at}") from None

    def country(self, code: bytes, at: int) -> str:
        if not (code.isalpha() and code.isupper()):
            raise WireError(f"not an upper-case alpha-2 country code at byte {at}")
        return code.decode("ascii")

    def optional_country(self, code: bytes, at: int) -> str | None:
        return None if code == b"\0\0" else self.country(code, at)

    def date(self, year: int, month: int, day: int, at: int) -> datetime.date:
        try:
            return datetime.date(year, month, day)
        except ValueError:
            # Years past 9999 exist in the format but not in Python; the host writes none.
            raise WireError(f"not a date at byte {at}") from None

    def optional_date(self, year: int, month: int, day: int, at: int) -> datetime.date | None:
        if year == month == day == 0:
            return None
        return self.date(year, month, day, at)

    def decimal(self, flags: int, lo: int, mid: int, hi: int, at: int) -> Decimal:
        scale = (flags >> 16) & 0xFF
        if flags & _DECIMAL_OTHER_BITS or scale > 28:
            raise WireError(f"not a decimal at byte {at}")
        mantissa = (hi << 64) | (mid << 32) | lo
        sign = "-" if flags >> 31 else ""
        # Built from text, not by arithmetic, so the decimal context never rounds it: a
        # 96-bit mantissa has up to 29 digits, one more than the default precision.
        return Decimal(f"{sign}{mantissa}E-{scale}")

    def optional_bool(self, value: int, at: int) -> bool | None:
        if value > 2:
            raise WireError(f"not an optional bool at byte {at}")
        return None if value == 0 else value == 2

    def table(self, start: int, count: int, size: int, at: int) -> int:
        """Checks the table at `at` (`count` elements of `size` bytes from `start`) and
        returns its count. An empty table's offset is not read."""
        if count and (start < HEADER.size or start + count * size > self.records_len):
            raise WireError(f"table out of bounds at byte {at}")
        return count

    def strings(self, start: int, count: int, at: int) -> tuple[str, ...]:
        self.table(start, count, STR_SIZE, at)
        if not count:
            return ()
        refs = struct.unpack_from(f"<{2 * count}I", self.data, start)
        return tuple(
            self.string(refs[i], refs[i + 1], start + i * 4) for i in range(0, 2 * count, 2)
        )

    # Records.

    def shipment(self) -> Shipment:
        at = HEADER.size
        self.room(at, SHIPMENT_SIZE)
        (
            id_off, id_len, y, m, d, ay, am, ad, origin, destination, mode, present,
            military, no_russia_clause, statement_off, statement_len, sector_off, sector_len,
            reference_off, reference_len, cy, cm, cd, others_at, others_n, transit_at,
            transit_n, licences_at, licences_n, lines_at, lines_n,
        ) = SHIPMENT.unpack_from(self.data, at)  # fmt: skip
        if mode >= len(TRANSPORT_MODES):
            raise WireError(f"not a transport mode at byte {at + 20}")
        # The end use's and contract's fields are checked whether or not the presence bits
        # say they are given, as the Rust reader checks them.
        end_use = EndUse(
            self.optional_string(statement_off, statement_len, at + 24),
            self.optional_bool(military, at + 22),
            self.optional_string(sector_off, sector_len, at + 32),
        )
        contract = Contract(
            self.optional_string(reference_off, reference_len, at + 40),
            self.optional_date(cy, cm, cd, at + 48),
            self.optional_bool(no_russia_clause, at + 23),
        )
        return Shipment(
            id=self.string(id_off, id_len, at),
            date=self.date(y, m, d, at + 8),
            as_of=self.date(ay, am, ad, at + 12),
            exporter=self.party(at + EXPORTER_AT),
            consignee=self.party(at + CONSIGNEE_AT),
            end_user=self.party(at + END_USER_AT) if present & HAS_END_USER else None,
            other_parties=tuple(
                self.other_party(others_at + i * PARTY.size)
                for i in range(self.table(others_at, others_n, PARTY.size, at + 56))
            ),
            origin_country=self.country(origin, at + 16),
            destination_country=self.country(destination, at + 18),
            transit_countries=self.countries(transit_at, transit_n, at + 64),
            transport_mode=TRANSPORT_MODES[mode],
            end_use=end_use if present & HAS_END_USE else None,
            contract=contract if present & HAS_CONTRACT else None,
            licences=tuple(
                self.licence(licences_at + i * LICENCE.size)
                for i in range(self.table(licences_at, licences_n, LICENCE.size, at + 72))
            ),
            lines=tuple(
                self.line(lines_at + i * LINE.size)
                for i in range(self.table(lines_at, lines_n, LINE.size, at + 80))
            ),
        )

    def countries(self, start: int, count: int, at: int) -> tuple[str, ...]:
        self.table(start, count, COUNTRY_SIZE, at)
        codes = self.data[start : start + count * COUNTRY_SIZE]
        return tuple(
            self.country(codes[i : i + 2], start + i) for i in range(0, len(codes), COUNTRY_SIZE)
        )

    def party(self, at: int) -> Party:
        """The exporter, consignee or end user at `at` (role 0)."""
        return self.party_record(at, other=False)[1]

    def other_party(self, at: int) -> OtherParty:
        """A party other than exporter, consignee and end user at `at` (role 1–6)."""
        role, party = self.party_record(at, other=True)
        return OtherParty(_OTHER_ROLES[role - 1], party)

    def party_record(self, at: int, other: bool) -> tuple[int, Party]:
        """The party record at `at` and its role number, checked: 1–6 for an other party,
        0 for the exporter, consignee and end user."""
        self.room(at, PARTY.size)
        (
            name_off, name_len, region_off, region_len, address_off, address_len,
            ids_at, ids_n, aliases_at, aliases_n, y, m, d, country, role,
        ) = PARTY.unpack_from(self.data, at)  # fmt: skip
        if not (0 < role < len(ROLES) if other else role == 0):
            raise WireError(f"not a party role at byte {at + 46}")
        self.table(ids_at, ids_n, ID_SIZE, at + 24)
        ids: tuple[tuple[str, str], ...] = ()
        if ids_n:
            refs = struct.unpack_from(f"<{4 * ids_n}I", self.data, ids_at)
            ids = tuple(
                (
                    self.string(refs[i], refs[i + 1], ids_at + i * 4),
                    self.string(refs[i + 2], refs[i + 3], ids_at + i * 4 + STR_SIZE),
                )
                for i in range(0, 4 * ids_n, 4)
            )
        party = Party(
            name=self.string(name_off, name_len, at),
            country=self.country(country, at + 44),
            region=self.optional_string(region_off, region_len, at + 8),
            address=self.optional_string(address_off, address_len, at + 16),
            ids=ids,
            aliases=self.strings(aliases_at, aliases_n, at + 32),
            registration_date=self.optional_date(y, m, d, at + 40),
        )
        return role, party

    def licence(self, at: int) -> Licence:
        self.room(at, LICENCE.size)
        (
            id_off, id_len, jurisdiction_off, jurisdiction_len, lines_at, lines_n, y, m, d, flags,
        ) = LICENCE.unpack_from(self.data, at)  # fmt: skip
        # The table is checked even when the flags say it is not read, as in Rust.
        self.table(lines_at, lines_n, U32_SIZE, at + 16)
        lines = None
        if flags & LICENCE_LISTS_LINES:
            lines = struct.unpack_from(f"<{lines_n}I", self.data, lines_at) if lines_n else ()
        return Licence(
            id=self.string(id_off, id_len, at),
            jurisdiction=self.string(jurisdiction_off, jurisdiction_len, at + 8),
            lines=lines,
            valid_until=self.optional_date(y, m, d, at + 24),
        )

    def line(self, at: int) -> Line:
        self.room(at, LINE.size)
        (
            number, description_off, description_len, hs, hs_len, flags, origin,
            codes_at, codes_n, unit_off, unit_len, currency_off, currency_len,
            q_flags, q_lo, q_mid, q_hi, a_flags, a_lo, a_mid, a_hi, u_flags, u_lo, u_mid, u_hi,
        ) = LINE.unpack_from(self.data, at)  # fmt: skip
        digits = hs[:hs_len]
        if not (6 <= hs_len <= 10 and digits.isdigit()):
            raise WireError(f"not an HS code at byte {at + 12}")
        # Checked even when the flags say it is not given, as in Rust.
        us_content = self.decimal(u_flags, u_lo, u_mid, u_hi, at + 84)
        return Line(
            number=number,
            description=self.string(description_off, description_len, at + 4),
            hs_code=HsCode(digits.decode("ascii")),
            control_codes=tuple(
                ControlCode(code) for code in self.strings(codes_at, codes_n, at + 28)
            ),
            origin_country=self.optional_country(origin, at + 24),
            quantity=self.decimal(q_flags, q_lo, q_mid, q_hi, at + 52),
            unit=self.optional_string(unit_off, unit_len, at + 36),
            value=Money(
                self.decimal(a_flags, a_lo, a_mid, a_hi, at + 68),
                self.string(currency_off, currency_len, at + 44),
            ),
            us_content_percent=us_content if flags & LINE_HAS_US_CONTENT else None,
        )
