"""Result types: a `Change` is one rule hit at one operation; a `ChangeGroup` is one change as people read it,
reported once at the place it happened (usually a shared component) with every operation it affects. A
`DiffReport` holds the changes and says which two documents were compared. Plain dataclasses with `to_dict()`.

Why groups: the checker walks each operation, so a shared component reached by 31 operations yields 31 hits of
one edit. Hits are the same change when they come from one rule at the same pair of JSON pointers and say the
same thing once their operation-specific subject ("response property `usage.x` (status 200)") is set aside.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from .. import pointer as jp
from ..catalog import CatalogEntry
from ..model import Spec
from .rules.base import LEVELS

LEVEL_ORDER = {level: i for i, level in enumerate(LEVELS)}


def fingerprint(*parts: str | None) -> str:
    """A stable 12-hex id for baselines: the same change in another run gets the same value."""
    text = "\x1f".join(part or "" for part in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Change:
    """One rule hit at one operation (the checker's output; `--per-operation` shows these)."""

    id: str
    level: str  # error | warning | info | doc
    direction: str  # request | response | both | none
    operation: str  # "POST /chat/completions" (the revision's path), or "" for API-wide changes
    element: str  # the nested property path, parameter or status the change is about
    message: str
    base: str | None  # JSON pointer into the base document
    revision: str | None  # JSON pointer into the revision document
    fingerprint: str = ""  # fingerprint(id, operation, element, message)

    def to_dict(self) -> dict[str, Any]:
        return ChangeGroup.single(self).to_dict()


@dataclass(eq=False)
class ChangeGroup:
    """One change, once, with the operations it affects; `component` names the shared component it sits in."""

    id: str
    level: str
    direction: str
    element: str
    message: str
    base: str | None
    revision: str | None
    operations: list[str]
    component: str | None
    fingerprint: str
    occurrences: list[Change] = field(default_factory=list, repr=False)
    accepted: bool = False  # listed in the baseline: shown, but it does not fail the gate

    @classmethod
    def single(cls, change: Change) -> "ChangeGroup":
        return cls(change.id, change.level, change.direction, change.element, change.message, change.base,
                   change.revision, [change.operation] if change.operation else [], component_of(change),
                   change.fingerprint, [change])

    @property
    def operation(self) -> str:
        return self.operations[0] if self.operations else ""

    @property
    def home(self) -> str:
        """Where a reader finds it: its one operation, its shared component, or the whole API."""
        if len(self.operations) == 1:
            return self.operations[0]
        if self.component:
            return component_label(self.component)
        return f"{len(self.operations)} operations" if self.operations else "API-wide"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "level": self.level, "direction": self.direction, "operation": self.operation,
                "operations": list(self.operations), "component": self.component, "element": self.element,
                "message": self.message, "base": self.base, "revision": self.revision,
                "fingerprint": self.fingerprint, "accepted": self.accepted}


# -- grouping
# The subject the schema rules put first (`SchemaContext.subject`): it names the operation-specific path.
_SUBJECT = re.compile(r"^(?:(request|response) (?:property `[^`]*`|body)(?: \((?:[^()`]|`[^`]*`)*\))?"
                      r"|property `[^`]*` of [\w-]+ parameter `[^`]*`)")
_COMPONENT = re.compile(r"^#/components/([^/]+)/([^/]+)")
_KIND_WORD = {"schemas": "schema", "parameters": "parameter", "responses": "response", "requestBodies": "request body",
              "headers": "header", "pathItems": "path item"}


def component_of(change: Change) -> str | None:
    """The named component a change sits in (`#/components/schemas/X`), from its revision pointer, else base."""
    for ptr in (change.revision, change.base):
        match = _COMPONENT.match(ptr or "")
        if match:
            return match.group(0)
    return None


def component_label(component: str) -> str:
    kind, name = jp.split(component)[1:3]
    return f"{_KIND_WORD.get(kind, kind)} `{name}`"


def _component_path(pointer: str | None) -> str | None:
    """`#/components/schemas/Usage/properties/x/items` -> `Usage.x[]`: a property path rooted at the component."""
    match = _COMPONENT.match(pointer or "")
    if not match or not match.group(1) == "schemas":
        return None
    out = jp.unescape(match.group(2))
    tokens = jp.split(pointer or "")[3:]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "properties" and i + 1 < len(tokens):
            out += "." + tokens[i + 1]
            i += 2
            continue
        if token in ("allOf",) and i + 1 < len(tokens):
            i += 2
            continue
        if token in ("oneOf", "anyOf") and i + 1 < len(tokens):
            out += f"({tokens[i + 1]})"
            i += 2
            continue
        out += {"items": "[]", "additionalProperties": "{*}"}.get(token, f"/{token}")
        i += 1
    return out


def _leaf(path: str) -> str:
    return re.split(r"[.)]", re.sub(r"(\[\]|\{\*\})+$", "", path))[-1]


def _split(change: Change) -> tuple[str | None, str]:
    """(the side word of its subject, what it says about that subject) — (None, message) when no subject."""
    match = _SUBJECT.match(change.message)
    if not match:
        return None, change.message
    detail = change.message[match.end():]
    if change.element:  # nested names listed after the subject ("with `usage.x.y`") are rooted at it too
        detail = detail.replace(f"`{change.element}", "`\x00")
    return match.group(1) or "parameter", detail


def group_changes(changes: list[Change]) -> list[ChangeGroup]:
    """One `ChangeGroup` per distinct change, in reading order: level, then where it sits, then rule."""
    groups: dict[tuple[Any, ...], list[Change]] = {}
    for change in changes:
        if change.base is None and change.revision is None:
            key: tuple[Any, ...] = ("op", change.id, change.operation, change.element, change.message)
        else:
            key = ("at", change.id, change.base, change.revision, _split(change)[1])
        groups.setdefault(key, []).append(change)
    out = [_group(key, members) for key, members in groups.items()]
    return sorted(out, key=lambda g: (LEVEL_ORDER[g.level], g.home == "API-wide", g.home, g.id, g.element))


def _group(key: tuple[Any, ...], members: list[Change]) -> ChangeGroup:
    first = members[0]
    operations = list(dict.fromkeys(c.operation for c in members if c.operation))
    group = ChangeGroup.single(first)
    group.operations, group.occurrences = operations, members
    if len(members) == 1:
        return group
    group.fingerprint = fingerprint(*(str(part) for part in key[1:]))
    if len({c.message for c in members}) > 1:
        _name_at_component(group)
    return group


def _name_at_component(group: ChangeGroup) -> None:
    """Occurrences name the change by different operation paths: name it by its component instead."""
    first = group.occurrences[0]
    side, detail = _split(first)
    for pointer in (first.revision, first.base):
        path = _component_path(pointer)
        if side and path and _leaf(path) == _leaf(first.element):
            word = "parameter property" if side == "parameter" else f"{side} property"
            group.element = path
            group.message = f"{word} `{path}`{detail.replace(chr(0), path)}"
            return


# -- the compared documents
@dataclass(frozen=True)
class SpecInfo:
    """What the report header says about one compared document: which, from where, of when, how complete."""

    name: str
    source: str
    released: str | None = None
    surface: str | None = None
    coverage: str | None = None
    coverage_note: str | None = None

    @classmethod
    def of(cls, spec: Spec, entry: CatalogEntry | None, surface: str | None = None) -> "SpecInfo":
        if entry is None:
            return cls(spec.name, spec.origin or str(spec.source or spec.name), None, surface)
        src = entry.source
        where = f"{src.repo}@{(src.commit or src.ref or '?')[:10]}:{src.path}"
        return cls(spec.name, where, entry.released, entry.surface, entry.coverage, entry.coverage_note)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "source": self.source, "released": self.released, "surface": self.surface,
                "coverage": self.coverage, "coverage_note": self.coverage_note}


@dataclass
class DiffReport:
    base: str
    revision: str
    changes: list[Change] = field(default_factory=list)  # per operation, as the rules found them
    mapped: bool = False  # dated <-> v1 mapping was on
    include_docs: bool = False
    base_info: SpecInfo | None = None
    revision_info: SpecInfo | None = None
    per_operation: bool = False  # list each operation's copy of a change (CI annotations per operation)
    baseline: frozenset[str] = frozenset()  # accepted fingerprints (`breaking --baseline`)

    def entries(self) -> list[ChangeGroup]:
        """The changes as reported: grouped (default) or one per operation, each marked accepted or not. A group
        is accepted when the baseline lists its fingerprint or those of all its occurrences; an occurrence when
        the baseline lists it or its group."""
        groups = group_changes(self.changes)
        for group in groups:
            group.accepted = bool(self.baseline) and (group.fingerprint in self.baseline or all(
                c.fingerprint in self.baseline for c in group.occurrences))
        if not self.per_operation:
            return groups
        out = []
        for group in groups:
            for change in group.occurrences:
                single = ChangeGroup.single(change)
                single.accepted = group.accepted or change.fingerprint in self.baseline
                out.append(single)
        return sorted(out, key=lambda e: (LEVEL_ORDER[e.level], e.operation == "", e.operation, e.id, e.element))

    @property
    def counts(self) -> dict[str, int]:
        """Changes per level: a change shared by many operations counts once (`--per-operation`: once each)."""
        counts = {level: 0 for level in LEVELS}
        for entry in self.entries():
            counts[entry.level] += 1
        return counts

    def at_least(self, level: str) -> list[Change]:
        """Per-operation changes at `level` or more severe (error > warning > info > doc)."""
        limit = LEVEL_ORDER[level]
        return [c for c in self.changes if LEVEL_ORDER[c.level] <= limit]

    def failing(self, fail_on: str | None) -> list[ChangeGroup]:
        """The reported changes that fail a gate at `fail_on` (None: nothing fails): at that level or above and
        not accepted by the baseline."""
        if fail_on is None:
            return []
        limit = LEVEL_ORDER[fail_on]
        return [e for e in self.entries() if LEVEL_ORDER[e.level] <= limit and not e.accepted]

    def by_operation(self) -> list[tuple[str, list[Change]]]:
        groups: dict[str, list[Change]] = {}
        for change in self.changes:
            groups.setdefault(change.operation, []).append(change)
        return sorted(groups.items(), key=lambda kv: (kv[0] == "", kv[0]))

    def to_dict(self) -> dict[str, Any]:
        entries = self.entries()
        counts = {level: sum(1 for e in entries if e.level == level) for level in LEVELS}
        return {"base": self.base, "revision": self.revision, "mapped": self.mapped,
                "specs": {"base": self.base_info.to_dict() if self.base_info else None,
                          "revision": self.revision_info.to_dict() if self.revision_info else None},
                "per_operation": self.per_operation, "counts": counts,
                "accepted": sum(1 for e in entries if e.accepted),
                "changes": [e.to_dict() for e in entries]}
