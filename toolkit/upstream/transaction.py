"""Stage everything, then swap: an update changes the archive, PROVENANCE.json and the catalog together or not at all.

Files are downloaded into a staging folder beside the archive (`<specs>/.catalog-update/`, same file system, so
a rename moves them). `commit` first writes a journal (the files it will add, copies of the catalog and
PROVENANCE.json as they were), then moves the files in, then writes PROVENANCE.json and the catalog atomically,
then deletes the journal. Any failure on the way rolls back; a process killed mid-swap leaves the journal, and the
next update rolls back from it before it does anything else. Nothing is written outside the staging folder, the
archive and the two files.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

from ..errors import ArchiveError, OutputError
from ..load import write_atomic

STAGING_NAME = ".catalog-update"


class StagedUpdate:
    def __init__(self, archive: Path, catalog: Path, provenance: Path) -> None:
        self.archive = Path(archive)
        self.catalog = Path(catalog)
        self.provenance = Path(provenance)
        self.root = self.archive.parent / STAGING_NAME
        self.files = self.root / "files"
        self._staged: dict[str, bytes] = {}

    # -- lifetime
    def __enter__(self) -> StagedUpdate:
        recover(self.archive)
        try:
            self.root.mkdir(parents=True)
            (self.root / "pid").write_text(str(os.getpid()))
        except FileExistsError:
            raise ArchiveError(f"{self.root}: another catalog update started at the same time") from None
        except OSError as exc:
            raise ArchiveError(f"{self.root}: cannot create the staging folder: {exc.strerror or exc}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # -- staging
    def stage(self, relative: str, data: bytes) -> Path:
        """Put `data` at `relative` (FAMILY/VERSION/...) in the staging folder; the same path twice must agree."""
        if relative in self._staged:
            if self._staged[relative] != data:
                raise ArchiveError(f"{relative}: two downloads for one archive file differ")
            return self.files / relative
        target = self.files / relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as exc:
            raise ArchiveError(f"{target}: cannot stage: {exc.strerror or exc}") from None
        self._staged[relative] = data
        return target

    def staged_path(self, relative: str) -> Path | None:
        return self.files / relative if relative in self._staged else None

    # -- the swap
    def commit(self, catalog_text: str, provenance_text: str) -> None:
        """Move the staged files into the archive and write PROVENANCE.json and the catalog, or change nothing."""
        adding = self._preflight()
        journal = {
            "adding": adding,
            "catalog": _backup(self.catalog, self.root / "catalog.orig"),
            "provenance": _backup(self.provenance, self.root / "provenance.orig"),
        }
        try:
            write_atomic(self.root / "journal.json", json.dumps(journal, indent=1), durable=True)
        except OutputError as exc:
            raise ArchiveError(str(exc)) from None
        try:
            for relative in adding:
                target = self.archive / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.files / relative, target)
            write_atomic(self.provenance, provenance_text, durable=True)
            write_atomic(self.catalog, catalog_text, durable=True)
        except BaseException as exc:
            _roll_back(self.archive, self.root)
            if isinstance(exc, (OSError, OutputError)):
                raise ArchiveError(f"the update could not be written ({exc}); the archive, PROVENANCE.json and "
                                   "the catalog are as they were") from None
            raise
        (self.root / "journal.json").unlink()

    def _preflight(self) -> list[str]:
        """Staged files to add; one already in the archive must hold the same bytes (then it stays as it is)."""
        adding = []
        for relative, data in sorted(self._staged.items()):
            target = self.archive / relative
            if target.is_symlink() or (target.exists() and not target.is_file()):
                raise ArchiveError(f"{target}: in the way of an archived file (not a regular file)")
            if target.exists():
                if target.read_bytes() != data:
                    raise ArchiveError(f"{target}: already in the archive with other content, and no catalog entry "
                                       "pins it; move it away and run the update again")
                continue
            adding.append(relative)
        return adding


def recover(archive: Path) -> bool:
    """Roll back an update that was killed mid-swap (its journal is still there) and clear what a killed update
    left staged; True when a swap was rolled back. A staging folder of a live update is left alone."""
    root = Path(archive).parent / STAGING_NAME
    if not root.is_dir():
        return False
    if _alive(root / "pid"):
        raise ArchiveError(f"{root}: another catalog update is running; try again when it is done")
    journal = (root / "journal.json").is_file()
    if journal:
        _roll_back(Path(archive), root)
    shutil.rmtree(root, ignore_errors=True)
    return journal


def _roll_back(archive: Path, root: Path) -> None:
    try:
        journal = json.loads((root / "journal.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ArchiveError(f"{root / 'journal.json'}: unreadable journal ({exc}); restore specs/ from git") from None
    for relative in journal["adding"]:
        target = archive / relative
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        for parent in target.parents:  # the version folders the update created, now empty
            if parent == archive or not parent.is_relative_to(archive):
                break
            with contextlib.suppress(OSError):
                parent.rmdir()
    for key in ("provenance", "catalog"):
        _restore(journal[key])
    (root / "journal.json").unlink()


def _backup(path: Path, copy: Path) -> dict[str, str | None]:
    if not path.exists():
        return {"path": str(path), "copy": None}
    shutil.copyfile(path, copy)
    return {"path": str(path), "copy": str(copy)}


def _restore(record: dict[str, str | None]) -> None:
    path = Path(str(record["path"]))
    if record["copy"] is None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    original = Path(record["copy"]).read_bytes()
    if not path.is_file() or path.read_bytes() != original:
        write_atomic(path, original, durable=True)


def _alive(pid_file: Path) -> bool:
    """True when the process that wrote `pid_file` still runs (and is not this one, whose own earlier update
    cannot be running: updates are not threaded)."""
    try:
        pid = int(pid_file.read_text())
        if pid == os.getpid():
            return False
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True
