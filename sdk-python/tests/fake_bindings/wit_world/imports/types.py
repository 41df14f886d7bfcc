"""Stand-in for the generated `wit_world.imports.types` (`exportctl:policy/types`)."""

from dataclasses import dataclass
from enum import Enum
from typing import List, Optional


class Outcome(Enum):
    ALLOW = 0
    REVIEW = 1
    LICENCE_REQUIRED = 2
    DENY = 3


@dataclass
class Finding:
    rule: str
    outcome: Outcome
    lines: List[int]
    parties: List[str]
    message: str
    legal_basis: str


@dataclass
class PolicyMetadata:
    id: str
    name: str
    version: str
    publisher: str
    jurisdiction: str
    legal_basis: str
    valid_from: str
    valid_to: Optional[str]
    contract_version: str
    sources: List[str]
    limitations: List[str]


@dataclass
class FindingSubject:
    party: str
    sanctions_list: str
    edition: str
    entry: str
    entry_fingerprint: str


@dataclass
class RuleDescription:
    id: str
    legal_basis: str
    description: str


@dataclass
class KeyedFinding:
    finding: Finding
    subject: Optional[FindingSubject]
