"""Request parameters (path, query, header, cookie): presence, requiredness, deprecation, serialization.

Changes inside a parameter's schema are schema rules in the `parameter` scope (see `schemas.py`).
"""

from __future__ import annotations

from typing import Iterator

from ..paths_diff import OperationDiff
from ..policy import parameter_deprecation
from .base import Hit, RuleBook, fmt

book = RuleBook("parameters")


@book.operation("request-parameter-removed", "warning",
                "A request parameter was removed; clients that still send it may be rejected.", "request")
def removed(d: OperationDiff) -> Iterator[Hit]:
    for p in d.parameters.removed:
        if not parameter_deprecation(p.node).deprecated:  # deprecated ones: rules/lifecycle.py
            yield Hit(f"{p.location} {p.name}", f"{p.label} removed", p.pointer, d.revision.pointer)


@book.operation("new-required-request-parameter", "error",
                "A new required request parameter: existing clients do not send it.", "request")
def new_required(d: OperationDiff) -> Iterator[Hit]:
    for p in d.parameters.added:
        if p.required:
            yield Hit(f"{p.location} {p.name}", f"new required {p.label}", d.base.pointer, p.pointer)


@book.operation("new-optional-request-parameter", "info", "A new optional request parameter.", "request")
def new_optional(d: OperationDiff) -> Iterator[Hit]:
    for p in d.parameters.added:
        if not p.required:
            yield Hit(f"{p.location} {p.name}", f"new optional {p.label}", d.base.pointer, p.pointer)


def _field(d: OperationDiff, name: str, to: bool) -> Iterator[tuple]:
    for pd in d.parameters.modified:
        change = pd.fields.get(name)
        if change is not None and bool(change.revision) == to:
            yield pd


@book.operation("request-parameter-became-required", "error", "An optional request parameter became required.",
                "request")
def became_required(d: OperationDiff) -> Iterator[Hit]:
    for pd in _field(d, "required", True):
        p = pd.revision
        yield Hit(f"{p.location} {p.name}", f"{p.label} became required", pd.base.pointer, p.pointer)


@book.operation("request-parameter-became-optional", "info", "A required request parameter became optional.",
                "request")
def became_optional(d: OperationDiff) -> Iterator[Hit]:
    for pd in _field(d, "required", False):
        p = pd.revision
        yield Hit(f"{p.location} {p.name}", f"{p.label} became optional", pd.base.pointer, p.pointer)


@book.operation("request-parameter-deprecated", "info", "A request parameter was marked deprecated.", "request")
def param_deprecated(d: OperationDiff) -> Iterator[Hit]:
    for pd in _field(d, "deprecated", True):
        p = pd.revision
        yield Hit(f"{p.location} {p.name}", f"{p.label} deprecated", pd.base.pointer, p.pointer)


@book.operation("request-parameter-reactivated", "info", "A request parameter is no longer deprecated.", "request")
def param_reactivated(d: OperationDiff) -> Iterator[Hit]:
    for pd in _field(d, "deprecated", False):
        p = pd.revision
        yield Hit(f"{p.location} {p.name}", f"{p.label} is no longer deprecated", pd.base.pointer, p.pointer)


@book.operation("request-parameter-serialization-changed", "warning",
                "A request parameter's style/explode/allowReserved/allowEmptyValue changed: the wire form differs.",
                "request")
def serialization(d: OperationDiff) -> Iterator[Hit]:
    for pd in d.parameters.modified:
        for key in ("style", "explode", "allowReserved", "allowEmptyValue"):
            change = pd.fields.get(key)
            if change is not None:
                p = pd.revision
                yield Hit(f"{p.location} {p.name}", f"{p.label}: {key} changed from {fmt(change.base)} to "
                          f"{fmt(change.revision)}", pd.base.pointer, p.pointer)
