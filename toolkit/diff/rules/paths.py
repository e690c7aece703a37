"""Paths and operations: added, removed (with or without prior deprecation), deprecated, ids, tags."""

from __future__ import annotations

from typing import Iterator

from ..engine import SpecDiff
from ..paths_diff import OperationDiff
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


def _removed(d: SpecDiff, whole_path: bool, deprecated: bool) -> Iterator[Hit]:
    for op in d.removed:
        if (op.path in d.paths_removed) != whole_path or op.deprecated != deprecated:
            continue
        what = f"path `{op.path}`" if whole_path else f"endpoint `{op.key}`"
        note = " (it was deprecated)" if deprecated else " without deprecation"
        yield Hit(op.key, f"{what} removed{note}", op.pointer, None, operation=op.key)


@book.spec("api-path-removed-without-deprecation", "error",
           "A whole path was removed without first marking its operations deprecated.")
def path_removed(d: SpecDiff) -> Iterator[Hit]:
    yield from _removed(d, True, False)


@book.spec("api-path-removed-with-deprecation", "info", "A whole path was removed after being deprecated.")
def path_removed_deprecated(d: SpecDiff) -> Iterator[Hit]:
    yield from _removed(d, True, True)


@book.spec("api-removed-without-deprecation", "error",
           "An operation was removed (its path remains) without first being deprecated.")
def op_removed(d: SpecDiff) -> Iterator[Hit]:
    yield from _removed(d, False, False)


@book.spec("api-removed-with-deprecation", "info", "An operation was removed after being deprecated.")
def op_removed_deprecated(d: SpecDiff) -> Iterator[Hit]:
    yield from _removed(d, False, True)


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
