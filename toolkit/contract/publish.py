"""Writing anything a run produced: the single place where text leaves the process, always scrubbed first."""

from __future__ import annotations

from pathlib import Path

from .redact import Redactor


def publish(text: str, path: Path | None, redactor: Redactor) -> str:
    """Scrub `text`; write it to `path` when given (atomically); return the scrubbed text."""
    clean = redactor.scrub(text)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.part")
        tmp.write_text(clean, encoding="utf-8")
        tmp.replace(path)
    return clean
