"""The component's exports, run under pytest against stand-ins for the generated bindings
(`tests/fake_bindings/`): conversions to the contract's records, settings errors naming
the setting, and every failure of a policy failing closed as an `Err`."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from exportctl_sdk import (
    MAX_MESSAGE_BYTES,
    FindingSubject,
    Level,
    Metadata,
    Outcome,
    Policy,
    Problems,
    Rule,
    Shipment,
    SettingsError,
    log,
    testing,
)

FAKE_BINDINGS = Path(__file__).parent / "fake_bindings"

LISTED = Rule("listed-party", "Reg. 1 Art. 2", "a party on the list")
LONG = Rule("long-message", "Reg. 1 Art. 3", "a very long message")


@dataclass(frozen=True)
class Settings:
    outcome: Outcome = Outcome.REVIEW
    behaviour: str = "normal"

    def validate(self, problems: Problems) -> None:
        if self.outcome is Outcome.ALLOW:
            problems.at("outcome", "allow would never object")


class Listed(Policy):
    metadata = Metadata(
        id="listed", name="Listed parties", version="1.2.3", publisher="Tests",
        jurisdiction="internal", legal_basis="Reg. 1", valid_from=date(2024, 1, 1),
        valid_to=date(2030, 12, 31), sources=["List of 2024-05-01"], limitations=("none",),
    )  # fmt: skip
    rules = (LISTED, LONG)
    Settings = Settings

    def __init__(self, settings: Settings) -> None:
        if settings.behaviour == "refuse":
            raise SettingsError("behaviour: refused by the policy")
        if settings.behaviour == "crash-on-configure":
            raise RuntimeError("cannot start")
        super().__init__(settings)

    def evaluate(self, shipment: Shipment):  # type: ignore[override]
        behaviour = self.settings.behaviour
        if behaviour == "divide":
            return [1 / 0]
        if behaviour == "none":
            return None
        if behaviour == "not-a-finding":
            return ["deny"]
        if behaviour == "exit":
            raise SystemExit(3)
        if behaviour == "print":
            print("looking at", shipment.id)
            print("partial line", end="")
        log(Level.DEBUG, f"judging {shipment.id}")
        subject = FindingSubject("consignee", "List", "2024-05-01", "L:1", "ab12")
        return [
            LISTED.finding(self.settings.outcome, "consignee listed").with_subject(subject).line(1),
            LONG.deny("é" * MAX_MESSAGE_BYTES),
        ]


@pytest.fixture
def component(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """A fresh `exportctl_sdk.component` over the stand-in bindings; standard streams and
    the log sink it replaces are put back afterwards."""
    monkeypatch.syspath_prepend(str(FAKE_BINDINGS))
    for name in list(sys.modules):
        if name.startswith(("wit_world", "componentize_py_types", "exportctl_sdk.component")):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "stdout", sys.stdout)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    log_module = sys.modules["exportctl_sdk.log"]
    monkeypatch.setattr(log_module, "_sink", log_module._sink)
    module = importlib.import_module("exportctl_sdk.component")
    sys.modules["wit_world.imports.host"].LOGGED.clear()
    yield module


def exports(component: ModuleType, policy: type[Policy] = Listed) -> dict[str, object]:
    classes = component.exports_of(policy)
    return {cls.__name__: cls() for cls in classes}


def err(component: ModuleType) -> type[Exception]:
    return sys.modules["componentize_py_types"].Err


def logged() -> list[tuple[str, str]]:
    return [
        (level.name, message) for level, message in sys.modules["wit_world.imports.host"].LOGGED
    ]


def test_the_exports_subclass_the_generated_protocols(component: ModuleType) -> None:
    generated = sys.modules["wit_world.exports"]
    classes = component.exports_of(Listed)
    assert [c.__name__ for c in classes] == [
        "Evaluator",
        "SubjectEvaluator",
        "ShipmentReader",
        "RuleCatalogue",
    ]
    for cls, protocol in zip(classes, [generated.Evaluator, generated.SubjectEvaluator,
                                       generated.ShipmentReader, generated.RuleCatalogue], strict=True):  # fmt: skip
        assert protocol in cls.__mro__


def test_metadata_rules_and_wire_format(component: ModuleType) -> None:
    types = sys.modules["wit_world.imports.types"]
    e = exports(component)
    assert e["Evaluator"].metadata() == types.PolicyMetadata(
        id="listed", name="Listed parties", version="1.2.3", publisher="Tests", jurisdiction="internal",
        legal_basis="Reg. 1", valid_from="2024-01-01", valid_to="2030-12-31", contract_version="1.4.0",
        sources=["List of 2024-05-01"], limitations=["none"],
    )  # fmt: skip
    assert e["RuleCatalogue"].rules() == [
        types.RuleDescription("listed-party", "Reg. 1 Art. 2", "a party on the list"),
        types.RuleDescription("long-message", "Reg. 1 Art. 3", "a very long message"),
    ]
    assert e["ShipmentReader"].wire_format() == 2


def test_findings_cross_as_the_contracts_records(component: ModuleType) -> None:
    types = sys.modules["wit_world.imports.types"]
    e = exports(component)
    e["Evaluator"].configure('{"outcome": "deny"}')
    wire = testing.encode(testing.shipment(id="SO-9"))
    listed, long = e["Evaluator"].evaluate(wire)
    assert listed == types.Finding(
        rule="listed-party", outcome=types.Outcome.DENY, lines=[1], parties=["consignee"],
        message="consignee listed", legal_basis="Reg. 1 Art. 2",
    )  # fmt: skip
    assert len(long.message.encode()) <= MAX_MESSAGE_BYTES and long.message.endswith(" …"), (
        "host limits"
    )
    keyed = e["SubjectEvaluator"].evaluate_with_subjects(wire)
    assert [k.finding for k in keyed] == [listed, long], "the same findings in the same order"
    assert keyed[0].subject == types.FindingSubject(
        "consignee", "List", "2024-05-01", "L:1", "ab12"
    )
    assert keyed[1].subject is None
    assert ("DEBUG", "judging SO-9") in logged()


def test_without_configure_the_default_settings_judge(component: ModuleType) -> None:
    types = sys.modules["wit_world.imports.types"]
    findings = exports(component)["Evaluator"].evaluate(testing.encode(testing.shipment()))
    assert findings[0].outcome is types.Outcome.REVIEW


def test_bad_settings_fail_configure_naming_the_setting(component: ModuleType) -> None:
    evaluator = exports(component)["Evaluator"]
    with pytest.raises(err(component)) as refused:
        evaluator.configure('{"outcome": "allow", "colour": "red"}')
    assert refused.value.value == (
        "unknown field `colour`, expected `outcome` or `behaviour`; outcome: allow would never object"
    )
    with pytest.raises(err(component)) as refused:
        evaluator.configure('{"behaviour": "refuse"}')
    assert refused.value.value == "behaviour: refused by the policy"
    with pytest.raises(err(component)) as refused:
        evaluator.configure('{"behaviour": "crash-on-configure"}')
    assert refused.value.value == "policy raised RuntimeError: cannot start"


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        ("divide", "policy raised ZeroDivisionError: division by zero"),
        (
            "none",
            "policy raised TypeError: evaluate returned None, not its findings (return [] for none)",
        ),
        ("not-a-finding", "policy raised TypeError: evaluate gave a str, not a Finding"),
        ("exit", "policy raised SystemExit: 3"),
    ],
)
def test_a_failing_policy_fails_closed_with_an_error(
    component: ModuleType, behaviour: str, message: str
) -> None:
    e = exports(component)
    e["Evaluator"].configure(f'{{"behaviour": "{behaviour}"}}')
    wire = testing.encode(testing.shipment())
    for call in (e["Evaluator"].evaluate, e["SubjectEvaluator"].evaluate_with_subjects):
        with pytest.raises(err(component)) as failed:
            call(wire)
        assert failed.value.value == message
    warning = next(m for level, m in logged() if level == "WARN")
    assert warning.startswith(message)
    if behaviour in ("divide", "exit"):
        # The policy's own frames, not the SDK's.
        assert "\nTraceback (most recent call last):\n" in warning
        assert "test_component.py" in warning and "/exportctl_sdk/component.py" not in warning
    else:
        assert warning == message, "raised by the SDK: no frame of the policy to show"


def test_a_damaged_buffer_is_an_error_naming_the_format(component: ModuleType) -> None:
    evaluator = exports(component)["Evaluator"]
    with pytest.raises(err(component)) as failed:
        evaluator.evaluate(b"XSHP\x01\x00")
    assert (
        failed.value.value
        == "the shipment buffer is not wire format 2: 6 bytes, shorter than the header"
    )


def test_print_goes_to_the_host_log(component: ModuleType) -> None:
    e = exports(component)
    e["Evaluator"].configure('{"behaviour": "print"}')
    e["Evaluator"].evaluate(testing.encode(testing.shipment(id="SO-1")))
    assert logged() == [
        ("INFO", "looking at SO-1"),
        ("DEBUG", "judging SO-1"),
        ("INFO", "partial line"),
    ], "a line without its end is sent when the evaluation ends"


def test_a_class_the_host_would_refuse_fails_the_build(component: ModuleType) -> None:
    class Undescribed(Listed):
        rules = (Rule("no-description", "Reg. 1"),)

    class Twice(Listed):
        rules = (LISTED, LISTED)

    class Nameless(Policy):
        def evaluate(self, shipment: Shipment):  # type: ignore[override]
            return []

    with pytest.raises(
        ValueError,
        match=r"Undescribed: the host would refuse its rules: rule `no-description` has no description",
    ):
        component.exports_of(Undescribed)
    with pytest.raises(ValueError, match="rule `listed-party` is declared twice"):
        component.exports_of(Twice)
    with pytest.raises(TypeError, match=r"Nameless\.metadata must be"):
        component.exports_of(Nameless)
    with pytest.raises(TypeError, match=r"not a subclass of exportctl_sdk\.Policy"):
        component.exports_of(dict)  # type: ignore[arg-type]

    class Untyped(Listed):
        Settings = dict

    @dataclass(frozen=True)
    class Odd:
        pair: tuple[int, str] = (1, "a")

    class OddSettings(Listed):
        Settings = Odd

    with pytest.raises(TypeError, match=r"Untyped\.Settings must be a dataclass"):
        component.exports_of(Untyped)
    with pytest.raises(TypeError, match=r"Odd\.pair: settings read `tuple\[X, \.\.\.\]`"):
        component.exports_of(OddSettings)


def test_required_settings_do_not_fail_the_build(component: ModuleType) -> None:
    @dataclass(frozen=True)
    class Needed:
        name: str

    class NeedsSettings(Listed):
        Settings = Needed

    e = exports(component, NeedsSettings)
    with pytest.raises(err(component)) as failed:
        e["Evaluator"].evaluate(testing.encode(testing.shipment()))
    assert failed.value.value == "missing field `name`", "unconfigured, it cannot judge"
