"""Rule `kg-am-forwarder-as-end-user`: the end user in Kyrgyzstan or Armenia is a freight
forwarder.

BIS "Know Your Customer" guidance (15 CFR 732 Supp. 3) names "a freight forwarding firm is
listed as the product's final destination" as a red flag, and FIN-2022-Alert003 (28 Jun
2022) names freight-forwarding firms listed as the product's final end customer,
especially for goods to the transshipment points. A forwarder moves goods; it does not use
them, so as end user it hides who does.

The end user is the named end user, or the consignee when none is named. It is a forwarder
when it is the same company as a party in the `freight_forwarder` role (equal name or
alias after `exportctl_sdk.entity_name` reduction, or the same registry id of the same kind), or when a
word of its name or aliases starts with a forwarder word (setting `forwarder_name_words`).
This is the reading of `chpl-diversion`, so both policies name the same parties.
"""

from __future__ import annotations

from exportctl_sdk import Finding, Party, PartyRole, Rule, Shipment

from exportctl_sdk import entity_name

from . import kg_am, sources
from .indicators import Escalation, Kind, RedFlag
from .parties import label

RULE = Rule(
    "kg-am-forwarder-as-end-user",
    f"{sources.KYC} (a freight forwarding firm listed as the product's final destination); "
    f"{sources.ALERT003}: freight forwarders as final end customer for goods to transshipment points",
    "the end user in Kyrgyzstan or Armenia is a freight forwarder",
)

# Name words of freight forwarders in English, German and transliterated Russian: the
# defaults of `chpl-diversion`. Deliberately narrow: "transport", "trade" or "express" are
# left out, because carriers and trading companies are legitimate end users far more often
# than they are fronts.
DEFAULT_FORWARDER_WORDS = (
    "logisti",
    "forwarding",
    "forwarder",
    "freight",
    "cargo",
    "shipping",
    "spedition",
    "ekspedit",
)


def _split_words(name: str) -> list[str]:
    words, current = [], []
    for c in name:
        if c.isalnum():
            current.append(c)
        elif current:
            words.append("".join(current).lower())
            current = []
    if current:
        words.append("".join(current).lower())
    return words


def name_words(name: str) -> list[str]:
    """The lower-case words of a name as written (Cyrillic stays Cyrillic), then
    transliterated to ASCII, so `Экспедиция` is found as `ekspeditsiya` and a Cyrillic
    setting word still finds it as written."""
    return _split_words(name) + entity_name.words(name)


def _name_keys(party: Party) -> list[str]:
    keys = (entity_name.comparison_key(n) for n in (party.name, *party.aliases))
    return [k for k in keys if k is not None]


def _id_digits(value: str) -> str:
    return "".join(c for c in value if c.isascii() and c.isalnum()).lower()


def same_entity(a: Party, b: Party) -> bool:
    """Whether two parties are the same company: a name or alias equal after reduction,
    or a registry id of the same kind (`bin`, `inn`, …) with the same value."""
    keys_b = _name_keys(b)
    if any(k in keys_b for k in _name_keys(a)):
        return True
    return any(
        key.lower() == k.lower() and _id_digits(value) != "" and _id_digits(v) == _id_digits(value)
        for key, value in a.ids
        for k, v in b.ids
    )


def forwarder_word(party: Party, words: tuple[str, ...]) -> str | None:
    """The first word of the party's name or aliases that starts with a forwarder word."""
    for name in (party.name, *party.aliases):
        for word in name_words(name):
            if any(word.startswith(w) for w in words):
                return word
    return None


def flag(shipment: Shipment, words: tuple[str, ...]) -> RedFlag | None:
    """The red flag, wherever the end user is: the CHPL finding lists it (and names its
    parties) as `chpl-diversion` does."""
    end_user = shipment.end_user_or_consignee()
    who = label(shipment, end_user.path, end_user.party.name)
    if end_user.path != "end_user":
        who += " (the end user, as none is named)"
    for i, other in enumerate(shipment.other_parties):
        if other.role == PartyRole.FREIGHT_FORWARDER and same_entity(end_user.party, other.party):
            return RedFlag(
                Kind.FORWARDER_AS_END_USER,
                f"{who} is the freight forwarder `{other.party.name}` (other_parties[{i}])",
                (end_user.path, f"other_parties[{i}]"),
            )
    word = forwarder_word(end_user.party, words)
    if word is None:
        return None
    return RedFlag(
        Kind.FORWARDER_AS_END_USER,
        f"{who} has a freight forwarder's name (`{word}`)",
        (end_user.path,),
    )


def check(shipment: Shipment, words: tuple[str, ...], escalation: Escalation) -> Finding | None:
    """`review` (or `deny` by setting) naming the end user (and the forwarder it is) when
    the end user is in KG or AM and is a forwarder; `None` otherwise."""
    end_user = shipment.end_user_or_consignee()
    if not kg_am.holds(end_user.party):
        return None
    found = flag(shipment, words)
    if found is None:
        return None
    message = (
        f"The end user in {kg_am.NAMES[end_user.party.country]} is a freight forwarder: {found.message}. "
        "A forwarder does not use the goods; find out who does before release."
    )
    return escalation.finding(RULE, message).parties(found.parties)
