"""Result types: one `Change` per rule hit, gathered in a `DiffReport`. Plain dataclasses with `to_dict()`."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from .rules.base import LEVELS

LEVEL_ORDER = {level: i for i, level in enumerate(LEVELS)}


def fingerprint(rule_id: str, operation: str, element: str, message: str) -> str:
    """A stable 12-hex id for suppression baselines: the same change in another run gets the same value."""
    text = "\x1f".join((rule_id, operation, element, message))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Change:
    id: str
    level: str  # error | warning | info | doc
    direction: str  # request | response | both | none
    operation: str  # "POST /chat/completions" (the revision's path), or "" for API-wide changes
    element: str  # the nested property path, parameter or status the change is about
    message: str
    base: str | None  # JSON pointer into the base document
    revision: str | None  # JSON pointer into the revision document
    fingerprint: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DiffReport:
    base: str
    revision: str
    changes: list[Change] = field(default_factory=list)
    mapped: bool = False  # dated <-> v1 mapping was on
    include_docs: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counts = {level: 0 for level in LEVELS}
        for change in self.changes:
            counts[change.level] += 1
        return counts

    def at_least(self, level: str) -> list[Change]:
        """Changes at `level` or more severe (error > warning > info > doc)."""
        limit = LEVEL_ORDER[level]
        return [c for c in self.changes if LEVEL_ORDER[c.level] <= limit]

    def by_operation(self) -> list[tuple[str, list[Change]]]:
        groups: dict[str, list[Change]] = {}
        for change in self.changes:
            groups.setdefault(change.operation, []).append(change)
        return sorted(groups.items(), key=lambda kv: (kv[0] == "", kv[0]))

    def merged(self) -> list[tuple[Change, list[str]]]:
        """One entry per logical change: a change in a shared schema, reported per operation, listed once with
        the operations it affects (for people; JSON keeps one entry per operation)."""
        groups: dict[tuple[str, str, str], tuple[Change, list[str]]] = {}
        for change in self.changes:
            key = (change.id, change.element, change.message)
            if key in groups:
                groups[key][1].append(change.operation)
            else:
                groups[key] = (change, [change.operation] if change.operation else [])
        return sorted(groups.values(), key=lambda g: (LEVEL_ORDER[g[0].level], g[0].id, g[0].element))

    def to_dict(self) -> dict[str, Any]:
        return {"base": self.base, "revision": self.revision, "mapped": self.mapped, "counts": self.counts,
                "changes": [c.to_dict() for c in self.changes]}
