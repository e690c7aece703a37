"""Narrowing a report to what a reader cares about, as oasdiff users do it: `--match-path REGEX`,
`--operation "POST /chat/completions"` (the calls I make) and `--exclude-elements CLASS,...`.

Filters act on the per-operation changes before they are grouped, so a change in a shared component that also
reaches one of the selected operations stays, listed with the selected operations only. API-wide changes
(global security, servers) reach every operation and stay under the path and operation filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ..errors import FilterError
from .report import Change, DiffReport
from .surfaces import operation_shape, path_key

# Element classes, after oasdiff's --exclude-elements (description, endpoints, examples, extensions, summary, title)
_DOC_WORDS = {"description": "description", "examples": "examples", "example": "examples", "summary": "summary",
              "title": "title"}
_DOC_KEYS = re.compile(r"\b((?:description|summary|title|examples?)(?:, (?:description|summary|title|examples?))*)"
                       r" changed\b")
ENDPOINT_RULES = frozenset({"endpoint-added", "api-path-removed-without-deprecation", "api-removed-without-deprecation",
                            "api-path-removed-with-deprecation", "api-removed-with-deprecation",
                            "api-path-removed-before-sunset", "api-removed-before-sunset",
                            "api-not-available-on-surface"})
ELEMENT_CLASSES = ("description", "endpoints", "examples", "extensions", "summary", "title")


@dataclass(frozen=True)
class ChangeFilter:
    match_path: str | None = None
    operations: tuple[str, ...] = ()
    exclude_elements: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.match_path is not None:
            try:
                re.compile(self.match_path)
            except re.error as exc:
                raise FilterError(f"--match-path {self.match_path!r} is not a regular expression: {exc}") from None
        for op in self.operations:
            if operation_shape(op) is None:
                raise FilterError(f"--operation {op!r}: write it as METHOD /path, e.g. \"POST /chat/completions\"")
        unknown = sorted(set(self.exclude_elements) - set(ELEMENT_CLASSES))
        if unknown:
            raise FilterError(f"--exclude-elements: unknown class {unknown[0]!r}; choose from {', '.join(ELEMENT_CLASSES)}")

    @property
    def active(self) -> bool:
        return bool(self.match_path or self.operations or self.exclude_elements)

    def keeps(self, change: Change) -> bool:
        if change.operation and not self._operation_selected(change.operation):
            return False
        classes = excluded_classes(change)
        return not (classes and classes <= set(self.exclude_elements))

    def _operation_selected(self, operation: str) -> bool:
        method, _, path = operation.partition(" ")
        if self.match_path is not None and not re.search(self.match_path, path):
            return False
        if self.operations:
            shape = (method.upper(), path_key(path, "dated", True).key)
            return shape in {operation_shape(op) for op in self.operations}
        return True

    def apply(self, report: DiffReport) -> DiffReport:
        """The same report with only the changes these filters keep (the report is changed in place)."""
        if self.active:
            report.changes = [c for c in report.changes if self.keeps(c)]
        return report


def excluded_classes(change: Change) -> set[str]:
    """The element classes a change belongs to; excluding all of them hides it (a doc edit of a description and
    its examples stays unless both classes are excluded)."""
    found: set[str] = set()
    if change.id in ENDPOINT_RULES:
        found.add("endpoints")
    if "extension" in change.id or change.id.startswith("x-ms-"):
        found.add("extensions")
    if change.level == "doc":
        match = _DOC_KEYS.search(change.message)
        if match:
            found |= {_DOC_WORDS[word] for word in match.group(1).split(", ")}
    return found


def parse_classes(values: Iterable[str]) -> tuple[str, ...]:
    """`--exclude-elements description,examples --exclude-elements title` -> the class names."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())
