"""Reference work that must happen before schemas change: `$defs` hoisting, `$anchor`/`$id` and dynamic refs,
`components.pathItems` inlining, and top-level boolean schemas.

3.0 only knows `#/components/...` JSON-pointer references, so every other way 2020-12 has of naming a schema
is turned into one, and the schemas it named are moved where such a pointer can reach them.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Iterator

from .. import pointer as jp
from ..schemas import iter_refs, iter_schemas, subschemas, top_level_schemas
from .registry import Context, conversion

_KEY_OK = re.compile(r"[^A-Za-z0-9.\-_]+")


def rewrite_refs(document: dict[str, Any], moves: dict[str, str]) -> None:
    """Point every `$ref` (and discriminator mapping value) that starts with an old location at the new one."""
    if not moves:
        return

    def moved(ref: str) -> str:
        for old, new in moves.items():
            if ref == old or ref.startswith(old + "/"):
                return new + ref[len(old):]
        return ref

    for _, node in iter_refs(document):
        node["$ref"] = moved(node["$ref"])
    for _, schema in iter_schemas(document):
        mapping = schema.get("discriminator", {}).get("mapping") if isinstance(schema.get("discriminator"), dict) else None
        if isinstance(mapping, dict):
            for value, target in mapping.items():
                if isinstance(target, str):
                    mapping[value] = moved(target)


def _free_name(schemas: dict[str, Any], wanted: str) -> str:
    name = _KEY_OK.sub("_", wanted).strip("_") or "Schema"
    candidate, n = name, 2
    while candidate in schemas:
        candidate, n = f"{name}_{n}", n + 1
    return candidate


def _component_name(where: str) -> str:
    tokens = jp.split(where)
    if len(tokens) >= 3 and tokens[0] == "components" and tokens[1] == "schemas":
        return tokens[2]
    return "Inline"


@conversion("path-items", row="M39", lossy=False, stage="prepass",
            description="`components.pathItems` and `paths./x: {$ref}` -> the path items are inlined, the "
                        "component group removed (3.0 has no path-item components).")
def path_items(ctx: Context) -> None:
    components = ctx.document.get("components")
    shared = components.get("pathItems") if isinstance(components, dict) else None
    paths = ctx.document.get("paths")
    if isinstance(paths, dict):
        for path, item in list(paths.items()):
            if isinstance(item, dict) and isinstance(item.get("$ref"), str):
                target = ctx.deref(item)
                if isinstance(target, dict):
                    merged = copy.deepcopy(target)
                    merged.update({k: v for k, v in item.items() if k != "$ref"})
                    paths[path] = merged
                else:
                    ctx.lose(jp.join("#/paths", path), f"path item $ref {item['$ref']!r} does not resolve; removed",
                             id="dangling-ref")
                    del paths[path]
    if isinstance(shared, dict):
        del components["pathItems"]


@conversion("top-level-boolean-schema", row="M33", lossy=False, stage="prepass",
            description="A boolean where a schema sits directly (component, media type, parameter): "
                        "`true` -> `{}`, `false` -> `{not: {}}`.")
def top_level_boolean(ctx: Context) -> None:
    for where, schema in list(top_level_schemas(ctx.document)):
        if isinstance(schema, bool):
            tokens = jp.split(where)
            holder = jp.resolve(ctx.document, jp.from_tokens(tokens[:-1]))
            holder[tokens[-1]] = {} if schema else {"not": {}}


@conversion("defs", row="M20", lossy=False, stage="prepass",
            description="Nested `$defs` are hoisted into `components.schemas` under unique names matching APIM's "
                        "key pattern, and every `$ref` into them is rewritten.")
def hoist_defs(ctx: Context) -> None:
    if not ctx.uses("$defs", "definitions"):
        return
    for _ in range(10_000):  # each round hoists one schema's $defs; nested ones surface in later rounds
        found = next(((w, s) for w, s in iter_schemas(ctx.document)
                      if isinstance(s.get("$defs") or s.get("definitions"), dict)), None)
        if found is None:
            return
        where, schema = found
        schemas = ctx.document.setdefault("components", {}).setdefault("schemas", {})
        moves: dict[str, str] = {}
        owner = _component_name(where)
        for key in ("$defs", "definitions"):
            defs = schema.pop(key, None)
            if not isinstance(defs, dict):
                continue
            for name, sub in defs.items():
                new = _free_name(schemas, f"{owner}.{name}")
                schemas[new] = sub
                moves[jp.join(where, key, name)] = jp.join("#/components/schemas", new)
        rewrite_refs(ctx.document, moves)


@conversion("anchors", row="M21", lossy=False, stage="prepass",
            description="`$ref`s to `$anchor` names or `$id` URIs -> JSON pointers to the schema they name.")
def anchors(ctx: Context) -> None:
    if not ctx.uses("$anchor", "$id"):
        return
    names: dict[str, str] = {}
    for where, schema in iter_schemas(ctx.document):
        if isinstance(schema.get("$anchor"), str):
            names["#" + schema["$anchor"]] = where
        if isinstance(schema.get("$id"), str):
            names[schema["$id"]] = where
    if not names:
        return
    for _, node in iter_refs(ctx.document):
        if node["$ref"] in names:
            node["$ref"] = names[node["$ref"]]


@conversion("dynamic-ref", row="M22", lossy=True, stage="prepass",
            description="`$dynamicRef`/`$recursiveRef` -> a plain `$ref` to the schema that carries the matching "
                        "anchor (the enclosing component); the dynamic extension point is lost.")
def dynamic_ref(ctx: Context) -> None:
    if not ctx.uses("$recursiveRef", "$dynamicRef"):
        return
    for where, schema in _schemas_using(ctx.document, ("$recursiveRef", "$dynamicRef")):
        for key, anchor_key in (("$recursiveRef", "$recursiveAnchor"), ("$dynamicRef", "$dynamicAnchor")):
            if key not in schema:
                continue
            value = schema.pop(key)
            target = _anchor_owner(ctx, where, anchor_key, value)
            if target is None:
                ctx.lose(jp.join(where, key), f"{key} {value!r} has no anchor to resolve to; dropped")
                continue
            if "$ref" in schema:
                schema.setdefault("allOf", []).append({"$ref": target})
            else:
                schema["$ref"] = target
            ctx.lose(jp.join(where, key), f"{key} {value!r} fixed to {target} (dynamic extension lost)")


def _schemas_using(document: dict[str, Any], keys: tuple[str, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The schemas holding one of `keys`, walking only below the top-level schemas whose JSON mentions them
    (dynamic references are rare; a full walk of a large spec is not cheap)."""
    for top, schema in top_level_schemas(document):
        if not _mentions(schema, keys):
            continue
        stack = [(top, schema)]
        while stack:
            where, node = stack.pop()
            if isinstance(node, dict):
                if any(k in node for k in keys):
                    yield where, node
                stack.extend(subschemas(node, where))


def _mentions(node: Any, keys: tuple[str, ...]) -> bool:
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if any(k in value for k in keys):
                return True
            stack.extend(v for v in value.values() if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend(v for v in value if isinstance(v, (dict, list)))
    return False


def _anchor_owner(ctx: Context, where: str, anchor_key: str, value: Any) -> str | None:
    """The outermost enclosing schema with the anchor; else the enclosing component schema."""
    tokens = jp.split(where)
    fallback = None
    if len(tokens) >= 3 and tokens[:2] == ["components", "schemas"]:
        fallback = jp.from_tokens(tokens[:3])
    name = value[1:] if isinstance(value, str) and value.startswith("#") and len(value) > 1 else None
    for n in range(2, len(tokens) + 1):
        node = jp.resolve(ctx.document, jp.from_tokens(tokens[:n]), default=None)
        if isinstance(node, dict) and anchor_key in node and (name is None or node[anchor_key] in (name, True)):
            return jp.from_tokens(tokens[:n])
    return fallback
