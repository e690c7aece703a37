"""The Azure probes of a run: requests built to test what Azure does beyond the spec, one fault each.

- Azure's refusals (dated surface): no `api-version`, an unknown one; on both surfaces: an unknown deployment, no
  credential, a wrong one, and (v1) a preview route without its opt-in header. Each probe is the operation's valid
  request with that one thing removed or changed, sent exactly as built (the run's pinning would put back what the
  probe removes).
- Undeclared methods on every path (GET/PUT/PATCH/DELETE/POST that the path does not declare; writes only with
  `--allow-writes`).
- A `stream: true` request for each operation that can stream, whose answer the stream checks judge.
- Boundary values (`boundaries.py`): just outside and onto every documented bound, one at a time.
- One valid request with every optional property set, on a bound where it has one: the optional features that a
  short run's generated requests rarely reach (`n` above 1, a `stop` array, `logprobs`).

Every probe is the operation's full valid request (deployment, api-version, preview header, a valid body) with its
one change, and is sent exactly as built: the run's pinning would put back what a probe removes.

Probes come in two tiers: the first covers each kind once (every refusal kind on some operation, one method per
path, the stream, the full request, the first boundaries of each operation), the second the rest, so a small
budget still tests every kind of fault and a larger one tests each on every operation.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..model import Spec
from . import boundaries
from .checks import BY_NAME, ContractCheck

UNKNOWN_API_VERSION = "2000-01-01-aoai-spec-unknown"
UNKNOWN_DEPLOYMENT = "aoai-spec-no-such-deployment"
PROBED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
SAFE = ("GET",)
FIRST_TIER_BOUNDARY_RANK = 1  # required-array minItems and number bounds: the first boundaries of each operation


@dataclass
class Probe:
    check: ContractCheck
    operation: Any  # Schemathesis' APIOperation
    describe: str
    tier: int
    method: str | None = None
    path_parameters: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    has_body: bool = False
    credential: str = "valid"  # valid | none | wrong
    response_checks: bool = False  # also run the response checks (status, content type, schema, streams)

    @property
    def label(self) -> str:
        return str(self.operation.label)


@dataclass
class ProbeContext:
    spec: Spec
    surface: str
    api_version: str | None
    deployment: str | None
    catalog: Any
    validator: Any  # a SchemaValidator over the spec with `nullable` read as Azure means it
    model_operations: frozenset[tuple[str, str]]
    has_credential: bool
    allow_writes: bool
    selected: frozenset[str]  # the project checks this run uses (by name)

    def wants(self, name: str) -> bool:
        return name in self.selected


def wrong_key() -> str:
    return "aoai-spec-wrong-" + secrets.token_hex(8)


def build(ctx: ProbeContext, operations: list[Any]) -> dict[str, list[Probe]]:
    """Operation label -> its probes, in the order they should be sent (tier 1 first)."""
    kinds = [name for name in ("api_version_missing", "api_version_unknown", "deployment_unknown", "key_missing",
                               "key_wrong", "preview_header_missing") if ctx.wants(name)]
    queues: dict[str, list[Probe]] = {}
    paths_done: set[str] = set()
    rotation = 0
    per_operation = -(-len(kinds) // max(1, len(operations)))  # first-tier refusal kinds per operation
    for op in operations:
        model = ctx.spec.operation(op.method, op.path)
        if model is None:
            continue
        pins = {"model": ctx.deployment} if ctx.deployment and (op.method.lower(), op.path) in ctx.model_operations else {}
        base = boundaries.valid_base(ctx.spec, model, ctx.validator, pins)
        surface = [p for p in _surface(ctx, op, base, pins) if p is not None]
        order = {name: (i - rotation) % max(1, len(kinds)) for i, name in enumerate(kinds)}
        surface.sort(key=lambda p: order.get(p.check.name, 0))
        rotation += per_operation
        methods = [] if op.path in paths_done else list(_methods(ctx, op))
        paths_done.add(op.path)
        stream = list(_stream(ctx, op, base))
        outside, onto = _boundaries(ctx, op, model, base)
        first = [*stream, *_rich(ctx, op, model, base), *surface[:per_operation], *methods[:1],
                 *[p for p in outside if p.tier == 1]]
        for probe in first:
            probe.tier = 1
        rest = _interleave(surface[per_operation:], methods[1:], [p for p in outside if p.tier != 1], onto)
        for probe in rest:
            probe.tier = 2
        queues[op.label] = first + rest
    return queues


def _interleave(*lists: list[Probe]) -> list[Probe]:
    out: list[Probe] = []
    longest = max((len(items) for items in lists), default=0)
    for index in range(longest):
        out += [items[index] for items in lists if index < len(items)]
    return out


def _full_request(ctx: ProbeContext, op: Any, base: Any) -> dict[str, Any]:
    """The operation's valid request, spelled out (what pinning would add, added here)."""
    path = {}
    for name in _path_names(op.path):
        path[name] = (ctx.deployment or "deployment") if name == "deployment-id" else "aoai-spec-probe"
    query = {"api-version": ctx.api_version} if ctx.surface == "dated" and ctx.api_version else {}
    headers = {}
    if ctx.surface == "v1":
        header = ctx.catalog.preview_header(op.path)
        if header:
            headers[header.name] = header.value
    return {"path_parameters": path, "query": query, "headers": headers, "body": base,
            "has_body": base is not None}


def _path_names(path: str) -> list[str]:
    import re

    return re.findall(r"\{([^}/]+)\}", path)


def _surface(ctx: ProbeContext, op: Any, base: Any, pins: dict[str, Any]) -> Iterator[Probe | None]:
    request = _full_request(ctx, op, base)

    def probe(name: str, describe: str, **changes: Any) -> Probe:
        parts = {key: (dict(value) if isinstance(value, dict) else value) for key, value in request.items()}
        credential = changes.pop("credential", "valid")
        for key, value in changes.items():
            parts[key] = value
        return Probe(BY_NAME[name], op, describe, 2, credential=credential, **parts)

    dated = ctx.surface == "dated" and ctx.api_version
    if dated and ctx.wants("api_version_missing"):
        yield probe("api_version_missing", "api-version removed",
                    query={k: v for k, v in request["query"].items() if k != "api-version"})
    if dated and ctx.wants("api_version_unknown"):
        yield probe("api_version_unknown", f"api-version={UNKNOWN_API_VERSION}",
                    query={**request["query"], "api-version": UNKNOWN_API_VERSION})
    if ctx.wants("deployment_unknown"):
        if "{deployment-id}" in op.path:
            yield probe("deployment_unknown", f"deployment-id={UNKNOWN_DEPLOYMENT}",
                        path_parameters={**request["path_parameters"], "deployment-id": UNKNOWN_DEPLOYMENT})
        elif "model" in pins and isinstance(base, dict):
            yield probe("deployment_unknown", f"model={UNKNOWN_DEPLOYMENT}", body={**base, "model": UNKNOWN_DEPLOYMENT})
    if ctx.has_credential and ctx.wants("key_missing"):
        yield probe("key_missing", "no credential", credential="none")
    if ctx.has_credential and ctx.wants("key_wrong"):
        yield probe("key_wrong", "a wrong credential", credential="wrong")
    if ctx.surface == "v1" and ctx.wants("preview_header_missing"):
        header = ctx.catalog.preview_header(op.path)
        if header:
            yield probe("preview_header_missing", f"no {header.name} header",
                        headers={k: v for k, v in request["headers"].items() if k != header.name})


def _methods(ctx: ProbeContext, op: Any) -> Iterator[Probe]:
    if not ctx.wants("method_not_allowed"):
        return
    item = ctx.spec.paths.get(op.path) or {}
    declared = {m.upper() for m in item if isinstance(item.get(m), dict)}
    request = _full_request(ctx, op, None)
    for method in PROBED_METHODS:
        if method in declared or (method not in SAFE and not ctx.allow_writes):
            continue
        yield Probe(BY_NAME["method_not_allowed"], op, f"{method} {op.path}", 2, method=method,
                    path_parameters=request["path_parameters"], query=request["query"], headers=request["headers"])


def _stream(ctx: ProbeContext, op: Any, base: Any) -> Iterator[Probe]:
    if not isinstance(base, dict) or not (ctx.wants("stream_chunks") or ctx.wants("stream_done")):
        return
    from .streams import stream_rules

    if op.label not in stream_rules(ctx.spec):
        return
    body = {**base, "stream": True}
    if ctx.validator.is_valid(body, boundaries.json_body_schema(ctx.spec, ctx.spec.operation(op.method, op.path))):
        request = {**_full_request(ctx, op, body)}
        yield Probe(BY_NAME["stream_chunks"], op, "stream: true", 1, response_checks=True, **request)


def _rich(ctx: ProbeContext, op: Any, model: Any, base: Any) -> Iterator[Probe]:
    """One valid request with every optional property set (`boundaries.rich_body`): it must be accepted."""
    if not ctx.wants("boundary_value_accepted") or not isinstance(base, dict):
        return
    rich = boundaries.rich_body(ctx.spec, model, ctx.validator, base)
    if rich is not None:
        body, added = rich
        request = _full_request(ctx, op, body)
        yield Probe(BY_NAME["boundary_value_accepted"], op, f"every optional property set ({added} added)", 1,
                    response_checks=True, **request)


def _boundaries(ctx: ProbeContext, op: Any, model: Any, base: Any) -> tuple[list[Probe], list[Probe]]:
    outside: list[Probe] = []
    onto: list[Probe] = []
    request = _full_request(ctx, op, base)
    for mutation in boundaries.mutations(ctx.spec, model, base):
        name = "boundary_value_rejected" if mutation.outside else "boundary_value_accepted"
        if not ctx.wants(name) or not boundaries.usable(ctx.spec, model, ctx.validator, base, mutation):
            continue
        body = boundaries.apply(base, mutation)
        query = {**request["query"], **({mutation.path[0]: mutation.value} if mutation.location == "query" else {})}
        tier = 1 if mutation.outside and mutation.rank <= FIRST_TIER_BOUNDARY_RANK and len(mutation.path) == 1 else 2
        probe = Probe(BY_NAME[name], op, mutation.describe, tier, path_parameters=request["path_parameters"],
                      query=query, headers=request["headers"], body=body, has_body=body is not None,
                      response_checks=True)
        (outside if mutation.outside else onto).append(probe)
    return outside, onto
