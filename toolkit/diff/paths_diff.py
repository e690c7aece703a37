"""Paths and operations: matched by path shape (parameter names blanked) and method, then compared part by part."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import pointer as jp
from ..model import HTTP_METHODS, Spec
from .context import DiffContext, changes
from .extensions_diff import compare_extensions
from .parameters_diff import DEPLOYMENT_KEY, ParamSide, ParametersDiff, collect, compare_parameters
from .request_body_diff import RequestBodyDiff, compare_request_bodies
from .responses_diff import ResponsesDiff, compare_responses
from .schema_diff import ValueChange
from .security_diff import SecurityDiff, compare_security, requirements
from .surfaces import API_VERSION, path_key, preview_header_names

_PARAM = re.compile(r"\{[^}]*\}")


@dataclass(eq=False)
class OpSide:
    """One operation as declared on one side, with what the comparison needs to know about its surface."""

    path: str
    method: str
    node: dict[str, Any]
    pointer: str
    item: dict[str, Any]
    item_pointer: str
    has_deployment: bool = False
    parameters: list[ParamSide] = field(default_factory=list)
    webhook: bool = False  # a 3.1 webhook: `path` is its name, and the API sends the request to the client

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {'webhook ' if self.webhook else ''}{self.path}"

    @property
    def deprecated(self) -> bool:
        return bool(self.node.get("deprecated"))


@dataclass(eq=False)
class OperationDiff:
    base: OpSide
    revision: OpSide
    mapped: bool = False  # matched through the dated <-> v1 mapping
    path_moved: bool = False  # matched, but the literal path differs beyond parameter names
    model_is_deployment: bool = False  # one side names the deployment in the path, the other in the body `model`
    fields: dict[str, ValueChange] = field(default_factory=dict)  # operationId, deprecated
    docs: dict[str, ValueChange] = field(default_factory=dict)
    tags_added: list[str] = field(default_factory=list)
    tags_removed: list[str] = field(default_factory=list)
    parameters: ParametersDiff = field(default_factory=ParametersDiff)
    api_version: ValueChange | None = None
    preview_headers: ValueChange | None = None
    request_body: RequestBodyDiff | None = None
    responses: ResponsesDiff = field(default_factory=ResponsesDiff)
    security: SecurityDiff = field(default_factory=SecurityDiff)
    extensions: dict[str, ValueChange] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.revision.key


def operation_sides(ctx: DiffContext, side: str) -> dict[tuple[str, str], OpSide]:
    """Every operation of one side, keyed by (path key, method)."""
    spec = ctx.base if side == "base" else ctx.revision
    surface = ctx.base_surface if side == "base" else ctx.revision_surface
    deref = ctx.deref_base if side == "base" else ctx.deref_revision
    out: dict[tuple[str, str], OpSide] = {}
    for path, raw in spec.paths.items():
        item, item_ptr = deref(raw, jp.join("#/paths", path))
        if not isinstance(item, dict):
            continue
        pk = path_key(path, surface, ctx.mapped)
        for method in HTTP_METHODS:
            node = item.get(method)
            if not isinstance(node, dict):
                continue
            op_ptr = jp.join(item_ptr, method)
            op = OpSide(path, method, node, op_ptr, item, item_ptr, pk.deployment_segment)
            op.parameters = collect(ctx, side, item, item_ptr, node, op_ptr)
            out.setdefault((pk.key, method), op)
    return out


def webhook_sides(ctx: DiffContext, side: str) -> dict[tuple[str, str], OpSide]:
    """Every webhook operation of one side (OpenAPI 3.1 `webhooks`), keyed by (name, method)."""
    spec = ctx.base if side == "base" else ctx.revision
    deref = ctx.deref_base if side == "base" else ctx.deref_revision
    hooks = spec.document.get("webhooks")
    out: dict[tuple[str, str], OpSide] = {}
    for name, raw in hooks.items() if isinstance(hooks, dict) else ():
        item, item_ptr = deref(raw, jp.join("#/webhooks", name))
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            node = item.get(method)
            if isinstance(node, dict):
                op_ptr = jp.join(item_ptr, method)
                op = OpSide(str(name), method, node, op_ptr, item, item_ptr, webhook=True)
                op.parameters = collect(ctx, side, item, item_ptr, node, op_ptr)
                out[(str(name), method)] = op
    return out


def _api_version_facts(op: OpSide) -> tuple[Any, ...] | None:
    for p in op.parameters:
        if p.location == "query" and p.name == API_VERSION:
            schema = p.node.get("schema") if isinstance(p.node.get("schema"), dict) else {}
            enum = schema.get("enum")
            return (p.required, schema.get("default"), tuple(enum) if isinstance(enum, list) else None)
    return None


def _preview_headers(ctx: DiffContext, op: OpSide, azure_v1: bool) -> tuple[str, ...]:
    names = preview_header_names(ctx.catalog) if ctx.catalog else set()
    found: set[str] = set()
    for p in op.parameters:
        if p.location == "header" and p.name.lower() in names and p.required:
            schema = p.node.get("schema") if isinstance(p.node.get("schema"), dict) else {}
            value = schema.get("const", schema.get("default", (schema.get("enum") or [None])[0]))
            found.add(f"{p.name.lower()}: {value}" if value is not None else p.name.lower())
    if azure_v1 and ctx.catalog is not None:
        header = ctx.catalog.preview_header(op.path)
        if header is not None and not any(f.split(":")[0] == header.name.lower() for f in found):
            found.add(f"{header.name.lower()}: {header.value}")
    return tuple(sorted(found))


def compare_operation(ctx: DiffContext, base: OpSide, revision: OpSide, mapped: bool) -> OperationDiff:
    diff = OperationDiff(base, revision, mapped=mapped)
    diff.path_moved = not mapped and _shape(base.path) != _shape(revision.path)
    diff.model_is_deployment = mapped or base.has_deployment != revision.has_deployment
    diff.fields = changes(base.node, revision.node, ("operationId",))
    if base.deprecated != revision.deprecated:
        diff.fields["deprecated"] = ValueChange(base.deprecated, revision.deprecated)
    diff.docs = changes(base.node, revision.node, ("summary", "description"))
    b_tags = [t for t in base.node.get("tags") or () if isinstance(t, str)]
    r_tags = [t for t in revision.node.get("tags") or () if isinstance(t, str)]
    diff.tags_added = [t for t in r_tags if t not in b_tags]
    diff.tags_removed = [t for t in b_tags if t not in r_tags]
    names = preview_header_names(ctx.catalog) if ctx.catalog else set()
    skip = {("query", API_VERSION)} | {("header", n) for n in names}
    if diff.model_is_deployment:
        skip.add(DEPLOYMENT_KEY)
    if not mapped:
        a, b = _api_version_facts(base), _api_version_facts(revision)
        if a != b:
            diff.api_version = ValueChange(a, b)
    diff.parameters = compare_parameters(ctx, base.parameters, revision.parameters, (base.path, revision.path),
                                         (base.has_deployment, revision.has_deployment), skip)
    a, b = _preview_headers(ctx, base, ctx.base_azure_v1), _preview_headers(ctx, revision, ctx.revision_azure_v1)
    if a != b:
        diff.preview_headers = ValueChange(a, b)
    diff.request_body = compare_request_bodies(ctx, base.node, base.pointer, revision.node, revision.pointer)
    diff.responses = compare_responses(ctx, base.node.get("responses"), jp.join(base.pointer, "responses"),
                                       revision.node.get("responses"), jp.join(revision.pointer, "responses"))
    diff.security = compare_security(_effective_security(ctx.base, base), _effective_security(ctx.revision, revision))
    diff.extensions = compare_extensions(base.node, revision.node)
    return diff


def _shape(path: str) -> str:
    return _PARAM.sub("{}", path)


def _effective_security(spec: Spec, op: OpSide) -> list[Any]:
    return requirements(spec, op.node["security"] if "security" in op.node else spec.document.get("security"))
