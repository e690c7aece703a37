"""Where the project's data lives: the repository checkout in development, the wheel's bundled copy otherwise."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPO = _PACKAGE.parent
_BUNDLED = _PACKAGE / "_bundled"


def templates_dir() -> Path:
    """The Jinja2 templates for every human-readable output."""
    repo = _REPO / "templates"
    return repo if repo.is_dir() else _BUNDLED / "templates"


def catalog_path() -> Path:
    repo = _REPO / "specs" / "catalog.json"
    return repo if repo.is_file() else _BUNDLED / "catalog.json"


def archive_dir() -> Path:
    """`AOAI_SPEC_ARCHIVE`, else `specs/archive/`: every pinned version as published, byte for byte
    (FAMILY/VERSION/<file>), with PROVENANCE.json beside the folder."""
    if os.environ.get("AOAI_SPEC_ARCHIVE"):
        return Path(os.environ["AOAI_SPEC_ARCHIVE"])
    repo = _REPO / "specs" / "archive"
    return repo if repo.is_dir() else _BUNDLED / "archive"


def default_store() -> Path:
    """`AOAI_SPEC_STORE`, else `specs/store/` in a checkout, else the user's cache folder."""
    if os.environ.get("AOAI_SPEC_STORE"):
        return Path(os.environ["AOAI_SPEC_STORE"])
    if (_REPO / "specs" / "catalog.json").is_file():
        return _REPO / "specs" / "store"
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "aoai-spec" / "store"


def default_mirror() -> Path | None:
    value = os.environ.get("AOAI_SPEC_MIRROR")
    return Path(value) if value else None
