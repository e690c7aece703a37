"""Schema comparison: what changed between two schemas, as data. Judging the changes is the rules' job.

Schemas are compared through their views (see `views.py`), so `$ref` names never matter, only content.
Results are memoised per (base view, revision view) pair: a component used by a hundred operations is compared
once, and a recursive schema terminates because a pair already in progress counts as unchanged (if it did
change, the change is reported where the comparison of that pair started).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from .views import SCALAR_KEYWORDS, Ref, SchemaView, Viewer, canonical


@dataclass(frozen=True)
class ValueChange:
    base: Any
    revision: Any


@dataclass(eq=False)
class BranchDiff:
    """oneOf/anyOf members, matched by meaning: (label, ref) for added/removed, (label, diff) for modified."""

    added: list[tuple[str, Ref]] = field(default_factory=list)
    removed: list[tuple[str, Ref]] = field(default_factory=list)
    modified: list[tuple[str, "SchemaDiff"]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.modified)


@dataclass(eq=False)
class SchemaDiff:
    """Everything that differs between two schema views. Empty fields mean "same"."""

    base: SchemaView
    revision: SchemaView
    types: ValueChange | None = None
    nullable: ValueChange | None = None
    enum_added: list[Any] = field(default_factory=list)
    enum_removed: list[Any] = field(default_factory=list)
    enum_set: ValueChange | None = None  # the enum restriction itself appeared or went away
    keywords: dict[str, ValueChange] = field(default_factory=dict)
    docs: dict[str, ValueChange] = field(default_factory=dict)
    extensions: dict[str, ValueChange] = field(default_factory=dict)
    required_added: list[str] = field(default_factory=list)
    required_removed: list[str] = field(default_factory=list)
    properties_added: dict[str, Ref] = field(default_factory=dict)
    properties_removed: dict[str, Ref] = field(default_factory=dict)
    properties: dict[str, "SchemaDiff"] = field(default_factory=dict)
    items: "SchemaDiff | None" = None
    additional: "SchemaDiff | None" = None
    branches: dict[str, BranchDiff] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.types or self.nullable or self.enum_added or self.enum_removed or self.enum_set
                    or self.keywords or self.docs or self.extensions or self.required_added
                    or self.required_removed or self.properties_added or self.properties_removed
                    or self.properties or self.items or self.additional or self.branches)


class SchemaComparer:
    """Compares schemas of two specs; one instance per spec pair, so its memo spans all operations."""

    def __init__(self, base: Viewer, revision: Viewer) -> None:
        self.base = base
        self.revision = revision
        self._memo: dict[tuple[int, int], SchemaDiff | None] = {}
        self._in_progress: set[tuple[int, int]] = set()

    def compare(self, base: Ref, revision: Ref) -> SchemaDiff | None:
        """The differences between two schemas (each a (node, pointer) pair), or None when they mean the same."""
        return self.compare_views(self.base.view(*base), self.revision.view(*revision))

    def compare_views(self, b: SchemaView, r: SchemaView) -> SchemaDiff | None:
        key = (id(b), id(r))
        if key in self._memo:
            return self._memo[key]
        if key in self._in_progress:
            return None
        self._in_progress.add(key)
        try:
            diff = self._compare(b, r)
        finally:
            self._in_progress.discard(key)
        result = None if diff.empty else diff
        self._memo[key] = result
        return result

    # -- the comparison itself
    def _compare(self, b: SchemaView, r: SchemaView) -> SchemaDiff:
        d = SchemaDiff(b, r)
        if b.is_bool != r.is_bool:
            d.keywords["schema"] = ValueChange(b.is_bool, r.is_bool)
        if b.types != r.types:
            d.types = ValueChange(b.types, r.types)
        if b.nullable != r.nullable:
            d.nullable = ValueChange(b.nullable, r.nullable)
        if b.enum != r.enum:
            if b.enum is None or r.enum is None:
                d.enum_set = ValueChange(b.enum is not None, r.enum is not None)
            else:
                d.enum_added = [v for k, v in r.enum.items() if k not in b.enum]
                d.enum_removed = [v for k, v in b.enum.items() if k not in r.enum]
        for key in SCALAR_KEYWORDS:
            old, new = b.keywords.get(key), r.keywords.get(key)
            if old != new and canonical(old) != canonical(new):
                d.keywords[key] = ValueChange(old, new)
        _dict_changes(b.docs, r.docs, d.docs)
        _dict_changes(b.extensions, r.extensions, d.extensions)
        # A pure union facing a union with shared base properties (TypeSpec puts the common fields on the base)
        # or facing a single schema (a union narrowed to one member, or one schema widened to a union): the
        # members carry the structure, so compare members, not the outer shells.
        unions = (b.union, r.union)
        shell_only = bool(unions[0]) != bool(unions[1]) or (
            (b.pure_union or r.pure_union) and b.pure_union != r.pure_union)
        if shell_only:
            d.types = None
        else:
            self._compare_properties(b, r, d)
        if b.items is not None and r.items is not None:
            d.items = self.compare(b.items, r.items)
        if b.additional is not None and r.additional is not None:
            d.additional = self.compare(b.additional, r.additional)
        if unions[0] or unions[1]:
            key = "anyOf" if "anyOf" in r.branches and "oneOf" not in r.branches else "oneOf"
            b_members = unions[0] or ([(b.node, b.pointer)] if shell_only else [])
            r_members = unions[1] or ([(r.node, r.pointer)] if shell_only else [])
            if b_members and r_members and (not unions[0] or not unions[1]):
                # one side is a single schema: it is the union's only member, not a different "shell"
                b_views = [b] if not unions[0] else None
                r_views = [r] if not unions[1] else None
            else:
                b_views = r_views = None
            branch_diff = self._branches(b, r, b_members, r_members, b_views, r_views)
            if branch_diff:
                d.branches[key] = branch_diff
            b_kind = "oneOf" if "oneOf" in b.branches else "anyOf" if "anyOf" in b.branches else None
            r_kind = "oneOf" if "oneOf" in r.branches else "anyOf" if "anyOf" in r.branches else None
            if b_kind and r_kind and b_kind != r_kind:
                d.keywords["union"] = ValueChange(b_kind, r_kind)
        return d

    def _compare_properties(self, b: SchemaView, r: SchemaView, d: SchemaDiff) -> None:
        if b.required != r.required:
            d.required_added = sorted(r.required - b.required)
            d.required_removed = sorted(b.required - r.required)
        if not (b.properties or r.properties):
            return
        for name, ref in r.properties.items():
            if name not in b.properties:
                d.properties_added[name] = ref
        for name, ref in b.properties.items():
            other = r.properties.get(name)
            if other is None:
                d.properties_removed[name] = ref
                continue
            sub = self.compare(ref, other)
            if sub is not None:
                d.properties[name] = sub

    def _branches(self, bv: SchemaView, rv: SchemaView, base: list[Ref], rev: list[Ref],
                  b_views: list[SchemaView] | None = None, r_views: list[SchemaView] | None = None) -> BranchDiff:
        """Match union members by discriminator value, const tag, $ref target, then structure; never by index."""
        out = BranchDiff()
        b_views = b_views or [self.base.view(*ref) for ref in base]
        r_views = r_views or [self.revision.view(*ref) for ref in rev]
        b_left = list(range(len(base)))
        r_left = list(range(len(rev)))
        pairs: list[tuple[int, int]] = []

        def match_by(keyer_b: Any, keyer_r: Any) -> None:
            b_keys: dict[Any, list[int]] = {}
            r_keys: dict[Any, list[int]] = {}
            for i in b_left:
                k = keyer_b(i)
                if k is not None:
                    b_keys.setdefault(k, []).append(i)
            for j in r_left:
                k = keyer_r(j)
                if k is not None:
                    r_keys.setdefault(k, []).append(j)
            for k, bs in b_keys.items():
                rs = r_keys.get(k)
                if rs and len(bs) == 1 and len(rs) == 1:
                    pairs.append((bs[0], rs[0]))
                    b_left.remove(bs[0])
                    r_left.remove(rs[0])

        b_tags, b_tag_props = _tags(bv, base, b_views, self.base)
        r_tags, r_tag_props = _tags(rv, rev, r_views, self.revision)
        match_by(lambda i: b_tags[i], lambda j: r_tags[j])
        match_by(lambda i: _ref_name(base[i][0]), lambda j: _ref_name(rev[j][0]))
        if b_left and r_left and len(b_left) * len(r_left) <= 64:
            for i in list(b_left):
                for j in r_left:
                    if self.compare_views(b_views[i], r_views[j]) is None:
                        pairs.append((i, j))
                        b_left.remove(i)
                        r_left.remove(j)
                        break
        if b_left and r_left:
            # pair edited members by shape; among equally similar candidates prefer the smallest difference
            small = len(b_left) * len(r_left) <= 64
            scored = sorted((-_similarity(b_views[i], r_views[j]),
                             _weight(self.compare_views(b_views[i], r_views[j])) if small else 0, i, j)
                            for i in b_left for j in r_left)
            for negative_score, _, i, j in scored:
                if -negative_score < 0.5:
                    break
                if i in b_left and j in r_left:
                    pairs.append((i, j))
                    b_left.remove(i)
                    r_left.remove(j)
        both_nullable = bv.nullable and rv.nullable
        for i, j in sorted(pairs):
            sub = self.compare_views(b_views[i], r_views[j])
            if sub is not None:
                # the tag property selects the member: its value list is no change, unless the tag itself changed
                same_tag = None in (b_tags[i], r_tags[j]) or b_tags[i] == r_tags[j]
                tag_prop = (r_tag_props[j] or b_tag_props[i]) if same_tag else None
                sub = _within_union(sub, tag_prop, both_nullable)
            if sub is not None:
                out.modified.append((_label(r_tags[j], r_views[j], j), sub))
        out.removed = [(_label(b_tags[i], b_views[i], i), base[i]) for i in b_left]
        out.added = [(_label(r_tags[j], r_views[j], j), rev[j]) for j in r_left]
        return out


def _dict_changes(old: dict[str, Any], new: dict[str, Any], into: dict[str, ValueChange]) -> None:
    for key in old.keys() | new.keys():
        a, b = old.get(key), new.get(key)
        if a != b:
            into[key] = ValueChange(a, b)


def _ref_name(node: Any) -> str | None:
    ref = node.get("$ref") if isinstance(node, dict) else None
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _tags(parent: SchemaView, refs: list[Ref], views: list[SchemaView],
          viewer: Viewer) -> tuple[list[Any], list[str | None]]:
    """Each member's tag (its discriminator mapping value, else the one value of a required const/enum property)
    and the name of the property that carries it."""
    by_ref = {target: value for value, target in parent.mapping.items()}
    prop = parent.keywords.get("discriminator")
    tags: list[Any] = []
    props: list[str | None] = []
    for (node, _), view in zip(refs, views):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if ref in by_ref:
            tags.append(("tag", by_ref[ref]))
            props.append(prop)
            continue
        tag, name = _const_tag(view, prop, viewer)
        tags.append(tag)
        props.append(name)
    return tags, props


def _const_tag(view: SchemaView, prop: str | None, viewer: Viewer) -> tuple[Any, str | None]:
    names = [prop] if prop else sorted(view.required) or sorted(view.properties)
    for name in names:
        ref = view.properties.get(name) if name else None
        if ref is None:
            continue
        enum = viewer.view(*ref).enum
        if enum is not None and len(enum) == 1:
            value = next(iter(enum.values()))
            if isinstance(value, (str, int, bool)):
                return ("tag", value), name
    return None, None


def _within_union(sub: SchemaDiff, tag_prop: str | None, parent_nullable: bool) -> SchemaDiff | None:
    """A member's diff as seen from its union: the tag property's value list is what selected the member (its
    enum spelling is no change), and a member's own nullability does not matter when the union is nullable."""
    replace: dict[str, Any] = {}
    if parent_nullable and sub.nullable is not None:
        replace["nullable"] = None
    tag_diff = sub.properties.get(tag_prop) if tag_prop else None
    if tag_diff is not None:
        rest = dataclasses.replace(tag_diff, enum_added=[], enum_removed=[], enum_set=None, extensions={},
                                   keywords={k: v for k, v in tag_diff.keywords.items() if k != "default"})
        props = dict(sub.properties)
        if rest.empty:
            del props[tag_prop]
        else:
            props[tag_prop] = rest
        replace["properties"] = props
    if not replace:
        return sub
    trimmed = dataclasses.replace(sub, **replace)
    return None if trimmed.empty else trimmed


def _label(tag: Any, view: SchemaView, index: int) -> str:
    if tag is not None:
        return str(tag[-1])
    if view.ref_name:
        return view.ref_name
    title = view.docs.get("title")
    if isinstance(title, str):
        return title
    if view.types:
        return "|".join(sorted(view.types))
    return f"#{index}"


def _weight(d: SchemaDiff | None, depth: int = 0) -> int:
    """How much two schemas differ, roughly: to break ties between equally similar union members."""
    if d is None or depth > 3:
        return 0
    own = (3 * (d.types is not None) + (d.nullable is not None) + len(d.enum_added) + len(d.enum_removed)
           + len(d.keywords) + len(d.properties_added) + len(d.properties_removed) + len(d.required_added)
           + len(d.required_removed))
    nested = sum(_weight(sub, depth + 1) for sub in d.properties.values())
    return own + nested + _weight(d.items, depth + 1) + _weight(d.additional, depth + 1)


def _similarity(a: SchemaView, b: SchemaView) -> float:
    """Jaccard similarity of property names (plus the type), to pair members that were edited."""
    if a.types != b.types and a.types and b.types:
        return 0.0
    left = set(a.properties) | {f"type:{t}" for t in a.types or ()}
    right = set(b.properties) | {f"type:{t}" for t in b.types or ()}
    if a.items is not None:
        left.add("items")
    if b.items is not None:
        right.add("items")
    if not left and not right:
        return 1.0 if a.enum == b.enum else 0.6
    return len(left & right) / len(left | right)
