"""Repairs of upstream defects that would make the 3.0.3 output invalid or un-importable; each is reported.

Found in real specs: dangling `$ref`s (AOAI 2025-04-01-preview), `required` names without a property
(`function_call_id`), discriminator properties missing from `required` (107 in OpenAI 2026-08-21), and
`default: null` or `null` enum values on schemas that do not allow null.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from .. import pointer as jp
from ..model import HTTP_METHODS
from .registry import Context, conversion


@conversion("dangling-ref", row="repair", lossy=True, stage="repair",
            description="A `$ref` that resolves to nothing: a schema becomes `{}` (anything), a parameter is "
                        "removed, a response becomes a bare description.")
def dangling_ref(ctx: Context) -> None:
    schema_nodes = {id(s) for _, s in ctx.schemas()}
    for where, node in ctx.refs():
        ref = node["$ref"]
        if not ref.startswith("#") or ctx.resolve(ref) is not None:
            continue
        tokens = jp.split(where)
        if id(node) in schema_nodes:
            node.clear()
            node["x-dangling-ref"] = ref
            ctx.lose(where, f"$ref {ref!r} resolves to nothing; replaced by an unconstrained schema")
        elif len(tokens) >= 2 and tokens[-2] == "parameters":
            holder = jp.resolve(ctx.document, jp.from_tokens(tokens[:-1]))
            if isinstance(holder, list):
                holder.remove(node)
                ctx.lose(where, f"parameter $ref {ref!r} resolves to nothing; parameter removed")
        elif len(tokens) >= 2 and tokens[-2] == "responses":
            node.clear()
            node["description"] = f"(dangling reference {ref} removed)"
            ctx.lose(where, f"response $ref {ref!r} resolves to nothing; replaced by a description")
        else:
            ctx.lose(where, f"$ref {ref!r} resolves to nothing and was left as is")


def _declared(schema: dict[str, Any], ctx: Context, depth: int = 0) -> set[str]:
    """Property names a schema defines itself or through its allOf members."""
    names = set(schema.get("properties") or {}) if isinstance(schema.get("properties"), dict) else set()
    members = schema.get("allOf")
    for member in members if isinstance(members, list) else []:
        target = ctx.deref(member)
        if isinstance(target, dict) and depth < 16:
            names |= _declared(target, ctx, depth + 1)
    return names


@conversion("required-undefined", row="repair", lossy=True, stage="repair",
            description="A `required` name that no property (own or allOf) defines gets an unconstrained property "
                        "`{}`, so 3.0 validators accept the list; the requirement itself is kept.")
def required_undefined(ctx: Context) -> None:
    for where, schema in ctx.schemas():
        required = schema.get("required")
        if not isinstance(required, list) or not ("properties" in schema or "allOf" in schema):
            continue
        if not isinstance(schema.get("properties", {}), dict):
            continue  # a malformed `properties` is the validator's to report, not ours to guess at
        if any(k in schema for k in ("anyOf", "oneOf")) or isinstance(schema.get("additionalProperties"), dict):
            continue
        declared = _declared(schema, ctx)
        missing = [n for n in required if isinstance(n, str) and n not in declared]
        if missing:
            props = schema.setdefault("properties", {})
            for name in missing:
                props[name] = {}
            ctx.lose(jp.join(where, "required"), f"required {', '.join(missing)} had no property; added as {{}}")


def _requires(node: Any, name: str, ctx: Context, depth: int = 0) -> bool:
    target = ctx.deref(node)
    if not isinstance(target, dict) or depth > 16:
        return False
    if name in (target.get("required") or []):
        return True
    return any(_requires(m, name, ctx, depth + 1) for m in target.get("allOf") or [])


@conversion("discriminator-required", row="repair", lossy=True, stage="repair",
            description="A discriminator property missing from `required` is added to it (OpenAPI.NET: \"Schema X "
                        "must contain property specified in the discriminator ... in the required field list\").")
def discriminator_required(ctx: Context) -> None:
    for where, schema in ctx.schemas():
        disc = schema.get("discriminator")
        name = disc.get("propertyName") if isinstance(disc, dict) else None
        if not isinstance(name, str):
            continue
        required = schema.get("required") if isinstance(schema.get("required"), list) else []
        if name in required:
            continue
        schema["required"] = [*required, name]
        if (isinstance(schema.get("properties"), dict) or ("allOf" in schema and "properties" not in schema)) \
                and name not in _declared(schema, ctx):
            schema.setdefault("properties", {})[name] = {"type": "string"}
        branches = schema.get("oneOf") or schema.get("anyOf") or []
        exact = bool(branches) and all(_requires(b, name, ctx) for b in branches)
        how = "every branch already required it" if exact else "objects without it are now rejected"
        ctx.lose(jp.join(where, "discriminator"), f"discriminator property {name!r} added to required ({how})")


@conversion("path-parameters", row="repair", lossy=True, stage="repair",
            description="A `{name}` in a path template without an `in: path` parameter gets a string parameter; a "
                        "path parameter that is not in the template is removed (3.0 validators reject both).")
def path_parameters(ctx: Context) -> None:
    paths = ctx.document.get("paths")
    for path, item in (paths.items() if isinstance(paths, dict) else []):
        if not isinstance(item, dict):
            continue
        template = re.findall(r"\{([^{}]+)\}", path)
        shared = _path_parameter_names(item.get("parameters"), ctx)
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            where = jp.join("#/paths", path, method)
            declared = shared | _path_parameter_names(op.get("parameters"), ctx)
            for name in [n for n in template if n not in declared]:
                op.setdefault("parameters", []).append(
                    {"name": name, "in": "path", "required": True, "schema": {"type": "string"}})
                ctx.lose(where, f"path parameter {{{name}}} was not declared; added as a string")
            if isinstance(op.get("parameters"), list):
                for param in list(op["parameters"]):
                    target = ctx.deref(param)
                    if isinstance(target, dict) and target.get("in") == "path" and target.get("name") not in template:
                        op["parameters"].remove(param)
                        ctx.lose(where, f"path parameter {target.get('name')!r} is not in the template; removed")


def _path_parameter_names(params: Any, ctx: Context) -> set[str]:
    names = set()
    for param in params if isinstance(params, list) else []:
        target = ctx.deref(param)
        if isinstance(target, dict) and target.get("in") == "path" and isinstance(target.get("name"), str):
            names.add(target["name"])
    return names


@conversion("default-invalid", row="M37", lossy=True, stage="repair",
            description="A `default` that its own (converted) schema rejects is dropped: `default: null` on a "
                        "schema that does not allow null, a list default on a string... (3.0 validators and "
                        "APIM reject the document otherwise).")
def default_invalid(ctx: Context) -> None:
    check: Callable[[str, Any], str | None] | None = None
    for where, schema in ctx.schemas():
        if "default" not in schema:
            continue
        value = schema["default"]
        # openapi-spec-validator skips `default: null` on a nullable schema; APIM accepts it too
        problem = None if value is None and schema.get("nullable") is True else _verdict(schema, value, ctx)
        if problem is _UNDECIDED:
            check = check or value_checker(ctx.document)
            problem = check(where, value)
        if problem:
            del schema["default"]
            ctx.lose(jp.join(where, "default"), f"default dropped: {problem}")


_UNDECIDED = "undecided"
_ANNOTATIONS = frozenset(("default", "description", "title", "example", "format", "readOnly", "writeOnly",
                          "deprecated", "nullable", "type", "enum", "externalDocs", "xml", "discriminator"))
_BY_VALUE_TYPE = {  # keywords that only constrain values of one JSON type (ignored for the others)
    dict: frozenset(("properties", "required", "additionalProperties", "minProperties", "maxProperties")),
    list: frozenset(("items", "minItems", "maxItems", "uniqueItems")),
    str: frozenset(("minLength", "maxLength", "pattern")),
    float: frozenset(("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")),
}
_DECIDED_HERE = frozenset(("minimum", "maximum", "minLength", "maxLength", "items", "minItems", "maxItems"))
_PY_TYPES = {"string": (str,), "boolean": (bool,), "integer": (int,), "number": (int, float), "object": (dict,),
             "array": (list,)}


def _value_kind(value: Any) -> type:
    return float if isinstance(value, (int, float)) and not isinstance(value, bool) else type(value)


def _verdict(schema: Any, value: Any, ctx: Context, depth: int = 0) -> str | None:
    """Judge a value the way a draft-4 + `nullable` validator would, without one, for the schemas real specs
    put defaults on (type, enum, bounds, lengths, compositions of those). Anything else (patterns, nested
    objects, `not`, floats as integers...) is `_UNDECIDED` and goes to the real validator, so the common case
    needs no jsonschema import."""
    schema = ctx.deref(schema)
    if not isinstance(schema, dict) or depth > 8:
        return _UNDECIDED
    own_type = _value_kind(value)
    irrelevant = set().union(*(keys for kind, keys in _BY_VALUE_TYPE.items() if kind is not own_type))
    for key in schema:
        if key in ("allOf", "anyOf", "oneOf") or key.startswith("x-") or key in irrelevant:
            continue
        if key not in _ANNOTATIONS and key not in _DECIDED_HERE:
            return _UNDECIDED
    if isinstance(value, float) and schema.get("type") == "integer":
        return _UNDECIDED
    problem = _plain_problem(schema, value)
    if problem:
        return problem
    if isinstance(value, list):
        if isinstance(schema.get("minItems"), int) and len(value) < schema["minItems"]:
            return f"{value!r} is too short"
        if isinstance(schema.get("maxItems"), int) and len(value) > schema["maxItems"]:
            return f"{value!r} is too long"
        items = [_verdict(schema["items"], item, ctx, depth + 1) for item in value] if "items" in schema else []
        if _UNDECIDED in items:
            return _UNDECIDED
        if any(items):
            return f"{value!r}: {next(i for i in items if i)}"
    for key in ("allOf", "anyOf", "oneOf"):
        branches = schema.get(key)
        if branches is None:
            continue
        if not isinstance(branches, list):
            return _UNDECIDED
        results = [_verdict(branch, value, ctx, depth + 1) for branch in branches]
        if _UNDECIDED in results:
            return _UNDECIDED
        matched = sum(1 for r in results if r is None)
        if key == "allOf" and matched != len(results):
            return f"{value!r} does not match every allOf member"
        if key == "anyOf" and not matched:
            return f"{value!r} matches no anyOf member"
        if key == "oneOf" and matched != 1:
            return f"{value!r} matches {matched} oneOf members, not exactly one"
    return None


def _plain_problem(schema: dict[str, Any], value: Any) -> str | None:
    kind = schema.get("type")
    if value is None:
        if kind is not None and schema.get("nullable") is not True:
            return "None is not nullable"
    elif kind is not None:
        expected = _PY_TYPES.get(kind) if isinstance(kind, str) else None
        if expected is None or isinstance(value, bool) != (kind == "boolean") or not isinstance(value, expected):
            return f"{value!r} is not of type {kind!r}"
    enum = schema.get("enum")
    if isinstance(enum, list) and not any(type(value) is type(v) and value == v for v in enum):
        return f"{value!r} is not one of {enum!r}"[:160]
    if _value_kind(value) is float:
        if isinstance(schema.get("minimum"), (int, float)) and value < schema["minimum"]:
            return f"{value!r} is less than the minimum of {schema['minimum']!r}"
        if isinstance(schema.get("maximum"), (int, float)) and value > schema["maximum"]:
            return f"{value!r} is greater than the maximum of {schema['maximum']!r}"
    if isinstance(value, str):
        if isinstance(schema.get("minLength"), int) and len(value) < schema["minLength"]:
            return f"{value!r} is too short"
        if isinstance(schema.get("maxLength"), int) and len(value) > schema["maxLength"]:
            return f"{value!r} is too long"
    return None


def value_checker(document: dict[str, Any]) -> Callable[[str, Any], str | None]:
    """(schema pointer, value) -> why the value is invalid under OAS 3.0 rules, or None.

    The validator is JSON Schema draft 4 plus OAS 3.0's `nullable` (what openapi-schema-validator's OAS30Validator
    checks for a value), built on `jsonschema` directly because importing openapi-schema-validator costs more
    than the whole conversion of a large spec.
    """
    from jsonschema import Draft4Validator, ValidationError, validators
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    def nullable_type(validator: Any, types: Any, instance: Any, schema: dict[str, Any]) -> Any:
        if instance is None and schema.get("nullable") is True:
            return
        names = [types] if isinstance(types, str) else list(types)
        if not any(validator.is_type(instance, name) for name in names):
            yield ValidationError(f"{instance!r} is not of type {', '.join(map(repr, names))}")

    oas30 = validators.extend(Draft4Validator, {"type": nullable_type})
    root = "urn:aoai-spec:downgraded"
    registry = Registry().with_resource(root, Resource.from_contents(document, default_specification=DRAFT4))

    def check(pointer: str, value: Any) -> str | None:
        try:
            error = next(iter(oas30({"$ref": root + pointer}, registry=registry).iter_errors(value)), None)
        except Exception:  # an unresolvable schema is the dangling-ref repair's business
            return None
        return error.message[:160] if error is not None else None

    return check
