"""Stand-in for the generated `wit_world.exports`: the four protocols a
`catalogue-policy` component implements."""

from abc import abstractmethod
from typing import List, Protocol

from ..imports import types


class Evaluator(Protocol):
    @abstractmethod
    def metadata(self) -> types.PolicyMetadata:
        raise NotImplementedError

    @abstractmethod
    def configure(self, settings: str) -> None:
        raise NotImplementedError

    @abstractmethod
    def evaluate(self, shipment: bytes) -> List[types.Finding]:
        raise NotImplementedError


class SubjectEvaluator(Protocol):
    @abstractmethod
    def evaluate_with_subjects(self, shipment: bytes) -> List[types.KeyedFinding]:
        raise NotImplementedError


class ShipmentReader(Protocol):
    @abstractmethod
    def wire_format(self) -> int:
        raise NotImplementedError


class RuleCatalogue(Protocol):
    @abstractmethod
    def rules(self) -> List[types.RuleDescription]:
        raise NotImplementedError
