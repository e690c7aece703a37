"""Schema Object conversions (JSON Schema 2020-12 -> the OAS 3.0.3 subset), one registered unit per mapping row.

Every function receives one real Schema Object (found by `toolkit.schemas.iter_schemas`) and rewrites it in
place. Parents are converted before their children, so a rewrite that creates new subschemas (a type split,
a `prefixItems` union) has them converted in turn. 3.0 keywords found in "3.1" documents (`nullable`,
`example`, boolean `exclusiveMinimum`) are left as they are.
"""

from __future__ import annotations

from typing import Any

from .. import pointer as jp
from ..schemas import subschemas
from .registry import Context, conversion

# keywords of the OAS 3.0.3 Schema Object (anything else that is not `x-` is unknown to APIM's reader)
SCHEMA_KEYWORDS_30 = frozenset(
    "title multipleOf maximum exclusiveMaximum minimum exclusiveMinimum maxLength minLength pattern maxItems "
    "minItems uniqueItems maxProperties minProperties required enum type allOf oneOf anyOf not items properties "
    "additionalProperties description format default nullable discriminator readOnly writeOnly xml externalDocs "
    "example deprecated $ref".split()
)

_STRING_KEYWORDS = ("minLength", "maxLength", "pattern")
_NUMBER_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_OBJECT_KEYWORDS = ("properties", "required", "additionalProperties", "minProperties", "maxProperties",
                    "patternProperties", "propertyNames", "dependentRequired", "dependentSchemas",
                    "unevaluatedProperties")
_ARRAY_KEYWORDS = ("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains", "minContains",
                   "maxContains", "unevaluatedItems")
_KEYWORDS_BY_TYPE = {"string": _STRING_KEYWORDS, "number": _NUMBER_KEYWORDS, "integer": _NUMBER_KEYWORDS,
                     "object": _OBJECT_KEYWORDS, "array": _ARRAY_KEYWORDS}
_FORMAT_TYPES = {"int32": ("integer", "number"), "int64": ("integer", "number"), "float": ("number",),
                 "double": ("number",)}
_NOTE_KEYS = ("description", "title", "nullable")


# --------------------------------------------------------------------------------------------------- helpers


def null_schema(type_name: str = "string") -> dict[str, Any]:
    """A 3.0.3 schema that accepts exactly `null` (OAS 3.0 needs a `type` for `nullable` to mean anything)."""
    return {"type": type_name, "nullable": True, "enum": [None]}


def add_constraint(schema: dict[str, Any], constraint: dict[str, Any]) -> None:
    """AND a new subschema onto `schema` without disturbing its existing anyOf/oneOf."""
    schema.setdefault("allOf", []).append(constraint)


def _is_null_only(node: Any) -> bool:
    if not isinstance(node, dict) or "$ref" in node:
        return False
    kind = node.get("type")
    if kind not in ("null", ["null"]):
        return False
    return all(k in _NOTE_KEYS or k.startswith("x-") or k == "type" for k in node)


def _type_of(node: Any, ctx: Context) -> str | None:
    target = ctx.deref(node)
    kind = target.get("type") if isinstance(target, dict) else None
    return kind if isinstance(kind, str) and kind != "null" else None


def _guess_type(others: list[Any], ctx: Context) -> str:
    kinds = {_type_of(o, ctx) for o in others}
    return kinds.pop() if len(kinds) == 1 and None not in kinds else "string"


def _unique(values: list[Any]) -> list[Any]:
    """Values without repeats, first occurrence kept (JSON equality: 1 and true stay distinct)."""
    seen: list[Any] = []
    for value in values:
        if not any(type(value) is type(v) and value == v for v in seen):
            seen.append(value)
    return seen


def _move_to_extension(schema: dict[str, Any], key: str) -> None:
    schema[f"x-{key.lstrip('$')}"] = schema.pop(key)


# --------------------------------------------------------------------------------------------------- the table


@conversion("30-keyword-honoured", row="M45", lossy=False, stage="schema",
            keywords=("nullable", "exclusiveMinimum", "exclusiveMaximum"),
            description="3.0 keywords inside a \"3.1\" document (`nullable: true`, also beside a `$ref`; boolean "
                        "`exclusiveMinimum`/`exclusiveMaximum`) are honoured on purpose; a 3.1 validator ignores "
                        "them, so each one is an info-level entry of the loss report.")
def honoured_30_keywords(schema: dict[str, Any], where: str, ctx: Context) -> None:
    if id(schema) in ctx.created or not str(ctx.document.get("openapi", "")).startswith("3.1"):
        return
    if schema.get("nullable") is True:
        beside = " beside $ref (becomes a null branch)" if "$ref" in schema else ""
        ctx.note(jp.join(where, "nullable"), f"3.0 keyword honoured: nullable: true{beside} lets null through; "
                                             "3.1 ignores `nullable`")
    for key in ("exclusiveMinimum", "exclusiveMaximum"):
        if schema.get(key) is True:
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            ctx.note(jp.join(where, key), f"3.0 keyword honoured: boolean {key}: true makes `{bound}` exclusive; "
                                          "2020-12 expects a number here")


@conversion("null-branch", row="M6/M7", lossy=False, stage="schema", keywords=("anyOf", "oneOf"),
            description="anyOf/oneOf with a `{type: null}` branch: merged into the parent as `nullable: true` when "
                        "the other branch is an inline typed schema, else the branch becomes "
                        "`{type: T, nullable: true, enum: [null]}` (exact under a 3.0 validator).")
def null_branch(schema: dict[str, Any], where: str, ctx: Context) -> None:
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if not isinstance(branches, list) or not any(_is_null_only(b) for b in branches):
            continue
        others = [b for b in branches if not _is_null_only(b)]
        if len(others) == 1 and _mergeable(others[0], schema, key):
            del schema[key]
            for name, value in others[0].items():
                if name not in schema:
                    schema[name] = value
            schema["nullable"] = True
            # 3.0.3: `nullable` does not override `enum`, so the null the branch allowed must be listed
            if "const" in schema:
                schema["enum"] = [schema.pop("const")]
            if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
                schema["enum"].append(None)
            return
        kind = _guess_type(others, ctx)
        schema[key] = [ctx.made(null_schema(kind)) if _is_null_only(b) else b for b in branches]


def _mergeable(other: Any, parent: dict[str, Any], key: str) -> bool:
    if not isinstance(other, dict) or "$ref" in other or "type" not in other:
        return False
    if any(k in parent for k in ("anyOf", "oneOf", "allOf", "type", "$ref") if k != key):
        return False
    return not (set(other) - set(_NOTE_KEYS)) & set(parent)


@conversion("ref-siblings", row="M11", lossy=False, stage="schema", keywords=("$ref",),
            description="`$ref` with sibling keywords: the reference moves into `allOf: [{$ref}]` so the siblings "
                        "survive (APIM's reader drops them silently). A 3.0-style `nullable: true` sibling becomes a "
                        "null branch: `anyOf: [{$ref}, {type: T, nullable: true, enum: [null]}]`.")
def ref_siblings(schema: dict[str, Any], where: str, ctx: Context) -> None:
    if not any(k != "$ref" and not k.startswith("x-") for k in schema):
        return
    ref = {"$ref": schema.pop("$ref")}
    if schema.get("nullable") is True:
        del schema["nullable"]
        union = [ref, ctx.made(null_schema(_type_of(ref, ctx) or "object"))]
        if "anyOf" not in schema:
            schema["anyOf"] = union
        else:
            schema.setdefault("allOf", []).insert(0, {"anyOf": union})
    else:
        schema.setdefault("allOf", []).insert(0, ref)


@conversion("type-array", row="M2/M4/M5", lossy=False, stage="schema", keywords=("type",),
            when=lambda s: not isinstance(s["type"], str) or s["type"] == "null",
            description="`type: [T, \"null\"]` -> `type: T, nullable: true`; `type: \"null\"` alone -> "
                        "`{type: string, nullable: true, enum: [null]}`. Several non-null types go to `type-multi`.")
def type_array(schema: dict[str, Any], where: str, ctx: Context) -> None:
    kind = schema["type"]
    types = kind if isinstance(kind, list) else [kind]
    if (isinstance(kind, str) and kind != "null") or not all(isinstance(t, str) for t in types):
        return  # a 3.0 type, or a malformed one that the validator reports (nothing to convert)
    rest = list(dict.fromkeys(t for t in types if t != "null"))
    if len(rest) == len(types) and len(rest) != 1:
        return  # several non-null types: type-multi
    if len(rest) == 1:
        schema["type"] = rest[0]
        if "null" in types:
            schema["nullable"] = True
        return
    if rest:  # several non-null types plus null
        schema["type"] = rest
        schema["nullable"] = True
        return
    enum = schema.get("enum")
    schema.update(type="string", nullable=True)
    schema["enum"] = [None] if not isinstance(enum, list) or None in enum else []


@conversion("type-multi", row="M3", lossy=False, stage="schema", keywords=("type",),
            when=lambda s: isinstance(s["type"], list),
            description="Several non-null types -> `anyOf` of one branch per type, each carrying only the keywords "
                        "that apply to its type (`minLength` to string, `properties` to object...).")
def type_multi(schema: dict[str, Any], where: str, ctx: Context) -> None:
    types = schema.get("type")
    if not isinstance(types, list):
        return
    types = list(dict.fromkeys(t for t in types if isinstance(t, str)))
    if not types:
        return  # nothing but malformed entries: left for the validator to report
    if "number" in types and "integer" in types:
        types.remove("integer")
    nullable = schema.pop("nullable", False) is True
    del schema["type"]
    branches = []
    fmt = schema.pop("format", None)
    for kind in types:
        branch: dict[str, Any] = ctx.made({"type": kind})
        for key in _KEYWORDS_BY_TYPE.get(kind, ()):
            if key in schema:
                branch[key] = schema[key]
        if fmt is not None and kind in _FORMAT_TYPES.get(fmt, ("string",)):
            branch["format"] = fmt
        if nullable:
            branch["nullable"] = True
        branches.append(branch)
    for key in {k for kind in types for k in _KEYWORDS_BY_TYPE.get(kind, ())}:
        schema.pop(key, None)
    if len(branches) == 1:
        schema.update(branches[0])
    elif "anyOf" in schema:
        add_constraint(schema, {"anyOf": branches})
    else:
        schema["anyOf"] = branches


@conversion("const", row="M8", lossy=False, stage="schema", keywords=("const",),
            description="`const: v` -> `enum: [v]` (falsy values included); `const: null` also sets `nullable`.")
def const(schema: dict[str, Any], where: str, ctx: Context) -> None:
    value = schema.pop("const")
    enum = schema.get("enum")
    schema["enum"] = [value] if not isinstance(enum, list) or value in enum else []
    if value is None and "type" in schema:
        schema["nullable"] = True


@conversion("schema-examples", row="M9", lossy=True, stage="schema", keywords=("examples",),
            description="Schema `examples: [a, ...]` -> `example: a`; the others are kept in `x-examples` "
                        "(lossy only when there was more than one, or an `example` already).")
def schema_examples(schema: dict[str, Any], where: str, ctx: Context) -> None:
    examples = schema.pop("examples")
    if not isinstance(examples, list):
        schema["x-examples"] = examples
        ctx.lose(jp.join(where, "examples"), "schema `examples` is not a list; kept as x-examples")
        return
    rest = examples
    if "example" not in schema and examples:
        schema["example"] = examples[0]
        rest = examples[1:]
    if rest:
        schema["x-examples"] = rest
        ctx.lose(jp.join(where, "examples"), f"{len(rest)} of {len(examples)} schema examples kept only in x-examples")


@conversion("exclusive-bounds", row="M10", lossy=False, stage="schema",
            keywords=("exclusiveMinimum", "exclusiveMaximum"),
            description="Numeric `exclusiveMinimum: n` -> `minimum: n, exclusiveMinimum: true` (the stricter of "
                        "the two bounds wins); boolean 3.0 values are left alone.")
def exclusive_bounds(schema: dict[str, Any], where: str, ctx: Context) -> None:
    for exclusive, inclusive, stricter in (("exclusiveMinimum", "minimum", lambda n, m: n >= m),
                                           ("exclusiveMaximum", "maximum", lambda n, m: n <= m)):
        bound = schema.get(exclusive)
        if isinstance(bound, bool) or not isinstance(bound, (int, float)):
            continue
        current = schema.get(inclusive)
        if isinstance(current, (int, float)) and not isinstance(current, bool) and not stricter(bound, current):
            del schema[exclusive]
        else:
            schema[inclusive] = bound
            schema[exclusive] = True


@conversion("content-encoding", row="M13/M14", lossy=True, stage="schema", keywords=("contentEncoding",),
            description="`contentEncoding: base64` -> `format: byte`; any other encoding (or a clashing format) "
                        "is kept only as `x-contentEncoding` (lossy).")
def content_encoding(schema: dict[str, Any], where: str, ctx: Context) -> None:
    encoding = schema.pop("contentEncoding")
    if encoding == "base64" and schema.get("format", "byte") == "byte":
        schema["format"] = "byte"
        return
    schema["x-contentEncoding"] = encoding
    ctx.lose(jp.join(where, "contentEncoding"), f"contentEncoding {encoding!r} has no 3.0 form; kept as x-contentEncoding")


@conversion("content-media-type", row="M15", lossy=True, stage="schema", keywords=("contentMediaType",),
            description="`contentMediaType` on a string -> `format: binary` (when no format is set); the media type "
                        "itself is kept only as `x-contentMediaType` (lossy: annotation).")
def content_media_type(schema: dict[str, Any], where: str, ctx: Context) -> None:
    media = schema.pop("contentMediaType")
    schema["x-contentMediaType"] = media
    if schema.get("type") == "string" and "format" not in schema and "x-contentEncoding" not in schema:
        schema["format"] = "binary"
    ctx.lose(jp.join(where, "contentMediaType"), f"contentMediaType {media!r} kept only as x-contentMediaType")


@conversion("content-schema", row="M17", lossy=True, stage="schema", keywords=("contentSchema",),
            description="`contentSchema` has no 3.0 form; kept as `x-contentSchema` (lossy).")
def content_schema(schema: dict[str, Any], where: str, ctx: Context) -> None:
    _move_to_extension(schema, "contentSchema")
    ctx.lose(jp.join(where, "contentSchema"), "contentSchema kept only as x-contentSchema")


@conversion("prefix-items", row="M18/M19/M29", lossy=True, stage="schema",
            keywords=("prefixItems", "items", "unevaluatedItems"),
            description="Tuples (`prefixItems`, or the draft-2019 `items: [..]`) -> `items: {anyOf: [...]}` with "
                        "`maxItems` when no further items are allowed; positions are lost (kept as x-prefixItems).")
def prefix_items(schema: dict[str, Any], where: str, ctx: Context) -> None:
    tuple_items = schema.get("prefixItems")
    rest = schema.get("items")
    key = "prefixItems"
    if not isinstance(tuple_items, list):
        if not isinstance(rest, list):
            return
        tuple_items, rest, key = rest, schema.get("additionalItems"), "items"
        schema.pop("additionalItems", None)
    schema.pop("prefixItems", None)
    closed = rest is False or schema.get("unevaluatedItems") is False
    schema.pop("unevaluatedItems", None)
    union = list(tuple_items)
    if isinstance(rest, dict) or rest is True:
        union.append(rest)
    if closed:
        schema["maxItems"] = min(len(tuple_items), schema.get("maxItems", len(tuple_items)))
    elif rest is None or rest is True:
        union.append({})
    schema["items"] = {"anyOf": union} if len(union) > 1 else (union[0] if union else {})
    schema["x-prefixItems"] = tuple_items
    ctx.lose(jp.join(where, key), f"{len(tuple_items)} tuple positions become one items union")


@conversion("unevaluated-items", row="M29", lossy=True, stage="schema", keywords=("unevaluatedItems",),
            description="`unevaluatedItems` outside a tuple: dropped when `items` already covers every item "
                        "(or it is `true`), else kept as `x-unevaluatedItems` (lossy).")
def unevaluated_items(schema: dict[str, Any], where: str, ctx: Context) -> None:
    value = schema.pop("unevaluatedItems")
    if value is True or "items" in schema:
        return
    schema["x-unevaluatedItems"] = value
    ctx.lose(jp.join(where, "unevaluatedItems"), "unevaluatedItems kept only as x-unevaluatedItems")


@conversion("items-false", row="M34", lossy=False, stage="schema", keywords=("items",),
            description="`items: false` -> `maxItems: 0` with `items: {}`.")
def items_false(schema: dict[str, Any], where: str, ctx: Context) -> None:
    if schema["items"] is False:
        schema["items"] = {}
        schema["maxItems"] = 0
    elif schema["items"] is True:
        schema["items"] = {}


@conversion("array-items", row="M35", lossy=False, stage="schema", keywords=("type",),
            when=lambda s: s["type"] == "array" and "items" not in s,
            description="`type: array` without `items` (3.0.3 requires it) -> `items: {}`.")
def array_items(schema: dict[str, Any], where: str, ctx: Context) -> None:
    schema["items"] = {}


@conversion("if-then-else", row="M25", lossy=False, stage="schema", keywords=("if", "then", "else"),
            description="`if/then/else` -> `anyOf: [{allOf: [IF, THEN]}, {allOf: [{not: IF}, ELSE]}]`, ANDed on.")
def if_then_else(schema: dict[str, Any], where: str, ctx: Context) -> None:
    condition = schema.pop("if", None)
    then, otherwise = schema.pop("then", None), schema.pop("else", None)
    if condition is None or (then is None and otherwise is None):
        return  # `then`/`else` without `if` (or `if` alone) constrain nothing
    yes = [condition] + ([then] if then is not None else [])
    no = [{"not": condition}] + ([otherwise] if otherwise is not None else [])
    add_constraint(schema, {"anyOf": [{"allOf": yes}, {"allOf": no}]})


def _absent(name: str) -> dict[str, Any]:
    """Matches anything except an object that has `name` (non-objects pass, as in JSON Schema)."""
    return {"not": {"type": "object", "required": [name]}}


@conversion("dependent-required", row="M26", lossy=False, stage="schema", keywords=("dependentRequired",),
            description="`dependentRequired: {a: [b]}` -> `anyOf: [{not: {type: object, required: [a]}}, "
                        "{required: [a, b]}]`.")
def dependent_required(schema: dict[str, Any], where: str, ctx: Context) -> None:
    for name, needed in (schema.pop("dependentRequired") or {}).items():
        if isinstance(needed, list) and needed:
            add_constraint(schema, {"anyOf": [_absent(name), {"required": list(dict.fromkeys([name, *needed]))}]})


@conversion("dependent-schemas", row="M27", lossy=False, stage="schema", keywords=("dependentSchemas",),
            description="`dependentSchemas: {a: S}` -> `anyOf: [{not: {type: object, required: [a]}}, S]`.")
def dependent_schemas(schema: dict[str, Any], where: str, ctx: Context) -> None:
    for name, sub in (schema.pop("dependentSchemas") or {}).items():
        add_constraint(schema, {"anyOf": [_absent(name), sub]})


@conversion("unevaluated-properties", row="M28", lossy=True, stage="schema", keywords=("unevaluatedProperties",),
            description="`unevaluatedProperties` -> `additionalProperties` when the schema has no composition; "
                        "with allOf/anyOf/oneOf the evaluated properties are collected first (over-approximated, "
                        "reported), and what cannot be expressed is dropped (reported).")
def unevaluated_properties(schema: dict[str, Any], where: str, ctx: Context) -> None:
    value = schema.pop("unevaluatedProperties")
    if value is True or "additionalProperties" in schema:
        return  # additionalProperties already evaluates every other property
    composed = [k for k in ("allOf", "anyOf", "oneOf") if k in schema]
    if not composed:
        schema["additionalProperties"] = value if isinstance(value, dict) else False
        return
    if value is not False:
        schema["x-unevaluatedProperties"] = value
        ctx.lose(jp.join(where, "unevaluatedProperties"), "unevaluatedProperties schema next to composition dropped")
        return
    names = _evaluated_property_names(schema, ctx)
    if names is None or not isinstance(schema.get("properties", {}), dict):
        ctx.lose(jp.join(where, "unevaluatedProperties"),
                 "unevaluatedProperties: false dropped: the composed properties cannot be listed")
        return
    props = schema.setdefault("properties", {})
    for name in names:
        props.setdefault(name, {})
    schema["additionalProperties"] = False
    if any(k in schema for k in ("anyOf", "oneOf")):
        ctx.lose(jp.join(where, "unevaluatedProperties"),
                 "unevaluatedProperties: false over anyOf/oneOf: the properties of every branch are allowed")


def _evaluated_property_names(schema: dict[str, Any], ctx: Context, depth: int = 0) -> list[str] | None:
    props = schema.get("properties") or {}
    if not isinstance(props, dict):
        return None
    names = list(props)
    if "patternProperties" in schema or depth > 16:
        return None
    for key in ("allOf", "anyOf", "oneOf"):
        for member in schema.get(key) or []:
            target = ctx.deref(member)
            if not isinstance(target, dict):
                return None
            inner = _evaluated_property_names(target, ctx, depth + 1)
            if inner is None:
                return None
            names.extend(n for n in inner if n not in names)
    return names


@conversion("pattern-properties", row="M30", lossy=True, stage="schema", keywords=("patternProperties",),
            description="`patternProperties` -> folded into `additionalProperties` only where that widens nothing "
                        "that was allowed; the key patterns are lost (kept as x-patternProperties).")
def pattern_properties(schema: dict[str, Any], where: str, ctx: Context) -> None:
    patterns = schema.pop("patternProperties")
    schema["x-patternProperties"] = patterns
    extra = schema.get("additionalProperties")
    if isinstance(patterns, dict) and patterns and (extra is False or isinstance(extra, dict)):
        union = list(patterns.values()) + ([extra] if isinstance(extra, dict) else [])
        schema["additionalProperties"] = {"anyOf": union}
    ctx.lose(jp.join(where, "patternProperties"), "patternProperties: key patterns are not expressible in 3.0")


@conversion("property-names", row="M31", lossy=True, stage="schema", keywords=("propertyNames",),
            description="`propertyNames` has no 3.0 form; kept as `x-propertyNames` (lossy).")
def property_names(schema: dict[str, Any], where: str, ctx: Context) -> None:
    _move_to_extension(schema, "propertyNames")
    ctx.lose(jp.join(where, "propertyNames"), "propertyNames kept only as x-propertyNames")


@conversion("contains", row="M32", lossy=True, stage="schema", keywords=("contains", "minContains", "maxContains"),
            description="`contains: S` -> `not: {type: array, items: {not: S}}` (exact); `minContains` > 1 and "
                        "`maxContains` are kept only as extensions (lossy).")
def contains(schema: dict[str, Any], where: str, ctx: Context) -> None:
    sub = schema.pop("contains", None)
    low, high = schema.pop("minContains", None), schema.pop("maxContains", None)
    if sub is None:
        return
    if low == 0:
        return  # minContains 0 makes `contains` always true
    add_constraint(schema, {"not": {"type": "array", "items": {"not": sub}}})
    if (isinstance(low, int) and low > 1) or high is not None:
        schema["x-containsBounds"] = {"minContains": low, "maxContains": high}
        ctx.lose(jp.join(where, "contains"), "minContains/maxContains counts are not expressible in 3.0")


def _has_boolean_subschema(schema: dict[str, Any]) -> bool:
    """A fast check (no pointers built) run on every schema before the real walk."""
    for key, value in schema.items():
        if isinstance(value, bool):
            if key != "additionalProperties" and key in _SUBSCHEMA_KEYS:
                return True
        elif isinstance(value, dict) and key in _SUBSCHEMA_MAPS:
            if any(isinstance(v, bool) for v in value.values()):
                return True
        elif isinstance(value, list) and key in _SUBSCHEMA_LISTS:
            if any(isinstance(v, bool) for v in value):
                return True
    return False


_SUBSCHEMA_MAPS = frozenset(("properties", "patternProperties", "dependentSchemas", "$defs", "definitions"))
_SUBSCHEMA_LISTS = frozenset(("allOf", "anyOf", "oneOf", "prefixItems", "items"))
_SUBSCHEMA_KEYS = frozenset(("not", "if", "then", "else", "propertyNames", "contains", "contentSchema", "items",
                             "unevaluatedProperties", "unevaluatedItems", "additionalItems"))


@conversion("boolean-schema", row="M33", lossy=False, stage="schema", when=_has_boolean_subschema,
            description="Boolean subschemas: `true` -> `{}`, `false` -> `{not: {}}` (`additionalProperties` keeps "
                        "its boolean, which 3.0 allows).")
def boolean_schema(schema: dict[str, Any], where: str, ctx: Context) -> None:
    prefix = len(where)
    for ptr, sub in list(subschemas(schema, where)):
        if not isinstance(sub, bool):
            continue
        tokens = jp.split("#" + ptr[prefix:])
        if tokens == ["additionalProperties"]:
            continue
        holder: Any = schema
        for token in tokens[:-1]:
            holder = holder[int(token)] if isinstance(holder, list) else holder[token]
        last: Any = int(tokens[-1]) if isinstance(holder, list) else tokens[-1]
        holder[last] = {} if sub else {"not": {}}


@conversion("required-enum-shape", row="M36", lossy=False, stage="schema", keywords=("required", "enum"),
            description="`required: []` is dropped, duplicate names and enum values removed; `enum: []` (nothing "
                        "allowed) -> `not: {}`; a `null` enum value on a schema that does not allow null (it never matched) "
                        "is removed.")
def required_enum_shape(schema: dict[str, Any], where: str, ctx: Context) -> None:
    required = schema.get("required")
    if isinstance(required, list):
        unique = list(dict.fromkeys(r for r in required if isinstance(r, str)))
        if not unique:
            del schema["required"]
        elif unique != required:
            schema["required"] = unique
    enum = schema.get("enum")
    if isinstance(enum, list) and None in enum and "type" in schema and schema.get("nullable") is not True:
        enum = schema["enum"] = [v for v in enum if v is not None]
    if isinstance(enum, list) and len(enum) > 1:
        unique = _unique(enum)
        if len(unique) != len(enum):
            schema["enum"] = unique
    if enum == []:
        del schema["enum"]
        add_constraint(schema, {"not": {}})


@conversion("json-schema-keywords", row="M21-M24", lossy=False, stage="schema",
            keywords=("$schema", "$id", "$anchor", "$dynamicAnchor", "$recursiveAnchor", "$vocabulary", "$comment",
                      "$defs", "definitions"),
            description="`$schema`, `$id`, `$anchor`, `$dynamicAnchor`, `$recursiveAnchor`, `$vocabulary` are dropped "
                        "(references to them were resolved first); `$comment` becomes `x-comment`.")
def json_schema_keywords(schema: dict[str, Any], where: str, ctx: Context) -> None:
    for key in ("$schema", "$id", "$anchor", "$dynamicAnchor", "$recursiveAnchor", "$vocabulary"):
        schema.pop(key, None)
    if "$comment" in schema:
        schema["x-comment"] = schema.pop("$comment")
    for key in ("$defs", "definitions"):
        if key in schema:  # left only when hoisting could not place them
            _move_to_extension(schema, key)


@conversion("unknown-keyword", row="-", lossy=True, stage="schema",
            when=lambda s: not SCHEMA_KEYWORDS_30.issuperset(k for k in s if k[:2] != "x-"),
            description="Any other key that is neither a 3.0 keyword nor `x-` (typos such as `max_items`, or "
                        "`optional`) moves to `x-<key>`: 3.1 ignored it too, but APIM's reader rejects it.")
def unknown_keyword(schema: dict[str, Any], where: str, ctx: Context) -> None:
    for key in [k for k in schema if k not in SCHEMA_KEYWORDS_30 and not k.startswith("x-")]:
        target = f"x-{key.lstrip('$')}"
        schema[target if target not in schema else f"x-unknown-{key.lstrip('$')}"] = schema.pop(key)
        ctx.lose(jp.join(where, key), f"unknown schema keyword {key!r} kept only as an extension")

