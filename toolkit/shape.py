"""The JSON shape that engines which execute a spec rely on: mappings where OpenAPI has objects, lists where it
has arrays, strings where it has names and references.

`validate` reports a wrongly shaped document as findings; the diff and the downgrade work around it. But the
contract runner hands the document to Schemathesis and the mock serves it, and both crash deep inside third-party
code on, say, `paths: []` or a schema that is a string. They call `first_shape_problem` first and refuse the spec
in one line that names the place. The walk is cheap (one pass, no `$ref` resolution), so it runs on every spec.
"""

from __future__ import annotations

from typing import Any, Iterator

from . import pointer as jp
from .errors import SpecLoadError
from .model import HTTP_METHODS
from .schemas import iter_schemas, top_level_schemas

_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems", "required", "enum")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "discriminator")
_SCHEMA_COUNTS = ("minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties", "minContains",
                  "maxContains")
_SCHEMA_NUMBERS = ("minimum", "maximum", "multipleOf")
_SCHEMA_STRINGS = ("format", "pattern")
_SCHEMA_SUBSCHEMAS = ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
                      "unevaluatedProperties", "unevaluatedItems", "additionalItems")


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


def _expect(value: Any, types: tuple[type, ...], what: str, where: str) -> Iterator[tuple[str, str]]:
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        yield where, f"{what} is {_kind(value)}"


def _ref_ok(node: dict[str, Any], where: str) -> Iterator[tuple[str, str]]:
    if "$ref" in node:
        yield from _expect(node["$ref"], (str,), "$ref", jp.join(where, "$ref"))


def _media(content: Any, where: str) -> Iterator[tuple[str, str]]:
    yield from _expect(content, (dict,), "content", where)
    if isinstance(content, dict):
        for media_type, media in content.items():
            yield from _expect(media, (dict,), "a media type object", jp.join(where, media_type))
            if isinstance(media, dict) and "examples" in media:
                yield from _expect(media["examples"], (dict,), "examples", jp.join(where, media_type, "examples"))


def _security(holder: dict[str, Any], where: str) -> Iterator[tuple[str, str]]:
    """A security requirement list: a list of mappings from scheme names to lists of scopes."""
    if "security" not in holder:
        return
    where = jp.join(where, "security")
    yield from _expect(holder["security"], (list,), "security", where)
    for i, requirement in enumerate(holder["security"]) if isinstance(holder["security"], list) else ():
        yield from _expect(requirement, (dict,), "a security requirement", jp.join(where, i))
        for name, scopes in requirement.items() if isinstance(requirement, dict) else ():
            yield from _expect(scopes, (list,), "a security requirement's scopes", jp.join(where, i, name))


def _operation_problems(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    yield from _security(document, "#")
    paths = document.get("paths", {})
    yield from _expect(paths, (dict,), "paths", "#/paths")
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        where = jp.join("#/paths", path)
        yield from _expect(item, (dict,), "a path item", where)
        if not isinstance(item, dict):
            continue
        yield from _ref_ok(item, where)
        operations = [(jp.join(where, m), item[m]) for m in HTTP_METHODS if m in item]
        for op_where, op in operations:
            yield from _expect(op, (dict,), "an operation", op_where)
        for owner_where, owner in [(where, item), *operations]:
            if not isinstance(owner, dict):
                continue
            params = owner.get("parameters", [])
            yield from _expect(params, (list,), "parameters", jp.join(owner_where, "parameters"))
            for i, param in enumerate(params if isinstance(params, list) else []):
                p_where = jp.join(owner_where, "parameters", i)
                yield from _expect(param, (dict,), "a parameter", p_where)
                if isinstance(param, dict) and "$ref" not in param:
                    for key in ("name", "in"):
                        yield from _expect(param.get(key), (str,), f"parameter {key}", jp.join(p_where, key))
                    if "content" in param:
                        yield from _media(param["content"], jp.join(p_where, "content"))
        for op_where, op in operations:
            if not isinstance(op, dict):
                continue
            yield from _security(op, op_where)
            body = op.get("requestBody")
            if body is not None:
                yield from _expect(body, (dict,), "requestBody", jp.join(op_where, "requestBody"))
                if isinstance(body, dict) and "$ref" not in body:
                    yield from _media(body.get("content", {}), jp.join(op_where, "requestBody", "content"))
            responses = op.get("responses", {})
            yield from _expect(responses, (dict,), "responses", jp.join(op_where, "responses"))
            for code, response in (responses.items() if isinstance(responses, dict) else ()):
                r_where = jp.join(op_where, "responses", code)
                yield from _expect(response, (dict,), "a response", r_where)
                if isinstance(response, dict) and "$ref" not in response:
                    if "content" in response:
                        yield from _media(response["content"], jp.join(r_where, "content"))
                    yield from _expect(response.get("headers", {}), (dict,), "headers", jp.join(r_where, "headers"))


def _schema_problems(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    components = document.get("components", {})
    yield from _expect(components, (dict,), "components", "#/components")
    if isinstance(components, dict):
        for group, entries in components.items():
            if not group.startswith("x-"):
                yield from _expect(entries, (dict,), f"components.{group}", jp.join("#/components", group))
    for where, schema in top_level_schemas(document):
        yield from _expect(schema, (dict, bool), "a schema", where)
    for where, schema in iter_schemas(document, include_booleans=True):
        if isinstance(schema, bool):
            continue
        yield from _ref_ok(schema, where)
        kind = schema.get("type")
        if isinstance(kind, list):
            if not all(isinstance(t, str) for t in kind):
                yield jp.join(where, "type"), "type is a list with an entry that is not a type name"
        elif kind is not None and not isinstance(kind, str):
            yield jp.join(where, "type"), f"type is {_kind(kind)}, not a type name"
        if isinstance(schema.get("required"), list) and not all(isinstance(n, str) for n in schema["required"]):
            yield jp.join(where, "required"), "required lists something that is not a property name"
        for key in _SCHEMA_LISTS:
            if key in schema:
                yield from _expect(schema[key], (list,), key, jp.join(where, key))
        for key in _SCHEMA_MAPS:
            if key in schema:
                yield from _expect(schema[key], (dict,), key, jp.join(where, key))
        yield from _keyword_problems(schema, where)
        for key in _SCHEMA_SUBSCHEMAS:
            if key in schema:
                yield from _expect(schema[key], (dict, bool, list) if key == "items" else (dict, bool), f"{key}",
                                   jp.join(where, key))
        for key in ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"):
            for name, sub in (schema.get(key) or {}).items() if isinstance(schema.get(key), dict) else ():
                yield from _expect(sub, (dict, bool), "a schema", jp.join(where, key, name))
        for key in ("allOf", "anyOf", "oneOf", "prefixItems"):
            for i, sub in enumerate(schema.get(key) or []) if isinstance(schema.get(key), list) else ():
                yield from _expect(sub, (dict, bool), "a schema", jp.join(where, key, i))


def _keyword_problems(schema: dict[str, Any], where: str) -> Iterator[tuple[str, str]]:
    """Scalar keywords that validators and sample builders compute with (counts, bounds, formats, tags)."""
    for key in _SCHEMA_COUNTS:
        if key in schema and not (isinstance(schema[key], int) and not isinstance(schema[key], bool) and schema[key] >= 0):
            yield jp.join(where, key), f"{key} is {_kind(schema[key])}, not a non-negative integer"
    for key in _SCHEMA_NUMBERS:
        if key in schema:
            yield from _expect(schema[key], (int, float), key, jp.join(where, key))
    for key in ("exclusiveMinimum", "exclusiveMaximum"):
        if key in schema:
            yield from _expect(schema[key], (int, float, bool), key, jp.join(where, key))
    for key in _SCHEMA_STRINGS:
        if key in schema:
            yield from _expect(schema[key], (str,), key, jp.join(where, key))
    discriminator = schema.get("discriminator")
    if isinstance(discriminator, dict):
        yield from _expect(discriminator.get("propertyName"), (str,), "discriminator.propertyName",
                           jp.join(where, "discriminator", "propertyName"))
        mapping = discriminator.get("mapping", {})
        yield from _expect(mapping, (dict,), "discriminator.mapping", jp.join(where, "discriminator", "mapping"))
        for tag, target in mapping.items() if isinstance(mapping, dict) else ():
            yield from _expect(target, (str,), "a discriminator mapping target",
                               jp.join(where, "discriminator", "mapping", tag))


def shape_problems(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(pointer, what is wrong) for every place whose JSON type is not what OpenAPI says."""
    yield from _operation_problems(document)
    yield from _schema_problems(document)


def first_shape_problem(document: dict[str, Any]) -> tuple[str, str] | None:
    return next(shape_problems(document), None)


def require_shape(document: dict[str, Any], name: str, purpose: str) -> None:
    """Raise a one-line `SpecLoadError` when the document cannot be used for `purpose` ("a contract run")."""
    problem = first_shape_problem(document)
    if problem is not None:
        where, what = problem
        raise SpecLoadError(name, f"{what}, so it cannot be used for {purpose} (see 'aoai-spec validate')", where)
