"""The case files (`tests/cases/kg-am-reexport/*.json`) against the policy in CPython:
the same expectations `exportctl test` checks in the sandbox."""

import pytest
from exportctl_sdk import Outcome, configure, testing

from documents import case_files, from_document, load_case
from kg_am_reexport import KgAmReexport

RULES = {r.id for r in KgAmReexport.rules}


@pytest.mark.parametrize("path", case_files(), ids=lambda p: p.stem)
def test_case(path):
    case = load_case(path)
    policy = configure(KgAmReexport, case.get("settings", {}))
    findings = testing.evaluate(policy, from_document(case["shipment"]))
    expect = case["expect"]
    worst = max((f.outcome for f in findings), default=Outcome.ALLOW)
    assert worst.value == expect["outcome"]
    assert sorted({f.rule for f in findings}) == sorted(expect["rules"])
    for wanted in expect.get("findings", []):
        candidates = [f for f in findings if f.rule == wanted["rule"]]
        assert any(
            ("lines" not in wanted or sorted(f.line_numbers) == sorted(wanted["lines"]))
            and ("parties" not in wanted or sorted(f.party_paths) == sorted(wanted["parties"]))
            for f in candidates
        ), (wanted, [(f.line_numbers, f.party_paths) for f in candidates])


def test_the_cases_cover_every_rule_and_at_least_four_kg_am_chpl_shipments():
    cases = [load_case(p) for p in case_files()]
    assert len(cases) >= 12
    assert RULES <= {r for c in cases for r in c["expect"]["rules"]}
    assert any(not c["expect"]["rules"] for c in cases)
    chpl = [c for c in cases if "kg-am-chpl-transshipment-risk" in c["expect"]["rules"]]
    assert len(chpl) >= 4
    assert any("settings" in c for c in cases)
