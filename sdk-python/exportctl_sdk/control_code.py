"""Export control list entries: EU dual-use codes and US ECCNs, EAR99, the EU Common
Military List, and the entries of Annex VII of Reg. (EU) 833/2014 (as
`sdk/src/control_code.rs`, answer for answer)."""

from __future__ import annotations

import string
from dataclasses import dataclass
from enum import Enum

from ._rust_text import ascii_upper, is_ascii_digits, trim


class ProductGroup(Enum):
    """Product group of a dual-use entry: the letter after the category digit."""

    A = "A"
    """Systems, equipment and components."""
    B = "B"
    """Test, inspection and production equipment."""
    C = "C"
    """Materials."""
    D = "D"
    """Software."""
    E = "E"
    """Technology."""


class Regime(Enum):
    """The multilateral regime an entry implements, from the first of its three digits."""

    WASSENAAR = "wassenaar"
    """0xx: Wassenaar Arrangement."""
    MTCR = "mtcr"
    """1xx: Missile Technology Control Regime."""
    NSG = "nsg"
    """2xx, and all of category 0: Nuclear Suppliers Group."""
    AUSTRALIA_GROUP = "australia_group"
    """3xx: Australia Group."""
    CWC = "cwc"
    """4xx: Chemical Weapons Convention."""
    US_ONLY = "us_only"
    """5xx, 6xx, 9xx and others: US-only entries (0x5zz, 600 series, 9x515, anti-terrorism)."""


_REGIME_BY_DIGIT = {
    0: Regime.WASSENAAR,
    1: Regime.MTCR,
    2: Regime.NSG,
    3: Regime.AUSTRALIA_GROUP,
    4: Regime.CWC,
}


@dataclass(frozen=True, slots=True)
class ListedCode:
    """A dual-use entry such as `3A001.a.2` or a US ECCN such as `5A992.c`."""

    category: int
    """Category 0–9 (0 nuclear … 9 aerospace)."""
    group: ProductGroup
    """Product group A–E."""
    number: int
    """The three digits, 0–999."""
    paragraph: str
    """Any sub-paragraph after the five characters, e.g. `.A.2`; upper-cased."""

    @property
    def regime(self) -> Regime:
        """The regime the entry implements (category 0, nuclear materials and equipment,
        implements the NSG trigger list throughout)."""
        if self.number // 100 == 0 and self.category == 0:
            return Regime.NSG
        return _REGIME_BY_DIGIT.get(self.number // 100, Regime.US_ONLY)

    @property
    def is_us_600_series(self) -> bool:
        """A US "600 series" ECCN (e.g. `9A610`): military items controlled under the EAR."""
        return self.number // 100 == 6

    @property
    def is_us_x5zz(self) -> bool:
        """A US 0x5zz (firearms, e.g. `0A501`) or 9x515 (spacecraft, e.g. `9A515`) ECCN."""
        return (self.category == 0 and self.number // 100 == 5) or (
            self.category == 9 and self.number == 515
        )

    @property
    def entry(self) -> str:
        """The five-character entry without paragraph, e.g. `3A001`."""
        return f"{self.category}{self.group.value}{self.number:03}"


@dataclass(frozen=True, slots=True)
class MilitaryCode:
    """An EU Common Military List entry, e.g. `ML13.d`."""

    item: int
    """The item number, 1–22."""
    paragraph: str
    """Any sub-paragraph, e.g. `.D`; upper-cased."""


# The category numerals Annex VII uses, I to XX, in canonical form.
_NUMERALS = (
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
    "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class AnnexViiCode:
    """An entry of Annex VII of Reg. (EU) 833/2014, e.g. `X.A.I.001` or `X.B.VIII.002.a`:
    `X.` + product group + a category in Roman numerals (I–XX) + three digits, optionally
    followed by a sub-paragraph.

    A `ControlCode` keeps such a code as "other" text rather than a kind of its own, as
    the Rust SDK does; a policy that knows Annex VII asks `ControlCode.annex_vii()`.
    """

    group: ProductGroup
    """Product group A–E."""
    category: int
    """The category, from its Roman numeral (1–20)."""
    number: int
    """The three digits, 0–999."""
    paragraph: str
    """Any sub-paragraph after the entry, e.g. `.A`; upper-cased."""

    @classmethod
    def parse(cls, text: str) -> AnnexViiCode | None:
        """The entry written `X.<A–E>.<Roman I–XX>.<3 digits>[.<paragraph>]` in either
        case, white space around it ignored; `None` for anything else."""
        trimmed = trim(text)
        # Most codes are not Annex VII entries: turn them away before copying.
        if trimmed[:2] not in ("X.", "x."):
            return None
        parts = ascii_upper(trimmed).split(".", 4)
        if len(parts) < 4 or parts[1] not in _GROUPS or parts[2] not in _NUMERALS:
            return None
        digits = parts[3]
        if len(digits) != 3 or not is_ascii_digits(digits):
            return None
        paragraph = ""
        if len(parts) == 5:
            rest = parts[4]
            if not _is_annex_paragraph(rest):
                return None
            paragraph = "." + rest
        return cls(_GROUPS[parts[1]], _NUMERALS.index(parts[2]) + 1, int(digits), paragraph)

    def __str__(self) -> str:
        """The form the Annex prints, e.g. `X.A.I.001.a`: the entry upper-case, its
        sub-paragraphs lower-case."""
        numeral = _NUMERALS[self.category - 1] if 1 <= self.category <= 20 else "?"
        return f"X.{self.group.value}.{numeral}.{self.number:03}{self.paragraph.lower()}"


_GROUPS = {group.value: group for group in ProductGroup}


# What a sub-paragraph may hold: ASCII letters, digits and dots.
_PARAGRAPH_CHARS = frozenset(string.ascii_letters + string.digits + ".")


def _is_paragraph(rest: str) -> bool:
    # A sub-paragraph of a listed or military entry: nothing, or a dot and more.
    return rest == "" or (rest.startswith(".") and set(rest) <= _PARAGRAPH_CHARS)


def _is_annex_paragraph(rest: str) -> bool:
    # What follows an Annex VII entry's digits: dot-separated parts, none empty.
    return (
        rest != ""
        and not rest.startswith(".")
        and not rest.endswith(".")
        and ".." not in rest
        and set(rest) <= _PARAGRAPH_CHARS
    )


class ControlCode:
    """One control-list classification given on a shipment line, classified as the Rust
    SDK classifies it: a listed dual-use entry or US ECCN (`listed`), EAR99, a Common
    Military List entry ML1–ML22 (`military`), or any other text (a national list code, an
    Annex VII entry such as `X.A.I.001`, a typo), kept upper-cased.

    `ControlCode("3a001.a.2")` classifies the text; `str(code)` is the code as kept, the
    form the wire format carries (`3A001.A.2`, `ML10`, `EAR99`, `X.A.I.001`), and
    `code.printed` the form the lists print (`3A001.a.2`).
    """

    __slots__ = ("kept", "listed", "military")

    kept: str
    """The code as kept: upper-case, and the form `ControlCode(kept)` reads back to this
    same code (`ml01` is kept as `ML1`)."""
    listed: ListedCode | None
    """The dual-use entry or ECCN, when the code is one."""
    military: MilitaryCode | None
    """The Common Military List entry, when the code is one."""

    def __init__(self, text: str) -> None:
        upper = ascii_upper(trim(text))
        listed = military = None
        kept = upper
        if upper.startswith("ML"):
            rest = upper[2:]
            digits = len(rest) - len(rest.lstrip("0123456789"))
            if 1 <= digits <= 2 and 1 <= int(rest[:digits]) <= 22 and _is_paragraph(rest[digits:]):
                military = MilitaryCode(int(rest[:digits]), rest[digits:])
                kept = f"ML{military.item}{military.paragraph}"
        elif (
            upper != "EAR99"
            and len(upper) >= 5
            and is_ascii_digits(upper[0])
            and upper[1] in _GROUPS
            and is_ascii_digits(upper[2:5])
            and _is_paragraph(upper[5:])
        ):
            listed = ListedCode(int(upper[0]), _GROUPS[upper[1]], int(upper[2:5]), upper[5:])
        object.__setattr__(self, "kept", kept)
        object.__setattr__(self, "listed", listed)
        object.__setattr__(self, "military", military)

    @classmethod
    def parse(cls, text: str) -> ControlCode:
        """Classifies a code as written on a shipment; never fails (text of no known
        shape is kept as other text)."""
        return cls(text)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"ControlCode is immutable: cannot set {name}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ControlCode) and other.kept == self.kept

    def __hash__(self) -> int:
        return hash(self.kept)

    def __repr__(self) -> str:
        return f"ControlCode({self.kept!r})"

    def __str__(self) -> str:
        """The code as kept (upper-case), as the wire format and the canonical form carry it."""
        return self.kept

    @property
    def is_ear99(self) -> bool:
        """US EAR99: subject to the EAR but not on the Commerce Control List."""
        return self.kept == "EAR99"

    @property
    def is_other(self) -> bool:
        """Neither a listed entry, nor EAR99, nor a military list entry."""
        return self.listed is None and self.military is None and not self.is_ear99

    @property
    def is_eu_dual_use(self) -> bool:
        """An entry of EU Annex I (Reg. (EU) 2021/821): a listed code whose regime digit is
        0–4. US-only ECCNs (e.g. `3A991`, `0A501`, `9A515`) are not."""
        return self.listed is not None and self.listed.regime is not Regime.US_ONLY

    @property
    def is_dual_use(self) -> bool:
        """A dual-use entry of any list: an EU Annex I code or a US ECCN outside the
        military 600 series and 0x5zz/9x515 (military items moved to the CCL)."""
        listed = self.listed
        return listed is not None and not listed.is_us_600_series and not listed.is_us_x5zz

    @property
    def is_military(self) -> bool:
        """A military item: a Common Military List entry, or a US 600-series / 0x5zz /
        9x515 ECCN (items moved from the USML to the CCL)."""
        if self.military is not None:
            return True
        listed = self.listed
        return listed is not None and (listed.is_us_600_series or listed.is_us_x5zz)

    def annex_vii(self) -> AnnexViiCode | None:
        """The Annex VII entry this code is, if it is one (only other text can be)."""
        return AnnexViiCode.parse(self.kept) if self.is_other else None

    @property
    def printed(self) -> str:
        """The code as the control lists print it: entry upper-case, sub-paragraphs
        lower-case (`5A002.a`, `ML13.d`, `X.A.I.001.a`); other text as kept (Rust's
        `Display`)."""
        if self.listed is not None:
            return self.listed.entry + self.listed.paragraph.lower()
        if self.military is not None:
            return f"ML{self.military.item}{self.military.paragraph.lower()}"
        annex = self.annex_vii()
        return str(annex) if annex is not None else self.kept
