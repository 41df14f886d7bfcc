"""The cross-language golden test: bytes the Rust host writes for
`sdk/tests/golden/full.json` (`full.wire`) decode to exactly the values the Rust test
`sdk/tests/wire_golden.rs` records for them (`full.values.json`), in the canonical form
of `testing.canonical`."""

from __future__ import annotations

import json

import pytest
from samples import REPO, full_shipment

from exportctl_sdk import decode_shipment, testing

GOLDEN = REPO / "sdk" / "tests" / "golden"
WIRE = GOLDEN / "full.wire"
VALUES = GOLDEN / "full.values.json"

pytestmark = pytest.mark.skipif(
    not (WIRE.is_file() and VALUES.is_file()),
    reason="sdk/tests/golden/full.wire and full.values.json are written by sdk/tests/wire_golden.rs",
)


def test_the_host_bytes_decode_to_the_recorded_values() -> None:
    decoded = decode_shipment(WIRE.read_bytes())
    assert testing.canonical(decoded) == json.loads(VALUES.read_text(encoding="utf-8"))


def test_the_sdk_writer_lays_the_shipment_out_as_the_host_does() -> None:
    data = WIRE.read_bytes()
    assert testing.encode(decode_shipment(data)) == data


def test_the_shipment_the_tests_build_is_the_golden_one() -> None:
    # tests/samples.py builds full.json in Python for the other tests; if full.json
    # changes, change it there too.
    assert testing.encode(full_shipment()) == WIRE.read_bytes()
