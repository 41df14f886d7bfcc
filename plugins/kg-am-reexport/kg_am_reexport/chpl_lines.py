"""The shipment lines on the Common High Priority Items List (CHPL, version of 23 Feb 2024).

The list is the SDK's `exportctl_sdk.chpl` (50 HS-6 subheadings in tiers); national 8- and
10-digit codes fall under their subheading. Lines are read exactly as `chpl-diversion`
reads them, so both policies name the same lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from exportctl_sdk import Line, Shipment
from exportctl_sdk import chpl

# Tiers as the list writes them, most critical first.
TIERS = ("1", "2", "3.A", "3.B", "4.A", "4.B")

# At most this many lines are named in a message; the rest are counted (a finding's
# `lines` still lists them all).
MAX_NAMED_LINES = 20

LIST_VERSION = "23 Feb 2024"

T = TypeVar("T")


def tier_code(tier: str) -> str:
    """`1`, `3.A`, … whether the SDK writes the tier as `3.A` or `Tier 3.A`."""
    return str(tier).removeprefix("Tier ").strip()


def tier_of(line: Line) -> str | None:
    """The CHPL tier of the line (`1` … `4.B`), or `None` when it is not a CHPL line."""
    tier = chpl.tier(line.hs_code)
    return None if tier is None else tier_code(tier)


@dataclass(frozen=True, slots=True)
class ChplLine:
    line: Line
    tier: str

    def describe(self) -> str:
        """`line 1 (8542.31, Tier 1)`."""
        return f"line {self.line.number} ({self.line.hs_code}, Tier {self.tier})"


@dataclass(frozen=True, slots=True)
class ChplLines:
    """The CHPL lines of a shipment, in document order."""

    items: tuple[ChplLine, ...]

    @staticmethod
    def of(shipment: Shipment) -> ChplLines:
        found = []
        for line in shipment.lines:
            tier = tier_of(line)
            if tier is not None:
                found.append(ChplLine(line, tier))
        return ChplLines(tuple(found))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def numbers(self) -> list[int]:
        return [item.line.number for item in self.items]

    def tiers(self) -> list[str]:
        """The tiers present, most critical first."""
        present = {item.tier for item in self.items}
        return [t for t in TIERS if t in present]

    def describe(self) -> str:
        """`line 1 (8542.31, Tier 1), line 4 (8482.10.10, Tier 3.B)`, naming at most
        `MAX_NAMED_LINES` lines and counting the rest."""
        return describe_lines(self.items, ChplLine.describe)

    def citation(self) -> str:
        """`CHPL (23 Feb 2024) Tier 1, Tier 3.B`."""
        return f"CHPL ({LIST_VERSION}) " + ", ".join(f"Tier {t}" for t in self.tiers())


def describe_lines(items: Sequence[T], describe: Callable[[T], str]) -> str:
    """The first `MAX_NAMED_LINES` items described and joined, the rest counted: a
    10,000-line shipment is not written out in a message."""
    named = [describe(item) for item in items[:MAX_NAMED_LINES]]
    rest = len(items) - len(named)
    if rest > 0:
        named.append(f"and {rest} more lines")
    return ", ".join(named)
