"""`run_contract`: one spec against one endpoint, on Schemathesis' engine (its Python API, not its CLI).

The run: resolve the spec and its surface -> build a Schemathesis schema with filters and read-only safety ->
attach the credential (auth seam), the pinning/attribution hooks and the wire gate (budget, rate limit, 429 waits,
cassette, per-phase and per-operation accounting) -> the explicit Responses workflow (when writes are allowed) ->
the phases, each with its share of the budget (`stages.py`): Azure probes, a coverage subset, then the engine's
examples/fuzzing/stateful passes until the budget is spent -> delete what the run created -> a `ContractReport`
whose failures are classified the Azure way and whose spec gaps are listed apart.
"""

from __future__ import annotations

import copy
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ContractConfigError, TargetUnreachable
from ..model import Spec
from ..shape import require_shape
from ..workspace import Workspace
from . import hooks as run_hooks
from .auth import AuthSpec, build_credential, register
from .budget import SAFE_METHODS, WireGate, installed, not_sent, parse_rate
from .checks import BY_ID, BY_NAME
from .classify import classify
from .cleanup import delete_created
from .executor import Executor, exchange_of
from .gaps import GapContext, explain
from .ledger import Ledger
from .prepare import for_schemathesis
from .redact import Redactor
from .report import ContractFailure, ContractReport, OperationResult
from .stages import ENGINE_PHASES, EngineStage, interaction_body, run_azure, run_coverage, share
from .targets import base_url, origin

PHASES = ("azure", "examples", "coverage", "fuzzing", "stateful")
DEFAULT_PHASES = PHASES
DEFAULT_MAX_REQUESTS = 500
DEFAULT_MAX_TIME = 600.0  # seconds: the time cap that ends the extra fuzzing passes when the budget is large
REQUESTS_PER_EXAMPLE = 4  # with the checks' own replays (ignored_auth, negative variants)


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
    max_time: float | None = DEFAULT_MAX_TIME
    rate_limit: str | None = None
    retry_after_max: float = 30.0
    phases: tuple[str, ...] = DEFAULT_PHASES
    max_examples: int = 10
    seed: int | None = 0
    request_timeout: float = 30.0
    scenario: bool = True
    cleanup: bool = True
    cassette: Path | None = None
    cassette_format: str | None = None  # json | har; None: from the file name (.har), else json
    api_version: str | None = None
    checks: tuple[str, ...] = ()  # only these checks (names; Schemathesis' and the project's); () = all
    excluded_checks: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)  # sent with every request, values redacted
    strict: bool = False  # spec gaps fail the run too


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


def known_checks() -> list[str]:
    """Every check name `--checks` and `--exclude-checks` accept: Schemathesis' and the project's own."""
    from schemathesis.checks import CHECKS, load_all_checks

    from . import streams  # noqa: F401  (registers the stream checks)

    load_all_checks()  # Schemathesis registers its OpenAPI checks lazily
    return sorted(set(CHECKS.get_all_names()) | set(BY_NAME))


def selected_checks(config: ContractConfig) -> frozenset[str]:
    """The checks a run uses, by name; ids (AOAI101) are accepted too. A name that is no check is one error."""
    names = known_checks()

    def resolve(values: tuple[str, ...], flag: str) -> set[str]:
        out = set()
        for value in values:
            for item in (v.strip() for v in value.split(",")):
                if item == "all":
                    out |= set(names)
                if item in ("", "all"):
                    continue
                name = BY_ID[item].name if item in BY_ID else item
                if name not in names:
                    raise ContractConfigError(f"{flag} {item!r}: no such check; choose from {', '.join(names)}")
                out.add(name)
        return out

    chosen = resolve(config.checks, "--checks") or set(names)
    if not config.checks and {"key_missing", "key_wrong"} <= chosen:
        # The key probes test a missing and a wrong credential once per operation; Schemathesis' ignored_auth
        # would replay every case twice without one (two thirds of a budget spent on auth). Ask for it by name.
        chosen.discard("ignored_auth")
    return frozenset(chosen - resolve(config.excluded_checks, "--exclude-checks"))


def _settings(config: ContractConfig, url: str, api_version: str | None, enabled: frozenset[str],
              examples: int, max_time: float | None) -> dict[str, Any]:
    from schemathesis.checks import CHECKS

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
        "generation": {"max-examples": examples, "database": "none"},
        # The engine runs examples, fuzzing and stateful; the coverage cases are chosen and sent by the run.
        "phases": {name: {"enabled": name in config.phases and name in ENGINE_PHASES}
                   for name in ("examples", "coverage", "fuzzing", "stateful")},
        # Our own redactor protects secrets; Schemathesis' key-based sanitising would blank `max_tokens`.
        "output": {"sanitization": {"enabled": False}},
        "checks": {name: {"enabled": name in enabled} for name in CHECKS.get_all_names()},
        # How fast Hypothesis draws a chat body depends on the machine, not on the endpoint: on a busy machine its
        # `too_slow` health check would end an operation's fuzzing with an error that blames nobody.
        "suppress-health-check": ["too_slow"],
    }
    if config.headers:
        settings["headers"] = dict(config.headers)  # Schemathesis' own requests (its probes) carry them too
    if max_time is not None:
        settings["max-time"] = max(1, int(max_time))
    if config.seed is not None:
        settings["seed"] = config.seed
    if parameters:
        settings["parameters"] = parameters
    return settings


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


def examples_per_pass(config: ContractConfig, remaining: int | None, operations: int) -> int:
    """Max examples per operation and fuzzing pass, scaled to what is left of the budget (about four passes fit),
    so every operation gets its turn before the budget runs out, and later passes bring new seeds."""
    if remaining is None or operations == 0:
        return config.max_examples
    return max(1, min(config.max_examples, remaining // (operations * REQUESTS_PER_EXAMPLE)))


def _probe_context(spec: Spec, config: ContractConfig, surface: str, api_version: str | None, ws: Workspace,
                   has_credential: bool, enabled: frozenset[str], validator: Any) -> Any:
    from .probes import ProbeContext

    return ProbeContext(spec=spec, surface=surface, api_version=api_version, deployment=config.deployment,
                        catalog=ws.catalog, validator=validator, model_operations=_model_operations(spec),
                        has_credential=has_credential, allow_writes=config.allow_writes, selected=enabled)


def spec_validator(spec: Spec, *, writing: bool = True) -> Any:
    """A validator for instances of the spec's schemas, read the way Azure means them (OAS 3.0 `nullable` beside a
    `$ref` is "or null", ...): of requests (`writing`) or of answers (stream chunks)."""
    from ..mock.dialect import json_copy, relax_nullable
    from ..mock.validation import SchemaValidator

    document = json_copy(spec.document)
    if not spec.is_31:
        relax_nullable(document, writing=writing)
    return SchemaValidator(spec, document, writing=writing)


def run_contract(config: ContractConfig, *, ws: Workspace | None = None) -> ContractReport:
    """Run the contract test described by `config`; never raises for failures found (they are in the report)."""
    from . import probes, streams

    ws = ws or Workspace()
    spec = config.spec if isinstance(config.spec, Spec) else ws.open(config.spec)
    require_shape(spec.document, spec.name, "a contract run")  # Schemathesis would crash deep inside on a misshapen spec
    check_phases(config.phases)
    enabled = selected_checks(config)
    surface, api_version = _surface(spec, ws)
    api_version = config.api_version or api_version
    url = base_url(config.url, surface)
    redactor = Redactor()
    redactor.add(*config.headers.values())  # custom header values are never echoed
    credential = build_credential(config.auth, redactor, entra_credential=config.entra_credential)
    ledger = Ledger()
    gate = WireGate(origin(url), config.max_requests, parse_rate(config.rate_limit), config.allow_writes,
                    retry_after_max=config.retry_after_max, record=config.cassette is not None, scrub=redactor.scrub,
                    ledger=ledger, secrets=lambda: redactor.secrets if credential is not None else ())
    document = for_schemathesis(spec.document)  # a copy; Schemathesis may annotate it
    schema = _load(document, _settings(config, url, api_version, enabled, config.max_examples, None), config)
    labels = [result.ok().label for result in schema.get_all_operations()]
    register(schema, credential)
    validator = spec_validator(spec)
    state = run_hooks.RunHooks(surface, ws.catalog, gate, redactor, config.deployment, api_version,
                               _delete_templates(spec), _model_operations(spec), headers=dict(config.headers),
                               streams=run_hooks.StreamChecks(streams.stream_rules(spec),
                                                              spec_validator(spec, writing=False)))
    report = ContractReport(target=config.name, spec=spec.name, url=url, surface=surface, api_version=api_version,
                            deployment=config.deployment, phases=list(config.phases), max_requests=config.max_requests,
                            region=config.region, redactor=redactor, operations_total=len(labels),
                            strict=config.strict, checks=sorted(enabled), ledger=ledger, seed=config.seed)
    executor = Executor(spec, state, credential, url, ledger, redactor, config.request_timeout, enabled)
    engine = EngineStage(executor, ledger, config.phases, config.max_time)
    started = time.monotonic()
    run_hooks.activate(state)
    try:
        with installed(gate):
            if config.scenario and config.allow_writes and "responses_workflow" in enabled:
                # First, while the budget is whole: the workflow is a handful of requests and the one check of
                # the Responses state machine; the phases then spend the rest.
                from .scenario import run_responses_workflow

                gate.context = ("scenario", None)
                report.scenario = run_responses_workflow(schema, state, credential, url)
                report.failures.extend(_scenario_failures(report))
            start = gate.remaining()
            if "azure" in config.phases:
                context = _probe_context(spec, config, surface, api_version, ws, credential is not None, enabled,
                                         validator)
                queues = probes.build(context, [result.ok() for result in schema.get_all_operations()])
                run_azure(executor, ledger, queues, share(start, gate.remaining(), "azure", config.phases))
            if "coverage" in config.phases:
                run_coverage(executor, ledger, schema, share(start, gate.remaining(), "coverage", config.phases))
            if any(phase in config.phases for phase in ENGINE_PHASES) and not gate.exhausted:
                remaining = gate.remaining()
                examples = examples_per_pass(config, remaining, len(labels))
                max_time = None if config.max_time is None else max(1.0, config.max_time - (time.monotonic() - started))
                engine_schema = _load(document, _settings(config, url, api_version, enabled, examples, max_time), config)
                register(engine_schema, credential)
                report.max_examples = examples
                engine.run(engine_schema, lambda event: _collect(report, event, redactor, spec))
                engine.starve(labels)
                report.stop_reason = engine.stop_reason
            if config.cleanup:
                gate.context = ("cleanup", None)
                report.cleanup = delete_created(state, credential, url, config.request_timeout)
            else:
                report.cleanup = _kept(state)
            report.cleanup.deleted_by_run = state.deleted_by_run
    finally:
        run_hooks.activate(None)
    report.duration = time.monotonic() - started
    report.failures.extend(executor.failures)
    report.errors = list(dict.fromkeys([*report.errors, *executor.errors]))
    if gate.sent and not gate.statuses:
        reason = report.errors[0] if report.errors else "connection failed"
        raise TargetUnreachable(f"{url}: no request got an answer ({reason}); check the URL and the network")
    report.requests_sent, report.requests_refused = gate.sent, gate.refused
    report.writes_refused, report.budget_exhausted = gate.refused_writes, gate.exhausted
    report.throttled_waits, report.waited_seconds, report.statuses = gate.throttled, gate.waited, dict(gate.statuses)
    if gate.exhausted and report.stop_reason == "completed":
        report.stop_reason = "budget"
    report.failures = _dedupe(report.failures)
    if gate.exhausted:
        _add_lost_faults(report, gate, redactor)
    report.operations = _operations(report, labels, engine, gate)
    if config.cassette is not None:
        from .cassette import write_cassette

        write_cassette(config.cassette, gate.exchanges, redactor, report, config.cassette_format)
    return report


def _kept(state: Any) -> Any:
    from .report import CleanupResult

    kept = list(state.created)
    return CleanupResult(created=state.created_total, left=kept, reasons={path: "--no-cleanup" for path in kept},
                         skipped=True)


def _operations(report: ContractReport, labels: list[str], engine: EngineStage, gate: WireGate) -> list[OperationResult]:
    """One verdict per selected operation, with how much it was tested; never 'passed' without its share."""
    failing = {"contract", "spec_gap"} if report.strict else {"contract"}
    rows = []
    for label in sorted(labels):
        tally = report.ledger.operations.get(label)
        failures = sum(1 for f in report.failures if f.operation == label and f.failure_class in failing)
        reason = None
        if failures:
            status = "failed"
        elif label in engine.errored or _faulted(label, gate):
            status = "errored"
        elif tally is None or tally.requests == 0:
            status, reason = (("budget", "not reached: the request budget was used up") if gate.exhausted
                              else ("skipped", engine.skipped.get(label, "no request was generated")))
        elif tally.starved:
            status = "under-tested"
            reason = "; ".join(f"{phase}: {why}" for phase, why in tally.starved.items())
        else:
            status = "passed"
        rows.append(OperationResult(label, status, failures, reason, tally))
    return rows


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


def _collect(report: ContractReport, event: Any, redactor: Redactor, spec: Spec) -> None:
    """One engine event into the report: failures (classified, spec gaps explained), check verdicts, errors."""
    from schemathesis.engine import Status, events

    if isinstance(event, events.NonFatalError):
        if not not_sent(event.value):
            report.errors.append(redactor.scrub(f"{event.label}: {event.info.message}"))
        return
    if isinstance(event, events.FatalError):
        report.errors.append(redactor.scrub(f"fatal: {event.exception}"))
        return
    recorder = event.recorder
    label = recorder.label
    method, _, path = label.partition(" ")
    op = spec.operation(method, path)
    for case_id, nodes in recorder.checks.items():
        for node in nodes:
            if node.status == Status.SUCCESS:
                report.ledger.verdict(label, node.name, True)
                continue
            if node.status != Status.FAILURE or node.failure_info is None:
                continue
            report.ledger.verdict(label, node.name, False)
            failure = node.failure_info.failure
            interaction = recorder.interactions.get(case_id)
            response = interaction.response if interaction else None
            status = response.status_code if response is not None else None
            headers = {k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in (response.headers or {}).items()} \
                if response is not None else {}
            text = response.content.decode("utf-8", "replace") if response is not None and response.content else None
            message = failure.message or ""
            failure_class = classify(status, headers, text, check=node.name, message=message,
                                     request_content_type=_request_content_type(interaction))
            gap = None
            if failure_class == "contract" and op is not None:
                media = {k.lower(): v for k, v in headers.items()}.get("content-type", "").split(";")[0].strip().lower()
                gap = explain(GapContext(spec, op, node.name, status, media, interaction_body(recorder, case_id),
                                         message))
            report.failures.append(ContractFailure(
                check=node.name, code=getattr(failure, "code", ""),
                failure_class="spec_gap" if gap else failure_class,
                operation=label, phase=str(event.phase.value), title=redactor.scrub(failure.title or node.name),
                message=redactor.scrub(message), status=status,
                curl=redactor.scrub(node.failure_info.code_sample or ""),
                response_excerpt=redactor.scrub(text or "")[:400],  # scrubbed whole, then cut
                gap_rule=gap[0] if gap else None, gap_reason=gap[1] if gap else None,
                exchange_id=exchange_of(response) if response is not None else None))


def _request_content_type(interaction: Any) -> str:
    headers = getattr(getattr(interaction, "request", None), "headers", None) or {}
    for name, value in headers.items():
        if name.lower() == "content-type":
            return value[0] if isinstance(value, list) and value else str(value)
    return ""


def _scenario_failures(report: ContractReport) -> list[ContractFailure]:
    check = BY_NAME["responses_workflow"]
    return [ContractFailure(check=check.name, code=check.id, failure_class="contract",
                            operation=step.operation, phase="scenario", title=f"Responses workflow: {step.name}",
                            message=step.message, status=step.status)
            for step in report.scenario if not step.ok]


def _dedupe(failures: list[ContractFailure]) -> list[ContractFailure]:
    seen: dict[str, ContractFailure] = {}
    for failure in failures:
        seen.setdefault(failure.id, failure)
    return list(seen.values())
