"""Rules about the file as the user has it: what an import receives before any tool has made it friendlier.

The loader bundles external `$ref`s, strips a byte-order mark and decodes UTF-16; these rules judge the bytes
(`RawFile`) and the document as written, which is what `az apim api import --specification-path` uploads.
Without a file (a document passed as a dict) they judge the document as minified JSON would be sent. The
OAS 3.0 schema check is here too: APIM validates what it receives against that schema before anything else.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

from .. import pointer as jp
from ..structure import StructureCheck, StructureStopped, check_structure
from .registry import MAX_INLINE_BYTES, LintSubject, apim_rule
from .sources import address


@apim_rule("external-ref", "error", "rule 7", address("D1", "D2"), "$ref cannot point to external files",
           "A `$ref` to another file or URL: APIM cannot follow it. References inside `x-` extensions (such as "
           "`x-ms-examples`) are opaque data to APIM and not counted. `aoai-spec bundle` and `apim prepare` bundle "
           "them.")
def _external(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, node in s.of_kind("Reference"):
        if not node["$ref"].startswith("#"):
            yield where, f"external $ref {node['$ref']!r}: APIM cannot follow it (apim prepare bundles it)"


@apim_rule("byte-order-mark", "error", "rule 37", address("I9"),
           "Parsing error(s): (Lin: 1, Col: 11, Chr: 16) ... Mapping values are not allowed in this context.",
           "The file starts with a byte-order mark; `az apim api import` sends it as text and APIM's parser fails "
           "on it. `apim prepare` writes UTF-8 without one.", scope="file")
def _byte_order_mark(s: LintSubject) -> Iterator[tuple[str, str]]:
    if s.raw is not None and s.raw.bom:
        yield "#", f"the file starts with a {s.raw.encoding.upper()} byte-order mark"


@apim_rule("file-encoding", "error", "rule 37", address("RFC8259", "I9"),
           "Parsing error(s): ... (the text APIM receives is not the document)",
           "The file is not UTF-8 (UTF-16 or UTF-32): JSON exchanged between systems must be UTF-8, and the "
           "importer reads it as such. `apim prepare` writes UTF-8.", scope="file")
def _encoding(s: LintSubject) -> Iterator[tuple[str, str]]:
    if s.raw is not None and s.raw.encoding != "utf-8":
        yield "#", f"the file is {s.raw.encoding.upper()}, not UTF-8"


@apim_rule("size-limit", "error", "rule 10", address("D1", "D2", "I17"),
           "The request content is too large (4 MB inline import limit)",
           "The file as written is over 4 MiB, the inline import limit (pretty-printing counts). `apim prepare` "
           "writes minified JSON; a document that is still over the limit must be hosted and imported by URL.",
           scope="file")
def _size(s: LintSubject) -> Iterator[tuple[str, str]]:
    if s.raw is not None:
        size, what = s.raw.size_bytes, "the file as written"
    else:
        size, what = len(json.dumps(s.document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")), \
            "the document as minified JSON"
    if size > MAX_INLINE_BYTES:
        yield "#", f"{what} is {size:,} bytes, over the {MAX_INLINE_BYTES:,}-byte inline import limit"


MAX_SCHEMA_FINDINGS = 25


@apim_rule("oas-schema", "error", "rules 3, 28", address("D1", "I2", "I9"),
           "Parsing error(s): The input OpenAPI file is not valid for the OpenAPI specification .../3.0.1.md "
           "(schema .../schemas/v3.0/schema.yaml)",
           "A 3.0 document that fails the OAS 3.0 JSON schema, which APIM validates every import against (a "
           "response without a description, a wrong value type...). 3.1 documents get `openapi-version` and the "
           "specific rules instead; `apim prepare` also runs openapi-spec-validator on its output.")
def _oas_schema(s: LintSubject) -> Iterator[tuple[str, str]]:
    if not str(s.document.get("openapi", "")).startswith("3.0."):
        return
    if s.raw is not None and s.document is s.raw.unbundled:
        return  # its external references are `external-ref`'s; what they point at is checked once bundled
    errors = oas30_findings(s.document, s.structure)
    for where, message in errors[:MAX_SCHEMA_FINDINGS]:
        yield where, f"not valid against the OAS 3.0 schema: {message}"
    if len(errors) > MAX_SCHEMA_FINDINGS:
        yield "#", f"{len(errors) - MAX_SCHEMA_FINDINGS} more OAS 3.0 schema errors not shown"


def oas30_findings(document: dict[str, Any], structure: StructureCheck | None = None) -> list[tuple[str, str]]:
    """openapi-spec-validator's OAS 3.0 verdicts (compiled: toolkit/structure.py), first lines only: what lint
    reports on the file and what prepare checks its output with. Where the check meets a reference it cannot
    follow it stops, as the library gives up there (`dangling-ref` reports the ones that resolve to nothing).
    `structure` is the document's OAS 3.0 pass when the caller already ran it."""
    check = structure if structure is not None and not structure.is_31 else check_structure(document, is_31=False)
    if check.stopped is not None and not isinstance(check.stopped, StructureStopped):
        raise check.stopped
    return [(where, _first_line(message)) for where, message in check.found]


def _first_line(message: str, limit: int = 200) -> str:
    """jsonschema-rs messages can embed the whole failing instance: keep the start of the first line."""
    line = message.splitlines()[0] if message else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."
