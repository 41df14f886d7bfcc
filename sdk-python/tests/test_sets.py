"""Country and region sets: the same names, sources and members as the Rust SDK's
(`sdk/src/country.rs`, `sdk/src/region.rs`, read here), and membership by code."""

from __future__ import annotations

import re

import pytest
from samples import REPO

from exportctl_sdk import CountrySet, RegionSet, country_sets, parse_country, region_sets, testing


def rust_sets(path: str, kind: str) -> dict[str, tuple[str, str, frozenset[str]]]:
    """`pub const NAME: Kind = Kind { name: "…", source: "…", members: … };` of a Rust file,
    as `{NAME: (name, source, members)}`."""
    source = (REPO / path).read_text(encoding="utf-8")
    found = {}
    pattern = rf"pub const (\w+): {kind} = {kind} \{{(.*?)\n    \}};"
    for const, body in re.findall(pattern, source, re.S):
        name = re.search(r'name: "([^"]*)"', body).group(1)
        text = re.search(r'source: "([^"]*)"', body).group(1)
        members = re.search(r"members: &\[(.*?)\]", body, re.S).group(1)
        codes = re.findall(r'b"([A-Z]{2})"', members) or re.findall(r'"([A-Z]{2}-\d{2})"', members)
        found[const] = (name, text, frozenset(codes))
    return found


def as_tuple(s: CountrySet | RegionSet) -> tuple[str, str, frozenset[str]]:
    return (s.name, s.source, s.members)


def test_country_sets_are_the_rust_sdks() -> None:
    rust = rust_sets("sdk/src/country.rs", "CountrySet")
    assert set(rust) == {
        "EU27",
        "EAEU",
        "CIS",
        "RUSSIA_BELARUS",
        "ANNEX_VIII_PARTNERS",
        "TRANSSHIPMENT_RISK",
    }
    for const, expected in rust.items():
        assert as_tuple(getattr(country_sets, const)) == expected, const
    assert [as_tuple(s) for s in country_sets.ALL] == list(rust.values())


def test_region_sets_are_the_rust_sdks() -> None:
    rust = rust_sets("sdk/src/region.rs", "RegionSet")
    assert set(rust) == {"CRIMEA_SEVASTOPOL", "DONETSK_LUHANSK", "ZAPORIZHZHIA_KHERSON"}
    for const, expected in rust.items():
        assert as_tuple(getattr(region_sets, const)) == expected, const
    assert [as_tuple(s) for s in region_sets.ALL] == list(rust.values())


def test_set_sizes_match_their_sources() -> None:
    sizes = {s.name: len(s.members) for s in country_sets.ALL}
    assert sizes == {"EU27": 27, "EAEU": 5, "CIS": 10, "RU/BY": 2, "Annex VIII partners": 9,
                     "FinCEN/BIS transshipment points": 18}  # fmt: skip


def test_country_membership() -> None:
    assert "DE" in country_sets.EU27 and country_sets.EU27.contains("de")
    assert "KZ" not in country_sets.EU27
    assert "KZ" in country_sets.TRANSSHIPMENT_RISK and "RU" not in country_sets.TRANSSHIPMENT_RISK
    assert "BY" in country_sets.RUSSIA_BELARUS
    assert "KZ" in country_sets.CIS and "UA" not in country_sets.CIS
    assert "KZ" in country_sets.EAEU and "KZ" not in country_sets.ANNEX_VIII_PARTNERS
    assert None not in country_sets.EU27 and 1 not in country_sets.EU27


def test_a_policy_can_make_its_own_sets() -> None:
    own = CountrySet("Watch list", "Acme manual §3", ["ae", "TR"])
    assert own.members == frozenset({"AE", "TR"}) and "ae" in own and hash(own)
    regions = RegionSet("Own", "Acme manual §4", ("ua-43",))
    assert regions.members == frozenset({"UA-43"}) and "UA-43" in regions


def test_country_codes_parse_in_either_case() -> None:
    assert parse_country("ru") == parse_country("Ru") == "RU"
    for bad in ["", "R", "RUS", "R1", "é1", "  ", "ÄB"]:
        assert parse_country(bad) is None, bad


def test_region_membership_ignores_case_and_needs_the_exact_code() -> None:
    crimea = region_sets.CRIMEA_SEVASTOPOL
    assert crimea.contains("UA-43") and crimea.contains("ua-40") and "ua-43" in crimea
    assert not crimea.contains("UA-4") and not crimea.contains("UA-14")
    assert region_sets.DONETSK_LUHANSK.contains("UA-14") and region_sets.DONETSK_LUHANSK.contains(
        "UA-09"
    )
    assert "UA-30" not in region_sets.ZAPORIZHZHIA_KHERSON, "Kyiv city"


@pytest.mark.parametrize(
    ("region", "held"), [("UA-40", True), ("ua-43", True), ("UA-65", False), (None, False)]
)
def test_a_party_is_held_by_its_region_only(region: str | None, held: bool) -> None:
    s = testing.shipment(
        route="DE>UA", consignee=testing.party("P", "UA", region=region, address="Sevastopol")
    )
    assert region_sets.CRIMEA_SEVASTOPOL.holds(s.consignee) is held
    assert region_sets.CRIMEA_SEVASTOPOL.holds(s.end_user_or_consignee()) is held, "a PartyRef too"
