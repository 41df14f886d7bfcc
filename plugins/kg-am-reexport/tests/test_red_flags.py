"""The red flags without a rule of their own (no-Russia clause, third-country payer), and
how all of them are collected and counted."""

from exportctl_sdk import Outcome, testing

from documents import base, furniture
from kg_am_reexport import Settings, goods_outside_business, red_flags
from kg_am_reexport.chpl_lines import ChplLines
from kg_am_reexport.indicators import KINDS, Escalation, Kind
from kg_am_reexport.route_toward_russia import RULE as ROUTE


def flags(shipment, settings=Settings()):
    goods_fit = goods_outside_business.assess(shipment, settings.sector_goods)
    return red_flags.find(shipment, ChplLines.of(shipment), settings, goods_fit)


def kinds(shipment):
    return [f.kind for f in flags(shipment)]


def test_the_clean_base_shipment_has_no_flags():
    assert flags(base()) == ()


def test_a_missing_clause_cites_art_12g_from_20_march_2024_for_an_eu_exporter():
    s = base(contract={"no_russia_clause": False}, date="2024-03-20")
    (flag,) = flags(s)
    assert flag.kind is Kind.NO_RUSSIA_CLAUSE
    assert flag.legal_basis == "Reg. (EU) 833/2014 Art. 12g"
    assert flag.message.startswith("the contract has no no-Russia clause: required since 20 Mar 2024")
    (flag,) = flags(base(contract={"no_russia_clause": False}, date="2024-03-19"))
    assert flag.legal_basis is None
    assert "general red flag, FIN-2023-Alert004 of 19 May 2023; the Art. 12g obligation applies from 20 Mar 2024" in flag.message


def test_a_missing_clause_is_not_flagged_before_alert004_or_without_chpl_lines():
    assert kinds(base(contract={"no_russia_clause": False}, date="2023-05-19")) == [Kind.NO_RUSSIA_CLAUSE]
    assert kinds(base(contract={"no_russia_clause": False}, date="2023-05-18")) == []
    assert kinds(furniture(contract={"no_russia_clause": False})) == []


def test_an_absent_contract_or_clause_counts_as_missing():
    (flag,) = flags(base(contract=None))
    assert flag.message.startswith("no contract is given")
    (flag,) = flags(base(contract={"reference": "C-1"}))
    assert flag.message.startswith("the contract does not say")


def test_an_exporter_eu_rules_do_not_bind_gets_the_general_flag():
    s = base(route="CN>KG", exporter=testing.party("Shenzhen Chips Ltd", "CN"), contract={"no_russia_clause": False})
    (flag,) = flags(s)
    assert flag.legal_basis is None
    assert "the Art. 12g obligation does not bind this exporter" in flag.message


def test_a_payer_outside_the_buyers_countries_is_flagged():
    s = furniture(other_parties=[
        ("bank", testing.party("Gulf Bank", "AE")),
        ("payer", testing.party("Ala-Too Electronics OsOO", "KG")),
        ("payer", testing.party("Emirates Trading FZE", "AE")),
    ])
    (flag,) = flags(s)
    assert flag.kind is Kind.THIRD_COUNTRY_PAYER
    assert flag.parties == ("other_parties[2]",)
    assert flag.message == (
        "payer `Emirates Trading FZE` (other_parties[2]) in AE, neither the consignee's nor the end user's country"
    )


def test_a_payer_in_the_end_users_country_is_not_flagged():
    s = furniture(end_user=testing.party("Tashkent Electronics", "UZ"),
                  other_parties=[("payer", testing.party("Tashkent Electronics", "UZ"))])
    assert kinds(s) == []


def test_every_kind_together_in_kind_order():
    s = base(
        consignee=testing.party("Naryn Chips OsOO", "KG", registration_date="2023-04-01"),
        end_user=testing.party("Steppe Cargo OsOO", "KG"),
        transit_countries=["RU"],
        contract={"no_russia_clause": False},
        other_parties=[("payer", testing.party("Hong Kong Parts Ltd", "HK"))],
        end_use={"sector": "furniture"},
    )
    found = flags(s)
    assert [f.kind for f in found] == list(KINDS)
    assert found[2].message == f"the route passes through RU (finding `{ROUTE.id}`)"
    assert found[2].parties == ()


def test_escalation_denies_at_the_threshold_only():
    (flag,) = flags(base(contract=None))
    rule = red_flags.route_toward_russia.RULE
    assert Escalation(None, (flag,)).finding(rule, "m.").outcome is Outcome.REVIEW
    assert Escalation(2, (flag,)).finding(rule, "m.").outcome is Outcome.REVIEW
    denied = Escalation(1, (flag,)).finding(rule, "m.")
    assert denied.outcome is Outcome.DENY
    assert denied.message == (
        "m. Denied because the settings deny at 1 or more red flags and the shipment shows 1 (no no-Russia clause)."
    )
