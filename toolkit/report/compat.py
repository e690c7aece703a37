"""The OpenAI <-> Azure v1 compatibility page: latest pinned OpenAI spec against the catalog's `v1`."""

from __future__ import annotations

from . import page as paths
from .page import Page
from .results import BuildResults


def page(results: BuildResults) -> Page:
    compat = results.compat or {}
    data = {
        "openai": compat.get("openai"),
        "v1": compat.get("v1"),
        "report": compat.get("report"),
        "skipped": results.compat_skipped,
        "errors": compat.get("errors", []),
        "pages": {"openai": paths.version_path(compat["openai"]) if compat.get("openai") else None,
                  "v1": paths.version_path(compat["v1"]) if compat.get("v1") else None},
    }
    return Page(paths.COMPAT, "compat", "OpenAI ↔ Azure v1 compatibility", data)
