"""The wire format reader: every field read from where wire.md puts it, every check of
"What a reader checks" refusing a damaged buffer, and no damage raising anything but
`WireError`."""

from __future__ import annotations

import contextlib
import datetime
import random
import struct
import time
from decimal import Decimal

import pytest
from samples import five_lines

from exportctl_sdk import (
    ControlCode,
    HsCode,
    OtherParty,
    PartyRole,
    TransportMode,
    WireError,
    decode_shipment,
    testing,
)

# A buffer written by hand from wire.md's tables, independently of `testing.encode`, so
# that the reader is checked against the document rather than against the SDK's writer.


class Heap:
    """The string heap of a hand-written buffer."""

    def __init__(self) -> None:
        self.data = bytearray()

    def put(self, text: str) -> tuple[int, int]:
        encoded = text.encode("utf-8")
        at = len(self.data)
        self.data += encoded
        return at, len(encoded)


ABSENT = (0xFFFFFFFF, 0)
SHIPMENT_AT = 16
OTHER_AT = SHIPMENT_AT + 232  # one other party, 48 bytes
TRANSIT_AT = OTHER_AT + 48  # two countries
LICENCE_AT = TRANSIT_AT + 4  # one licence, 32 bytes
LICENCE_LINES_AT = LICENCE_AT + 32  # two u32
LINE_AT = LICENCE_LINES_AT + 8  # one line, 100 bytes
CODES_AT = LINE_AT + 100  # two strings
ALIASES_AT = CODES_AT + 16  # one string (the exporter's alias)
IDS_AT = ALIASES_AT + 8  # one id pair (the consignee's)
RECORDS_END = IDS_AT + 16


def hand_written() -> bytes:
    heap = Heap()
    r = bytearray(RECORDS_END)

    def string(at: int, text: str | None) -> None:
        struct.pack_into("<II", r, at, *(heap.put(text) if text is not None else ABSENT))

    def party(
        at: int,
        name: str,
        country: bytes,
        role: int,
        *,
        region=None,
        address=None,
        ids=(0, 0),
        aliases=(0, 0),
        registered=(0, 0, 0),
    ) -> None:
        string(at, name)
        string(at + 8, region)
        string(at + 16, address)
        struct.pack_into("<II", r, at + 24, *ids)
        struct.pack_into("<II", r, at + 32, *aliases)
        struct.pack_into("<HBB", r, at + 40, *registered)
        r[at + 44 : at + 46] = country
        r[at + 46] = role

    s = SHIPMENT_AT
    string(s + 0, "SO-1")
    struct.pack_into("<HBB", r, s + 8, 2024, 5, 10)  # date
    struct.pack_into("<HBB", r, s + 12, 2025, 1, 2)  # as_of
    r[s + 16 : s + 20] = b"DEKG"
    r[s + 20] = 3  # sea
    r[s + 21] = 0b111  # end user, end use, contract
    r[s + 22] = 2  # military: true
    r[s + 23] = 1  # no-Russia clause: false
    string(s + 24, "statement")
    string(s + 32, None)  # no sector
    string(s + 40, "K-1")
    struct.pack_into("<HBB", r, s + 48, 2023, 12, 31)
    struct.pack_into("<II", r, s + 56, OTHER_AT, 1)
    struct.pack_into("<II", r, s + 64, TRANSIT_AT, 2)
    struct.pack_into("<II", r, s + 72, LICENCE_AT, 1)
    struct.pack_into("<II", r, s + 80, LINE_AT, 1)
    party(s + 88, "Exporter", b"DE", 0, address="Street 1", aliases=(ALIASES_AT, 1))
    party(s + 136, "Consignee", b"KG", 0, region="KG-GB", ids=(IDS_AT, 1), registered=(2015, 3, 2))
    party(s + 184, "End user", b"RU", 0)
    party(OTHER_AT, "Bank", b"AE", 5)
    r[TRANSIT_AT : TRANSIT_AT + 4] = b"KZRU"
    string(LICENCE_AT, "LIC-1")
    string(LICENCE_AT + 8, "DE")
    struct.pack_into("<II", r, LICENCE_AT + 16, LICENCE_LINES_AT, 2)
    struct.pack_into("<HBB", r, LICENCE_AT + 24, 2024, 12, 31)
    r[LICENCE_AT + 28] = 1
    struct.pack_into("<II", r, LICENCE_LINES_AT, 7, 9)
    struct.pack_into("<I", r, LINE_AT, 7)
    string(LINE_AT + 4, "chips")
    r[LINE_AT + 12 : LINE_AT + 20] = b"85423190"
    r[LINE_AT + 22] = 8
    r[LINE_AT + 23] = 1  # US content given
    r[LINE_AT + 24 : LINE_AT + 26] = b"TW"
    struct.pack_into("<II", r, LINE_AT + 28, CODES_AT, 2)
    string(LINE_AT + 36, "pcs")
    string(LINE_AT + 44, "EUR")
    struct.pack_into("<IIII", r, LINE_AT + 52, 1 << 16, 50005, 0, 0)  # 5000.5
    struct.pack_into("<IIII", r, LINE_AT + 68, (2 << 16) | (1 << 31), 0, 1, 0)  # -42949672.96
    struct.pack_into("<IIII", r, LINE_AT + 84, 0, 12, 0, 0)  # 12
    string(CODES_AT, "3A991.A")
    string(CODES_AT + 8, "ML10")
    string(ALIASES_AT, "Exp Alias")
    string(IDS_AT, "bin")
    string(IDS_AT + 8, "123")
    struct.pack_into("<4sHHII", r, 0, b"XSHP", 2, 1, len(r), len(heap.data))
    return bytes(r + heap.data)


def test_every_field_is_read_where_wire_md_puts_it() -> None:
    s = decode_shipment(hand_written())
    assert (s.id, s.date, s.as_of) == (
        "SO-1",
        datetime.date(2024, 5, 10),
        datetime.date(2025, 1, 2),
    )
    assert (s.origin_country, s.destination_country) == ("DE", "KG")
    assert s.transport_mode is TransportMode.SEA
    assert s.transit_countries == ("KZ", "RU")
    assert (s.end_use.statement, s.end_use.military, s.end_use.sector) == ("statement", True, None)
    assert (s.contract.reference, s.contract.date, s.contract.no_russia_clause) == (
        "K-1",
        datetime.date(2023, 12, 31),
        False,
    )
    assert (s.exporter.name, s.exporter.country, s.exporter.address) == (
        "Exporter",
        "DE",
        "Street 1",
    )
    assert (s.exporter.region, s.exporter.ids, s.exporter.aliases) == (None, (), ("Exp Alias",))
    assert s.exporter.registration_date is None
    assert (s.consignee.region, s.consignee.ids) == ("KG-GB", (("bin", "123"),))
    assert s.consignee.registration_date == datetime.date(2015, 3, 2)
    assert s.end_user is not None and (s.end_user.name, s.end_user.country) == ("End user", "RU")
    assert s.other_parties == (OtherParty(PartyRole.BANK, testing.party("Bank", "AE")),)
    (licence,) = s.licences
    assert (licence.id, licence.jurisdiction, licence.lines) == ("LIC-1", "DE", (7, 9))
    assert licence.valid_until == datetime.date(2024, 12, 31)
    (line,) = s.lines
    assert (line.number, line.description, line.hs_code) == (7, "chips", HsCode("85423190"))
    assert line.control_codes == (ControlCode("3A991.A"), ControlCode("ML10"))
    assert (line.origin_country, line.unit, line.value.currency) == ("TW", "pcs", "EUR")
    assert line.quantity == Decimal("5000.5") and str(line.quantity) == "5000.5"
    assert str(line.value.amount) == "-42949672.96", "sign bit, mid word and scale"
    assert line.us_content_percent == Decimal(12)


def test_presence_bits_and_flags_decide_what_is_read() -> None:
    data = bytearray(hand_written())
    data[SHIPMENT_AT + 21] = 0
    data[LICENCE_AT + 28] = 0
    data[LINE_AT + 23] = 0
    s = decode_shipment(bytes(data))
    assert (s.end_user, s.end_use, s.contract) == (None, None, None)
    assert s.licences[0].lines is None, "a licence that lists no lines covers every line"
    assert s.lines[0].us_content_percent is None


def test_absent_optional_fields_read_as_none() -> None:
    data = bytearray(hand_written())
    data[SHIPMENT_AT + 20] = 0  # transport mode
    data[SHIPMENT_AT + 22] = 0  # military
    data[SHIPMENT_AT + 48 : SHIPMENT_AT + 52] = bytes(4)  # contract date
    data[LINE_AT + 24 : LINE_AT + 26] = bytes(2)  # line origin
    struct.pack_into("<I", data, LINE_AT + 36, 0xFFFFFFFF)  # unit
    s = decode_shipment(bytes(data))
    assert s.transport_mode is None and s.end_use.military is None and s.contract.date is None
    assert s.lines[0].origin_country is None and s.lines[0].unit is None


def test_every_transport_mode_and_role_has_its_number() -> None:
    data = bytearray(hand_written())
    for number, mode in enumerate(TransportMode, start=1):
        data[SHIPMENT_AT + 20] = number
        assert decode_shipment(bytes(data)).transport_mode is mode
    for number, role in enumerate(PartyRole, start=1):
        data[OTHER_AT + 46] = number
        assert decode_shipment(bytes(data)).other_parties[0].role is role
    assert [m.value for m in TransportMode] == [
        "road",
        "rail",
        "sea",
        "air",
        "post",
        "pipeline",
        "other",
    ]
    assert [r.value for r in PartyRole] == [
        "freight_forwarder", "intermediate_consignee", "notify_party", "payer", "bank", "other",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("words", "text"),
    [
        ((0, 0, 0, 0), "0"),
        ((2 << 16, 0, 0, 0), "0.00"),
        ((0, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF), "79228162514264337593543950335"),
        ((28 << 16, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF), "7.9228162514264337593543950335"),
        ((7 << 16, 1, 0, 0), "0.0000001"),
        (((1 << 31) | (1 << 16), 5, 0, 0), "-0.5"),
    ],
)
def test_decimals_are_exact_and_keep_their_scale(words: tuple[int, ...], text: str) -> None:
    data = bytearray(hand_written())
    struct.pack_into("<IIII", data, LINE_AT + 52, *words)
    quantity = decode_shipment(bytes(data)).lines[0].quantity
    assert format(quantity, "f") == text
    assert quantity == Decimal(text)


def test_the_full_shipment_reads_back_field_for_field(full, full_wire) -> None:
    decoded = decode_shipment(full_wire)
    assert decoded == full
    assert decoded.lines[0].value.amount.as_tuple().exponent == -2, "41000.10 keeps its scale"
    assert decoded.consignee.name == "ОсОО «Тянь-Шань Компонент»"
    assert [c.kept for c in decoded.lines[1].control_codes] == [
        "ML10",
        "X.A.I.001",
        "0A501.A",
        "9A515",
    ]


def test_bytes_like_buffers_are_read(full_wire) -> None:
    assert decode_shipment(bytearray(full_wire)) == decode_shipment(memoryview(full_wire))


# Every check of "What a reader checks", each on one damaged field of a sound buffer.


def damaged(change) -> bytes:
    data = bytearray(hand_written())
    change(data)
    return bytes(data)


def put(at: int, fmt: str, *values: int):
    return lambda d: struct.pack_into(fmt, d, at, *values)


def put_bytes(at: int, raw: bytes):
    def change(d: bytearray) -> None:
        d[at : at + len(raw)] = raw

    return change


def heap_len_delta(delta: int):
    def change(d: bytearray) -> None:
        heap = struct.unpack_from("<I", d, 12)[0]
        struct.pack_into("<I", d, 12, heap + delta)

    return change


SHIPMENT_STRING_ID = SHIPMENT_AT
EXPORTER_NAME = SHIPMENT_AT + 88

CHECKS = {
    "magic": put_bytes(0, b"XSHQ"),
    "version 1": put(4, "<H", 1),
    "version 3": put(4, "<H", 3),
    "kind 2 (a party)": put(6, "<H", 2),
    "kind 0": put(6, "<H", 0),
    "records length too long": put(8, "<I", RECORDS_END + 1),
    "records length shorter than the header": put(8, "<I", 8),
    "heap length too long": heap_len_delta(1),
    "heap length too short": heap_len_delta(-1),
    "records end before the shipment record": lambda d: struct.pack_into(
        "<II", d, 8, 100, len(d) - 100
    ),
    "heap not UTF-8": lambda d: d.__setitem__(len(d) - 1, 0xFF),
    "heap with a surrogate": lambda d: d.__setitem__(slice(len(d) - 3, len(d)), b"\xed\xa0\x80"),
    "string outside the heap": put(SHIPMENT_STRING_ID, "<II", 0, 10_000),
    "string offset past the heap": put(SHIPMENT_STRING_ID, "<II", 10_000, 0),
    "string length overflowing": put(SHIPMENT_STRING_ID, "<II", 1, 0xFFFFFFFF),
    "missing id": put(SHIPMENT_STRING_ID, "<I", 0xFFFFFFFF),
    "missing party name": put(EXPORTER_NAME, "<I", 0xFFFFFFFF),
    "missing licence id": put(LICENCE_AT, "<I", 0xFFFFFFFF),
    "missing jurisdiction": put(LICENCE_AT + 8, "<I", 0xFFFFFFFF),
    "missing description": put(LINE_AT + 4, "<I", 0xFFFFFFFF),
    "missing currency": put(LINE_AT + 44, "<I", 0xFFFFFFFF),
    "missing control code": put(CODES_AT, "<I", 0xFFFFFFFF),
    "missing alias": put(ALIASES_AT, "<I", 0xFFFFFFFF),
    "missing id key": put(IDS_AT, "<I", 0xFFFFFFFF),
    "missing id value": put(IDS_AT + 8, "<I", 0xFFFFFFFF),
    "origin lower-case": put_bytes(SHIPMENT_AT + 16, b"de"),
    "destination absent": put_bytes(SHIPMENT_AT + 18, b"\0\0"),
    "destination a digit": put_bytes(SHIPMENT_AT + 18, b"K1"),
    "transit country absent": put_bytes(TRANSIT_AT, b"\0\0"),
    "party country lower-case": put_bytes(SHIPMENT_AT + 88 + 44, b"De"),
    "line origin half absent": put_bytes(LINE_AT + 24, b"T\0"),
    "line origin non-ASCII": put_bytes(LINE_AT + 24, b"\xc3\x84"),
    "date 30 February": put(SHIPMENT_AT + 8, "<HBB", 2024, 2, 30),
    "date 29 February 2023": put(SHIPMENT_AT + 8, "<HBB", 2023, 2, 29),
    "date month 13": put(SHIPMENT_AT + 8, "<HBB", 2024, 13, 1),
    "date year 0": put(SHIPMENT_AT + 8, "<HBB", 0, 1, 1),
    "date absent (not optional)": put(SHIPMENT_AT + 8, "<HBB", 0, 0, 0),
    "as_of day 0": put(SHIPMENT_AT + 12, "<HBB", 2024, 1, 0),
    "contract date 31 April": put(SHIPMENT_AT + 48, "<HBB", 2024, 4, 31),
    "registration date month 0": put(SHIPMENT_AT + 136 + 40, "<HBB", 2015, 0, 2),
    "valid_until day 32": put(LICENCE_AT + 24, "<HBB", 2024, 12, 32),
    "HS code 5 digits": put_bytes(LINE_AT + 22, b"\x05"),
    "HS code 11 digits": put_bytes(LINE_AT + 22, b"\x0b"),
    "HS code not digits": put_bytes(LINE_AT + 12, b"85A2"),
    "HS code digits then zeros": put_bytes(LINE_AT + 22, b"\x09"),
    "decimal with another flag bit": put(LINE_AT + 52, "<I", (1 << 16) | 1),
    "decimal with bit 30": put(LINE_AT + 68, "<I", 1 << 30),
    "decimal scale 29": put(LINE_AT + 52, "<I", 29 << 16),
    "decimal scale 255": put(LINE_AT + 68, "<I", 255 << 16),
    "US content decimal broken though not given": lambda d: (
        d.__setitem__(LINE_AT + 23, 0),
        struct.pack_into("<I", d, LINE_AT + 84, 1),
    ),
    "military 3": put_bytes(SHIPMENT_AT + 22, b"\x03"),
    "no-Russia clause 255": put_bytes(SHIPMENT_AT + 23, b"\xff"),
    "transport mode 8": put_bytes(SHIPMENT_AT + 20, b"\x08"),
    "other party with role 0": put_bytes(OTHER_AT + 46, b"\x00"),
    "other party with role 7": put_bytes(OTHER_AT + 46, b"\x07"),
    "exporter with a role": put_bytes(SHIPMENT_AT + 88 + 46, b"\x01"),
    "end user with a role": put_bytes(SHIPMENT_AT + 184 + 46, b"\x02"),
    "lines table past the records": put(SHIPMENT_AT + 80, "<II", RECORDS_END - 99, 1),
    "lines table counting too many": put(SHIPMENT_AT + 80, "<II", LINE_AT, 2),
    "lines table starting in the header": put(SHIPMENT_AT + 80, "<II", 0, 1),
    "other parties table past the records": put(SHIPMENT_AT + 56, "<II", RECORDS_END, 1),
    "transit table huge": put(SHIPMENT_AT + 64, "<II", TRANSIT_AT, 0xFFFFFFFF),
    "licences table past the records": put(SHIPMENT_AT + 72, "<II", RECORDS_END - 16, 1),
    "licence lines table out of bounds, though not read": lambda d: (
        d.__setitem__(LICENCE_AT + 28, 0),
        struct.pack_into("<II", d, LICENCE_AT + 16, RECORDS_END, 3),
    ),
    "control codes table out of bounds": put(LINE_AT + 28, "<II", RECORDS_END - 8, 2),
    "aliases table out of bounds": put(SHIPMENT_AT + 88 + 32, "<II", RECORDS_END, 1),
    "ids table out of bounds": put(SHIPMENT_AT + 136 + 24, "<II", RECORDS_END - 8, 1),
    "end-use statement out of the heap, though the bit is clear": lambda d: (
        d.__setitem__(SHIPMENT_AT + 21, 0b001),
        struct.pack_into("<II", d, SHIPMENT_AT + 24, 5000, 1),
    ),
}


@pytest.mark.parametrize("name", CHECKS)
def test_each_check_refuses_a_damaged_buffer(name: str) -> None:
    with pytest.raises(WireError):
        decode_shipment(damaged(CHECKS[name]))


def test_a_string_not_on_character_boundaries_is_refused() -> None:
    s = testing.shipment(id="Ölkännchen")
    data = bytearray(testing.encode(s))
    records = struct.unpack_from("<I", data, 8)[0]
    offset, length = struct.unpack_from("<II", data, SHIPMENT_AT)
    assert data[records + offset : records + offset + 2] == "Ö".encode()
    for start, size in [(offset + 1, length - 1), (offset, 1), (offset + 1, 1)]:
        struct.pack_into("<II", data, SHIPMENT_AT, start, size)
        with pytest.raises(WireError, match="character boundaries"):
            decode_shipment(bytes(data))


def test_an_absent_end_user_record_is_not_read() -> None:
    data = bytearray(hand_written())
    data[SHIPMENT_AT + 21] = 0b110
    data[SHIPMENT_AT + 184 : SHIPMENT_AT + 232] = b"\xff" * 48
    assert decode_shipment(bytes(data)).end_user is None


def test_empty_tables_need_no_offset() -> None:
    data = bytearray(hand_written())
    for table in (56, 64, 72):
        struct.pack_into("<II", data, SHIPMENT_AT + table, 0xFFFFFFFF, 0)
    s = decode_shipment(bytes(data))
    assert (s.other_parties, s.transit_countries, s.licences) == ((), (), ())


def test_a_year_python_cannot_hold_is_a_wire_error() -> None:
    with pytest.raises(WireError):
        decode_shipment(damaged(put(SHIPMENT_AT + 8, "<HBB", 10_000, 1, 1)))


def test_the_error_says_where() -> None:
    with pytest.raises(WireError, match=f"not a transport mode at byte {SHIPMENT_AT + 20}"):
        decode_shipment(damaged(CHECKS["transport mode 8"]))
    with pytest.raises(WireError, match="no `XSHP` magic"):
        decode_shipment(b"\0" * 16)
    with pytest.raises(WireError, match="wire format 1, this plugin reads format 2"):
        decode_shipment(damaged(CHECKS["version 1"]))


# No damage raises anything but WireError: truncations, and single- and multi-byte
# corruptions of real buffers.


def decodes_or_refuses(data: bytes) -> None:
    # Any other exception fails the test.
    with contextlib.suppress(WireError):
        decode_shipment(data)


@pytest.mark.parametrize("buffer", ["golden", "hand"])
def test_every_truncation_is_refused(buffer: str, golden_wire: bytes) -> None:
    data = golden_wire if buffer == "golden" else hand_written()
    for length in range(len(data)):
        with pytest.raises(WireError):
            decode_shipment(data[:length])
    decode_shipment(data)


def test_every_truncation_with_fixed_lengths_raises_only_wire_errors(golden_wire: bytes) -> None:
    # Cut, then make the header's lengths agree again, so the walk goes deeper.
    for length in range(16, len(golden_wire)):
        data = bytearray(golden_wire[:length])
        records = min(struct.unpack_from("<I", data, 8)[0], length)
        struct.pack_into("<II", data, 8, records, length - records)
        decodes_or_refuses(bytes(data))


@pytest.mark.parametrize("buffer", ["golden", "hand"])
def test_every_single_byte_corruption_raises_only_wire_errors(
    buffer: str, golden_wire: bytes
) -> None:
    original = golden_wire if buffer == "golden" else hand_written()
    for at in range(len(original)):
        for value in {
            0x00,
            0x01,
            0x02,
            0x07,
            0x08,
            0x1D,
            0x20,
            0x41,
            0x7F,
            0x80,
            0xC3,
            0xFF,
            original[at] ^ 0x01,
            original[at] ^ 0x80,
            (original[at] + 1) & 0xFF,
        }:
            data = bytearray(original)
            data[at] = value
            decodes_or_refuses(bytes(data))


def test_random_multi_byte_corruptions_raise_only_wire_errors(golden_wire: bytes) -> None:
    rng = random.Random(20240223)
    for _ in range(20_000):
        data = bytearray(golden_wire)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        decodes_or_refuses(bytes(data))


def test_random_and_tiny_buffers_raise_only_wire_errors() -> None:
    rng = random.Random(7)
    header = struct.pack("<4sHHII", b"XSHP", 2, 1, 0, 0)
    for size in range(64):
        decodes_or_refuses(bytes(size))
        decodes_or_refuses(rng.randbytes(size))
    for _ in range(2_000):
        body = rng.randbytes(rng.randrange(0, 600))
        records = rng.randrange(0, len(body) + 17)
        data = bytearray(header + body)
        struct.pack_into("<II", data, 8, records, len(data) - records)
        decodes_or_refuses(bytes(data))


def test_a_five_line_shipment_decodes_well_under_a_millisecond() -> None:
    data = testing.encode(five_lines())
    decode_shipment(data)
    best = float("inf")
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(100):
            decode_shipment(data)
        best = min(best, (time.perf_counter() - start) / 100)
    assert best < 0.0005, f"{best * 1e6:.0f} µs per decode"
