"""Policy case files run against a policy in CPython, for pytest: the files
`exportctl test` runs in the sandbox (`tests/cases/<policy>/*.json`, the format of
`tests/cases/README.md`), with the same expectations.

    CASES = cases.load_cases(pathlib.Path(__file__).parent / "cases" / "acme-rules")

    @pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
    def test_case(case):
        case.check(AcmeRules)

A case's document is read into a `Shipment` as the test builders read their arguments
(countries and regions upper-cased, HS codes without dots, ids sorted, decimals exact),
not validated as the host validates a document: a document the host would refuse (an
unknown field, a bad country) is caught by `exportctl test`, which stays the authority.
Running the cases here is the fast loop; running them in the sandbox is the proof.
"""

from __future__ import annotations

import dataclasses
import json
import pathlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from . import testing
from .finding import Finding, Outcome
from .policy import Policy, configure
from .shipment import Licence, Shipment

_CASE_KEYS = frozenset({"description", "settings", "expect", "shipment"})
_EXPECT_KEYS = frozenset({"outcome", "rules", "findings"})
_FINDING_KEYS = frozenset({"rule", "lines", "parties"})


class CaseError(ValueError):
    """A case file that is not a case: the message names the file and what is wrong."""


class CaseMismatch(AssertionError):
    """A policy's findings differ from what its case expects; the message shows both."""


@dataclasses.dataclass(frozen=True, slots=True)
class ExpectedFinding:
    """A finding a case expects, by rule id and, where given, exactly the lines and
    parties it must name (in any order)."""

    rule: str
    lines: frozenset[int] | None = None
    parties: frozenset[str] | None = None

    def matches(self, finding: Finding) -> bool:
        """Whether `finding` is this one."""
        return (
            finding.rule == self.rule
            and (self.lines is None or self.lines == frozenset(finding.line_numbers))
            and (self.parties is None or self.parties == frozenset(finding.party_paths))
        )

    def __str__(self) -> str:
        text = f"expected a finding {self.rule}"
        if self.lines is not None:
            text += f" on lines {sorted(self.lines)}"
        if self.parties is not None:
            text += f" about parties {sorted(self.parties)}"
        return text


@dataclasses.dataclass(frozen=True, slots=True)
class Case:
    """One case file: a shipment document, optional settings, and what the policy must
    say about it when it runs alone."""

    name: str
    """The file name, e.g. `listed-destination-review.json`."""
    description: str
    """What the case shows, and the law it exercises."""
    settings: Mapping[str, Any] | None
    """Settings for the policy; `None` means its defaults."""
    outcome: Outcome
    """The worst outcome among the findings (`allow` when there are none)."""
    rules: frozenset[str]
    """The exact set of rule ids among the findings."""
    findings: tuple[ExpectedFinding, ...]
    """Findings the policy must give, each matched by a finding of its own."""
    document: Mapping[str, Any]
    """The shipment document, as in `shipment.md`."""

    def shipment(self) -> Shipment:
        """The document as a `Shipment` (see the module's note on validation)."""
        return shipment_from_document(self.document)

    def check(self, policy_class: type[Policy]) -> list[Finding]:
        """Runs the policy with the case's settings on its shipment, as the host would
        (`testing.evaluate`); returns the findings, or raises `CaseMismatch` showing the
        expected against the actual outcome, rules and findings."""
        policy = configure(policy_class, dict(self.settings) if self.settings else {})
        found = testing.evaluate(policy, self.shipment())
        outcome = max((f.outcome for f in found), default=Outcome.ALLOW)
        rules = frozenset(f.rule for f in found)
        if outcome != self.outcome or rules != self.rules:
            raise CaseMismatch(f"{self.name}: {self._mismatch(outcome, rules, found)}")
        missing = self._missing_findings(found)
        if missing:
            raise CaseMismatch(f"{self.name}: " + "\n".join(missing))
        return found

    def _mismatch(self, outcome: Outcome, rules: frozenset[str], found: list[Finding]) -> str:
        text = (
            "findings differ from the case\n"
            f"  expected: {self.outcome.value} {sorted(self.rules)}\n"
            f"  actual:   {outcome.value} {sorted(rules)}"
        )
        if self.rules - rules:
            text += f"\n  missing rules:    {sorted(self.rules - rules)}"
        if rules - self.rules:
            text += f"\n  unexpected rules: {sorted(rules - self.rules)}"
        text += "\n  actual findings:" if found else "\n  actual findings: none"
        for f in found:
            text += f"\n    {f.outcome.value} {f.rule} (lines {list(f.line_numbers)}): {f.message}"
        return text

    def _missing_findings(self, found: list[Finding]) -> list[str]:
        used = [False] * len(found)
        missing = []
        for want in self.findings:
            hit = next(
                (i for i, f in enumerate(found) if not used[i] and want.matches(f)), None
            )
            if hit is not None:
                used[hit] = True
                continue
            same_rule = [
                f"lines {list(f.line_numbers)}, parties {list(f.party_paths)}"
                for f in found
                if f.rule == want.rule
            ]
            theirs = (
                f"; the policy's: {'; '.join(same_rule)}"
                if same_rule
                else "; the policy gave none of that rule"
            )
            missing.append(f"{want}{theirs}")
        return missing


def load_cases(directory: str | pathlib.Path) -> list[Case]:
    """Every `*.json` case in `directory`, sorted by file name. A file that is not a
    case raises `CaseError` naming it."""
    directory = pathlib.Path(directory)
    if not directory.is_dir():
        raise CaseError(f"`{directory}` is not a directory of case files")
    return [load_case(path) for path in sorted(directory.glob("*.json"))]


def load_case(path: str | pathlib.Path) -> Case:
    """One case file; `CaseError` names the file and the problem."""
    path = pathlib.Path(path)
    try:
        # Decimals exact, as the host reads them: 0.1 is 0.1, not its binary neighbour.
        data = json.loads(path.read_text("utf-8"), parse_float=Decimal)
    except (OSError, ValueError) as e:
        raise CaseError(f"`{path}`: {e}") from None
    try:
        return _case(path.name, data)
    except KeyError as e:
        raise CaseError(f"`{path}`: missing field `{e.args[0]}`") from None
    except (TypeError, ValueError) as e:
        raise CaseError(f"`{path}`: {e}") from None


def _case(name: str, data: Any) -> Case:
    _known(data, _CASE_KEYS, "the case")
    expect = data["expect"]
    _known(expect, _EXPECT_KEYS, "`expect`")
    outcome = Outcome.parse(expect["outcome"])
    if outcome is None:
        raise ValueError(f"`expect.outcome` {expect['outcome']!r} is not an outcome")
    findings = []
    for i, f in enumerate(expect.get("findings", ())):
        _known(f, _FINDING_KEYS, f"`expect.findings[{i}]`")
        findings.append(
            ExpectedFinding(
                rule=f["rule"],
                lines=frozenset(f["lines"]) if "lines" in f else None,
                parties=frozenset(f["parties"]) if "parties" in f else None,
            )
        )
    if not isinstance(data["shipment"], Mapping):
        raise TypeError("`shipment` must be an object")
    return Case(
        name=name,
        description=data["description"],
        settings=data.get("settings"),
        outcome=outcome,
        rules=frozenset(expect["rules"]),
        findings=tuple(findings),
        document=data["shipment"],
    )


def _known(value: Any, keys: frozenset[str], what: str) -> None:
    if not isinstance(value, Mapping):
        raise TypeError(f"{what} must be an object")
    unknown = sorted(set(value) - keys)
    if unknown:
        raise ValueError(f"{what} has unknown field `{unknown[0]}`, expected one of {sorted(keys)}")


def shipment_from_document(doc: Mapping[str, Any]) -> Shipment:
    """A shipment document (`shipment.md`) as a `Shipment`, read as the test builders read
    their arguments; `as_of` is the document's date, as the host takes it by default."""
    fields: dict[str, Any] = {
        "id": doc["id"],
        "date": doc["date"],
        "exporter": _party(doc["exporter"]),
        "consignee": _party(doc["consignee"]),
        "origin_country": doc["origin_country"],
        "destination_country": doc["destination_country"],
        "transit_countries": tuple(doc.get("transit_countries", ())),
        "lines": [_line(line) for line in doc["lines"]],
        "licences": [_licence(licence) for licence in doc.get("licences", ())],
    }
    if doc.get("end_user") is not None:
        fields["end_user"] = _party(doc["end_user"])
    fields["other_parties"] = [
        (other["role"], _party(other)) for other in doc.get("other_parties", ())
    ]
    for key in ("transport_mode", "end_use", "contract"):
        if doc.get(key) is not None:
            fields[key] = doc[key]
    return testing.shipment(**fields)


def _party(p: Mapping[str, Any]) -> Any:
    return testing.party(
        p["name"],
        p["country"],
        region=p.get("region"),
        address=p.get("address"),
        ids=p.get("ids") or {},
        aliases=p.get("aliases") or (),
        registration_date=p.get("registration_date"),
    )


def _line(line: Mapping[str, Any]) -> Any:
    value = line["value"]
    us_content = line.get("us_content_percent")
    return testing.line(
        line["line"],
        str(line["hs_code"]),
        description=line["description"],
        control_codes=line.get("control_codes") or (),
        origin_country=line.get("origin_country"),
        quantity=_decimal(line["quantity"]),
        unit=line.get("unit"),
        value=_decimal(value["amount"]),
        currency=value["currency"],
        us_content_percent=_decimal(us_content) if us_content is not None else None,
    )


def _licence(licence: Mapping[str, Any]) -> Licence:
    lines: Iterable[int] | None = licence.get("lines")
    return testing.licence(
        licence["id"],
        licence["jurisdiction"],
        lines=lines,
        valid_until=licence.get("valid_until"),
    )


def _decimal(value: Any) -> Decimal:
    # Text or a JSON number read as a Decimal; an integer stays an integer.
    return value if isinstance(value, Decimal) else Decimal(str(value))
