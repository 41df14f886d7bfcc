"""Rule `kg-am-goods-outside-business`: goods that do not fit the declared sector."""

from exportctl_sdk import Outcome, testing

from documents import base
from kg_am_reexport import goods_outside_business
from kg_am_reexport.indicators import Escalation
from kg_am_reexport.sector_goods import DEFAULT_SECTOR_GOODS, SectorGoods

RULE = "kg-am-goods-outside-business"
REVIEW = Escalation(None, ())


def check(shipment, table=DEFAULT_SECTOR_GOODS):
    return goods_outside_business.check(shipment, goods_outside_business.assess(shipment, table), REVIEW)


def farm(*lines, **fields):
    fields = {"consignee": testing.party("Chui Agro Service OsOO", "KG"), **fields}
    return base(end_use={"sector": "agriculture"}, lines=list(lines), **fields)


def test_chips_for_a_farm_are_flagged_and_a_seed_drill_is_not():
    s = farm(testing.line(1, "8542.32.31"), testing.line(2, "8432.31"))
    f = check(s)
    assert f.rule == RULE
    assert f.outcome is Outcome.REVIEW
    assert f.line_numbers == (1,)
    assert f.party_paths == ("consignee",)
    assert f.message == (
        "Goods for Kyrgyzstan do not fit the buyer's line of business: consignee `Chui Agro Service OsOO` "
        "declares the sector `agriculture`, which does not list line 1 (8542.32.31, CHPL Tier 1). "
        "Ask what the buyer needs them for before release."
    )
    assert check(farm(testing.line(2, "8432.31"))) is None


def test_the_named_end_user_is_the_buyer():
    s = farm(testing.line(1, "8471.30"), end_user=testing.party("Talas Agro OsOO", "KG"))
    assert check(s).party_paths == ("end_user",)


def test_sector_names_compare_without_case_or_spacing():
    s = base(end_use={"sector": "  AGRICULTURE "}, lines=[testing.line(1, "8471.30")])
    assert check(s).line_numbers == (1,)


def test_no_sector_or_an_unlisted_sector_is_not_judged():
    assert check(base(lines=[testing.line(1, "8471.30")])) is None
    assert check(base(end_use={"statement": "x"}, lines=[testing.line(1, "8471.30")])) is None
    assert check(base(end_use={"sector": "mining"}, lines=[testing.line(1, "8471.30")])) is None


def test_chpl_tier_1_and_2_need_a_heading_entry_other_goods_a_chapter_entry():
    table = (SectorGoods("retail", ("85", "9503")),)
    s = base(end_use={"sector": "retail"}, lines=[
        testing.line(1, "8542.39"),      # Tier 1: chapter 85 is not enough
        testing.line(2, "8517.62"),      # Tier 2: likewise
        testing.line(3, "8541.10"),      # Tier 3.A: the chapter is enough
        testing.line(4, "8528.72"),      # not CHPL
    ])
    assert check(s, table).line_numbers == (1, 2)
    table = (SectorGoods("retail", ("85", "8542", "8517.62")),)
    assert check(s, table) is None


def test_default_sectors_fit_their_typical_goods():
    typical = {
        "agriculture": "8701.92", "food": "1905.90", "retail": "6109.10", "construction": "8429.52",
        "furniture": "9403.60", "textiles": "5208.52", "automotive": "8708.30", "medical": "9018.90",
        "electronics": "8542.31", "telecommunications": "8517.62",
    }
    assert sorted(typical) == sorted(e.sector for e in DEFAULT_SECTOR_GOODS)
    for sector, hs in typical.items():
        s = base(end_use={"sector": sector}, lines=[testing.line(1, hs)])
        assert check(s) is None, sector
        # and none of them fits a tier 1 chip but electronics
        chip = base(end_use={"sector": sector}, lines=[testing.line(1, "8542.31")])
        assert (check(chip) is None) == (sector == "electronics"), sector


def test_cites_alert004_only_from_its_date():
    s = farm(testing.line(1, "8471.30"), date="2023-05-18")
    assert check(s).legal_basis == "15 CFR 732 Supp. 3 (the product's capabilities do not fit the buyer's line of business)"
    assert "FIN-2023-Alert004" in check(farm(testing.line(1, "8471.30"), date="2023-05-19")).legal_basis


def test_shipments_not_for_kyrgyzstan_or_armenia_are_left_alone():
    s = farm(testing.line(1, "8471.30"), route="DE>KZ", consignee=testing.party("Astana Agro TOO", "KZ"))
    assert check(s) is None
