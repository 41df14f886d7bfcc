"""Findings: what a policy says about a shipment, each made from a rule that cites the law
it implements (as `sdk/src/finding.rs` and `sdk/src/subject.rs`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Union

from .shipment import Line, PartyRef

MAX_MESSAGE_BYTES = 4096
"""Longest finding message the host accepts, in UTF-8 bytes. Longer messages are cut at a
character boundary, ending with ` …`, when they leave the plugin; the finding's lines
still list every line."""

MAX_LEGAL_BASIS_BYTES = 1024
"""Longest legal basis the host accepts, in UTF-8 bytes (cut like messages)."""

MAX_DESCRIPTION_BYTES = 512
"""Longest rule description the host accepts, in UTF-8 bytes."""

_RESERVED_RULE_ID = "policy-error"


class Outcome(Enum):
    """How severe a finding is. Ordered: `ALLOW < REVIEW < LICENCE_REQUIRED < DENY`, so
    `max(f.outcome for f in findings)` is the worst."""

    ALLOW = "allow"
    """No objection."""
    REVIEW = "review"
    """A human must look before release."""
    LICENCE_REQUIRED = "licence_required"
    """Lawful only with a licence the shipment does not cite."""
    DENY = "deny"
    """Prohibited; no licence cures it under the encoded law."""

    @classmethod
    def parse(cls, text: str) -> Outcome | None:
        """The outcome written `text` (`allow`, `review`, `licence_required`, `deny`), or
        `None`."""
        try:
            return cls(text)
        except ValueError:
            return None

    @property
    def _severity(self) -> int:
        return _SEVERITY[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Outcome):
            return NotImplemented
        return self._severity < other._severity

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Outcome):
            return NotImplemented
        return self._severity <= other._severity

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Outcome):
            return NotImplemented
        return self._severity > other._severity

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Outcome):
            return NotImplemented
        return self._severity >= other._severity

    def __str__(self) -> str:
        return self.value


_SEVERITY = {outcome: rank for rank, outcome in enumerate(Outcome)}


def _bounded(text: str, max_bytes: int) -> str:
    """`text` cut to at most `max_bytes` UTF-8 bytes at a character boundary, the cut marked
    with ` …` (as the Rust SDK cuts it)."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    mark = " …"
    # `errors="ignore"` drops a character the cut splits: the cut moves back to a boundary.
    kept = encoded[: max_bytes - len(mark.encode("utf-8"))].decode("utf-8", errors="ignore")
    return kept + mark


@dataclass(frozen=True, slots=True)
class FindingSubject:
    """What a finding is about when it is about one party matching one list entry: the key
    under which a compliance officer records a match as a false positive (contract 1.2).
    Give a subject only to a finding about this one entry: an exemption of the entry
    silences the whole finding."""

    party: str
    """The party path (`consignee`, `end_user`, `other_parties[1]`, …); a `PartyRef` is
    taken as its path."""
    sanctions_list: str
    """The list, e.g. `Entity List (EL) - Bureau of Industry and Security [EL]`."""
    edition: str
    """The list's edition the entry was read from, e.g. `CSL generated 2026-07-31`."""
    entry: str
    """The entry's key, stable across editions where the list allows."""
    entry_fingerprint: str
    """A digest of the entry's data as listed: the same in two editions if and only if the
    entry is."""

    def __post_init__(self) -> None:
        if isinstance(self.party, PartyRef):
            object.__setattr__(self, "party", self.party.path)


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule of a policy: a stable kebab-case id, the legal basis it implements, and one
    line saying what it catches.

    Declare each rule once, next to the function that implements it, list it in the
    policy's `rules` (the host lists declared rules and refuses findings of any other), and
    make its findings from it, so every finding cites its law:
    `ART_2.deny("dual-use goods to Russia").lines(line)`.
    """

    id: str
    """Kebab-case rule id, stable across versions (e.g. `kz-military-suspension`)."""
    legal_basis: str
    """The legal basis: regulation, article, annex, list version and date."""
    description: str = ""
    """One line saying what the rule catches, shown where the host lists the policy's
    rules. The host refuses a rule declared without one (`rules_problem` says so)."""

    def __post_init__(self) -> None:
        if not Rule.is_valid_id(self.id):
            raise ValueError(
                f"rule id {self.id[:80]!r} is not kebab-case "
                "(1–64 lower-case letters, digits and single hyphens, starting with a letter)"
            )
        if not isinstance(self.legal_basis, str) or not self.legal_basis.strip():
            raise ValueError(f"rule `{self.id}` has no legal basis")

    @staticmethod
    def is_valid_id(rule_id: str) -> bool:
        """Whether `rule_id` is a valid rule id: 1–64 characters of lower-case ASCII
        letters, digits and single hyphens, starting with a letter and not ending with a
        hyphen."""
        return (
            isinstance(rule_id, str)
            and 0 < len(rule_id) <= 64
            and rule_id.isascii()
            and "a" <= rule_id[0] <= "z"
            and not rule_id.endswith("-")
            and "--" not in rule_id
            and all(c == "-" or "a" <= c <= "z" or "0" <= c <= "9" for c in rule_id)
        )

    @staticmethod
    def check_declaration(rule_id: str, legal_basis: str, description: str) -> str | None:
        """What the host would refuse in one rule declaration, naming the rule, or `None`:
        an id that is not kebab-case (or is the host's own `policy-error`), a blank or
        overlong legal basis, a description that is blank, longer than
        `MAX_DESCRIPTION_BYTES` or more than one line."""
        if not Rule.is_valid_id(rule_id):
            return (
                f"rule id `{rule_id[:80]}` is not kebab-case "
                "(1–64 lower-case letters, digits and single hyphens)"
            )
        if rule_id == _RESERVED_RULE_ID:
            return f"rule id `{_RESERVED_RULE_ID}` is reserved for the host"
        if not legal_basis.strip() or len(legal_basis.encode("utf-8")) > MAX_LEGAL_BASIS_BYTES:
            return (
                f"rule `{rule_id}`: the legal basis must be 1–{MAX_LEGAL_BASIS_BYTES} bytes of text"
            )
        if not description.strip():
            return (
                f"rule `{rule_id}` has no description: "
                'declare it with `description="what it catches"`'
            )
        if len(description.encode("utf-8")) > MAX_DESCRIPTION_BYTES or "\n" in description:
            return (
                f"rule `{rule_id}`: the description must be one line "
                f"of at most {MAX_DESCRIPTION_BYTES} bytes"
            )
        return None

    def problem(self) -> str | None:
        """What is wrong with the rule's declaration, as the host would refuse it at load;
        `None` when it is sound."""
        return Rule.check_declaration(self.id, self.legal_basis, self.description)

    def describe(self, description: str) -> Rule:
        """The rule with its one-line description (what it catches, in the words of the
        provision)."""
        return Rule(self.id, self.legal_basis, description)

    def finding(self, outcome: Outcome, message: str) -> Finding:
        """A finding of this rule with the given outcome and message."""
        if not isinstance(outcome, Outcome):
            raise TypeError(
                f"rule `{self.id}`: outcome must be an Outcome, not {type(outcome).__name__}"
            )
        return Finding._of(self.id, outcome, str(message), self.legal_basis)

    def deny(self, message: str) -> Finding:
        """A `deny` finding: prohibited, no licence cures it."""
        return self.finding(Outcome.DENY, message)

    def licence_required(self, message: str) -> Finding:
        """A `licence_required` finding: lawful only with a licence the shipment does not cite."""
        return self.finding(Outcome.LICENCE_REQUIRED, message)

    def review(self, message: str) -> Finding:
        """A `review` finding: a human must look before release."""
        return self.finding(Outcome.REVIEW, message)


LineSpec = Union[int, Line, Iterable["LineSpec"]]
"""What `Finding.lines` takes: line numbers, `Line`s, or iterables of them."""

PartySpec = Union[str, PartyRef, Iterable["PartySpec"]]
"""What `Finding.parties` takes: party paths, `PartyRef`s, or iterables of them."""


@dataclass(frozen=True, slots=True, init=False)
class Finding:
    """One reason a policy objects to a shipment.

    A finding is only made from a `Rule` (`RULE.deny(message)`, `.review`,
    `.licence_required`, `.finding`), so it always carries a declared rule id, an outcome,
    a message and the rule's legal basis. It is immutable: the builder methods (`lines`,
    `parties`, `with_legal_basis`, `with_subject`) return a new finding.
    """

    rule: str
    """The rule id."""
    outcome: Outcome
    message: str
    """What is wrong, for a human."""
    line_numbers: tuple[int, ...]
    """The line numbers concerned, in the order they were added, each once."""
    party_paths: tuple[str, ...]
    """The party paths concerned (`consignee`, `other_parties[0]`, …), each once."""
    legal_basis: str
    """The law the finding rests on: the rule's, or a more specific one
    (`with_legal_basis`)."""
    subject: FindingSubject | None
    """The party and list entry the finding is about, if it is about one."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError(
            "a Finding is made from its Rule: RULE.deny(message), RULE.review(message), …"
        )

    @classmethod
    def _of(
        cls,
        rule: str,
        outcome: Outcome,
        message: str,
        legal_basis: str,
        line_numbers: tuple[int, ...] = (),
        party_paths: tuple[str, ...] = (),
        subject: FindingSubject | None = None,
    ) -> Finding:
        finding = object.__new__(cls)
        for name, value in (
            ("rule", rule),
            ("outcome", outcome),
            ("message", message),
            ("line_numbers", line_numbers),
            ("party_paths", party_paths),
            ("legal_basis", legal_basis),
            ("subject", subject),
        ):
            object.__setattr__(finding, name, value)
        return finding

    def _with(self, **changes: object) -> Finding:
        parts = {
            "rule": self.rule,
            "outcome": self.outcome,
            "message": self.message,
            "legal_basis": self.legal_basis,
            "line_numbers": self.line_numbers,
            "party_paths": self.party_paths,
            "subject": self.subject,
        }
        parts.update(changes)
        return Finding._of(**parts)  # type: ignore[arg-type]

    def lines(self, *lines: LineSpec) -> Finding:
        """The finding about these lines too: line numbers, `Line`s, or iterables of them
        (`.lines(chips)`, `.lines(1, 3)`). Order is kept; a line already named is not
        named again."""
        numbers = list(self.line_numbers)
        seen = set(numbers)
        for number in _line_numbers(lines):
            if number not in seen:
                seen.add(number)
                numbers.append(number)
        return self._with(line_numbers=tuple(numbers))

    def line(self, line: int | Line) -> Finding:
        """The finding about this line too."""
        return self.lines(line)

    def parties(self, *parties: PartySpec) -> Finding:
        """The finding about these parties too: paths (`consignee`, `other_parties[1]`),
        `PartyRef`s, or iterables of them. Order is kept; a party already named is not
        named again."""
        paths = list(self.party_paths)
        for path in _party_paths(parties):
            if path not in paths:
                paths.append(path)
        return self._with(party_paths=tuple(paths))

    def party(self, party: str | PartyRef) -> Finding:
        """The finding about this party too."""
        return self.parties(party)

    def with_legal_basis(self, legal_basis: str) -> Finding:
        """The finding citing a more specific legal basis (e.g. naming the list version
        that matched), keeping its rule."""
        if not str(legal_basis).strip():
            raise ValueError(f"rule `{self.rule}`: a legal basis cannot be blank")
        return self._with(legal_basis=str(legal_basis))

    def with_subject(self, subject: FindingSubject) -> Finding:
        """The finding about one party matching one list entry; the subject's party is
        added to the finding's parties if it is not there."""
        return self.parties(subject.party)._with(subject=subject)

    def within_host_limits(self) -> Finding:
        """The finding with message and legal basis cut to what the host accepts
        (`MAX_MESSAGE_BYTES`, `MAX_LEGAL_BASIS_BYTES`), as the SDK sends every finding: a
        message listing 10,000 lines is cut rather than failing the policy. Lines are never
        cut."""
        return self._with(
            message=_bounded(self.message, MAX_MESSAGE_BYTES),
            legal_basis=_bounded(self.legal_basis, MAX_LEGAL_BASIS_BYTES),
        )


_U32_MAX = 2**32 - 1


def _line_numbers(items: Iterable[object]) -> Iterable[int]:
    for item in items:
        if isinstance(item, Line):
            yield item.number
        elif isinstance(item, bool):
            # `True` is an int to Python; as a line number it is a mistake.
            raise TypeError("a line is a number or a Line, not a bool")
        elif isinstance(item, int):
            if not 0 <= item <= _U32_MAX:
                raise ValueError(f"line number {item} is outside 0–{_U32_MAX}")
            yield item
        elif isinstance(item, Iterable) and not isinstance(item, (str, bytes)):
            yield from _line_numbers(item)
        else:
            raise TypeError(f"a line is a number or a Line, not {type(item).__name__}")


def _party_paths(items: Iterable[object]) -> Iterable[str]:
    for item in items:
        if isinstance(item, str):
            yield item
        elif isinstance(item, PartyRef):
            yield item.path
        elif isinstance(item, Iterable):
            yield from _party_paths(item)
        else:
            raise TypeError(f"a party is a path or a PartyRef, not {type(item).__name__}")
