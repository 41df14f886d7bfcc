"""Stand-in for the generated `wit_world.imports.host`: `log` records each call in
`LOGGED` for the tests to read."""

from enum import Enum


class LogLevel(Enum):
    DEBUG = 0
    INFO = 1
    WARN = 2


LOGGED: list = []


def log(level: LogLevel, message: str) -> None:
    if not isinstance(level, LogLevel) or not isinstance(message, str):
        raise TypeError("log(level: LogLevel, message: str)")
    LOGGED.append((level, message))
