"""Responses: status codes, media types, headers."""

from __future__ import annotations

from typing import Iterator

from ..paths_diff import OperationDiff
from ..responses_diff import is_success
from .base import Hit, RuleBook

book = RuleBook("responses")


@book.operation("response-success-status-removed", "error",
                "A success status clients handle is no longer returned.", "response")
def success_removed(d: OperationDiff) -> Iterator[Hit]:
    for status, ptr in d.responses.removed.items():
        if is_success(status):
            yield Hit(status, f"success response {status} removed", ptr, d.revision.pointer)


@book.operation("response-non-success-status-removed", "warning", "An error status was removed.", "response")
def failure_removed(d: OperationDiff) -> Iterator[Hit]:
    for status, ptr in d.responses.removed.items():
        if not is_success(status):
            yield Hit(status, f"non-success response {status} removed", ptr, d.revision.pointer)


@book.operation("response-success-status-added", "info", "A new success status may be returned.", "response")
def success_added(d: OperationDiff) -> Iterator[Hit]:
    for status, ptr in d.responses.added.items():
        if is_success(status):
            yield Hit(status, f"success response {status} added", d.base.pointer, ptr)


@book.operation("response-non-success-status-added", "info", "A new error status is documented.", "response")
def failure_added(d: OperationDiff) -> Iterator[Hit]:
    for status, ptr in d.responses.added.items():
        if not is_success(status):
            yield Hit(status, f"non-success response {status} added", d.base.pointer, ptr)


@book.operation("response-media-type-removed", "error", "A response media type is no longer returned.", "response")
def media_removed(d: OperationDiff) -> Iterator[Hit]:
    for status, r in d.responses.modified.items():
        for media, ptr in r.content.removed.items():
            yield Hit(f"{status} {media}", f"response {status}: media type `{media}` removed", ptr, r.revision_pointer)


@book.operation("response-media-type-added", "info", "A response may come in a new media type.", "response")
def media_added(d: OperationDiff) -> Iterator[Hit]:
    for status, r in d.responses.modified.items():
        for media, ptr in r.content.added.items():
            yield Hit(f"{status} {media}", f"response {status}: media type `{media}` added", r.base_pointer, ptr)


@book.operation("required-response-header-removed", "error", "A required response header is gone.", "response")
def required_header_removed(d: OperationDiff) -> Iterator[Hit]:
    for status, r in d.responses.modified.items():
        for h in r.headers_removed:
            if h.required:
                yield Hit(f"{status} header {h.name}", f"response {status}: required header `{h.name}` removed",
                          h.pointer, r.revision_pointer)


@book.operation("optional-response-header-removed", "warning", "An optional response header is gone.", "response")
def optional_header_removed(d: OperationDiff) -> Iterator[Hit]:
    for status, r in d.responses.modified.items():
        for h in r.headers_removed:
            if not h.required:
                yield Hit(f"{status} header {h.name}", f"response {status}: optional header `{h.name}` removed",
                          h.pointer, r.revision_pointer)


@book.operation("response-header-added", "info", "A response header was added.", "response")
def header_added(d: OperationDiff) -> Iterator[Hit]:
    for status, r in d.responses.modified.items():
        for h in r.headers_added:
            yield Hit(f"{status} header {h.name}", f"response {status}: header `{h.name}` added", r.base_pointer,
                      h.pointer)


@book.operation("response-header-became-optional", "error", "A response header clients rely on became optional.",
                "response")
def header_optional(d: OperationDiff) -> Iterator[Hit]:
    for status, r in d.responses.modified.items():
        for hd in r.headers:
            change = hd.fields.get("required")
            if change and not change.revision:
                yield Hit(f"{status} header {hd.revision.name}",
                          f"response {status}: header `{hd.revision.name}` became optional", hd.base.pointer,
                          hd.revision.pointer)
