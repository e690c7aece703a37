"""Request bodies: presence, requiredness, media types and their schemas."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import pointer as jp
from .context import DiffContext, changes
from .media_diff import ContentDiff, compare_content
from .schema_diff import ValueChange


@dataclass(eq=False)
class RequestBodyDiff:
    base_pointer: str | None
    revision_pointer: str | None
    added: bool = False
    removed: bool = False
    required: ValueChange | None = None
    docs: dict[str, ValueChange] = field(default_factory=dict)
    content: ContentDiff = field(default_factory=ContentDiff)
    revision_required: bool = False

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.required or self.docs or self.content)


def compare_request_bodies(ctx: DiffContext, base_op: dict[str, Any], base_ptr: str, rev_op: dict[str, Any],
                           rev_ptr: str) -> RequestBodyDiff | None:
    b, bp = ctx.deref_base(base_op.get("requestBody"), jp.join(base_ptr, "requestBody"))
    r, rp = ctx.deref_revision(rev_op.get("requestBody"), jp.join(rev_ptr, "requestBody"))
    b = b if isinstance(b, dict) else None
    r = r if isinstance(r, dict) else None
    if b is None and r is None:
        return None
    diff = RequestBodyDiff(bp if b is not None else None, rp if r is not None else None,
                           revision_required=bool(r and r.get("required")))
    if b is None:
        diff.added = True
        return diff
    if r is None:
        diff.removed = True
        return diff
    if bool(b.get("required")) != bool(r.get("required")):
        diff.required = ValueChange(bool(b.get("required")), bool(r.get("required")))
    diff.docs = changes(b, r, ("description",))
    diff.content = compare_content(ctx, b.get("content"), bp, r.get("content"), rp)
    return None if diff.empty else diff
