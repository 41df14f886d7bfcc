"""The test helpers: built shipments are valid and survive the wire, the writer refuses
what the format cannot hold, and `evaluate` fails a test where the host would fail the
policy."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import ClassVar

import pytest
from samples import five_lines, full_shipment

from exportctl_sdk import (
    Metadata,
    Money,
    OtherParty,
    PartyRole,
    Policy,
    Rule,
    Shipment,
    TransportMode,
    decode_shipment,
    testing,
)


def test_the_default_shipment_is_valid_and_plain() -> None:
    s = testing.shipment()
    assert (s.id, s.date, s.as_of) == ("T-1", datetime.date(2024, 6, 3), datetime.date(2024, 6, 3))
    assert (s.origin_country, s.destination_country, s.exporter.country, s.consignee.country) == (
        "DE",
        "KZ",
        "DE",
        "KZ",
    )
    assert s.lines[0].hs_code.digits == "940360" and s.lines[0].value == Money(
        Decimal("100.00"), "EUR"
    )
    assert decode_shipment(testing.encode(s)) == s


def test_a_route_places_the_parties_and_the_transit() -> None:
    s = testing.shipment(route="de>pl>BY>kg", date="2022-11-14", as_of="2024-01-01")
    assert (s.origin_country, s.transit_countries, s.destination_country) == (
        "DE",
        ("PL", "BY"),
        "KG",
    )
    assert (s.exporter.country, s.consignee.country) == ("DE", "KG")
    assert (s.date, s.as_of) == (datetime.date(2022, 11, 14), datetime.date(2024, 1, 1))


def test_fields_are_given_in_their_usual_forms() -> None:
    s = testing.shipment(
        transport_mode="air",
        other_parties=[
            ("bank", testing.party("B", "ae")),
            OtherParty(PartyRole.PAYER, testing.party()),
        ],
        end_use={"statement": "civil", "military": False},
        contract={"reference": "K", "date": "2024-01-01", "no_russia_clause": True},
        lines=[
            testing.line(
                1,
                "8542 31",
                quantity="5000.5",
                value=Money(Decimal("1"), "USD"),
                us_content_percent=12,
            )
        ],
    )
    assert s.transport_mode is TransportMode.AIR
    assert [o.role for o in s.other_parties] == [PartyRole.BANK, PartyRole.PAYER]
    assert s.other_parties[0].party.country == "AE"
    assert s.contract.date == datetime.date(2024, 1, 1) and s.end_use.military is False
    assert (s.lines[0].hs_code.digits, s.lines[0].quantity, s.lines[0].us_content_percent) == (
        "854231",
        Decimal("5000.5"),
        12,
    )
    with pytest.raises(TypeError):
        testing.shipment(destination="KZ")
    with pytest.raises(ValueError):
        testing.line(hs_code="85A1")
    with pytest.raises(ValueError):
        testing.party(country="DEU")


def test_every_built_shipment_survives_the_wire() -> None:
    for s in [
        full_shipment(),
        five_lines(),
        testing.shipment(lines=[testing.line(n) for n in range(1, 200)]),
    ]:
        assert decode_shipment(testing.encode(s)) == s


def test_the_writer_refuses_what_the_format_cannot_hold() -> None:
    for amount in [Decimal("1e-29"), Decimal(2**96), Decimal("NaN"), Decimal("Infinity")]:
        with pytest.raises(ValueError):
            testing.encode(testing.shipment(lines=[testing.line(value=amount)]))
    big = Decimal(2**96 - 1)
    assert (
        decode_shipment(testing.encode(testing.shipment(lines=[testing.line(value=big)])))
        .lines[0]
        .value.amount
        == big
    )
    assert (
        decode_shipment(
            testing.encode(testing.shipment(lines=[testing.line(quantity=Decimal("1E+3"))]))
        )
        .lines[0]
        .quantity
        == 1000
    )


def test_the_canonical_form_is_plain_json_values() -> None:
    c = testing.canonical(full_shipment())
    assert c["lines"][0]["control_codes"] == ["3A991.a", "EAR99"]
    assert c["lines"][1]["value"] == {"amount": "0.0000001", "currency": "USD"}
    assert c["lines"][1]["quantity"] == "120" and c["lines"][0]["us_content_percent"] == "12.5"
    assert c["exporter"]["ids"] == [["eori", "DE1234567890123"], ["vat", "DE123456789"]]
    assert c["licences"][1] == {
        "id": "US-D123456",
        "jurisdiction": "US",
        "lines": None,
        "valid_until": None,
    }
    assert c["other_parties"][0]["role"] == "payer" and c["transport_mode"] == "rail"
    plain = testing.canonical(testing.shipment())
    assert (plain["end_user"], plain["end_use"], plain["contract"], plain["transport_mode"]) == (
        None,
    ) * 4


DECLARED = Rule("declared", "Law 1", "what it catches")
UNDECLARED = Rule("undeclared", "Law 1", "what it catches")


class Says(Policy):
    """Returns whatever the test put in `said`."""

    metadata = Metadata(id="says", name="Says", version="0", publisher="t", jurisdiction="t",
                        legal_basis="t", valid_from=datetime.date(2024, 1, 1))  # fmt: skip
    rules = (DECLARED,)
    said: ClassVar[list[object]] = []

    def evaluate(self, shipment: Shipment):  # type: ignore[override]
        return self.said


def says(*findings: object) -> type[Says]:
    return type("Saying", (Says,), {"said": list(findings)})


def test_evaluate_returns_the_findings_within_the_hosts_limits() -> None:
    found = testing.evaluate(
        says(DECLARED.review("x" * 5000).line(1).party("consignee")), testing.shipment()
    )
    assert [f.rule for f in found] == ["declared"] and found[0].message.endswith(" …")


@pytest.mark.parametrize(
    ("finding", "complaint"),
    [
        (UNDECLARED.deny("m"), "rule `undeclared` is not in the policy's rules"),
        (DECLARED.deny(" "), "the message is blank"),
        (DECLARED.deny("m").line(2), "lines [2] are not lines of the shipment"),
        (DECLARED.deny("m").party("end_user"), "['end_user'] are not parties of the shipment"),
        ("deny", "finding 0 is a str, not a Finding"),
    ],
)
def test_evaluate_fails_the_test_where_the_host_would_fail_the_policy(
    finding: object, complaint: str
) -> None:
    with pytest.raises(AssertionError, match=complaint.replace("[", r"\[").replace("]", r"\]")):
        testing.evaluate(says(finding), testing.shipment())
