"""Paths and operations: added, removed without deprecation, deprecated, ids, tags (removals after a deprecation are
lifecycle rules: `lifecycle.py`)."""

from __future__ import annotations

from typing import Iterator

from ..engine import SpecDiff
from ..paths_diff import OperationDiff, OpSide
from ..policy import operation_deprecation
from .base import Hit, RuleBook

book = RuleBook("paths")


@book.spec("endpoint-added", "info", "An operation was added (on the Azure v1 surface, with its preview opt-in).")
def endpoint_added(d: SpecDiff) -> Iterator[Hit]:
    ctx = d.context
    for op in d.added:
        note = ""
        if ctx.revision_azure_v1 and ctx.catalog is not None:
            feature = ctx.catalog.v1_feature(op.path)
            if feature.header is not None:
                note = f" (preview: send `{feature.header.name}: {feature.header.value}`)"
            elif feature.opt_in == "path":
                note = " (preview, opted into by its path)"
        yield Hit(op.key, f"endpoint `{op.key}` added{note}", None, op.pointer, operation=op.key)


def removed_operations(d: SpecDiff, whole_path: bool, deprecated: bool) -> Iterator[OpSide]:
    """Operations gone from the revision: those of wholly removed paths, or the others; deprecated or not (by
    `deprecated: true` or `x-ms-deprecation`). A dated -> v1 mapped diff has none: there a missing operation is
    one the v1 surface does not offer (`api-not-available-on-v1`, rules/azure.py)."""
    if d.context.mapped and d.context.base_surface != d.context.revision_surface:
        return
    for op in d.removed:
        if (op.path in d.paths_removed) == whole_path and operation_deprecation(op.node).deprecated == deprecated:
            yield op


@book.spec("api-path-removed-without-deprecation", "error",
           "A whole path was removed without first marking its operations deprecated.")
def path_removed(d: SpecDiff) -> Iterator[Hit]:
    for op in removed_operations(d, True, False):
        yield Hit(op.key, f"path `{op.path}` removed without deprecation", op.pointer, None, operation=op.key)


@book.spec("api-removed-without-deprecation", "error",
           "An operation was removed (its path remains) without first being deprecated.")
def op_removed(d: SpecDiff) -> Iterator[Hit]:
    for op in removed_operations(d, False, False):
        yield Hit(op.key, f"endpoint `{op.key}` removed without deprecation", op.pointer, None, operation=op.key)


@book.operation("endpoint-deprecated", "info", "An operation was marked deprecated.")
def deprecated(d: OperationDiff) -> Iterator[Hit]:
    change = d.fields.get("deprecated")
    if change and change.revision:
        yield Hit(d.key, f"endpoint `{d.key}` deprecated", d.base.pointer, d.revision.pointer)


@book.operation("endpoint-reactivated", "info", "An operation is no longer deprecated.")
def reactivated(d: OperationDiff) -> Iterator[Hit]:
    change = d.fields.get("deprecated")
    if change and not change.revision:
        yield Hit(d.key, f"endpoint `{d.key}` is no longer deprecated", d.base.pointer, d.revision.pointer)


@book.operation("api-operation-id-removed", "warning",
                "The operationId changed or was removed: generated SDK method names change.")
def operation_id_removed(d: OperationDiff) -> Iterator[Hit]:
    change = d.fields.get("operationId")
    if change and change.base is not None:
        new = f"replaced by `{change.revision}`" if change.revision else "removed"
        yield Hit(d.key, f"operationId `{change.base}` {new}", d.base.pointer, d.revision.pointer)


@book.operation("api-operation-id-added", "info", "An operation that had no operationId got one.")
def operation_id_added(d: OperationDiff) -> Iterator[Hit]:
    change = d.fields.get("operationId")
    if change and change.base is None:
        yield Hit(d.key, f"operationId `{change.revision}` added", d.base.pointer, d.revision.pointer)


@book.operation("api-tag-removed", "info", "An operation lost a tag.")
def tag_removed(d: OperationDiff) -> Iterator[Hit]:
    for tag in d.tags_removed:
        yield Hit(d.key, f"tag `{tag}` removed", d.base.pointer, d.revision.pointer)


@book.operation("api-tag-added", "info", "An operation gained a tag.")
def tag_added(d: OperationDiff) -> Iterator[Hit]:
    for tag in d.tags_added:
        yield Hit(d.key, f"tag `{tag}` added", d.base.pointer, d.revision.pointer)
