"""Reading a policy's settings: every problem at once, each naming its setting.

A policy declares its settings as a frozen dataclass; `read` builds it from the JSON
object the host passes (the `settings` table of the policy's entry in the policy-set
file) by the dataclass's type annotations. Missing keys take their defaults, unknown keys
are refused (a typo must not silently weaken a policy), and every problem is named by its
path (`destinations[1]`, `threshold.currency`), all of them in one message joined by
`; `, so a user who made three mistakes reads all three at once. The texts follow the Rust
SDK's and serde's where they correspond (`unknown field `x`, expected …`,
`missing field `x``, `invalid type: …`).

After the types, the dataclass's own `validate(self, problems)`, if it has one, checks
what types cannot say, with the readers below for the usual values (`countries`,
`hs_patterns`).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
import types
import typing
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

from ._rust_text import debug_quoted, is_ascii_digits
from .country import parse_country

T = TypeVar("T")


class SettingsError(Exception):
    """Settings a policy cannot use; the message names every bad setting, problems joined
    by `; `. The host refuses to load the policy set with it."""


class Problems:
    """The problems found in a policy's settings, in the order they were found. Each names
    its setting; `raise_if_any()` raises them all as one `SettingsError`."""

    __slots__ = ("_messages", "_prefix")

    def __init__(self) -> None:
        self._messages: list[str] = []
        self._prefix = ""

    def at(self, path: str, message: str) -> None:
        """Adds a problem with the setting at `path` (`destinations[0]`,
        `threshold.currency`), written `path: message`."""
        self._messages.append(f"{self._prefix}{path}: {message}")

    def push(self, message: str) -> None:
        """Adds a problem that names its setting itself (`` `deny_at` must be at least 1 ``)."""
        if self._prefix:
            self._messages.append(f"{self._prefix.removesuffix('.')}: {message}")
        else:
            self._messages.append(message)

    def within(self, path: str) -> Problems:
        """The same problems, seen from the setting at `path`: what a nested settings
        dataclass's `validate` adds there is named from the top (`limit.currency`)."""
        view = Problems.__new__(Problems)
        view._messages = self._messages
        view._prefix = f"{self._prefix}{path}."
        return view

    @property
    def messages(self) -> tuple[str, ...]:
        """Every problem found so far."""
        return tuple(self._messages)

    def __len__(self) -> int:
        return len(self._messages)

    def __bool__(self) -> bool:
        return bool(self._messages)

    def raise_if_any(self) -> None:
        """Raises `SettingsError` with every problem joined by `; ` if any was found."""
        if self._messages:
            raise SettingsError("; ".join(self._messages))


def read(settings_class: type[T], settings: str | Mapping[str, Any]) -> T:
    """The `settings_class` dataclass built from `settings` (JSON text of an object, or a
    parsed object), checked by its type annotations and then by its `validate(problems)`
    method if it has one. Raises `SettingsError` naming every problem.

    Annotations understood: `str`, `int` (not `bool`), `bool`, `float`, `Decimal` (from
    text, exact, or a number), `datetime.date` (`YYYY-MM-DD` text), an `Enum` of text
    values such as `Outcome` (by value), `tuple[X, ...]`, `list[X]`, `frozenset[X]`,
    `dict[str, X]`, `X | None`, and nested dataclasses.
    """
    if not (isinstance(settings_class, type) and dataclasses.is_dataclass(settings_class)):
        raise TypeError(f"settings are read into a dataclass, not {settings_class!r}")
    _check_readable(settings_class, settings_class.__name__, set())
    if isinstance(settings, str):
        try:
            # Decimals stay exact: `12.10` is Decimal("12.10") until a float is asked for.
            settings = json.loads(settings, parse_float=Decimal, parse_constant=_no_constant)
        except ValueError as e:
            raise SettingsError(f"the settings are not JSON: {e}") from None
    problems = Problems()
    value = _Reader(problems).read(settings_class, settings, "")
    problems.raise_if_any()
    return value  # type: ignore[return-value]


def countries(path: str, values: Iterable[str], problems: Problems) -> tuple[str, ...]:
    """The countries of the setting at `path` (ISO 3166-1 alpha-2 codes, either case),
    upper-cased, in the order given; each entry that is not one adds a problem at
    `path[i]` and is left out."""
    found = []
    for i, code in enumerate(values):
        country = parse_country(code) if isinstance(code, str) else None
        if country is None:
            problems.at(
                f"{path}[{i}]",
                f'{_quoted(code)} is not an ISO 3166-1 alpha-2 country code (two letters, e.g. "AE")',
            )
        else:
            found.append(country)
    return tuple(found)


def hs_patterns(path: str, values: Iterable[str], problems: Problems) -> tuple[str, ...]:
    """HS chapters (2 digits), headings (4) and subheadings (6) of the setting at `path`,
    e.g. `["8526", "93", "8542.31"]`, as digits (dots and spaces dropped), in the order
    given. A line's code falls under a pattern when it starts with its digits
    (`HsCode.matches`, `HsCode.most_specific`). Each entry that is not one adds a problem
    at `path[i]`; a national 8- or 10-digit code is refused with the subheading to list
    instead (national codes differ between tariffs)."""
    found = []
    for i, entry in enumerate(values):
        digits = entry.replace(".", "").replace(" ", "") if isinstance(entry, str) else ""
        all_digits = is_ascii_digits(digits)
        if all_digits and len(digits) in (2, 4, 6):
            found.append(digits)
        elif all_digits and len(digits) in (8, 10):
            problems.at(
                f"{path}[{i}]",
                f'{_quoted(entry)} is a national tariff code: list its subheading "{digits[:6]}" '
                "instead (national codes differ between tariffs, and every national code under "
                "the subheading matches it)",
            )
        else:
            problems.at(
                f"{path}[{i}]",
                f"{_quoted(entry)} is not an HS chapter, heading or subheading (2, 4 or 6 digits)",
            )
    return tuple(found)


def _quoted(value: object) -> str:
    return debug_quoted(value) if isinstance(value, str) else repr(value)


def _no_constant(name: str) -> None:
    # `json.loads` takes NaN and Infinity by default; JSON (and serde) do not.
    raise ValueError(f"{name} is not a JSON value")


def _check_readable(tp: Any, where: str, seen: set[type]) -> None:
    """Raises `TypeError` for an annotation settings cannot hold, wherever it sits in the
    settings class, whether or not a given value reaches it: a programming error shows on
    the first read (and when a component is built), not when a user first sets it."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        present = [a for a in args if a is not type(None)]
        if len(args) != 2 or len(present) != 1:
            raise TypeError(f"{where}: settings read only `X | None` unions, not {tp!r}")
        _check_readable(present[0], where, seen)
    elif origin is tuple:
        if not (len(args) == 2 and args[1] is Ellipsis):
            raise TypeError(f"{where}: settings read `tuple[X, ...]`, not {tp!r}")
        _check_readable(args[0], f"{where}[]", seen)
    elif origin in (list, frozenset):
        _check_readable(args[0], f"{where}[]", seen)
    elif origin is dict:
        if args[0] is not str:
            raise TypeError(f"{where}: settings read maps with text keys, not {tp!r}")
        _check_readable(args[1], f"{where}.*", seen)
    elif isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if tp in seen:
            return
        seen.add(tp)
        hints = _type_hints(tp)
        for f in dataclasses.fields(tp):
            if f.init:
                _check_readable(hints[f.name], f"{where}.{f.name}", seen)
    elif not (isinstance(tp, type) and (issubclass(tp, Enum) or tp in _SCALARS)):
        raise TypeError(f"{where}: settings cannot hold a {tp!r}")


_INVALID: Any = object()
"""What a reader returns for a value it reported a problem with."""

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


class _Reader:
    """One pass over a settings object, adding every problem to `problems`."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems

    def fail(self, path: str, message: str) -> Any:
        if path:
            self.problems.at(path, message)
        else:
            self.problems.push(message)
        return _INVALID

    def wrong_type(self, path: str, value: object, expected: str) -> Any:
        return self.fail(path, f"invalid type: {_unexpected(value)}, expected {expected}")

    def read(self, tp: Any, value: object, path: str) -> Any:
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin in (typing.Union, types.UnionType):
            return self.optional(args, value, path)
        if origin in (tuple, list, frozenset):
            return self.sequence(origin, args, value, path)
        if origin is dict:
            return self.mapping(args, value, path)
        if isinstance(tp, type):
            if dataclasses.is_dataclass(tp):
                return self.dataclass(tp, value, path)
            if issubclass(tp, Enum):
                return self.enum(tp, value, path)
            scalar = _SCALARS.get(tp)
            if scalar is not None:
                return scalar(self, value, path)
        raise TypeError(f"settings cannot hold a {tp!r} (at `{path or 'the top'}`)")  # unreachable

    # `_check_readable` has accepted every annotation these meet.

    def optional(self, args: tuple[Any, ...], value: object, path: str) -> Any:
        present = next(a for a in args if a is not type(None))
        return None if value is None else self.read(present, value, path)

    def sequence(self, origin: type, args: tuple[Any, ...], value: object, path: str) -> Any:
        if not isinstance(value, (list, tuple)):
            return self.wrong_type(path, value, "a sequence")
        items = [self.read(args[0], item, f"{path}[{i}]") for i, item in enumerate(value)]
        if any(item is _INVALID for item in items):
            return _INVALID
        return origin(items)

    def mapping(self, args: tuple[Any, ...], value: object, path: str) -> Any:
        if not isinstance(value, Mapping):
            return self.wrong_type(path, value, "a map")
        items = {key: self.read(args[1], item, _join(path, key)) for key, item in value.items()}
        if any(item is _INVALID for item in items.values()):
            return _INVALID
        return items

    def dataclass(self, cls: type, value: object, path: str) -> Any:
        if not isinstance(value, Mapping):
            return self.wrong_type(path, value, f"struct {cls.__name__}")
        fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
        hints = _type_hints(cls)
        given: dict[str, Any] = {}
        unusable = False
        for key, item in value.items():
            if key not in fields:
                self.fail(path, _unknown_field(key, list(fields)))
                continue
            read = self.read(hints[key], item, _join(path, key))
            if read is _INVALID:
                unusable = True
            else:
                given[key] = read
        missing = [n for n, f in fields.items() if n not in value and _required(f)]
        for name in missing:
            self.fail(path, f"missing field `{name}`")
        if any(n not in given and _required(f) for n, f in fields.items()):
            # A required setting is missing or unusable: there is nothing to validate.
            return _INVALID
        # A setting that could not be read is validated as its default, so that the
        # problems of the others are reported in the same message.
        settings = cls(**given)
        validate = getattr(settings, "validate", None)
        if callable(validate):
            validate(self.problems.within(path) if path else self.problems)
        return _INVALID if unusable else settings

    def enum(self, cls: type[Enum], value: object, path: str) -> Any:
        names = [member.value for member in cls]
        if not isinstance(value, str):
            return self.wrong_type(path, value, _one_of(names))
        try:
            return cls(value)
        except ValueError:
            return self.fail(path, f"unknown variant `{value}`, expected {_one_of(names)}")

    def text(self, value: object, path: str) -> Any:
        return value if isinstance(value, str) else self.wrong_type(path, value, "a string")

    def boolean(self, value: object, path: str) -> Any:
        return value if isinstance(value, bool) else self.wrong_type(path, value, "a boolean")

    def integer(self, value: object, path: str) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return self.wrong_type(path, value, "an integer")

    def number(self, value: object, path: str) -> Any:
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return float(value)
        return self.wrong_type(path, value, "a number")

    def decimal(self, value: object, path: str) -> Any:
        expected = 'a decimal number (text such as "50000.00", or a number)'
        if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
            return self.wrong_type(path, value, expected)
        try:
            # repr keeps a float's shortest form: 12.1, not 12.0999999999999996447…
            number = Decimal(repr(value) if isinstance(value, float) else value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            return self.fail(path, f"invalid value: {_unexpected(value)}, expected {expected}")
        return number

    def date(self, value: object, path: str) -> Any:
        expected = "a date YYYY-MM-DD"
        if not isinstance(value, str):
            return self.wrong_type(path, value, expected)
        if _DATE.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        return self.fail(path, f"invalid value: {_unexpected(value)}, expected {expected}")


_SCALARS = {
    str: _Reader.text,
    bool: _Reader.boolean,
    int: _Reader.integer,
    float: _Reader.number,
    Decimal: _Reader.decimal,
    datetime.date: _Reader.date,
}


def _type_hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except NameError as e:
        raise TypeError(
            f"the annotations of {cls.__name__} cannot be resolved ({e}): "
            "define settings dataclasses at a module's top level"
        ) from None


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _one_of(names: list[str]) -> str:
    # serde's wording for the expected names: `a`, `a` or `b`, one of `a`, `b`, `c`.
    quoted = [f"`{name}`" for name in names]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return f"{quoted[0]} or {quoted[1]}"
    return "one of " + ", ".join(quoted)


def _unknown_field(key: str, names: list[str]) -> str:
    if not names:
        return f"unknown field `{key}`, there are no fields"
    return f"unknown field `{key}`, expected {_one_of(names)}"


def _unexpected(value: object) -> str:
    """What was found instead, as serde_json says it (`integer `5``, `string "x"`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean `{'true' if value else 'false'}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, (float, Decimal)):
        return f"floating point `{float(value)!r}`"
    if isinstance(value, str):
        return f"string {debug_quoted(value)}"
    if isinstance(value, Mapping):
        return "map"
    if isinstance(value, (list, tuple)):
        return "sequence"
    return type(value).__name__
