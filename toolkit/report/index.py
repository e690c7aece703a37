"""The front page: where to look first, every catalog version with its state, operations over time."""

from __future__ import annotations

from typing import Any

from ..catalog import CatalogEntry
from . import page as paths
from .charts import time_series
from .page import Page
from .results import BuildResults
from .summary import apim_verdict


def version_state(results: BuildResults, entry: CatalogEntry) -> str:
    """built | unpinned (not pulled: no sha256 to verify) | pull-failed | load-failed."""
    pulled = results.pulls.get(entry.id)
    if pulled is None:
        return "unpinned"
    if "error" in pulled:
        return "pull-failed"
    result = results.versions.get(entry.id) or {}
    return "built" if result.get("facts") else "load-failed"


def version_row(results: BuildResults, entry: CatalogEntry) -> dict[str, Any]:
    result = results.versions.get(entry.id) or {}
    facts = result.get("facts") or {}
    validation = result.get("validation")
    apim = result.get("apim")
    verdict = apim_verdict(apim) if apim else None
    return {
        "id": entry.id,
        "family": entry.family,
        "version": entry.version,
        "status": entry.status,
        "surface": entry.surface,
        "openapi": facts.get("openapi") or entry.openapi,
        "released": entry.released,
        "pinned": entry.pinned,
        "variant_of": entry.variant_of,
        "source": {"repo": entry.source.repo, "commit": entry.source.commit, "ref": entry.source.ref,
                   "path": entry.source.path, "url": entry.source.url},
        "state": version_state(results, entry),
        "operations": facts.get("operations"),
        "paths": facts.get("paths"),
        "validation": {"valid": validation["valid"], "counts": validation["counts"]} if validation else None,
        "apim": {"ready": verdict["ready"], "size_bytes": apim.get("size_bytes")} if apim and verdict else None,
        "pages": {"version": paths.version_path(entry.id), "apim": paths.apim_path(entry.id) if apim else None},
    }


def page(results: BuildResults, summary: dict[str, Any]) -> Page:
    rows = [version_row(results, entry) for entry in results.entries]
    families = []
    for family in results.families:
        history = results.history(family)
        families.append({
            "family": family,
            "versions": sum(1 for e in results.entries if e.family == family),
            "pinned": len(history),
            "latest": history[-1].id if history else None,
            "changelog": paths.changelog_path(family),
            "pairs": len(results.pairs.get(family, [])),
        })
    series: dict[str, list[tuple[str, str, float]]] = {}
    for row in rows:
        if row["operations"] is not None and not row["variant_of"]:
            series.setdefault(row["family"], []).append((row["released"], row["version"], row["operations"]))
    data = {
        "summary": summary,
        "families": families,
        "versions": rows,
        "operations_over_time": {family: [{"released": d, "version": v, "operations": n} for d, v, n in sorted(points)]
                                 for family, points in sorted(series.items())},
    }
    chart = time_series(series, title="Operations per version over time", y_label="operations")
    return Page(paths.INDEX, "index", "Azure OpenAI spec estate", data, {"operations_chart": chart})
