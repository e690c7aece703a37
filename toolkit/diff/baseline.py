"""Baselines for `breaking`: changes a team has accepted, so that they no longer fail the gate (oasdiff's
`--err-ignore`, Optic's exemptions). Accepted changes are still listed, marked as such.

A baseline is either a text file of fingerprints (one per line; `#` starts a comment; anything after the
fingerprint on a line is a note for people), as `--write-baseline` writes it, or a previous JSON report of
`diff`/`breaking` (grouped or `--per-operation`) or of `changelog`, whose changes' fingerprints are taken.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from ..errors import BaselineError
from ..load import write_atomic
from ..render import render
from .report import DiffReport

MAX_BYTES = 16 * 1024 * 1024
_FINGERPRINT = re.compile(r"^[0-9a-f]{12}$")


def read_baseline(path: Path) -> frozenset[str]:
    """The accepted fingerprints in `path`; BaselineError (exit 2) when it is neither form."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise BaselineError(f"{path}: baseline is over {MAX_BYTES:,} bytes")
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise BaselineError(f"{path}: baseline is not UTF-8 text") from None
    if text.lstrip().startswith("{"):
        return _from_report(text, path)
    found: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        token = body.split()[0].lower()
        if not _FINGERPRINT.match(token):
            raise BaselineError(f"{path}: line {number}: {token[:40]!r} is not a 12-hex change fingerprint")
        found.add(token)
    return frozenset(found)


def _from_report(text: str, path: Path) -> frozenset[str]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BaselineError(f"{path}: malformed JSON report: {str(exc)[:120]}") from None
    changes: list[Any] = []
    if isinstance(data, dict) and isinstance(data.get("changes"), list):
        changes = data["changes"]
    elif isinstance(data, dict) and isinstance(data.get("sections"), list):  # a changelog report
        changes = [c for s in data["sections"] if isinstance(s, dict) for c in s.get("changes") or []]
    else:
        raise BaselineError(f"{path}: a JSON baseline is a report of 'diff', 'breaking' or 'changelog' "
                            "(--format json) with a 'changes' list")
    prints = {c.get("fingerprint") for c in changes if isinstance(c, dict)}
    return frozenset(p for p in prints if isinstance(p, str) and _FINGERPRINT.match(p))


def write_baseline(path: Path, report: DiffReport) -> int:
    """Write every change `report` lists as accepted; return how many."""
    entries = report.entries()
    write_atomic(path, render("diff/baseline.txt.j2", r=report, entries=entries,
                              written=dt.date.today().isoformat()))
    return len(entries)
