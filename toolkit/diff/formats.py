"""Rendering reports: JSON is `json.dumps(to_dict())`; every other shape is a template in `templates/diff/`."""

from __future__ import annotations

import json
import re
from typing import Any

from markupsafe import Markup, escape

from ..errors import AoaiSpecError
from ..render import render
from .changelog import Changelog, ElementHistory
from .compat import CompatReport
from .report import DiffReport
from .rules.base import LEVELS

FORMATS = ("text", "markdown", "html", "json", "githubactions", "junit")
_TEMPLATE_SUFFIX = {"text": "txt", "markdown": "md", "html": "html", "githubactions": "gha.txt", "junit": "junit.xml"}
_KINDS: dict[type, tuple[str, tuple[str, ...]]] = {
    DiffReport: ("report", FORMATS),
    Changelog: ("changelog", ("text", "markdown", "html", "json")),
    CompatReport: ("compat", ("text", "markdown", "json")),
    ElementHistory: ("history", ("text", "json")),
}
_GHA_LEVEL = {"error": "error", "warning": "warning", "info": "notice", "doc": "notice"}


def _gha_data(text: str) -> str:
    """Escape a GitHub Actions workflow-command message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gha_property(text: str) -> str:
    return _gha_data(text).replace(":", "%3A").replace(",", "%2C")


def _code_spans(text: str) -> Markup:
    """HTML for a message: escaped, with its `backticked` names shown as code."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def render_report(report: DiffReport | Changelog | CompatReport | ElementHistory, fmt: str, **extra: Any) -> str:
    """Render any diff result in `fmt` (text, markdown, html, json, githubactions, junit where it applies)."""
    kind, formats = _KINDS.get(type(report), (None, ()))
    if kind is None:
        raise TypeError(f"cannot render {type(report).__name__}")
    if fmt not in formats:
        raise AoaiSpecError(f"format {fmt!r} is not available for a {kind}; choose one of {', '.join(formats)}")
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    return render(f"diff/{kind}.{_TEMPLATE_SUFFIX[fmt]}.j2", r=report, levels=LEVELS, gha_level=_GHA_LEVEL,
                  gha_data=_gha_data, gha_property=_gha_property, code_spans=_code_spans, file=extra.get("file") or "",
                  **{k: v for k, v in extra.items() if k != "file"})
