"""Response bodies valid for the spec: its own examples first (when they validate), else one built from the schema.

Why hand-written: Hypothesis-based generators (hypothesis-jsonschema, Schemathesis' own) draw *random* values and are
slow to shrink to one instance; the mock needs one small, canonical, deterministic body per (operation, status,
media type, seed) in milliseconds, and every body is checked against the schema (`validation.SchemaValidator`)
before it is served, so a shortcut here can never reach a client as an invalid body.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from typing import Any, Callable

from ..model import Spec
from .validation import SchemaValidator

MAX_DEPTH = 12
ATTEMPTS = 6
MAX_COUNT = 256  # the longest array or string a sample builds, whatever minItems/minLength ask for

_FORMATS: dict[str, Any] = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "uri": "https://example.com/resource",
    "url": "https://example.com/resource",
    "email": "user@example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "byte": "",
    "binary": "",
    "unixtime": 1704067200,
}
_WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel")


class SampleBuilder:
    """Builds one small instance of a schema; `attempt` rotates the oneOf/anyOf choices to escape dead ends."""

    def __init__(self, spec: Spec, rng: random.Random, attempt: int = 0) -> None:
        self.spec = spec
        self.rng = rng
        self.attempt = attempt

    def build(self, schema: Any, depth: int = 0, stack: tuple[str, ...] = ()) -> Any:
        outer = stack
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            if ref in stack or depth > MAX_DEPTH:
                return None
            stack = (*stack, ref)
        schema = self.spec.try_deref(schema)
        if not isinstance(schema, dict):
            return {}
        subtype = self._mapped_subtype(schema, depth, outer, stack)
        if subtype is not None:
            return subtype
        if "const" in schema:
            return copy.deepcopy(schema["const"])
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            non_null = [v for v in schema["enum"] if v is not None]
            return copy.deepcopy(non_null[0] if non_null else None)
        if "example" in schema and depth > 0 and self.attempt == 0:
            return copy.deepcopy(schema["example"])
        if isinstance(schema.get("allOf"), list):
            return self._all_of(schema, depth, stack)
        for key in ("oneOf", "anyOf"):
            listed = schema.get(key) if isinstance(schema.get(key), list) else []  # `anyOf: null` is not a list
            options = [o for o in listed if not _is_null_schema(self.spec.try_deref(o))]
            if options:
                choice = options[(self.attempt + depth) % len(options)] if self.attempt else options[0]
                value = self.build(choice, depth + 1, stack)
                return self._apply_discriminator(schema, choice, value)
        kind = _type_of(schema)
        if kind == "object":
            return self._object(schema, depth, stack)
        if kind == "array":
            if depth > MAX_DEPTH - 2:
                return []
            count = max(_count(schema, "minItems"), 1 if depth < 6 else 0)
            return [self.build(schema.get("items", {}), depth + 1, stack) for _ in range(count)]
        if kind == "string":
            return self._string(schema)
        if kind == "integer":
            return int(_bounded(schema, 1))
        if kind == "number":
            return float(_bounded(schema, 0.5))
        if kind == "boolean":
            return False
        if kind == "null":
            return None
        return {}

    def _all_of(self, schema: dict[str, Any], depth: int, stack: tuple[str, ...]) -> Any:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = self.build(part, depth + 1, stack)
            if isinstance(value, dict):
                merged.update(value)
            elif not merged:
                return value
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        if rest.get("properties") or rest.get("required"):
            own = self._object(rest, depth, stack)
            if isinstance(own, dict):
                merged.update(own)
        return merged

    def _mapped_subtype(self, schema: dict[str, Any], depth: int, outer: tuple[str, ...],
                        stack: tuple[str, ...]) -> Any:
        """A base schema whose `discriminator.mapping` names its subtypes (no `oneOf`): build a mapped subtype, as
        an API answers with concrete objects. The subtype's `allOf` leads back to the base, built plainly then."""
        disc = schema.get("discriminator")
        mapping = disc.get("mapping") if isinstance(disc, dict) else None
        if not isinstance(mapping, dict) or not mapping or "oneOf" in schema or "anyOf" in schema:
            return None
        key = list(mapping)[self.attempt % len(mapping)]
        target = mapping[key]
        if not isinstance(target, str) or target in stack:
            return None
        value = self.build({"$ref": target}, depth + 1, outer)
        if isinstance(value, dict) and isinstance(disc.get("propertyName"), str):
            value[disc["propertyName"]] = key
        return value

    def _apply_discriminator(self, schema: dict[str, Any], choice: Any, value: Any) -> Any:
        disc = schema.get("discriminator")
        if not (isinstance(disc, dict) and isinstance(value, dict) and isinstance(choice, dict)):
            return value
        name = disc.get("propertyName")
        ref = choice.get("$ref")
        mapping = disc.get("mapping")
        for key, target in mapping.items() if isinstance(mapping, dict) else ():
            if target == ref and name:
                value[name] = key
        return value

    def _object(self, schema: dict[str, Any], depth: int, stack: tuple[str, ...]) -> dict[str, Any]:
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        listed = schema.get("required")
        required = [r for r in listed if isinstance(r, str)] if isinstance(listed, list) else []
        out: dict[str, Any] = {}
        if self.attempt >= ATTEMPTS // 2 and depth < 4:  # minimal objects can be ambiguous under oneOf: add the rest
            required = [*required, *(n for n in props if n not in required)]
        for name in required:
            out[name] = self.build(props.get(name, {}), depth + 1, stack)
        return out

    def _string(self, schema: dict[str, Any]) -> Any:
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt in _FORMATS:
            return _FORMATS[fmt]
        text = self.rng.choice(_WORDS)
        low, high = _count(schema, "minLength"), schema.get("maxLength")
        while len(text) < low:
            text += "x"
        if isinstance(high, int):
            text = text[:high]
        return text


def _count(schema: dict[str, Any], key: str) -> int:
    """A `minItems`/`minLength` to build with: 0 when it is not a count, at most MAX_COUNT (a sample, not a bomb)."""
    value = schema.get(key)
    return min(value, MAX_COUNT) if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _is_null_schema(schema: Any) -> bool:
    return isinstance(schema, dict) and (schema.get("type") == "null" or schema.get("enum") == [None])


def _type_of(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if kinds else "null"
    if kind:
        return str(kind)
    if "properties" in schema or "required" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return None


def _bounded(schema: dict[str, Any], default: float) -> float:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    value = default
    if isinstance(low, (int, float)) and not isinstance(low, bool):
        value = max(value, low + (1 if "exclusiveMinimum" in schema and not isinstance(schema.get("exclusiveMinimum"), bool) else 0))
    if isinstance(high, (int, float)) and not isinstance(high, bool):
        value = min(value, high)
    return value


def media_examples(media: dict[str, Any], spec: Spec) -> list[Any]:
    """A media type's own example values, in the order the spec gives them."""
    found: list[Any] = []
    if "example" in media:
        found.append(media["example"])
    examples = media.get("examples")
    for example in examples.values() if isinstance(examples, dict) else ():
        example = spec.try_deref(example)
        if isinstance(example, dict) and "value" in example:
            found.append(example["value"])
    return found


@dataclass
class Sample:
    """A body chosen for one response: where it came from (`example` | `generated` | `unvalidated`)."""

    body: Any
    origin: str
    problem: str | None = None


def choose_body(spec: Spec, validator: SchemaValidator, media: dict[str, Any], *, seed: int, salt: str) -> Sample:
    """The spec's first valid example, else the first valid generated instance, else the best effort (flagged)."""
    schema = media.get("schema", {})
    for example in media_examples(media, spec):
        if validator.is_valid(example, schema):
            return Sample(copy.deepcopy(example), "example")
    first: Any = None
    for attempt in range(ATTEMPTS):
        rng = random.Random(f"{seed}:{salt}:{attempt}")
        body = SampleBuilder(spec, rng, attempt).build(schema)
        if attempt == 0:
            first = body
        if validator.is_valid(body, schema):
            return Sample(body, "generated")
    return Sample(first, "unvalidated", validator.first_error(first, schema))


def patched(sample: Any, patch: Callable[[Any], Any], validator: SchemaValidator, schema: Any) -> Any:
    """Apply a realistic patch to a valid sample; keep the patch only when the result is still valid."""
    candidate = patch(copy.deepcopy(sample))
    return candidate if validator.is_valid(candidate, schema) else sample
