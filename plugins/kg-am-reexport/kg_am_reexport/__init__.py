"""`kg-am-reexport`: re-export red flags for goods sold to Kyrgyzstan and Armenia.

Kyrgyzstan and Armenia are common transshipment points for Russia (FinCEN/BIS
FIN-2022-Alert003) and share the Eurasian Economic Union with Russia and Belarus. For a
shipment whose destination, consignee or named end user is there, five rules look for the
red flags of the FinCEN/BIS alerts and BIS "Know Your Customer" guidance:

| rule | module | what |
|---|---|---|
| `kg-am-chpl-transshipment-risk` | `chpl_transshipment` | CHPL items, with every red flag listed |
| `kg-am-founded-after-invasion` | `founded_after_invasion` | a KG/AM buyer founded after 24 Feb 2022 buying CHPL or controlled goods |
| `kg-am-forwarder-as-end-user` | `forwarder_as_end_user` | the KG/AM end user is a freight forwarder |
| `kg-am-route-toward-russia` | `route_toward_russia` | route through KZ/GE on to RU/BY, through RU/BY, or a party there |
| `kg-am-goods-outside-business` | `goods_outside_business` | goods that do not fit the buyer's declared sector |

Every finding is `review`: red flags are for a person to weigh. The `deny_at_red_flags`
setting raises them to `deny` once a shipment shows that many kinds of red flag.
"""

from exportctl_sdk import Finding, Shipment
from exportctl_sdk import chpl
from exportctl_sdk.policy import Metadata, Policy

from . import chpl_transshipment, forwarder_as_end_user, founded_after_invasion
from . import goods_outside_business, kg_am, red_flags, route_toward_russia, sources
from .chpl_lines import ChplLines
from .indicators import Escalation
from .settings import Settings

__all__ = ["KgAmReexport", "Settings"]


# ANCHOR: policy
class KgAmReexport(Policy):
    """Re-export red flags for shipments to Kyrgyzstan and Armenia."""

    metadata = Metadata(
        id="kg-am-reexport",
        name="Re-export red flags: Kyrgyzstan and Armenia",
        version="0.1.0",
        publisher="exportctl project",
        jurisdiction="US/EU",
        legal_basis=(
            "FinCEN/BIS FIN-2022-Alert003 (28 Jun 2022) and FIN-2023-Alert004 (19 May 2023); "
            "15 CFR 732 Supp. 3 (BIS Know Your Customer guidance and red flags); Reg. (EU) 833/2014 "
            "Art. 12g (from 20 Mar 2024) and Art. 12gb (from 26 Dec 2024); Common High Priority Items "
            "List (EU/US/UK/JP), version of 23 Feb 2024"
        ),
        # From the day the diversion risk began; each source has its own later date, and a
        # finding cites only what was published on its law date.
        valid_from=sources.INVASION,
        sources=(
            "FinCEN & BIS joint alert FIN-2022-Alert003 (28 Jun 2022): 18 common transshipment points "
            "for Russia/Belarus, Armenia and Kyrgyzstan among them; red flags (freight forwarder as "
            "final end customer, payment from a third country)",
            "FinCEN & BIS joint alert FIN-2023-Alert004 (19 May 2023): nine priority HS codes; due "
            "diligence on incorporation after 24 Feb 2022 and on the fit of the customer's line of "
            "business with the items",
            "15 CFR part 732 Supplement No. 3, BIS \"Know Your Customer\" guidance and red flags",
            chpl.SOURCE,
            "Reg. (EU) 833/2014 Art. 12g (inserted by Reg. (EU) 2023/2878, from 20 Mar 2024) and "
            "Art. 12gb (inserted by Reg. (EU) 2024/1745, from 26 Dec 2024)",
            "Treaty on the Eurasian Economic Union (29 May 2014): AM, BY, KG, KZ, RU share one customs "
            "territory",
            "\"Zwischen Ost und West - Selbstbestimmt und Neutral\" (2023): goods moved from Kyrgyzstan "
            "via Kazakhstan to Russia (14 combat drones intercepted Nov 2022, more than 3,000 "
            "bulletproof plates seized 2023)",
        ),
        limitations=(
            "red flags only as far as the document shows them: payment flows, ownership and "
            "beneficial owners, the buyer's real business, web presence, prices and the customer's "
            "answers are not in the shipment and are not checked",
            "the buyer's business is only the declared end_use.sector, compared with a judgement "
            "table of HS patterns per sector (setting sector_goods), not an official correlation; "
            "without a sector, or with a sector the table does not list, goods are not judged",
            "a company's age is read from registration_date; a missing date is not a flag",
            "lists as of their dates: CHPL version of 23 Feb 2024, the 18 transshipment points of "
            "FIN-2022-Alert003 (28 Jun 2022); later lists and national risk lists are not encoded",
            "only shipments whose destination, consignee or named end user is in Kyrgyzstan or "
            "Armenia; goods exported from those countries, and Russia/Belarus exports as such, are "
            "left to the other policies",
            "parties are not screened against restricted-party lists; forwarder identity compares "
            "names (transliterated from Latin, Cyrillic, Armenian and Greek script only), aliases "
            "and registry ids",
            "licences, exemptions and the Russia/Belarus prohibitions themselves are not evaluated: "
            "every finding is review unless deny_at_red_flags is set",
            "the Python runtime needs about 200,000 fuel per line: shipments of more than about 2,000 "
            "lines need a larger limits.fuel than the default 500 M (10,000 lines: 2.5 G), or the policy "
            "fails closed",
        ),
    )

    rules = (
        chpl_transshipment.RULE,
        founded_after_invasion.RULE,
        forwarder_as_end_user.RULE,
        route_toward_russia.RULE,
        goods_outside_business.RULE,
    )

    Settings = Settings

    def __init__(self, settings: Settings = Settings()) -> None:
        self.settings = settings

    def evaluate(self, shipment: Shipment) -> list[Finding]:
        """Runs the five rules on a shipment for Kyrgyzstan or Armenia; any other shipment
        gets no finding."""
        if not kg_am.concerns(shipment):
            return []
        lines = ChplLines.of(shipment)
        goods_fit = goods_outside_business.assess(shipment, self.settings.sector_goods)
        escalation = Escalation(
            self.settings.deny_at_red_flags, red_flags.find(shipment, lines, self.settings, goods_fit)
        )
        findings = (
            chpl_transshipment.check(shipment, lines, escalation),
            founded_after_invasion.check(shipment, escalation),
            forwarder_as_end_user.check(shipment, self.settings.forwarder_name_words, escalation),
            route_toward_russia.check(shipment, escalation),
            goods_outside_business.check(shipment, goods_fit, escalation),
        )
        return [f for f in findings if f is not None]
# ANCHOR_END: policy
