"""`prepare`: the file as given -> downgrade -> every safe APIM fix -> a minified 3.0.3 document that is checked
again (APIM lint and openapi-spec-validator) before it is called ready, with the `az apim api import` lines.

Every change on the way is recorded: what the loader did to the file (bundled, BOM removed, re-encoded,
minified), each downgrade conversion (exact rewrites, losses, 3.0 keywords honoured) and each fix. Whatever
cannot be fixed stays an error finding, and `ok` is then false: prepare never calls a broken output ready.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from .. import pointer as jp
from ..catalog import Catalog
from ..downgrade import downgrade
from ..downgrade.result import Change
from ..errors import AoaiSpecError
from ..findings import Finding, count_by_level
from ..load import RawFile
from ..model import Spec
from ..structure import StructureCheck, check_structure
from .file_rules import oas30_findings
from .fixes import FIXES, PrepareContext
from .importing import ImportPlan, import_plan
from .registry import DEFAULT_TIER, MAX_INLINE_BYTES, TIER_OPERATION_LIMITS
from .rules import lint
from .structure import walk

API_VERSION_MODES = ("query", "template")


@dataclass
class PreparedApi:
    """An APIM-ready 3.0.3 document, every change made on the way, what is still wrong, and how to import it."""

    document: dict[str, Any]
    minified: str
    findings: list[Finding] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    plan: ImportPlan | None = None

    @property
    def size_bytes(self) -> int:
        return len(self.minified.encode("utf-8"))

    @property
    def fits_inline(self) -> bool:
        return self.size_bytes <= MAX_INLINE_BYTES

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)

    @property
    def losses(self) -> list[Change]:
        """The loss report: every change that is not an exact rewrite."""
        return [c for c in self.changes if c.kind != "exact"]

    @property
    def import_command(self) -> str:
        return self.plan.import_command if self.plan else ""

    def change_counts(self) -> dict[str, dict[str, int]]:
        """kind -> change id -> count, most frequent first."""
        counts: dict[str, dict[str, int]] = {}
        for change in self.changes:
            by_id = counts.setdefault(change.kind, {})
            by_id[change.id] = by_id.get(change.id, 0) + 1
        return {kind: dict(sorted(ids.items(), key=lambda kv: (-kv[1], kv[0]))) for kind, ids in counts.items()}

    def to_dict(self) -> dict[str, Any]:
        return {"size_bytes": self.size_bytes, "fits_inline": self.fits_inline, "ok": self.ok,
                "counts": count_by_level(self.findings), "change_counts": self.change_counts(),
                "import_command": self.import_command,
                "version_set_command": self.plan.version_set_command if self.plan else None,
                "findings": [f.to_dict() for f in self.findings],
                "changes": [c.to_dict() for c in self.changes],
                "losses": [c.to_dict() for c in self.losses]}


def prepare(spec: Spec, *, service_url: str | None = None, api_version_as: str = "query",
            catalog: Catalog | None = None, output_name: str = "apim.json", tier: str = DEFAULT_TIER,
            api_path: str | None = None, version_set: str | None = None, validate: bool = True) -> PreparedApi:
    """Downgrade `spec`, apply every fix in `FIXES`, and check the result: findings = what is still wrong with the
    output (APIM lint, openapi-spec-validator when `validate`, fixes that could not run)."""
    if api_version_as not in API_VERSION_MODES:
        raise AoaiSpecError(f"api_version_as must be one of {', '.join(API_VERSION_MODES)}, not {api_version_as!r}")
    if service_url is not None and urlparse(service_url).scheme not in ("http", "https"):
        raise AoaiSpecError(f"--service-url {service_url!r} is not an absolute http(s) URL")
    if tier not in TIER_OPERATION_LIMITS:
        raise AoaiSpecError(f"tier must be one of {', '.join(TIER_OPERATION_LIMITS)}, not {tier!r}")
    converted = downgrade(spec)
    ctx = PrepareContext(converted.document, service_url=service_url, api_version_as=api_version_as, catalog=catalog)
    failed: list[Finding] = []
    for step in FIXES:
        ctx.current = step.id
        try:
            step.apply(ctx)
        except (TypeError, AttributeError, KeyError, ValueError, IndexError) as exc:  # malformed input
            failed.append(Finding(f"fix-{step.id}", "error", "#",
                                  f"skipped on a malformed document ({type(exc).__name__}: {exc})"[:200]))
    minified = json.dumps(ctx.document, ensure_ascii=False, separators=(",", ":"))
    size = len(minified.encode("utf-8"))
    changes = _file_changes(spec, size) + converted.changes + ctx.changes
    # the output is judged as the file prepare writes: minified UTF-8 JSON, no byte-order mark, no external refs
    output_file = RawFile(size_bytes=size)
    structure = check_structure(ctx.document, is_31=False)  # one OAS 3.0 pass: lint's `oas-schema` and the validator
    findings = failed + lint(ctx.document, catalog=catalog, tier=tier, raw=output_file, structure=structure)
    if validate:
        findings += validator_findings(ctx.document, structure=structure)
    plan = import_plan(ctx.document, output_name=output_name, inline=size <= MAX_INLINE_BYTES,
                       service_url=service_url, api_path=api_path, version_set=version_set,
                       api_version_as=api_version_as)
    return PreparedApi(document=ctx.document, minified=minified, findings=findings, changes=changes, plan=plan)


def _file_changes(spec: Spec, minified_bytes: int) -> list[Change]:
    """What preparing did to the file itself: bundling, byte-order mark, encoding, size."""
    raw = spec.raw
    if raw is None:
        return []
    changes = []
    if raw.unbundled is not None:
        for where, kind, node in walk(raw.unbundled):
            if kind == "Reference" and not node["$ref"].startswith("#"):
                changes.append(Change("file-bundled", where, f"external $ref {node['$ref']!r} bundled into the "
                                                             "document", "exact"))
    if raw.bom:
        changes.append(Change("file-bom", "#", f"{raw.encoding.upper()} byte-order mark removed", "exact"))
    if raw.encoding != "utf-8":
        changes.append(Change("file-encoding", "#", f"re-encoded from {raw.encoding.upper()} to UTF-8", "exact"))
    changes.append(Change("file-minified", "#", f"written as minified UTF-8 JSON: {raw.size_bytes:,} -> "
                                                 f"{minified_bytes:,} bytes", "exact"))
    return changes


def validator_findings(document: dict[str, Any], limit: int = 50, *,
                       structure: StructureCheck | None = None) -> list[Finding]:
    """openapi-spec-validator's OAS 3.0 verdicts on the output: every one is an `output-invalid` error finding.
    `structure` is the output's OAS 3.0 pass when the caller already ran it."""
    try:
        found = oas30_findings(document, structure)
    except Exception as exc:  # noqa: BLE001 - the check gives up on some documents (deep reference cycles)
        return [Finding("output-invalid", "warning", "#", f"openapi-spec-validator could not check the output "
                                                          f"({type(exc).__name__})")]
    return [Finding("output-invalid", "error", where, f"openapi-spec-validator: {message}"[:300])
            for where, message in found[:limit]]
