"""What a policy is: its metadata, its base class and `configure`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import pytest

from exportctl_sdk import (
    CONTRACT_VERSION,
    Metadata,
    NoSettings,
    Policy,
    Problems,
    Rule,
    SettingsError,
    Shipment,
    configure,
)

EMBARGO = Rule("kp-embargo", "UNSC Res. 1718 (2006)", "any goods to North Korea")


@dataclass(frozen=True)
class Threshold:
    minimum: int = 1

    def validate(self, problems: Problems) -> None:
        if self.minimum < 1:
            problems.push("`minimum` must be at least 1")


class NoNorthKorea(Policy):
    metadata = Metadata(
        id="no-north-korea", name="North Korea embargo", version="1.0.0",
        publisher="Example Corp compliance", jurisdiction="UN", legal_basis="UNSC Res. 1718 (2006)",
        valid_from=date(2006, 10, 14), limitations=["destination only; parties are not screened"],
    )  # fmt: skip
    rules = (EMBARGO,)

    def evaluate(self, shipment: Shipment):  # type: ignore[override]
        if shipment.destination_country == "KP":
            yield EMBARGO.deny("destination is North Korea")


class WithThreshold(NoNorthKorea):
    Settings = Threshold


def test_the_contract_is_1_4() -> None:
    assert CONTRACT_VERSION == "1.4.0"


def test_metadata_is_immutable_and_keeps_lists_as_tuples() -> None:
    m = NoNorthKorea.metadata
    assert (m.valid_to, m.sources, m.limitations) == (
        None,
        (),
        ("destination only; parties are not screened",),
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.id = "other"  # type: ignore[misc]


def test_a_policy_without_settings_accepts_only_an_empty_table() -> None:
    policy = configure(NoNorthKorea, "{}")
    assert isinstance(policy, NoNorthKorea) and policy.settings == NoSettings()
    with pytest.raises(SettingsError, match="unknown field `colour`"):
        configure(NoNorthKorea, '{"colour": "red"}')
    with pytest.raises(SettingsError, match="invalid type: sequence"):
        configure(NoNorthKorea, "[1]")


def test_configure_reads_the_policys_settings() -> None:
    assert configure(WithThreshold, '{"minimum": 3}').settings == Threshold(3)
    assert configure(WithThreshold, {"minimum": 2}).settings == Threshold(2)
    with pytest.raises(SettingsError, match=r"^`minimum` must be at least 1$"):
        configure(WithThreshold, '{"minimum": 0}')


def test_a_policy_must_evaluate() -> None:
    class Nothing(Policy):
        metadata = NoNorthKorea.metadata

    with pytest.raises(TypeError):
        Nothing(NoSettings())  # type: ignore[abstract]
