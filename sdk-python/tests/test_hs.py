"""HS codes: parsed, matched and shown as the Rust SDK does (`sdk/src/hs.rs`)."""

from __future__ import annotations

import pytest

from exportctl_sdk import HsCode


@pytest.mark.parametrize(
    "text",
    ["8542.31", "854231", "8542 31", "8542.31.90", "8542 31 90", " 854231 ", "\u3000854231\t"],
)
def test_dots_spaces_and_surrounding_white_space_are_dropped(text: str) -> None:
    code = HsCode.parse(text)
    assert code is not None and code.subheading == "854231"


@pytest.mark.parametrize(
    "bad",
    ["85A2", "8542", "85423", "", " ", "8542.31.90.12.3", "12345678901", ".854231", "854231.",
     "8542-31", "８５４２３１", "854231\x1c", "8542\t31", "٨٥٤٢٣١"],
)  # fmt: skip
def test_other_shapes_are_not_hs_codes(bad: str) -> None:
    assert HsCode.parse(bad) is None


def test_a_code_is_always_six_to_ten_ascii_digits() -> None:
    assert HsCode("8542319000").digits == "8542319000"
    for bad in ["85423", "85423190001", "85423a", "８５４２３１", ""]:
        with pytest.raises(ValueError):
            HsCode(bad)


def test_levels_are_prefixes() -> None:
    code = HsCode.parse("8542.31.90")
    assert (code.chapter, code.heading, code.subheading, code.digits) == (
        "85",
        "8542",
        "854231",
        "85423190",
    )


def test_matches_by_chapter_heading_subheading_and_national_code() -> None:
    code = HsCode.parse("8806.23.10")
    for pattern in ["88", "8806", "8806.23", "88062310", "8806 23 10"]:
        assert code.matches(pattern), pattern
    assert not code.matches("88062390")
    assert not code.matches("8807")
    assert not code.matches("8"), "a single digit is not an HS level"
    assert not code.matches("") and not code.matches(". .")
    assert not HsCode("880623").matches("88062310"), (
        "a national code is more specific than the line's"
    )


def test_the_most_specific_pattern_wins_and_siblings_do_not_match() -> None:
    patterns = ["85", "8542", "854231"]
    assert HsCode("8542310000").most_specific(patterns) == "854231"
    assert HsCode("854232").most_specific(patterns) == "8542"
    assert HsCode("851712").most_specific(patterns) == "85"
    assert HsCode("940360").most_specific(patterns) is None
    assert HsCode("940360").most_specific([]) is None


def test_codes_order_and_compare_as_their_digits() -> None:
    codes = sorted(HsCode(c) for c in ["854232", "85423190", "854231", "8542319010"])
    assert [c.digits for c in codes] == ["854231", "85423190", "8542319010", "854232"]
    assert HsCode.parse("8542 31") == HsCode("854231") and HsCode("854231") != HsCode("85423100")
    assert len({HsCode("854231"), HsCode.parse("8542.31")}) == 1


def test_shown_dotted() -> None:
    assert str(HsCode("854231")) == "8542.31"
    assert str(HsCode("85423190")) == "8542.31.90"
    assert str(HsCode("8542319000")) == "8542.31.9000"
