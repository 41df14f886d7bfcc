"""Attempts to reach outside the sandbox, or to exhaust it, chosen by the setting
`attack`. Each attempt that returns reports what it saw in a `review` finding, so a
test can compare two runs; an attempt the sandbox stops fails the policy closed."""

import os
import random
import time
from dataclasses import dataclass
from datetime import date

from exportctl_sdk import Finding, Metadata, Policy, Rule, Shipment
from exportctl_sdk.settings import Problems

SAW = Rule("hostile-saw", "test plugin: what an attempt returned", "what the attempt saw")

ATTACKS = (
    "none",
    "open",
    "environ",
    "socket",
    "random",
    "urandom",
    "clock",
    "loop",
    "allocate",
    "raise",
)


@dataclass(frozen=True)
class Settings:
    attack: str = "none"

    def validate(self, problems: Problems) -> None:
        if self.attack not in ATTACKS:
            problems.at("attack", f"must be one of {', '.join(ATTACKS)}")


def attempt(attack: str) -> str:
    """What the attack returned; most of them never return inside the sandbox."""
    if attack == "none":
        return "nothing tried"
    if attack == "open":
        with open("/etc/passwd", encoding="utf-8") as file:
            return file.read(64)
    if attack == "environ":
        # Read from the interpreter's state as the build left it: no WASI call.
        return repr(sorted(os.environ.items()))
    if attack == "socket":
        import socket  # here: the sandbox's CPython may not even have the module

        with socket.create_connection(("127.0.0.1", 80), timeout=1) as conn:
            return repr(conn.getpeername())
    if attack == "random":
        # Seeded when the module was imported, at build time.
        return repr([random.random() for _ in range(3)])
    if attack == "urandom":
        return os.urandom(16).hex()
    if attack == "clock":
        return repr(time.time())
    if attack == "loop":
        n = 0
        while True:
            n += 1
    if attack == "allocate":
        hoard = []
        while True:
            hoard.append(bytearray(1 << 20))
    if attack == "raise":
        raise RuntimeError("a policy bug")
    raise AssertionError(attack)


class HostilePython(Policy):
    metadata = Metadata(
        id="hostile-python",
        name="Hostile Python policy (test only)",
        version="0.1.0",
        publisher="exportctl test suite",
        jurisdiction="internal",
        legal_basis="none: a test plugin",
        valid_from=date(2020, 1, 1),
    )
    rules = (SAW,)
    Settings = Settings

    def __init__(self, settings: Settings):
        self.attack = settings.attack

    def evaluate(self, shipment: Shipment) -> list[Finding]:
        return [SAW.review(f"{self.attack}: {attempt(self.attack)}")]
