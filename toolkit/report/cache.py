"""A result cache in the store, so a second build of an unchanged estate skips the expensive stages.

A stage result is keyed by everything it depends on, so an entry cannot go stale:
- the sha256 of the spec files it read and its parameters (given by the job);
- the toolkit's version and the code that computed it: the top-level modules (loader, model, validate...), the
  subpackages the stage uses, and `report/jobs.py` (a new diff rule or APIM fix shows up in the next build);
- the Python version and the installed version of every library the toolkit can call, found through
  `importlib.metadata` as the closure of its declared requirements (openapi-spec-validator, openapi-core,
  jsonschema, jsonschema-rs, schemathesis, hypothesis...), so an upgrade of any of them is a miss, with no
  hand-kept list to forget a library in.

Entries are JSON files written atomically; an unreadable entry is a miss. Every hit or write touches the entry,
and the store keeps the start times of the last builds (`builds.json`): `prune` removes the entries no build
used in the last `KEEP_BUILDS` builds (each build does this at its end), `aoai-spec report --prune-cache` those
the latest build did not use.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..load import write_atomic

_PACKAGE = Path(__file__).resolve().parent.parent
DISTRIBUTION = "aoai-spec"
KEEP_BUILDS = 5
LEDGER = "builds.json"

# What each cached stage's code is: subpackages besides the top-level modules.
STAGE_PACKAGES = {"version": ("apim", "downgrade"), "pair": ("diff",), "compat": ("diff",),
                  "contract": ("contract", "mock")}
WHOLE_PACKAGE = ("",)  # for a stage not listed: any code change invalidates it


@lru_cache(maxsize=None)
def code_fingerprint(packages: tuple[str, ...] = ()) -> str:
    """sha256 over the top-level modules, the given subpackages and the jobs module (paths and contents)."""
    digest = hashlib.sha256()
    modules = [*_PACKAGE.glob("*.py"), _PACKAGE / "report" / "jobs.py"]
    for package in packages:
        modules.extend((_PACKAGE / package).rglob("*.py"))
    for module in sorted(set(modules)):
        digest.update(str(module.relative_to(_PACKAGE)).encode())
        digest.update(module.read_bytes() if module.is_file() else b"")
    return digest.hexdigest()


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _runtime_requirements(distribution: metadata.Distribution) -> list[str]:
    """Names a distribution requires outside its extras (a marker other than `extra` counts when installed)."""
    names = []
    for requirement in distribution.requires or []:
        if re.search(r"""\bextra\s*==""", requirement):
            continue
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
        if match:
            names.append(match.group(1))
    return names


@lru_cache(maxsize=None)
def library_versions() -> tuple[tuple[str, str], ...]:
    """(name, version) of the toolkit and of every installed library it requires, directly or not; without
    the toolkit's own metadata (run from a source tree), of every installed distribution."""
    try:
        queue = [DISTRIBUTION]
        metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        queue = [d.metadata["Name"] for d in metadata.distributions() if d.metadata["Name"]]
    found: dict[str, str] = {}
    while queue:
        name = _normalise(queue.pop())
        if name in found:
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a requirement whose marker does not apply here
        found[name] = distribution.version
        queue.extend(_runtime_requirements(distribution))
    return tuple(sorted(found.items()))


def stage_fingerprint(stage: str) -> str:
    """What a stage's results depend on besides its inputs: its code, the libraries, the interpreter."""
    material = json.dumps([code_fingerprint(STAGE_PACKAGES.get(stage, WHOLE_PACKAGE)), library_versions(),
                           sys.implementation.name, list(sys.version_info[:2])])
    return hashlib.sha256(material.encode()).hexdigest()


class ResultCache:
    """`STORE/.report-cache/<stage>/<key>.json`; `None` directory disables caching."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def key(self, stage: str, *parts: Any) -> str:
        material = json.dumps([stage, stage_fingerprint(stage), *parts], sort_keys=True, default=str)
        return hashlib.sha256(material.encode()).hexdigest()[:32]

    def _file(self, stage: str, key: str, suffix: str = ".json") -> Path | None:
        return self.directory / stage / f"{key}{suffix}" if self.directory else None

    def get(self, stage: str, key: str) -> Any | None:
        data = self.get_bytes(stage, key, ".json")
        try:
            return json.loads(data) if data is not None else None
        except ValueError:
            return None

    def put(self, stage: str, key: str, value: Any) -> None:
        self.put_bytes(stage, key, json.dumps(value).encode("utf-8"))

    def get_bytes(self, stage: str, key: str, suffix: str) -> bytes | None:
        path = self._file(stage, key, suffix)
        try:
            if path is None or not path.is_file():
                return None
            data = path.read_bytes()
            os.utime(path)  # used by this build: kept by the next prune
            return data
        except OSError:
            return None

    def put_bytes(self, stage: str, key: str, data: bytes, suffix: str = ".json") -> None:
        path = self._file(stage, key, suffix)
        if path is None:
            return
        try:
            write_atomic(path, data)
        except OutputError:
            pass  # a cache that cannot be written only costs time on the next build


# --------------------------------------------------------------------------------------------------- pruning


def _builds(directory: Path) -> list[float]:
    try:
        starts = json.loads((directory / LEDGER).read_text(encoding="utf-8")).get("builds", [])
        return sorted(float(t) for t in starts)
    except (OSError, ValueError, AttributeError, TypeError):
        return []


def start_build(directory: Path | None) -> None:
    """Record that a build starts now (before it reads or writes any entry)."""
    if directory is None:
        return
    starts = [*_builds(directory), time.time()][-KEEP_BUILDS:]
    try:
        write_atomic(directory / LEDGER, json.dumps({"builds": starts}))
    except OutputError:
        pass


@dataclass(frozen=True)
class Pruned:
    removed: int
    removed_bytes: int
    kept: int

    def to_dict(self) -> dict[str, int]:
        return {"removed": self.removed, "removed_bytes": self.removed_bytes, "kept": self.kept}


def prune(directory: Path | None, keep_builds: int = KEEP_BUILDS) -> Pruned:
    """Remove the entries that none of the last `keep_builds` builds used (all of them if no build is recorded;
    nothing while fewer builds than that are recorded, unless `keep_builds` is 1)."""
    if directory is None or not directory.is_dir():
        return Pruned(0, 0, 0)
    starts = _builds(directory)
    if starts and len(starts) < keep_builds and keep_builds > 1:
        cutoff = None
    else:
        cutoff = starts[-keep_builds] if starts else float("inf")
    removed = removed_bytes = kept = 0
    for entry in directory.glob("*/*"):
        try:
            info = entry.stat()
            if cutoff is not None and info.st_mtime < cutoff:
                entry.unlink()
                removed, removed_bytes = removed + 1, removed_bytes + info.st_size
            else:
                kept += 1
        except OSError:
            continue
    return Pruned(removed, removed_bytes, kept)
