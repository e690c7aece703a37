"""`prepare`: downgrade + every safe APIM fix, minified, size-checked, with the `az apim api import` line."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from ..catalog import Catalog
from ..downgrade import downgrade
from ..downgrade.result import Loss
from ..errors import AoaiSpecError
from ..findings import Finding, count_by_level
from ..model import Spec
from .fixes import FIXES, PLACEHOLDER_HOST, PrepareContext
from .rules import MAX_INLINE_BYTES, lint

API_VERSION_MODES = ("query", "template")


@dataclass
class PreparedApi:
    """An APIM-ready 3.0.3 document, what was changed or lost on the way, and how to import it."""

    document: dict[str, Any]
    minified: str
    findings: list[Finding] = field(default_factory=list)
    losses: list[Loss] = field(default_factory=list)
    import_command: str = ""

    @property
    def size_bytes(self) -> int:
        return len(self.minified.encode("utf-8"))

    @property
    def fits_inline(self) -> bool:
        return self.size_bytes <= MAX_INLINE_BYTES

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {"size_bytes": self.size_bytes, "fits_inline": self.fits_inline, "ok": self.ok,
                "counts": count_by_level(self.findings), "import_command": self.import_command,
                "findings": [f.to_dict() for f in self.findings], "losses": [loss.to_dict() for loss in self.losses]}


def prepare(spec: Spec, *, service_url: str | None = None, api_version_as: str = "query",
            catalog: Catalog | None = None, output_name: str = "apim.json") -> PreparedApi:
    """Downgrade `spec` and apply every fix in `FIXES`; findings = the fixes' notes + lint of the result."""
    if api_version_as not in API_VERSION_MODES:
        raise AoaiSpecError(f"api_version_as must be one of {', '.join(API_VERSION_MODES)}, not {api_version_as!r}")
    if service_url is not None and urlparse(service_url).scheme not in ("http", "https"):
        raise AoaiSpecError(f"--service-url {service_url!r} is not an absolute http(s) URL")
    converted = downgrade(spec)
    ctx = PrepareContext(converted.document, service_url=service_url, api_version_as=api_version_as, catalog=catalog)
    for step in FIXES:
        ctx.current = step.id
        try:
            step.apply(ctx)
        except (TypeError, AttributeError, KeyError, ValueError, IndexError) as exc:  # malformed input
            ctx.note("error", "#", f"skipped on a malformed document ({type(exc).__name__}: {exc})"[:200])
    minified = json.dumps(ctx.document, ensure_ascii=False, separators=(",", ":"))
    findings = ctx.findings + lint(ctx.document, catalog=catalog)
    result = PreparedApi(document=ctx.document, minified=minified, findings=findings,
                         losses=converted.losses + ctx.losses)
    result.import_command = import_command(ctx.document, output_name, result.fits_inline, service_url)
    return result


def import_command(document: dict[str, Any], output_name: str, inline: bool, service_url: str | None) -> str:
    """The `az apim api import` line for this document (resource group and service left as variables)."""
    info = document.get("info") if isinstance(document.get("info"), dict) else {}
    title = str(info.get("title") or "api")
    version = str(info.get("version") or "")
    api_id = re.sub(r"[^a-z0-9]+", "-", f"{title}-{version}".lower()).strip("-")[:80] or "api"
    servers = document.get("servers") or [{}]
    url = service_url or (servers[0].get("url") if isinstance(servers[0], dict) else None) or ""
    path = urlparse(url).path.strip("/") or "openai"
    parts = ["az", "apim", "api", "import", "--resource-group", "$RESOURCE_GROUP", "--service-name", "$APIM_NAME",
             "--api-id", api_id, "--path", path, "--display-name", title, "--specification-format", "OpenApiJson"]
    parts += ["--specification-path", output_name] if inline else ["--specification-url", f"https://<host>/{output_name}"]
    if url and ("{" in url or PLACEHOLDER_HOST in url):
        parts += ["--service-url", "$BACKEND_URL"]  # the spec only had a placeholder: the user must say
    elif url:
        parts += ["--service-url", url]
    return " ".join(p if p.startswith("$") else shlex.quote(p) for p in parts)
