"""Hypothesis strategies for small random OpenAPI 3.0 and 3.1 documents.

The documents are valid by construction (the fuzz tests also check that with openapi-spec-validator and discard
the rare invalid draw), and exercise what the toolkit finds hard: `$ref`s between component schemas (so cycles
through allOf/items/additionalProperties/properties), composition, nullable in both spellings, enums, numeric
bounds in both spellings, 3.1-only keywords, parameters in every location, request bodies and responses.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from hypothesis import strategies as st

NAMES = ("Pet", "Owner", "Node", "Error", "Tag")
PROPERTY_NAMES = st.sampled_from(["id", "name", "type", "items", "const", "$ref", "properties", "next", "value", "tags"])
TEXT = st.text(alphabet="abcxyz _-", min_size=1, max_size=6)


@functools.lru_cache(maxsize=None)
def _ref() -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(NAMES).map(lambda n: {"$ref": f"#/components/schemas/{n}"})


@functools.lru_cache(maxsize=None)
def _leaf(v31: bool) -> st.SearchStrategy[dict[str, Any]]:
    string = st.builds(
        lambda fmt, enum, max_len: {k: v for k, v in (("type", "string"), ("format", fmt), ("enum", enum), ("maxLength", max_len)) if v is not None},
        st.none() | st.sampled_from(["date-time", "uuid", "binary", "byte"]),
        st.none() | st.lists(TEXT, min_size=1, max_size=3, unique=True),
        st.none() | st.integers(0, 100),
    )
    integer = st.builds(
        lambda lo, hi, fmt: {k: v for k, v in (("type", "integer"), ("minimum", lo), ("maximum", hi), ("format", fmt)) if v is not None},
        st.none() | st.integers(-10, 0), st.none() | st.integers(1, 2**63 - 1), st.none() | st.sampled_from(["int32", "int64"]),
    )
    number = st.just({"type": "number"}) | st.integers(0, 5).map(
        lambda b: {"type": "number", "exclusiveMinimum": b} if v31 else {"type": "number", "minimum": b, "exclusiveMinimum": True})
    leaves = st.one_of(string, integer, number, st.just({"type": "boolean"}), _ref())
    if v31:
        leaves = leaves | st.sampled_from([{"const": "fixed"}, {"type": "string", "examples": ["a", "b"]}, {"type": "null"},
                                           {"type": "string", "contentMediaType": "image/png", "contentEncoding": "base64"}])
    return leaves


def _nullable(schema: dict[str, Any], v31: bool) -> dict[str, Any]:
    if "$ref" in schema or "type" not in schema:
        return {"anyOf": [schema, {"type": "null"}]} if v31 else {"allOf": [schema], "nullable": True}
    if v31:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return {**schema, "type": types if "null" in types else [*types, "null"]}
    return {**schema, "nullable": True}


@functools.lru_cache(maxsize=None)
def schemas(v31: bool, max_leaves: int = 12) -> st.SearchStrategy[dict[str, Any]]:
    def extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        obj = st.builds(
            lambda props, req_flags, addl: {
                "type": "object",
                "properties": props,
                **({"required": [k for k, r in zip(props, req_flags) if r]} if any(req_flags[: len(props)]) else {}),
                **({"additionalProperties": addl} if addl is not None else {}),
            },
            st.dictionaries(PROPERTY_NAMES, children, min_size=1, max_size=3),
            st.lists(st.booleans(), min_size=3, max_size=3),
            st.none() | st.just(False) | children,
        )
        array = st.builds(lambda items, lo: {"type": "array", "items": items, **({"minItems": lo} if lo else {})},
                          children, st.integers(0, 2))
        composed = st.builds(lambda kind, parts: {kind: parts}, st.sampled_from(["allOf", "oneOf", "anyOf"]),
                             st.lists(children, min_size=1, max_size=3))
        nullable = children.map(lambda s: _nullable(s, v31))
        described = children.map(lambda s: {**s, "description": "d"} if "$ref" not in s or v31 else {"allOf": [s], "description": "d"})
        return st.one_of(obj, array, composed, nullable, described)

    return st.recursive(_leaf(v31), extend, max_leaves=max_leaves)


@functools.lru_cache(maxsize=None)
def _parameter(v31: bool, location: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda name, schema, required: {"name": name, "in": location, "schema": schema,
                                        **({"required": True} if required or location == "path" else {})},
        st.sampled_from(["limit", "after", "api-version", "x-ms-client-request-id", "order"]),
        _leaf(v31).filter(lambda s: "$ref" not in s),
        st.booleans(),
    )


@functools.lru_cache(maxsize=None)
def _operation(v31: bool, with_body: bool, op_id: str) -> st.SearchStrategy[dict[str, Any]]:
    response = st.builds(lambda schema: {"description": "ok", "content": {"application/json": {"schema": schema}}}, schemas(v31, 6))
    return st.builds(
        lambda params, body, ok, err: {
            "operationId": op_id,
            **({"parameters": list({p["name"]: p for p in params}.values())} if params else {}),
            **({"requestBody": {"required": True, "content": {"application/json": {"schema": body}}}} if with_body else {}),
            "responses": {"200": ok, **({"default": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}} if err else {})},
        },
        st.lists(st.sampled_from(["query", "header"]).flatmap(lambda loc: _parameter(v31, loc)), max_size=3),
        schemas(v31, 6),
        response,
        st.booleans(),
    )


@st.composite
def openapi_documents(draw: st.DrawFn, version: str | None = None) -> dict[str, Any]:
    """One small OpenAPI document; `version` "3.0.3" or "3.1.0" (drawn when None)."""
    version = version or draw(st.sampled_from(["3.0.3", "3.1.0"]))
    v31 = version.startswith("3.1")
    components = {name: draw(schemas(v31)) for name in NAMES}
    components["Error"] = {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}
    paths: dict[str, Any] = {}
    for i, path in enumerate(draw(st.lists(st.sampled_from(["/pets", "/pets/{pet_id}", "/owners/{owner_id}/pets", "/tags"]),
                                           min_size=1, max_size=3, unique=True))):
        item: dict[str, Any] = {}
        path_params = [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]
        if path_params:
            item["parameters"] = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in path_params]
        for method in draw(st.lists(st.sampled_from(["get", "post", "delete"]), min_size=1, max_size=2, unique=True)):
            item[method] = draw(_operation(v31, method == "post", f"{method}{i}"))
        paths[path] = item
    document: dict[str, Any] = {"openapi": version, "info": {"title": "fuzz", "version": "1"}, "paths": paths,
                                "components": {"schemas": components}}
    if draw(st.booleans()):
        document["components"]["securitySchemes"] = {"apiKey": {"type": "apiKey", "in": "header", "name": "api-key"}}
        document["security"] = [{"apiKey": []}]
    if v31 and draw(st.booleans()):
        document["info"]["summary"] = "a 3.1 summary"
        document["webhooks"] = {"ping": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                                                  "responses": {"200": {"description": "ok"}}}}}
    return copy.deepcopy(document)  # `st.just` and `sampled_from` values are shared objects: never hand them out
