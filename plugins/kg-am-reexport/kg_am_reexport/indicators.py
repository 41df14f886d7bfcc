"""A red flag, its kinds, and how many of them turn a finding from review into deny.

A red flag is an indicator of diversion for a person to weigh, not a prohibition: a young
company, a forwarder or a missing clause is often lawful on its own. So every finding of
this policy is `review`, unless the company sets `deny_at_red_flags` and the shipment
shows at least that many different kinds of red flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from exportctl_sdk import Finding, Rule


class Kind(Enum):
    """The kinds of red flag the document can show, in the order findings list them."""

    FOUNDED_AFTER_INVASION = "company founded after 24 Feb 2022"
    FORWARDER_AS_END_USER = "freight forwarder as end user"
    ROUTE_TOWARD_RUSSIA = "route or party toward Russia/Belarus"
    NO_RUSSIA_CLAUSE = "no no-Russia clause"
    THIRD_COUNTRY_PAYER = "payer in a third country"
    GOODS_OUTSIDE_BUSINESS = "goods outside the buyer's business"


KINDS = tuple(Kind)


@dataclass(frozen=True, slots=True)
class RedFlag:
    """One red flag found in a shipment."""

    kind: Kind
    # What was found, for a person (lower-case start, no final period).
    message: str
    # The parties the CHPL finding names for this flag (the same parties
    # `chpl-diversion` names; the route and business-fit flags name theirs in their own
    # findings).
    parties: tuple[str, ...] = ()
    # A legal basis the flag adds to the CHPL finding, if any.
    legal_basis: str | None = None


@dataclass(frozen=True, slots=True)
class Escalation:
    """The red flags of the shipment and the `deny_at_red_flags` setting: decides
    whether a finding is `review` or `deny`."""

    deny_at: int | None
    flags: tuple[RedFlag, ...]

    def denies(self) -> bool:
        return self.deny_at is not None and len(self.flags) >= self.deny_at

    def finding(self, rule: Rule, message: str) -> Finding:
        """`review`, or `deny` with the reason when the shipment reaches the threshold."""
        if not self.denies():
            return rule.review(message)
        kinds = ", ".join(f.kind.value for f in self.flags)
        return rule.deny(
            f"{message} Denied because the settings deny at {self.deny_at} or more red flags "
            f"and the shipment shows {len(self.flags)} ({kinds})."
        )
