"""A `Policy` as a WebAssembly component: the exports of the contract's `catalogue-policy`
world (`sdk/wit/policy.wit`), for componentize-py.

The component's app module is three lines:

    from exportctl_sdk.component import exports_of
    from acme_rules import AcmeRules
    Evaluator, SubjectEvaluator, ShipmentReader, RuleCatalogue = exports_of(AcmeRules)

and is built with `componentize-py -d sdk/wit -w catalogue-policy componentize -p <project>
-p sdk-python -p <app dir> <app module> -o policy.wasm --stub-wasi`.

This is the only module that imports the generated bindings (`wit_world`,
`componentize_py_types`); nothing else imports it, so the rest of the SDK runs under
pytest without them. Module-level code, and so `exports_of`, runs once when the
component is built (pre-initialisation): a policy whose rules the host would refuse fails
the build with the reason. The exported methods run in the sandbox, where every WASI
call traps (no files, clock or randomness): they touch none.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import host, types

from .finding import Finding
from .log import Level, log, set_sink
from .policy import CONTRACT_VERSION, Metadata, Policy, rules_problem
from .settings import SettingsError, read
from .wire import WIRE_FORMAT, WireError, decode_shipment

_MAX_ERROR_BYTES = 4096
"""Longest error message handed to the host (a policy's exception text is unbounded)."""

_policy: Policy | None = None
"""The configured policy of this instance: the host configures a fresh instance once and
then asks it to evaluate; `None` until then."""


def exports_of(policy_class: type[Policy]) -> tuple[type, type, type, type]:
    """The component's four exports for `policy_class`: `(Evaluator, SubjectEvaluator,
    ShipmentReader, RuleCatalogue)`, subclasses of the generated protocols.

    Raises (and so fails the build) when the class is no policy the host would load: not
    a `Policy`, no `Metadata`, rules the host would refuse (`rules_problem`), or settings
    that are no dataclass or hold a type settings cannot read. Sends `log` and `print` to
    the host's log.
    """
    _check(policy_class)
    set_sink(_host_log)
    # `print` in a policy would otherwise write to a WASI stream, which traps.
    sys.stdout = sys.stderr = _HostLogStream()  # type: ignore[assignment]
    metadata = _metadata(policy_class.metadata)
    declared = [
        types.RuleDescription(id=r.id, legal_basis=r.legal_basis, description=r.description)
        for r in policy_class.rules
    ]

    class Evaluator(exports.Evaluator):
        def metadata(self) -> types.PolicyMetadata:
            return metadata

        def configure(self, settings: str) -> None:
            global _policy
            _policy = _guarded(lambda: _configured(policy_class, settings))

        def evaluate(self, shipment: bytes) -> list[types.Finding]:
            return [_finding(f) for f in _findings(policy_class, shipment)]

    class SubjectEvaluator(exports.SubjectEvaluator):
        def evaluate_with_subjects(self, shipment: bytes) -> list[types.KeyedFinding]:
            return [
                types.KeyedFinding(finding=_finding(f), subject=_subject(f))
                for f in _findings(policy_class, shipment)
            ]

    class ShipmentReader(exports.ShipmentReader):
        def wire_format(self) -> int:
            return WIRE_FORMAT

    class RuleCatalogue(exports.RuleCatalogue):
        def rules(self) -> list[types.RuleDescription]:
            return list(declared)

    return Evaluator, SubjectEvaluator, ShipmentReader, RuleCatalogue


def _check(policy_class: type[Policy]) -> None:
    name = getattr(policy_class, "__name__", repr(policy_class))
    if not (isinstance(policy_class, type) and issubclass(policy_class, Policy)):
        raise TypeError(f"{name} is not a subclass of exportctl_sdk.Policy")
    if not isinstance(getattr(policy_class, "metadata", None), Metadata):
        raise TypeError(f"{name}.metadata must be an exportctl_sdk.Metadata")
    problem = rules_problem(policy_class.rules)
    if problem is not None:
        raise ValueError(f"{name}: the host would refuse its rules: {problem}")
    if not dataclasses.is_dataclass(policy_class.Settings):
        raise TypeError(f"{name}.Settings must be a dataclass")
    # `read` checks every annotation of the settings first, so one it cannot hold fails
    # the build rather than the first configure. Settings that must be given are missing
    # here, which is fine.
    with contextlib.suppress(SettingsError):
        read(policy_class.Settings, "{}")


def _metadata(m: Metadata) -> types.PolicyMetadata:
    return types.PolicyMetadata(
        id=m.id,
        name=m.name,
        version=m.version,
        publisher=m.publisher,
        jurisdiction=m.jurisdiction,
        legal_basis=m.legal_basis,
        valid_from=m.valid_from.isoformat(),
        valid_to=m.valid_to.isoformat() if m.valid_to is not None else None,
        contract_version=CONTRACT_VERSION,
        sources=list(m.sources),
        limitations=list(m.limitations),
    )


def _configured(policy_class: type[Policy], settings: str) -> Policy:
    try:
        return policy_class(read(policy_class.Settings, settings))
    except SettingsError as e:
        # The host shows this message, naming the setting, when it refuses to load.
        raise Err(str(e)) from None


def _findings(policy_class: type[Policy], shipment: bytes) -> list[Finding]:
    """The policy's findings on the buffer, within the host's limits; any failure is an
    `Err`, which the host reports as the policy's failure (closed, never an allow)."""
    global _policy
    if _policy is None:
        # A fresh instance the host did not configure judges with the default settings.
        _policy = _guarded(lambda: _configured(policy_class, "{}"))
    policy = _policy
    try:
        decoded = decode_shipment(shipment)
    except WireError as e:
        raise Err(f"the shipment buffer is not wire format {WIRE_FORMAT}: {e}") from None
    try:
        return _guarded(lambda: _checked(policy.evaluate(decoded)))
    finally:
        sys.stdout.flush()


def _checked(findings: Iterable[Finding] | None) -> list[Finding]:
    # A forgotten `return` must not read as "no objection".
    if findings is None:
        raise TypeError("evaluate returned None, not its findings (return [] for none)")
    checked = []
    for finding in findings:
        if not isinstance(finding, Finding):
            raise TypeError(f"evaluate gave a {type(finding).__name__}, not a Finding")
        checked.append(finding.within_host_limits())
    return checked


def _guarded(call: Any) -> Any:
    """`call()`, with any exception of the policy turned into an `Err` the host reports,
    its traceback sent to the host's log."""
    try:
        return call()
    except Err:
        raise
    except BaseException as e:  # in the sandbox even SystemExit must fail closed, not trap
        message = f"policy raised {type(e).__name__}: {e}"
        log(Level.WARN, message + _where(e.__traceback__))
        raise Err(message.encode("utf-8")[:_MAX_ERROR_BYTES].decode("utf-8", "ignore")) from None


def _where(tb: TracebackType | None) -> str:
    """The traceback's frames, file, line and function, or nothing when they are all this
    module's: `traceback` would read the source files to show their lines, and the sandbox
    has no files."""
    frames = []
    while tb is not None:
        code = tb.tb_frame.f_code
        # This module's own frames say nothing about the policy.
        if code.co_filename != __file__:
            frames.append(f"  {code.co_filename}:{tb.tb_lineno} in {code.co_name}")
        tb = tb.tb_next
    return "\nTraceback (most recent call last):\n" + "\n".join(frames) if frames else ""


def _finding(f: Finding) -> types.Finding:
    return types.Finding(
        rule=f.rule,
        outcome=types.Outcome[f.outcome.name],
        lines=list(f.line_numbers),
        parties=list(f.party_paths),
        message=f.message,
        legal_basis=f.legal_basis,
    )


def _subject(f: Finding) -> types.FindingSubject | None:
    s = f.subject
    if s is None:
        return None
    return types.FindingSubject(
        party=s.party,
        sanctions_list=s.sanctions_list,
        edition=s.edition,
        entry=s.entry,
        entry_fingerprint=s.entry_fingerprint,
    )


def _host_log(level: Level, message: str) -> None:
    host.log(host.LogLevel[level.name], message)


class _HostLogStream:
    """`sys.stdout` and `sys.stderr` inside the component: each line printed becomes an
    `info` message in the host's log."""

    def __init__(self) -> None:
        self._pending = ""

    def write(self, text: str) -> int:
        *lines, self._pending = (self._pending + text).split("\n")
        for line in lines:
            log(Level.INFO, line)
        return len(text)

    def flush(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, ""
            log(Level.INFO, pending)

    def isatty(self) -> bool:
        return False
