"""Rule `kg-am-forwarder-as-end-user`: the KG/AM end user is a freight forwarder."""

from exportctl_sdk import Outcome, testing

from documents import furniture
from kg_am_reexport import forwarder_as_end_user
from kg_am_reexport.forwarder_as_end_user import DEFAULT_FORWARDER_WORDS
from kg_am_reexport.indicators import Escalation

RULE = "kg-am-forwarder-as-end-user"
REVIEW = Escalation(None, ())


def check(shipment, words=DEFAULT_FORWARDER_WORDS):
    return forwarder_as_end_user.check(shipment, words, REVIEW)


def test_an_end_user_that_is_the_listed_forwarder_is_flagged():
    s = furniture(
        end_user=testing.party("Silk Route Logistic, LLP", "KG"),
        other_parties=[
            ("payer", testing.party("Silk Route Logistic", "KG")),
            ("freight_forwarder", testing.party("SILK ROUTE LOGISTIC TOO", "KG")),
        ],
    )
    f = check(s)
    assert f.rule == RULE
    assert f.outcome is Outcome.REVIEW
    assert f.line_numbers == ()
    assert f.party_paths == ("end_user", "other_parties[1]")
    assert f.message == (
        "The end user in Kyrgyzstan is a freight forwarder: end user `Silk Route Logistic, LLP` is the "
        "freight forwarder `SILK ROUTE LOGISTIC TOO` (other_parties[1]). A forwarder does not use the "
        "goods; find out who does before release."
    )


def test_identity_by_alias_or_registry_id_of_the_same_kind():
    forwarder = ("freight_forwarder", testing.party("KTH Express", "KG", ids={"BIN": "120340005678"}))
    by_id = furniture(end_user=testing.party("Kant Trade House", "KG", ids={"bin": "120 340 005 678"}),
                      other_parties=[forwarder])
    assert check(by_id).party_paths == ("end_user", "other_parties[0]")
    by_alias = furniture(end_user=testing.party("Kant Trade House", "KG", aliases=["KTH Express LLC"]),
                         other_parties=[forwarder])
    assert check(by_alias).party_paths == ("end_user", "other_parties[0]")
    other_kind = furniture(end_user=testing.party("Kant Trade House", "KG", ids={"vat": "120340005678"}),
                           other_parties=[forwarder])
    assert check(other_kind) is None


def test_the_same_company_in_cyrillic_and_latin_script():
    s = furniture(end_user=testing.party("ОсОО «Шёлковый Путь»", "KG"),
                  other_parties=[("freight_forwarder", testing.party("Shelkovyy Put LLC", "KG"))])
    assert check(s).party_paths == ("end_user", "other_parties[0]")


def test_a_forwarder_that_is_not_the_end_user_is_not_flagged():
    s = furniture(other_parties=[("freight_forwarder", testing.party("Silk Route Logistics LLP", "KG"))])
    assert check(s) is None


def test_forwarder_words_in_the_name_as_written_or_transliterated():
    for name in ("Steppe Logistics LLC", "OsOO Kyrgyz-Logistika", "Global Freight Solutions",
                 "Orient Cargo Co", "Tien Shan Shipping", "ОсОО «Бишкек Экспедиция»"):
        f = check(furniture(end_user=testing.party(name, "KG")))
        assert f is not None, name
        assert f.party_paths == ("end_user",), name
    for name in ("Bishkek Transport Holding", "Forward Technologies OsOO", "Express Electronics",
                 "Cargill Kyrgyzstan"):
        assert check(furniture(end_user=testing.party(name, "KG"))) is None, name
    f = check(furniture(end_user=testing.party("ОсОО «Бишкек Экспедиция»", "KG")))
    assert "has a freight forwarder's name (`ekspeditsiya`)" in f.message


def test_a_forwarder_consignee_without_a_named_end_user_is_the_end_user():
    s = furniture(route="NL>AM", consignee=testing.party("Yerevan Cargo Express LLC", "AM"))
    f = check(s)
    assert f.party_paths == ("consignee",)
    assert f.message.startswith(
        "The end user in Armenia is a freight forwarder: consignee `Yerevan Cargo Express LLC` (the end "
        "user, as none is named) has a freight forwarder's name (`cargo`)."
    )


def test_only_an_end_user_in_kyrgyzstan_or_armenia():
    s = furniture(end_user=testing.party("Steppe Logistics TOO", "KZ"))
    assert check(s) is None
    assert forwarder_as_end_user.flag(s, DEFAULT_FORWARDER_WORDS).parties == ("end_user",)


def test_words_come_from_the_settings():
    s = furniture(end_user=testing.party("Steppe Logistics LLC", "KG"))
    assert check(s, ()) is None
    s = furniture(end_user=testing.party("Tien Shan Transit Hub", "KG"))
    assert check(s) is None
    assert check(s, ("transit",)).party_paths == ("end_user",)
