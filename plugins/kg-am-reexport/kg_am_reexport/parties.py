"""How messages name parties: `consignee `Ala-Too Trade OsOO``."""

from exportctl_sdk import Shipment


def label(shipment: Shipment, path: str, name: str) -> str:
    """The party's role and name, e.g. `end user `Ararat Tech LLC`` or
    `notify party `OOO Vostok``."""
    return f"{shipment.role_name(path)} `{name}`"
