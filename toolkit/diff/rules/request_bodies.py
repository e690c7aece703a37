"""Request bodies: added, removed, requiredness, media types."""

from __future__ import annotations

from typing import Iterator

from ..paths_diff import OperationDiff
from .base import Hit, RuleBook

book = RuleBook("request-body")


def _body(d: OperationDiff):  # -> RequestBodyDiff | None
    return d.request_body


@book.operation("request-body-added-required", "error", "A required request body was added.", "request")
def added_required(d: OperationDiff) -> Iterator[Hit]:
    b = _body(d)
    if b and b.added and b.revision_required:
        yield Hit("request body", "required request body added", d.base.pointer, b.revision_pointer)


@book.operation("request-body-added-optional", "info", "An optional request body was added.", "request")
def added_optional(d: OperationDiff) -> Iterator[Hit]:
    b = _body(d)
    if b and b.added and not b.revision_required:
        yield Hit("request body", "optional request body added", d.base.pointer, b.revision_pointer)


@book.operation("request-body-removed", "warning", "The request body was removed; clients still send one.",
                "request")
def removed(d: OperationDiff) -> Iterator[Hit]:
    b = _body(d)
    if b and b.removed:
        yield Hit("request body", "request body removed", b.base_pointer, d.revision.pointer)


@book.operation("request-body-became-required", "error", "The request body became required.", "request")
def became_required(d: OperationDiff) -> Iterator[Hit]:
    b = _body(d)
    if b and b.required and b.required.revision:
        yield Hit("request body", "request body became required", b.base_pointer, b.revision_pointer)


@book.operation("request-body-became-optional", "info", "The request body became optional.", "request")
def became_optional(d: OperationDiff) -> Iterator[Hit]:
    b = _body(d)
    if b and b.required and not b.required.revision:
        yield Hit("request body", "request body became optional", b.base_pointer, b.revision_pointer)


@book.operation("request-body-media-type-added", "info", "The request body accepts a new media type.", "request")
def media_added(d: OperationDiff) -> Iterator[Hit]:
    b = _body(d)
    for media, ptr in (b.content.added.items() if b else ()):
        yield Hit(f"request body {media}", f"request body media type `{media}` added", b.base_pointer, ptr)


@book.operation("request-body-media-type-removed", "error",
                "The request body no longer accepts a media type clients may send.", "request")
def media_removed(d: OperationDiff) -> Iterator[Hit]:
    b = _body(d)
    for media, ptr in (b.content.removed.items() if b else ()):
        yield Hit(f"request body {media}", f"request body media type `{media}` removed", ptr, b.revision_pointer)
