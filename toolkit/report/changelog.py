"""Per family: the release-history changelog (one section per consecutive pair) and each pair's own page."""

from __future__ import annotations

from typing import Any

from . import page as paths
from .charts import stacked_bars
from .page import Page
from .results import BuildResults

LEVEL_ORDER = {"error": 0, "warning": 1, "info": 2, "doc": 3}
TOP_BREAKING = 8


WHOLE_DOCUMENT = "(whole document)"


def group_of(change: dict[str, Any]) -> str:
    """Where a change is listed: its one operation, else the shared component that carries it to several
    operations (the diff reports such a change once, with `operations`), else the whole document."""
    operations = change.get("operations") or ([change["operation"]] if change.get("operation") else [])
    if len(operations) > 1:
        component = (change.get("component") or "").rsplit("/", 1)[-1]
        return f"{component or 'shared'} ({len(operations)} operations)"
    return operations[0] if operations else WHOLE_DOCUMENT


def by_level(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One section per level (breaking first), each grouped by endpoint; document-wide changes last."""
    sections = []
    for level in sorted({c.get("level", "info") for c in changes}, key=lambda lv: LEVEL_ORDER.get(lv, 9)):
        groups: dict[str, list[dict[str, Any]]] = {}
        for change in changes:
            if change.get("level", "info") == level:
                groups.setdefault(group_of(change), []).append(change)
        ordered = sorted(groups.items(), key=lambda kv: (kv[0] == WHOLE_DOCUMENT, kv[0]))
        sections.append({"level": level, "count": sum(len(rows) for rows in groups.values()),
                         "groups": [{"operation": op, "changes": rows} for op, rows in ordered]})
    return sections


def _section(family: str, row: dict[str, Any]) -> dict[str, Any]:
    report = row.get("report") or {}
    changes = report.get("changes", [])
    return {
        "from": row["from"],
        "to": row["to"],
        "counts": row.get("counts"),
        "breaking": [c for c in changes if c.get("level") == "error"][:TOP_BREAKING],
        "page": paths.pair_path(family, row["from"], row["to"]),
        "errors": row.get("errors", []),
    }


def pages(results: BuildResults) -> list[Page]:
    made: list[Page] = []
    for family in results.families:
        rows = results.pairs.get(family, [])
        history = results.history(family)
        sections = [_section(family, row) for row in rows]
        bars = [(s["to"].partition("@")[2], s["counts"] or {}) for s in sections]
        chart = stacked_bars(bars, title=f"Changes per version by level ({family})")
        breaking = stacked_bars(bars, ("error",), title=f"Breaking changes per version ({family})")
        data = {
            "family": family,
            "versions": [{"id": e.id, "version": e.version, "released": e.released, "status": e.status,
                          "page": paths.version_path(e.id)} for e in history],
            "sections": sections,
            "unpinned": [e.id for e in results.entries if e.family == family and not e.pinned],
        }
        made.append(Page(paths.changelog_path(family), "changelog", f"Changelog: {family}", data,
                         {"chart": chart, "breaking_chart": breaking, "newest_first": list(reversed(sections))}))
        for row in rows:
            report = row.get("report") or {}
            changes = report.get("changes", [])
            data = {"family": family, "from": row["from"], "to": row["to"], "counts": row.get("counts"),
                    "changelog": paths.changelog_path(family), "report": row.get("report"), "errors": row.get("errors", [])}
            made.append(Page(paths.pair_path(family, row["from"], row["to"]), "pair", f"{row['from']} → {row['to']}",
                             data, {"levels": by_level(changes)}))
    return made
