"""The two Azure OpenAI surfaces, and how operations of one line up with the other.

A dated spec puts the model in the URL (`/deployments/{deployment-id}/chat/completions?api-version=...`); the
v1 surface (and OpenAI's own API) puts it in the body (`/chat/completions`, `"model": ...`) and has no
api-version. When one side is dated and the other v1, `/deployments/{d}/X` matches `/X`, the deployment path
parameter and the body `model` are the same thing, and `api-version` is surface, not a removed parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..catalog import Catalog, CatalogEntry
from ..model import Spec

API_VERSION = "api-version"
_PARAM = re.compile(r"\{[^}]*\}")
_DEPLOYMENT = re.compile(r"^/deployments/\{[^}]*\}(?=/|$)")
_LEADING_PARAM = re.compile(r"^/\{[^}]*\}(?=/)")


def detect_surface(spec: Spec, entry: CatalogEntry | None) -> str:
    """`dated` or `v1`: from the catalog entry when there is one, else from the paths and servers."""
    if entry is not None:
        return entry.surface
    paths = list(spec.paths)
    if any(_DEPLOYMENT.match(_strip_openai(p)) for p in paths):
        return "dated"
    for op in spec.operations():
        if any(p.get("in") == "query" and p.get("name") == API_VERSION and p.get("required") for p in op.parameters):
            return "dated"
    return "v1"


def entry_of(catalog: Catalog | None, spec: Spec) -> CatalogEntry | None:
    """The catalog entry of a spec opened by catalog id, if the catalog still knows it."""
    if catalog is None or not spec.catalog_id:
        return None
    try:
        return catalog.get(spec.catalog_id)
    except Exception:  # a spec loaded under a stale id is still compared, only without its catalog facts
        return None


def is_azure_v1(spec: Spec, entry: CatalogEntry | None, surface: str) -> bool:
    """An Azure (not OpenAI) v1 document: the catalog's preview-header table applies to it."""
    if surface != "v1":
        return False
    if entry is not None:
        return entry.family.startswith("azure-")
    servers = spec.document.get("servers")
    urls = [s.get("url", "") for s in servers if isinstance(s, dict)] if isinstance(servers, list) else []
    return any("azure" in str(u) for u in urls)


def _strip_openai(path: str) -> str:
    if path.startswith("/openai/v1/"):
        return path[len("/openai/v1"):]
    if path.startswith("/openai/"):
        return path[len("/openai"):]
    return path


@dataclass(frozen=True)
class PathKey:
    """How a path is matched across versions, and which of its path parameters is the deployment."""

    key: str
    deployment_segment: bool  # the path carries the deployment (dated surface)


def path_key(path: str, surface: str, mapped: bool) -> PathKey:
    """The matching key of a path: parameter names blanked (they are positional), surface prefix folded."""
    short = _strip_openai(path)
    deployment = False
    if surface == "dated":
        folded = _DEPLOYMENT.sub("/deployments/{}", short) if _DEPLOYMENT.match(short) else _LEADING_PARAM.sub(
            "/deployments/{}", short)
        deployment = folded != short or short.startswith("/deployments/")
        short = folded
        if mapped and deployment:
            short = short[len("/deployments/{}"):] or "/"
    return PathKey(_PARAM.sub("{}", short), deployment and surface == "dated")


def preview_header_names(catalog: Catalog) -> set[str]:
    names = {rule["name"].lower() for rule in catalog.surfaces.get("v1", {}).get("preview_headers", []) if "name" in rule}
    names |= {f.header.name.lower() for f in catalog.v1_features.values() if f.header}
    return names


_OPERATION = re.compile(r"^(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE)\s+(/\S*)$", re.IGNORECASE)


def operation_shape(text: str) -> tuple[str, str] | None:
    """`POST /chat/completions` as users name it -> (method, path shape): parameter names blanked, `/openai` and
    the dated deployment prefix dropped, so it also finds `/deployments/{deployment-id}/chat/completions`."""
    match = _OPERATION.match(text.strip())
    if match is None:
        return None
    return match.group(1).upper(), path_key(match.group(2), "dated", True).key
