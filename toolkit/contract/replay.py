"""`aoai-spec contract --replay CASSETTE`: send the requests that failed again and judge the new answers.

The cassette (JSON or HAR) records each failed request with the checks that failed on it. Replaying sends that
request as recorded (no pinning: a probe without api-version stays without it) to the recorded URL or to `--url`,
with a fresh credential in place of the redacted one (none for a `key_missing` failure, a wrong one for
`key_wrong`), and judges the answer with the same checks: the project's checks through their judges, Schemathesis'
response checks through Schemathesis on a case rebuilt from the request, and the two that need to know whether the
request was valid (negative_data_rejection, positive_data_acceptance) by the status their failure was about.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..errors import ContractConfigError
from ..model import Spec
from ..workspace import Workspace
from .auth import AuthSpec, build_credential
from .cassette import read_cassette
from .checks import BY_NAME, Answer, check
from .redact import MASK, Redactor
from .targets import base_url

# Checks judged by the status alone when replayed (the request's validity was decided when it was generated).
BY_STATUS = {"negative_data_rejection": "boundary_value_rejected", "positive_data_acceptance": "boundary_value_accepted",
             "unsupported_method": "method_not_allowed"}
_HOP_BY_HOP = {"content-length", "host", "connection", "accept-encoding", "transfer-encoding"}


@dataclass
class Replayed:
    method: str
    url: str
    operation: str | None
    checks: list[str]
    recorded_status: int | None
    status: int | None = None
    still_failing: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ReplayReport:
    cassette: str
    url: str
    replayed: list[Replayed] = field(default_factory=list)
    redactor: Redactor = field(default_factory=Redactor, repr=False)

    @property
    def ok(self) -> bool:
        return not any(r.still_failing or r.error for r in self.replayed)

    def to_dict(self) -> dict[str, Any]:
        still = sum(1 for r in self.replayed if r.still_failing or r.error)
        return {"cassette": self.cassette, "url": self.url, "ok": self.ok, "replayed": len(self.replayed),
                "still_failing": still, "fixed": len(self.replayed) - still,
                "requests": [r.to_dict() for r in self.replayed]}


def _rebased(recorded: str, old_base: str | None, new_base: str) -> str:
    parts = urlsplit(recorded)
    path = parts.path
    if old_base:
        old_path = urlsplit(old_base).path.rstrip("/")
        if path.startswith(old_path):
            path = path[len(old_path):]
    return new_base.rstrip("/") + path + (f"?{parts.query}" if parts.query else "")


def _operation(schema: Any, label: str | None, method: str, path: str) -> tuple[Any, dict[str, str]]:
    """The Schemathesis operation a request was for, and its path parameters."""
    for result in schema.get_all_operations():
        op = result.ok()
        if op.method.upper() != method.upper() or (label and op.label != label):
            continue
        names = re.findall(r"\{([^}/]+)\}", op.path)
        pattern = re.escape(op.path)
        for name in names:
            pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<p{names.index(name)}>[^/]+)")
        match = re.search(pattern + "$", path)
        if match:
            return op, {name: match.group(f"p{i}") for i, name in enumerate(names)}
    return None, {}


def replay(cassette: Path, *, ws: Workspace | None = None, spec_arg: str | Spec | None = None, url: str | None = None,
           auth: AuthSpec = AuthSpec(), headers: dict[str, str] | None = None,
           request_timeout: float = 30.0) -> ReplayReport:
    import schemathesis

    from . import hooks as run_hooks
    from . import streams
    from .budget import WireGate, installed
    from .executor import Executor
    from .ledger import Ledger
    from .prepare import for_schemathesis
    from .runner import _surface, spec_validator
    from .targets import origin

    ws = ws or Workspace()
    meta, rows = read_cassette(cassette)
    spec_source = spec_arg or meta.get("spec")
    if spec_source is None:
        raise ContractConfigError(f"{cassette}: the cassette names no spec; pass --spec")
    spec = spec_source if isinstance(spec_source, Spec) else ws.open(spec_source)
    surface, _ = _surface(spec, ws)
    recorded_base = meta.get("url")
    target = base_url(url or recorded_base or "", surface) if (url or recorded_base) else None
    if target is None:
        raise ContractConfigError(f"{cassette}: the cassette names no URL; pass --url")
    redactor = Redactor()
    redactor.add(*(headers or {}).values())
    credential = build_credential(auth, redactor)
    report = ReplayReport(str(cassette), target, redactor=redactor)
    schema = schemathesis.openapi.from_dict(for_schemathesis(spec.document), config=schemathesis.Config.from_dict(
        {"base-url": target, "output": {"sanitization": {"enabled": False}}}))
    gate = WireGate(origin(target), None, record=False, scrub=redactor.scrub)
    state = run_hooks.RunHooks(surface, ws.catalog, gate, redactor, headers=dict(headers or {}),
                               streams=run_hooks.StreamChecks(streams.stream_rules(spec),
                                                              spec_validator(spec, writing=False)))
    executor = Executor(spec, state, credential, target, Ledger(), redactor, request_timeout, frozenset())
    run_hooks.activate(state)
    try:
        with installed(gate):
            for row in rows:
                failures = [f for f in row.get("failures") or [] if f.get("failure_class") != "spec_gap"]
                if failures:
                    report.replayed.append(_replay_one(row, failures, schema, target, recorded_base, executor,
                                                       credential, request_timeout))
    finally:
        run_hooks.activate(None)
    return report


def _replay_one(row: dict[str, Any], failures: list[dict[str, Any]], schema: Any, target: str,
                recorded_base: str | None, executor: Any, credential: Any, timeout: float) -> Replayed:
    from schemathesis.checks import CHECKS, load_all_checks
    from schemathesis.core.failures import FailureGroup

    from .probes import wrong_key

    load_all_checks()
    names = list(dict.fromkeys(f["check"] for f in failures))
    url = _rebased(row["url"], recorded_base, target)
    method = str(row.get("method") or "GET")
    result = Replayed(method, executor.redactor.scrub(url), row.get("operation"), names, row.get("status"))
    parts = urlsplit(url)
    op, path_parameters = _operation(schema, row.get("operation"), method, parts.path)
    if op is None:
        result.error = "the spec has no operation for this request"
        return result
    sent_headers = {k: v for k, v in (row.get("request_headers") or {}).items()
                    if k.lower() not in _HOP_BY_HOP and MASK not in str(v)}
    if credential is not None and "key_missing" not in names:
        fresh = credential.headers()
        if "key_wrong" in names:
            fresh = {k: (f"Bearer {wrong_key()}" if v.startswith("Bearer ") else wrong_key()) for k, v in fresh.items()}
        sent_headers.update(fresh)
    body_text = row.get("request_body")
    kwargs: dict[str, Any] = {"method": method, "path_parameters": path_parameters,
                              "query": dict(parse_qsl(parts.query, keep_blank_values=True)), "headers": sent_headers}
    if body_text is not None:
        media = next((v for k, v in sent_headers.items() if k.lower() == "content-type"), "application/json")
        try:
            kwargs.update(body=json.loads(body_text), media_type="application/json")
        except ValueError:
            kwargs.update(body=body_text, media_type=media.split(";")[0])
    case = op.Case(**kwargs)
    executor.state.gate.context = ("replay", op.label)
    with executor.state.unpinned():
        try:
            response = case.call(base_url=target, headers={}, timeout=timeout)
        except Exception as exc:  # the endpoint did not answer: that is the replay's result
            result.error = executor.redactor.scrub(f"{type(exc).__name__}: {exc}")
            return result
    result.status = response.status_code
    text = (response.content or b"").decode("utf-8", "replace")
    for name in names:
        judged = BY_STATUS.get(name, name)
        if judged in BY_NAME and BY_NAME[judged].judge is not None:
            problem = check(judged).judge(Answer.of(response.status_code, text))  # type: ignore[misc]
        elif name in CHECKS.get_all_names():
            executor.state.results = []
            try:
                case.validate_response(response, checks=[CHECKS.get_one(name)])
                problem = None
            except FailureGroup as group:
                problem = "; ".join(f"{e.title}: {e.message}" for e in group.exceptions)
            except AssertionError as exc:
                problem = str(exc)
        else:
            problem = None
        if problem:
            result.still_failing.append(name)
            result.messages.append(executor.redactor.scrub(f"{name}: {problem}")[:400])
    return result
