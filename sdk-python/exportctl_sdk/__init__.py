"""Write export-control policies as plain Python and run them in the exportctl host.

A policy is a subclass of `Policy`: it receives a validated, normalised `Shipment` and
returns `Finding`s, each made from a `Rule` that cites the law it implements.
`component.exports_of` turns the class into a WebAssembly component the host runs in a
sandbox (built with componentize-py); the same code runs in CPython, so rules are
unit-tested with pytest (`exportctl_sdk.testing` builds shipments for them).

This package mirrors the Rust SDK (`sdk/`): the same concepts, names and answers, in
Python idiom. It imports nothing outside the standard library; `component` alone needs
the bindings componentize-py generates, and is imported only by the component's app
module.
"""

from . import chpl, settings
from .control_code import AnnexViiCode, ControlCode, ListedCode, MilitaryCode, ProductGroup, Regime
from .country import CountrySet, country_sets, parse_country
from .finding import (
    MAX_DESCRIPTION_BYTES,
    MAX_LEGAL_BASIS_BYTES,
    MAX_MESSAGE_BYTES,
    Finding,
    FindingSubject,
    Outcome,
    Rule,
)
from .hs import HsCode
from .log import Level, log
from .period import Period
from .policy import (
    CONTRACT_VERSION,
    MAX_RULES,
    Metadata,
    NoSettings,
    Policy,
    configure,
    rules_problem,
)
from .region import RegionSet, region_sets
from .settings import Problems, SettingsError
from .shipment import (
    Contract,
    EndUse,
    Licence,
    Line,
    Money,
    OtherParty,
    Party,
    PartyRef,
    PartyRole,
    Shipment,
    TransportMode,
)
from .wire import WIRE_FORMAT, WireError, decode_shipment

__all__ = [
    "CONTRACT_VERSION",
    "MAX_DESCRIPTION_BYTES",
    "MAX_LEGAL_BASIS_BYTES",
    "MAX_MESSAGE_BYTES",
    "MAX_RULES",
    "WIRE_FORMAT",
    "AnnexViiCode",
    "Contract",
    "ControlCode",
    "CountrySet",
    "EndUse",
    "Finding",
    "FindingSubject",
    "HsCode",
    "Level",
    "Licence",
    "Line",
    "ListedCode",
    "Metadata",
    "MilitaryCode",
    "Money",
    "NoSettings",
    "OtherParty",
    "Outcome",
    "Party",
    "PartyRef",
    "PartyRole",
    "Period",
    "Policy",
    "Problems",
    "ProductGroup",
    "Regime",
    "RegionSet",
    "Rule",
    "SettingsError",
    "Shipment",
    "TransportMode",
    "WireError",
    "chpl",
    "configure",
    "country_sets",
    "decode_shipment",
    "log",
    "parse_country",
    "region_sets",
    "rules_problem",
    "settings",
]
