"""What every part of one spec-pair comparison shares: both specs, their schema views, the schema memo."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..catalog import Catalog
from ..model import Spec
from .policy import Lifecycle
from .schema_diff import SchemaComparer, SchemaDiff, ValueChange
from .views import Ref, Viewer


@dataclass
class DiffContext:
    base: Spec
    revision: Spec
    catalog: Catalog | None
    base_surface: str
    revision_surface: str
    mapped: bool  # dated <-> v1 mapping is on
    base_azure_v1: bool = False
    revision_azure_v1: bool = False
    lifecycle: Lifecycle = field(default_factory=Lifecycle)  # removal date, deprecation period (rules/lifecycle)
    base_viewer: Viewer = field(init=False)
    revision_viewer: Viewer = field(init=False)
    schemas: SchemaComparer = field(init=False)

    def __post_init__(self) -> None:
        self.base_viewer = Viewer(self.base)
        self.revision_viewer = Viewer(self.revision)
        self.schemas = SchemaComparer(self.base_viewer, self.revision_viewer)

    def compare_schemas(self, base: Ref | None, revision: Ref | None) -> SchemaDiff | None:
        if base is None or revision is None:
            return None
        return self.schemas.compare(base, revision)

    def deref_base(self, node: Any, pointer: str) -> tuple[Any, str]:
        return _deref(self.base, node, pointer)

    def deref_revision(self, node: Any, pointer: str) -> tuple[Any, str]:
        return _deref(self.revision, node, pointer)


def _deref(spec: Spec, node: Any, pointer: str) -> tuple[Any, str]:
    """Follow `$ref`s of a non-schema object (parameter, response...), keeping the pointer of its body."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
        ref = node["$ref"]
        seen.add(ref)
        target = spec.try_deref({"$ref": ref})
        if target is None:
            return None, pointer
        node, pointer = target, ref
    return node, pointer


def changes(old: dict[str, Any], new: dict[str, Any], keys: tuple[str, ...]) -> dict[str, ValueChange]:
    """The keys whose values differ between two objects."""
    return {k: ValueChange(old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)}
