"""Shipments for the tests: the case files' JSON documents read into SDK shipments, and a
clean base shipment that tests change field by field."""

from __future__ import annotations

import json
import pathlib
from typing import Any

from exportctl_sdk import Shipment, testing

CASES = pathlib.Path(__file__).parent / "cases" / "kg-am-reexport"


def _party(p: dict[str, Any]):
    return testing.party(
        p["name"],
        p["country"],
        region=p.get("region"),
        address=p.get("address"),
        ids=p.get("ids", {}),
        aliases=p.get("aliases", ()),
        registration_date=p.get("registration_date"),
    )


def _line(l: dict[str, Any]):
    return testing.line(
        l["line"],
        str(l["hs_code"]),
        description=l["description"],
        control_codes=l.get("control_codes", ()),
        origin_country=l.get("origin_country"),
        quantity=str(l["quantity"]),
        unit=l.get("unit"),
        value=str(l["value"]["amount"]),
        currency=l["value"]["currency"],
        us_content_percent=None if l.get("us_content_percent") is None else str(l["us_content_percent"]),
    )


def from_document(doc: dict[str, Any]) -> Shipment:
    """A shipment document as in `sdk/spec/shipment.md` (the fields the case files use)."""
    fields: dict[str, Any] = {
        "id": doc["id"],
        "date": doc["date"],
        "exporter": _party(doc["exporter"]),
        "consignee": _party(doc["consignee"]),
        "origin_country": doc["origin_country"],
        "destination_country": doc["destination_country"],
        "transit_countries": doc.get("transit_countries", ()),
        "lines": [_line(l) for l in doc["lines"]],
    }
    if "end_user" in doc:
        fields["end_user"] = _party(doc["end_user"])
    if "other_parties" in doc:
        fields["other_parties"] = [
            (o["role"], _party({k: v for k, v in o.items() if k != "role"})) for o in doc["other_parties"]
        ]
    for key in ("transport_mode", "end_use", "contract"):
        if key in doc:
            fields[key] = doc[key]
    return testing.shipment(**fields)


def case_files() -> list[pathlib.Path]:
    return sorted(CASES.glob("*.json"))


def load_case(path: pathlib.Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))


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
