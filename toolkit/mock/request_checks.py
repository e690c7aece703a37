"""Request validation for one operation, compiled once at mount time.

Parameters are read as openapi-core reads them (style, explode, casting of text to the schema's type) and judged
with compiled validators; JSON bodies are judged by their media type's compiled validator. What this module does
not read (object or `content` parameters, cookies, untyped parameters, bodies other than JSON and multipart) is
marked `needs_openapi_core`, and the mounted spec hands the whole request to openapi-core instead.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from openapi_core.util import BOOLEAN_FALSE_VALUES, BOOLEAN_TRUE_VALUES, forcebool

from ..model import Operation, Spec
from .validation import SchemaValidator

_CASTS: dict[str, Callable[[str], Any]] = {"string": str, "integer": int, "number": float}
_READABLE = {"string", "integer", "number", "boolean"}


def _boolean(text: str) -> bool:
    if text.lower() not in BOOLEAN_TRUE_VALUES + BOOLEAN_FALSE_VALUES:
        raise ValueError("not a boolean format")
    return bool(forcebool(text))


def _caster(kind: str) -> Callable[[str], Any]:
    return _boolean if kind == "boolean" else _CASTS[kind]


@dataclass(frozen=True)
class ParameterCheck:
    """One path, query or header parameter with a primitive or array-of-primitive schema."""

    name: str
    location: str
    required: bool
    has_default: bool
    schema: Any
    validator: Any  # compiled
    kind: str  # the schema's type
    item_kind: str | None  # the items' type for arrays
    explode: bool

    def read(self, values: list[str]) -> Any:
        """Text to the schema's type, as openapi-core's style deserialisers and casters do (raises ValueError)."""
        if self.kind != "array":
            return _caster(self.kind)(values[0])
        cast = _caster(self.item_kind or "string")
        if self.location == "query" and self.explode:
            return [cast(v) for v in values]
        return [cast(v) for v in values[0].split(",")]

    def problem(self, values: list[str] | None) -> str | None:
        empty = bool(values) and values[0] == "" and self.location == "query" and self.kind != "array"  # type: ignore[index]
        if empty and self.validator.is_valid(""):
            values = None  # `after=`: an empty value the schema allows is read as no value (see `Mock.dispatch`)
        if not values:
            if self.required and not self.has_default:
                return f"MissingRequiredParameter: Missing required {self.location} parameter: {self.name}"
            return None
        if empty:
            return f"EmptyQueryParameterValue: Value of {self.name} query parameter cannot be empty"
        try:
            value = self.read(values)
        except (ValueError, TypeError, IndexError):
            return f"InvalidParameter: Failed to cast value to {self.kind} type: {values[0]!r} ({self.name})"
        error = next(iter(self.validator.iter_errors(value)), None)
        if error is None:
            return None
        return f"InvalidParameter: {error.message} ({self.location} parameter {self.name})"


@dataclass
class OperationCheck:
    """Everything openapi-core would check on a request to one operation, but security (the mock's own job)."""

    parameters: list[ParameterCheck]
    body_required: bool
    bodies: dict[str, Any]  # media type -> compiled validator (None: no schema); empty when there is no body
    has_body: bool
    needs_openapi_core: bool

    @classmethod
    def compile(cls, spec: Spec, op: Operation, validator: SchemaValidator) -> "OperationCheck":
        parameters: list[ParameterCheck] = []
        needs_openapi_core = False
        for param in op.parameters:
            check = _parameter(spec, param, validator)
            if check is None:
                needs_openapi_core = True
            else:
                parameters.append(check)
        body = spec.try_deref(op.node.get("requestBody"))
        body = body if isinstance(body, dict) else {}
        content = body.get("content") if isinstance(body.get("content"), dict) else {}
        bodies: dict[str, Any] = {}
        for media_type, media in content.items():
            media = spec.try_deref(media)
            if not _is_json(media_type) and not media_type.lower().startswith("multipart/form-data"):
                needs_openapi_core = True
            schema = media.get("schema") if isinstance(media, dict) else None
            bodies[media_type] = validator.validator(schema) if schema is not None and _is_json(media_type) else None
        return cls(parameters, body.get("required") is True, bodies, bool(body), needs_openapi_core)

    def parameter_problem(self, path: Mapping[str, str], query: Mapping[str, list[str]], headers: Any) -> str | None:
        for check in self.parameters:
            if check.location == "path":
                values = [path[check.name]] if check.name in path else None
            elif check.location == "query":
                values = query.get(check.name)
            else:
                found = headers.get(check.name)
                values = None if found is None else [found]
            problem = check.problem(values)
            if problem:
                return problem
        return None

    def body_problem(self, content_type: str, raw: bytes | None, body: Any) -> str | None:
        """A JSON body (already parsed) against its media type; multipart bodies are judged by the caller."""
        if not self.has_body:
            return None
        if not raw:
            return "MissingRequiredRequestBody: Missing required request body" if self.body_required else None
        media_type = _media_type(self.bodies, content_type)
        if media_type is None:
            return f"InvalidRequestBody: Content for the following mimetype not found: {content_type}. " \
                   f"Valid mimetypes: {sorted(self.bodies)}"
        compiled = self.bodies[media_type]
        if compiled is None or not _is_json(media_type):
            return None
        try:
            error = next(iter(compiled.iter_errors(body)), None)
        except ValueError as exc:  # a value jsonschema-rs cannot represent (an integer beyond 64 bits)
            return f"InvalidRequestBody: {exc}"
        if error is None:
            return None
        where = "/".join(str(p) for p in error.instance_path)
        return f"InvalidRequestBody: {error.message}" + (f" (at {where})" if where else "")


def _parameter(spec: Spec, param: dict[str, Any], validator: SchemaValidator) -> ParameterCheck | None:
    """A check for a parameter this module can read, else None (openapi-core reads it)."""
    location, style = param.get("in"), param.get("style")
    schema = param.get("schema")
    resolved = spec.try_deref(schema)
    if location not in ("path", "query", "header") or "content" in param or not isinstance(resolved, dict):
        return None
    kind = resolved.get("type")
    item_kind = None
    if kind == "array":
        items = spec.try_deref(resolved.get("items", {}))
        item_kind = items.get("type", "string") if isinstance(items, dict) else None
        if item_kind not in _READABLE or style not in (None, "form" if location == "query" else "simple"):
            return None
    elif kind not in _READABLE or style not in (None, "form", "simple"):
        return None
    explode = param["explode"] if isinstance(param.get("explode"), bool) else location == "query"
    return ParameterCheck(str(param.get("name")), location, param.get("required") is True, "default" in resolved,
                          schema, validator.validator(schema), kind, item_kind, explode)


def _is_json(media_type: str) -> bool:
    base = media_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


def _media_type(documented: Mapping[str, Any], content_type: str) -> str | None:
    """openapi-core's media type match: exact (with or without parameters), then a documented range."""
    base = content_type.split(";")[0].strip().lower()
    for candidate in (content_type, base):
        if candidate in documented:
            return candidate
    if base:
        for key in documented:
            if fnmatch.fnmatch(base, key):
                return key
    return None
