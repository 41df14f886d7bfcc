"""Shipments the tests share: the one of `sdk/tests/golden/full.json` built in Python, and
a five-line order."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from exportctl_sdk import Contract, EndUse, Shipment, TransportMode, testing

REPO = Path(__file__).resolve().parents[2]
"""The repository root (`sdk-python/` is one of its directories)."""


def full_shipment() -> Shipment:
    """`sdk/tests/golden/full.json` as the host validates and normalises it: every field
    given, Unicode text, ids sorted by key, decimals of several scales, every kind of
    control code."""
    return testing.shipment(
        id="GOLDEN-1",
        date="2024-05-10",
        exporter=testing.party(
            "Müller Elektronik GmbH",
            "de",
            address="Hauptstraße 5, 80331 München",
            ids={"vat": "DE123456789", "eori": "DE1234567890123"},
            aliases=["Mueller Elektronik"],
        ),
        consignee=testing.party(
            "ОсОО «Тянь-Шань Компонент»",
            "KG",
            region="kg-gb",
            registration_date="2022-07-19",
            aliases=["Tian-Shan Component LLC", "TSK"],
        ),
        end_user=testing.party("ООО Север", "RU", address="Moscow"),
        other_parties=[
            ("payer", testing.party("Gulf Trade FZE", "AE")),
            (
                "freight_forwarder",
                testing.party("Silk Road Logistics TOO", "KZ", ids={"bin": "220140012345"}),
            ),
            ("intermediate_consignee", testing.party("Almaty Transit LLP", "KZ", region="KZ-75")),
        ],
        origin_country="DE",
        destination_country="KG",
        transit_countries=["PL", "BY", "RU", "KZ"],
        transport_mode="rail",
        end_use=EndUse("industrial automation", False, "manufacturing"),
        contract=Contract("K-2024/17", datetime.date(2024, 1, 15), False),
        licences=[
            testing.licence("DE-AG-2024-001", "de", lines=[1], valid_until="2025-01-31"),
            testing.licence("US-D123456", "us"),
        ],
        lines=[
            testing.line(
                1,
                "8542.31.90",
                description="microcontrollers, 32-bit",
                control_codes=["3A991.a", "EAR99"],
                origin_country="TW",
                quantity="5000.5",
                unit="pcs",
                value="41000.10",
                currency="eur",
                us_content_percent="12.5",
            ),
            testing.line(
                7,
                "848210",
                description="ball bearings ⌀ 20 mm",
                control_codes=["ML10", "X.A.I.001", "0A501.a", "9A515"],
                quantity=120,
                unit=None,
                value=Decimal("0.0000001"),
                currency="USD",
            ),
        ],
    )


def five_lines() -> Shipment:
    """A realistic five-line order, for the speed check."""
    return testing.shipment(
        route="DE>PL>KZ",
        transport_mode=TransportMode.ROAD,
        end_user=testing.party("Steppe Components TOO", "KZ", registration_date="2022-07-19"),
        lines=[
            testing.line(
                n,
                hs,
                description=f"item {n}",
                control_codes=codes,
                origin_country="CN",
                quantity=n * 100,
                value=f"{n * 1234}.50",
            )
            for n, hs, codes in [
                (1, "8542.31", ["3A991.a"]),
                (2, "8517.62.00", ["5A992.c"]),
                (3, "8482.10", []),
                (4, "4901.99", []),
                (5, "9403.60", ["EAR99"]),
            ]
        ],
    )
