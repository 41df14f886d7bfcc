"""Outcomes, rules and findings: made only from rules, built immutably, cut to the host's
limits (`sdk/src/finding.rs`)."""

from __future__ import annotations

import dataclasses

import pytest

from exportctl_sdk import (
    MAX_DESCRIPTION_BYTES,
    MAX_LEGAL_BASIS_BYTES,
    MAX_MESSAGE_BYTES,
    MAX_RULES,
    Finding,
    FindingSubject,
    Outcome,
    PartyRef,
    Rule,
    rules_problem,
    testing,
)

R = Rule("r", "Law 1 Art. 2", "what r catches")


def test_outcomes_are_ordered_by_severity() -> None:
    assert Outcome.ALLOW < Outcome.REVIEW < Outcome.LICENCE_REQUIRED < Outcome.DENY
    assert Outcome.DENY > Outcome.REVIEW >= Outcome.REVIEW and Outcome.ALLOW <= Outcome.ALLOW
    assert max([Outcome.REVIEW, Outcome.DENY, Outcome.LICENCE_REQUIRED]) is Outcome.DENY
    assert sorted(Outcome, reverse=True)[0] is Outcome.DENY
    with pytest.raises(TypeError):
        _ = Outcome.DENY < "deny"  # type: ignore[operator]


def test_outcomes_read_and_show_as_verdicts_write_them() -> None:
    for text in ["allow", "review", "licence_required", "deny"]:
        outcome = Outcome.parse(text)
        assert outcome is not None and outcome.value == text and str(outcome) == text
    assert Outcome.parse("Deny") is None and Outcome.parse("license_required") is None


@pytest.mark.parametrize("good", ["a", "kz-military-suspension", "chpl-tier1-ru", "r2d2", "a" * 64])
def test_kebab_case_ids_are_valid(good: str) -> None:
    assert Rule.is_valid_id(good)
    assert Rule(good, "Law").id == good


@pytest.mark.parametrize(
    "bad",
    ["", "Kz", "kz_military", "-kz", "kz-", "kz--x", "1kz", "kz x", "a" * 65, "ünïcode", "kz\n"],
)
def test_other_ids_are_refused_naming_the_rule(bad: str) -> None:
    assert not Rule.is_valid_id(bad)
    with pytest.raises(ValueError, match="is not kebab-case") as refused:
        Rule(bad, "Law 1")
    assert repr(bad[:80]) in str(refused.value)


@pytest.mark.parametrize("basis", ["", "   ", "\n"])
def test_a_rule_needs_a_legal_basis(basis: str) -> None:
    with pytest.raises(ValueError, match="rule `r` has no legal basis"):
        Rule("r", basis)


def test_rules_are_immutable_and_described_by_copy() -> None:
    plain = Rule("r", "Law 1")
    described = plain.describe("what it catches")
    assert (plain.description, described.description) == ("", "what it catches")
    assert described == Rule("r", "Law 1", "what it catches")
    with pytest.raises(dataclasses.FrozenInstanceError):
        plain.id = "s"  # type: ignore[misc]


def test_a_rule_declaration_is_checked_as_the_host_checks_it() -> None:
    assert R.problem() is None
    assert "has no description" in Rule("a-rule", "Law 1").problem()
    assert "one line" in Rule("a-rule", "Law 1", "two\nlines").problem()
    assert "one line" in Rule("a-rule", "Law 1", "é" * (MAX_DESCRIPTION_BYTES // 2 + 1)).problem()
    assert Rule("a-rule", "Law 1", "é" * (MAX_DESCRIPTION_BYTES // 2)).problem() is None
    assert "legal basis" in Rule("a-rule", "§" * MAX_LEGAL_BASIS_BYTES, "d").problem(), (
        "bytes, not chars"
    )
    assert "reserved for the host" in Rule("policy-error", "Law 1", "d").problem()
    assert Rule.check_declaration("Bad", "Law", "d").startswith("rule id `Bad` is not kebab-case")


def test_a_rule_list_is_checked_as_the_host_checks_it() -> None:
    a = Rule("a-rule", "Law 1 Art. 1", "what A catches")
    b = Rule("b-rule", "Law 1 Art. 2")
    assert rules_problem([a]) is None and rules_problem(()) is None
    assert rules_problem([a, a]) == "rule `a-rule` is declared twice"
    assert "no description" in rules_problem([a, b])
    many = [Rule(f"r{i}", "Law", "d") for i in range(MAX_RULES + 1)]
    assert rules_problem(many[:MAX_RULES]) is None
    assert (
        rules_problem(many) == f"{MAX_RULES + 1} rules declared, more than the {MAX_RULES} allowed"
    )
    assert "is not a Rule" in rules_problem([a, "b-rule"])  # type: ignore[list-item]


def test_a_finding_carries_its_rule_outcome_message_and_legal_basis() -> None:
    f = R.deny("a listed item without authorisation")
    assert (f.rule, f.outcome, f.message, f.legal_basis) == (
        "r", Outcome.DENY, "a listed item without authorisation", "Law 1 Art. 2",
    )  # fmt: skip
    assert (f.line_numbers, f.party_paths, f.subject) == ((), (), None)
    assert R.review("m").outcome is Outcome.REVIEW
    assert R.licence_required("m").outcome is Outcome.LICENCE_REQUIRED
    assert R.finding(Outcome.ALLOW, "m").outcome is Outcome.ALLOW
    with pytest.raises(TypeError):
        R.finding("deny", "m")  # type: ignore[arg-type]


def test_only_a_rule_makes_a_finding_and_no_one_changes_it() -> None:
    with pytest.raises(TypeError, match="made from its Rule"):
        Finding("made-up", Outcome.ALLOW, "m", (), (), "basis", None)  # type: ignore[call-arg]
    f = R.deny("m")
    for field in [
        "rule",
        "outcome",
        "message",
        "line_numbers",
        "party_paths",
        "legal_basis",
        "subject",
    ]:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(f, field, None)


def test_lines_take_numbers_lines_and_iterables_keeping_order_without_repeats() -> None:
    s = testing.shipment(lines=[testing.line(n) for n in (1, 2, 3, 4)])
    f = (
        R.review("m")
        .line(2)
        .lines([3, 4], s.lines[0])
        .lines(l for l in s.lines if l.number > 2)
        .line(2)
    )
    assert f.line_numbers == (2, 3, 4, 1)
    assert R.review("m").lines(s.lines).line_numbers == (1, 2, 3, 4)
    assert R.review("m").lines([[5], (6, [7])]).line_numbers == (5, 6, 7)
    base = R.review("m")
    assert base.line(1) is not base and base.line_numbers == (), "a builder returns a new finding"


@pytest.mark.parametrize("bad", [True, -1, 2**32, "1", 1.0, None])
def test_a_line_is_a_u32_number_or_a_line(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        R.review("m").lines(bad)  # type: ignore[arg-type]
    assert R.review("m").line(2**32 - 1).line_numbers == (2**32 - 1,)


def test_parties_take_paths_refs_and_iterables_keeping_order_without_repeats() -> None:
    s = testing.shipment(end_user=testing.party("E", "RU"))
    f = (
        R.deny("m")
        .party("end_user")
        .parties(s.receiving_parties())
        .party(PartyRef("exporter", s.exporter))
    )
    assert f.party_paths == ("end_user", "consignee", "exporter")
    assert R.deny("m").parties(["other_parties[1]", ("consignee",)]).party_paths == (
        "other_parties[1]",
        "consignee",
    )
    with pytest.raises(TypeError):
        R.deny("m").party(3)  # type: ignore[arg-type]


def test_a_more_specific_legal_basis_keeps_the_rule() -> None:
    f = R.deny("m").with_legal_basis("Law 1 Art. 2, list of 2024-05-01")
    assert (f.rule, f.legal_basis) == ("r", "Law 1 Art. 2, list of 2024-05-01")
    with pytest.raises(ValueError):
        R.deny("m").with_legal_basis(" ")


def test_a_subject_names_its_party_once() -> None:
    s = testing.shipment(end_user=testing.party("E", "RU"))
    subject = FindingSubject(s.end_user_or_consignee(), "L", "E1", "L:7", "ab12")
    assert subject.party == "end_user", "a PartyRef is kept as its path"
    f = R.deny("m").party("end_user").with_subject(subject)
    assert f.party_paths == ("end_user",) and f.subject == subject
    g = R.deny("m").party("consignee").with_subject(subject)
    assert g.party_paths == ("consignee", "end_user")


def test_findings_compare_by_value() -> None:
    assert R.deny("m").lines(1, 2) == R.deny("m").line(1).line(2)
    assert R.deny("m") != R.review("m")
    assert "rule='r'" in repr(R.deny("m"))


def test_long_texts_are_cut_at_a_character_boundary_to_what_the_host_accepts() -> None:
    long = "Лінія " * 2000
    f = R.deny(long).with_legal_basis("§" * 2000).lines(range(1, 10_001)).within_host_limits()
    message, basis = f.message.encode(), f.legal_basis.encode()
    assert len(message) <= MAX_MESSAGE_BYTES and f.message.endswith(" …")
    assert len(message) > MAX_MESSAGE_BYTES - 4 - 2, "cut no further than one character back"
    assert long.startswith(f.message.removesuffix(" …"))
    assert len(basis) <= MAX_LEGAL_BASIS_BYTES and f.legal_basis.endswith(" …")
    assert len(f.line_numbers) == 10_000, "lines are never cut"
    assert R.deny("short").within_host_limits().message == "short"
    exact = "x" * MAX_MESSAGE_BYTES
    assert R.deny(exact).within_host_limits().message == exact, "the limit itself is allowed"
    over = "x" * (MAX_MESSAGE_BYTES + 1)
    assert R.deny(over).within_host_limits().message == "x" * (MAX_MESSAGE_BYTES - 4) + " …"
