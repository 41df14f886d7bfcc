"""The policy as a whole: metadata, declared rules, scope and settings reaching the rules."""

import datetime

from exportctl_sdk import Outcome, configure, rules_problem, testing

from documents import base, furniture
from kg_am_reexport import KgAmReexport


def rules(findings):
    return [f.rule for f in findings]


def test_metadata_names_its_sources_with_dates_and_its_limitations():
    m = KgAmReexport.metadata
    assert m.id == "kg-am-reexport"
    assert m.name == "Re-export red flags: Kyrgyzstan and Armenia"
    assert m.version == "0.1.0"
    assert m.valid_from == datetime.date(2022, 2, 24)
    assert m.valid_to is None
    for source in ("FIN-2022-Alert003 (28 Jun 2022)", "FIN-2023-Alert004 (19 May 2023)",
                   "15 CFR part 732 Supplement No. 3", "version of 23 Feb 2024", "Art. 12gb"):
        assert any(source in s for s in m.sources), source
    for limit in ("payment flows", "ownership", "buyer's real business", "lists as of their dates"):
        assert any(limit in l for l in m.limitations), limit


def test_declares_five_valid_rules_each_citing_its_source():
    assert rules_problem(KgAmReexport.rules) is None
    assert [r.id for r in KgAmReexport.rules] == [
        "kg-am-chpl-transshipment-risk",
        "kg-am-founded-after-invasion",
        "kg-am-forwarder-as-end-user",
        "kg-am-route-toward-russia",
        "kg-am-goods-outside-business",
    ]
    for rule in KgAmReexport.rules:
        assert "15 CFR 732 Supp. 3" in rule.legal_basis or "Alert00" in rule.legal_basis, rule.id
        assert rule.description


def test_a_shipment_not_for_kyrgyzstan_or_armenia_gets_no_finding():
    s = base(route="DE>PL>BY>RU>KZ", consignee=testing.party("Astana TOO", "KZ", registration_date="2023-01-01"),
             contract=None, end_use={"sector": "agriculture"})
    assert testing.evaluate(KgAmReexport, s) == []


def test_a_clean_furniture_shipment_to_kyrgyzstan_gets_no_finding():
    assert testing.evaluate(KgAmReexport, furniture(end_use={"sector": "furniture"})) == []


def test_every_rule_together_in_declaration_order():
    s = base(
        consignee=testing.party("Tulpar Trade OsOO", "KG", registration_date="2023-03-14"),
        end_user=testing.party("Tulpar Logistika OsOO", "KG", registration_date="2023-03-14"),
        other_parties=[("notify_party", testing.party("OOO Vektor", "RU"))],
        end_use={"sector": "furniture"},
    )
    findings = testing.evaluate(KgAmReexport, s)
    assert rules(findings) == [r.id for r in KgAmReexport.rules]
    assert {f.outcome for f in findings} == {Outcome.REVIEW}


def test_the_threshold_raises_every_finding_of_the_shipment():
    s = base(
        consignee=testing.party("Tulpar Trade OsOO", "KG", registration_date="2023-03-14"),
        end_user=testing.party("Tulpar Logistika OsOO", "KG"),
        other_parties=[("notify_party", testing.party("OOO Vektor", "RU"))],
    )
    strict = configure(KgAmReexport, {"deny_at_red_flags": 3})
    findings = testing.evaluate(strict, s)
    assert rules(findings) == [
        "kg-am-chpl-transshipment-risk", "kg-am-founded-after-invasion",
        "kg-am-forwarder-as-end-user", "kg-am-route-toward-russia",
    ]
    assert {f.outcome for f in findings} == {Outcome.DENY}
    lenient = configure(KgAmReexport, {"deny_at_red_flags": 4})
    assert {f.outcome for f in testing.evaluate(lenient, s)} == {Outcome.REVIEW}


def test_the_law_date_not_the_document_date_decides():
    s = base(consignee=testing.party("Naryn Chips OsOO", "KG", registration_date="2022-07-19"),
             date="2024-06-03", as_of="2023-05-18")
    (chpl, young) = testing.evaluate(KgAmReexport, s)
    assert "Alert004" not in young.legal_basis
    assert "Alert004" not in chpl.legal_basis
