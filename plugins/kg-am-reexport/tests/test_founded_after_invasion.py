"""Rule `kg-am-founded-after-invasion`: a young KG/AM buyer of CHPL or controlled goods."""

from exportctl_sdk import Outcome, testing

from documents import base, furniture
from kg_am_reexport import founded_after_invasion
from kg_am_reexport.indicators import Escalation, Kind

RULE = "kg-am-founded-after-invasion"
REVIEW = Escalation(None, ())


def young(date, country="KG"):
    return testing.party("Naryn Engineering OsOO", country, registration_date=date)


def test_founded_on_24_february_2022_is_not_flagged_but_the_day_after_is():
    assert founded_after_invasion.check(base(consignee=young("2022-02-24")), REVIEW) is None
    f = founded_after_invasion.check(base(consignee=young("2022-02-25")), REVIEW)
    assert f.rule == RULE
    assert f.outcome is Outcome.REVIEW
    assert f.line_numbers == (1,)
    assert f.party_paths == ("consignee",)
    assert f.message == (
        "A company in Kyrgyzstan founded after 24 Feb 2022 buys goods Russia seeks: consignee "
        "`Naryn Engineering OsOO` founded 2022-02-25; line 1 (8542.31, CHPL Tier 1). Check its "
        "business background, owners and customers before release."
    )


def test_no_registration_date_is_no_flag():
    assert founded_after_invasion.check(base(consignee=testing.party("Naryn OsOO", "KG")), REVIEW) is None


def test_controlled_lines_count_and_other_goods_do_not():
    s = furniture(
        consignee=young("2023-01-10"),
        lines=[
            testing.line(1, "9403.60"),
            testing.line(2, "8543.70.90", control_codes=["3A001.a.2"]),
            testing.line(3, "9306.30", control_codes=["ML3"]),
            testing.line(4, "8471.30", control_codes=["EAR99"]),
        ],
    )
    f = founded_after_invasion.check(s, REVIEW)
    assert f.line_numbers == (2, 3)
    assert "line 2 (8543.70.90, 3A001.A.2), line 3 (9306.30, ML3)" in f.message
    assert founded_after_invasion.check(furniture(consignee=young("2023-01-10")), REVIEW) is None


def test_a_chpl_line_with_a_control_code_names_both():
    s = base(consignee=young("2023-01-10"), lines=[testing.line(1, "8542.31", control_codes=["3A991.a"])])
    assert "line 1 (8542.31, CHPL Tier 1; 3A991.A)" in founded_after_invasion.check(s, REVIEW).message


def test_only_parties_in_kyrgyzstan_or_armenia_are_named():
    s = base(
        consignee=testing.party("Almaty Komponent TOO", "KZ", registration_date="2022-05-01"),
        end_user=testing.party("Gyumri Tech LLC", "AM", registration_date="2023-09-09"),
    )
    f = founded_after_invasion.check(s, REVIEW)
    assert f.party_paths == ("end_user",)
    assert "A company in Kyrgyzstan and Armenia" in f.message
    s = base(consignee=testing.party("Almaty Komponent TOO", "KZ", registration_date="2022-05-01"),
             end_user=testing.party("Gyumri Tech LLC", "AM", registration_date="2001-09-09"))
    assert founded_after_invasion.check(s, REVIEW) is None


def test_the_red_flag_reads_every_country_as_the_alerts_do():
    s = base(
        consignee=testing.party("Almaty Komponent TOO", "KZ", registration_date="2022-05-01"),
        end_user=testing.party("Bishkek Signal OsOO", "KG", registration_date="2022-03-01"),
    )
    flag = founded_after_invasion.flag(s)
    assert flag.kind is Kind.FOUNDED_AFTER_INVASION
    assert flag.parties == ("consignee", "end_user")
    assert flag.message == (
        "consignee `Almaty Komponent TOO` founded 2022-05-01 and end user `Bishkek Signal OsOO` "
        "founded 2022-03-01, after 24 Feb 2022"
    )
    assert founded_after_invasion.flag(base()) is None


def test_cites_alert004_only_from_its_date():
    f = founded_after_invasion.check(base(consignee=young("2022-07-19"), date="2023-05-18"), REVIEW)
    assert f.legal_basis == "15 CFR 732 Supp. 3 (customer with little or no business background)"
    f = founded_after_invasion.check(base(consignee=young("2022-07-19"), date="2023-05-19"), REVIEW)
    assert f.legal_basis.startswith("FinCEN/BIS FIN-2023-Alert004 (19 May 2023): customer incorporated after 24 Feb 2022")
