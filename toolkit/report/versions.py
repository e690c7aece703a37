"""One page per catalog version: its facts, pinned source, and every validation finding."""

from __future__ import annotations

from . import page as paths
from .index import version_row
from .page import Page
from .results import BuildResults


def _neighbours(results: BuildResults, entry_id: str, family: str) -> dict[str, dict[str, str] | None]:
    """The changelog pairs that end and start at this version (None at either end of the history)."""
    found: dict[str, dict[str, str] | None] = {"previous": None, "next": None}
    for row in results.pairs.get(family, []):
        page = paths.pair_path(family, row["from"], row["to"])
        if row["to"] == entry_id:
            found["previous"] = {"id": row["from"], "page": page}
        if row["from"] == entry_id:
            found["next"] = {"id": row["to"], "page": page}
    return found


def pages(results: BuildResults) -> list[Page]:
    made = []
    for entry in results.entries:
        result = results.versions.get(entry.id) or {}
        pulled = results.pulls.get(entry.id) or {}
        errors = list(result.get("errors", []))
        if "error" in pulled:
            errors.insert(0, pulled["error"])
        facts = result.get("facts") or {}
        data = {
            **version_row(results, entry),
            "sha256": entry.sha256,
            "fidelity": entry.fidelity,
            "notes": entry.notes,
            "origin": pulled.get("origin"),
            "title": facts.get("title") or entry.title,
            "info_version": facts.get("info_version"),
            "schemas": facts.get("schemas"),
            "findings": (result.get("validation") or {}).get("findings", []),
            "changelog": paths.changelog_path(entry.family),
            "pairs": _neighbours(results, entry.id, entry.family),
            "errors": errors,
        }
        made.append(Page(paths.version_path(entry.id), "version", entry.id, data))
    return made
