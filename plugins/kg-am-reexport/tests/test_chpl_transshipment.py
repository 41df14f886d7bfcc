"""Rule `kg-am-chpl-transshipment-risk`: CHPL lines to Kyrgyzstan or Armenia."""

from exportctl_sdk import Outcome, testing

from documents import base
from kg_am_reexport import KgAmReexport, Settings, chpl_transshipment, goods_outside_business, red_flags
from kg_am_reexport.chpl_lines import ChplLines
from kg_am_reexport.indicators import Escalation

RULE = "kg-am-chpl-transshipment-risk"


def check(shipment, settings=Settings()):
    lines = ChplLines.of(shipment)
    goods_fit = goods_outside_business.assess(shipment, settings.sector_goods)
    flags = red_flags.find(shipment, lines, settings, goods_fit)
    return chpl_transshipment.check(shipment, lines, Escalation(settings.deny_at_red_flags, flags))


def test_reviews_chpl_lines_to_kyrgyzstan_without_red_flags():
    f = check(base())
    assert f.rule == RULE
    assert f.outcome is Outcome.REVIEW
    assert f.line_numbers == (1,)
    assert f.party_paths == ("consignee",)
    assert f.message == (
        "CHPL items to a transshipment point for Russia in Kyrgyzstan (destination KG): "
        "line 1 (8542.31, Tier 1). No red flags found in the document; confirm end use and end "
        "user before release."
    )
    assert f.legal_basis == (
        "FinCEN/BIS FIN-2022-Alert003 (28 Jun 2022) transshipment points; FinCEN/BIS FIN-2023-Alert004 "
        "(19 May 2023); 15 CFR 732 Supp. 3; CHPL (23 Feb 2024) Tier 1"
    )


def test_names_only_chpl_lines_in_document_order():
    s = base(
        lines=[
            testing.line(7, "8482.10.10"),
            testing.line(2, "4901.99"),
            testing.line(3, "854231"),
        ]
    )
    f = check(s)
    assert f.line_numbers == (7, 3)
    assert "line 7 (8482.10.10, Tier 3.B), line 3 (8542.31, Tier 1)" in f.message
    assert f.legal_basis.endswith("CHPL (23 Feb 2024) Tier 1, Tier 3.B")


def test_no_chpl_line_no_finding():
    assert check(base(lines=[testing.line(1, "9403.60")])) is None


def test_armenia_and_parties_there_trigger_other_countries_do_not():
    assert check(base(route="FR>AM", consignee=testing.party("Ararat Tech LLC", "AM"))).message.startswith(
        "CHPL items to a transshipment point for Russia in Armenia (destination AM)"
    )
    # Consignee in Germany, end user in Kyrgyzstan: the end user triggers and is named.
    s = base(route="DE>DE", consignee=testing.party("Bayern Chips GmbH", "DE"),
             end_user=testing.party("Bishkek Radio OsOO", "KG"))
    f = check(s)
    assert f.party_paths == ("end_user",)
    assert "(end user `Bishkek Radio OsOO` in KG)" in f.message
    # Kazakhstan is a transshipment point, but not this policy's.
    assert check(base(route="DE>KZ", consignee=testing.party("Astana Tech TOO", "KZ"))) is None


def test_a_consignee_in_another_transshipment_point_is_named_as_chpl_diversion_names_it():
    s = base(consignee=testing.party("Almaty Komponent TOO", "KZ"),
             end_user=testing.party("Bishkek Signal OsOO", "KG"))
    f = check(s)
    assert f.party_paths == ("consignee", "end_user")
    assert "consignee `Almaty Komponent TOO` in KZ, also a transshipment point" in f.message
    # A consignee in a country that is no transshipment point is not named.
    s = base(consignee=testing.party("Wien Handel GmbH", "AT"), end_user=testing.party("Bishkek Signal OsOO", "KG"))
    assert check(s).party_paths == ("end_user",)


def test_red_flag_parties_follow_the_trigger_parties_in_flag_order():
    s = base(
        consignee=testing.party("Tulpar Trade OsOO", "KG", registration_date="2023-03-14"),
        end_user=testing.party("Tulpar Logistika OsOO", "KG"),
        other_parties=[
            ("payer", testing.party("Golden Bridge Trading Ltd", "HK")),
            ("freight_forwarder", testing.party("TULPAR LOGISTIKA LLC", "KG")),
        ],
        contract={"no_russia_clause": False},
    )
    f = check(s)
    assert f.party_paths == ("consignee", "end_user", "other_parties[1]", "other_parties[0]")
    assert f.message.count("; ") >= 3
    assert "Red flags (4): consignee `Tulpar Trade OsOO` founded 2023-03-14, after 24 Feb 2022; " in f.message
    assert "end user `Tulpar Logistika OsOO` is the freight forwarder `TULPAR LOGISTIKA LLC` (other_parties[1])" in f.message
    assert "payer `Golden Bridge Trading Ltd` (other_parties[0]) in HK" in f.message


def test_route_and_business_flags_are_listed_without_adding_their_parties():
    s = base(
        other_parties=[("notify_party", testing.party("OOO Vektor", "RU"))],
        end_use={"sector": "agriculture"},
    )
    f = check(s)
    assert f.party_paths == ("consignee",)
    assert "Red flags (2): notify party `OOO Vektor` in RU (finding `kg-am-route-toward-russia`); " in f.message
    assert "line 1 (8542.31, CHPL Tier 1) outside the buyer's sector `agriculture`" in f.message


def test_stays_review_by_default_and_denies_at_the_configured_number_of_flags():
    s = base(consignee=testing.party("Naryn Chips OsOO", "KG", registration_date="2022-07-19"),
             transit_countries=["RU"], contract={"no_russia_clause": False})
    assert check(s).outcome is Outcome.REVIEW
    f = check(s, Settings(deny_at_red_flags=3))
    assert f.outcome is Outcome.DENY
    assert f.message.endswith(
        "Denied because the settings deny at 3 or more red flags and the shipment shows 3 "
        "(company founded after 24 Feb 2022, route or party toward Russia/Belarus, no no-Russia clause)."
    )
    assert check(s, Settings(deny_at_red_flags=4)).outcome is Outcome.REVIEW


def test_a_threshold_of_one_needs_one_flag():
    assert check(base(), Settings(deny_at_red_flags=1)).outcome is Outcome.REVIEW
    s = base(contract={"no_russia_clause": False})
    assert check(s, Settings(deny_at_red_flags=1)).outcome is Outcome.DENY


def test_cites_art_12g_with_the_clause_flag_and_art_12gb_from_26_december_2024():
    s = base(contract={"no_russia_clause": False}, date="2024-12-25")
    basis = check(s).legal_basis
    assert "833/2014 Art. 12g; CHPL" in basis
    assert "12gb" not in basis
    basis = check(base(date="2024-12-26")).legal_basis
    assert basis.endswith("15 CFR 732 Supp. 3; Reg. (EU) 833/2014 Art. 12gb; CHPL (23 Feb 2024) Tier 1")


def test_eu_articles_only_where_eu_rules_bind_the_exporter():
    s = base(route="CN>KG", exporter=testing.party("Shenzhen Chips Ltd", "CN"), date="2025-01-10",
             contract={"no_russia_clause": False})
    f = check(s)
    assert "833/2014" not in f.legal_basis
    assert "the Art. 12g obligation does not bind this exporter" in f.message
    # A CHPL line of EU origin brings the EU rules in.
    s = base(route="CN>KG", exporter=testing.party("Shenzhen Chips Ltd", "CN"), date="2025-01-10",
             lines=[testing.line(1, "8542.31", origin_country="NL")])
    assert "Art. 12gb" in check(s).legal_basis


def test_before_alert004_it_is_not_cited_and_before_alert003_the_message_says_so():
    f = check(base(date="2023-05-18"))
    assert "Alert004" not in f.legal_basis
    f = check(base(date="2022-06-27"))
    assert "named transshipment points by FinCEN/BIS FIN-2022-Alert003 on 28 Jun 2022, after the law date" in f.message
    assert f.outcome is Outcome.REVIEW
    assert "after the law date" not in check(base(date="2022-06-28")).message


def test_long_shipments_name_twenty_lines_and_count_the_rest():
    s = base(lines=[testing.line(n, "8542.31") for n in range(1, 24)])
    f = check(s)
    assert len(f.line_numbers) == 23
    assert "line 20 (8542.31, Tier 1), and 3 more lines." in f.message
    assert "line 21 " not in f.message


def test_the_policy_runs_the_rule_through_the_wire():
    findings = testing.evaluate(KgAmReexport, base())
    assert [f.rule for f in findings] == [RULE]
