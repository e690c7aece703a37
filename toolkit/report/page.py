"""A page of the site: where it lives, which template draws it, and its data (the JSON twin, verbatim).

Every page is written three times from the same `data`: `PATH.html` (through `report/KIND.html.j2`),
`PATH.md` (through `report/KIND.md.j2`) and `PATH.json`. Paths are site-relative without an extension, and
every link between pages is made relative, so the site works opened from disk and hosted under any prefix.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

@dataclass
class Page:
    path: str  # e.g. "apim/openai/2024-10-21"
    kind: str  # template stem under templates/report/
    title: str
    data: dict[str, Any] = field(default_factory=dict)  # the JSON twin, and all the facts the page shows
    view: dict[str, Any] = field(default_factory=dict)  # presentation only (chart geometry, groupings)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "path": self.path, "data": self.data}


def slug(text: str) -> str:
    """A file-name-safe form of a version or id (`2026-08-21_f85dbe223d+yaml` -> `2026-08-21_f85dbe223d-yaml`)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "_"


def relative(from_page: str, to: str) -> str:
    """The relative URL from one site path to another (both without extension, or `to` with one)."""
    base = posixpath.dirname(from_page) or "."
    return posixpath.relpath(to, base)


# -- where each page kind lives (one place, so pages and links agree)

def version_path(entry_id: str) -> str:
    family, _, version = entry_id.partition("@")
    return f"versions/{slug(family)}/{slug(version)}"


def apim_path(entry_id: str) -> str:
    family, _, version = entry_id.partition("@")
    return f"apim/{slug(family)}/{slug(version)}"


def prepared_file(entry_id: str) -> str:
    """The prepared spec written into the site for download (a file, not a page)."""
    return apim_path(entry_id) + ".apim.json"


def changelog_path(family: str) -> str:
    return f"changelog/{slug(family)}/index"


def pair_path(family: str, base_id: str, revision_id: str) -> str:
    return f"changelog/{slug(family)}/{slug(base_id.partition('@')[2])}__{slug(revision_id.partition('@')[2])}"


INDEX, FEATURES, COMPAT, APIM_INDEX, CONTRACT = "index", "v1-features", "compat", "apim/index", "contract"
