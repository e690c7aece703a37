"""`catalog update`: find new upstream versions, archive them, pin them in the catalog, and say what changed.

The order is what makes it safe: everything is downloaded, verified, loaded and diffed against its predecessor
while staged; only then are the archive, PROVENANCE.json and the catalog swapped in together (see
`transaction`). A run that finds nothing changes nothing, so a second run in a row is a no-op.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..catalog import Catalog, CatalogEntry, parse_catalog
from ..errors import CatalogError
from ..model import Spec
from ..workspace import Workspace
from .archiver import ArchivedVersion, archive_version
from .github import GitHub
from .transaction import StagedUpdate, recover
from .watch import find_candidates, watch_sources

Progress = Callable[[str], None]


@dataclass
class UpdateResult:
    added: list[ArchivedVersion] = field(default_factory=list)
    sections: list[Any] = field(default_factory=list)  # diff.ChangelogSection, one per new primary version
    firsts: list[str] = field(default_factory=list)  # new versions with no predecessor in their family
    warnings: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "added": [{**a.entry, "pins": a.candidate.replaces} for a in self.added],
            "changelog": [s.to_dict() for s in self.sections],
            "first_in_family": self.firsts,
            "warnings": self.warnings,
            "sources": self.sources,
        }


def update_catalog(catalog_path: Path, archive: Path, github: GitHub, *, families: tuple[str, ...] = (),
                   dry_run: bool = False, on_progress: Progress | None = None) -> UpdateResult:
    """Archive every new version of the watched sources (optionally only `families`) and pin it in the catalog.

    PROVENANCE.json lives beside the archive (`specs/PROVENANCE.json` for `specs/archive/`)."""
    catalog_path, archive = Path(catalog_path), Path(archive)
    provenance_path = archive.parent / "PROVENANCE.json"
    recover(archive)  # an update killed mid-swap is rolled back before the catalog is read
    raw = _read_json(catalog_path, "catalog")
    catalog = parse_catalog(raw, catalog_path)
    sources = watch_sources(raw, families)
    result = UpdateResult(dry_run=dry_run, sources=[s.label for s in sources])
    candidates = find_candidates(github, catalog, sources)
    if not candidates:
        return result
    provenance = _read_json(provenance_path, "PROVENANCE.json") if provenance_path.exists() else {"files": []}
    with StagedUpdate(archive, catalog_path, provenance_path) as staging:
        for candidate in candidates:
            if on_progress:
                on_progress(candidate.id)
            archived = archive_version(github, candidate, staging)
            if archived is None:
                result.warnings.append(f"{candidate.source.repo}@{candidate.commit.sha[:10]} holds no "
                                       f"{candidate.path} (deleted in that commit?); skipped")
                continue
            result.added.append(archived)
            result.warnings.extend(archived.warnings)
        if not result.added:
            return result
        new_raw = _with_entries(raw, result.added)
        new_catalog = parse_catalog(new_raw, catalog_path)
        _changelog(result, new_catalog, archive, staging)
        if not dry_run:
            staging.commit(_dump(new_raw), _dump(_with_rows(provenance, result.added)))
    return result


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise CatalogError(f"{path}: malformed {what}: {exc}") from None
    if not isinstance(value, dict):
        raise CatalogError(f"{path}: {what} is not a JSON object")
    return value


def _dump(value: dict[str, Any]) -> str:
    """The layout of specs/catalog.json and PROVENANCE.json: two-space indent, UTF-8, a final newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _with_entries(raw: dict[str, Any], added: list[ArchivedVersion]) -> dict[str, Any]:
    """The catalog with the new pinned entries; each replaces the unpinned entry it pins. Sorted as the file is:
    by family, then version, then id (a `+yaml` twin after its primary)."""
    replaced = {a.candidate.replaces for a in added if a.candidate.replaces}
    kept = [e for e in raw["entries"] if e.get("id") not in replaced]
    new_entries = []
    for archived in added:
        entry = dict(archived.entry)
        old = next((e for e in raw["entries"] if e.get("id") == archived.candidate.replaces), None)
        if old and old.get("aliases"):
            entry["aliases"] = old["aliases"]
        new_entries.append(entry)
    entries = sorted(kept + new_entries, key=lambda e: (str(e.get("family")), str(e.get("version")), str(e.get("id"))))
    return {**raw, "entries": entries}


def _with_rows(provenance: dict[str, Any], added: list[ArchivedVersion]) -> dict[str, Any]:
    rows = {row["file"]: row for row in provenance.get("files", []) if isinstance(row, dict) and "file" in row}
    for archived in added:
        for row in archived.provenance:
            rows[row["file"]] = row
    return {**provenance, "files": [rows[key] for key in sorted(rows)]}


def _changelog(result: UpdateResult, catalog: Catalog, archive: Path, staging: StagedUpdate) -> None:
    """Each new primary version against its predecessor in its family's release history."""
    from ..diff import ChangelogSection, compare

    workspace = Workspace(catalog=catalog, archive=archive, mirror=None)

    def open_spec(entry: CatalogEntry) -> Spec:
        staged = staging.staged_path(entry.file or "")
        spec = Spec.load(staged) if staged else workspace.open(entry.id)
        spec.catalog_id = entry.id
        return spec

    for archived in result.added:
        entry = catalog.get(archived.entry["id"])
        if entry.variant_of:
            continue
        history = catalog.history(entry.family)
        index = [e.id for e in history].index(entry.id)
        if index == 0:
            result.firsts.append(entry.id)
            continue
        previous = history[index - 1]
        report = compare(open_spec(previous), open_spec(entry), catalog=catalog)
        result.sections.append(ChangelogSection(previous.id, entry.id, report))
