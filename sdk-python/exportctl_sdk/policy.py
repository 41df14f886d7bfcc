"""What a policy is: the `Policy` base class a policy author subclasses, the metadata a
policy carries about itself, and the checks the host applies to its rules (as
`sdk/src/policy.rs`)."""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from . import settings as _settings
from .finding import Finding, Rule
from .shipment import Shipment

CONTRACT_VERSION = "1.4.0"
"""Version of the host↔plugin contract (`sdk/wit/policy.wit`) this SDK builds."""

MAX_RULES = 1024
"""Most rules one policy may declare."""


@dataclass(frozen=True, slots=True)
class Metadata:
    """A policy's self-description, embedded in the plugin and shown by
    `exportctl policies` and `exportctl policy inspect`."""

    id: str
    """Kebab-case id, unique within a policy set (e.g. `kz-export-control`)."""
    name: str
    """Human-readable name."""
    version: str
    """Semantic version of the policy."""
    publisher: str
    """Who publishes it."""
    jurisdiction: str
    """Whose law it encodes (`KZ`, `EU`, `US`, `internal`, …)."""
    legal_basis: str
    """Summary of the legal basis."""
    valid_from: datetime.date
    """First day the encoded rules are in force."""
    valid_to: datetime.date | None = None
    """Last day in force, if the policy expires."""
    sources: tuple[str, ...] = ()
    """Embedded data, each with version and date (e.g. `chpl.SOURCE`)."""
    limitations: tuple[str, ...] = ()
    """What the policy does not encode, stated plainly."""

    def __post_init__(self) -> None:
        # Lists are accepted and kept as tuples, so the metadata stays immutable.
        object.__setattr__(self, "sources", tuple(self.sources))
        object.__setattr__(self, "limitations", tuple(self.limitations))


@dataclass(frozen=True, slots=True)
class NoSettings:
    """Settings of a policy that has none: accepts only an empty table, so a stray setting
    in the policy-set file is reported rather than ignored."""


class Policy(ABC):
    """An export-control rule set.

    A subclass says what it is (`metadata`), every rule its findings may name (`rules`),
    what settings it takes (`Settings`, a dataclass read from the policy-set entry's
    `settings` table), and judges shipments (`evaluate`). It is built once per sandbox with
    its settings, then asked to evaluate shipments. Rules are plain Python functions over a
    `Shipment`, so they are unit-tested with pytest; `component.exports_of` turns the class
    into a plugin.
    """

    metadata: ClassVar[Metadata]
    """What the policy says about itself."""
    rules: ClassVar[tuple[Rule, ...]] = ()
    """Every rule the policy's findings may name, each once, each with a description: the
    plugin declares them to the host, which fails the policy closed on a finding of any
    other rule."""
    Settings: ClassVar[type] = NoSettings
    """The settings dataclass (frozen), read by `settings.read`."""

    def __init__(self, settings: Any) -> None:
        """The policy with its settings (an instance of `Settings`), kept as
        `self.settings`. A subclass that derives more from them overrides this, raising
        `SettingsError` for settings it cannot use."""
        self.settings = settings

    @abstractmethod
    def evaluate(self, shipment: Shipment) -> Iterable[Finding]:
        """Judges one shipment: every finding (a list, a tuple or a generator). No
        findings means no objection."""


def rules_problem(rules: Iterable[Rule]) -> str | None:
    """What is wrong with a policy's rule list, as the host would refuse it at load: a rule
    with a problem (`Rule.problem`), the same id twice, or more than `MAX_RULES` rules.
    `None` when the list is sound."""
    rules = list(rules)
    if len(rules) > MAX_RULES:
        return f"{len(rules)} rules declared, more than the {MAX_RULES} allowed"
    seen: set[str] = set()
    for rule in rules:
        if not isinstance(rule, Rule):
            return f"{rule!r} is not a Rule"
        problem = rule.problem()
        if problem is not None:
            return problem
        if rule.id in seen:
            return f"rule `{rule.id}` is declared twice"
        seen.add(rule.id)
    return None


def configure(policy_class: type[Policy], settings_json: str | Mapping[str, Any]) -> Policy:
    """The policy built from settings given as JSON text (or an already parsed object):
    what the plugin's `configure` does, and what a policy's tests call to check its
    settings. Raises `SettingsError` naming every bad setting."""
    return policy_class(_settings.read(policy_class.Settings, settings_json))
