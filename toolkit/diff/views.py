"""Schema views: one canonical reading of a Schema Object, whatever dialect or indirection spelled it.

Comparing by meaning starts here. A view follows `$ref`s (so a renamed or moved component reads the same),
folds `allOf` members into one object (so a property moved into an `allOf` member is not "removed"), and
canonicalises the 3.0 and 3.1 spellings of one contract: `nullable: true`, `type: [x, "null"]` and
`anyOf: [x, {type: "null"}]` all become `nullable=True`; `exclusiveMinimum: true` + `minimum: 5` and
`exclusiveMinimum: 5` both become `exclusiveMinimum=5`; `const: x` is `enum: [x]`; `example` is `examples: [x]`.

Unions are normalised the same way on both sides before anyone pairs their members (`members`): a member that
is itself a union is flattened into its parent, null-only members make the union nullable, and the "open enum"
idiom `anyOf: [{type: string}, {type: string, enum: [...]}]` reads as a string with known values
(`enum_open`), because the free member accepts every value the enum member lists. TypeSpec spellings read as
what they mean: a lone `allOf` wrapper around a discriminated base is that union, `{type: object, allOf:
[<array>], nullable: true}` is a nullable array, and bounds that span the whole int64/int32 range are no bounds.

Views are memoised per document node (by identity, the documents stay alive for the whole comparison), so the
diff can key its own memo on view identity: two `$ref`s to one component share one view.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Callable

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
# Keywords that annotate a schema without narrowing the values it accepts.
ANNOTATION_KEYWORDS = frozenset({"readOnly", "writeOnly", "deprecated", "default", "discriminator",
                                 "contentMediaType", "contentEncoding"})
_SCHEMA_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})
# Numeric formats whose whole range, written as bounds, constrains nothing (TypeSpec writes them out).
_FORMAT_RANGE = {"int64": (-(2 ** 63) + 1, 2 ** 63 - 1), "int32": (-(2 ** 31), 2 ** 31 - 1)}

Ref = tuple[Any, str]  # (a schema node as written, its JSON pointer)


def canonical(value: Any) -> str:
    """A stable text form of any JSON value, for set comparisons of enum values and defaults."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


@dataclass(eq=False)
class Member:
    """One member of a normalised union: where it is written, its view, and the tag that selects it (the
    discriminator or const value, None when it has none) with the property that carries it. The tag is found on
    first use: finding it builds property views, and most unions are never paired member by member."""

    ref: Ref
    view: "SchemaView"
    find_tag: Callable[[], tuple[Any, str | None]] | None = field(default=None, repr=False)
    _tag: tuple[Any, str | None] | None = field(default=None, repr=False)

    @classmethod
    def tagged(cls, ref: Ref, view: "SchemaView", tag: Any, tag_property: str | None) -> "Member":
        return cls(ref, view, _tag=(tag, tag_property))

    def _resolved(self) -> tuple[Any, str | None]:
        if self._tag is None:
            self._tag = self.find_tag() if self.find_tag is not None else (None, None)
        return self._tag

    @property
    def tag(self) -> Any:
        return self._resolved()[0]

    @property
    def tag_property(self) -> str | None:
        return self._resolved()[1]

    @property
    def ref_name(self) -> str | None:
        node = self.ref[0]
        ref = node.get("$ref") if isinstance(node, dict) else None
        return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


@dataclass(eq=False)
class SchemaView:
    """The meaning of one schema: what the diff compares. `pointer` is where its body lives."""

    pointer: str
    ref_name: str | None = None
    types: frozenset[str] | None = None  # None: any type; never contains "null" (see `nullable`)
    nullable: bool = False
    enum: dict[str, Any] | None = None  # canonical text -> value, null removed (it sets `nullable`)
    enum_open: bool = False  # `enum` lists known values of an open set (a free sibling member accepts any value)
    properties: dict[str, Ref] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    keywords: dict[str, Any] = field(default_factory=dict)
    docs: dict[str, Any] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)
    items: Ref | None = None
    additional: Ref | None = None  # additionalProperties when it is a schema
    branches: dict[str, list[Ref]] = field(default_factory=dict)  # "oneOf"/"anyOf" -> members as written
    normalised: list[Member] = field(default_factory=list)  # the normalised union: read it as `members`
    rest_all_of: list[Ref] = field(default_factory=list)  # allOf members that could not be folded
    is_bool: bool | None = None  # a boolean schema (`true`/`false`)
    mapping: dict[str, str] = field(default_factory=dict)  # discriminator mapping: value -> $ref
    base_discriminator: str | None = None  # the discriminator property of the base this schema extends
    implicit_union: bool = False  # branches come from a discriminator mapping (TypeSpec-style polymorphism)
    node: Any = None  # the schema as written (identity matters: views are memoised by it)
    pending: Callable[["SchemaView"], None] | None = field(default=None, repr=False)  # fills `normalised` lazily

    @property
    def members(self) -> list[Member]:
        """The normalised union (see the module docstring). A discriminated base's subtypes extend the base
        itself, so they are built on first use, once the base is complete, never while it is being built."""
        if self.pending is not None:
            finish, self.pending = self.pending, None
            finish(self)
        return self.normalised

    @property
    def union_kind(self) -> str | None:
        return "oneOf" if "oneOf" in self.branches else "anyOf" if "anyOf" in self.branches else None

    @property
    def pure_union(self) -> bool:
        """A union and nothing else: its members carry all the structure."""
        return bool(self.members) and not self.properties and self.types is None

    @property
    def discriminator(self) -> str | None:
        value = self.keywords.get("discriminator")
        return value if isinstance(value, str) else None


def _is_null_branch(node: Any) -> bool:
    """A union member that accepts only null: 3.1 `{type: "null"}`, or 3.0 `{nullable: true, enum: [null]}`."""
    if not isinstance(node, dict):
        return False
    rest = {k: v for k, v in node.items() if k not in DOC_KEYWORDS}
    if rest.get("type") in ("null", ["null"]) and len(rest) == 1:
        return True
    return rest.get("enum") == [None] and set(rest) <= {"enum", "type", "nullable"}


def own_tag(view: SchemaView) -> Any:
    """The discriminator value of a subtype: its entry in the mapping it inherits from its base, else its
    `x-ms-discriminator-value`; None for a schema that is no subtype."""
    for value, target in view.mapping.items():
        if target == view.pointer:
            return value
    value = view.extensions.get("x-ms-discriminator-value")
    return value if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def _free(view: SchemaView) -> bool:
    """A typed schema with no constraint at all (`{type: string}`): it accepts every value of its type."""
    return bool(view.types) and (view.enum is None or view.enum_open) and not (
        view.properties or view.required or view.items or view.additional or view.branches or view.rest_all_of
        or set(view.keywords) - ANNOTATION_KEYWORDS)


def _enum_only(view: SchemaView) -> bool:
    """A list of values and nothing else (`{type: string, enum: [...]}`)."""
    return view.enum is not None and not view.enum_open and not (
        view.properties or view.required or view.items or view.additional or view.branches or view.rest_all_of
        or set(view.keywords) - ANNOTATION_KEYWORDS)


def accepts_null(view: SchemaView) -> bool:
    """Is null valid: nullable, or no type, enum or union that would exclude it?"""
    return view.nullable or (view.types is None and view.enum is None and not view.branches
                             and view.is_bool is not False)


def _types_within(view: SchemaView, host: SchemaView) -> bool:
    return bool(view.types) and all(type_accepts(host.types, t) for t in view.types or ())


def _nullable_marker(view: SchemaView) -> bool:
    """`{nullable: true}` and nothing else: an allOf member that only makes its siblings nullable."""
    return view.nullable and view.types is None and view.enum is None and not (
        view.properties or view.required or view.items or view.additional or view.branches)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def type_accepts(types: frozenset[str] | None, value_type: str) -> bool:
    """Does a `types` set (None: any) accept a value of JSON type `value_type` (an integer is a number)?"""
    return types is None or value_type in types or (value_type == "integer" and "number" in types)


class Viewer:
    """Builds and memoises `SchemaView`s over one spec."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._views: dict[int, SchemaView] = {}
        self._building: set[int] = set()

    def built(self, view: SchemaView) -> bool:
        """Is `view` the one this viewer built for its node (not a view derived from it)?"""
        return self._views.get(id(view.node)) is view

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
            view = self._build(dict(siblings), pointer)
            self._fold_all_of(view, [target_view])
            if not view.normalised and view.pending is None:
                self._normalise_union(view)  # the target's union, as this view's own
            return view
        view = SchemaView(pointer=pointer, node=node)
        self._read_own(view, node, pointer)
        if view.mapping and not view.branches:
            # a base schema whose discriminator mapping names its subtypes is a union of those subtypes
            view.branches["oneOf"] = [({"$ref": target}, target) for target in view.mapping.values()
                                      if isinstance(target, str)]
            view.implicit_union = True
        members = node.get("allOf")
        folded: list[SchemaView] = []
        for i, member in enumerate(members if isinstance(members, list) else ()):
            if not isinstance(member, (dict, bool)):
                continue
            member_view = self.view(member, f"{pointer}/allOf/{i}")
            if member_view.branches and view.branches:
                view.rest_all_of.append((member, f"{pointer}/allOf/{i}"))
                continue
            folded.append(member_view)
        self._fold_all_of(view, folded)
        self._normalise_union(view)
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
        """3.0 boolean exclusive bounds become the 3.1 numeric form; bounds spanning the format's range go."""
        kw = view.keywords
        for excl, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if kw.get(excl) is True and bound in kw:
                kw[excl] = kw.pop(bound)
            elif kw.get(excl) is False or kw.get(excl) is True:
                kw.pop(excl)
        fmt = kw.get("format")
        span = _FORMAT_RANGE.get(fmt) if isinstance(fmt, str) else None
        if span is None and view.types == frozenset({"integer"}) and "format" not in kw:
            span = _FORMAT_RANGE["int64"]  # no JSON client sends integers beyond int64 either
        if span is not None:
            low, high = kw.get("minimum"), kw.get("maximum")
            if isinstance(low, (int, float)) and not isinstance(low, bool) and low <= span[0]:
                kw.pop("minimum")
            if isinstance(high, (int, float)) and not isinstance(high, bool) and high >= span[1]:
                kw.pop("maximum")

    def _fold_all_of(self, view: SchemaView, members: list[SchemaView]) -> None:
        """Fold allOf members (or a `$ref` target beside sibling keywords) into `view`.

        Null is valid only when every member accepts it: a member's own `nullable` does not make the whole
        nullable (TypeSpec's `allOf: [Base, {nullable: true, ...}]` never accepted null), while the wrapper's own
        `nullable: true` (`{allOf: [$ref], nullable: true}`, the 3.0 nullable-ref idiom) does, and so does a member
        that says nothing but `nullable: true` (`allOf: [$ref, {nullable: true}]`, the same idiom)."""
        if not members:
            return
        own_nullable, own_typed = view.nullable, view.types is not None
        # a lone allOf around a discriminated base, with nothing of its own, is that union (not one subtype)
        wrapper = (len(members) == 1 and not view.properties and not view.branches
                   and view.pointer not in members[0].mapping.values())
        for member in members:
            self._fold(view, member, wrapper)
        if not own_nullable:
            view.nullable = not own_typed and (any(map(_nullable_marker, members)) or (
                all(map(accepts_null, members)) and any(m.nullable for m in members)))

    def _normalise_union(self, view: SchemaView) -> None:
        """The union's members, normalised (see the module docstring); a union left with one member is it."""
        kind = view.union_kind
        if kind is None:
            return
        if any(_is_null_branch(ref[0]) for ref in view.branches[kind]):
            view.nullable = True
        if view.implicit_union:
            view.pending = self._finish_members
            return
        members, nullable = self._flatten(view)
        if nullable:
            view.nullable = True
        members = _absorb_open_enums(members)
        if len(members) == 1 and not view.properties:
            del view.branches[kind]
            self._fold(view, members[0].view)
            self._normalise_union(view)  # the one member may be a union with fields of its own
            return
        view.normalised = members

    def _finish_members(self, view: SchemaView) -> None:
        members, nullable = self._flatten(view)
        view.nullable = view.nullable or nullable
        view.normalised = _absorb_open_enums(members)

    def _flatten(self, parent: SchemaView) -> tuple[list[Member], bool]:
        """Members of `parent`'s union without its null-only members, and whether any member accepts null. A
        member that is itself a union contributes its own (already normalised) members instead."""
        kind = parent.union_kind
        out: list[Member] = []
        nullable = False
        for ref in parent.branches.get(kind, []) if kind else []:
            if _is_null_branch(ref[0]):
                nullable = True
                continue
            member = self.view(*ref)
            if member is parent:
                continue
            nullable = nullable or member.nullable
            if member.members and (member.implicit_union or not member.properties) and not member.rest_all_of:
                out.extend(member.members)
                continue
            out.append(Member(ref, member, lambda ref=ref, member=member: self.tag_of(parent, ref, member)))
        return out, nullable

    def tag_of(self, parent: SchemaView, ref: Ref, member: SchemaView) -> tuple[Any, str | None]:
        """The value that selects `member` in `parent`'s union, and the property carrying it: the discriminator
        mapping (the parent's, or the one the member inherits from its base), `x-ms-discriminator-value`, else
        the one value of a const/enum property."""
        node = ref[0]
        target = node.get("$ref") if isinstance(node, dict) else None
        prop = parent.discriminator or member.base_discriminator
        for value, to in parent.mapping.items():
            if to in (target, member.pointer):
                return value, prop
        value = own_tag(member)
        if value is not None:
            return value, prop
        return self.const_tag(member, prop)

    def const_tag(self, view: SchemaView, prop: str | None) -> tuple[Any, str | None]:
        names = [prop] if prop else sorted(view.required) or sorted(view.properties)
        for name in names:
            ref = view.properties.get(name) if name else None
            if ref is None:
                continue
            enum = self.view(*ref).enum
            if enum is not None and len(enum) == 1:
                value = next(iter(enum.values()))
                if isinstance(value, (str, int, bool)):
                    return value, name
        return None, None

    def _fold(self, view: SchemaView, member: SchemaView, wrapper: bool = False) -> None:
        """Merge an allOf member (or a `$ref` target) into `view`; the outer schema's own keywords win.

        `wrapper`: `view` is nothing but this one member (plus docs), so it also takes the member's union."""
        if member.is_bool is False:
            view.is_bool = False
        if member.types is not None:
            if view.types is None or not view.types:
                view.types = member.types
            elif view.types & member.types:
                view.types = view.types & member.types
            elif not (view.properties or view.required or view.additional):
                view.types = member.types  # `{type: object, allOf: [<array>]}`: TypeSpec's nullable wrapper
        view.nullable = view.nullable or member.nullable
        if view.enum is None and member.enum is not None:
            view.enum = member.enum
            view.enum_open = member.enum_open
        for name, ref in member.properties.items():
            view.properties.setdefault(name, ref)
        view.required = view.required | member.required
        for key, value in member.keywords.items():
            if key != "discriminator" or wrapper:  # it describes the member's own union, not a subtype of it
                view.keywords.setdefault(key, value)
        if member.discriminator and not wrapper:
            view.base_discriminator = view.base_discriminator or member.discriminator
        elif member.base_discriminator:
            view.base_discriminator = view.base_discriminator or member.base_discriminator
        for key, value in member.docs.items():
            view.docs.setdefault(key, value)
        for key, value in member.extensions.items():
            view.extensions.setdefault(key, value)
        if view.items is None:
            view.items = member.items
        if view.additional is None:
            view.additional = member.additional
        if wrapper or not member.implicit_union:  # a subtype's allOf on its base must not inherit the subtypes
            for key, branch in member.branches.items():
                view.branches.setdefault(key, branch)  # `_normalise_union` makes the members from them
            view.implicit_union = view.implicit_union or (wrapper and member.implicit_union)
        view.rest_all_of.extend(member.rest_all_of)
        if member.mapping and not view.mapping:
            view.mapping = member.mapping


def _absorb_open_enums(members: list[Member]) -> list[Member]:
    """`anyOf: [{type: string}, {type: string, enum: [a, b]}]` accepts every string: the enum member only names
    known values. Such enum members (and free members of a type another free member covers) are folded into the
    free member of their type, whose `enum` lists the known values of an open set."""
    hosts: list[Member] = []
    for member in members:
        if _free(member.view) and not any(_types_within(member.view, h.view) for h in hosts):
            hosts.append(member)
    if not hosts:
        return members
    known: dict[int, dict[str, Any]] = {}
    out: list[Member] = []
    for member in members:
        view = member.view
        host = None
        if member not in hosts and member.tag is None:
            if _enum_only(view):
                host = next((h for h in hosts if all(type_accepts(h.view.types, json_type(v))
                                                     for v in (view.enum or {}).values())), None)
            elif _free(view):
                host = next((h for h in hosts if _types_within(view, h.view)), None)
        if host is None:
            out.append(member)
            continue
        known.setdefault(id(host), dict(host.view.enum or {})).update(view.enum or {})
    if not known:
        return members
    result = []
    for member in out:
        values = known.get(id(member))
        if values is not None:
            open_view = dataclasses.replace(member.view, enum=values, enum_open=True)
            member = Member.tagged(member.ref, open_view, member.tag, member.tag_property)
        result.append(member)
    return result


def _enclosing_component(pointer: str) -> str | None:
    parts = pointer.split("/")
    if len(parts) >= 4 and parts[:3] == ["#", "components", "schemas"]:
        return "/".join(parts[:4])
    return None
