"""The case files (`tests/cases/kg-am-reexport/*.json`) against the policy in CPython:
the same expectations `exportctl test` checks in the sandbox."""

import pathlib

import pytest
from exportctl_sdk import cases

from kg_am_reexport import KgAmReexport

CASES = cases.load_cases(pathlib.Path(__file__).parent / "cases" / "kg-am-reexport")
RULES = {r.id for r in KgAmReexport.rules}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name.removesuffix(".json"))
def test_case(case):
    case.check(KgAmReexport)


def test_the_cases_cover_every_rule_and_at_least_four_kg_am_chpl_shipments():
    assert len(CASES) >= 12
    assert RULES <= {r for c in CASES for r in c.rules}
    assert any(not c.rules for c in CASES)
    chpl = [c for c in CASES if "kg-am-chpl-transshipment-risk" in c.rules]
    assert len(chpl) >= 4
    assert any(c.settings for c in CASES)
