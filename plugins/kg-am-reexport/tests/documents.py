"""Shipments for the tests: a clean base shipment that tests change field by field."""

from __future__ import annotations

from typing import Any

from exportctl_sdk import Shipment, testing

def base(**fields: Any) -> Shipment:
    """A clean shipment to Kyrgyzstan: one CHPL Tier 1 line from Germany to a Bishkek
    distributor founded in 2012 that is also the end user, with a no-Russia clause, dated
    3 Jun 2024. No red flag."""
    defaults: dict[str, Any] = {
        "id": "KG-1",
        "date": "2024-06-03",
        "route": "DE>KG",
        "exporter": testing.party("Rhein Elektronik GmbH", "DE"),
        "consignee": testing.party("Ala-Too Electronics OsOO", "KG", registration_date="2012-04-18"),
        "contract": {"reference": "C-1", "no_russia_clause": True},
        "lines": [testing.line(1, "8542.31", description="32-bit microcontroller")],
    }
    defaults.update(fields)
    return testing.shipment(**defaults)


def furniture(**fields: Any) -> Shipment:
    """`base()` with furniture (9403.60) instead of microcontrollers: no CHPL line."""
    return base(**{"lines": [testing.line(1, "9403.60", description="dining tables")], **fields})
