"""Responses: status codes, headers, media types and their schemas."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import pointer as jp
from .context import DiffContext, changes
from .media_diff import ContentDiff, compare_content
from .parameters_diff import ParamSide, ParameterDiff, compare_parameter
from .schema_diff import ValueChange


@dataclass(eq=False)
class ResponseDiff:
    status: str
    base_pointer: str
    revision_pointer: str
    docs: dict[str, ValueChange] = field(default_factory=dict)
    headers_added: list[ParamSide] = field(default_factory=list)
    headers_removed: list[ParamSide] = field(default_factory=list)
    headers: list[ParameterDiff] = field(default_factory=list)
    content: ContentDiff = field(default_factory=ContentDiff)

    @property
    def empty(self) -> bool:
        return not (self.docs or self.headers_added or self.headers_removed or self.headers or self.content)


@dataclass(eq=False)
class ResponsesDiff:
    added: dict[str, str] = field(default_factory=dict)  # status -> revision pointer
    removed: dict[str, str] = field(default_factory=dict)  # status -> base pointer
    modified: dict[str, ResponseDiff] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.modified)


def is_success(status: str) -> bool:
    return status.startswith("2") or status.upper() == "2XX"


def _headers(ctx: DiffContext, side: str, response: dict[str, Any], where: str) -> dict[str, ParamSide]:
    deref = ctx.deref_base if side == "base" else ctx.deref_revision
    out: dict[str, ParamSide] = {}
    headers = response.get("headers")
    if isinstance(headers, dict):
        for name, raw in headers.items():
            node, ptr = deref(raw, jp.join(where, "headers", name))
            if isinstance(node, dict):
                out[name.lower()] = ParamSide(name, "header-response", node, ptr)
    return out


def compare_responses(ctx: DiffContext, base: Any, base_ptr: str, revision: Any, revision_ptr: str) -> ResponsesDiff:
    out = ResponsesDiff()
    b = base if isinstance(base, dict) else {}
    r = revision if isinstance(revision, dict) else {}
    for status in r:
        if str(status) not in {str(s) for s in b}:
            out.added[str(status)] = jp.join(revision_ptr, status)
    r_by = {str(s): v for s, v in r.items()}
    for status, raw in b.items():
        status = str(status)
        if status not in r_by:
            out.removed[status] = jp.join(base_ptr, status)
            continue
        bnode, bp = ctx.deref_base(raw, jp.join(base_ptr, status))
        rnode, rp = ctx.deref_revision(r_by[status], jp.join(revision_ptr, status))
        if not isinstance(bnode, dict) or not isinstance(rnode, dict):
            continue
        diff = ResponseDiff(status, bp, rp)
        diff.docs = changes(bnode, rnode, ("description",))
        bh, rh = _headers(ctx, "base", bnode, bp), _headers(ctx, "revision", rnode, rp)
        diff.headers_added = [h for k, h in rh.items() if k not in bh]
        diff.headers_removed = [h for k, h in bh.items() if k not in rh]
        for key, header in bh.items():
            if key in rh:
                hd = compare_parameter(ctx, header, rh[key])
                if not hd.empty:
                    diff.headers.append(hd)
        diff.content = compare_content(ctx, bnode.get("content"), bp, rnode.get("content"), rp)
        if not diff.empty:
            out.modified[status] = diff
    return out
