"""OpenAPI Schema Objects rewritten as plain JSON Schema, so that a compiled validator (jsonschema-rs) judges
instances exactly as openapi-core and openapi-schema-validator do, at a hundredth of the cost per request.

Why by hand: no library maps the OpenAPI 3.0 dialect onto plain JSON Schema with openapi-schema-validator's
reading. Schemathesis' converter is internal and makes data-generation choices (it drops read-only properties
instead of refusing them). The rewrite is small and each rule names the openapi-schema-validator behaviour it
reproduces; `tests/test_mock_validation.py` compares the verdicts with openapi-core's on generated requests.
"""

from __future__ import annotations

import copy
from typing import Any

import orjson

from ..schemas import iter_schemas

_NULL_ONLY = {"type": "object", "nullable": True, "enum": [None]}
INT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_COMPOSITIONS = ("oneOf", "anyOf", "allOf")


def json_copy(document: Any) -> Any:
    """A deep copy of JSON data, through orjson (ten times copy.deepcopy's speed on a spec); what orjson refuses
    (integers beyond 64 bits, nesting over 255 levels, non-JSON values from YAML) is copied by copy.deepcopy."""
    try:
        copied = orjson.loads(orjson.dumps(document))
    except (TypeError, orjson.JSONEncodeError):
        return copy.deepcopy(document)
    return copied


def json_schema_document(document: dict[str, Any], *, is_31: bool, writing: bool) -> dict[str, Any]:
    """A copy of `document` whose every Schema Object is plain JSON Schema (Draft 4 for 3.0, 2020-12 for 3.1).

    `writing`: the request reading (openapi-core's `OAS30WriteValidator`: a read-only property is refused when
    sent and not required when absent); otherwise the plain `OAS30Validator` reading used for responses (neither
    read-only nor write-only properties are required). `nullable` must already be relaxed (`relax_nullable`).
    """
    converted = json_copy(document)
    schemas = [schema for _, schema in iter_schemas(converted)]
    read_only = {id(s) for s in schemas if s.get("readOnly") is True}
    write_only = {id(s) for s in schemas if s.get("writeOnly") is True}
    for schema in schemas:
        extra: list[dict[str, Any]] = []
        if not is_31:
            _optional_by_access(schema, read_only if writing else read_only | write_only)
            _nullable_type(schema)
            if writing and id(schema) in read_only:
                extra.append({"not": {}})  # "Tried to write read-only property"
        if not writing:
            extra += _known_discriminator_values(schema)
        _discriminated(schema)
        fmt = schema.get("format")
        bounds = INT_BOUNDS.get(fmt) if isinstance(fmt, str) else None
        if bounds and _has_type(schema, "integer"):
            extra.append({"minimum": bounds[0], "maximum": bounds[1]})
        if not is_31 and "$ref" in schema and len(schema) > 1:
            # OAS 3.0 validators apply a `$ref`'s sibling keywords; Draft 4 would ignore them.
            extra.insert(0, {"$ref": schema.pop("$ref")})
        if extra:
            schema["allOf"] = [*schema.get("allOf", []), *extra]
    return converted


def json_schema(schema: Any, *, is_31: bool, writing: bool) -> Any:
    """One schema (a fragment of a document, its `$ref`s unresolved) rewritten the same way."""
    holder = {"components": {"schemas": {"fragment": json_copy(schema)}}}  # the walker starts at documents
    if not is_31:
        relax_nullable(holder, writing=writing)
    return json_schema_document(holder, is_31=is_31, writing=writing)["components"]["schemas"]["fragment"]


def relax_nullable(document: dict[str, Any], *, writing: bool = False) -> None:
    """Read OAS 3.0 `nullable: true` next to `allOf`/`anyOf`/`oneOf`/`$ref` as "or null", in place.

    That is how the Azure specs mean it (TypeSpec emits `X | null` that way) and how Schemathesis reads it;
    openapi-core follows the letter of OAS 3.0.3 (nullable needs `type` in the same object) and would refuse
    requests both the spec authors and the contract tester consider valid. An `enum` without null keeps null
    out of requests (`writing`, OAS 3.0.3's letter and Schemathesis' reading) and lets it into responses.
    """
    nullable = [schema for _, schema in iter_schemas(document) if isinstance(schema, dict) and schema.get("nullable") is True]
    closed = [s for s in nullable if isinstance(s.get("enum"), list) and None not in s["enum"]]
    if writing:
        nullable = [s for s in nullable if not any(s is c for c in closed)]
    else:
        for schema in closed:
            schema["enum"] = [*schema["enum"], None]
    targets = [s for s in nullable if any(k in s for k in ("allOf", "anyOf", "oneOf", "$ref"))]
    for schema in targets:
        rest = {k: v for k, v in schema.items() if k != "nullable"}
        schema.clear()
        schema["anyOf"] = [rest, dict(_NULL_ONLY)]


def _has_type(schema: dict[str, Any], name: str) -> bool:
    kind = schema.get("type")
    return kind == name or (isinstance(kind, list) and name in kind)


def _optional_by_access(schema: dict[str, Any], optional: set[int]) -> None:
    """openapi-schema-validator skips `required` for a property whose own schema (not a `$ref`) is flagged."""
    required, properties = schema.get("required"), schema.get("properties")
    if isinstance(required, list) and isinstance(properties, dict):
        kept = [name for name in required if id(properties.get(name)) not in optional]
        if len(kept) != len(required):
            schema["required"] = kept
            if not kept:
                del schema["required"]  # Draft 4 wants a non-empty list


def _nullable_type(schema: dict[str, Any]) -> None:
    """`type: T, nullable: true` accepts null (OAS 3.0.3); `relax_nullable` has handled enums and compositions."""
    kind = schema.get("type")
    if schema.get("nullable") is True and isinstance(kind, str):
        schema["type"] = [kind, "null"]


def _known_discriminator_values(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Responses: a string in a discriminating property must name a mapped (or, under `anyOf`/`oneOf`, a listed)
    schema, as Schemathesis' `response_schema_conformance` requires (ST111), even without a composition."""
    disc = schema.get("discriminator")
    if not isinstance(disc, dict) or not isinstance(disc.get("propertyName"), str):
        return []
    known = set(disc["mapping"]) if isinstance(disc.get("mapping"), dict) else set()
    for key in ("anyOf", "oneOf"):
        for branch in schema.get(key) if isinstance(schema.get(key), list) else []:
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            if isinstance(ref, str) and "/" in ref:
                known.add(ref.rstrip("/").rsplit("/", 1)[-1])
    if not known:
        return []
    allowed = {"anyOf": [{"not": {"type": "string"}}, {"enum": sorted(known)}]}
    return [{"properties": {disc["propertyName"]: allowed}}]


def _discriminated(schema: dict[str, Any]) -> None:
    """openapi-schema-validator reads a composition with a `discriminator` as: the instance is an object, its
    discriminating property names a mapped (or same-named) schema, and the instance is valid for that schema;
    the other branches are not evaluated. Rewritten as an `anyOf` of tagged branches."""
    disc = schema.get("discriminator")
    if not isinstance(disc, dict) or not isinstance(disc.get("propertyName"), str):
        return
    listed = [schema[key] for key in _COMPOSITIONS if isinstance(schema.get(key), list)]
    if not listed:
        return
    name = disc["propertyName"]
    targets: dict[str, str] = {}
    for branch in (b for branches in listed for b in branches):
        ref = branch.get("$ref") if isinstance(branch, dict) else None
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            targets.setdefault(ref.rsplit("/", 1)[-1], ref)
    mapping = disc.get("mapping")
    if isinstance(mapping, dict):
        targets.update({str(k): v for k, v in mapping.items() if isinstance(v, str)})
    for key in _COMPOSITIONS:
        schema.pop(key, None)
    schema["anyOf"] = [{"type": "object", "required": [name], "properties": {name: {"enum": [value]}},
                        "allOf": [{"$ref": ref}]} for value, ref in targets.items()] or [{"not": {}}]
