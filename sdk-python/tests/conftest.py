"""Shared fixtures: the shipment of `sdk/tests/golden/full.json`, its buffer as the SDK's
writer lays it out, and the golden buffer the host wrote for it."""

from __future__ import annotations

import pytest
from samples import REPO, full_shipment

from exportctl_sdk import Shipment, testing


@pytest.fixture
def full() -> Shipment:
    return full_shipment()


@pytest.fixture(scope="session")
def full_wire() -> bytes:
    return testing.encode(full_shipment())


@pytest.fixture(scope="session")
def golden_wire() -> bytes:
    """`sdk/tests/golden/full.wire`, the bytes the Rust host writes for full.json; until
    that file exists, the same shipment as the SDK's writer lays it out."""
    golden = REPO / "sdk" / "tests" / "golden" / "full.wire"
    return golden.read_bytes() if golden.is_file() else testing.encode(full_shipment())
