"""Pull pinned spec files from a local mirror or their URL, verify sha256, and store them atomically.

A version held in the project's archive (`specs/archive/`, committed byte for byte) is served from there after its
sha256 is checked: no copy, no network. The store is for versions that are not archived yet, and for `--mirror`.

Store layout: `STORE/FAMILY/VERSION/<file>` plus `<file>.provenance.json`, with the spec's example
attachments under `STORE/FAMILY/VERSION/examples/`. A pull verifies every byte before it writes anything, writes
each file through a temporary file and `os.replace`, and writes the provenance record last, so an interrupted
pull leaves either the previous state or a spec without a current record, which the next pull repairs.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # imported where used: httpx costs ~0.1 s at start-up and most commands never download
    import httpx

from .catalog import Attachment, CatalogEntry
from .errors import FetchError, IntegrityError, OutputError, StoreError
from .load import BodyTooLarge, read_capped, write_atomic

MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
Progress = Callable[[str, int, int | None], None]  # (label, bytes so far, total or None)


@dataclass(frozen=True)
class PulledSpec:
    entry: CatalogEntry
    path: Path
    origin: str
    reused: bool


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_DIGESTS: dict[tuple[str, int, int], str] = {}


def _verified_digest(path: Path) -> str:
    """sha256 of a file, remembered per (path, size, mtime) so that one process hashes each archived file once."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _DIGESTS:
        _DIGESTS[key] = sha256_of(path.read_bytes())
    return _DIGESTS[key]


class Store:
    """A folder of verified spec files, filled from a mirror directory or over HTTP."""

    def __init__(
        self,
        root: Path,
        *,
        mirror: Path | None = None,
        archive: Path | None = None,
        client: httpx.Client | None = None,
        trust_unpinned: bool = False,
        retries: int = 3,
        timeout: float = 30.0,
    ) -> None:
        self.root = Path(root)
        self.mirror = Path(mirror) if mirror else None
        self.archive = Path(archive) if archive else None
        self._client = client
        self.trust_unpinned = trust_unpinned
        self.retries = retries
        self.timeout = timeout

    # -- where things live
    def folder(self, entry: CatalogEntry) -> Path:
        return self.root / entry.family / entry.version

    def location(self, entry: CatalogEntry) -> Path:
        return self.folder(entry) / entry.filename

    def provenance_path(self, entry: CatalogEntry) -> Path:
        return self.location(entry).with_name(entry.filename + ".provenance.json")

    def archived(self, entry: CatalogEntry) -> Path | None:
        """The archive's copy of a pinned entry when it holds one whose sha256 is the pinned one; else None.

        A copy that exists but does not match is an error, not a fallback: the archive is committed, so a
        mismatch means a damaged checkout (or a line-ending conversion) that the user must hear about."""
        if self.archive is None or not entry.pinned or not entry.file or not entry.sha256:
            return None
        root = self.archive.resolve()
        path = (root / entry.file).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        actual = _verified_digest(path)
        if actual != entry.sha256:
            raise IntegrityError(
                f"{entry.id}: the archive's {path} has sha256 {actual[:16]}..., the catalog pins {entry.sha256[:16]}... "
                "(a damaged checkout? git may have converted its line endings)"
            )
        return path

    def is_current(self, entry: CatalogEntry) -> bool:
        """True when the stored file and its provenance record match what the catalog pins."""
        path, record = self.location(entry), self.provenance_path(entry)
        if not (path.is_file() and record.is_file()):
            return False
        try:
            stored = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # unreadable, not UTF-8, not JSON: a damaged record, pull again
            return False
        if not isinstance(stored, dict):
            return False
        actual = sha256_of(path.read_bytes())
        expected = entry.sha256 or stored.get("sha256")
        return stored.get("sha256") == actual == expected

    # -- pulling
    def pull(self, entry: CatalogEntry, *, force: bool = False, progress: Progress | None = None) -> PulledSpec:
        if not entry.pinned and not self.trust_unpinned:
            raise StoreError(
                f"{entry.id} is unpinned (no file or sha256 is held for it); pass --trust-unpinned to fetch "
                f"{entry.source.url} unverified"
            )
        archived = None if force else self.archived(entry)
        if archived is not None:
            return PulledSpec(entry, archived, "archive", reused=True)
        if not force and self.is_current(entry):
            return PulledSpec(entry, self.location(entry), "store", reused=True)
        self._remove_partial_writes(self.folder(entry))
        main, origin = self._fetch(entry.file, entry.source.url, entry.id, progress)
        self._verify(entry.id, entry.filename, main, entry.sha256)
        extras: list[tuple[Attachment, bytes]] = []
        for att in entry.attachments:
            data, _ = self._fetch(att.file, att.source.url, f"{entry.id} {Path(att.file).name}", progress)
            self._verify(entry.id, att.file, data, att.sha256)
            extras.append((att, data))
        folder = self.folder(entry)
        for att, data in extras:
            self._write(folder / "examples" / Path(att.file).name, data)
        self._write(self.location(entry), main)
        record = {
            "id": entry.id,
            "family": entry.family,
            "version": entry.version,
            "sha256": sha256_of(main),
            "verified": entry.sha256 is not None,
            "bytes": len(main),
            "origin": origin,
            "source": {"repo": entry.source.repo, "commit": entry.source.commit, "ref": entry.source.ref,
                       "path": entry.source.path, "url": entry.source.url},
            "attachments": [{"file": Path(a.file).name, "sha256": a.sha256} for a, _ in extras],
            "pulled_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        self._write(self.provenance_path(entry), (json.dumps(record, indent=2) + "\n").encode())
        return PulledSpec(entry, self.location(entry), origin, reused=False)

    def _verify(self, ident: str, name: str, data: bytes, expected: str | None) -> None:
        if expected is None:
            return
        actual = sha256_of(data)
        if actual != expected:
            raise IntegrityError(
                f"{ident}: {name} has sha256 {actual[:16]}..., the catalog pins {expected[:16]}...; nothing was written"
            )

    def _fetch(self, mirror_file: str | None, url: str, label: str, progress: Progress | None) -> tuple[bytes, str]:
        if self.mirror is not None:
            if not mirror_file:
                raise FetchError(f"{label}: the catalog names no mirror file for it")
            root = self.mirror.resolve()
            path = (root / mirror_file).resolve()
            if not path.is_relative_to(root):
                raise FetchError(f"{label}: mirror file {mirror_file!r} is outside the mirror {root}")
            if not path.is_file():
                raise FetchError(f"{label}: {path} is missing from the mirror")
            if path.stat().st_size > MAX_DOWNLOAD_BYTES:  # never read a huge (or sparse) file into memory
                raise StoreError(f"{label}: {path} is larger than {MAX_DOWNLOAD_BYTES:,} bytes")
            data = path.read_bytes()
            if progress:
                progress(label, len(data), len(data))
            return data, f"mirror:{path}"
        return self._download(url, label, progress), url

    def _download(self, url: str, label: str, progress: Progress | None) -> bytes:
        import httpx

        client = self._client or httpx.Client(timeout=self.timeout, follow_redirects=True)
        last: Exception | None = None
        try:
            for attempt in range(self.retries):
                try:
                    with client.stream("GET", url) as response:
                        if response.status_code >= 500 or response.status_code == 429:
                            raise FetchError(f"{label}: {url} answered HTTP {response.status_code}")
                        if response.status_code != 200:
                            raise StoreError(f"{label}: {url} answered HTTP {response.status_code}")
                        total = int(response.headers.get("content-length") or 0) or None
                        try:
                            return read_capped(response.iter_bytes(), MAX_DOWNLOAD_BYTES, announced=total,
                                               progress=(lambda done: progress(label, done, total)) if progress
                                               else None)
                        except BodyTooLarge:
                            raise StoreError(f"{label}: {url} is larger than {MAX_DOWNLOAD_BYTES:,} bytes") from None
                except (httpx.TransportError, FetchError) as exc:
                    last = exc
                    time.sleep(min(0.2 * 2**attempt, 2.0))
            reason = last if isinstance(last, FetchError) else f"network error: {type(last).__name__}: {last}"
            raise FetchError(f"{label}: could not download {url} after {self.retries} tries ({reason})")
        finally:
            if self._client is None:
                client.close()

    @staticmethod
    def _remove_partial_writes(folder: Path) -> None:
        """Temporary files left by a pull that was killed mid-write."""
        if folder.is_dir():
            for leftover in list(folder.glob(".*.part")) + list(folder.glob("examples/.*.part")):
                leftover.unlink(missing_ok=True)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        try:
            write_atomic(path, data, durable=True)
        except OutputError as exc:
            raise StoreError(f"{exc.path}: cannot write to the store: {exc.reason}") from None
