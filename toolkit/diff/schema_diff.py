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

from .subsumption import Subsumption
from .uses import SCHEMAS, ComponentUses
from .views import SCALAR_KEYWORDS, Member, Ref, SchemaView, Viewer, canonical, own_tag


@dataclass(frozen=True)
class ValueChange:
    base: Any
    revision: Any


@dataclass(eq=False)
class BranchDiff:
    """oneOf/anyOf members, matched by meaning: (label, ref) for added/removed, (label, diff) for modified.

    `widened`: (old label, new label, old ref, new ref) for a member no longer listed whose every value a member
    of the new union accepts (it was widened or merged, not removed). `subsumed_added`: (new label, old label,
    new ref, old ref) for a new member whose every value an old member already accepted."""

    added: list[tuple[str, Ref]] = field(default_factory=list)
    removed: list[tuple[str, Ref]] = field(default_factory=list)
    modified: list[tuple[str, "SchemaDiff"]] = field(default_factory=list)
    widened: list[tuple[str, str, Ref, Ref]] = field(default_factory=list)
    subsumed_added: list[tuple[str, str, Ref, Ref]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.modified or self.widened or self.subsumed_added)


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
    enum_open: ValueChange | None = None  # the enum went from a closed list to known values of an open set, or back
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

    def present_fields(self) -> frozenset[str]:
        """The names of the fields that hold a difference (rules declare which ones they read: `Rule.when`)."""
        return frozenset(name for name in _DIFF_FIELDS if getattr(self, name))

    @property
    def empty(self) -> bool:
        return not (self.types or self.nullable or self.enum_added or self.enum_removed or self.enum_set
                    or self.enum_open or self.keywords or self.docs or self.extensions or self.required_added
                    or self.required_removed or self.properties_added or self.properties_removed
                    or self.properties or self.items or self.additional or self.branches)


_DIFF_FIELDS = tuple(f.name for f in dataclasses.fields(SchemaDiff) if f.name not in ("base", "revision"))


class SchemaComparer:
    """Compares schemas of two specs; one instance per spec pair, so its memo spans all operations."""

    def __init__(self, base: Viewer, revision: Viewer,
                 uses: tuple[ComponentUses, ComponentUses] | None = None) -> None:
        self.base = base
        self.revision = revision
        self.uses = uses
        self.subsumption = Subsumption()
        # keyed by view identity; the entry holds both views so that no key outlives its views' ids
        self._memo: dict[tuple[int, int], tuple[SchemaDiff | None, SchemaView, SchemaView]] = {}
        self._in_progress: set[tuple[int, int]] = set()

    def compare(self, base: Ref, revision: Ref) -> SchemaDiff | None:
        """The differences between two schemas (each a (node, pointer) pair), or None when they mean the same."""
        return self.compare_views(self.base.view(*base), self.revision.view(*revision))

    def compare_views(self, b: SchemaView, r: SchemaView) -> SchemaDiff | None:
        key = (id(b), id(r))
        if key in self._memo:
            return self._memo[key][0]
        if key in self._in_progress:
            return None
        if self._written_the_same(b, r):
            self._memo[key] = (None, b, r)
            return None
        self._in_progress.add(key)
        try:
            diff = self._compare(b, r)
        finally:
            self._in_progress.discard(key)
        result = None if diff.empty else diff
        self._memo[key] = (result, b, r)
        return result

    def _written_the_same(self, b: SchemaView, r: SchemaView) -> bool:
        """A component written the same in both specs, with every schema it uses, means the same: no need to
        compare it (most components of two consecutive versions are such). Only the views built for the
        component itself qualify, not views derived from it (an open enum's host gathers its siblings' values)."""
        if self.uses is None or b.pointer != r.pointer or not b.pointer.startswith(SCHEMAS):
            return False
        name = b.pointer[len(SCHEMAS):]
        return ("/" not in name and self.base.built(b) and self.revision.built(r)
                and self.uses[0].same_as(self.uses[1], name))

    # -- the comparison itself
    def _compare(self, b: SchemaView, r: SchemaView) -> SchemaDiff:
        d = SchemaDiff(b, r)
        if b.is_bool != r.is_bool:
            d.keywords["schema"] = ValueChange(b.is_bool, r.is_bool)
        if b.types != r.types:
            d.types = ValueChange(b.types, r.types)
        if b.nullable != r.nullable:
            d.nullable = ValueChange(b.nullable, r.nullable)
        if b.enum != r.enum or b.enum_open != r.enum_open:
            if b.enum is None or r.enum is None:
                d.enum_set = ValueChange(b.enum is not None, r.enum is not None)
            else:
                d.enum_added = [v for k, v in r.enum.items() if k not in b.enum]
                d.enum_removed = [v for k, v in b.enum.items() if k not in r.enum]
                if b.enum_open != r.enum_open:
                    d.enum_open = ValueChange(b.enum_open, r.enum_open)
        for key in SCALAR_KEYWORDS:
            old, new = b.keywords.get(key), r.keywords.get(key)
            if old != new and canonical(old) != canonical(new):
                d.keywords[key] = ValueChange(old, new)
        _dict_changes(b.docs, r.docs, d.docs)
        _dict_changes(b.extensions, r.extensions, d.extensions)
        # A pure union facing a union with shared base properties (TypeSpec puts the common fields on the base)
        # or facing a single schema (a union narrowed to one member, or one schema widened to a union): the
        # members carry the structure, so compare members, not the outer shells.
        unions = (b.members, r.members)
        shell_only = bool(unions[0]) != bool(unions[1]) or (
            (b.pure_union or r.pure_union) and b.pure_union != r.pure_union)
        if shell_only:
            d.types = None
        else:
            self._compare_properties(b, r, d)
            # the tag list of a union's shell is its members' tags (member additions and removals report it), and
            # a subtype whose own tag is unchanged does not care which other tags its base lists
            tag = (b.discriminator or r.discriminator) if unions[0] and unions[1] else None
            if tag is None and b.base_discriminator == r.base_discriminator and own_tag(b) == own_tag(r) is not None:
                tag = b.base_discriminator
            if tag in d.properties:
                trimmed = _without_tag_values(d.properties[tag])
                if trimmed is None:
                    del d.properties[tag]
                else:
                    d.properties[tag] = trimmed
        if b.items is not None and r.items is not None:
            d.items = self.compare(b.items, r.items)
        if b.additional is not None and r.additional is not None:
            d.additional = self.compare(b.additional, r.additional)
        if unions[0] or unions[1]:
            key = r.union_kind or b.union_kind or "oneOf"
            prop = r.discriminator or b.discriminator
            b_members = unions[0] or ([self._single(self.base, b, (b.node, b.pointer), prop)] if shell_only else [])
            r_members = unions[1] or ([self._single(self.revision, r, (r.node, r.pointer), prop)] if shell_only
                                      else [])
            branch_diff = self._branches(b, r, b_members, r_members)
            if branch_diff:
                d.branches[key] = branch_diff
            if b.union_kind and r.union_kind and b.union_kind != r.union_kind:
                d.keywords["union"] = ValueChange(b.union_kind, r.union_kind)
        return d

    @staticmethod
    def _single(viewer: Viewer, view: SchemaView, ref: Ref, prop: str | None) -> Member:
        """A schema facing a union: the union's only member, with its tag if it has one (its discriminator value as
        a subtype, else the one value of a const/enum property)."""
        tag = own_tag(view)
        if tag is not None:
            return Member.tagged(ref, view, tag, prop or view.base_discriminator)
        return Member(ref, view, lambda: viewer.const_tag(view, prop))

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

    def _branches(self, bv: SchemaView, rv: SchemaView, base: list[Member], rev: list[Member]) -> BranchDiff:
        """Match union members by tag, $ref target, equality, then shape; never by index, and never across two
        different tags (a member with another discriminator value is another member). Members left over are
        compared by what they accept: one whose values a member on the other side still accepts was widened (or
        is subsumed), not removed (or added)."""
        out = BranchDiff()
        b_left = list(range(len(base)))
        r_left = list(range(len(rev)))
        pairs: list[tuple[int, int]] = []

        def same_member_possible(i: int, j: int) -> bool:
            return base[i].tag is None or rev[j].tag is None or base[i].tag == rev[j].tag

        def take(i: int, j: int) -> None:
            pairs.append((i, j))
            b_left.remove(i)
            r_left.remove(j)

        def match_by(keyer_b: Any, keyer_r: Any) -> None:
            b_keys: dict[Any, list[int]] = {}
            r_keys: dict[Any, list[int]] = {}
            for i in b_left:
                k = keyer_b(base[i])
                if k is not None:
                    b_keys.setdefault(k, []).append(i)
            for j in r_left:
                k = keyer_r(rev[j])
                if k is not None:
                    r_keys.setdefault(k, []).append(j)
            for k, bs in b_keys.items():
                rs = r_keys.get(k)
                if rs and len(bs) == 1 and len(rs) == 1 and same_member_possible(bs[0], rs[0]):
                    take(bs[0], rs[0])

        match_by(lambda m: _tag_key(m.tag), lambda m: _tag_key(m.tag))
        match_by(lambda m: m.ref_name, lambda m: m.ref_name)
        # one untagged schema whose tag property lists several members' tags stands for each of them (a message
        # schema with `role: enum [system, user]` that became a union of one member per role)
        sides = ((base, rev, b_left, r_left, False), (rev, base, r_left, b_left, True))
        for one, many, one_left, many_left, flip in sides:
            if len(one) == 1 and one_left == [0] and one[0].tag is None and len(many) > 1:
                viewer = self.revision if flip else self.base
                split = [k for k in many_left if many[k].tag is not None
                         and many[k].tag in _tag_values(viewer, one[0].view, many[k].tag_property)]
                if len(split) > 1:
                    pairs.extend((k, 0) if flip else (0, k) for k in split)
                    one_left.clear()
                    for k in split:
                        many_left.remove(k)
        if b_left and r_left and len(b_left) * len(r_left) <= 64:
            for i in list(b_left):
                for j in r_left:
                    if same_member_possible(i, j) and self.compare_views(base[i].view, rev[j].view) is None:
                        take(i, j)
                        break
        if b_left and r_left:
            # pair edited members by shape; among equally similar candidates prefer the smallest difference
            small = len(b_left) * len(r_left) <= 64
            scored = sorted((-_similarity(base[i].view, rev[j].view),
                             _weight(self.compare_views(base[i].view, rev[j].view)) if small else 0, i, j)
                            for i in b_left for j in r_left if same_member_possible(i, j))
            for negative_score, _, i, j in scored:
                if -negative_score < 0.5:
                    break
                if i in b_left and j in r_left:
                    take(i, j)
        self._by_values(base, rev, b_left, r_left, out)
        both_nullable = bv.nullable and rv.nullable
        for i, j in sorted(pairs):
            sub = self.compare_views(base[i].view, rev[j].view)
            if sub is not None:
                # the tag property selects the member: its value list is no change, unless the tag itself changed
                tag_prop = rev[j].tag_property or base[i].tag_property or rv.discriminator or bv.discriminator
                sub = _within_union(sub, tag_prop, both_nullable)
            if sub is not None:
                out.modified.append((_label(rev[j], j), sub))
        out.removed = [(_label(base[i], i), base[i].ref) for i in b_left]
        out.added = [(_label(rev[j], j), rev[j].ref) for j in r_left]
        return out

    def _by_values(self, base: list[Member], rev: list[Member], b_left: list[int], r_left: list[int],
                   out: BranchDiff) -> None:
        """Members left unmatched, compared by the values they accept (see `subsumption.py`)."""
        def covers(outer: Member, outer_viewer: Viewer, inner: Member, inner_viewer: Viewer) -> bool:
            if outer.tag is not None and inner.tag is not None and outer.tag != inner.tag:
                return False  # another discriminator value is another member, whatever the shapes say
            return self.subsumption.covers((outer_viewer, outer.view), (inner_viewer, inner.view)) is True

        for i in list(b_left):
            # prefer a new member that is itself unmatched: the old one was widened into it
            order = r_left + [j for j in range(len(rev)) if j not in r_left]
            j = next((j for j in order if covers(rev[j], self.revision, base[i], self.base)), None)
            if j is None:
                continue
            b_left.remove(i)
            if j in r_left:
                r_left.remove(j)
            out.widened.append((_label(base[i], i), _label(rev[j], j), base[i].ref, rev[j].ref))
        for j in list(r_left):
            i = next((i for i in range(len(base)) if covers(base[i], self.base, rev[j], self.revision)), None)
            if i is not None:
                r_left.remove(j)
                out.subsumed_added.append((_label(rev[j], j), _label(base[i], i), rev[j].ref, base[i].ref))


def _dict_changes(old: dict[str, Any], new: dict[str, Any], into: dict[str, ValueChange]) -> None:
    for key in old.keys() | new.keys():
        a, b = old.get(key), new.get(key)
        if a != b:
            into[key] = ValueChange(a, b)


def _tag_values(viewer: Viewer, view: SchemaView, prop: str | None) -> list[Any]:
    """The values a schema's (closed) tag property allows: which tagged members it stands for."""
    ref = view.properties.get(prop) if prop else None
    enum = viewer.view(*ref).enum if ref is not None else None
    return list(enum.values()) if enum else []


def _tag_key(tag: Any) -> Any:
    return None if tag is None else ("tag", tag)


def _without_tag_values(tag_diff: SchemaDiff) -> SchemaDiff | None:
    """A tag property's diff without its value list (which member a tag selects is the union's business)."""
    rest = dataclasses.replace(tag_diff, enum_added=[], enum_removed=[], enum_set=None, enum_open=None,
                               extensions={}, keywords={k: v for k, v in tag_diff.keywords.items() if k != "default"})
    return None if rest.empty else rest


def _within_union(sub: SchemaDiff, tag_prop: str | None, parent_nullable: bool) -> SchemaDiff | None:
    """A member's diff as seen from its union: the tag property's value list is what selected the member (its
    enum spelling is no change, nor is a shared tag enum that lost other members' values), and a member's own
    nullability does not matter when the union is nullable on both sides."""
    replace: dict[str, Any] = {}
    if parent_nullable and sub.nullable is not None:
        replace["nullable"] = None
    tag_diff = sub.properties.get(tag_prop) if tag_prop else None
    if tag_diff is not None:
        rest = _without_tag_values(tag_diff)
        props = dict(sub.properties)
        if rest is None:
            del props[tag_prop]
        else:
            props[tag_prop] = rest
        replace["properties"] = props
    if not replace:
        return sub
    trimmed = dataclasses.replace(sub, **replace)
    return None if trimmed.empty else trimmed


def _label(member: Member, index: int) -> str:
    if member.tag is not None:
        return str(member.tag)
    view = member.view
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
