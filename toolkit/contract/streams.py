"""Server-Sent Event streams: each `data:` event checked against the spec's stream-chunk schema, and the
`data: [DONE]` terminator required where the spec says the stream ends with one.

Both rules are read from the spec, not from a list of operations:
- the chunk schema is the `text/event-stream` schema of a 2xx answer when the operation documents one; else the
  branch of the 2xx JSON answer's `oneOf`/`anyOf` that is named as a stream (2024-10-21 chat answers
  `oneOf [createChatCompletionResponse, createChatCompletionStreamResponse]`); else the component named like the
  JSON answer with `Stream` before `Response` (`createChatCompletionStreamResponse`);
- `[DONE]` is required when the request body's `stream` or `stream_options` property says so in its description
  ("the stream terminated by a `data: [DONE]` message"); the Responses API's event streams say nothing of the
  kind and end with their `response.completed` event instead.

The checks are registered with Schemathesis, so they judge every streamed answer of every phase.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterator

import schemathesis
from schemathesis.core.failures import Failure

from ..model import Operation, Spec
from .checks import BY_NAME
from .prepare import SSE

DONE = "[DONE]"
_STREAM_NAME = re.compile(r"(?i)stream")


@dataclass(frozen=True)
class StreamRule:
    chunk_schema: Any  # None: the spec has no stream-chunk schema for this operation
    chunk_source: str
    done_required: bool


def _properties(spec: Spec, schema: Any, depth: int = 0) -> dict[str, Any]:
    schema = spec.try_deref(schema)
    if not isinstance(schema, dict) or depth > 6:
        return {}
    found = dict(schema.get("properties") or {}) if isinstance(schema.get("properties"), dict) else {}
    for part in schema.get("allOf") or []:
        found.update(_properties(spec, part, depth + 1))
    return found


def _mentions_done(spec: Spec, node: Any, depth: int = 0) -> bool:
    node = spec.try_deref(node)
    if depth > 3 or not isinstance(node, dict):
        return False
    if DONE in str(node.get("description", "")):
        return True
    return any(_mentions_done(spec, sub, depth + 1) for sub in _properties(spec, node).values())


def _json_schema(spec: Spec, op: Operation, media: str) -> Any:
    responses = op.node.get("responses") if isinstance(op.node.get("responses"), dict) else {}
    for status, response in responses.items():
        if not str(status).startswith("2"):
            continue
        content = (spec.try_deref(response) or {}).get("content") or {}
        for name, value in content.items() if isinstance(content, dict) else ():
            if name.split(";")[0].strip() == media and isinstance(value, dict) and "schema" in value:
                return value["schema"]
    return None


def _chunk_schema(spec: Spec, op: Operation) -> tuple[Any, str]:
    documented = _json_schema(spec, op, SSE)
    if documented is not None:
        return documented, f"its {SSE} schema"
    answer = _json_schema(spec, op, "application/json")
    if not isinstance(answer, dict):
        return None, ""
    resolved = spec.try_deref(answer)
    for key in ("oneOf", "anyOf"):
        for branch in (resolved or {}).get(key) or [] if isinstance(resolved, dict) else []:
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            if isinstance(ref, str) and _STREAM_NAME.search(ref.rsplit("/", 1)[-1]):
                return branch, f"the {key} branch {ref.rsplit('/', 1)[-1]} of its JSON answer"
    ref = answer.get("$ref")
    if isinstance(ref, str) and "Response" in ref.rsplit("/", 1)[-1]:
        name = ref.rsplit("/", 1)[-1].replace("Response", "StreamResponse", 1)
        if name in spec.schemas:
            return {"$ref": f"#/components/schemas/{name}"}, f"the component {name}"
    return None, ""


def stream_rules(spec: Spec) -> dict[str, StreamRule]:
    """Operation label -> its stream rule, for operations whose JSON request body has a `stream` property."""
    from .boundaries import json_body_schema

    rules = {}
    for op in spec.operations():
        props = _properties(spec, json_body_schema(spec, op))
        if "stream" not in props:
            continue
        schema, source = _chunk_schema(spec, op)
        done = any(_mentions_done(spec, props[name]) for name in ("stream", "stream_options") if name in props)
        rules[op.key] = StreamRule(schema, source, done)
    return rules


def events(text: str) -> Iterator[str]:
    """The `data` of each event of an SSE body (multi-line data joined with newlines)."""
    for block in re.split(r"\r\n\r\n|\n\n|\r\r", text):
        lines = [line[5:].removeprefix(" ") for line in re.split(r"\r\n|\n|\r", block) if line.startswith("data:")]
        if lines:
            yield "\n".join(lines)


def chunk_problem(text: str, rule: StreamRule, validator: Any) -> str | None:
    """Why the stream's events do not match the chunk schema (the first bad event), or None."""
    for index, data in enumerate(events(text)):
        if data == DONE:
            continue
        try:
            chunk = json.loads(data)
        except ValueError:
            return f"event {index}: `data` is not JSON: {data[:80]!r}"
        problem = validator.first_error(chunk, rule.chunk_schema)
        if problem:
            return f"event {index} does not match {rule.chunk_source}: {problem}"
    return None


def done_problem(text: str) -> str | None:
    data = list(events(text))
    if not data:
        return "the stream has no `data:` event at all"
    if data[-1] != DONE:
        return f"the stream ended without `data: {DONE}` ({len(data)} events)"
    return None


class StreamChunkInvalid(Failure):
    code = BY_NAME["stream_chunks"].id
    kind_title = BY_NAME["stream_chunks"].title


class StreamNotTerminated(Failure):
    code = BY_NAME["stream_done"].id
    kind_title = BY_NAME["stream_done"].title


def _streamed(response: Any) -> str | None:
    value = response.headers.get("content-type") or response.headers.get("Content-Type") or ""
    value = value[0] if isinstance(value, list) and value else value
    if SSE not in str(value).lower():
        return None
    return (response.content or b"").decode("utf-8", "replace")


def _rule(case: Any) -> tuple[StreamRule | None, Any]:
    from .hooks import current

    hooks = current(case)
    if hooks is None or hooks.streams is None:
        return None, None
    return hooks.streams.rules.get(case.operation.label), hooks.streams.validator


@schemathesis.check
def stream_chunks(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every event of a streamed answer is a chunk valid for the spec's stream-chunk schema."""
    rule, validator = _rule(case)
    text = _streamed(response)
    if rule is None or rule.chunk_schema is None or text is None:
        return True  # not applicable (Schemathesis' convention: a truthy return is a skip, None a pass)
    problem = chunk_problem(text, rule, validator)
    if problem:
        raise StreamChunkInvalid(operation=case.operation.label, title=StreamChunkInvalid.kind_title, message=problem)
    return None


@schemathesis.check
def stream_done(ctx: Any, response: Any, case: Any) -> bool | None:
    """A streamed answer ends with `data: [DONE]` where the spec says it does."""
    rule, _ = _rule(case)
    text = _streamed(response)
    if rule is None or not rule.done_required or text is None:
        return True  # not applicable
    problem = done_problem(text)
    if problem:
        raise StreamNotTerminated(operation=case.operation.label, title=StreamNotTerminated.kind_title, message=problem)
    return None
