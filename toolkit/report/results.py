"""Everything a build computed, in one place the page modules read from (they compute nothing expensive)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..catalog import Catalog, CatalogEntry
from .meter import Meter


@dataclass
class BuildResults:
    catalog: Catalog
    families: list[str]  # the families the site covers, in catalog order
    entries: list[CatalogEntry]  # every entry of those families (pinned or not), for the index
    pulls: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {"origin", "reused"} or {"error": ...}
    versions: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> version_job result
    pairs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # family -> pair_job results in order
    compat: dict[str, Any] | None = None
    compat_skipped: str | None = None
    contract: dict[str, Any] | None = None
    contract_skipped: str | None = None
    v1_id: str | None = None  # the catalog entry the v1 feature page reads its paths from
    cached_jobs: int = 0  # jobs answered from the store's result cache
    meter: Meter = field(default_factory=Meter)  # seconds and peak memory per stage, over every job

    def history(self, family: str) -> list[CatalogEntry]:
        """The family's pinned versions in release order (format twins left out)."""
        return self.catalog.history(family)

    def stage_errors(self) -> list[dict[str, Any]]:
        """Every recorded failure of every stage, pulls included."""
        errors: list[dict[str, Any]] = []
        for entry_id, pulled in self.pulls.items():
            if "error" in pulled:
                errors.append(pulled["error"])
        for result in self.versions.values():
            errors.extend(result.get("errors", []))
        for rows in self.pairs.values():
            for row in rows:
                errors.extend(row.get("errors", []))
        for extra in (self.compat, self.contract):
            if extra:
                errors.extend(extra.get("errors", []))
        return errors
