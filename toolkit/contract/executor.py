"""Send one case the run built itself (an Azure probe, a chosen coverage case) and judge its answer.

The engine's phases send and judge their own cases; the run's own cases go through here, so that both paths end
in the same place: the request counted under its phase and operation by the wire gate, each check's verdict in the
ledger, each failure classified (contract, spec gap, gateway...) and kept in the report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import requests

from ..model import Spec
from .auth import Credential
from .budget import NotSent, fingerprint, not_sent
from .checks import Answer
from .classify import classify
from .gaps import GapContext, explain
from .hooks import RunHooks
from .ledger import Ledger
from .probes import Probe, wrong_key
from .redact import Redactor
from .report import ContractFailure

# The checks that judge an answer alone: what a probe's answer is also held to.
RESPONSE_CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
                   "response_schema_conformance", "response_headers_conformance", "stream_chunks", "stream_done",
                   "credential_not_echoed")


@dataclass
class Executor:
    spec: Spec
    state: RunHooks
    credential: Credential | None
    url: str
    ledger: Ledger
    redactor: Redactor
    timeout: float
    enabled: frozenset[str]  # the Schemathesis and project checks this run uses, by name
    failures: list[ContractFailure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def send_probe(self, probe: Probe) -> bool:
        """Send one probe; False when the budget (or the phase's share) refused it."""
        op = probe.operation
        headers = {**probe.headers}
        if probe.credential == "valid" and self.credential is not None:
            headers.update(self.credential.headers())
        elif probe.credential == "wrong" and self.credential is not None:
            headers.update({name: (f"Bearer {wrong_key()}" if value.startswith("Bearer ") else wrong_key())
                            for name, value in self.credential.headers().items()})
        kwargs: dict[str, Any] = {"path_parameters": probe.path_parameters, "query": probe.query, "headers": headers}
        if probe.method:
            kwargs["method"] = probe.method
        if probe.has_body:
            kwargs.update(body=probe.body, media_type="application/json")
        case = op.Case(**kwargs)
        self.state.gate.context = ("azure", probe.label)
        with self.state.unpinned():
            sent, response = self._call(case, headers={} if probe.credential != "valid" else None)
        if response is None:
            return sent
        if probe.check.judge is not None:
            problem = probe.check.judge(Answer.of(response.status_code, _text(response)))
            self.ledger.verdict(probe.label, probe.check.name, problem is None)
            if problem:
                self._fail(case, response, "azure", probe.check.name, probe.check.id, probe.check.title,
                           f"{probe.describe}: {problem}")
        if probe.response_checks:
            self._validate(case, response, "azure", [n for n in RESPONSE_CHECKS if n in self.enabled])
        return True

    def send_case(self, case: Any, phase: str) -> bool:
        """Send one generated case (pinned like the engine's) and judge it with every enabled check."""
        self.state.gate.context = (phase, case.operation.label)
        sent, response = self._call(case, headers=None)
        if response is None:
            return sent
        self._validate(case, response, phase, None)
        return True

    # -- sending
    def _call(self, case: Any, headers: dict[str, str] | None) -> tuple[bool, Any]:
        """(sent, response): not sent when the gate refused it; sent without a response on a transport error,
        which is an error of the run (a timeout names the operation that stalled)."""
        auth = headers if headers is not None else (self.credential.headers() if self.credential else {})
        try:
            return True, case.call(base_url=self.url, headers=auth, timeout=self.timeout)
        except NotSent:
            return False, None
        except requests.RequestException as exc:
            if not_sent(exc):
                return False, None
            self.errors.append(self.redactor.scrub(f"{case.operation.label}: {type(exc).__name__}: {exc}"))
            return True, None

    def _validate(self, case: Any, response: Any, phase: str, names: list[str] | None) -> None:
        from schemathesis.checks import CHECKS
        from schemathesis.core.failures import FailureGroup

        checks = [CHECKS.get_one(n) for n in names if n in CHECKS.get_all_names()] if names is not None else None
        self.state.results = []
        auth = self.credential.headers() if self.credential else {}
        try:
            case.validate_response(response, checks=checks, headers={**auth, **self.state.headers})
        except FailureGroup:
            pass  # each failure is among the results the after_validate hook collected
        except requests.RequestException as exc:  # a check's own request (ignored_auth's replay) was not answered
            if not not_sent(exc):
                self.errors.append(self.redactor.scrub(f"{case.operation.label}: {type(exc).__name__}: {exc}"))
            return
        except AssertionError as exc:  # a check that failed without a Failure object
            self._fail(case, response, phase, "custom", "", "Check failed", str(exc))
        for result in self.state.results:
            passed = result.failure is None
            self.ledger.verdict(case.operation.label, result.name, passed)
            if not passed:
                failure = result.failure
                self._fail(case, response, phase, result.name, getattr(failure, "code", ""),
                           failure.title or result.name, failure.message or "")

    def _fail(self, case: Any, response: Any, phase: str, check: str, code: str, title: str, message: str) -> None:
        text = _text(response)
        headers = {k: (", ".join(v) if isinstance(v, list) else str(v)) for k, v in response.headers.items()}
        failure_class = classify(response.status_code, headers, text, check=check, message=message,
                                 request_content_type=str(case.media_type or ""))
        gap = None
        op = self.spec.operation(case.operation.method, case.operation.path)
        if failure_class == "contract" and op is not None:
            response_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "").split(";")[0].strip().lower()
            gap = explain(GapContext(self.spec, op, check, response.status_code, response_type,
                                     case.body if isinstance(case.body, dict) else None, message))
        self.failures.append(ContractFailure(
            check=check, code=code, failure_class="spec_gap" if gap else failure_class, operation=case.operation.label,
            phase=phase, title=self.redactor.scrub(title), message=self.redactor.scrub(message),
            status=response.status_code, curl=self.redactor.scrub(_curl(case)),
            response_excerpt=self.redactor.scrub(text)[:400], gap_rule=gap[0] if gap else None,
            gap_reason=gap[1] if gap else None, exchange_id=exchange_of(response)))


def exchange_of(response: Any) -> str | None:
    """The cassette id of the request behind a (Schemathesis) response."""
    request = getattr(response, "request", None)
    return fingerprint(request.method, request.url, request.body, request.headers) if request is not None else None


def _text(response: Any) -> str:
    content = getattr(response, "content", None) or b""
    return content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content)


def _curl(case: Any) -> str:
    try:
        return str(case.as_curl_command())
    except Exception:  # a case Schemathesis cannot render (a binary body): no reproduction line
        return ""


def request_body(case: Any) -> Any:
    """The JSON body a case sends, parsed (for spec-gap rules on engine failures)."""
    body = getattr(case, "body", None)
    if isinstance(body, (bytes, str)):
        try:
            return json.loads(body)
        except ValueError:
            return None
    return body
