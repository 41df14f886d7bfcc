"""Diagnostic messages from a policy: the one thing the sandbox lets a plugin send out
(the host bounds their number and size).

Outside the sandbox (pytest) a message goes to standard error, or to a list inside
`captured()`; inside a component, `component.exports_of` sends it to the host's log.

The package re-exports the function as `exportctl_sdk.log` (`from exportctl_sdk import
Level, log`), which hides this module's name on the package; reach `captured` and
`set_sink` with `from exportctl_sdk.log import captured`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum


class Level(Enum):
    """Severity of a log message."""

    DEBUG = "debug"
    """Detail for policy authors."""
    INFO = "info"
    """Normal operation."""
    WARN = "warn"
    """Something the operator should know."""


Sink = Callable[[Level, str], None]
"""Where messages go: a function of the level and the message."""


def _to_stderr(level: Level, message: str) -> None:
    # The Rust SDK's native form: `[Warn] message`.
    print(f"[{level.name.title()}] {message}", file=sys.stderr)


_sink: Sink = _to_stderr


def log(level: Level, message: str) -> None:
    """Sends a message to the host's log (to standard error outside the sandbox)."""
    _sink(level, str(message))


def set_sink(sink: Sink) -> Sink:
    """Sends every later message to `sink`; returns the one it replaces. The component
    installs the host's log function with it."""
    global _sink
    previous, _sink = _sink, sink
    return previous


@contextmanager
def captured() -> Iterator[list[tuple[Level, str]]]:
    """Collects the messages logged inside the `with` block, as `(level, message)`, for a
    test to read."""
    messages: list[tuple[Level, str]] = []
    previous = set_sink(lambda level, message: messages.append((level, message)))
    try:
        yield messages
    finally:
        set_sink(previous)
