"""Reading and checking the settings."""

import pathlib
import re

import pytest
from exportctl_sdk import SettingsError, configure

from kg_am_reexport import KgAmReexport, Settings
from kg_am_reexport.forwarder_as_end_user import DEFAULT_FORWARDER_WORDS
from kg_am_reexport.indicators import KINDS
from kg_am_reexport.sector_goods import DEFAULT_SECTOR_GOODS, SectorGoods


def error(settings) -> str:
    with pytest.raises(SettingsError) as e:
        configure(KgAmReexport, settings)
    return str(e.value)


def test_defaults_keep_every_finding_at_review():
    policy = configure(KgAmReexport, "{}")
    assert policy.settings == Settings()
    assert policy.settings.deny_at_red_flags is None
    assert policy.settings.forwarder_name_words == DEFAULT_FORWARDER_WORDS
    assert policy.settings.sector_goods == DEFAULT_SECTOR_GOODS


def test_the_forwarder_words_are_those_of_chpl_diversion():
    # Read from the Rust policy's source, so the two cannot drift apart unnoticed.
    rust = (pathlib.Path(__file__).parents[2] / "chpl-diversion" / "src" / "red_flags.rs").read_text("utf-8")
    table = re.search(r"DEFAULT_FORWARDER_WORDS: &\[&str\] = &\[(.*?)\];", rust, re.S).group(1)
    assert DEFAULT_FORWARDER_WORDS == tuple(re.findall(r'"([^"]+)"', table))


def test_accepts_a_threshold_from_one_to_the_number_of_kinds():
    assert len(KINDS) == 6
    for n in range(1, len(KINDS) + 1):
        assert configure(KgAmReexport, {"deny_at_red_flags": n}).settings.deny_at_red_flags == n


def test_rejects_a_threshold_of_zero_or_above_the_kinds():
    assert "deny_at_red_flags: must be at least 1, not 0" in error({"deny_at_red_flags": 0})
    assert "deny_at_red_flags: is 7, but there are only 6 kinds of red flag" in error({"deny_at_red_flags": 7})
    assert "deny_at_red_flags" in error({"deny_at_red_flags": "3"})


def test_reads_a_sector_table():
    policy = configure(KgAmReexport, {"sector_goods": [{"sector": "retail", "hs": ["85", "8542.31"]}]})
    assert policy.settings.sector_goods == (SectorGoods("retail", ("85", "8542.31")),)


def test_reports_every_problem_at_once():
    e = error({
        "deny_at_red_flags": 0,
        "forwarder_name_words": ["cargo", "Big Freight", ""],
        "sector_goods": [
            {"sector": "retail", "hs": ["8"]},
            {"sector": "Retail", "hs": ["61"]},
            {"sector": " ", "hs": []},
        ],
    })
    for part in (
        "deny_at_red_flags: must be at least 1",
        "forwarder_name_words[1]: `Big Freight` must be a non-empty lower-case word",
        "forwarder_name_words[2]: `` must be",
        "sector_goods[0].hs[0]:",
        "sector_goods[1].sector: `Retail` is listed twice",
        "sector_goods[2].sector: must name a sector",
        "sector_goods[2].hs: must list at least one HS pattern",
    ):
        assert part in e, (part, e)
    assert e.count("; ") == 6, e


def test_a_national_tariff_code_is_refused_in_the_sector_table():
    assert "sector_goods[0].hs[0]" in error({"sector_goods": [{"sector": "retail", "hs": ["8542.31.90"]}]})


def test_rejects_unknown_fields():
    assert "unknown field `deny_at_redflags`" in error({"deny_at_redflags": 2})
    assert "unknown field `sectors`" in error({"sector_goods": [{"sectors": "retail", "hs": ["85"]}]})


def test_an_empty_word_list_is_allowed():
    assert configure(KgAmReexport, {"forwarder_name_words": []}).settings.forwarder_name_words == ()


def test_default_sector_table_is_itself_valid_and_has_unique_sectors():
    sectors = [e.sector for e in DEFAULT_SECTOR_GOODS]
    assert len(sectors) == len(set(sectors))
    configure(KgAmReexport, {"sector_goods": [{"sector": e.sector, "hs": list(e.hs)} for e in DEFAULT_SECTOR_GOODS]})
