"""The CHPL table: a copy of `sdk/data/chpl/chpl_2024-02-23.csv`, row for row, looked up
by subheading (cases as `sdk/src/chpl.rs`)."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date

import pytest
from samples import REPO

from exportctl_sdk import HsCode, chpl

CSV = REPO / "sdk" / "data" / "chpl" / "chpl_2024-02-23.csv"


def csv_rows() -> list[list[str]]:
    with CSV.open(encoding="utf-8", newline="") as file:
        header, *rows = csv.reader(file)
    assert header == ["tier", "hs6", "hs2022_description", "tier_definition"]
    return rows


def test_the_python_copy_equals_the_csv() -> None:
    rows = csv_rows()
    assert len(rows) == 50
    assert [[i.tier, i.hs6, i.description, i.tier_definition] for i in chpl.ITEMS] == rows


def test_codes_are_unique_subheadings_and_tiers_count_as_the_list() -> None:
    assert len({i.hs6 for i in chpl.ITEMS}) == 50
    assert all(len(i.hs6) == 6 and i.hs6.isdigit() for i in chpl.ITEMS)
    assert Counter(i.tier for i in chpl.ITEMS) == {
        "1": 4,
        "2": 5,
        "3.A": 16,
        "3.B": 9,
        "4.A": 11,
        "4.B": 5,
    }
    assert chpl.TIERS == ("1", "2", "3.A", "3.B", "4.A", "4.B")
    assert chpl.TIER_DEFINITIONS["4.B"] == "CNC machine tools and their components"
    assert chpl.TIER_DEFINITIONS["1"].startswith("Highest concern")


def test_each_code_keeps_its_tier_from_the_csv() -> None:
    for tier, hs6, _, _ in csv_rows():
        assert chpl.tier(HsCode(hs6)) == tier, hs6


@pytest.mark.parametrize(
    ("code", "tier"),
    [("8542.31", "1"), ("8542.31.90", "1"), ("8542.39.9000", "1"), ("8517.62.00", "2"),
     ("8548.00", "2"), ("8541.10.00", "3.A"), ("8482.10.10", "3.B"), ("8807.30", "3.B"),
     ("9030.82", "4.A"), ("8458.11.20", "4.B"), ("8466.93.4000", "4.B"), ("8542.90", None),
     ("8541.40", None), ("8517.13", None), ("8482.40", None), ("8806.23", None),
     ("9403.60", None), ("4901.99", None), ("not a code", None)],
)  # fmt: skip
def test_national_codes_fall_under_their_subheading_and_neighbours_do_not(
    code: str, tier: str | None
) -> None:
    assert chpl.tier(code) == tier
    parsed = HsCode.parse(code)
    if parsed is not None:
        assert chpl.tier(parsed) == tier


def test_citation_lists_each_tier_once_most_critical_first() -> None:
    assert chpl.citation(["3.B", "1", "3.B"]) == "CHPL (23 Feb 2024) Tier 1, Tier 3.B"
    assert (
        chpl.citation(chpl.TIERS)
        == "CHPL (23 Feb 2024) Tier 1, Tier 2, Tier 3.A, Tier 3.B, Tier 4.A, Tier 4.B"
    )
    assert chpl.tier_name("3.A") == "Tier 3.A"
    with pytest.raises(ValueError):
        chpl.citation(["5"])


def test_the_list_date_is_its_version_and_the_source_names_it() -> None:
    assert date(2024, 2, 23) == chpl.LIST_DATE and chpl.LIST_VERSION == "23 Feb 2024"
    assert "version of 23 Feb 2024" in chpl.SOURCE and "chpl_2024-02-23.csv" in chpl.SOURCE
    rust = (REPO / "sdk" / "src" / "chpl.rs").read_text(encoding="utf-8")
    assert (
        "Common High Priority Items List (EU/US/UK/JP), version of 23 Feb 2024: 50 HS-6 codes"
        in rust
    )
