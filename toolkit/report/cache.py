"""A result cache in the store, so a second build of an unchanged estate skips the expensive stages.

A stage result is keyed by what it depends on: the sha256 of the spec files it read, its parameters, and a
fingerprint of the code that computed it (a new diff rule or APIM fix must show up in the next build): the
toolkit's top-level modules (loader, model, validate...), the subpackages the stage uses, and `report/jobs.py`.
Entries are JSON files written atomically; an unreadable entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import OutputError
from ..load import write_atomic

_PACKAGE = Path(__file__).resolve().parent.parent


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


class ResultCache:
    """`STORE/.report-cache/<stage>/<key>.json`; `None` directory disables caching."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def key(self, stage: str, *parts: Any) -> str:
        fingerprint = code_fingerprint(STAGE_PACKAGES.get(stage, WHOLE_PACKAGE))
        material = json.dumps([stage, fingerprint, *parts], sort_keys=True, default=str)
        return hashlib.sha256(material.encode()).hexdigest()[:32]

    def _file(self, stage: str, key: str, suffix: str = ".json") -> Path | None:
        return self.directory / stage / f"{key}{suffix}" if self.directory else None

    def get(self, stage: str, key: str) -> Any | None:
        path = self._file(stage, key)
        if path is None or not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, stage: str, key: str, value: Any) -> None:
        self.put_bytes(stage, key, json.dumps(value).encode("utf-8"))

    def get_bytes(self, stage: str, key: str, suffix: str) -> bytes | None:
        path = self._file(stage, key, suffix)
        try:
            return path.read_bytes() if path is not None and path.is_file() else None
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
