"""Watched upstream sources (data in the catalog's `"watch"` list) and the new versions they hold.

Two kinds of source:
- `folders`: dated api-versions, one folder each (`.../inference/{preview,stable}/<version>/inference.json`); the
  version is the folder name, pinned at the newest commit that touched its file.
- `path`: one file whose every commit is a version (`openapi.yaml`, `azure-v1-v1-generated.json`); the version is
  `<commit date>_<sha10>` plus the source's `version_suffix`.

"New" means newer than what the catalog pins, unpinned entries included: a dated folder that is not pinned and
is either newer than the family's newest pinned version or held as an unpinned entry; for a file, every commit
after the newest pinned one (a file nothing pins yet starts from its newest commit).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Iterator

from ..catalog import Catalog
from ..errors import CatalogError, UpstreamError
from . import names
from .github import Commit, GitHub

PER_PAGE = 100
MAX_PAGES = 10  # 1,000 commits of one file since the last pinned one: more means the catalog is badly stale


@dataclass(frozen=True)
class WatchSource:
    family: str
    repo: str
    branch: str
    surface: str
    license: dict[str, str]
    folders: tuple[str, ...] = ()  # kind `folders`
    file: str | None = None  # the spec's file name inside each version folder
    path: str | None = None  # kind `path`
    version_suffix: str = ""
    twin_of: str | None = None  # a format twin of the file at this path in the same repository (`+yaml`)

    @property
    def label(self) -> str:
        return f"{self.repo}:{self.path or '{' + ','.join(self.folders) + '}/*/' + str(self.file)}"


@dataclass(frozen=True)
class Candidate:
    """A version found upstream that the catalog does not pin yet."""

    source: WatchSource
    version: str
    path: str  # the spec file's path in the repository
    commit: Commit
    replaces: str | None = None  # the unpinned entry it pins (same id for dated versions)
    variant_of: str | None = None

    @property
    def family(self) -> str:
        return self.source.family

    @property
    def id(self) -> str:
        twin = f"+{PurePosixPath(self.path).suffix.lstrip('.')}" if self.variant_of else ""
        return f"{self.family}@{self.version}{twin}"

    @property
    def status(self) -> str:
        """From the name: a `-preview` folder, or a file named `...preview...`, is a preview."""
        named = self.version if self.source.folders else PurePosixPath(self.path).name
        return "preview" if "preview" in named else "ga"

    @property
    def released(self) -> str:
        """The api-version's date for a dated folder (a fix committed years later must not reorder the family's
        history); the commit date for a file tracked by commit."""
        return names.version_date(self.version) if self.source.folders else self.commit.day  # type: ignore[return-value]


def watch_sources(raw_catalog: dict[str, Any], families: tuple[str, ...] = ()) -> list[WatchSource]:
    """The catalog's `watch` list, checked, optionally narrowed to `families`."""
    rows = raw_catalog.get("watch")
    if not isinstance(rows, list) or not rows:
        raise CatalogError("the catalog has no 'watch' list of upstream sources")
    sources = [_source(row, i) for i, row in enumerate(rows)]
    if families:
        unknown = sorted(set(families) - {s.family for s in sources})
        if unknown:
            watched = ", ".join(sorted({s.family for s in sources}))
            raise CatalogError(f"family {', '.join(unknown)} is not watched; watched families: {watched}")
        sources = [s for s in sources if s.family in families]
    return sources


def _source(row: Any, index: int) -> WatchSource:
    where = f"catalog watch[{index}]"
    if not isinstance(row, dict):
        raise CatalogError(f"{where} is not an object")
    try:
        folders = tuple(names.repo_path(f, where) for f in row.get("folders", ()))
        path = names.repo_path(row["path"], where) if row.get("path") is not None else None
        source = WatchSource(
            family=str(row["family"]), repo=names.repo_name(row["repo"], where), branch=str(row["branch"]),
            surface=str(row["surface"]), license=dict(row["license"]), folders=folders,
            file=names.plain_name(row["file"], where) if row.get("file") is not None else None, path=path,
            version_suffix=str(row.get("version_suffix", "")),
            twin_of=names.repo_path(row["twin_of"], where) if row.get("twin_of") else None,
        )
    except (KeyError, TypeError, ValueError, UpstreamError) as exc:
        raise CatalogError(f"{where}: {exc}") from None
    if bool(source.folders) == bool(source.path) or (source.folders and not source.file):
        raise CatalogError(f"{where}: give either 'folders' with 'file', or 'path'")
    return source


def find_candidates(github: GitHub, catalog: Catalog, sources: list[WatchSource]) -> list[Candidate]:
    """Every new version in `sources`, oldest first within each family; format twins marked."""
    found: list[Candidate] = []
    for source in sources:
        found.extend(_dated(github, catalog, source) if source.folders else _commits(github, catalog, source))
    found = _mark_twins(found, catalog)
    seen: dict[str, Candidate] = {}
    for candidate in found:
        if candidate.id in seen:
            raise CatalogError(f"two watched sources yield {candidate.id}; give one a 'version_suffix' or 'twin_of'")
        seen[candidate.id] = candidate
    return sorted(found, key=lambda c: (c.family, c.released, c.version, c.id))


def _dated(github: GitHub, catalog: Catalog, source: WatchSource) -> Iterator[Candidate]:
    family = [e for e in catalog if e.family == source.family and not e.variant_of]
    pinned = {e.version for e in family if e.pinned}
    unpinned = {e.version: e for e in family if not e.pinned}
    newest = max((d for d in map(names.version_date, pinned) if d), default="")
    for folder in source.folders:
        for item in github.contents(source.repo, folder, source.branch):
            where = f"{source.repo}:{folder}"
            names.plain_name(item.name, where)
            if item.path != f"{folder}/{item.name}":
                raise names.UnsafeName(f"{where}: entry {names.shown(item.name)} has path {names.shown(item.path)}; refused")
            if item.type != "dir":
                continue
            version = names.version_folder(item.name, where)
            if version in pinned or not (version in unpinned or names.version_date(version) > newest):
                continue
            path = f"{folder}/{version}/{source.file}"
            commits = github.commits(source.repo, path, source.branch, per_page=1)
            if not commits:
                continue  # a version folder without the watched file (TypeSpec sources only, say)
            held = unpinned.get(version)
            yield Candidate(source, version, path, commits[0], replaces=held.id if held else None)


def _commits(github: GitHub, catalog: Catalog, source: WatchSource) -> list[Candidate]:
    assert source.path is not None
    tracking = [e for e in catalog if e.source.repo == source.repo and e.source.path == source.path]
    known = {e.source.commit for e in tracking if e.pinned and e.source.commit}
    placeholder = next((e.id for e in tracking if not e.pinned), None)
    if not known:  # nothing pinned from this file yet: start tracking at its newest commit
        new = github.commits(source.repo, source.path, source.branch, per_page=1)[:1]
    else:
        new = _since_known(github, source, known)
    candidates = [Candidate(source, f"{c.day}_{c.sha[:10]}{source.version_suffix}", source.path, c) for c in new]
    if placeholder and candidates:  # the newest commit pins what the unpinned entry only named
        newest = candidates[0]
        candidates[0] = Candidate(source, newest.version, newest.path, newest.commit, replaces=placeholder)
    return candidates[::-1]


def _since_known(github: GitHub, source: WatchSource, known: set[str]) -> list[Commit]:
    assert source.path is not None
    new: list[Commit] = []
    for page in range(1, MAX_PAGES + 1):
        commits = github.commits(source.repo, source.path, source.branch, per_page=PER_PAGE, page=page)
        for commit in commits:
            if commit.sha in known:
                return new
            new.append(commit)
        if len(commits) < PER_PAGE:
            break
    raise UpstreamError(f"{source.label}: none of its {len(new)} newest commits on {source.branch} is pinned in the "
                        "catalog (a rewritten history, or a wrong branch?); nothing was archived")


def _mark_twins(found: list[Candidate], catalog: Catalog) -> list[Candidate]:
    """A file whose `twin_of` file has a version at the same commit is that version's format twin (`+yaml`)."""
    primaries = {(c.source.repo, c.path, c.version) for c in found if not c.source.twin_of}
    primaries |= {(e.source.repo, e.source.path, e.version) for e in catalog if e.pinned and not e.variant_of}
    out = []
    for candidate in found:
        twin_of = candidate.source.twin_of
        if twin_of and (candidate.source.repo, twin_of, candidate.version) in primaries:
            candidate = Candidate(candidate.source, candidate.version, candidate.path, candidate.commit,
                                  replaces=candidate.replaces, variant_of=f"{candidate.family}@{candidate.version}")
        out.append(candidate)
    return out
