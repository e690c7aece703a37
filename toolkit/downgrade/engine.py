"""Runs the conversion table over a copy of the document: prepass, every schema, document, repairs."""

from __future__ import annotations

import pickle
from typing import Any

from ..model import Spec
from ..schemas import iter_schemas
from . import document_conversions, references, repairs, schema_conversions  # noqa: F401  (register the table)
from .registry import Context, by_stage
from .result import DowngradeResult


def downgrade_document(document: dict[str, Any], *, in_place: bool = False) -> DowngradeResult:
    """Convert a bundled OpenAPI 3.1 (or mixed, or 3.0) document to 3.0.3. The input is copied first unless
    `in_place` (for callers that discard it, such as the CLI)."""
    source_version = str(document.get("openapi", ""))
    ctx = Context(document if in_place else pickle.loads(pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)))
    for step in by_stage("prepass"):
        ctx.current = step.id
        _guarded(step.apply, ctx, "#", ctx)
    schema_steps = by_stage("schema")
    triggers = frozenset(k for step in schema_steps for k in step.keywords)
    plans: dict[frozenset[str], list[tuple[int, Any]]] = {}  # the steps a schema needs follow from its trigger keys

    def plan_for(keys: frozenset[str]) -> list[tuple[int, Any]]:
        if keys not in plans:
            plans[keys] = [(i, step) for i, step in enumerate(schema_steps)
                           if not step.keywords or keys.intersection(step.keywords)]
        return plans[keys]

    visited: list[tuple[str, dict[str, Any]]] = []
    for where, schema in iter_schemas(ctx.document):
        visited.append((where, schema))
        keys = triggers.intersection(schema)
        done = -1
        while True:  # a step that adds keywords (null-branch merging a branch in) re-plans the later steps
            for position, step in plan_for(keys):
                if position <= done or not step.applies_to(schema):
                    continue
                ctx.current = step.id
                before, recorded = _shape(schema), len(ctx.changes)
                _guarded(step.apply, ctx, where, schema, where, ctx)
                if len(ctx.changes) == recorded and _shape(schema) != before:
                    ctx.rewrite(where, step.summary)
                done = position
                now = triggers.intersection(schema)
                if now != keys:
                    keys = now
                    break
            else:
                break
    ctx.share_schemas(visited)  # parents never change after their children are visited: the list is final
    for stage in ("document", "repair"):
        for step in by_stage(stage):
            ctx.current = step.id
            _guarded(step.apply, ctx, "#", ctx)
    return DowngradeResult(document=ctx.document, changes=ctx.changes, source_version=source_version)


def _shape(schema: dict[str, Any]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """A cheap fingerprint of one schema's own keys: the keys and the identity of each value (a conversion that
    rewrites a schema replaces, adds or removes keys; its children are visited on their own). Built by C-level
    calls only: it is taken around every conversion that applies, some 100,000 times on OpenAI's spec."""
    return tuple(schema), tuple(map(id, schema.values()))


MALFORMED = "malformed input, left as it was"


def _guarded(apply: Any, ctx: Context, where: str, *args: Any) -> None:
    """Run one conversion; a value of the wrong type (`allOf: true`, a `type` that is an object) makes it skip that
    place with a reported loss instead of a crash. Conversions are written for well-formed input, and the
    validator is the one to report malformed input; the real-spec tests assert this never fires on them."""
    try:
        apply(*args)
    except (TypeError, AttributeError, KeyError, ValueError, IndexError) as exc:
        ctx.lose(where, f"{MALFORMED} ({type(exc).__name__}: {exc})"[:200])


def downgrade(spec: Spec, *, in_place: bool = False) -> DowngradeResult:
    """The public entry point: `spec.document` converted to OpenAPI 3.0.3, with its loss report."""
    return downgrade_document(spec.document, in_place=in_place)
