"""Schema views: one canonical reading of a Schema Object, whatever dialect or indirection spelled it.

Comparing by meaning starts here. A view follows `$ref`s (so a renamed or moved component reads the same),
folds `allOf` members into one object (so a property moved into an `allOf` member is not "removed"), and
canonicalises the 3.0 and 3.1 spellings of one contract: `nullable: true`, `type: [x, "null"]` and
`anyOf: [x, {type: "null"}]` all become `nullable=True`; `exclusiveMinimum: true` + `minimum: 5` and
`exclusiveMinimum: 5` both become `exclusiveMinimum=5`; `const: x` is `enum: [x]`; `example` is `examples: [x]`.

Views are memoised per document node (by identity, the documents stay alive for the whole comparison), so the
diff can key its own memo on view identity: two `$ref`s to one component share one view.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .. import pointer as jp
from ..model import Spec

# Keywords people read but clients never act on: edits to them are `doc` level.
DOC_KEYWORDS = frozenset({"description", "title", "summary", "examples", "externalDocs", "$comment", "x-ms-examples"})
# Scalar keywords compared one to one (constraints, flags, formats).
SCALAR_KEYWORDS = (
    "format", "maxLength", "minLength", "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum",
    "maxItems", "minItems", "maxProperties", "minProperties", "multipleOf", "uniqueItems", "pattern",
    "readOnly", "writeOnly", "deprecated", "default", "additionalProperties", "discriminator",
    "contentMediaType", "contentEncoding",
)
_SCHEMA_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})

Ref = tuple[Any, str]  # (a schema node as written, its JSON pointer)


def canonical(value: Any) -> str:
    """A stable text form of any JSON value, for set comparisons of enum values and defaults."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


@dataclass(eq=False)
class SchemaView:
    """The meaning of one schema: what the diff compares. `pointer` is where its body lives."""

    pointer: str
    ref_name: str | None = None
    types: frozenset[str] | None = None  # None: any type; never contains "null" (see `nullable`)
    nullable: bool = False
    enum: dict[str, Any] | None = None  # canonical text -> value, null removed (it sets `nullable`)
    properties: dict[str, Ref] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    keywords: dict[str, Any] = field(default_factory=dict)
    docs: dict[str, Any] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)
    items: Ref | None = None
    additional: Ref | None = None  # additionalProperties when it is a schema
    branches: dict[str, list[Ref]] = field(default_factory=dict)  # "oneOf"/"anyOf" -> members
    rest_all_of: list[Ref] = field(default_factory=list)  # allOf members that could not be folded
    is_bool: bool | None = None  # a boolean schema (`true`/`false`)
    mapping: dict[str, str] = field(default_factory=dict)  # discriminator mapping: value -> $ref
    implicit_union: bool = False  # branches come from a discriminator mapping (TypeSpec-style polymorphism)
    node: Any = None  # the schema as written (identity matters: views are memoised by it)

    @property
    def union(self) -> list[Ref]:
        """The members of this schema's union, whichever keyword spells it."""
        return self.branches.get("oneOf") or self.branches.get("anyOf") or []

    @property
    def pure_union(self) -> bool:
        """A union and nothing else: its members carry all the structure."""
        return bool(self.union) and not self.properties and self.types is None


def _is_null_branch(node: Any) -> bool:
    """A union member that accepts only null: 3.1 `{type: "null"}`, or 3.0 `{nullable: true, enum: [null]}`."""
    if not isinstance(node, dict):
        return False
    rest = {k: v for k, v in node.items() if k not in DOC_KEYWORDS}
    if rest.get("type") in ("null", ["null"]) and len(rest) == 1:
        return True
    return rest.get("enum") == [None] and set(rest) <= {"enum", "type", "nullable"}


class Viewer:
    """Builds and memoises `SchemaView`s over one spec."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._views: dict[int, SchemaView] = {}
        self._building: set[int] = set()

    def view(self, node: Any, pointer: str) -> SchemaView:
        key = id(node)
        cached = self._views.get(key)
        if cached is not None:
            return cached
        if key in self._building:  # an allOf/$ref cycle: the inner occurrence reads as "anything"
            return SchemaView(pointer=pointer)
        self._building.add(key)
        try:
            made = self._build(node, pointer)
        finally:
            self._building.discard(key)
        self._views[key] = made
        return made

    # -- construction
    def _build(self, node: Any, pointer: str) -> SchemaView:
        if isinstance(node, bool):
            return SchemaView(pointer=pointer, is_bool=node, node=node)
        if not isinstance(node, dict):
            return SchemaView(pointer=pointer, node=node)
        ref = node.get("$ref")
        if ref is None and (node.get("$recursiveRef") == "#" or node.get("$dynamicRef") == "#"):
            ref = _enclosing_component(pointer)  # "#" is the root of the schema it sits in
        if isinstance(ref, str):
            target = self.spec.try_deref({"$ref": ref})
            siblings = {k: v for k, v in node.items() if k not in ("$ref", "$recursiveRef", "$dynamicRef")}
            if target is None:
                return SchemaView(pointer=pointer, ref_name=ref)
            target_view = self.view(target, ref)
            if target_view.ref_name is None and ref.startswith("#/components/schemas/"):
                target_view.ref_name = ref.rsplit("/", 1)[-1]
            if not siblings:
                return target_view
            # 3.1 allows keywords beside $ref: read them as an allOf of the target and the siblings
            merged = dict(siblings)
            view = self._build(merged, pointer)
            self._fold(view, target_view)
            return view
        view = SchemaView(pointer=pointer, node=node)
        self._read_own(view, node, pointer)
        if view.mapping and not view.branches:
            # a base schema whose discriminator mapping names its subtypes is a union of those subtypes
            view.branches["oneOf"] = [({"$ref": target}, target) for target in view.mapping.values()
                                      if isinstance(target, str)]
            view.implicit_union = True
        members = node.get("allOf")
        for i, member in enumerate(members if isinstance(members, list) else ()):
            if not isinstance(member, (dict, bool)):
                continue
            member_view = self.view(member, f"{pointer}/allOf/{i}")
            if member_view.branches and view.branches:
                view.rest_all_of.append((member, f"{pointer}/allOf/{i}"))
                continue
            self._fold(view, member_view)
        self._unwrap_null_union(view)
        return view

    def _read_own(self, view: SchemaView, node: dict[str, Any], pointer: str) -> None:
        raw_type = node.get("type")
        if isinstance(raw_type, str):
            raw_type = [raw_type]
        if isinstance(raw_type, list):
            names = {t for t in raw_type if isinstance(t, str) and t in _SCHEMA_TYPES}
            if "null" in names:
                view.nullable = True
                names.discard("null")
            view.types = frozenset(names) if names or not view.nullable else frozenset()
        if node.get("nullable") is True:
            view.nullable = True
        values: list[Any] | None = None
        if isinstance(node.get("enum"), list):
            values = list(node["enum"])
        if "const" in node:
            values = [node["const"]]
        if values is not None:
            if None in values:
                view.nullable = True
            view.enum = {canonical(v): v for v in values if v is not None}
        props = node.get("properties")
        if isinstance(props, dict):
            view.properties = {name: (sub, f"{pointer}/properties/{jp.escape(name)}") for name, sub in props.items()}
        req = node.get("required")
        if isinstance(req, list):
            view.required = frozenset(r for r in req if isinstance(r, str))
        for key in SCALAR_KEYWORDS:
            if key in node:
                view.keywords[key] = node[key]
        self._canonical_bounds(view)
        addl = view.keywords.get("additionalProperties")
        if isinstance(addl, dict):
            if addl and addl != {}:
                view.additional = (addl, f"{pointer}/additionalProperties")
            view.keywords["additionalProperties"] = True
        elif addl is True:
            view.keywords.pop("additionalProperties")  # true is the default
        if isinstance(view.keywords.get("discriminator"), dict):
            disc = view.keywords["discriminator"]
            view.keywords["discriminator"] = disc.get("propertyName")
            mapping = disc.get("mapping")
            view.mapping = dict(mapping) if isinstance(mapping, dict) else {}
        for key in ("description", "title", "summary", "externalDocs", "$comment"):
            if key in node:
                view.docs[key] = node[key]
        if "example" in node:
            view.docs["examples"] = [node["example"]]
        elif isinstance(node.get("examples"), list):
            view.docs["examples"] = node["examples"]
        for key, value in node.items():
            if key.startswith("x-") and key != "x-ms-examples":
                view.extensions[key] = value
        items = node.get("items")
        if isinstance(items, (dict, bool)):
            view.items = (items, f"{pointer}/items")
        for key in ("oneOf", "anyOf"):
            members = node.get(key)
            if isinstance(members, list):
                view.branches[key] = [(m, f"{pointer}/{key}/{i}") for i, m in enumerate(members)]

    @staticmethod
    def _canonical_bounds(view: SchemaView) -> None:
        """3.0 boolean exclusive bounds become the 3.1 numeric form."""
        kw = view.keywords
        for excl, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if kw.get(excl) is True and bound in kw:
                kw[excl] = kw.pop(bound)
            elif kw.get(excl) is False or kw.get(excl) is True:
                kw.pop(excl)

    def _unwrap_null_union(self, view: SchemaView) -> None:
        """`anyOf/oneOf: [X, {type: null}]` is X made nullable (the 3.1 spelling of 3.0 `nullable`)."""
        for key in ("anyOf", "oneOf"):
            members = view.branches.get(key)
            if not members or not any(_is_null_branch(m) for m, _ in members):
                continue
            rest = [(m, p) for m, p in members if not _is_null_branch(m)]
            view.nullable = True
            if len(rest) == 1:
                del view.branches[key]
                self._fold(view, self.view(*rest[0]))
            else:
                view.branches[key] = rest

    def _fold(self, view: SchemaView, member: SchemaView) -> None:
        """Merge an allOf member (or a `$ref` target) into `view`; the outer schema's own keywords win."""
        if member.is_bool is False:
            view.is_bool = False
        if member.types is not None:
            view.types = member.types if view.types is None or not view.types else (view.types & member.types or view.types)
        view.nullable = view.nullable or member.nullable
        if view.enum is None and member.enum is not None:
            view.enum = member.enum
        for name, ref in member.properties.items():
            view.properties.setdefault(name, ref)
        view.required = view.required | member.required
        for key, value in member.keywords.items():
            if key != "discriminator":  # it describes the member's own union, not the schema that extends it
                view.keywords.setdefault(key, value)
        for key, value in member.docs.items():
            view.docs.setdefault(key, value)
        for key, value in member.extensions.items():
            view.extensions.setdefault(key, value)
        if view.items is None:
            view.items = member.items
        if view.additional is None:
            view.additional = member.additional
        if not member.implicit_union:  # a subtype's allOf on its base must not inherit the subtype list
            for key, members in member.branches.items():
                view.branches.setdefault(key, members)
        view.rest_all_of.extend(member.rest_all_of)
        if member.mapping and not view.mapping:
            view.mapping = member.mapping


def _enclosing_component(pointer: str) -> str | None:
    parts = pointer.split("/")
    if len(parts) >= 4 and parts[:3] == ["#", "components", "schemas"]:
        return "/".join(parts[:4])
    return None

