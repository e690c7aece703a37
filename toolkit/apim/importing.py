"""How to import the prepared file: the `az apim api import` line, and for a dated API version the version set it
belongs to, with the path a user would choose.

A dated Azure OpenAI version (`info.version` like 2024-10-21; an `api-version` query parameter or a server path
ending in /openai) is one version of one API: APIM's query-string versioning scheme selects it by
`?api-version=`, the parameter Azure OpenAI clients already send, so every dated version shares the path and
the version set (learn.microsoft.com/azure/api-management/api-management-versions: query-string versioning,
`?api-version=v1`). An undated API (the v1 surface, OpenAI's own spec) is imported on its own, at the path of
its server URL.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from .structure import walk

PLACEHOLDER_HOST = "your-resource-name"
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}(-preview)?$")
_SHELL = {"resource_group": "$RESOURCE_GROUP", "service": "$APIM_NAME"}


@dataclass(frozen=True)
class ImportPlan:
    api_id: str
    path: str
    display_name: str
    api_version: str | None
    version_set_id: str | None
    import_command: str
    version_set_command: str | None

    @property
    def commands(self) -> list[str]:
        return [c for c in (self.version_set_command, self.import_command) if c]


def import_plan(document: dict[str, Any], *, output_name: str, inline: bool, service_url: str | None = None,
                api_path: str | None = None, version_set: str | None = None,
                api_version_as: str = "query") -> ImportPlan:
    """The import lines for a prepared document. `version_set`: None chooses (a dated version joins the set named
    after the title), "" imports without one, anything else is the set's id. `api_path` overrides the path."""
    info = document.get("info") if isinstance(document.get("info"), dict) else {}
    title = str(info.get("title") or "api")
    version = str(info.get("version") or "")
    servers = document.get("servers") if isinstance(document.get("servers"), list) else []
    first = servers[0] if servers and isinstance(servers[0], dict) else {}
    url = service_url or str(first.get("url") or "")
    path = api_path if api_path is not None else (urlparse(url).path.strip("/") or "openai")
    azure_openai = urlparse(url).path.rstrip("/").endswith("/openai") or _has_query_api_version(document)
    dated = bool(_DATED.match(version)) and azure_openai and api_version_as == "query"
    set_id = (_slug(title) if dated else None) if version_set is None else (version_set or None)
    api_version = version if set_id else None
    api_id = _slug(f"{title}-{version}") if version else _slug(title)
    parts = ["az", "apim", "api", "import", "--resource-group", _SHELL["resource_group"], "--service-name",
             _SHELL["service"], "--api-id", api_id, "--path", path, "--display-name", title,
             "--specification-format", "OpenApiJson"]
    parts += (["--specification-path", output_name] if inline
              else ["--specification-url", f"https://<host>/{output_name}"])
    if set_id:
        parts += ["--api-version-set-id", set_id, "--api-version", api_version or version]
    if url and ("{" in url or PLACEHOLDER_HOST in url):
        parts += ["--service-url", "$BACKEND_URL"]  # the spec only had a placeholder: the user must say
    elif url:
        parts += ["--service-url", url]
    set_command = None
    if set_id:
        set_command = _quote(["az", "apim", "api", "versionset", "create", "--resource-group",
                              _SHELL["resource_group"], "--service-name", _SHELL["service"], "--version-set-id",
                              set_id, "--display-name", title, "--versioning-scheme", "Query",
                              "--version-query-name", "api-version"])
    return ImportPlan(api_id=api_id, path=path, display_name=title, api_version=api_version, version_set_id=set_id,
                      import_command=_quote(parts), version_set_command=set_command)


def _has_query_api_version(document: dict[str, Any]) -> bool:
    return any(kind == "Parameter" and node.get("in") == "query" and node.get("name") == "api-version"
               for _where, kind, node in walk(document))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "api"


def _quote(parts: list[str]) -> str:
    return " ".join(p if p.startswith("$") else shlex.quote(p) for p in parts)
