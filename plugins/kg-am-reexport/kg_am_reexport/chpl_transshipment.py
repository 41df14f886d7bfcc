"""Rule `kg-am-chpl-transshipment-risk`: Common High Priority items to Kyrgyzstan or
Armenia, with every red flag the document shows.

FIN-2022-Alert003 (28 Jun 2022) names Kyrgyzstan and Armenia among the common
transshipment points for Russia; the CHPL (version of 23 Feb 2024) lists the items Russia
most needs for its weapons. CHPL lines for a destination, consignee or end user there are
reviewed, listing the red flags. For an EU exporter, Art. 12g (no-Russia clause, from 20
Mar 2024) and Art. 12gb (re-export risk assessment, from 26 Dec 2024) of Reg. (EU)
833/2014 apply to such sales.

The finding names the same lines and parties as the `chpl-transshipment-risk` finding of
`chpl-diversion` for the same shipment: every CHPL line; the consignee and the named end
user where each is in one of the 18 transshipment points (not only KG/AM: a Kazakh
consignee of goods for a Kyrgyz end user is named too); then the parties of the alerts' red
flags (a young consignee or end user, the forwarder the end user is, a third-country
payer). The route and business-fit flags are listed, their parties named by their own
findings.
"""

from __future__ import annotations

from exportctl_sdk import Finding, Rule, Shipment, country_sets

from . import kg_am, sources
from .chpl_lines import ChplLines
from .indicators import Escalation, RedFlag
from .red_flags import eu_rules_bind

RULE = Rule(
    "kg-am-chpl-transshipment-risk",
    f"{sources.ALERT003} transshipment points (Armenia, Kyrgyzstan); {sources.ALERT004}; {sources.KYC}; "
    f"{sources.ART_12G}, 12gb; CHPL (23 Feb 2024)",
    "Common High Priority items to a destination, consignee or end user in Kyrgyzstan or Armenia",
)


def receiving_parties_in_transshipment_points(shipment: Shipment) -> list[str]:
    """The consignee and the named end user, where in one of the 18 transshipment points."""
    risky = country_sets.TRANSSHIPMENT_RISK
    paths = []
    if shipment.consignee.country in risky:
        paths.append("consignee")
    if shipment.end_user is not None and shipment.end_user.country in risky:
        paths.append("end_user")
    return paths


def describe_flags(flags: tuple[RedFlag, ...]) -> str:
    """`Red flags (2): a; b.`, or the absence of flags as a sentence."""
    if not flags:
        return "No red flags found in the document; confirm end use and end user before release."
    return f"Red flags ({len(flags)}): {'; '.join(f.message for f in flags)}."


def legal_basis(shipment: Shipment, lines: ChplLines, flags: tuple[RedFlag, ...]) -> str:
    """The alerts in force on the law date (Alert003 always: it names the points, even as
    later evidence), the EU articles the flags and the date bring in where EU rules bind
    the exporter, and the CHPL tiers."""
    basis = [f"{sources.ALERT003} transshipment points"]
    if shipment.as_of >= sources.FIN_2023_ALERT004:
        basis.append(sources.ALERT004)
    basis.append(sources.KYC)
    basis.extend(f.legal_basis for f in flags if f.legal_basis)
    if (
        shipment.as_of >= sources.ART_12GB_FROM
        and eu_rules_bind(shipment, lines)
        and shipment.destination_country not in country_sets.ANNEX_VIII_PARTNERS
    ):
        basis.append(sources.ART_12GB)
    return "; ".join(basis + [lines.citation()])


def check(shipment: Shipment, lines: ChplLines, escalation: Escalation) -> Finding | None:
    """`review` (or `deny` by setting) for CHPL lines to KG/AM; `None` without CHPL lines
    or when neither the destination nor the consignee or end user is in KG/AM."""
    reasons = kg_am.reasons(shipment)
    if not lines or not reasons:
        return None
    # A receiving party in another transshipment point is named too, and said why.
    for path in receiving_parties_in_transshipment_points(shipment):
        party = shipment.consignee if path == "consignee" else shipment.end_user
        if party.country not in kg_am.KG_AM:
            reasons.append(
                f"{shipment.role_name(path)} `{party.name}` in {party.country}, also a transshipment point"
            )
    flags = escalation.flags
    message = (
        f"CHPL items to a transshipment point for Russia in {kg_am.countries(shipment)} "
        f"({'; '.join(reasons)}): {lines.describe()}. {describe_flags(flags)}"
    )
    if shipment.as_of < sources.FIN_2022_ALERT003:
        message += (
            " Kyrgyzstan and Armenia were named transshipment points by FinCEN/BIS FIN-2022-Alert003 "
            "on 28 Jun 2022, after the law date: evidence of risk, not guidance in force then."
        )
    parties = receiving_parties_in_transshipment_points(shipment)
    for path in (p for f in flags for p in f.parties):
        if path not in parties:
            parties.append(path)
    return (
        escalation.finding(RULE, message)
        .lines(lines.numbers())
        .parties(parties)
        .with_legal_basis(legal_basis(shipment, lines, flags))
    )
