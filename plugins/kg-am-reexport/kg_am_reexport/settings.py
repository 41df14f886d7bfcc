"""The policy's settings, from the `settings` table of its policy-set entry.

```toml
[policy.settings]
# Deny (instead of review) once a shipment shows this many kinds of red flag (1 to 6).
# Default: never; every finding stays review and a person decides.
deny_at_red_flags = 3
# Lower-case word prefixes that mark the end user's name as a freight forwarder's.
forwarder_name_words = ["logisti", "forwarding", "freight"]
# The goods that fit each line of business (replaces the whole default table).
sector_goods = [
  { sector = "agriculture", hs = ["01", "06", "31", "8432", "8701"] },
  { sector = "electronics", hs = ["85", "8542"] },
]
```
"""

from __future__ import annotations

from dataclasses import dataclass

from exportctl_sdk.settings import Problems, hs_patterns

from .forwarder_as_end_user import DEFAULT_FORWARDER_WORDS
from .indicators import KINDS
from .sector_goods import DEFAULT_SECTOR_GOODS, SectorGoods, sector_key


@dataclass(frozen=True, slots=True)
class Settings:
    """Settings of `kg-am-reexport`; every field is optional, unknown fields are refused."""

    # Raise every finding from `review` to `deny` when the shipment shows at least this many
    # different kinds of red flag (1 to 6). Absent: review however many, because red flags
    # are indicators for a person to weigh, not prohibitions.
    deny_at_red_flags: int | None = None
    # Words (lower-case prefixes of a word of the name) that mark the end user as a freight
    # forwarder; `logisti` matches "Logistics", "Logistik", "Logistika". An empty list turns
    # name matching off (identity with a listed forwarder still counts).
    forwarder_name_words: tuple[str, ...] = DEFAULT_FORWARDER_WORDS
    # For each line of business, the HS patterns of the goods that fit it.
    sector_goods: tuple[SectorGoods, ...] = DEFAULT_SECTOR_GOODS

    def validate(self, problems: Problems) -> None:
        """Reports every problem at once."""
        if self.deny_at_red_flags is not None:
            n = self.deny_at_red_flags
            if n < 1:
                problems.at(
                    "deny_at_red_flags",
                    f"must be at least 1, not {n}: it would deny every shipment to Kyrgyzstan or Armenia",
                )
            elif n > len(KINDS):
                problems.at(
                    "deny_at_red_flags",
                    f"is {n}, but there are only {len(KINDS)} kinds of red flag, so it could never apply",
                )
        for i, word in enumerate(self.forwarder_name_words):
            if not word or not all(c.islower() or c in "0123456789" for c in word):
                problems.at(
                    f"forwarder_name_words[{i}]",
                    f"`{word}` must be a non-empty lower-case word without spaces or punctuation",
                )
        if self.sector_goods is DEFAULT_SECTOR_GOODS:
            # The policy's own table is checked by its tests, not again at every load.
            return
        seen: set[str] = set()
        for i, entry in enumerate(self.sector_goods):
            key = sector_key(entry.sector)
            if not key:
                problems.at(f"sector_goods[{i}].sector", "must name a sector")
            elif key in seen:
                problems.at(f"sector_goods[{i}].sector", f"`{entry.sector}` is listed twice")
            seen.add(key)
            if not entry.hs:
                problems.at(f"sector_goods[{i}].hs", "must list at least one HS pattern")
            hs_patterns(f"sector_goods[{i}].hs", entry.hs, problems)
