"""The OpenAPI 3.0 object model as APIM's reader (OpenAPI.NET v1) sees it: which fields each object may have,
and a typed walk that yields every object with its kind.

OpenAPI.NET v1 raises `<name> is not a valid property at #/...` for any field outside these tables that is not
an `x-` extension, and it does not read past a `$ref` (the siblings of a reference are dropped unseen).
"""

from __future__ import annotations

from typing import Any, Iterator

from .. import pointer as jp
from ..downgrade.schema_conversions import SCHEMA_KEYWORDS_30

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

FIELDS: dict[str, frozenset[str]] = {
    kind: frozenset(fields.split())
    for kind, fields in {
        "OpenAPI": "openapi info servers paths components security tags externalDocs",
        "Info": "title description termsOfService contact license version",
        "Contact": "name url email",
        "License": "name url",
        "Server": "url description variables",
        "ServerVariable": "enum default description",
        "Components": "schemas responses parameters examples requestBodies headers securitySchemes links callbacks",
        "PathItem": "$ref summary description servers parameters " + " ".join(METHODS),
        "Operation": "tags summary description externalDocs operationId parameters requestBody responses callbacks "
                     "deprecated security servers",
        "ExternalDocs": "description url",
        "Parameter": "name in description required deprecated allowEmptyValue style explode allowReserved schema "
                     "example examples content",
        "Header": "description required deprecated allowEmptyValue style explode allowReserved schema example "
                  "examples content",
        "RequestBody": "description content required",
        "MediaType": "schema example examples encoding",
        "Encoding": "contentType headers style explode allowReserved",
        "Response": "description headers content links",
        "Example": "summary description value externalValue",
        "Link": "operationRef operationId parameters requestBody description server",
        "Tag": "name description externalDocs",
        "Schema": " ".join(SCHEMA_KEYWORDS_30),
        "Discriminator": "propertyName mapping",
        "XML": "name namespace prefix attribute wrapped",
        "SecurityScheme": "type description name in scheme bearerFormat flows openIdConnectUrl",
        "OAuthFlows": "implicit password clientCredentials authorizationCode",
        "OAuthFlow": "authorizationUrl tokenUrl refreshUrl scopes",
    }.items()
}

# kind -> field -> (child kind, shape): "one" object, "map" of objects, "list" of objects
_CHILDREN: dict[str, dict[str, tuple[str, str]]] = {
    "OpenAPI": {"info": ("Info", "one"), "servers": ("Server", "list"), "paths": ("PathItem", "map"),
                "components": ("Components", "one"), "tags": ("Tag", "list"), "externalDocs": ("ExternalDocs", "one")},
    "Info": {"contact": ("Contact", "one"), "license": ("License", "one")},
    "Server": {"variables": ("ServerVariable", "map")},
    "Components": {"schemas": ("Schema", "map"), "responses": ("Response", "map"), "parameters": ("Parameter", "map"),
                   "examples": ("Example", "map"), "requestBodies": ("RequestBody", "map"),
                   "headers": ("Header", "map"), "securitySchemes": ("SecurityScheme", "map"),
                   "links": ("Link", "map"), "callbacks": ("Callback", "map")},
    "PathItem": {**{m: ("Operation", "one") for m in METHODS}, "servers": ("Server", "list"),
                 "parameters": ("Parameter", "list")},
    "Operation": {"externalDocs": ("ExternalDocs", "one"), "parameters": ("Parameter", "list"),
                  "requestBody": ("RequestBody", "one"), "responses": ("Response", "map"),
                  "callbacks": ("Callback", "map"), "servers": ("Server", "list")},
    "Parameter": {"schema": ("Schema", "one"), "examples": ("Example", "map"), "content": ("MediaType", "map")},
    "Header": {"schema": ("Schema", "one"), "examples": ("Example", "map"), "content": ("MediaType", "map")},
    "RequestBody": {"content": ("MediaType", "map")},
    "MediaType": {"schema": ("Schema", "one"), "examples": ("Example", "map"), "encoding": ("Encoding", "map")},
    "Encoding": {"headers": ("Header", "map")},
    "Response": {"headers": ("Header", "map"), "content": ("MediaType", "map"), "links": ("Link", "map")},
    "Callback": {},
    "Tag": {"externalDocs": ("ExternalDocs", "one")},
    "Schema": {"properties": ("Schema", "map"), "items": ("Schema", "one"), "allOf": ("Schema", "list"),
               "anyOf": ("Schema", "list"), "oneOf": ("Schema", "list"), "not": ("Schema", "one"),
               "additionalProperties": ("Schema", "one"), "discriminator": ("Discriminator", "one"),
               "xml": ("XML", "one"), "externalDocs": ("ExternalDocs", "one")},
    "SecurityScheme": {"flows": ("OAuthFlows", "one")},
    "OAuthFlows": {k: ("OAuthFlow", "one") for k in ("implicit", "password", "clientCredentials", "authorizationCode")},
}


# kind -> ((field, "/field", child kind, shape), ...): the walk's plan, with each field's pointer suffix made once
_PLAN: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    kind: tuple((key, "/" + key, child_kind, shape) for key, (child_kind, shape) in children.items())
    for kind, children in _CHILDREN.items()
}


def walk(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every object of a 3.0 document as (pointer, kind, node); references are yielded as kind `Reference`
    and not followed.

    The APIM lint and most fixes each walk the whole document, so this loop is kept tight: each field's pointer
    suffix is made once (`_PLAN`) and only objects are stacked.
    """
    stack: list[tuple[str, str, Any]] = [("#", "OpenAPI", document)]
    pop, push = stack.pop, stack.append
    while stack:
        where, kind, node = pop()
        if isinstance(node.get("$ref"), str) and kind != "PathItem":
            yield where, "Reference", node
            continue
        yield where, kind, node
        children: list[tuple[str, str, Any]] = []
        if kind == "Callback":
            children = [(jp.join(where, expr), "PathItem", item) for expr, item in node.items()
                        if not expr.startswith("x-") and isinstance(item, dict)]
        else:
            for key, suffix, child_kind, shape in _PLAN.get(kind, ()):
                value = node.get(key)
                if value is None:  # most child keys are absent: no pointer to build
                    continue
                base = where + suffix
                if shape == "one":
                    if isinstance(value, dict):
                        children.append((base, child_kind, value))
                elif shape == "map":
                    if isinstance(value, dict):
                        named = kind == "Components" or key == "properties"  # names there may start with x-
                        children.extend((jp.join(base, k), child_kind, v) for k, v in value.items()
                                        if isinstance(v, dict) and (named or not k.startswith("x-")))
                elif isinstance(value, list):
                    children.extend((f"{base}/{i}", child_kind, v) for i, v in enumerate(value) if isinstance(v, dict))
        for child in reversed(children):
            push(child)


def unknown_fields(kind: str, node: dict[str, Any]) -> list[str]:
    allowed = FIELDS.get(kind)
    if allowed is None:
        return []
    return [k for k in node if k not in allowed and not k.startswith("x-")]
