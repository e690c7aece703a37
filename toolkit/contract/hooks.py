"""Schemathesis hooks and checks of a run: deployment pinning, api-version, preview headers, custom headers,
created-resource tracking, the attribution of every request to its phase and operation, and the
`credential_not_echoed` check.

Why `before_call`: Schemathesis' `[parameters]` overrides do not hold in every phase (the examples phase sends the
spec's `model: gpt-4o`, the coverage phase boundary values), but every phase sends through `Case.call`, which runs
`before_call` first. We edit `case` (never `kwargs["params"]`, which breaks the engine) and Schemathesis re-checks
whether an edited negative case is still negative.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Iterator

import schemathesis
from schemathesis.core.failures import Failure

from ..catalog import Catalog
from .budget import WireGate
from .checks import BY_NAME
from .redact import Redactor


@dataclass
class Created:
    path: str  # the concrete path to DELETE (under the base URL)
    operation: str


@dataclass
class StreamChecks:
    """The stream rules of the run's operations and the validator their chunk schemas resolve in."""

    rules: dict[str, Any]
    validator: Any


@dataclass
class RunHooks:
    """Per-run state the global hooks consult (one run at a time per process)."""

    surface: str
    catalog: Catalog
    gate: WireGate
    redactor: Redactor
    deployment: str | None = None
    api_version: str | None = None
    delete_templates: frozenset[str] = frozenset()
    model_operations: frozenset[tuple[str, str]] = frozenset()  # (method, path) whose JSON body has `model`
    headers: dict[str, str] = field(default_factory=dict)  # the user's `-H` headers, sent with every request
    streams: StreamChecks | None = None
    created: dict[str, Created] = field(default_factory=dict)
    created_total: int = 0
    deleted_by_run: int = 0
    cycle: int = 0  # the engine's fuzzing pass: later passes are the extra examples that spend the budget
    results: list[Any] = field(default_factory=list)  # the last validation's per-check results
    raw: bool = False  # send the next cases exactly as built (the Azure probes remove what pinning adds)
    skip_when_spent: bool = False  # pytest: a case past the budget is skipped, not sent
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @contextlib.contextmanager
    def unpinned(self) -> Iterator[None]:
        self.raw = True
        try:
            yield
        finally:
            self.raw = False

    def attribute(self, case: Any) -> None:
        """Note the phase and operation of the requests that follow (the engine's cases)."""
        meta = getattr(case, "_meta", None)
        phase = str(meta.phase.name.value) if meta is not None else self.gate.context[0]
        if phase in ("fuzzing", "stateful") and self.cycle > 0:
            phase = f"{phase}-extra"
        self.gate.context = (phase, case.operation.label)

    def pin(self, case: Any) -> None:
        if self.headers:
            case.headers = {**(case.headers or {}), **self.headers}
        if self.raw:
            return
        op = case.operation
        if self.deployment:
            if "{deployment-id}" in op.path:
                case.path_parameters = {**(case.path_parameters or {}), "deployment-id": self.deployment}
            if isinstance(case.body, dict) and (op.method.lower(), op.path) in self.model_operations:
                case.body["model"] = self.deployment
        if self.surface == "dated" and self.api_version:
            case.query = {**(case.query or {}), "api-version": self.api_version}
        if self.surface == "v1":
            header = self.catalog.preview_header(op.path)
            if header:
                case.headers = {**(case.headers or {}), header.name: header.value}

    def track(self, case: Any, response: Any) -> None:
        """Remember what a POST created (to delete it at the end); forget what a DELETE removed."""
        method = case.method.upper()
        if not 200 <= response.status_code < 300:
            return
        path = case.formatted_path
        if method == "DELETE":
            with self._lock:
                if self.created.pop(path, None) is not None:
                    self.deleted_by_run += 1
                    self.gate.release_cleanup()
            return
        if method != "POST":
            return
        try:
            body = json.loads(response.content or b"null")
        except ValueError:
            return
        ident = body.get("id") if isinstance(body, dict) else None
        if not isinstance(ident, str) or not any(t.rsplit("/", 1)[0] == case.operation.path for t in self.delete_templates):
            return
        target = f"{path.rstrip('/')}/{ident}"
        with self._lock:
            if target not in self.created:
                self.created[target] = Created(target, f"POST {case.operation.path}")
                self.created_total += 1
                self.gate.reserve_cleanup()


_CURRENT: RunHooks | None = None
_BY_SCHEMA: dict[int, RunHooks] = {}  # schemas handed to pytest (`azure_schema`): their state outlives any run
_REGISTERED = False


def activate(hooks: RunHooks | None) -> None:
    global _CURRENT
    _CURRENT = hooks
    _register_once()


def attach(schema: Any, hooks: RunHooks) -> None:
    """Give a schema used outside a run (pytest) its own state: the global hooks find it through the case (by
    the document the schema was loaded from, which its filtered copies share)."""
    _BY_SCHEMA[id(schema.raw_schema)] = hooks
    _register_once()


def current(case: Any = None) -> RunHooks | None:
    if _CURRENT is not None or case is None:
        return _CURRENT
    return _BY_SCHEMA.get(id(getattr(case.operation.schema, "raw_schema", None)))


def _register_once() -> None:
    global _REGISTERED
    if _REGISTERED:
        return
    _REGISTERED = True

    @schemathesis.hook("before_call")
    def _pin(context: Any, case: Any, kwargs: Any) -> None:
        state = current(case)
        if state is not None:
            if state.skip_when_spent and state.gate.remaining() == 0:
                import pytest

                pytest.skip(f"aoai-spec: the budget of {state.gate.max_requests} requests is used up")
            if not state.raw:
                state.attribute(case)
            state.pin(case)

    @schemathesis.hook("after_call")
    def _track(context: Any, case: Any, response: Any) -> None:
        state = current(case)
        if state is not None:
            state.track(case, response)

    @schemathesis.hook("after_validate")
    def _results(context: Any, case: Any, response: Any, results: Any) -> None:
        state = current(case)
        if state is not None:
            state.results = list(results)


class CredentialEchoed(Failure):
    """A response repeats the credential the request carried (a leaked secret)."""

    code = BY_NAME["credential_not_echoed"].id
    kind_title = BY_NAME["credential_not_echoed"].title


@schemathesis.check
def credential_not_echoed(ctx: Any, response: Any, case: Any) -> bool | None:
    """Fail when a response header or body contains a secret the run sent (the message never names the value)."""
    hooks = current(case)
    if hooks is None or not hooks.redactor.secrets:
        return True  # not applicable (Schemathesis' convention: a truthy return is a skip, None a pass)
    secrets = list(hooks.redactor.secrets)
    for name, values in (response.headers or {}).items():
        for value in values if isinstance(values, list) else [values]:
            if any(secret in str(value) for secret in secrets):
                raise CredentialEchoed(operation=case.operation.label,
                                       message=f"Response header '{name}' repeats the credential that was sent.")
    text = (response.content or b"").decode("utf-8", "replace")
    if any(secret in text for secret in secrets):
        raise CredentialEchoed(operation=case.operation.label, message="The response body repeats the credential that was sent.")
    return None
