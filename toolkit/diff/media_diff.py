"""Media types of a request body or response, matched by type (parameters such as charset ignored)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import pointer as jp
from .context import DiffContext
from .schema_diff import SchemaDiff


@dataclass(eq=False)
class MediaDiff:
    media_type: str
    base_pointer: str
    revision_pointer: str
    schema: SchemaDiff | None = None


@dataclass(eq=False)
class ContentDiff:
    added: dict[str, str] = field(default_factory=dict)  # media type -> revision pointer
    removed: dict[str, str] = field(default_factory=dict)  # media type -> base pointer
    modified: dict[str, MediaDiff] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.modified)


def _media_key(name: str) -> str:
    return name.split(";", 1)[0].strip().lower()


def _entries(content: Any, where: str) -> dict[str, tuple[str, dict[str, Any], str]]:
    out: dict[str, tuple[str, dict[str, Any], str]] = {}
    if isinstance(content, dict):
        for name, obj in content.items():
            if isinstance(obj, dict):
                out[_media_key(name)] = (name, obj, jp.join(where, name))
    return out


def compare_content(ctx: DiffContext, base: Any, base_ptr: str, revision: Any, revision_ptr: str) -> ContentDiff:
    out = ContentDiff()
    b = _entries(base, jp.join(base_ptr, "content"))
    r = _entries(revision, jp.join(revision_ptr, "content"))
    for key, (name, _, ptr) in r.items():
        if key not in b:
            out.added[name] = ptr
    for key, (name, obj, ptr) in b.items():
        if key not in r:
            out.removed[name] = ptr
            continue
        _, other, other_ptr = r[key]
        b_schema = (obj["schema"], jp.join(ptr, "schema")) if "schema" in obj else None
        r_schema = (other["schema"], jp.join(other_ptr, "schema")) if "schema" in other else None
        schema = ctx.compare_schemas(b_schema, r_schema)
        if schema is not None:
            out.modified[name] = MediaDiff(name, ptr, other_ptr, schema)
    return out
