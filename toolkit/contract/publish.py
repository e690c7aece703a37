"""Writing anything a run produced: the single place where text leaves the process, always scrubbed first."""

from __future__ import annotations

from pathlib import Path

from ..load import write_atomic
from .redact import Redactor


def publish(text: str, path: Path | None, redactor: Redactor) -> str:
    """Scrub `text`; write it to `path` when given (atomically); return the scrubbed text."""
    clean = redactor.scrub(text)
    if path is not None:
        write_atomic(path, clean)  # OutputError (exit 2, one line) when the path cannot be written
    return clean
