"""Release history: a family's versions in date order, one diff per consecutive pair, and element timelines."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from ..catalog import CatalogEntry
from ..errors import CatalogError
from ..model import Spec
from ..workspace import Workspace
from .compare import compare
from .filters import ChangeFilter
from .policy import parse_date
from .report import Change, DiffReport
from .rules.lifecycle import first_seen
from .surfaces import operation_shape, path_key

Progress = Callable[[int, int, str], None]


@dataclass
class ChangelogSection:
    from_id: str
    to_id: str
    report: DiffReport

    def to_dict(self) -> dict[str, Any]:
        entries = self.report.to_dict()
        return {"from": self.from_id, "to": self.to_id, "counts": entries["counts"], "mapped": self.report.mapped,
                "changes": entries["changes"]}


@dataclass
class Changelog:
    family: str
    sections: list[ChangelogSection] = field(default_factory=list)
    include_docs: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"family": self.family, "sections": [s.to_dict() for s in self.sections]}


def _window(ws: Workspace, family: str, from_id: str | None, to_id: str | None) -> list[CatalogEntry]:
    entries = ws.catalog.history(family)
    if not entries:
        known = ", ".join(ws.catalog.families())
        raise CatalogError(f"unknown family {family!r} or no pinned versions in it; families: {known}")
    ids = [e.id for e in entries]

    def index(ident: str) -> int:
        entry = ws.catalog.get(ident)
        if entry.id not in ids:
            raise CatalogError(f"{ident!r} is not a pinned version of family {family!r}")
        return ids.index(entry.id)

    start = index(from_id) if from_id else 0
    stop = index(to_id) if to_id else len(ids) - 1
    if stop < start:
        raise CatalogError(f"--from {from_id} comes after --to {to_id} in {family}'s history")
    return entries[start:stop + 1]


def iter_sections(ws: Workspace, family: str, from_id: str | None = None, to_id: str | None = None, *,
                  include_docs: bool = False, deprecation_days: int = 0,
                  change_filter: ChangeFilter | None = None) -> tuple[int, Iterator[ChangelogSection]]:
    """(number of sections, the sections lazily): one spec pair in memory at a time. Walking the history also
    learns when each deprecation was first seen, so `deprecation_days` counts from that release."""
    entries = _window(ws, family, from_id, to_id)

    def run() -> Iterator[ChangelogSection]:
        previous: Spec | None = None
        seen: dict[str, dt.date] = {}
        for entry in entries:
            current = ws.open(entry.id)
            if previous is not None:
                report = compare(previous, current, include_docs=include_docs, catalog=ws.catalog,
                                 deprecation_days=deprecation_days, first_seen=seen)
                released = parse_date(entry.released)
                if released is not None:
                    first_seen(report.changes, released, seen)
                if change_filter is not None:
                    change_filter.apply(report)
                yield ChangelogSection(previous.catalog_id or previous.name, entry.id, report)
            previous = current

    return max(len(entries) - 1, 0), run()


def changelog(ws: Workspace, family: str, from_id: str | None = None, to_id: str | None = None, *,
              include_docs: bool = False, on_progress: Progress | None = None, deprecation_days: int = 0,
              change_filter: ChangeFilter | None = None) -> Changelog:
    """The whole release history of `family` (optionally from/to given ids), one section per consecutive pair."""
    total, sections = iter_sections(ws, family, from_id, to_id, include_docs=include_docs,
                                    deprecation_days=deprecation_days, change_filter=change_filter)
    out = Changelog(family, include_docs=include_docs)
    for i, section in enumerate(sections, 1):
        out.sections.append(section)
        if on_progress is not None:
            on_progress(i, total, f"{section.from_id} -> {section.to_id}")
    return out


# -- element history
def _path_shape(path: str) -> str:
    return path_key(path, "dated", True).key


@dataclass
class HistoryEvent:
    version: str  # the version in which it happened
    previous: str | None
    kind: str  # present | added | changed | removed
    changes: list[Change] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "previous": self.previous, "kind": self.kind,
                "changes": [c.to_dict() for c in self.changes]}


@dataclass
class ElementHistory:
    element: str
    family: str
    events: list[HistoryEvent] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"element": self.element, "family": self.family, "events": [e.to_dict() for e in self.events]}


def _matches(element: str, change: Change, operation: tuple[str, str] | None) -> bool:
    if operation is not None:
        method, shape = operation
        op = change.operation.split(" ", 1)
        return len(op) == 2 and op[0].upper() == method and _path_shape(op[1]) == shape
    if f"`{element}`" in change.message or change.element.endswith(" " + element):
        return True
    found, wanted = _plain(change.element), _plain(element)
    if not found:
        return False
    if found == wanted or found.endswith("." + wanted):
        return True  # the element itself, or a longer path ending in it
    ancestor = f".{found}." in f".{wanted}"
    return ancestor and _kind([change]) != "changed"  # an ancestor that was added or removed as a whole


def _plain(path: str) -> str:
    """A property path without union labels and array markers: `(chat.completion).choices[].x` -> `choices.x`."""
    return re.sub(r"\([^)]*\)|\[\]|\{\*\}", "", path).strip(".").replace("..", ".")


def _has_operation(spec: Spec, operation: tuple[str, str]) -> bool:
    method, shape = operation
    return any(op.method.upper() == method and _path_shape(op.path) == shape for op in spec.operations())


def history(ws: Workspace, element: str, family: str, *, on_progress: Progress | None = None) -> ElementHistory:
    """When an operation (`POST /chat/completions`), parameter (`api-version`) or property path
    (`stream_options.include_usage`) appeared, changed or went away in `family`'s history."""
    operation = operation_shape(element)
    out = ElementHistory(element, family)
    total, sections = iter_sections(ws, family)
    first = True
    for i, section in enumerate(sections, 1):
        if first and operation is not None and _has_operation(ws.open(section.from_id), operation):
            out.events.append(HistoryEvent(section.from_id, None, "present"))
        first = False
        hits = [c for c in section.report.changes if _matches(element, c, operation)]
        if hits:
            out.events.append(HistoryEvent(section.to_id, section.from_id, _kind(hits), hits))
        if on_progress is not None:
            on_progress(i, total, section.to_id)
    return out


def _kind(changes: list[Change]) -> str:
    ids = {c.id for c in changes}
    if any(("added" in i or i.startswith("new-")) and "media" not in i for i in ids) and not any(
            "removed" in i for i in ids):
        return "added"
    if any("removed" in i for i in ids) and not any("added" in i for i in ids):
        return "removed"
    return "changed"
