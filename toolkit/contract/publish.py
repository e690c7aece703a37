"""Writing anything a run produced: the single place where text leaves the process, always scrubbed first."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ..errors import ContractConfigError
from ..load import write_atomic
from .redact import Redactor


def publish(text: str, path: Path | None, redactor: Redactor) -> str:
    """Scrub `text`; write it to `path` when given (atomically); return the scrubbed text."""
    clean = redactor.scrub(text)
    if path is not None:
        write_atomic(path, clean)  # OutputError (exit 2, one line) when the path cannot be written
    return clean


def check_writable(path: Path, flag: str) -> None:
    """Fail before the run, in one line, when an output file could not be written after it (the run's results
    would be lost): a folder in its place, a parent that cannot be created, a folder without write permission."""
    if path.is_dir():
        raise ContractConfigError(f"{flag} {path}: is a folder, expected a file path")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".check")
    except OSError as exc:
        raise ContractConfigError(f"{flag} {path}: cannot write: {exc.strerror or exc}") from None
    os.close(handle)
    with contextlib.suppress(OSError):
        os.unlink(probe)
