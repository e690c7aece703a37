"""The OpenAI <-> Azure v1 compatibility page: latest pinned OpenAI spec against the catalog's `v1`."""

from __future__ import annotations

from . import page as paths
from .page import Page
from .results import BuildResults


def page(results: BuildResults) -> Page:
    compat = results.compat or {}
    built = {e.id for e in results.entries}  # a version page exists only for the families in the build
    data = {
        "openai": compat.get("openai"),
        "v1": compat.get("v1"),
        "report": compat.get("report"),
        "skipped": results.compat_skipped,
        "errors": compat.get("errors", []),
        "pages": {side: paths.version_path(compat[side]) if compat.get(side) in built else None
                  for side in ("openai", "v1")},
    }
    gaps = sorted((data["report"] or {}).get("operations", []),
                  key=lambda g: (-len(g["openai_only"]) - len(g["different"]), g["operation"]))
    by_gap = [{"operation": g["operation"], "openai_only": len(g["openai_only"]), "azure_only": len(g["azure_only"]),
               "different": len(g["different"])} for g in gaps]
    return Page(paths.COMPAT, "compat", "OpenAI ↔ Azure v1 compatibility", data, {"sections": gaps, "by_gap": by_gap})
