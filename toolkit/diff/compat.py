"""How far is Azure's v1 surface from OpenAI's own API? The diff engine, read as a gap analysis.

OpenAI is the base and Azure v1 the revision, so "removed" means "OpenAI has it, Azure v1 lacks it" and
"added" means "Azure v1 has it, OpenAI does not"; every other change is a field both have, shaped differently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Spec
from .compare import compare
from .report import Change

_ONLY_OPENAI = ("removed",)
_ONLY_AZURE = ("added", "new-")


@dataclass
class OperationGap:
    operation: str
    openai_only: list[Change] = field(default_factory=list)
    azure_only: list[Change] = field(default_factory=list)
    different: list[Change] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"operation": self.operation, "openai_only": [c.to_dict() for c in self.openai_only],
                "azure_only": [c.to_dict() for c in self.azure_only],
                "different": [c.to_dict() for c in self.different]}


@dataclass
class CompatReport:
    openai: str
    azure: str
    openai_only_operations: list[str] = field(default_factory=list)
    azure_only_operations: list[str] = field(default_factory=list)
    operations: list[OperationGap] = field(default_factory=list)
    shared_operations: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "shared_operations": self.shared_operations,
            "openai_only_operations": len(self.openai_only_operations),
            "azure_only_operations": len(self.azure_only_operations),
            "openai_only_fields": sum(len(g.openai_only) for g in self.operations),
            "azure_only_fields": sum(len(g.azure_only) for g in self.operations),
            "different_fields": sum(len(g.different) for g in self.operations),
        }

    def to_dict(self) -> dict[str, Any]:
        return {"openai": self.openai, "azure": self.azure, "counts": self.counts,
                "openai_only_operations": self.openai_only_operations,
                "azure_only_operations": self.azure_only_operations,
                "operations": [g.to_dict() for g in self.operations]}


def _side(change: Change) -> str:
    if change.id.endswith("-removed") and ("property" in change.id or "parameter" in change.id
                                            or "status" in change.id or "media-type" in change.id
                                            or "header" in change.id):
        return "openai_only"
    if change.id.startswith("new-") or (change.id.endswith("-added") and (
            "property" in change.id or "status" in change.id or "media-type" in change.id or "header" in change.id)):
        return "azure_only"
    return "different"


def compat(openai: Spec, azure_v1: Spec) -> CompatReport:
    """Operations and fields OpenAI has that Azure v1 lacks or shapes differently, and the reverse."""
    report = compare(openai, azure_v1, map_surfaces=None)
    out = CompatReport(openai.name, azure_v1.name)
    gaps: dict[str, OperationGap] = {}
    touched: set[str] = set()
    for change in report.changes:
        if change.id in ("endpoint-added",):
            out.azure_only_operations.append(change.operation)
            continue
        if change.id.startswith("api-removed") or change.id.startswith("api-path-removed"):
            out.openai_only_operations.append(change.operation)
            continue
        if not change.operation:
            continue
        touched.add(change.operation)
        gap = gaps.setdefault(change.operation, OperationGap(change.operation))
        getattr(gap, _side(change)).append(change)
    total_shared = {op.key for op in azure_v1.operations()} - set(out.azure_only_operations)
    out.shared_operations = len(total_shared)
    out.operations = sorted(gaps.values(), key=lambda g: g.operation)
    out.openai_only_operations.sort()
    out.azure_only_operations.sort()
    return out
