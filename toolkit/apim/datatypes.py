"""A port of OpenAPI.NET v1's `Data and type mismatch found.` check (`RuleHelpers.ValidateDataTypeMismatch`).

APIM runs it over every `example`, `default` and `enum` value and reports failures as import errors. It is
much weaker than JSON Schema validation, on purpose: it only compares a value with `type` + `format`, accepts
a string for any object or array (an escaped serialisation), follows `properties`/`additionalProperties`/
`items`, ignores allOf/anyOf/oneOf, and lets `null` through only when the schema says `nullable: true`.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Any, Callable, Iterator

from .. import pointer as jp

_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)

Deref = Callable[[Any], Any]


def _is_int(value: Any, bounds: tuple[int, int]) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and bounds[0] <= value <= bounds[1]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _parses(value: Any, parse: Callable[[str], Any]) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parse(value)
    except (ValueError, binascii.Error):
        return False
    return True


def _datetime(text: str) -> Any:
    return datetime.fromisoformat(text.replace("z", "Z"))


def _byte(text: str) -> Any:
    return base64.b64decode(text, validate=True)


def _scalar_ok(kind: str, fmt: Any, value: Any) -> bool:
    if kind == "integer":
        return _is_int(value, _INT32 if fmt == "int32" else _INT64)
    if kind == "number":
        if fmt in ("int32", "int64"):
            return _is_int(value, _INT32 if fmt == "int32" else _INT64)
        return _is_number(value)
    if kind == "string":
        if fmt == "date-time":
            return _parses(value, _datetime)
        if fmt == "date":
            return _parses(value, date.fromisoformat)
        if fmt == "byte":
            return _parses(value, _byte)
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    return True


def mismatches(value: Any, schema: Any, where: str, deref: Deref, depth: int = 0) -> Iterator[str]:
    """Pointers (below `where`, the value's own pointer) at which `value` does not match `schema`."""
    schema = deref(schema)
    if not isinstance(schema, dict) or depth > 64:
        return
    kind = schema.get("type")
    if value is None:
        if schema.get("nullable") is not True and isinstance(kind, str):
            yield where
        return
    if kind == "object":
        if isinstance(value, str):
            return
        if not isinstance(value, dict):
            yield where
            return
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            sub = props.get(key, extra if isinstance(extra, dict) else None)
            if sub is not None:
                yield from mismatches(item, sub, jp.join(where, key), deref, depth + 1)
        return
    if kind == "array":
        if isinstance(value, str):
            return
        if not isinstance(value, list):
            yield where
            return
        for i, item in enumerate(value):
            yield from mismatches(item, schema.get("items"), jp.join(where, i), deref, depth + 1)
        return
    if isinstance(kind, str) and not _scalar_ok(kind, schema.get("format"), value):
        yield where
