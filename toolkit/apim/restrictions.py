"""Every documented APIM import restriction and every reported import failure, with what the toolkit does about
it: the rule that reports it, and whether `apim prepare` fixes it. Nothing in this table is silently ignored:
a row is fixed, reported (lint says so and prepare keeps the error or warning), advice, or a recorded decision
not to enforce an outdated restriction, with the reason.

The README's restrictions table is rendered from this list (`templates/apim/restrictions.md.j2`); a test keeps
the two in sync and checks that every rule and fix named here exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from .sources import SOURCES

STATUSES = {
    "fixed": "prepare fixes it",
    "partly": "prepare fixes the common case; the rest stays reported",
    "reported": "lint reports it; prepare cannot fix it safely and keeps the finding (exit 1 on an error)",
    "advice": "lint gives the advice; nothing in the file to change",
    "not-enforced": "outdated: checked against what APIM imports today and not enforced",
    "n/a": "does not apply to the OpenAPI 3.x files this toolkit reads",
}


@dataclass(frozen=True)
class Restriction:
    key: str  # the row of the checklist (research §2: 1-27 documented, 28-47 observed) or N<n> for newer ones
    text: str
    sources: tuple[str, ...]
    rules: tuple[str, ...]
    status: str
    prepare: str

    @property
    def addresses(self) -> list[str]:
        return [SOURCES[k] for k in self.sources]


def _r(key: str, text: str, sources: str, rules: str, status: str, prepare: str) -> Restriction:
    assert status in STATUSES, status
    return Restriction(key, text, tuple(sources.split()), tuple(rules.split()), status, prepare)


RESTRICTIONS: list[Restriction] = [
    # ------------------------------------------------------------------ documented by Microsoft
    _r("1", "Required query parameters become required URL-template parameters (a request without them: 404)",
       "D1 I10c", "required-query-template", "partly",
       "`api-version` made optional (`--api-version-as query`, each one listed); other required query parameters: "
       "import with translateRequiredQueryParameters=query"),
    _r("2", "A request body on GET, HEAD or OPTIONS is discarded", "D1", "get-head-body", "fixed",
       "removed, listed as a loss (`fix-get-head-body`)"),
    _r("3", "Validate the document before import", "D1", "oas-schema output-invalid", "fixed",
       "the output is checked by openapi-spec-validator and the APIM rules before prepare calls it ready"),
    _r("4", "Required path and query parameter names unique across the URL template, ignoring case", "D1 I16",
       "parameter-name-clash", "partly",
       "a clashing path parameter is renamed (`{id}` -> `{id_path}`, template and declaration); two clashing query "
       "parameters stay an error"),
    _r("5", "Every defined path parameter is part of the URL template, and the reverse", "D1 D2",
       "path-parameter-undeclared", "fixed", "declared or removed by the downgrade repair `path-parameters`"),
    _r("6", "Relative server URLs are resolved against the source file URL", "D1", "server-not-https", "partly",
       "`--service-url` sets the backend; without it the warning stays and the import line asks for $BACKEND_URL"),
    _r("7", "`$ref` cannot point to external files", "D1 D2", "external-ref", "fixed",
       "bundled, each reference listed (`file-bundled`); references inside `x-` extensions are opaque to APIM"),
    _r("8", "The API URL must be shorter than 128 characters", "D1-zh", "api-url-too-long", "reported",
       "error kept (exit 1); `--service-url` with a shorter URL fixes it"),
    _r("9", "Versions: OpenAPI 2, 3.0.x up to 3.0.3; 3.1 import only, not fully supported", "D1 D1-zh D2 C1",
       "openapi-version", "fixed", "downgraded to 3.0.3 (3.0.4 -> 3.0.3)"),
    _r("10", "Up to 4 MB inline; by URL the ARM request limit applies", "D1 D2 I17", "size-limit", "partly",
       "written minified (the file as written is what counts); still over: error kept, import by URL"),
    _r("11", "Only x-ms-paths and x-servers are supported; custom extensions are ignored", "D1 D2 EXPORTS",
       "custom-extension", "fixed", "removed outside schemas, each listed; kept inside schemas, as APIM's exports do"),
    _r("12", "Recursive schema definitions are not supported", "D1 D2", "recursive-schema", "fixed",
       "each back reference cut to an open schema, listed as a loss"),
    _r("13", "A Server object at operation (or path) level is not supported", "D2", "operation-servers", "fixed",
       "removed, listed as a loss"),
    _r("14", "The Swagger 2 `produces` keyword is not supported", "D2", "", "n/a",
       "OpenAPI 2.0 documents are refused when loaded"),
    _r("15", "Inline schema definitions in operations are not supported (2020-2022 editions)", "D2 EXPORTS", "",
       "not-enforced", "outdated: APIM's own exports of the Azure OpenAI specs keep inline request and response "
       "schemas (4-7 per file), so APIM imports them"),
    _r("16", "Security definitions (schemes, root and operation `security`) are ignored", "D2 EXPORTS",
       "security-ignored", "advice", "kept, as APIM's own exports keep the security schemes; use policies"),
    _r("17", "Query parameters: only `style: form, explode: true`", "D2", "query-parameter-style", "partly",
       "removed on scalars (no effect there); on arrays and objects the warning stays: removing it would change "
       "the wire format"),
    _r("18", "Cookie parameters are not supported", "D2", "cookie-parameter", "fixed",
       "removed, listed as a loss (check cookies in a policy)"),
    _r("19", "OpenAPI 2: JSON only, `formData` parameters not supported", "D2", "", "n/a",
       "OpenAPI 2.0 documents are refused when loaded"),
    _r("20", "Several servers: the first HTTPS URL is used; none: the service URL stays empty", "D1 D2",
       "server-not-https", "partly", "`--service-url` sets one https server; without it the warning stays"),
    _r("21", "Server templating (variables) is not supported: `Invalid value of the Web service URL`",
       "I11 I10a", "server-variables", "fixed", "variables substituted by their defaults, or `--service-url`"),
    _r("22", "Unsupported 3.0 fields: OpenAPI/Operation externalDocs, components other than schemas, PathItem "
             "trace and servers, Operation callbacks, security and servers, Parameter allowEmptyValue, style, "
             "explode, allowReserved", "D2",
       "unsupported-field unsupported-components operation-servers security-ignored", "fixed",
       "removed or inlined, each listed (security kept, see 16)"),
    _r("22b", "`examples` is not supported, `example` is (2019 edition)", "D2 D3", "media-type-examples", "fixed",
       "the first example of each map kept as `example`"),
    _r("22c", "`multipart/form-data` is not supported (2019 edition)", "D3 EXPORTS", "", "not-enforced",
       "outdated: APIM's own exports of the Azure OpenAI specs keep 2-3 multipart operations each (audio, files), "
       "so APIM imports them"),
    _r("23", "operationId -> resource name: normalised, cut at 76 characters, -1..-999 when clashing", "D1 D2",
       "operation-id-clash operation-id-truncated", "fixed",
       "clashing or long ids become APIM's own normalised, unique name; each old -> new listed"),
    _r("24", "summary -> display name, at most 300 characters", "D1 D2", "summary-too-long", "fixed",
       "cut to 300, listed as a loss"),
    _r("25", "Re-import matches operations by operationId; unmatched operations are deleted", "D1 D2",
       "operation-id-clash", "fixed", "every operation gets the stable name APIM would give it"),
    _r("26", "Exports are not meant to be re-imported", "D1 D2", "", "advice",
       "documentation only: nothing in a file to check"),
    _r("27", "2018 edition: JSON only, no `$ref` inside a referenced schema", "D3", "", "not-enforced",
       "obsolete: later editions and APIM's exports contain both"),
    _r("L1", "API operations per service: 3,000 (Consumption, Developer) to 75,000 (Premium); versions and "
             "revisions count; Basic v2 users report 100 per API", "LIMITS QA-BASICV2", "operation-limit",
       "reported", "warning kept (`--tier`, default consumption): split the API or choose a larger tier"),
    # ------------------------------------------------------------------ observed in practice, or in APIM's parser
    _r("28", "`One or more fields contain incorrect values: ... not valid for the OpenAPI specification`",
       "I2 I9 I12", "oas-schema output-invalid", "fixed",
       "the wrapper of every error below: lint checks the OAS 3.0 schema, prepare validates its output"),
    _r("29", "`Cannot create a scalar value from this type of node` (type arrays)", "I2 C1", "type-array", "fixed",
       "downgraded (`type-array`, `type-multi`)"),
    _r("30", "Numeric exclusiveMinimum/exclusiveMaximum: `String was not recognized as a valid Boolean`",
       "I3 C1", "numeric-exclusive-bound", "fixed", "downgraded (`exclusive-bounds`)"),
    _r("31", "`info.summary` fails the import", "I4", "info-summary", "fixed", "folded into info.description"),
    _r("32", "`X is not a valid property at #/...` for any unknown field (3.1 keywords, `uniqueItems` on a "
             "Parameter, `security` under components)", "C1 I14", "not-a-valid-property", "fixed",
       "schemas: moved to `x-` by the downgrade; other objects: removed (`fix-invalid-fields`), each listed"),
    _r("33", "`Data and type mismatch found.` (example, default, enum vs type + format)", "I5 C1-rules",
       "data-type-mismatch", "fixed", "the value removed, listed as a loss"),
    _r("34", "`Schema X must contain property specified in the discriminator Y in the required field list`",
       "I7 C1-rules", "discriminator-not-required", "fixed", "added to required (downgrade repair)"),
    _r("35", "`The key '..' in 'schemas' of components MUST match '^[a-zA-Z0-9.-_]+$'` (also security schemes "
             "such as `Backoffice User`)", "I8 C1-rules", "component-key-pattern", "fixed",
       "renamed; `$ref`s, discriminator mappings and root/operation security requirements rewritten"),
    _r("36", "`$ref` siblings (nullable, description) are dropped silently", "C1 EXPORTS", "ref-siblings", "fixed",
       "wrapped in allOf (`ref-siblings`), each rewrite listed"),
    _r("37", "`Mapping values are not allowed in this context` from a byte-order mark; other encodings", "I9 RFC8259",
       "byte-order-mark file-encoding", "fixed", "written as UTF-8 without a mark"),
    _r("38", "`Invalid value of the Web service URL` (unsubstituted `{endpoint}`)", "I10a", "server-variables",
       "fixed", "variables substituted, or `--service-url`"),
    _r("39", "`Error resolving $ref pointer ... does not exist` (dangling local reference)", "I1", "dangling-ref",
       "fixed", "repaired by the downgrade (`dangling-ref`), listed as a loss"),
    _r("40", "Runtime 404 `Unable to match incoming request to an operation`", "I10c", "required-query-template",
       "partly", "see 1"),
    _r("41", "translate_required_query_parameters still listed as a template parameter (Terraform)", "I12", "",
       "advice", "tooling, not a file property: making api-version optional (see 1) avoids depending on it"),
    _r("43", "APIM's Azure OpenAI wizard needs no spec; the manual route downloads a GA spec and edits `servers`",
       "D4", "server-variables", "fixed", "prepare sets the server (`--service-url`, or the variables substituted)"),
    _r("44", "`required: []` and `enum: []` are invalid in 3.0", "OAS303", "required-empty enum-empty", "fixed",
       "rewritten by the downgrade (`required-enum-shape`)"),
    _r("45", "`type: array` without `items` is invalid in 3.0", "OAS303", "array-without-items", "fixed",
       "`items: {}` added by the downgrade (`array-items`)"),
    _r("46", "3.0.3 is imported but stored as 3.0.1", "D1", "", "advice",
       "no effect on the import; prepare writes 3.0.3"),
    _r("47", "What APIM keeps (its own export of 2024-05-01-preview): no `$ref` siblings, no custom extensions",
       "EXPORTS", "ref-siblings custom-extension", "fixed",
       "prepare keeps what APIM keeps (tested against the export)"),
    _r("N1", "`Importing API has duplicate signature operations` (same method, templates differing only in "
             "path-parameter names)", "I13 OAS303", "duplicate-signature duplicate-path-template", "partly",
       "templates merged under one key when their methods differ; the same method twice stays an error"),
    _r("N2", "A path parameter that is not `required: true`", "I15 OAS303", "path-parameter-not-required", "fixed",
       "set to required (always true on the wire)"),
    _r("N3", "Azure OpenAI v1 preview paths need an opt-in header", "CATALOG", "preview-header-missing", "fixed",
       "the header declared as a required parameter"),
]


def restriction_rules() -> set[str]:
    return {rule for row in RESTRICTIONS for rule in row.rules}
