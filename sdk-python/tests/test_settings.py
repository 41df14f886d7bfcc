"""Reading settings: typed by the dataclass, every problem named by its path and reported
at once, in the Rust SDK's and serde's words."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from exportctl_sdk import NoSettings, Outcome, Problems, SettingsError, settings


@dataclass(frozen=True)
class Amount:
    amount: Decimal
    currency: str

    def validate(self, problems: Problems) -> None:
        if self.amount < 0:
            problems.at("amount", f"{self.amount} is negative (an amount is 0 or more)")
        if len(self.currency) != 3:
            problems.push("the currency is three letters")


@dataclass(frozen=True)
class Example:
    destinations: tuple[str, ...] = ("RU", "BY")
    outcome: Outcome = Outcome.REVIEW
    threshold: int = 3
    ratio: float = 0.5
    strict: bool = False
    limit: Amount | None = None
    since: datetime.date | None = None
    words: list[str] = field(default_factory=list)
    per_country: dict[str, Decimal] = field(default_factory=dict)
    tags: frozenset[str] = frozenset()

    def validate(self, problems: Problems) -> None:
        settings.countries("destinations", self.destinations, problems)
        if self.threshold < 1:
            problems.push("`threshold` must be at least 1")


@dataclass(frozen=True)
class Required:
    name: str
    count: int = 1


@dataclass(frozen=True)
class Two:
    destinations: tuple[str, ...] = ()
    outcome: Outcome = Outcome.DENY


def error(cls: type, given: object) -> str:
    with pytest.raises(SettingsError) as refused:
        settings.read(cls, given)  # type: ignore[arg-type]
    return str(refused.value)


def test_missing_keys_take_their_defaults() -> None:
    assert settings.read(Example, "{}") == Example()
    assert settings.read(Example, {}) == Example()
    assert settings.read(NoSettings, "{}") == NoSettings()


def test_every_kind_of_value_is_read_by_its_annotation() -> None:
    read = settings.read(
        Example,
        """{"destinations": ["KZ", "kg"], "outcome": "deny", "threshold": 5, "ratio": 1,
            "strict": true, "limit": {"amount": "50000.10", "currency": "EUR"},
            "since": "2024-02-23", "words": ["a"], "per_country": {"KZ": 12.10, "RU": 1},
            "tags": ["x", "x", "y"]}""",
    )
    assert read.destinations == ("KZ", "kg"), "kept as given; validate reads them"
    assert read.outcome is Outcome.DENY
    assert (read.threshold, read.ratio, read.strict) == (5, 1.0, True)
    assert read.limit == Amount(Decimal("50000.10"), "EUR")
    assert str(read.limit.amount) == "50000.10", "exact, scale kept"
    assert read.since == datetime.date(2024, 2, 23)
    assert read.words == ["a"] and read.tags == frozenset({"x", "y"})
    assert read.per_country == {"KZ": Decimal("12.10"), "RU": Decimal(1)}
    assert str(read.per_country["KZ"]) == "12.10", "a JSON number stays exact too"


def test_a_parsed_object_is_read_like_json_text() -> None:
    read = settings.read(Example, {"ratio": 2, "per_country": {"KZ": 0.1}, "destinations": ("KZ",)})
    assert read.ratio == 2.0 and read.per_country == {"KZ": Decimal("0.1")}
    assert read.destinations == ("KZ",)


def test_an_unknown_key_is_named_with_the_expected_ones_in_serde_words() -> None:
    assert error(Two, '{"destination": []}') == (
        "unknown field `destination`, expected `destinations` or `outcome`"
    )
    assert error(Required, '{"nme": "x", "name": "y"}') == (
        "unknown field `nme`, expected `name` or `count`"
    )
    assert error(Example, '{"treshold": 1}').startswith(
        "unknown field `treshold`, expected one of `destinations`, `outcome`, `threshold`, "
    )
    assert error(NoSettings, '{"colour": "red"}') == "unknown field `colour`, there are no fields"
    assert error(Example, '{"limit": {"amount": "1", "currency": "EUR", "cents": 1}}') == (
        "limit: unknown field `cents`, expected `amount` or `currency`"
    )


def test_a_wrong_type_is_named_with_its_path() -> None:
    assert error(Example, '{"destinations": ["RU", 5]}') == (
        "destinations[1]: invalid type: integer `5`, expected a string"
    )
    assert error(Example, '{"destinations": "RU"}') == (
        'destinations: invalid type: string "RU", expected a sequence'
    )
    assert (
        error(Example, '{"threshold": true}')
        == "threshold: invalid type: boolean `true`, expected an integer"
    )
    assert (
        error(Example, '{"threshold": 1.5}')
        == "threshold: invalid type: floating point `1.5`, expected an integer"
    )
    assert (
        error(Example, '{"threshold": 1e3}')
        == "threshold: invalid type: floating point `1000.0`, expected an integer"
    )
    assert (
        error(Example, '{"strict": "yes"}')
        == 'strict: invalid type: string "yes", expected a boolean'
    )
    assert error(Example, '{"ratio": null}') == "ratio: invalid type: null, expected a number"
    assert error(Example, '{"words": {}}') == "words: invalid type: map, expected a sequence"
    assert (
        error(Example, '{"limit": []}') == "limit: invalid type: sequence, expected struct Amount"
    )
    assert error(Example, '{"per_country": {"KZ": "lots"}}') == (
        'per_country.KZ: invalid value: string "lots", expected a decimal number '
        '(text such as "50000.00", or a number)'
    )
    assert error(Example, '{"since": "10.05.2024"}') == (
        'since: invalid value: string "10.05.2024", expected a date YYYY-MM-DD'
    )
    assert "expected a date" in error(Example, '{"since": "2023-02-29"}')
    assert "expected a date" in error(Example, '{"since": "20240101"}'), (
        "ISO basic form is not YYYY-MM-DD"
    )


def test_an_outcome_is_one_of_its_values() -> None:
    assert error(Example, '{"outcome": "denyy"}') == (
        "outcome: unknown variant `denyy`, expected one of `allow`, `review`, `licence_required`, `deny`"
    )
    assert error(Example, '{"outcome": 3}') == (
        "outcome: invalid type: integer `3`, expected one of `allow`, `review`, `licence_required`, `deny`"
    )


def test_a_required_field_missing_is_named() -> None:
    assert error(Required, "{}") == "missing field `name`"
    assert settings.read(Required, '{"name": "x"}') == Required("x")
    assert error(Required, '{"name": 1, "count": "2"}') == (
        "name: invalid type: integer `1`, expected a string; "
        'count: invalid type: string "2", expected an integer'
    )


def test_every_problem_is_reported_at_once() -> None:
    message = error(
        Example,
        '{"destinations": ["RU", 5], "destination": "x", "threshold": 0, "outcome": "no",'
        ' "limit": {"amount": "-5", "currency": "EURO"}}',
    )
    assert message.split("; ") == [
        "destinations[1]: invalid type: integer `5`, expected a string",
        "unknown field `destination`, expected one of `destinations`, `outcome`, `threshold`, `ratio`, "
        "`strict`, `limit`, `since`, `words`, `per_country`, `tags`",
        "outcome: unknown variant `no`, expected one of `allow`, `review`, `licence_required`, `deny`",
        "limit.amount: -5 is negative (an amount is 0 or more)",
        "limit: the currency is three letters",
        "`threshold` must be at least 1",
    ]


def test_validation_names_each_bad_entry() -> None:
    message = error(Example, '{"destinations": ["ae", "UAE", "R1"], "threshold": 0}')
    assert message == (
        'destinations[1]: "UAE" is not an ISO 3166-1 alpha-2 country code (two letters, e.g. "AE"); '
        'destinations[2]: "R1" is not an ISO 3166-1 alpha-2 country code (two letters, e.g. "AE"); '
        "`threshold` must be at least 1"
    )


def test_settings_that_are_not_a_json_object_are_refused() -> None:
    assert error(Example, "[1]") == "invalid type: sequence, expected struct Example"
    assert error(NoSettings, "null") == "invalid type: null, expected struct NoSettings"
    assert error(Example, "{").startswith("the settings are not JSON: ")
    assert error(Example, '{"ratio": NaN}').startswith("the settings are not JSON: ")
    assert error(Example, '{"per_country": {"KZ": "NaN"}}').startswith(
        "per_country.KZ: invalid value"
    )


@dataclass(frozen=True)
class Odd:
    pair: tuple[int, str] = (1, "a")


@dataclass(frozen=True)
class Deep:
    inner: Odd | None = None


@dataclass(frozen=True)
class Sets:
    items: tuple[set[str], ...] = ()


@dataclass(frozen=True)
class Either:
    value: int | str = 1


def test_types_settings_cannot_hold_are_a_programming_error() -> None:
    with pytest.raises(TypeError, match=r"Odd\.pair: settings read `tuple\[X, \.\.\.\]`"):
        settings.read(Odd, '{"pair": [1, "a"]}')
    with pytest.raises(TypeError, match=r"Deep\.inner\.pair"):
        settings.read(Deep, "{}")
    with pytest.raises(TypeError, match=r"Sets\.items\[\]: settings cannot hold"):
        settings.read(Sets, "{}")
    with pytest.raises(TypeError, match=r"Either\.value: settings read only `X \| None` unions"):
        settings.read(Either, "{}")
    with pytest.raises(TypeError, match="settings are read into a dataclass"):
        settings.read(dict, "{}")


def test_settings_classes_must_be_resolvable() -> None:
    @dataclass(frozen=True)
    class Local:
        inner: Local | None = None

    with pytest.raises(TypeError, match="define settings dataclasses at a module's top level"):
        settings.read(Local, "{}")


def test_problems_collect_in_order_and_raise_joined() -> None:
    problems = Problems()
    problems.raise_if_any()
    assert not problems and len(problems) == 0
    problems.push("`a` is wrong")
    problems.at("b[2]", "is not a country")
    problems.within("c").at("amount", "-1 is negative")
    problems.within("c").push("is incomplete")
    problems.within("c").within("d").at("e", "deep")
    assert len(problems) == 5 and problems.messages[0] == "`a` is wrong"
    with pytest.raises(SettingsError) as raised:
        problems.raise_if_any()
    assert str(raised.value) == (
        "`a` is wrong; b[2]: is not a country; c.amount: -1 is negative; c: is incomplete; c.d.e: deep"
    )


def test_countries_are_upper_cased_and_bad_ones_named() -> None:
    problems = Problems()
    assert settings.countries("review_destinations", ["ae", "UAE", "Kz", "é1", 7], problems) == (
        "AE",
        "KZ",
    )
    assert problems.messages == (
        'review_destinations[1]: "UAE" is not an ISO 3166-1 alpha-2 country code (two letters, e.g. "AE")',
        'review_destinations[3]: "é1" is not an ISO 3166-1 alpha-2 country code (two letters, e.g. "AE")',
        'review_destinations[4]: 7 is not an ISO 3166-1 alpha-2 country code (two letters, e.g. "AE")',
    )


def test_hs_patterns_keep_the_good_entries_and_name_each_bad_one() -> None:
    problems = Problems()
    found = settings.hs_patterns("hs", ["93", "8526.91.20", "8542.31", "85A1", "8471 50"], problems)
    assert found == ("93", "854231", "847150")
    assert "; ".join(problems.messages) == (
        'hs[1]: "8526.91.20" is a national tariff code: list its subheading "852691" instead '
        "(national codes differ between tariffs, and every national code under the subheading "
        'matches it); hs[3]: "85A1" is not an HS chapter, heading or subheading (2, 4 or 6 digits)'
    )
    for bad in ["", "8", "852", "85261", "8526911", "8526-91", "８５２６", "85\n26"]:
        problems = Problems()
        assert settings.hs_patterns("hs", [bad], problems) == ()
        assert len(problems) == 1, repr(bad)
