"""Rule `kg-am-route-toward-russia`: routes and parties pointing on to Russia/Belarus."""

from exportctl_sdk import Outcome, testing

from documents import furniture
from kg_am_reexport import route_toward_russia
from kg_am_reexport.indicators import Escalation

RULE = "kg-am-route-toward-russia"
REVIEW = Escalation(None, ())


def check(shipment):
    return route_toward_russia.check(shipment, REVIEW)


def test_a_kyrgyz_buyer_whose_goods_run_through_kazakhstan_on_to_russia():
    s = furniture(route="CN>KZ>RU", consignee=testing.party("Issyk-Kul Machinery OsOO", "KG"))
    f = check(s)
    assert f.rule == RULE
    assert f.outcome is Outcome.REVIEW
    assert f.party_paths == ()
    assert f.line_numbers == ()
    assert f.message == (
        "Goods for Kyrgyzstan point on to Russia/Belarus: the route runs through KZ and on to RU. "
        "Confirm where the goods will be used before release; an export to Russia or Belarus itself "
        "is judged by the Russia/Belarus policies."
    )


def test_armenia_through_georgia_on_to_russia():
    f = check(furniture(route="IT>GE>RU>AM", consignee=testing.party("Yerevan Trade LLC", "AM")))
    assert "the route runs through GE and on to RU" in f.message


def test_kazakhstan_or_georgia_on_the_way_to_kyrgyzstan_or_armenia_is_no_flag():
    assert check(furniture(route="CN>KZ>KG")) is None
    assert check(furniture(route="IT>TR>GE>AM", consignee=testing.party("Yerevan Trade LLC", "AM"))) is None
    assert check(furniture(route="DE>TR>GE>AZ>KZ>KG")) is None


def test_a_route_through_russia_or_belarus():
    f = check(furniture(route="DE>PL>BY>RU>KZ>KG"))
    assert "the route passes through BY, RU." in f.message
    f = check(furniture(route="DE>RU>KG"))
    assert "the route passes through RU." in f.message


def test_a_destination_in_russia_for_a_kyrgyz_buyer():
    f = check(furniture(route="CN>RU", consignee=testing.party("Bishkek Trade OsOO", "KG")))
    assert "the destination is RU" in f.message


def test_watched_parties_in_russia_or_belarus_are_named():
    s = furniture(
        end_user=testing.party("AO Radiozavod", "RU"),
        other_parties=[
            ("freight_forwarder", testing.party("OOO Trans Logistik", "RU")),
            ("notify_party", testing.party("OOO Vektor", "RU")),
            ("bank", testing.party("Sberbank", "RU")),
            ("intermediate_consignee", testing.party("OAO Integral", "BY")),
            ("payer", testing.party("OOO Agroresurs", "RU")),
            ("payer", testing.party("Bishkek Agro OsOO", "KG")),
        ],
    )
    f = check(s)
    assert f.party_paths == ("end_user", "other_parties[1]", "other_parties[3]", "other_parties[4]")
    assert (
        "end user `AO Radiozavod` in RU; notify party `OOO Vektor` in RU; intermediate consignee "
        "`OAO Integral` in BY; payer `OOO Agroresurs` in RU." in f.message
    )


def test_a_consignee_in_russia_of_goods_sent_to_kyrgyzstan():
    f = check(furniture(consignee=testing.party("OOO Vostok", "RU")))
    assert f.party_paths == ("consignee",)


def test_a_forwarder_or_bank_in_russia_alone_is_no_flag():
    s = furniture(other_parties=[("freight_forwarder", testing.party("OOO Trans", "RU")),
                                 ("bank", testing.party("Sberbank", "RU"))])
    assert check(s) is None


def test_shipments_not_for_kyrgyzstan_or_armenia_are_left_alone():
    s = furniture(route="DE>PL>BY>RU>KZ", consignee=testing.party("Astana TOO", "KZ"))
    assert check(s) is None
    assert route_toward_russia.flag(s) is not None


def test_belarus_before_the_hub_and_russia_after_it_are_both_said():
    f = check(furniture(route="PL>BY>KZ>RU", consignee=testing.party("Bishkek Trade OsOO", "KG")))
    assert "the route passes through BY; the route runs through KZ and on to RU." in f.message
