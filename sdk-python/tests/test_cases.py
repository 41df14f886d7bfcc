"""Case files under pytest: documents read as the host reads them, expectations checked
as `exportctl test` checks them, bad files named."""

from __future__ import annotations

import json
import pathlib
from datetime import date
from decimal import Decimal
from typing import ClassVar

import pytest
from samples import REPO

from exportctl_sdk import Metadata, Outcome, Policy, Rule, Shipment, cases, decode_shipment

LISTED = Rule("listed-destination", "Manual §1", "a destination the manual lists")


class Listed(Policy):
    """Reviews every line of a shipment to AE, or denies it when the setting says so."""

    metadata = Metadata(
        id="listed",
        name="Listed",
        version="1.0.0",
        publisher="Test",
        jurisdiction="internal",
        legal_basis="Manual §1",
        valid_from=date(2020, 1, 1),
    )
    rules: ClassVar = (LISTED,)

    def evaluate(self, shipment: Shipment):
        if shipment.destination_country != "AE":
            return []
        outcome = Outcome.DENY if shipment.lines[0].quantity > 100 else Outcome.REVIEW
        return [LISTED.finding(outcome, "listed").lines(shipment.lines).party("consignee")]


def test_the_golden_document_reads_as_the_host_validated_it():
    # full.json writes countries, regions, currencies and jurisdictions in lower case, HS
    # codes with dots, decimals as text and numbers; full.wire is the host's result.
    doc = json.loads((REPO / "sdk/tests/golden/full.json").read_text("utf-8"), parse_float=Decimal)
    host = decode_shipment((REPO / "sdk/tests/golden/full.wire").read_bytes())
    assert cases.shipment_from_document(doc) == host


def write_case(tmp_path: pathlib.Path, name: str, text: str) -> pathlib.Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def to_ae(quantity: str = "10") -> dict:
    return {
        "id": "C-1",
        "date": "2025-03-03",
        "exporter": {"name": "E GmbH", "country": "de"},
        "consignee": {"name": "Gulf FZE", "country": "AE"},
        "origin_country": "DE",
        "destination_country": "ae",
        "lines": [
            {
                "line": 3,
                "description": "chairs",
                "hs_code": "9401.31",
                "quantity": json.loads(quantity),
                "value": {"amount": "4000.00", "currency": "EUR"},
            }
        ],
    }


def case_text(expect: dict, shipment: dict) -> str:
    return json.dumps({"description": "d", "expect": expect, "shipment": shipment})


def test_a_passing_case_returns_its_findings(tmp_path):
    write_case(
        tmp_path,
        "a.json",
        case_text(
            {
                "outcome": "review",
                "rules": ["listed-destination"],
                "findings": [{"rule": "listed-destination", "lines": [3], "parties": ["consignee"]}],
            },
            to_ae(),
        ),
    )
    write_case(tmp_path, "b.json", case_text({"outcome": "allow", "rules": []}, {**to_ae(), "destination_country": "KZ"}))
    (tmp_path / "notes.txt").write_text("not a case")
    loaded = cases.load_cases(tmp_path)
    assert [c.name for c in loaded] == ["a.json", "b.json"]
    assert [f.rule for f in loaded[0].check(Listed)] == ["listed-destination"]
    assert loaded[1].check(Listed) == []


def test_decimals_are_exact_as_the_host_reads_them(tmp_path):
    path = write_case(tmp_path, "a.json", case_text({"outcome": "review", "rules": ["listed-destination"]}, to_ae("0.1")))
    assert cases.load_case(path).shipment().lines[0].quantity == Decimal("0.1")


def test_a_wrong_outcome_shows_expected_against_actual(tmp_path):
    path = write_case(tmp_path, "a.json", case_text({"outcome": "review", "rules": ["listed-destination"]}, to_ae("500")))
    with pytest.raises(cases.CaseMismatch) as e:
        cases.load_case(path).check(Listed)
    text = str(e.value)
    assert text.startswith("a.json: findings differ from the case")
    assert "expected: review ['listed-destination']" in text
    assert "actual:   deny ['listed-destination']" in text
    assert "deny listed-destination (lines [3]): listed" in text


def test_a_missing_or_unexpected_rule_is_named(tmp_path):
    path = write_case(tmp_path, "a.json", case_text({"outcome": "review", "rules": ["other-rule"]}, to_ae()))
    with pytest.raises(cases.CaseMismatch) as e:
        cases.load_case(path).check(Listed)
    assert "missing rules:    ['other-rule']" in str(e.value)
    assert "unexpected rules: ['listed-destination']" in str(e.value)


def test_an_expected_finding_on_other_lines_is_shown_beside_the_policys(tmp_path):
    expect = {
        "outcome": "review",
        "rules": ["listed-destination"],
        "findings": [{"rule": "listed-destination", "lines": [1]}],
    }
    path = write_case(tmp_path, "a.json", case_text(expect, to_ae()))
    with pytest.raises(cases.CaseMismatch) as e:
        cases.load_case(path).check(Listed)
    assert "expected a finding listed-destination on lines [1]; the policy's: lines [3], parties ['consignee']" in str(
        e.value
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{", "Expecting"),
        ('{"description": "d", "expect": {"outcome": "review", "rules": []}, "shipment": {}, "extra": 1}', "unknown field `extra`"),
        ('{"description": "d", "expect": {"outcome": "maybe", "rules": []}, "shipment": {}}', "is not an outcome"),
        ('{"description": "d", "expect": {"outcome": "allow", "rules": [], "findigns": []}, "shipment": {}}', "unknown field `findigns`"),
        ('{"description": "d", "expect": {"outcome": "allow", "rules": []}}', "missing field `shipment`"),
    ],
)
def test_a_file_that_is_no_case_is_named(tmp_path, text, problem):
    path = write_case(tmp_path, "bad.json", text)
    with pytest.raises(cases.CaseError) as e:
        cases.load_case(path)
    assert str(e.value).startswith(f"`{path}`: ")
    assert problem in str(e.value)


def test_the_rust_templates_cases_read_as_documents():
    # The case files `policy new` writes for both languages.
    loaded = cases.load_cases(REPO / "host/src/cli/policy_new/template/cases")
    assert len(loaded) == 3
    assert {c.outcome for c in loaded} == {Outcome.ALLOW, Outcome.REVIEW, Outcome.DENY}
    for case in loaded:
        assert case.shipment().lines
