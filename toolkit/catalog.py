"""The catalog: every spec version the project knows, as data (`specs/catalog.json`), plus surface facts.

Ids are `FAMILY@VERSION`; a bare version (`2024-10-21`, `2025-03-01-preview`) or an alias (`v1`) names the best
entry that holds it, whichever family that is (`Catalog.best_of_version` says what best means).
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator

from .errors import CatalogError
from .resources import catalog_path


@dataclass(frozen=True)
class Source:
    """Where a file comes from: repository, commit (or branch for unpinned entries), path, raw URL."""

    repo: str
    path: str
    url: str
    commit: str | None = None
    ref: str | None = None


@dataclass(frozen=True)
class Attachment:
    """A file that travels with a spec (its examples), pinned like the spec itself."""

    file: str
    sha256: str
    source: Source


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    family: str
    version: str
    status: str  # "ga" | "preview"
    surface: str  # "dated" | "v1"
    openapi: str
    released: str
    pinned: bool
    source: Source
    file: str | None = None  # path in the mirror layout (family/version/name)
    sha256: str | None = None
    bytes: int | None = None
    fidelity: str | None = None
    title: str | None = None
    variant_of: str | None = None
    aliases: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    upstream: dict[str, str] | None = None
    notes: str | None = None
    replaces: tuple[str, ...] = ()  # ids of unpinned entries this pinned one took the place of
    coverage: str = "whole"  # "whole": the entry's whole surface; "subset": only part of it (see coverage_note)
    coverage_note: str | None = None

    @property
    def filename(self) -> str:
        return Path(self.file or self.source.path).name

    @property
    def api_version(self) -> str | None:
        """The `api-version` query value of a dated spec (its version without any vendor suffix)."""
        if self.surface != "dated":
            return None
        return self.version.split("_", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        return _entry_dict(self)


@dataclass(frozen=True)
class PreviewHeader:
    name: str
    value: str


@dataclass(frozen=True)
class V1Feature:
    """The status of one v1 path and how a client opts into it when it is a preview."""

    path: str
    status: str
    opt_in: str | None  # "header" | "path" | None
    header: PreviewHeader | None = None


@dataclass
class Catalog:
    entries: list[CatalogEntry]
    surfaces: dict[str, Any]
    bare_version_families: tuple[str, ...]
    path: Path | None = None
    _by_id: dict[str, CatalogEntry] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {e.id: e for e in self.entries}

    # -- lookups
    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def families(self) -> list[str]:
        return sorted({e.family for e in self.entries})

    def get(self, ident: str) -> CatalogEntry:
        """An entry by id, by an id it replaced, by alias, or by bare version (see `best_of_version`);
        CatalogError with "did you mean" suggestions when there is none."""
        if ident in self._by_id:
            return self._by_id[ident]
        for entry in self.entries:
            if ident in entry.replaces:
                return entry
        if "@" not in ident:
            for entry in self.entries:
                if ident in entry.aliases:
                    return entry
            best = self.best_of_version(ident)
            if best is not None:
                return best
        hint = self.suggest(ident) or "run 'aoai-spec catalog' to list the ids"
        raise CatalogError(f"unknown catalog id {ident!r}; {hint}")

    def holding(self, version: str) -> list[CatalogEntry]:
        """Every entry of a bare version, best first: its own version name, or the api-version of a dated one
        (`2025-03-01-preview` is held by `azure-openai-inference-vendored@2025-03-01-preview_ai-gateway` too)."""
        rows = [e for e in self.entries if version in (e.version, e.api_version)]
        return sorted(rows, key=self._rank)

    def best_of_version(self, version: str) -> CatalogEntry | None:
        """The entry a bare version means: the best of `holding(version)`.

        Best is, in this order: pinned (held in the archive, so usable offline and verified) before unpinned;
        upstream text (`exact`, `reconstructed`, `exact-copy-unverified`) before a vendor's edited copy
        (`vendored-modified`) before an API Management export; the bare-version families
        (`azure-openai-inference`, then `azure-openai-v1`) before other families; a primary file before its
        format twin (`+yaml`); then the id, so that the choice is stable."""
        rows = self.holding(version)
        return rows[0] if rows else None

    def _rank(self, entry: CatalogEntry) -> tuple[int, int, int, int, str]:
        families = list(self.bare_version_families)
        family = families.index(entry.family) if entry.family in families else len(families)
        return (0 if entry.pinned else 1, _FIDELITY_RANK.get(entry.fidelity or "", len(_FIDELITY_RANK)), family,
                1 if entry.variant_of else 0, entry.id)

    def suggest(self, ident: str) -> str:
        """`did you mean X, Y?` from the closest ids (for FAMILY@VERSION) or versions and aliases (bare); "" when
        nothing is close."""
        if "@" in ident:
            pool = [e.id for e in self.entries] + [r for e in self.entries for r in e.replaces]
        else:
            pool = sorted({e.version for e in self.entries} | {e.api_version for e in self.entries if e.api_version}
                          | {a for e in self.entries for a in e.aliases})
        close = difflib.get_close_matches(ident, pool, n=3, cutoff=0.6)
        shown = [c if "@" in ident or c in self._by_id else f"{c} ({self.get(c).id})" for c in close]
        return f"did you mean {', '.join(shown)}?" if shown else ""

    def unpinned_hint(self, entry: CatalogEntry) -> str:
        """What a user can do about an unpinned entry: the archived versions nearest to it."""
        pinned = sorted({e.api_version or e.version for e in self.entries if e.pinned})
        near = difflib.get_close_matches(entry.api_version or entry.version, pinned, n=3, cutoff=0.6)
        shown = ", ".join(f"{v} ({self.get(v).id})" for v in near)
        return (f"{entry.id} is not archived (it is unpinned: no file or sha256 is held for it); run "
                f"'aoai-spec catalog update' to archive it, or pass --trust-unpinned to fetch {entry.source.url} "
                f"unverified" + (f"; archived versions nearby: {shown}" if shown else ""))

    def looks_like_id(self, text: str) -> bool:
        if text in self._by_id or "@" in text:
            return True
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}(-preview)?|v1", text)) or any(text in e.aliases for e in self.entries)

    def history(self, family: str, *, pinned_only: bool = True) -> list[CatalogEntry]:
        """A family's versions in release order, without format twins (the `+yaml` copies)."""
        rows = [e for e in self.entries if e.family == family and not e.variant_of and (e.pinned or not pinned_only)]
        return sorted(rows, key=lambda e: (e.released, e.version))

    # -- surface facts
    @cached_property
    def v1_features(self) -> dict[str, V1Feature]:
        v1 = self.surfaces.get("v1", {})
        rows = {}
        for path, fact in v1.get("paths", {}).items():
            header = fact.get("header")
            rows[path] = V1Feature(
                path=path,
                status=fact["status"],
                opt_in=fact.get("opt_in"),
                header=PreviewHeader(header["name"], header["value"]) if header else None,
            )
        return rows

    def v1_feature(self, path: str) -> V1Feature:
        """Status of a v1 path (with or without the `/openai/v1` prefix), by the catalog's table or its rules."""
        v1 = self.surfaces.get("v1", {})
        prefix = v1.get("path_prefix", "/openai/v1")
        short = path[len(prefix):] if path.startswith(prefix + "/") else path
        if short in self.v1_features:
            return self.v1_features[short]
        for rule in v1.get("preview_headers", []):
            if ("path_prefix" in rule and (short == rule["path_prefix"] or short.startswith(rule["path_prefix"] + "/"))) or (
                rule.get("path_pattern") == short
            ):
                return V1Feature(short, "preview", "header", PreviewHeader(rule["name"], rule["value"]))
        segment = v1.get("preview_path_segment", "alpha")
        if f"/{segment}/" in short + "/":
            return V1Feature(short, "preview", "path")
        return V1Feature(short, "ga", None)

    def preview_header(self, path: str) -> PreviewHeader | None:
        return self.v1_feature(path).header

    @property
    def v1_base_urls(self) -> list[str]:
        return list(self.surfaces.get("v1", {}).get("base_urls", []))


_FIDELITY_RANK = {"exact": 0, "reconstructed": 0, "exact-copy-unverified": 0, "transcribed-from-index": 0,
                  "vendored-modified": 1, "vendored-apim-export": 2}
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # family and version name store folders
_REQUIRED = ("id", "family", "version", "status", "surface", "openapi", "released")
_OPTIONAL_TEXT = ("file", "sha256", "fidelity", "title", "variant_of", "notes", "coverage", "coverage_note")
COVERAGE = ("whole", "subset")


def _source(raw: dict[str, Any]) -> Source:
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in ("repo", "path", "url")):
        raise TypeError("'source' (an object with repo, path and url strings)")
    return Source(repo=raw["repo"], path=raw["path"], url=raw["url"], commit=raw.get("commit"), ref=raw.get("ref"))


def _check_entry(raw: Any) -> None:
    """Field types before use: a hand-edited or hostile catalog must give one clear error, never a crash, and
    never a family/version that would put a store folder outside the store (`../..`)."""
    if not isinstance(raw, dict):
        raise CatalogError(f"catalog entry {str(raw)[:60]!r} is not an object")
    ident = raw.get("id") if isinstance(raw.get("id"), str) else "?"
    for key in _REQUIRED:
        if not isinstance(raw.get(key), str):
            raise CatalogError(f"catalog entry {ident!r}: field {key!r} must be a string")
    for key in ("family", "version"):
        if not _PLAIN_NAME.match(raw[key]):
            raise CatalogError(f"catalog entry {ident!r}: {key} {raw[key]!r} must be a plain name (letters, digits, . _ -)")
    for key in _OPTIONAL_TEXT:
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise CatalogError(f"catalog entry {ident!r}: field {key!r} must be a string")
    if raw.get("coverage", "whole") not in COVERAGE:
        raise CatalogError(f"catalog entry {ident!r}: coverage must be one of {', '.join(COVERAGE)}")
    if not all(isinstance(raw.get(key, []), list) for key in ("aliases", "attachments", "replaces")):
        raise CatalogError(f"catalog entry {ident!r}: 'aliases', 'attachments' and 'replaces' must be lists")


def _entry(raw: dict[str, Any]) -> CatalogEntry:
    _check_entry(raw)
    try:
        return CatalogEntry(
            id=raw["id"],
            family=raw["family"],
            version=raw["version"],
            status=raw["status"],
            surface=raw["surface"],
            openapi=raw["openapi"],
            released=raw["released"],
            pinned=bool(raw["pinned"]),
            source=_source(raw["source"]),
            file=raw.get("file"),
            sha256=raw.get("sha256"),
            bytes=raw.get("bytes"),
            fidelity=raw.get("fidelity"),
            title=raw.get("title"),
            variant_of=raw.get("variant_of"),
            aliases=tuple(raw.get("aliases", ())),
            attachments=tuple(
                Attachment(file=a["file"], sha256=a["sha256"], source=_source(a["source"])) for a in raw.get("attachments", ())
            ),
            upstream=raw.get("upstream"),
            notes=raw.get("notes"),
            replaces=tuple(raw.get("replaces", ())),
            coverage=raw.get("coverage", "whole"),
            coverage_note=raw.get("coverage_note"),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise CatalogError(f"catalog entry {raw.get('id', '?')!r} is missing field {exc}") from None


def _entry_dict(entry: CatalogEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "family": entry.family,
        "version": entry.version,
        "status": entry.status,
        "surface": entry.surface,
        "openapi": entry.openapi,
        "released": entry.released,
        "pinned": entry.pinned,
        "sha256": entry.sha256,
        "source": {
            "repo": entry.source.repo,
            "commit": entry.source.commit,
            "ref": entry.source.ref,
            "path": entry.source.path,
            "url": entry.source.url,
        },
        "file": entry.file,
        "fidelity": entry.fidelity,
        "variant_of": entry.variant_of,
        "aliases": list(entry.aliases),
        "replaces": list(entry.replaces),
        "coverage": entry.coverage,
        "coverage_note": entry.coverage_note,
    }


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read the catalog: an explicit path, else `AOAI_SPEC_CATALOG`, else the project's `specs/catalog.json`."""
    chosen = Path(path or os.environ.get("AOAI_SPEC_CATALOG") or catalog_path())
    try:
        raw = json.loads(chosen.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"{chosen}: cannot read catalog: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{chosen}: malformed catalog JSON: {exc.msg} (line {exc.lineno})") from None
    except (ValueError, RecursionError) as exc:  # not UTF-8, an integer past the digit limit, absurd nesting
        raise CatalogError(f"{chosen}: unreadable catalog: {type(exc).__name__}: {str(exc)[:120]}") from None
    return parse_catalog(raw, chosen)


def parse_catalog(raw: Any, path: Path | None = None) -> Catalog:
    """A `Catalog` from the catalog file's parsed JSON (`catalog update` builds the next catalog this way)."""
    where = path or "catalog"
    if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
        raise CatalogError(f"{where}: a catalog is an object with an 'entries' list")
    if not isinstance(raw.get("surfaces", {}), dict):
        raise CatalogError(f"{where}: 'surfaces' must be an object")
    try:
        entries = [_entry(e) for e in raw["entries"]]
    except CatalogError as exc:
        raise CatalogError(f"{where}: {exc}") from None
    return Catalog(
        entries=entries,
        surfaces=raw.get("surfaces", {}),
        bare_version_families=tuple(raw.get("bare_version_families", ("azure-openai-inference", "azure-openai-v1"))),
        path=path,
    )
