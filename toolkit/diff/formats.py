"""Rendering reports: JSON is `json.dumps(to_dict())`; every other shape is a template in `templates/diff/`.

CI formats agree with the exit code: with `fail_on` (what `breaking --fail-on` gates on) JUnit counts as failures
exactly the changes that make the command exit 1, and GitHub annotations use `error` for those only; without it
(`diff`, which always exits 0) nothing is a failure. Annotations carry the file, line and column of the change
(from `load.line_map`, computed only for that format).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from ..errors import AoaiSpecError
from ..load import LineMap, line_map_of
from ..render import render
from .changelog import Changelog, ElementHistory
from .compat import CompatReport
from .report import LEVEL_ORDER, ChangeGroup, DiffReport
from .rules.base import LEVELS

FORMATS = ("text", "markdown", "html", "json", "githubactions", "junit")
_TEMPLATE_SUFFIX = {"text": "txt", "markdown": "md", "html": "html", "githubactions": "gha.txt", "junit": "junit.xml"}
_KINDS: dict[type, tuple[str, tuple[str, ...]]] = {
    DiffReport: ("report", FORMATS),
    Changelog: ("changelog", ("text", "markdown", "html", "json")),
    CompatReport: ("compat", ("text", "markdown", "json")),
    ElementHistory: ("history", ("text", "json")),
}


def _gha_data(text: str) -> str:
    """Escape a GitHub Actions workflow-command message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gha_property(text: str) -> str:
    return _gha_data(text).replace(":", "%3A").replace(",", "%2C")


def _code_spans(text: str) -> Markup:
    """HTML for a message: escaped, with its `backticked` names shown as code."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def gha_level(entry: ChangeGroup, fail_on: str | None) -> str:
    """`error` only for what fails the gate; other errors and warnings are `warning`, the rest `notice`."""
    if not entry.accepted and fail_on is not None and LEVEL_ORDER[entry.level] <= LEVEL_ORDER[fail_on]:
        return "error"
    return "warning" if entry.level in ("error", "warning") and not entry.accepted else "notice"


def by_home(entries: list[ChangeGroup]) -> list[tuple[str, list[ChangeGroup]]]:
    """Entries grouped by where a reader finds them (operation, shared component, API-wide), in first-seen order."""
    groups: dict[str, list[ChangeGroup]] = {}
    for entry in entries:
        groups.setdefault(entry.home, []).append(entry)
    return list(groups.items())


def render_report(report: DiffReport | Changelog | CompatReport | ElementHistory, fmt: str, *, file: str = "",
                  local_file: Path | None = None, fail_on: str | None = "error", **extra: Any) -> str:
    """Render any diff result in `fmt` (text, markdown, html, json, githubactions, junit where it applies).

    `file`/`local_file`: the revision's name for annotations and the file to find their lines in; `fail_on`:
    the level the caller gates on (`breaking`'s default; None: nothing fails, as for `diff`)."""
    kind, formats = _KINDS.get(type(report), (None, ()))
    if kind is None:
        raise TypeError(f"cannot render {type(report).__name__}")
    if fmt not in formats:
        raise AoaiSpecError(f"format {fmt!r} is not available for a {kind}; choose one of {', '.join(formats)}")
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    context: dict[str, Any] = {"r": report, "levels": LEVELS, "code_spans": _code_spans, "fail_on": fail_on,
                               "by_home": by_home, **extra}
    if isinstance(report, DiffReport):
        entries = report.entries()
        context.update(entries=entries, by_level={lv: [e for e in entries if e.level == lv] for lv in LEVELS},
                       failing=[e for e in entries if gha_level(e, fail_on) == "error"],
                       accepted=[e for e in entries if e.accepted])
    if fmt == "githubactions":
        lines: LineMap | None = line_map_of(local_file) if local_file is not None else None
        context.update(file=file, gha_level=gha_level, gha_data=_gha_data, gha_property=_gha_property,
                       position=lambda e: lines.locate(e.revision) if lines is not None else None)
    return render(f"diff/{kind}.{_TEMPLATE_SUFFIX[fmt]}.j2", **context)
