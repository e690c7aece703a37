"""Where the Schema Objects and the references are: walks that visit every schema (or every `$ref`) of a
document, and nothing else.

Knowing these positions is what keeps the downgrade and the checks from touching example values or
properties that happen to be named like keywords (`const`, `examples`, `$id`, a `$ref` key inside an example).
`load.ref_sites` is the loader's own walk: it must bundle every `$ref`, data included (external example files).
"""

from __future__ import annotations

from typing import Any, Iterator

from . import pointer as jp
from .model import HTTP_METHODS

# keyword -> how its value holds subschemas
_SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_SINGLE = (
    "not",
    "if",
    "then",
    "else",
    "propertyNames",
    "contains",
    "contentSchema",
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
)


def subschemas(schema: dict[str, Any], where: str) -> Iterator[tuple[str, Any]]:
    """The direct subschemas of one schema (booleans included), with their pointers."""
    for key in _SCHEMA_MAPS:
        value = schema.get(key)
        if isinstance(value, dict):
            for name, sub in value.items():
                yield jp.join(where, key, name), sub
    for key in _SCHEMA_LISTS:
        value = schema.get(key)
        if isinstance(value, list):
            for i, sub in enumerate(value):
                yield jp.join(where, key, i), sub
    for key in _SCHEMA_SINGLE:
        if key in schema and isinstance(schema[key], (dict, bool)):
            yield jp.join(where, key), schema[key]
    items = schema.get("items")
    if isinstance(items, (dict, bool)):
        yield jp.join(where, "items"), items
    elif isinstance(items, list):
        for i, sub in enumerate(items):
            yield jp.join(where, "items", i), sub


def _media_schemas(content: Any, where: str) -> Iterator[tuple[str, Any]]:
    if isinstance(content, dict):
        for media, obj in content.items():
            if isinstance(obj, dict) and "schema" in obj:
                yield jp.join(where, media, "schema"), obj["schema"]


def _parameter_like(obj: Any, where: str) -> Iterator[tuple[str, Any]]:
    """Parameters and headers hold a schema directly or inside `content`."""
    if isinstance(obj, dict):
        if "schema" in obj:
            yield jp.join(where, "schema"), obj["schema"]
        yield from _media_schemas(obj.get("content"), jp.join(where, "content"))


def _response(obj: Any, where: str) -> Iterator[tuple[str, Any]]:
    if isinstance(obj, dict):
        yield from _media_schemas(obj.get("content"), jp.join(where, "content"))
        headers = obj.get("headers")
        if isinstance(headers, dict):
            for name, header in headers.items():
                yield from _parameter_like(header, jp.join(where, "headers", name))


def _operation(op: Any, where: str) -> Iterator[tuple[str, Any]]:
    if not isinstance(op, dict):
        return
    params = op.get("parameters")
    if isinstance(params, list):
        for i, param in enumerate(params):
            yield from _parameter_like(param, jp.join(where, "parameters", i))
    body = op.get("requestBody")
    if isinstance(body, dict):
        yield from _media_schemas(body.get("content"), jp.join(where, "requestBody", "content"))
    responses = op.get("responses")
    if isinstance(responses, dict):
        for code, resp in responses.items():
            yield from _response(resp, jp.join(where, "responses", code))
    callbacks = op.get("callbacks")
    if isinstance(callbacks, dict):
        for name, callback in callbacks.items():
            if isinstance(callback, dict):
                for expr, item in callback.items():
                    yield from _path_item(item, jp.join(where, "callbacks", name, expr))


def _path_item(item: Any, where: str) -> Iterator[tuple[str, Any]]:
    if not isinstance(item, dict):
        return
    params = item.get("parameters")
    if isinstance(params, list):
        for i, param in enumerate(params):
            yield from _parameter_like(param, jp.join(where, "parameters", i))
    for method in HTTP_METHODS:
        if method in item:
            yield from _operation(item[method], jp.join(where, method))


def top_level_schemas(document: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Schemas that sit directly in a non-schema object (components, parameters, media types, headers)."""
    for key in ("paths", "webhooks"):
        items = document.get(key)
        if isinstance(items, dict):
            for path, item in items.items():
                yield from _path_item(item, jp.join("#", key, path))
    components = document.get("components")
    if not isinstance(components, dict):
        return
    groups: dict[str, Any] = {
        "schemas": lambda obj, w: iter([(w, obj)]),
        "parameters": _parameter_like,
        "headers": _parameter_like,
        "responses": _response,
        "requestBodies": lambda obj, w: _media_schemas(obj.get("content") if isinstance(obj, dict) else None, jp.join(w, "content")),
        "pathItems": _path_item,
    }
    for group, walk in groups.items():
        entries = components.get(group)
        if isinstance(entries, dict):
            for name, obj in entries.items():
                yield from walk(obj, jp.join("#/components", group, name))
    callbacks = components.get("callbacks")
    if isinstance(callbacks, dict):
        for name, callback in callbacks.items():
            if isinstance(callback, dict):
                for expr, item in callback.items():
                    yield from _path_item(item, jp.join("#/components/callbacks", name, expr))


def iter_schemas(document: dict[str, Any], *, include_booleans: bool = False) -> Iterator[tuple[str, Any]]:
    """Every Schema Object in the document, depth first, with its JSON pointer. `$ref`s are not followed."""
    stack = list(top_level_schemas(document))
    stack.reverse()
    while stack:
        where, schema = stack.pop()
        if isinstance(schema, bool):
            if include_booleans:
                yield where, schema
            continue
        if not isinstance(schema, dict):
            continue
        yield where, schema
        children = list(subschemas(schema, where))
        children.reverse()
        stack.extend(children)


# --------------------------------------------------------------------------------------------------- $refs

_VALUE_KEYS = frozenset(("example", "default", "enum", "const"))
# maps whose keys are names chosen by the author (a property may be called `default` or `examples`)
_NAME_MAPS = frozenset(("properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "schemas",
                        "parameters", "responses", "headers", "requestBodies", "securitySchemes", "links",
                        "callbacks", "pathItems", "paths", "webhooks", "content", "encoding", "variables"))


def iter_refs(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every dict holding a string `$ref`, with its pointer. Example, default and enum values are skipped (a
    `$ref` key inside an example is data), as are extensions."""
    stack: list[tuple[Any, str, bool]] = [(node, where, False)]
    while stack:
        value, ptr, named = stack.pop()
        if isinstance(value, dict):
            if not named and isinstance(value.get("$ref"), str):
                yield ptr, value
            for key, child in value.items():
                if not isinstance(child, (dict, list)):
                    continue
                if not named and (key in _VALUE_KEYS or key.startswith("x-")):
                    continue
                if not named and key == "examples":
                    if isinstance(child, dict):  # a map of Example Objects: only their own refs count
                        for name, example in child.items():
                            if isinstance(example, dict) and isinstance(example.get("$ref"), str):
                                yield jp.join(ptr, key, name), example
                    continue
                stack.append((child, jp.join(ptr, key), not named and key in _NAME_MAPS))
        elif isinstance(value, list):
            for i, child in enumerate(value):
                if isinstance(child, (dict, list)):
                    stack.append((child, jp.join(ptr, i), False))
