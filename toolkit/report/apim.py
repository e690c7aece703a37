"""APIM readiness: an overview of every version and one page per version (losses, lint, size, download)."""

from __future__ import annotations

from typing import Any

from ..findings import LEVELS
from . import page as paths
from .charts import meter_bars
from .page import Page
from .results import BuildResults
from .summary import apim_verdict

MB = 1_048_576


def _counts(findings: list[dict[str, Any]]) -> dict[str, int]:
    counts = {level: 0 for level in LEVELS}
    for finding in findings:
        counts[finding.get("level", "info")] = counts.get(finding.get("level", "info"), 0) + 1
    return counts


def pages(results: BuildResults) -> list[Page]:
    made: list[Page] = []
    rows = []
    for entry in results.entries:
        result = results.versions.get(entry.id)
        if result is None or entry.variant_of:
            continue  # never pulled (the index says why), or a format twin (its primary has the page)
        apim = result.get("apim")
        verdict = apim_verdict(apim)
        row = {
            "id": entry.id, "family": entry.family, "version": entry.version, "openapi": entry.openapi,
            "page": paths.apim_path(entry.id),
            "ready": verdict["ready"], "reasons": verdict["reasons"],
            "downgraded": apim.get("downgraded") if apim else None,
            "published": _counts(apim["as_published"]) if apim else None,
            "prepared": _counts(apim["findings"]) if apim else None,
            "losses": len(apim["losses"]) if apim else None,
            "size_bytes": apim.get("size_bytes") if apim else None,
            "within_limit": apim.get("within_limit") if apim else None,
            "download": paths.prepared_file(entry.id) if apim else None,
        }
        rows.append(row)
        errors = [e for e in result.get("errors", []) if e["stage"] in ("load", "apim")]
        data = {**row, "limit_bytes": apim["limit_bytes"] if apim else None,
                "import_command": apim.get("import_command") if apim else None,
                "prepared_openapi": apim.get("prepared_openapi") if apim else None,
                "as_published": apim["as_published"] if apim else [],
                "findings": apim["findings"] if apim else [],
                "loss_report": apim["losses"] if apim else [],
                "version_page": paths.version_path(entry.id), "errors": errors}
        made.append(Page(paths.apim_path(entry.id), "apim", f"APIM readiness: {entry.id}", data))
    from ..apim.rules import MAX_INLINE_BYTES

    sized = [(r["id"], r["size_bytes"] / MB) for r in rows if r["size_bytes"] is not None]
    limit = MAX_INLINE_BYTES / MB
    chart = meter_bars(sized, limit, title=f"Prepared file size against the {limit:g} MB inline import limit")
    data = {"limit_bytes": MAX_INLINE_BYTES, "ready": sum(1 for r in rows if r["ready"]), "not_ready": sum(1 for r in rows if r["ready"] is False),
            "versions": rows}
    made.insert(0, Page(paths.APIM_INDEX, "apim_index", "APIM readiness", data, {"size_chart": chart}))
    return made
