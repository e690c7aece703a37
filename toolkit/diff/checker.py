"""Judging a diff tree: walk it, run every rule at the node kind it inspects, collect `Change`s."""

from __future__ import annotations

import dataclasses
from typing import Iterable, Iterator

from .config import OFF, RuleConfig
from .engine import SpecDiff
from .paths_diff import OperationDiff
from .report import LEVEL_ORDER, Change, fingerprint
from .rules import RULES, Hit, Rule, SchemaContext
from .schema_diff import SchemaDiff

MAX_SCHEMA_DEPTH = 16  # property-path tokens; deeper nesting repeats what was already reported above it
MAPPED_BODY_PROPERTY = "model"  # on the v1 surface the deployment travels in the body as `model`


def check(diff: SpecDiff, config: RuleConfig, *, include_docs: bool = False) -> list[Change]:
    active = [(rule, config.level_of(rule.id, rule.level)) for rule in RULES]
    active = [(rule, level) for rule, level in active if level != OFF and (include_docs or level != "doc")]
    spec_rules = [(r, lv) for r, lv in active if r.kind == "spec"]
    op_rules = [(r, lv) for r, lv in active if r.kind == "operation"]
    schema_rules = {scope: [(r, lv) for r, lv in active if r.kind == "schema" and r.scope in (scope, None)]
                    for scope in ("request", "response", "parameter")}
    out: dict[str, Change] = {}

    def emit(rule: Rule, level: str, operation: str, hits: Iterable[Hit]) -> None:
        for hit in hits:
            op = hit.operation if hit.operation is not None else operation
            fp = fingerprint(rule.id, op, hit.element, hit.message)
            out.setdefault(fp, Change(rule.id, level, rule.direction, op, hit.element, hit.message, hit.base,
                                      hit.revision, fp))

    for rule, level in spec_rules:
        emit(rule, level, "", rule.check(diff))
    ctx = diff.context
    for op in diff.operations:
        for rule, level in op_rules:
            emit(rule, level, op.key, rule.check(op))
        for scope, where, root in _schema_roots(op, op.model_is_deployment):
            sctx = SchemaContext(scope, op.key, where, (), ctx.base_viewer, ctx.revision_viewer, lifecycle=ctx.lifecycle)
            _walk(root, sctx, schema_rules[scope], emit, set())
    return sorted(out.values(), key=lambda c: (c.operation == "", c.operation, LEVEL_ORDER[c.level], c.id, c.element))


def _schema_roots(op: OperationDiff, model_is_deployment: bool) -> Iterator[tuple[str, str, SchemaDiff]]:
    for pd in op.parameters.modified:
        if pd.schema is not None:
            yield "parameter", pd.revision.label, pd.schema
    body = op.request_body
    if body is not None:
        several = len(body.content.modified) > 1
        for media, md in body.content.modified.items():
            if md.schema is not None:
                root = _without_model(md.schema) if model_is_deployment else md.schema
                if root is not None:
                    yield "request", media if several else "", root
    for status, response in op.responses.modified.items():
        several = len(response.content.modified) > 1
        for media, md in response.content.modified.items():
            if md.schema is not None:
                yield "response", f"status {status}" + (f", {media}" if several else ""), md.schema
        for hd in response.headers:
            if hd.schema is not None:
                yield "response", f"status {status}, header `{hd.revision.name}`", hd.schema


def _without_model(d: SchemaDiff) -> SchemaDiff | None:
    """The request body diff with the body `model` left out: it is the dated deployment path parameter."""
    name = MAPPED_BODY_PROPERTY
    stripped = dataclasses.replace(
        d,
        properties_added={k: v for k, v in d.properties_added.items() if k != name},
        properties_removed={k: v for k, v in d.properties_removed.items() if k != name},
        required_added=[k for k in d.required_added if k != name],
        required_removed=[k for k in d.required_removed if k != name],
    )
    return None if stripped.empty else stripped


def _walk(d: SchemaDiff, ctx: SchemaContext, rules: list[tuple[Rule, str]], emit, stack: set[int]) -> None:
    if id(d) in stack or len(ctx.path) > MAX_SCHEMA_DEPTH:
        return
    stack.add(id(d))
    for rule, level in rules:
        if not rule.when or any(getattr(d, name) for name in rule.when):
            emit(rule, level, ctx.operation, rule.check(d, ctx))
    for name, sub in d.properties.items():
        _walk(sub, dataclasses.replace(ctx, path=ctx.path + (name,), required=name in d.revision.required), rules,
              emit, stack)
    if d.items is not None:
        _walk(d.items, dataclasses.replace(ctx, path=ctx.path + ("[]",), required=True), rules, emit, stack)
    if d.additional is not None:
        _walk(d.additional, dataclasses.replace(ctx, path=ctx.path + ("{*}",), required=True), rules, emit, stack)
    for key, branch in d.branches.items():
        for label, sub in branch.modified:
            _walk(sub, dataclasses.replace(ctx, path=ctx.path + (f"({label})",)), rules, emit, stack)
    stack.discard(id(d))
