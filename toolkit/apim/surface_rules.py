"""Rules about the API surface as APIM builds it from the document: operation signatures, path parameters,
the operation count against the service tier, and the extensions APIM drops.

They were added after checking the rules against Microsoft's pages and public reports of failed imports
(issue 12): each one is a case that used to pass `apim lint` and then fail, or lose meaning, on import.
"""

from __future__ import annotations

from typing import Iterator

from .. import pointer as jp
from .paths import signature_groups
from .registry import TIER_OPERATION_LIMITS, TIER_OPERATIONS_PER_API, LintSubject, apim_rule
from .sources import address
from .structure import METHODS, walk

KEPT_EXTENSIONS = ("x-ms-paths", "x-servers")


@apim_rule("path-parameter-not-required", "error", "rule 5", address("OAS303", "I15"),
           "All template parameters ... MUST be defined ... (a path parameter that is not required)",
           "A path parameter must say `required: true` (OAS 3.0); APIM's import refuses the template otherwise. "
           "`apim prepare` sets it (a path parameter is always present, so nothing changes on the wire).")
def _path_parameter_required(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, node in s.of_kind("Parameter"):
        if node.get("in") == "path" and node.get("required") is not True:
            yield jp.join(where, "required"), f"path parameter {node.get('name')!r} is not required: true"


@apim_rule("duplicate-signature", "error", "observed", address("I13", "OAS303"),
           "Importing API has duplicate signature operations: 2 operations with signature 'GET /items/{id}'",
           "Two operations with the same method whose templates differ only in path-parameter names "
           "(`GET /items/{path}` and `GET /items/{id}`): APIM refuses them. They cannot be merged; rename or drop "
           "one.")
def _duplicate_signature(s: LintSubject) -> Iterator[tuple[str, str]]:
    for keys in signature_groups(s.document.get("paths")).values():
        first: dict[str, str] = {}
        for path in keys:
            item = s.document["paths"][path]
            for method in [m for m in METHODS if isinstance(item, dict) and isinstance(item.get(m), dict)]:
                if method in first:
                    yield jp.join("#/paths", path, method), (
                        f"{method.upper()} {path} has the same signature as {method.upper()} {first[method]} "
                        "(they differ only in path-parameter names): APIM refuses duplicate signatures")
                else:
                    first[method] = path


@apim_rule("duplicate-path-template", "warning", "observed", address("OAS303", "I13"),
           "(templates that differ only in parameter names are one template to APIM)",
           "Path keys that differ only in path-parameter names (`/items/{path}` with GET, `/items/{id}` with "
           "DELETE): OAS 3.0 forbids them and APIM matches them as one template. `apim prepare` merges them "
           "under the first key, renaming the path parameters consistently.")
def _duplicate_template(s: LintSubject) -> Iterator[tuple[str, str]]:
    for keys in signature_groups(s.document.get("paths")).values():
        for path in keys[1:]:
            yield jp.join("#/paths", path), f"path {path} differs from {keys[0]} only in parameter names"


@apim_rule("operation-limit", "warning", "service limits", address("LIMITS", "QA-BASICV2"),
           "You've reached the maximum number of Operations (...) ... consider upgrading your plan",
           "More operations than the service tier allows (`--tier`, default consumption: 3,000 per service; "
           "versions and revisions count too; Basic v2 users report 100 per API).")
def _operation_limit(s: LintSubject) -> Iterator[tuple[str, str]]:
    count = sum(1 for _ in s.operations())
    limit = TIER_OPERATION_LIMITS.get(s.tier)
    if limit is not None and count > limit:
        yield "#/paths", f"{count} operations: over the {s.tier} tier's {limit:,} API operations per service"
    per_api = TIER_OPERATIONS_PER_API.get(s.tier)
    if per_api is not None and count > per_api:
        yield "#/paths", (f"{count} operations: over the {per_api} operations per API that {s.tier} users report "
                          "(split the API, or choose a larger tier)")


@apim_rule("custom-extension", "info", "rule 11", address("D1", "D2", "EXPORTS"),
           "(none: custom extensions are ignored on import and not kept for export)",
           "`x-` extensions outside schemas (other than x-ms-paths and x-servers) are dropped by APIM. `apim "
           "prepare` removes them, each listed.")
def _custom_extensions(s: LintSubject) -> Iterator[tuple[str, str]]:
    found: dict[str, list[str]] = {}
    for where, kind, node in walk(s.document):
        if kind not in ("Schema", "Reference"):
            for key in node:
                if key.startswith("x-") and key not in KEPT_EXTENSIONS:
                    found.setdefault(key, []).append(jp.join(where, key))
    for key, places in found.items():
        more = f" (and {len(places) - 1} more)" if len(places) > 1 else ""
        yield places[0], f"extension {key} is ignored by APIM{more}"
