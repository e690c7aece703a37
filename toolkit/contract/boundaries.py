"""Boundary values, one fault per request: a valid request, then one value moved just outside (or onto) a bound.

Why hand-written: Schemathesis' coverage phase puts each boundary value on top of a base it draws for the case,
and that base can itself be invalid for another reason (chat's `max_tokens: null`, which the spec's allOf forbids),
so a server that rightly refuses the request never has the boundary tested. Here the base is one request the spec
accepts (its own example when valid, else a small instance built from the schema), checked with the spec's
validator, and each mutation changes exactly one value; a mutation is kept only if the validator agrees that it
is invalid (outside) or still valid (onto the bound), so no probe blames a server for another fault.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from typing import Any, Iterator

from ..model import Operation, Spec

OUTSIDE_ENUM = "aoai-spec-not-in-enum"
MAX_BUILT_ITEMS = 4096  # a maxItems above this is not probed (the request would be needlessly large)
MAX_BUILT_LENGTH = 100_000
NESTED_DEPTH = 2  # top-level properties, and the values of the base request one level down


@dataclass(frozen=True)
class Mutation:
    """One value changed: where (`location` in the request, `path` inside it), to what, and why."""

    location: str  # "body" | "query"
    path: tuple[str | int, ...]
    value: Any
    outside: bool  # True: must be refused; False: a valid value on the bound, must be accepted
    bound: str  # "maximum 2", "maxItems 4", "enum"
    rank: int  # probing order: lower first

    @property
    def describe(self) -> str:
        where = ".".join(str(p) for p in self.path)
        shown = _short(self.value)
        side = "outside" if self.outside else "on"
        return f"{self.location}.{where} = {shown} ({side} {self.bound})"


def _short(value: Any) -> str:
    if isinstance(value, list):
        return f"[{len(value)} items]"
    if isinstance(value, str) and len(value) > 24:
        return f"<{len(value)} chars>"
    return repr(value)


def json_body_schema(spec: Spec, op: Operation) -> Any:
    body = spec.try_deref(op.node.get("requestBody"))
    content = body.get("content") if isinstance(body, dict) else None
    media = content.get("application/json") if isinstance(content, dict) else None
    return media.get("schema") if isinstance(media, dict) else None


def _examples(spec: Spec, op: Operation) -> Iterator[Any]:
    body = spec.try_deref(op.node.get("requestBody"))
    media = ((body or {}).get("content") or {}).get("application/json") if isinstance(body, dict) else None
    if not isinstance(media, dict):
        return
    if "example" in media:
        yield media["example"]
    for example in (media.get("examples") or {}).values() if isinstance(media.get("examples"), dict) else ():
        example = spec.try_deref(example)
        if isinstance(example, dict) and "value" in example:
            yield example["value"]
    schema = spec.try_deref(media.get("schema"))
    if isinstance(schema, dict) and "example" in schema:
        yield schema["example"]


def valid_base(spec: Spec, op: Operation, validator: Any, pins: dict[str, Any]) -> dict[str, Any] | None:
    """One JSON body the spec accepts, with the run's pinned values (`model`) set: its example when valid, else
    a small instance built from the schema (attempts rotate the oneOf choices). None when there is none."""
    from ..mock.samples import ATTEMPTS, SampleBuilder

    schema = json_body_schema(spec, op)
    if schema is None:
        return None
    candidates = list(_examples(spec, op))
    candidates += [SampleBuilder(spec, random.Random(attempt), attempt).build(schema) for attempt in range(ATTEMPTS)]
    for candidate in candidates:
        if not isinstance(candidate, dict):
            continue
        body = {k: v for k, v in copy.deepcopy(candidate).items() if k != "stream"}  # an answer we can read whole
        body.update({k: v for k, v in pins.items() if k in body or _declares(spec, schema, k)})
        if validator.is_valid(body, schema):
            return body
    return None


def rich_body(spec: Spec, op: Operation, validator: Any,
              base: dict[str, Any] | None) -> tuple[dict[str, Any], int] | None:
    """The valid base with every optional top-level property the spec declares also set, each to a valid value
    on a documented bound where it has one (`n` at its maximum, `stop` at maxItems), else to a small sample; and
    how many were added. Built greedily: a property whose values would make the request invalid is left out, so
    the whole request stays valid and a refusal (or a 5xx) is the server's. Optional features are where a short
    run's generated requests rarely go. None when nothing can be added."""
    schema = json_body_schema(spec, op)
    if base is None or schema is None:
        return None
    body = copy.deepcopy(base)
    added = 0
    for props, _ in _property_maps(spec, schema, 0):
        for name, prop in props.items():
            if name in body or name == "stream":  # a whole answer to read; streams have their own probe
                continue
            candidates = [value for alternative in _alternatives(spec, prop)
                          for value, outside, _, _ in value_mutations(spec, alternative, None) if not outside]
            for value in [*candidates, _sample(spec, prop)]:
                if validator.is_valid({**body, name: value}, schema):
                    body[name] = copy.deepcopy(value)
                    added += 1
                    break
    return (body, added) if added else None


def _declares(spec: Spec, schema: Any, name: str) -> bool:
    return any(name in props for props, _ in _property_maps(spec, schema, 0))


def _property_maps(spec: Spec, schema: Any, depth: int) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """Each `properties` map of an object schema (through `$ref` and `allOf`), with its `required` list."""
    schema = spec.try_deref(schema)
    if not isinstance(schema, dict) or depth > 6:
        return
    if isinstance(schema.get("properties"), dict):
        required = schema.get("required") if isinstance(schema.get("required"), list) else []
        yield schema["properties"], required
    for part in schema.get("allOf") or []:
        yield from _property_maps(spec, part, depth + 1)


def _alternatives(spec: Spec, schema: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """The schema and every oneOf/anyOf/allOf branch of it: where a property's constraints can sit."""
    schema = spec.try_deref(schema)
    if not isinstance(schema, dict) or depth > 4:
        return
    yield schema
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key) or [] if isinstance(schema.get(key), list) else []:
            yield from _alternatives(spec, part, depth + 1)


def _kind(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    return kind if isinstance(kind, str) else None


def _sample(spec: Spec, schema: Any) -> Any:
    from ..mock.samples import SampleBuilder

    return SampleBuilder(spec, random.Random(0)).build(schema)


def value_mutations(spec: Spec, schema: dict[str, Any], current: Any) -> Iterator[tuple[Any, bool, str, int]]:
    """(value, outside, bound, rank) for one schema's documented bounds; `current` is the base's value if any."""
    kind = _kind(schema)
    if kind in ("integer", "number"):
        step = 1 if kind == "integer" else 0.1
        high, low = schema.get("maximum"), schema.get("minimum")
        if isinstance(high, (int, float)) and not isinstance(high, bool):
            exclusive = schema.get("exclusiveMaximum") is True
            yield (high if exclusive else _num(high + step, kind)), True, f"maximum {high}", 1 if kind == "number" else 2
            yield (_num(high - step, kind) if exclusive else high), False, f"maximum {high}", 6
        if isinstance(low, (int, float)) and not isinstance(low, bool):
            exclusive = schema.get("exclusiveMinimum") is True
            yield (low if exclusive else _num(low - step, kind)), True, f"minimum {low}", 3
            yield (_num(low + step, kind) if exclusive else low), False, f"minimum {low}", 7
    elif kind == "array":
        item = current[0] if isinstance(current, list) and current else _sample(spec, schema.get("items", {}))
        high, low = schema.get("maxItems"), schema.get("minItems")
        if isinstance(low, int) and low >= 1:
            yield [copy.deepcopy(item) for _ in range(low - 1)], True, f"minItems {low}", 0
        if isinstance(high, int) and 0 <= high < MAX_BUILT_ITEMS:
            yield [copy.deepcopy(item) for _ in range(high + 1)], True, f"maxItems {high}", 4
            if high > 1:
                yield [copy.deepcopy(item) for _ in range(high)], False, f"maxItems {high}", 6
    elif kind == "string":
        high, low = schema.get("maxLength"), schema.get("minLength")
        if isinstance(high, int) and high < MAX_BUILT_LENGTH:
            yield "x" * (high + 1), True, f"maxLength {high}", 5
        if isinstance(low, int) and low >= 1:
            yield "x" * (low - 1), True, f"minLength {low}", 5
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and all(isinstance(v, str) or v is None for v in enum):
        yield OUTSIDE_ENUM, True, "enum", 5


def _num(value: float, kind: str) -> int | float:
    return int(value) if kind == "integer" else round(value, 6)


def mutations(spec: Spec, op: Operation, base: dict[str, Any] | None) -> list[Mutation]:
    """Every candidate mutation of the operation's body and query, in probing order (not yet validated)."""
    found: list[Mutation] = []
    schema = json_body_schema(spec, op)
    if base is not None and schema is not None:
        found += _object_mutations(spec, schema, base, (), 0)
    for param in op.parameters:
        if param.get("in") == "query" and isinstance(param.get("name"), str) and param.get("name") != "api-version":
            for alternative in _alternatives(spec, param.get("schema")):
                for value, outside, bound, rank in value_mutations(spec, alternative, None):
                    found.append(Mutation("query", (param["name"],), value, outside, bound, rank))
    unique = {(m.location, m.path, repr(m.value), m.outside): m for m in found}
    return sorted(unique.values(), key=lambda m: (not m.outside, len(m.path), m.rank))


def _object_mutations(spec: Spec, schema: Any, base: dict[str, Any], prefix: tuple[str | int, ...],
                      depth: int) -> Iterator[Mutation]:
    seen: set[tuple[str, str]] = set()
    for props, _ in _property_maps(spec, schema, 0):
        for name, prop in props.items():
            for alternative in _alternatives(spec, prop):
                for value, outside, bound, rank in value_mutations(spec, alternative, base.get(name)):
                    if (name, bound + str(outside)) in seen:
                        continue
                    seen.add((name, bound + str(outside)))
                    yield Mutation("body", (*prefix, name), value, outside, bound, rank)
            current = base.get(name)
            if depth + 1 < NESTED_DEPTH and isinstance(current, list) and current and isinstance(current[0], dict):
                items = [a.get("items") for a in _alternatives(spec, prop) if isinstance(a.get("items"), (dict, bool))]
                for item_schema in items[:1]:
                    for variant in _alternatives(spec, item_schema):
                        yield from _object_mutations(spec, variant, current[0], (*prefix, name, 0), depth + 1)
            elif depth + 1 < NESTED_DEPTH and isinstance(current, dict):
                yield from _object_mutations(spec, prop, current, (*prefix, name), depth + 1)


def apply(base: dict[str, Any] | None, mutation: Mutation) -> dict[str, Any] | None:
    """The base body with the one value replaced (a copy); None when the path does not exist in the base."""
    if mutation.location != "body" or base is None:
        return copy.deepcopy(base)
    body = copy.deepcopy(base)
    node: Any = body
    for step in mutation.path[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    if not isinstance(node, dict):
        return None
    node[mutation.path[-1]] = copy.deepcopy(mutation.value)
    return body


def usable(spec: Spec, op: Operation, validator: Any, base: dict[str, Any] | None, mutation: Mutation) -> bool:
    """Whether a mutation is one fault (outside: the validator refuses it) or a valid value (on the bound)."""
    if mutation.location == "query":
        param = next((p for p in op.parameters if p.get("in") == "query" and p.get("name") == mutation.path[0]), None)
        schema = param.get("schema") if param else None
        return schema is not None and validator.is_valid(mutation.value, schema) != mutation.outside
    body = apply(base, mutation)
    schema = json_body_schema(spec, op)
    return body is not None and schema is not None and validator.is_valid(body, schema) != mutation.outside
