"""Turns a SPEC argument (a file path, a catalog id or `git:REF:PATH`) into a loaded `Spec`, pulling on demand.

One `Workspace` carries the user's global choices (catalog, store, mirror, remote refs), so every command
resolves specs the same way.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import gitref
from .catalog import Catalog, CatalogEntry, load_catalog
from .errors import CatalogError, SpecLoadError
from .load import Limits
from .model import Spec
from .resources import archive_dir, default_mirror, default_store
from .store import Progress, PulledSpec, Store


@dataclass
class Workspace:
    catalog: Catalog = field(default_factory=load_catalog)
    store_dir: Path = field(default_factory=default_store)
    mirror: Path | None = field(default_factory=default_mirror)
    archive: Path | None = field(default_factory=archive_dir)
    allow_remote_refs: bool = False
    trust_unpinned: bool = False
    limits: Limits = field(default_factory=Limits)
    # git:REF:PATH arguments: local copy -> (resolved revision, the temporary folder that holds it while we run)
    _git: dict[str, tuple[gitref.GitSpec, tempfile.TemporaryDirectory]] = field(default_factory=dict, repr=False)

    @property
    def store(self) -> Store:
        return Store(self.store_dir, mirror=self.mirror, archive=self.archive, trust_unpinned=self.trust_unpinned)

    def pull(self, entry: CatalogEntry, *, force: bool = False, progress: Progress | None = None) -> PulledSpec:
        if not entry.pinned and not self.trust_unpinned:
            raise CatalogError(self.catalog.unpinned_hint(entry))
        return self.store.pull(entry, force=force, progress=progress)

    def locate(self, argument: str) -> tuple[Path, CatalogEntry | None]:
        """The file behind a SPEC argument: an existing path as is, `git:REF:PATH` as that revision's file (with
        the files its `$ref`s reach) copied into a temporary folder, else a catalog id pulled into the store."""
        if gitref.is_git_argument(argument):
            resolved, path, folder = gitref.open_tree(argument, self.limits)
            self._git[str(path)] = (resolved, folder)
            return path, None
        path = Path(argument)
        if path.exists():
            return path, None
        if self.catalog.looks_like_id(argument):
            entry = self.catalog.get(argument)
            return self.pull(entry).path, entry
        hint = self.catalog.suggest(argument) or "run 'aoai-spec catalog' to list them"
        raise SpecLoadError(argument, f"no such file, and not a catalog id ({hint})")

    def open(self, argument: str) -> Spec:
        """Load a SPEC argument into a bundled `Spec` that knows its catalog id (when it has one)."""
        path, entry = self.locate(argument)
        git = self._git.get(str(path))
        try:
            spec = Spec.load(path, allow_remote_refs=self.allow_remote_refs, limits=self.limits)
        except SpecLoadError as exc:
            if git is None:
                raise
            local = str(Path(git[1].name)) + "/"  # name the revision, not its temporary copy
            raise type(exc)(exc.file.replace(local, f"git:{git[0].ref}:"), exc.message.replace(local, ""),
                            exc.pointer) from None
        spec.catalog_id = entry.id if entry else None
        spec.origin = argument if git else None
        return spec

    def source_file(self, spec: Spec) -> tuple[str, Path | None]:
        """(the file name CI annotations should carry, the local file to find lines in) for an opened spec: a
        `git:REF:PATH` spec is PATH in the repository, read from its temporary copy."""
        local = spec.source
        git = self._git.get(str(local)) if local else None
        if git is not None:
            return git[0].path, local
        return (str(local) if local else spec.name), local

    def entry_for(self, spec: Spec) -> CatalogEntry | None:
        return self.catalog.get(spec.catalog_id) if spec.catalog_id else None
