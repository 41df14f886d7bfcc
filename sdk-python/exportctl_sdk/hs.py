"""Harmonized System codes, and matching them by chapter, heading, subheading or longer
national code (as `sdk/src/hs.rs`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ._rust_text import is_ascii_digits, trim

_SEPARATORS = str.maketrans("", "", ". ")


@dataclass(frozen=True, slots=True, order=True)
class HsCode:
    """A Harmonized System code of 6 to 10 digits, digits only (`"8542.31"` and
    `"8542 31"` are both `HsCode("854231")`).

    The first 2 digits are the chapter, 4 the heading, 6 the subheading; digits 7–10 are
    national (CN, HTS, TN VED) subdivisions. Codes order as their digits do, as in Rust.
    """

    digits: str

    def __post_init__(self) -> None:
        # A code is always 6–10 ASCII digits, so `chapter` and friends never fall short.
        if not (6 <= len(self.digits) <= 10 and is_ascii_digits(self.digits)):
            raise ValueError(f"{self.digits!r} is not a 6–10 digit HS code")

    @classmethod
    def parse(cls, text: str) -> HsCode | None:
        """The code written in `text` (6–10 digits; dots and spaces between them are
        dropped, white space around them ignored), or `None` for anything else."""
        trimmed = trim(text)
        if not trimmed or not (is_ascii_digits(trimmed[0]) and is_ascii_digits(trimmed[-1])):
            return None
        digits = trimmed.translate(_SEPARATORS)
        if not (6 <= len(digits) <= 10 and is_ascii_digits(digits)):
            return None
        return cls(digits)

    @property
    def chapter(self) -> str:
        """The 2-digit chapter, e.g. `85`."""
        return self.digits[:2]

    @property
    def heading(self) -> str:
        """The 4-digit heading, e.g. `8542`."""
        return self.digits[:4]

    @property
    def subheading(self) -> str:
        """The 6-digit subheading, the most precise internationally harmonised level."""
        return self.digits[:6]

    def matches(self, pattern: str) -> bool:
        """Whether the code falls under `pattern`: a chapter (2 digits), heading (4),
        subheading (6) or national code (8 or 10). Dots and spaces in `pattern` are
        ignored, so `"8542.31"` works; a single digit is not an HS level and never
        matches."""
        wanted = pattern.translate(_SEPARATORS)
        return len(wanted) >= 2 and self.digits.startswith(wanted)

    def most_specific(self, patterns: Iterable[str]) -> str | None:
        """The longest of `patterns` the code falls under (as `settings.hs_patterns` reads
        them: digits only), or `None`: a rule listing `85` and `854231` cites the one that
        says most about the line."""
        best: str | None = None
        for pattern in patterns:
            if self.matches(pattern) and (best is None or len(pattern) > len(best)):
                best = pattern
        return best

    def __str__(self) -> str:
        """The code in the usual dotted form: `8542.31`, `8542.31.90`."""
        d = self.digits
        dotted = f"{d[:4]}.{d[4:6]}"
        return f"{dotted}.{d[6:]}" if len(d) > 6 else dotted
