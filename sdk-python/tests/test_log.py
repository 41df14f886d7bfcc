"""The log: standard error outside the sandbox, a list in tests, the host's log inside."""

from __future__ import annotations

from exportctl_sdk import Level, log
from exportctl_sdk.log import captured, set_sink


def test_messages_are_captured_in_order() -> None:
    with captured() as messages:
        log(Level.INFO, "judging SO-1")
        log(Level.WARN, "no licence data")
    assert messages == [(Level.INFO, "judging SO-1"), (Level.WARN, "no licence data")]


def test_outside_the_sandbox_messages_go_to_standard_error(capsys) -> None:
    log(Level.DEBUG, "detail")
    log(Level.WARN, "careful")
    assert capsys.readouterr().err == "[Debug] detail\n[Warn] careful\n"


def test_a_sink_replaces_the_last_and_is_given_back() -> None:
    seen: list[str] = []
    previous = set_sink(lambda level, message: seen.append(f"{level.value}:{message}"))
    try:
        log(Level.INFO, 42)  # type: ignore[arg-type]
    finally:
        assert set_sink(previous) is not previous
    assert seen == ["info:42"]
