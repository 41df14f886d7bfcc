"""The days on which a rule is in force (as `Period` of `sdk/src/date.rs`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Period:
    """The days from `start` up to and including `end`; open-ended when `end` is `None`.

    A rule asks whether it is in force on the shipment's law date:
    `SUSPENSION.contains(shipment.as_of)` or `shipment.as_of in SUSPENSION`.
    """

    start: date
    """First day in force."""
    end: date | None = None
    """Last day in force, if any."""

    @classmethod
    def starting(cls, start: date) -> Period:
        """In force from `start` on, with no end date."""
        return cls(start)

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        """In force from `start` up to and including `end`."""
        return cls(start, end)

    def contains(self, day: date) -> bool:
        """Whether `day` falls inside the period (both ends inclusive)."""
        return self.start <= day and (self.end is None or day <= self.end)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.contains(day)
