"""Write each page three times (HTML, Markdown, JSON) from one data dict, with relative links only."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2
import orjson

from ..render import environment, render
from . import page as paths
from .outcome import StageError
from .page import Page, relative

MARKER = ".aoai-spec-site"  # marks a folder as a site we built, so a rebuild may replace it

NAV = (
    ("Overview", paths.INDEX),
    ("Changelogs", paths.INDEX + "#changelogs"),
    ("v1 features", paths.FEATURES),
    ("OpenAI ↔ Azure v1", paths.COMPAT),
    ("APIM readiness", paths.APIM_INDEX),
    ("Contract tests", paths.CONTRACT),
)


def _linker(current: str, ext: str) -> Callable[[str], str]:
    """`link("apim/index")` from the current page: a relative URL to that page's twin of the same format."""

    def link(target: str) -> str:
        target, _, fragment = target.partition("#")
        return relative(current, (target or paths.INDEX) + ext) + (f"#{fragment}" if fragment else "")

    return link


def _context(page: Page, ext: str) -> dict[str, Any]:
    return {"page": page, "data": page.data, "link": _linker(page.path, ext), "nav": NAV,
            "file": lambda target: relative(page.path, target),
            "twins": {"html": relative(page.path, page.path + ".html"), "md": relative(page.path, page.path + ".md"),
                      "json": relative(page.path, page.path + ".json")}}


@lru_cache(maxsize=1)
def _html_environment() -> jinja2.Environment:
    """The shared environment with autoescape on: its own rule matches `*.html` only, not our `*.html.j2`, and
    spec text (descriptions, messages) must never become markup in the site."""
    return environment().overlay(autoescape=True)


def _json_twin(data: dict[str, Any]) -> str:
    """The page's data as indented JSON: orjson (the stdlib encoder is pure Python once indenting, a third of the
    time spent writing the site), or the stdlib for what orjson refuses (integers beyond 64 bits)."""
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode("utf-8")
    except TypeError:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_page(page: Page, fmt: str) -> str:
    if fmt == "json":
        return _json_twin(page.to_dict())
    if fmt == "html":
        return _html_environment().get_template(f"report/{page.kind}.html.j2").render(**_context(page, ".html"))
    return render(f"report/{page.kind}.md.j2", **_context(page, ".md"))


def _failed_page(page: Page, fmt: str, error: StageError) -> str:
    """What a page whose template failed shows instead: the error, so the bug is visible and the site complete."""
    if fmt == "html":
        return _html_environment().get_template("report/render_error.html.j2").render(page=page, error=error)
    return render("report/render_error.md.j2", page=page, error=error)


def write_pages(root: Path, pages: list[Page], progress: Callable[[Iterable[Any], str, int | None], Iterable[Any]]
                ) -> tuple[int, list[StageError]]:
    """Render and write every page's three twins; returns the file count and the pages that failed to render."""
    written, failures = 0, []
    for page in progress(pages, "writing pages", len(pages)):
        target = root / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        for fmt in ("html", "md", "json"):
            try:
                text = render_page(page, fmt)
            except Exception as exc:  # noqa: BLE001 - a template bug must not lose the rest of the site
                failure = StageError.from_exception("render", f"{page.path}.{fmt}", exc)
                failures.append(failure)
                text = _failed_page(page, "html" if fmt == "html" else "md", failure)
            target.with_name(f"{target.name}.{fmt}").write_text(text, encoding="utf-8")
            written += 1
    (root / MARKER).write_text("built by aoai-spec report; rebuilding replaces this folder\n", encoding="utf-8")
    return written, failures
