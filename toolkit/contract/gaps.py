"""Spec gaps: failures no conforming server could avoid, told apart from server defects by reading the spec and
the request (never from a list of known operations).

Each rule is a small declarative unit: an id, the checks whose failures it may explain, the reason it gives, and
a predicate over the failure's context. A failure a rule explains is reported as `spec_gap` with that reason; it
does not fail the run unless `--strict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..model import Operation, Spec
from .prepare import SSE


@dataclass(frozen=True)
class GapContext:
    spec: Spec
    operation: Operation
    check: str
    status: int | None
    response_type: str  # the answer's Content-Type, lower case, without parameters
    request_body: Any  # the parsed JSON body that was sent, or None
    message: str


@dataclass(frozen=True)
class GapRule:
    id: str
    checks: frozenset[str]
    reason: Callable[[GapContext], str | None]  # None: the rule does not explain this failure

    def explain(self, ctx: GapContext) -> str | None:
        return self.reason(ctx) if ctx.check in self.checks else None


def _documented_statuses(op: Operation) -> list[str]:
    responses = op.node.get("responses")
    return [str(code) for code in responses] if isinstance(responses, dict) else []


def _undocumented_refusal(ctx: GapContext) -> str | None:
    if ctx.status is None or not 400 <= ctx.status < 500:
        return None
    documented = _documented_statuses(ctx.operation)
    if any(code.startswith("4") or code == "default" for code in documented):
        return None
    return (f"{ctx.operation.key} documents only {', '.join(documented) or 'no response'}: no 4xx and no `default`, "
            f"so a server cannot refuse a request ({ctx.status}) in a way the spec allows")


def _media_types(spec: Spec, op: Operation, status: int | None) -> set[str]:
    responses = op.node.get("responses") if isinstance(op.node.get("responses"), dict) else {}
    chosen = responses.get(str(status)) or responses.get(f"{str(status)[:1]}XX") or responses.get("default")
    content = (spec.try_deref(chosen) or {}).get("content") if chosen is not None else None
    return {name.split(";")[0].strip().lower() for name in content} if isinstance(content, dict) else set()


def _undocumented_stream(ctx: GapContext) -> str | None:
    asked = isinstance(ctx.request_body, dict) and ctx.request_body.get("stream") is True
    if not asked or ctx.response_type != SSE:
        return None
    documented = _media_types(ctx.spec, ctx.operation, ctx.status)
    if SSE in documented:
        return None
    return (f"{ctx.operation.key} documents only {', '.join(sorted(documented)) or 'no media type'} for "
            f"{ctx.status}, but the request's `stream: true` asks for Server-Sent Events, which Azure sends")


def _branch_refs(spec: Spec, schema: Any) -> list[tuple[str, Any]]:
    schema = spec.try_deref(schema)
    found = []
    for key in ("oneOf",):
        for branch in (schema or {}).get(key) or [] if isinstance(schema, dict) else []:
            if isinstance(branch, dict) and isinstance(branch.get("$ref"), str):
                found.append((branch["$ref"], spec.try_deref(branch)))
    return found


def _overlapping_one_of(ctx: GapContext) -> str | None:
    if "valid under each of" not in ctx.message and "more than one" not in ctx.message:
        return None
    responses = ctx.operation.node.get("responses") if isinstance(ctx.operation.node.get("responses"), dict) else {}
    for response in responses.values():
        content = (ctx.spec.try_deref(response) or {}).get("content") or {}
        for media in content.values() if isinstance(content, dict) else ():
            branches = _branch_refs(ctx.spec, media.get("schema") if isinstance(media, dict) else None)
            refs = {ref for ref, _ in branches}
            for ref, schema in branches:
                parts = schema.get("allOf") if isinstance(schema, dict) else None
                included = [p["$ref"] for p in parts or [] if isinstance(p, dict) and p.get("$ref") in refs - {ref}]
                if included:
                    name, other = ref.rsplit("/", 1)[-1], included[0].rsplit("/", 1)[-1]
                    return (f"oneOf lists {name} and {other}, but {name} includes {other} (allOf), so every "
                            f"{name} body is also a {other} body and no answer can match exactly one")
    return None


RULES: tuple[GapRule, ...] = (
    GapRule("undocumented-refusal", frozenset({"status_code_conformance"}), _undocumented_refusal),
    GapRule("undocumented-stream", frozenset({"content_type_conformance", "response_schema_conformance",
                                              "status_code_conformance"}), _undocumented_stream),
    GapRule("overlapping-oneof", frozenset({"response_schema_conformance"}), _overlapping_one_of),
)


def explain(ctx: GapContext) -> tuple[str, str] | None:
    """(rule id, reason) of the first rule that explains the failure, or None: a server defect."""
    for rule in RULES:
        reason = rule.explain(ctx)
        if reason:
            return rule.id, reason
    return None
