"""Periods in force: both ends inclusive, open-ended without an end."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from exportctl_sdk import Period


def test_bounds_are_inclusive() -> None:
    suspension = Period.between(date(2022, 8, 27), date(2023, 8, 31))
    assert not suspension.contains(date(2022, 8, 26))
    assert suspension.contains(date(2022, 8, 27)) and date(2022, 11, 14) in suspension
    assert suspension.contains(date(2023, 8, 31))
    assert date(2023, 9, 1) not in suspension


def test_a_period_without_an_end_is_open() -> None:
    since = Period.starting(date(2024, 3, 20))
    assert since == Period(date(2024, 3, 20)) and since.end is None
    assert date(9999, 12, 31) in since and date(2024, 3, 19) not in since
    assert "2024-03-20" not in since, "only dates are in a period"


def test_a_period_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Period.starting(date(2024, 1, 1)).end = date(2025, 1, 1)  # type: ignore[misc]
