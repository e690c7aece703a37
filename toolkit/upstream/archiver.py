"""Download one new version (its spec file and every relative file it `$ref`s) at its commit, verify each file
against the git blob sha GitHub lists for it, stage it, check that it loads, and describe it as a pinned catalog
entry plus PROVENANCE.json rows.

An example file upstream lacks is a warning (the loader leaves it out, as it does for any spec); a missing schema
file is an error, because the spec would not load.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ..errors import IntegrityError, SpecLoadError, UpstreamError
from ..load import Limits, LoadWarning, is_example_context, load, parse_text, ref_sites
from . import names
from .github import ContentItem, GitHub, NotFound, git_blob_sha
from .transaction import StagedUpdate
from .watch import Candidate


@dataclass
class ArchivedVersion:
    """A staged version: its catalog entry, its PROVENANCE.json rows, and what was noticed on the way."""

    candidate: Candidate
    entry: dict[str, Any]
    provenance: list[dict[str, Any]]
    staged: Path
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Fetched:
    relative: str  # path inside the spec's folder
    data: bytes
    example: bool  # only ever referenced from example values


class _Downloader:
    """The files of one version at one commit, each checked against its folder listing at that commit."""

    def __init__(self, github: GitHub, candidate: Candidate) -> None:
        self.github = github
        self.candidate = candidate
        self.spec_dir = posixpath.dirname(candidate.path)
        self._listings: dict[str, dict[str, ContentItem]] = {}

    def get(self, relative: str) -> bytes | None:
        """A file's bytes, or None when the commit does not hold it."""
        repo, sha = self.candidate.source.repo, self.candidate.commit.sha
        upstream = posixpath.join(self.spec_dir, relative) if self.spec_dir else relative
        folder, name = posixpath.split(upstream)
        item = self._listing(folder).get(name)
        if item is None:
            return None
        if item.type != "file":
            raise UpstreamError(f"{repo}@{sha[:10]}:{upstream} is a {item.type}, not a file; refused")
        try:
            data = self.github.raw(repo, sha, upstream)
        except NotFound:
            raise UpstreamError(f"{self.github.raw_url(repo, sha, upstream)}: listed by the API but not served "
                                "(HTTP 404)") from None
        actual = git_blob_sha(data)
        if actual != item.sha or len(data) != item.size:
            raise IntegrityError(
                f"{repo}@{sha[:10]}:{upstream}: downloaded {len(data):,} bytes with git blob sha {actual[:12]}, the API "
                f"lists {item.size:,} bytes with {names.shown(item.sha[:12])}; nothing was written")
        return data

    def _listing(self, folder: str) -> dict[str, ContentItem]:
        if folder not in self._listings:
            repo, sha = self.candidate.source.repo, self.candidate.commit.sha
            try:
                items = self.github.contents(repo, folder, sha)
            except NotFound:
                items = []
            listing = {}
            for item in items:
                names.plain_name(item.name, f"{repo}:{folder}")
                if item.path != (f"{folder}/{item.name}" if folder else item.name):
                    raise names.UnsafeName(f"{repo}:{folder}: entry {names.shown(item.name)} has path "
                                           f"{names.shown(item.path)}; refused")
                listing[item.name] = item
            self._listings[folder] = listing
        return self._listings[folder]


def archive_version(github: GitHub, candidate: Candidate, staging: StagedUpdate, *,
                    limits: Limits | None = None) -> ArchivedVersion | None:
    """Stage `candidate`'s files; None when the commit does not hold its file (a commit that deleted it)."""
    limits = limits or Limits()
    label = f"{candidate.source.repo}@{candidate.commit.sha[:10]}:{candidate.path}"
    downloader = _Downloader(github, candidate)
    main_name = posixpath.basename(candidate.path)
    main = downloader.get(main_name)
    if main is None:
        return None
    fetched, missing = _with_references(downloader, main_name, main, limits, label)
    folder = f"{candidate.family}/{candidate.version}"
    for item in fetched:
        staging.stage(f"{folder}/{item.relative}", item.data)
    staged = staging.files / folder / main_name
    try:
        loaded = load(staged, limits=limits)
    except SpecLoadError as exc:
        lacking = f" (upstream lacks {', '.join(missing)})" if missing else ""
        where = f" at {exc.pointer}" if exc.pointer else ""
        raise UpstreamError(f"{label} does not load: {exc.message}{where}{lacking}") from None
    warnings = [_warning(label, w) for w in loaded.warnings]
    entry = _entry(candidate, folder, fetched, loaded.document, github)
    rows = [_provenance_row(candidate, folder, item, loaded.document if item is fetched[0] else None)
            for item in fetched]
    return ArchivedVersion(candidate, entry, rows, staged, warnings)


def _with_references(downloader: _Downloader, main_name: str, main: bytes, limits: Limits,
                     label: str) -> tuple[list[_Fetched], list[str]]:
    """The spec and every relative file reachable through `$ref`s, breadth first; and the ones upstream lacks."""
    fetched = [_Fetched(main_name, main, example=False)]
    by_path = {main_name: fetched[0]}
    missing: list[str] = []
    queue = [fetched[0]]
    while queue:
        current = queue.pop(0)
        value, _ = parse_text(current.data, f"{label}:{current.relative}", limits, [])
        for _, _, ref_obj, pointer in ref_sites(value):
            ref_file = ref_obj["$ref"].partition("#")[0]
            if not ref_file or urlparse(ref_file).scheme:
                continue  # internal, or remote (the loader refuses those without --allow-remote-refs)
            relative = names.relative_file(ref_file, posixpath.dirname(current.relative), label)
            example = is_example_context(pointer)
            if relative in by_path:
                by_path[relative].example &= example
                continue
            if relative in missing:
                continue
            if len(by_path) >= limits.max_files:
                raise UpstreamError(f"{label}: more than {limits.max_files} referenced files")
            data = downloader.get(relative)
            if data is None:
                missing.append(relative)
                continue
            item = _Fetched(relative, data, example)
            by_path[relative] = item
            fetched.append(item)
            queue.append(item)
    return fetched, missing


def _warning(label: str, warning: LoadWarning) -> str:
    if warning.id == "missing-external-example":
        return f"{label}: an example file it references is missing upstream and was left out ({warning.message})"
    return f"{label}: {warning.message} at {warning.pointer}"


def _entry(candidate: Candidate, folder: str, fetched: list[_Fetched], document: dict[str, Any],
           github: GitHub) -> dict[str, Any]:
    main = fetched[0]
    source = candidate.source
    info = document.get("info") if isinstance(document.get("info"), dict) else {}
    paths = document.get("paths")
    entry: dict[str, Any] = {
        "id": candidate.id,
        "family": candidate.family,
        "version": candidate.version,
        "status": candidate.status,
        "surface": source.surface,
        "openapi": str(document.get("openapi")),
        "released": candidate.released,
        "pinned": True,
        "fidelity": "exact",
        "title": info.get("title") if isinstance(info.get("title"), str) else None,
        "info_version": info.get("version") if isinstance(info.get("version"), str) else None,
        "paths": len(paths) if isinstance(paths, dict) else 0,
        "file": f"{folder}/{main.relative}",
        "sha256": hashlib.sha256(main.data).hexdigest(),
        "bytes": len(main.data),
        "source": _source(github, candidate, main.relative),
    }
    if candidate.variant_of:
        entry["variant_of"] = candidate.variant_of
    if candidate.replaces and candidate.replaces != candidate.id:
        entry["replaces"] = [candidate.replaces]
    if len(fetched) > 1:
        entry["attachments"] = [
            {"file": f"{folder}/{item.relative}", "sha256": hashlib.sha256(item.data).hexdigest(),
             "bytes": len(item.data), "source": _source(github, candidate, item.relative)}
            for item in fetched[1:]
        ]
    return entry


def _source(github: GitHub, candidate: Candidate, relative: str) -> dict[str, str]:
    spec_dir = posixpath.dirname(candidate.path)
    path = posixpath.join(spec_dir, relative) if spec_dir else relative
    repo, sha = candidate.source.repo, candidate.commit.sha
    return {"repo": repo, "commit": sha, "path": path, "url": github.raw_url(repo, sha, path)}


def _provenance_row(candidate: Candidate, folder: str, item: _Fetched,
                    document: dict[str, Any] | None) -> dict[str, Any]:
    source = candidate.source
    spec_dir = posixpath.dirname(candidate.path)
    info = (document or {}).get("info") if isinstance((document or {}).get("info"), dict) else {}
    row: dict[str, Any] = {
        "family": candidate.family,
        "version": candidate.version,
        "file": f"{folder}/{item.relative}",
        "kind": "spec" if document is not None else ("example" if item.example else "referenced"),
        "source_repo": source.repo,
        "source_path": posixpath.join(spec_dir, item.relative) if spec_dir else item.relative,
        "source_commit": candidate.commit.sha,
        "sha256": hashlib.sha256(item.data).hexdigest(),
        "bytes": len(item.data),
        "openapi_version": str(document.get("openapi")) if document is not None else None,
        "paths_count": len(document["paths"]) if document is not None and isinstance(document.get("paths"), dict) else None,
        "info_title": info.get("title"),
        "info_version": info.get("version"),
        "fidelity": "exact",
        "commit_date": candidate.commit.day,
        "derivation": "unchanged blob, archived by `aoai-spec catalog update` (git blob sha verified against "
                      "GitHub's listing at the commit)",
        "license": {**source.license, "from": source.repo},
    }
    return row
