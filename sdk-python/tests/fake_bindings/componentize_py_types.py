"""Stand-in for componentize-py's `componentize_py_types`: what `component.py` uses."""

from dataclasses import dataclass
from typing import Generic, TypeVar

E = TypeVar("E")


@dataclass(frozen=True)
class Err(Generic[E], Exception):
    """The failure case of a component-model `result`, raised by an export."""

    value: E
