"""Name reduction: the answers of the Rust SDK's `entity_name` (its own test cases)."""

from exportctl_sdk.entity_name import comparison_key, skeleton, within_one_edit, words
from exportctl_sdk.transliteration import char


def tokens(name):
    key = comparison_key(name)
    return key.split(" ") if key is not None else words(name)


def test_transliteration_is_that_of_any_ascii():
    for text, ascii_ in (
        ("Борис Николаевич Ельцин", "Boris Nikolaevich El'tsin"),
        ("René François Lacôte", "Rene Francois Lacote"),
        ("Blöße", "Blosse"),
        ("Володимир Горбулін", "Volodimir Gorbulin"),
        ("Φειδιππίδης", "Feidippidis"),
        ("Երևան", "Erevan"),
    ):
        assert "".join(char(c) for c in text) == ascii_


def test_case_punctuation_quotes_and_diacritics_go():
    assert words("“Inter-Treid Elektro”") == ["inter", "treid", "elektro"]
    assert words("Müller & Söhne") == ["muller", "sohne"]
    assert words("Xi’an Like Int'l") == ["xian", "like", "intl"]
    assert words("Łódź «Zakład»") == ["lodz", "zaklad"]
    assert words("A.Ş.") == ["as"]


def test_one_letter_runs_are_joined():
    assert words("L.L.C.") == ["llc"]
    assert words("O O O Vektor") == ["ooo", "vektor"]
    assert words("J Sh S") == ["j", "sh", "s"]


def test_cyrillic_kazakh_and_kyrgyz_are_transliterated():
    assert tokens("ТОО «Интер-Трейд Электро»") == ["inter", "treyd", "elektro"]
    assert tokens("АҚ Қазақстан Ғылым") == ["qazaqstan", "ghylym"]
    assert tokens("ОсОО «Ак-Суу»") == ["ak", "suu"]
    assert tokens("Ильич Щёлково") == ["ilich", "shchelkovo"]
    assert tokens("ТОВ «Укрнафта»") == ["ukrnafta"]


def test_legal_forms_go_wherever_they_stand():
    for name in (
        "Inter-Trade Electro LLP",
        "TOO Inter-Trade Electro",
        "Inter-Trade Electro Limited Liability Partnership",
        "“Inter-Trade Electro” J Sh S",
        "ЖШС «Inter-Trade Electro»",
        "Inter-Trade Electro, L.L.C.",
        "Inter-Trade Electro GmbH & Co. KG",
        "OsOO Inter-Trade Electro",
        "Inter-Trade Electro OOO",
        "AO Inter-Trade Electro",
        "JSC Inter-Trade Electro",
        "Inter-Trade Electro Co., Ltd.",
        "Obshchestvo s Ogranichennoy Otvetstvennostyu Inter-Trade Electro",
        "Tovarishchestvo s ogranichennoi otvetstvennostiu Inter-Trade Electro",
        "Public Joint Stock Company Inter-Trade Electro",
        "Inter-Trade Electro Stock Company Joint Public",
    ):
        assert tokens(name) == ["inter", "trade", "electro"], name


def test_misspelt_long_legal_forms_go_too():
    assert tokens("Cheerway Corpoation") == ["cheerway"]
    assert tokens("Cheerway Corporatsion") == ["cheerway"]
    assert tokens("Onefactor Limited Liablity Company") == ["onefactor"]
    assert within_one_edit("comany", "company")
    assert within_one_edit("cmopany", "company")
    assert not within_one_edit("cooperation", "corporation")


def test_qualifiers_stay_when_alone():
    assert tokens("Open Systems") == ["open", "systems"]
    assert tokens("Public Bank") == ["public", "bank"]
    assert tokens("Public Joint Stock Bank") == ["bank"]


def test_transliteration_variants_share_a_skeleton():
    for group in (
        ("treid", "traid", "trade", "treyd"),
        ("elektro", "electro"),
        ("eksport", "export"),
        ("yuriy", "iurii", "jurij", "yurij"),
        ("shchelkovo", "schelkovo"),
        ("ogranichennoy", "ogranichennoi"),
        ("muhammad", "mohammad", "mohammed"),
        ("kazakhstan", "kazahstan"),
    ):
        assert len({skeleton(w) for w in group}) == 1, group
    assert skeleton("trade") != skeleton("tired")
    assert skeleton("35th") == "35th"


def test_comparison_keys_ignore_case_punctuation_script_and_legal_form():
    assert comparison_key("Rhein Logistik GmbH") == "rhein logistik"
    assert comparison_key("RHEIN-LOGISTIK") == "rhein logistik"
    assert comparison_key("ТОО «Астана Логистик»") == comparison_key("Astana Logistik LLP")
    assert comparison_key("TOO «Silk-Route Logistics»") == "silk route logistics"
    assert comparison_key("ТОО «Шёлковый Путь»") == comparison_key("Shelkovyy Put LLP")
    assert comparison_key("Rhein Logistik") != comparison_key("Main Logistik")


def test_a_name_of_legal_forms_only_has_no_key():
    assert comparison_key("LLP") is None
    assert comparison_key("The Company") is None
    assert comparison_key("--") is None
