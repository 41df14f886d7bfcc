"""The questions a policy asks a shipment, answered as the Rust SDK answers them
(`sdk/src/shipment/mod.rs` and `terms.rs`, whose tests these follow)."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from exportctl_sdk import Line, PartyRef, PartyRole, Shipment, country_sets, testing


def route_with_parties() -> Shipment:
    """DE → PL → BY → RU → KZ, with an end user and four other parties."""
    return testing.shipment(
        route="DE>PL>BY>RU>KZ",
        end_user=testing.party("End user", "RU"),
        other_parties=[
            ("bank", testing.party("Bank", "RU")),
            ("intermediate_consignee", testing.party("Intermediate", "BY")),
            ("freight_forwarder", testing.party("Forwarder", "PL")),
            ("intermediate_consignee", testing.party("Intermediate", "KZ")),
        ],
    )


def test_parties_come_with_their_paths_in_document_order() -> None:
    s = route_with_parties()
    assert [p.path for p in s.parties()] == [
        "exporter", "consignee", "end_user",
        "other_parties[0]", "other_parties[1]", "other_parties[2]", "other_parties[3]",
    ]  # fmt: skip
    assert [p.party.country for p in s.parties()] == ["DE", "KZ", "RU", "RU", "BY", "PL", "KZ"]
    alone = testing.shipment()
    assert [p.path for p in alone.parties()] == ["exporter", "consignee"], "no end user named"


def test_receiving_parties_are_consignee_end_user_and_intermediate_consignees() -> None:
    s = route_with_parties()
    assert [p.path for p in s.receiving_parties()] == [
        "consignee", "end_user", "other_parties[1]", "other_parties[3]",
    ]  # fmt: skip
    alone = testing.shipment()
    assert [p.party.name for p in alone.receiving_parties()] == ["Consignee"]


def test_the_end_user_falls_back_to_the_consignee() -> None:
    s = route_with_parties()
    assert s.end_user_or_consignee() == PartyRef("end_user", s.end_user)
    alone = testing.shipment()
    assert alone.end_user is None
    assert alone.end_user_or_consignee() == PartyRef("consignee", alone.consignee)


def test_role_names_follow_the_party_path() -> None:
    s = route_with_parties()
    assert [s.role_name(p.path) for p in s.parties()] == [
        "exporter", "consignee", "end user", "bank", "intermediate consignee",
        "freight forwarder", "intermediate consignee",
    ]  # fmt: skip
    assert s.role_name("other_parties[99]") == "other party"
    assert s.role_name(PartyRef("end_user", s.end_user)) == "end user"
    for bad in [
        "",
        "buyer",
        "other_parties[]",
        "other_parties[01]",
        "other_parties[-1]",
        "other_parties[1",
    ]:
        with pytest.raises(ValueError):
            s.role_name(bad)


def test_each_role_is_named_for_a_message() -> None:
    assert {r: r.name_in_text for r in PartyRole} == {
        PartyRole.FREIGHT_FORWARDER: "freight forwarder",
        PartyRole.INTERMEDIATE_CONSIGNEE: "intermediate consignee",
        PartyRole.NOTIFY_PARTY: "notify party",
        PartyRole.PAYER: "payer",
        PartyRole.BANK: "bank",
        PartyRole.OTHER: "other party",
    }


def test_transit_countries_in_a_set_keep_the_route_order() -> None:
    s = route_with_parties()
    assert s.transit_countries == ("PL", "BY", "RU")
    assert s.transit_countries_in(country_sets.RUSSIA_BELARUS) == ["BY", "RU"]
    assert s.transits("BY") and s.transits("by") and not s.transits("KZ")


def test_an_eu_licence_covers_its_lines_until_it_expires() -> None:
    s = testing.shipment(
        route="DE>KZ",
        lines=[testing.line(n) for n in (1, 2, 3, 4)],
        licences=[
            testing.licence("A", "US"),
            testing.licence("B", "DE", lines=[2], valid_until="2024-06-02"),
            testing.licence("C", "FR", lines=[2, 3], valid_until="2024-06-03"),
            testing.licence("D", "eu", lines=[4]),
        ],
    )

    def covering(line: int) -> str | None:
        found = s.eu_licence_covering(line)
        return None if found is None else found.jurisdiction

    assert covering(1) is None, "the US licence is not an EU one"
    assert covering(2) == "FR", "the German licence has expired"
    assert covering(3) == "FR"
    assert covering(4) == "EU"
    assert s.licence_covers("us", 1) and not s.licence_covers("DE", 2)
    assert s.licence_covers("FR", 3) and not s.licence_covers("FR", 4)


def test_a_licence_covers_a_line_by_jurisdiction_lines_and_date() -> None:
    licence = testing.licence("L", "DE", lines=[1, 3], valid_until="2024-12-31")
    day = datetime.date(2024, 12, 31)
    assert licence.covers("de", 1, day) and licence.covers("DE", testing.line(3), day)
    assert not licence.covers("DE", 2, day)
    assert not licence.covers("FR", 1, day)
    assert not licence.covers("DE", 1, day + datetime.timedelta(days=1))
    assert testing.licence("L", "DE").covers("DE", 99, datetime.date(9999, 1, 1)), (
        "no lines, no end"
    )


@pytest.mark.parametrize(
    ("jurisdiction", "in_eu"),
    [("EU", True), ("eu", True), ("DE", True), ("fr", True), ("US", False), ("GB", False),
     ("UK", False), ("EUR", False), ("", False)],
)  # fmt: skip
def test_a_licence_is_issued_in_the_eu_by_the_union_or_a_member_state(
    jurisdiction: str, in_eu: bool
) -> None:
    assert testing.licence("L", "EU").is_issued_in_eu
    licence = dataclasses.replace(testing.licence(), jurisdiction=jurisdiction)
    assert licence.is_issued_in_eu is in_eu


def test_a_party_answers_for_its_ids_and_names() -> None:
    p = testing.party(
        "Inter-Traid TOO", "KZ", ids={"vat": "V1", "bin": "B1"}, aliases=["Intertraid"]
    )
    assert p.ids == (("bin", "B1"), ("vat", "V1")), "sorted by key"
    assert (p.id("bin"), p.id("vat"), p.id("inn")) == ("B1", "V1", None)
    assert p.names() == ("Inter-Traid TOO", "Intertraid")


def test_a_line_is_military_or_dual_use_by_any_of_its_codes() -> None:
    def classified(*codes: str) -> Line:
        return testing.line(control_codes=codes)

    assert classified("EAR99", "ML10").is_military
    assert not classified("EAR99", "ML10").is_dual_use
    assert classified("3A991.a").is_dual_use and not classified("3A991.a").is_military
    assert classified("9A610.a").is_military and not classified("9A610.a").is_dual_use
    assert not classified().is_military and not classified().is_dual_use
    assert not classified("X.A.I.001", "PL5001").is_dual_use


def test_a_shipment_is_immutable() -> None:
    s = testing.shipment()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.id = "other"  # type: ignore[misc]
    assert isinstance(s.lines, tuple) and isinstance(s.transit_countries, tuple)
