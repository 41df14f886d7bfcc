"""Control codes classified as the Rust SDK classifies them (`sdk/src/control_code.rs`,
whose tests these follow)."""

from __future__ import annotations

import pytest

from exportctl_sdk import AnnexViiCode, ControlCode, ListedCode, MilitaryCode, ProductGroup, Regime


def listed(text: str) -> ListedCode:
    code = ControlCode(text)
    assert code.listed is not None, text
    return code.listed


def test_dual_use_entries_parse_with_their_paragraphs() -> None:
    entry = listed("3A001.a.2")
    assert (entry.category, entry.group, entry.number, entry.paragraph) == (
        3,
        ProductGroup.A,
        1,
        ".A.2",
    )
    assert entry.regime is Regime.WASSENAAR
    assert listed("9a012").entry == "9A012"
    assert listed("1C350").regime is Regime.AUSTRALIA_GROUP
    assert listed("0B001").regime is Regime.NSG, "category 0 is the NSG trigger list"
    assert listed("9A120").regime is Regime.MTCR
    assert listed("2B230").regime is Regime.NSG
    assert listed("1C450").regime is Regime.CWC
    assert listed("5A992.c").regime is Regime.US_ONLY


def test_eu_dual_use_is_told_from_us_only_entries() -> None:
    assert ControlCode("5A002").is_eu_dual_use
    assert not ControlCode("3A991.a").is_eu_dual_use, "x9xx is US anti-terrorism only"
    assert ControlCode("3A991.a").is_dual_use
    assert not ControlCode("9A610.a").is_dual_use and ControlCode("9A610.a").is_military
    assert ControlCode("0A501").is_military and not ControlCode("0A501").is_dual_use
    assert ControlCode("9A515.x").is_military
    assert not ControlCode("5A515").is_military and ControlCode("5A515").is_dual_use
    assert not ControlCode("EAR99").is_dual_use and not ControlCode("EAR99").is_military


def test_military_list_entries_are_ml1_to_ml22() -> None:
    assert ControlCode("ML10").military == MilitaryCode(10, "")
    assert ControlCode("ml13.d").military == MilitaryCode(13, ".D")
    assert ControlCode("ML1").is_military and ControlCode("ML22").is_military
    for other in ["ML23", "ML0", "ML010", "ML", "ML1X", "ML10-a", "ML 10"]:
        code = ControlCode(other)
        assert code.is_other and not code.is_military, other
    assert ControlCode("ML01") == ControlCode("ML1"), "one item, kept as ML1"
    assert ControlCode("ML01").kept == "ML1"


def test_anything_else_is_kept_as_other_text() -> None:
    for text in [
        "PL5001",
        "3F001",
        "3A01",
        "X.A.I.001",
        "EAR 99",
        "3A001-a",
        "",
        "3A001.a-1",
        "3A0011",
    ]:
        code = ControlCode(text)
        assert code.is_other and code.listed is None and code.military is None, text
    assert ControlCode("ear99").is_ear99 and ControlCode(" EAR99 ").kept == "EAR99"


def test_kept_form_is_upper_case_and_reads_back_to_the_same_code() -> None:
    for text, kept in [("3a991.a", "3A991.A"), ("ml13.d", "ML13.D"), ("x.a.i.001", "X.A.I.001"),
                       ("pl5001", "PL5001"), ("straße", "STRAßE"), ("  5a002 ", "5A002")]:  # fmt: skip
        code = ControlCode(text)
        assert (code.kept, str(code)) == (kept, kept), text
        assert ControlCode(code.kept) == code
    assert ControlCode.parse("3a991.a") == ControlCode("3A991.A")
    assert repr(ControlCode("ml10")) == "ControlCode('ML10')"


def test_printed_form_is_the_lists_own_spelling() -> None:
    for text in ["3A001.a.2", "EAR99", "ML13.d", "ML10.h.1", "PL5001", "5A992.c", "5A002",
                 "X.A.I.001", "X.B.VIII.002.a.1"]:  # fmt: skip
        assert ControlCode(text).printed == text
        assert ControlCode(text.upper()).printed == text, "upper-cased on the shipment"
    assert ControlCode("5A002.A.1").printed == "5A002.a.1"
    assert ControlCode("x.a.i.001.A").printed == "X.A.I.001.a"


def test_annex_vii_entries_parse() -> None:
    assert AnnexViiCode.parse("X.A.I.001") == AnnexViiCode(ProductGroup.A, 1, 1, "")
    code = AnnexViiCode.parse("x.b.viii.002.a.1")
    assert code == AnnexViiCode(ProductGroup.B, 8, 2, ".A.1")
    assert str(code) == "X.B.VIII.002.a.1"
    assert AnnexViiCode.parse("X.D.XX.999").category == 20
    assert str(AnnexViiCode.parse(" X.C.IV.010 ")) == "X.C.IV.010"


@pytest.mark.parametrize(
    "bad",
    ["", "X", "X.", "X.A.I", "X.A.I.01", "X.A.I.0001", "X.F.I.001", "X.A.IIII.001", "X.A.XXI.001",
     "X.A.0.001", "Y.A.I.001", "X.A.I.001.", "X.A.I.001..A", "X.A.I.001.A-1", "3A001", "ML10",
     "XA.I.001", "é.A.I.001", "X.A.iv.001x"],
)  # fmt: skip
def test_other_annex_vii_shapes_are_refused(bad: str) -> None:
    assert AnnexViiCode.parse(bad) is None


def test_annex_vii_entries_are_found_in_other_codes_only() -> None:
    code = ControlCode("X.A.I.001")
    assert code.is_other and code.annex_vii() == AnnexViiCode(ProductGroup.A, 1, 1, "")
    assert not (code.is_dual_use or code.is_military or code.is_eu_dual_use)
    for other in ["3A001", "EAR99", "ML10", "PL5001"]:
        assert ControlCode(other).annex_vii() is None, other


def test_a_control_code_is_immutable() -> None:
    code = ControlCode("ML10")
    with pytest.raises(AttributeError):
        code.kept = "ML11"  # type: ignore[misc]
