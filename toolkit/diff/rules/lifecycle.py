"""Lifecycle rules: removing what was deprecated, judged against its sunset (oasdiff's deprecation model).

An element marked deprecated (`deprecated: true`, `x-ms-deprecation`, a `Deprecation` response header) may go
away on or after its sunset: `x-sunset`, `x-ms-deprecation.removalDate`, a `Sunset` response header, or, with
`--deprecation-days N`, N days after the deprecation date (`x-ms-deprecation.date`, the `Deprecation` header, or
the release that first marked it deprecated when a changelog walks a history). Removal before that day is an
error; on or after it, or when no date is known at all, it is info. "The day of removal" is the revision's
release date (catalog entries), else today. Removals without any deprecation stay with the ordinary rules
(`paths.py`, `parameters.py`, `schemas.py`).
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from ..engine import SpecDiff
from ..policy import Deprecation, Lifecycle, operation_deprecation, parameter_deprecation
from ..schema_diff import SchemaDiff
from .base import Hit, RuleBook, SchemaContext
from .paths import removed_operations
from .schemas import deprecated  # the predicate the ordinary removal rules use to hand these over

book = RuleBook("lifecycle")
OASDIFF = "oasdiff checker/check_api_removed.go, check_request_parameter_removed.go; docs/DEPRECATION.md"


def lifecycle_key(operation: str, element: str) -> str:
    """How a deprecation is remembered across releases: the operation (path shape) and the element in it."""
    return f"{operation} {element}".strip()


def _before_sunset(policy: Lifecycle, facts: Deprecation, key: str) -> tuple[bool, str]:
    """(removed too early?, the words that say when it could go)."""
    earliest, why = policy.earliest_removal(facts, key)
    if earliest is None:
        return False, why
    removal = policy.removal_date.isoformat()
    if policy.removal_date < earliest:
        return True, f"{why}; removed {removal}, {(earliest - policy.removal_date).days} days early"
    return False, f"{why}; removed {removal}"


# -- operations and paths
def _operations(d: SpecDiff, whole_path: bool, early: bool) -> Iterator[Hit]:
    for op in removed_operations(d, whole_path, True):
        too_early, why = _before_sunset(d.context.lifecycle, operation_deprecation(op.node), lifecycle_key(op.key, ""))
        if too_early == early:
            what = f"path `{op.path}`" if whole_path else f"endpoint `{op.key}`"
            verb = "removed before its sunset" if early else "removed after deprecation"
            yield Hit(op.key, f"{what} {verb} ({why})", op.pointer, None, operation=op.key)


@book.spec("api-path-removed-before-sunset", "error",
           "A deprecated path was removed before its sunset date (or before the minimum deprecation period).",
           source=OASDIFF)
def path_removed_early(d: SpecDiff) -> Iterator[Hit]:
    yield from _operations(d, True, True)


@book.spec("api-path-removed-with-deprecation", "info",
           "A deprecated path was removed on or after its sunset, or with no sunset date to hold it to.",
           source=OASDIFF)
def path_removed_deprecated(d: SpecDiff) -> Iterator[Hit]:
    yield from _operations(d, True, False)


@book.spec("api-removed-before-sunset", "error",
           "A deprecated operation was removed before its sunset date (or before the minimum deprecation period).",
           source=OASDIFF)
def operation_removed_early(d: SpecDiff) -> Iterator[Hit]:
    yield from _operations(d, False, True)


@book.spec("api-removed-with-deprecation", "info",
           "A deprecated operation was removed on or after its sunset, or with no sunset date to hold it to.",
           source=OASDIFF)
def operation_removed_deprecated(d: SpecDiff) -> Iterator[Hit]:
    yield from _operations(d, False, False)


# -- request parameters
def _parameters(d: SpecDiff, early: bool) -> Iterator[Hit]:
    for op in d.operations:
        for p in op.parameters.removed:
            facts = parameter_deprecation(p.node)
            if not facts.deprecated:
                continue
            element = f"{p.location} {p.name}"
            too_early, why = _before_sunset(d.context.lifecycle, facts, lifecycle_key(op.key, element))
            if too_early == early:
                verb = "removed before its sunset" if early else "removed after deprecation"
                yield Hit(element, f"{p.label} {verb} ({why})", p.pointer, op.revision.pointer, operation=op.key)


@book.spec("request-parameter-removed-before-sunset", "error",
           "A deprecated request parameter was removed before its sunset date (or the minimum deprecation period).",
           "request", source=OASDIFF)
def parameter_removed_early(d: SpecDiff) -> Iterator[Hit]:
    yield from _parameters(d, True)


@book.spec("request-parameter-removed-with-deprecation", "info",
           "A deprecated request parameter was removed on or after its sunset, or with no sunset date.", "request",
           source=OASDIFF)
def parameter_removed_deprecated(d: SpecDiff) -> Iterator[Hit]:
    yield from _parameters(d, False)


# -- properties (request bodies, responses, parameter schemas)
def _properties(d: SchemaDiff, ctx: SchemaContext, early: bool) -> Iterator[Hit]:
    for name, ref in d.properties_removed.items():
        view = ctx.base_viewer.view(*ref)
        if not deprecated(view):
            continue
        facts = Deprecation.read(view.keywords.get("deprecated"), view.extensions)
        too_early, why = _before_sunset(ctx.lifecycle, facts, lifecycle_key(ctx.operation, ctx.element(name)))
        if too_early == early:
            verb = "removed before its sunset" if early else "removed after deprecation"
            yield Hit(ctx.element(name), f"{ctx.subject(name)} {verb} ({why})", ref[1], d.revision.pointer)


@book.schema("A deprecated property was removed before its sunset date (or the minimum deprecation period).",
             request=("request-property-removed-before-sunset", "error"),
             response=("response-property-removed-before-sunset", "error"),
             parameter=("request-parameter-property-removed-before-sunset", "error"),
             when=("properties_removed",), source="oasdiff's endpoint and parameter sunset rules, applied to properties")
def property_removed_early(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _properties(d, ctx, True)


@book.schema("A deprecated property was removed on or after its sunset, or with no sunset date.",
             request=("request-property-removed-with-deprecation", "info"),
             response=("response-property-removed-with-deprecation", "info"),
             parameter=("request-parameter-property-removed-with-deprecation", "info"),
             when=("properties_removed",), source="oasdiff docs/DEPRECATION.md")
def property_removed_deprecated(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _properties(d, ctx, False)


DEPRECATION_RULES = frozenset({"endpoint-deprecated", "request-parameter-deprecated", "request-property-deprecated",
                               "response-property-deprecated"})  # the rules whose hits start a deprecation clock


def first_seen(changes: list, released: dt.date, seen: dict[str, dt.date]) -> None:
    """Record in `seen` the deprecations that `changes` (one release's `Change`s) start, dated `released`."""
    for change in changes:
        if change.id in DEPRECATION_RULES:
            seen.setdefault(lifecycle_key(change.operation, "" if change.id == "endpoint-deprecated" else change.element),
                            released)
