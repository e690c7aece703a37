"""`run_contract`: one spec against one endpoint, on Schemathesis' engine (its Python API, not its CLI).

The run: resolve the spec and its surface -> build a Schemathesis schema with filters and read-only safety ->
attach the credential (auth seam), the pinning/tracking hooks and the wire gate (budget, rate limit, 429 waits,
cassette) -> stream the engine's events into `ContractFailure`s classified the Azure way -> the explicit Responses
scenario (when writes are allowed) -> delete what the run created -> a `ContractReport`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Spec
from ..shape import require_shape
from ..workspace import Workspace
from . import hooks as run_hooks
from .auth import AuthSpec, build_credential, register
from .budget import SAFE_METHODS, NotSent, WireGate, installed, parse_rate
from .classify import classify
from .cleanup import delete_created
from ..errors import ContractConfigError, TargetUnreachable
from .prepare import for_schemathesis
from .redact import Redactor
from .report import ContractFailure, ContractReport, OperationResult
from .targets import base_url, origin

PHASES = ("examples", "coverage", "fuzzing", "stateful")
# The coverage phase ignores max-examples (87,621 requests on OpenAI's spec with 5 examples): off unless asked for.
DEFAULT_PHASES = ("examples", "fuzzing", "stateful")
DEFAULT_MAX_REQUESTS = 500


@dataclass
class ContractConfig:
    """Everything one run needs; the CLI builds it from options, `targets.yaml` from each entry."""

    spec: str | Spec
    url: str
    name: str = "target"
    region: str | None = None
    deployment: str | None = None
    auth: AuthSpec = field(default_factory=AuthSpec)
    entra_credential: Any = None  # an azure-identity credential (tests pass a fake one)
    include_paths: tuple[str, ...] = ()
    include_methods: tuple[str, ...] = ()
    include_tags: tuple[str, ...] = ()
    include_operation_ids: tuple[str, ...] = ()
    allow_writes: bool = False
    max_requests: int | None = DEFAULT_MAX_REQUESTS
    rate_limit: str | None = None
    retry_after_max: float = 30.0
    phases: tuple[str, ...] = DEFAULT_PHASES
    max_examples: int = 10
    seed: int | None = 0
    request_timeout: float = 30.0
    scenario: bool = True
    cleanup: bool = True
    cassette: Path | None = None
    api_version: str | None = None
    excluded_checks: tuple[str, ...] = ()


def _surface(spec: Spec, ws: Workspace) -> tuple[str, str | None]:
    from ..mock.azure import surface_of

    entry = ws.entry_for(spec)
    surface = entry.surface if entry else surface_of(spec)
    if surface != "dated":
        return surface, None
    return surface, (entry.api_version if entry and entry.api_version else spec.info_version.split("_", 1)[0] or None)


_INFERENCE = ("/chat/completions", "/completions", "/embeddings", "/responses", "/images/", "/audio/")


def _model_operations(spec: Spec) -> frozenset[tuple[str, str]]:
    """Inference operations whose JSON request body declares `model` (where a deployment name goes; the `model` of
    a fine-tuning job or an eval is a base model, not a deployment, and is left alone)."""
    found = set()
    for op in spec.operations():
        if not any(op.path.endswith(kind) or kind.endswith("/") and kind in op.path for kind in _INFERENCE):
            continue
        body = spec.try_deref(op.node.get("requestBody"))
        media = ((body or {}).get("content") or {}).get("application/json") if isinstance(body, dict) else None
        schema = spec.try_deref((media or {}).get("schema"))
        if isinstance(schema, dict) and _has_property(spec, schema, "model", 0):
            found.add((op.method, op.path))
    return frozenset(found)


def _has_property(spec: Spec, schema: dict[str, Any], name: str, depth: int) -> bool:
    if depth > 4:
        return False
    if name in (schema.get("properties") or {}):
        return True
    return any(isinstance(part := spec.try_deref(p), dict) and _has_property(spec, part, name, depth + 1)
               for key in ("allOf", "anyOf", "oneOf") for p in schema.get(key, []))


def _delete_templates(spec: Spec) -> frozenset[str]:
    return frozenset(op.path for op in spec.operations() if op.method == "delete" and op.path.endswith("}"))


def check_phases(phases: tuple[str, ...]) -> None:
    unknown = [p for p in phases if p not in PHASES]
    if unknown:
        raise ContractConfigError(f"--phases: unknown phase(s) {', '.join(unknown)}; choose from {', '.join(PHASES)}")


def _schemathesis_schema(spec: Spec, config: ContractConfig, url: str, api_version: str | None) -> tuple[Any, int]:
    """The filtered Schemathesis schema and the max-examples it generates with (scaled to the budget)."""
    check_phases(config.phases)
    parameters: dict[str, Any] = {}
    if config.deployment:
        parameters["path.deployment-id"] = config.deployment
    if api_version:
        parameters["query.api-version"] = api_version
    settings: dict[str, Any] = {
        "base-url": url,
        "workers": 1,
        "continue-on-failure": True,
        "request-timeout": config.request_timeout,
        "generation": {"max-examples": config.max_examples, "database": "none"},
        "phases": {name: {"enabled": name in config.phases} for name in PHASES},
        # Our own redactor protects secrets; Schemathesis' key-based sanitising would blank `max_tokens`.
        "output": {"sanitization": {"enabled": False}},
    }
    if config.seed is not None:
        settings["seed"] = config.seed
    if parameters:
        settings["parameters"] = parameters
    if config.excluded_checks:
        settings["checks"] = {name: {"enabled": False} for name in config.excluded_checks}
    document = for_schemathesis(spec.document)  # a copy; Schemathesis may annotate it
    schema = _load(document, settings, config)
    examples = _examples_for_budget(config, sum(1 for _ in schema.get_all_operations()))
    if examples != config.max_examples:  # the generation settings are fixed at load time: load again
        settings["generation"]["max-examples"] = examples
        schema = _load(document, settings, config)
    return schema, examples


def _load(document: dict[str, Any], settings: dict[str, Any], config: ContractConfig) -> Any:
    """A Schemathesis schema with the user's filters, restricted to read-only methods unless writes are allowed."""
    import schemathesis

    schema = schemathesis.openapi.from_dict(document, config=schemathesis.Config.from_dict(settings))
    methods = [m.upper() for m in config.include_methods]
    if not config.allow_writes:
        writes = sorted(set(methods) - SAFE_METHODS)
        if writes:
            raise ContractConfigError(f"--include-method {writes[0]} is a write: add --allow-writes to send it")
        methods = methods or sorted(SAFE_METHODS)
    # One `include` call: Schemathesis ANDs the criteria of a call, but a second call replaces the first.
    criteria = {"path": list(config.include_paths), "method": methods, "tag": list(config.include_tags),
                "operation_id": list(config.include_operation_ids)}
    criteria = {key: values for key, values in criteria.items() if values}
    return schema.include(**criteria) if criteria else schema


def _examples_for_budget(config: ContractConfig, operations: int) -> int:
    """Max examples per operation scaled to the budget (about 4 requests per example, with the checks' replays),
    so a small budget spreads over every operation instead of being spent on the first few. The wire gate still
    enforces the budget itself."""
    if config.max_requests is None or operations == 0:
        return config.max_examples
    return max(1, min(config.max_examples, config.max_requests // (operations * 4)))


def run_contract(config: ContractConfig, *, ws: Workspace | None = None) -> ContractReport:
    """Run the contract test described by `config`; never raises for failures found (they are in the report)."""
    import schemathesis.engine
    from schemathesis.engine import events

    ws = ws or Workspace()
    spec = config.spec if isinstance(config.spec, Spec) else ws.open(config.spec)
    require_shape(spec.document, spec.name, "a contract run")  # Schemathesis would crash deep inside on a misshapen spec
    surface, api_version = _surface(spec, ws)
    api_version = config.api_version or api_version
    url = base_url(config.url, surface)
    redactor = Redactor()
    credential = build_credential(config.auth, redactor, entra_credential=config.entra_credential)
    gate = WireGate(origin(url), config.max_requests, parse_rate(config.rate_limit), config.allow_writes,
                    retry_after_max=config.retry_after_max, record=config.cassette is not None, scrub=redactor.scrub)
    schema, examples = _schemathesis_schema(spec, config, url, api_version)
    register(schema, credential)
    state = run_hooks.RunHooks(surface, ws.catalog, gate, redactor, config.deployment, api_version,
                               _delete_templates(spec), _model_operations(spec))
    report = ContractReport(target=config.name, spec=spec.name, url=url, surface=surface, api_version=api_version,
                            deployment=config.deployment, phases=list(config.phases), max_requests=config.max_requests,
                            region=config.region, redactor=redactor, max_examples=examples,
                            operations_total=sum(1 for _ in schema.get_all_operations()))
    started = time.monotonic()
    run_hooks.activate(state)
    try:
        with installed(gate):
            if config.scenario and config.allow_writes:
                # First, while the budget is whole: the workflow is a handful of requests and the one check of
                # the Responses state machine; the engine's phases then spend the rest.
                from .scenario import run_responses_workflow

                report.scenario = run_responses_workflow(schema, state, credential, url)
                report.failures.extend(_scenario_failures(report))
            stream = schemathesis.engine.from_schema(schema).execute()
            gate.on_exhausted = stream.stop
            for event in stream:
                if isinstance(event, events.ScenarioFinished):
                    _collect(report, event, redactor)
                elif isinstance(event, events.NonFatalError):
                    if not _is_not_sent(event.value):
                        report.errors.append(redactor.scrub(f"{event.label}: {event.info.message}"))
                elif isinstance(event, events.FatalError):
                    report.errors.append(redactor.scrub(f"fatal: {event.exception}"))
                elif isinstance(event, events.EngineFinished):
                    report.stop_reason = "budget" if gate.exhausted else str(event.stop_reason.value)
            if config.cleanup:
                report.cleanup = delete_created(state, credential, url, config.request_timeout)
    finally:
        run_hooks.activate(None)
    report.duration = time.monotonic() - started
    report.errors = list(dict.fromkeys(report.errors))
    if gate.sent and not gate.statuses:
        reason = report.errors[0] if report.errors else "connection failed"
        raise TargetUnreachable(f"{url}: no request got an answer ({reason}); check the URL and the network")
    report.requests_sent, report.requests_refused = gate.sent, gate.refused
    report.writes_refused, report.budget_exhausted = gate.refused_writes, gate.exhausted
    report.throttled_waits, report.waited_seconds, report.statuses = gate.throttled, gate.waited, dict(gate.statuses)
    report.failures = _dedupe(report.failures)
    if gate.exhausted:
        _add_lost_faults(report, gate, redactor)
    for op in report.operations:
        if op.status in ("errored", "skipped") and gate.exhausted:
            op.status, op.skip_reason = (("errored", None) if _faulted(op.operation, gate) else
                                         ("budget", "not reached: the request budget was used up"))
    report.operations.sort(key=lambda o: o.operation)
    if config.cassette is not None:
        from .cassette import write_cassette

        write_cassette(config.cassette, gate.exchanges, redactor)
    return report


def _template_pattern(operation: str) -> re.Pattern[str]:
    """`GET /threads/{thread_id}` -> a pattern matching the end of a sent URL path (after the base path)."""
    path = operation.split(" ", 1)[-1]
    parts = re.split(r"\{[^}/]*\}", path)
    return re.compile("(?:^|/)" + "[^/]+".join(re.escape(part.lstrip("/") if i == 0 else part)
                                                 for i, part in enumerate(parts)) + "$")


def _faulted(operation: str, gate: WireGate) -> bool:
    method = operation.split(" ", 1)[0]
    pattern = _template_pattern(operation)
    return any(m == method and pattern.search(path) for m, path, _ in gate.faults)


def _add_lost_faults(report: ContractReport, gate: WireGate, redactor: Redactor) -> None:
    """When the budget stops the engine, the errors of its last cases may never arrive as events; the gate saw
    them: report each (method, path, error) the events did not already name, so a hang is not 'not reached'."""
    for method, path, message in dict.fromkeys(gate.faults):
        if not any(path in error or _mentions(error, method, path) for error in report.errors):
            report.errors.append(redactor.scrub(f"{method} {path}: {message}"))


def _mentions(error: str, method: str, path: str) -> bool:
    label = error.split(": ", 1)[0]
    return label.startswith(f"{method} /") and bool(_template_pattern(label).search(path))


def _is_not_sent(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, NotSent) or "not sent: " in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


def _collect(report: ContractReport, event: Any, redactor: Redactor) -> None:
    from schemathesis.engine import Status

    recorder = event.recorder
    label = recorder.label
    failures = 0
    for case_id, nodes in recorder.checks.items():
        for node in nodes:
            if node.status != Status.FAILURE or node.failure_info is None:
                continue
            failure = node.failure_info.failure
            interaction = recorder.interactions.get(case_id)
            response = interaction.response if interaction else None
            status = response.status_code if response is not None else None
            headers = {k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in (response.headers or {}).items()} \
                if response is not None else {}
            text = response.content.decode("utf-8", "replace") if response is not None and response.content else None
            failures += 1
            report.failures.append(ContractFailure(
                check=node.name, code=getattr(failure, "code", ""),
                failure_class=classify(status, headers, text, check=node.name, message=failure.message or "",
                                       request_content_type=_request_content_type(interaction)),
                operation=label, phase=str(event.phase.value), title=redactor.scrub(failure.title or node.name),
                message=redactor.scrub(failure.message or ""), status=status,
                curl=redactor.scrub(node.failure_info.code_sample or ""),
                response_excerpt=redactor.scrub(text or "")[:400]))  # scrubbed whole, then cut
    if label.split(" ")[0].isupper() and " " in label:
        existing = next((o for o in report.operations if o.operation == label), None)
        status_name = str(event.status.value)
        state = "failed" if failures else ("skipped" if status_name == "skip" else
                                           "errored" if status_name == "error" else "passed")
        if existing is None:
            report.operations.append(OperationResult(label, state, failures, event.skip_reason))
        else:
            existing.failures += failures
            if state == "failed" or existing.status == "skipped":
                existing.status = state


def _request_content_type(interaction: Any) -> str:
    headers = getattr(getattr(interaction, "request", None), "headers", None) or {}
    for name, value in headers.items():
        if name.lower() == "content-type":
            return value[0] if isinstance(value, list) and value else str(value)
    return ""


def _scenario_failures(report: ContractReport) -> list[ContractFailure]:
    return [ContractFailure(check="responses_workflow", code="AOAI301", failure_class="contract",
                            operation=step.operation, phase="scenario", title=f"Responses workflow: {step.name}",
                            message=step.message, status=step.status)
            for step in report.scenario if not step.ok]


def _dedupe(failures: list[ContractFailure]) -> list[ContractFailure]:
    seen: dict[str, ContractFailure] = {}
    for failure in failures:
        seen.setdefault(failure.id, failure)
    return list(seen.values())
