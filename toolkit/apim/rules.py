"""APIM import rules about the document: one declarative rule per documented restriction or OpenAPI.NET v1
reader rule (the rules about the file as written are in `file_rules`, the newer operation-level ones in
`surface_rules`).

Each rule has a stable id, a level (error: the import fails or silently loses meaning; warning: APIM ignores or
changes something; info: advice), the checklist row it comes from (`research/apim-import-and-downgrade.md` §2),
the public address of that row and the APIM / OpenAPI.NET error text it prevents. `lint(document)` runs them all.
"""

from __future__ import annotations

import re
from typing import Any, Iterator
from urllib.parse import urlparse

from .. import pointer as jp
from ..catalog import Catalog
from ..findings import Finding
from ..load import RawFile
from ..structure import StructureCheck
from . import file_rules, surface_rules  # noqa: F401  (they register first: the file, then the document)
from .datatypes import mismatches
from .naming import COMPONENT_KEY, normalise_operation_id
from .recursion import recursive_cycles
from .registry import (DEFAULT_TIER, MAX_API_URL, MAX_INLINE_BYTES, MAX_SUMMARY, RULE_DOCS, RULES, LintSubject,
                       apim_rule, run_rules)
from .sources import address
from .structure import unknown_fields

__all__ = ["MAX_API_URL", "MAX_INLINE_BYTES", "MAX_SUMMARY", "RULES", "RULE_DOCS", "LintSubject", "lint"]

SUPPORTED_VERSIONS = ("3.0.0", "3.0.1", "3.0.2", "3.0.3")
TARGET_VERSION = "3.0.3"


def lint(document: dict[str, Any], *, catalog: Catalog | None = None, raw: RawFile | None = None,
         tier: str = DEFAULT_TIER, structure: StructureCheck | None = None) -> list[Finding]:
    """Every APIM import finding for a document (3.0 or 3.1), in rule order. With `raw` (the facts of the file
    it was loaded from) the file is judged as written: its bytes, encoding and byte-order mark, and, when it
    had external `$ref`s, the document before bundling as well as after. `structure` is the document's structure
    pass when the caller already ran it (`validate` runs the same one)."""
    subjects = [LintSubject(document, catalog, raw, tier, structure)]
    if raw is not None and raw.unbundled is not None:
        subjects.append(LintSubject(raw.unbundled, catalog, raw, tier))
    return run_rules(subjects)


# --------------------------------------------------------------------------------------------------- the reader


@apim_rule("openapi-version", "error", "rules 9, 28, 46", address("D1", "D1-zh", "D2", "C1"),
           "The input OpenAPI file is not valid for the OpenAPI specification .../versions/3.0.1.md",
           "APIM documents OpenAPI 3.0.0 to 3.0.3 (3.1 import only, read with the 3.0 reader OpenAPI.NET v1); "
           "3.0.4 and later are not documented. `apim prepare` writes 3.0.3.")
def _openapi_version(s: LintSubject) -> Iterator[tuple[str, str]]:
    version = s.document.get("openapi")
    if version not in SUPPORTED_VERSIONS:
        yield "#/openapi", (f"openapi {version!r} is not one APIM documents (3.0.0 to 3.0.3): it validates against "
                            "OAS 3.0.1 (run `apim prepare`)")


@apim_rule("not-a-valid-property", "error", "rule 32", address("C1", "I14"), "<name> is not a valid property at #/...",
           "A field that the OAS 3.0 object does not define and that is not an `x-` extension (3.1 keywords such as "
           "`const`, `examples`, `$defs`, `webhooks`, typos such as `max_items`).")
def _unknown_fields(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, kind, node in s.objects:
        for key in unknown_fields(kind, node):
            if kind == "Info" and key == "summary":
                continue  # its own rule
            yield jp.join(where, key), f"{key} is not a valid property at {where} ({kind} object)"


@apim_rule("info-summary", "error", "rule 31", address("I4"), "summary is not a valid property at #/info",
           "`info.summary` is a 3.1 field; APIM's import fails on it (tracked by Microsoft as an internal bug).")
def _info_summary(s: LintSubject) -> Iterator[tuple[str, str]]:
    info = s.document.get("info")
    if isinstance(info, dict) and "summary" in info:
        yield "#/info/summary", "info.summary is 3.1 only: fold it into info.description"


@apim_rule("type-array", "error", "rule 29", address("I2", "C1"),
           "Cannot create a scalar value from this type of node.",
           "`type` must be one string: a list (`[string, \"null\"]`) fails the reader.")
def _type_array(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, schema in s.schemas:
        if "type" in schema and not isinstance(schema["type"], str):
            yield jp.join(where, "type"), f"Cannot create a scalar value from this type of node: type {schema['type']!r}"
        elif schema.get("type") == "null":
            yield jp.join(where, "type"), "type 'null' does not exist in OAS 3.0 (use nullable: true)"


@apim_rule("numeric-exclusive-bound", "error", "rule 30", address("I3", "C1"),
           "String was not recognized as a valid Boolean.",
           "`exclusiveMinimum`/`exclusiveMaximum` must be booleans in 3.0; the 2020-12 numeric form fails bool.Parse.")
def _numeric_exclusive(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, schema in s.schemas:
        for key in ("exclusiveMinimum", "exclusiveMaximum"):
            if key in schema and not isinstance(schema[key], bool):
                yield jp.join(where, key), f"{key} {schema[key]!r} is not a boolean"


def _value_sites(s: LintSubject) -> Iterator[tuple[str, Any, Any]]:
    """(value pointer, value, schema) for every example, default and enum value APIM checks."""
    for where, schema in s.schemas:
        for key in ("example", "default"):
            if key in schema:
                yield jp.join(where, key), schema[key], schema
        if isinstance(schema.get("enum"), list):
            for i, value in enumerate(schema["enum"]):
                yield jp.join(where, "enum", i), value, schema
    for where, node in s.of_kind("MediaType", "Parameter", "Header"):
        schema = node.get("schema")
        if schema is None:
            continue
        if "example" in node:
            yield jp.join(where, "example"), node["example"], schema
        examples = node.get("examples")
        if isinstance(examples, dict):
            for name, example in examples.items():
                example = s.deref(example)
                if isinstance(example, dict) and "value" in example:
                    yield jp.join(where, "examples", name, "value"), example["value"], schema


def data_type_mismatches(s: LintSubject) -> Iterator[tuple[str, str]]:
    for value_ptr, value, schema in _value_sites(s):
        for bad in mismatches(value, schema, value_ptr, s.deref):
            yield bad, "Data and type mismatch found."


@apim_rule("data-type-mismatch", "error", "rule 33", address("I5", "C1-rules"), "Data and type mismatch found.",
           "An example, default or enum value that does not match its schema's type + format (OpenAPI.NET's "
           "SchemaMismatchedDataType; null only with `nullable: true`; int64 out of range; bad date-time).")
def _data_type_mismatch(s: LintSubject) -> Iterator[tuple[str, str]]:
    return data_type_mismatches(s)


@apim_rule("discriminator-not-required", "error", "rule 34", address("I7", "C1-rules"),
           "Schema <Name> must contain property specified in the discriminator <prop> in the required field list.",
           "A discriminator's propertyName must be in the schema's own `required` list.")
def _discriminator(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, schema in s.schemas:
        disc = schema.get("discriminator")
        name = disc.get("propertyName") if isinstance(disc, dict) else None
        if isinstance(name, str) and name not in (schema.get("required") or []):
            yield jp.join(where, "discriminator"), (
                f"Schema {where.rsplit('/', 1)[-1]} must contain property specified in the discriminator {name} "
                "in the required field list.")


@apim_rule("component-key-pattern", "error", "rule 35", address("I8", "C1-rules"),
           "The key '..' in 'schemas' of components MUST match the regular expression '^[a-zA-Z0-9\\.\\-_]+$'.",
           "Every key under `components` must match APIM's pattern.")
def _component_keys(s: LintSubject) -> Iterator[tuple[str, str]]:
    components = s.document.get("components")
    for group, entries in (components.items() if isinstance(components, dict) else []):
        if isinstance(entries, dict) and not group.startswith("x-"):
            for key in entries:
                if not COMPONENT_KEY.fullmatch(key):
                    yield jp.join("#/components", group, key), (
                        f"The key '{key}' in '{group}' of components MUST match the regular expression "
                        "'^[a-zA-Z0-9\\.\\-_]+$'.")


@apim_rule("ref-siblings", "warning", "rules 36, 47", address("C1", "EXPORTS"),
           "(none: the siblings are dropped silently)",
           "A schema `$ref` with sibling keywords (`nullable`, `description`...): APIM keeps only the reference.")
def _ref_siblings(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, node in s.of_kind("Reference"):
        extra = [k for k in node if k != "$ref" and not k.startswith("x-")]
        if extra:
            yield where, f"$ref siblings {', '.join(extra)} are dropped by APIM (wrap the reference in allOf)"


@apim_rule("dangling-ref", "error", "rule 39", address("I1"),
           "Error resolving $ref pointer \"#/...\" Token \"..\" does not exist.",
           "A local `$ref` that points at nothing.")
def _dangling(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, node in s.of_kind("Reference"):
        ref = node["$ref"]
        if ref.startswith("#") and jp.resolve(s.document, ref, default=None) is None:
            yield where, f"$ref {ref!r} does not resolve"


@apim_rule("recursive-schema", "error", "rule 12", address("D1", "D2"),
           "Recursion is not supported (recursively defined definitions)",
           "A cycle of schema references (a schema that refers to itself, directly or through others).")
def _recursion(s: LintSubject) -> Iterator[tuple[str, str]]:
    for cycle in recursive_cycles(s.document):
        names = " -> ".join(cycle + [cycle[0]])
        yield jp.join("#/components/schemas", cycle[0]), f"recursive schemas: {names}"


@apim_rule("required-empty", "error", "rule 44", address("OAS303"),
           "[] is too short (OAS 3.0 `required` needs at least one item)",
           "`required: []` is invalid in 3.0.")
def _required_empty(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, schema in s.schemas:
        if schema.get("required") == []:
            yield jp.join(where, "required"), "required is an empty list"


@apim_rule("enum-empty", "error", "rule 44", address("OAS303"),
           "[] is too short (OAS 3.0 `enum` needs at least one item)",
           "`enum: []` is invalid in 3.0.")
def _enum_empty(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, schema in s.schemas:
        if schema.get("enum") == []:
            yield jp.join(where, "enum"), "enum is an empty list"


@apim_rule("array-without-items", "error", "rule 45", address("OAS303"), "items must be present if type is array",
           "A `type: array` schema without `items` (3.1 allows it, 3.0.3 does not).")
def _array_items(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, schema in s.schemas:
        if schema.get("type") == "array" and "items" not in schema:
            yield where, "type array without items"


# --------------------------------------------------------------------------------------------------- operations


@apim_rule("operation-id-clash", "warning", "rules 23, 25", address("D1", "D2"),
           "(none: APIM renames the later operation with a -1 suffix, which breaks re-import matching)",
           "Two operationIds that are equal after APIM's normalisation (lower case, non-alphanumerics to '-', "
           "76 characters).")
def _operation_ids(s: LintSubject) -> Iterator[tuple[str, str]]:
    seen: dict[str, str] = {}
    for where, path, method, op in s.operations():
        raw = op.get("operationId")
        name = normalise_operation_id(raw) if isinstance(raw, str) else normalise_operation_id(f"{method}-{path}")
        if name in seen:
            yield jp.join(where, "operationId"), f"operation name {name!r} is also the name of {seen[name]}"
        else:
            seen[name] = f"{method.upper()} {path}"


@apim_rule("operation-id-truncated", "warning", "rule 23", address("D1", "D2"),
           "(none: the operation name is cut at 76 characters)",
           "An operationId longer than 76 characters after normalisation: APIM truncates the resource name.")
def _operation_id_length(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, _path, _method, op in s.operations():
        raw = op.get("operationId")
        if isinstance(raw, str) and len(normalise_operation_id(raw, limit=None)) > 76:
            yield jp.join(where, "operationId"), f"operationId {raw!r} is cut to {normalise_operation_id(raw)!r}"


@apim_rule("summary-too-long", "error", "rule 24", address("D1", "D2"),
           "The display name must be at most 300 characters",
           "An operation summary becomes its display name, which APIM limits to 300 characters.")
def _summary(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, _path, _method, op in s.operations():
        summary = op.get("summary")
        if isinstance(summary, str) and len(summary) > MAX_SUMMARY:
            yield jp.join(where, "summary"), f"summary is {len(summary)} characters (max {MAX_SUMMARY})"


@apim_rule("get-head-body", "warning", "rule 2", address("D1"), "(none: the request body is discarded)",
           "A request body on GET, HEAD or OPTIONS is dropped by APIM.")
def _get_body(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, _path, method, op in s.operations():
        if method in ("get", "head", "options") and "requestBody" in op:
            yield jp.join(where, "requestBody"), f"{method.upper()} request body is discarded by APIM"


@apim_rule("cookie-parameter", "warning", "rule 18", address("D2"), "(none: cookie parameters are not supported)",
           "Cookie parameters are not imported; enforce them with a policy.")
def _cookie(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, node in s.of_kind("Parameter"):
        if node.get("in") == "cookie":
            yield where, f"cookie parameter {node.get('name')!r} is not supported by APIM"


@apim_rule("query-parameter-style", "warning", "rule 17", address("D2"),
           "(none: only style form, explode true is supported)",
           "Query parameters support only the default array serialisation (`style: form`, `explode: true`).")
def _query_style(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, node in s.of_kind("Parameter"):
        if node.get("in") == "query" and (node.get("style", "form") != "form" or node.get("explode", True) is not True):
            yield where, (f"query parameter {node.get('name')!r} uses style {node.get('style', 'form')!r}, "
                          f"explode {node.get('explode', True)!r}")


@apim_rule("parameter-name-clash", "error", "rule 4", address("D1", "I16"),
           "Template parameter names must be unique (case-insensitive) across the URL template",
           "Required path and query parameter names must be unique across the URL template, ignoring case.")
def _param_clash(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, path, method, _op in s.operations():
        seen: dict[str, str] = {}
        for param in s.parameters(path, method):
            if param.get("in") == "path" or (param.get("in") == "query" and param.get("required") is True):
                name = str(param.get("name", ""))
                if name.lower() in seen and seen[name.lower()] != f"{param.get('in')}:{name}":
                    yield where, f"parameters {seen[name.lower()]!r} and '{param.get('in')}:{name}' clash ignoring case"
                seen.setdefault(name.lower(), f"{param.get('in')}:{name}")


@apim_rule("path-parameter-undeclared", "error", "rule 5", address("D1", "D2"),
           "All template parameters must be defined",
           "Every `{name}` of the path must have an `in: path` parameter, and every path parameter a `{name}`.")
def _path_params(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, path, method, _op in s.operations():
        template = set(re.findall(r"\{([^{}]+)\}", path))
        declared = {str(p.get("name")) for p in s.parameters(path, method) if p.get("in") == "path"}
        for name in sorted(template - declared):
            yield where, f"path template parameter {{{name}}} is not declared"
        for name in sorted(str(n) for n in declared - template):
            yield where, f"path parameter {name!r} is not in the path template"


@apim_rule("required-query-template", "info", "rule 1", address("D1", "I10c"),
           "Unable to match incoming request to an operation (404, when the client omits the parameter)",
           "Required query parameters (such as `api-version`) become URL template parameters unless the API sets "
           "translateRequiredQueryParameters to `query`.")
def _required_query(s: LintSubject) -> Iterator[tuple[str, str]]:
    names: dict[str, int] = {}
    for _where, path, method, _op in s.operations():
        for param in s.parameters(path, method):
            if param.get("in") == "query" and param.get("required") is True:
                names[str(param.get("name"))] = names.get(str(param.get("name")), 0) + 1
    for name, count in sorted(names.items()):
        yield "#/paths", (f"required query parameter {name!r} ({count} operations) becomes a template parameter; "
                          "import with translateRequiredQueryParameters=query or make it optional")


@apim_rule("operation-servers", "warning", "rule 13", address("D2"),
           "(none: operation-level servers are not supported)",
           "`servers` on a path item or operation is ignored.")
def _operation_servers(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, node in s.of_kind("PathItem", "Operation"):
        if "servers" in node:
            yield jp.join(where, "servers"), "path- or operation-level servers are ignored by APIM"


# fields of OAS 3.0 objects that APIM lists as not supported (servers and security have rules of their own)
UNSUPPORTED_FIELDS: dict[str, tuple[str, ...]] = {
    "OpenAPI": ("externalDocs",), "PathItem": ("trace",), "Operation": ("externalDocs", "callbacks"),
    "Response": ("links",), "Parameter": ("allowEmptyValue", "allowReserved"),
}


def unsupported_fields(kind: str, node: dict[str, Any]) -> list[str]:
    """The fields of one object that APIM drops on import. `style`/`explode` count on path and header parameters;
    on query parameters they have `query-parameter-style`."""
    fields = [k for k in UNSUPPORTED_FIELDS.get(kind, ()) if k in node]
    if kind == "Parameter" and node.get("in") in ("path", "header"):
        fields += [k for k in ("style", "explode") if k in node]
    return fields


@apim_rule("unsupported-field", "warning", "rule 22", address("D2"), "(none: the field is ignored)",
           "Fields APIM does not support: root and operation `externalDocs`, operation `callbacks`, response "
           "`links`, the TRACE method, parameter `allowEmptyValue`/`allowReserved`, and `style`/`explode` on "
           "path and header parameters. `apim prepare` removes them, each a listed loss.")
def _unsupported_fields(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, kind, node in s.objects:
        for key in unsupported_fields(kind, node):
            yield jp.join(where, key), f"{kind} field {key!r} is not supported by APIM (dropped on import)"


@apim_rule("unsupported-components", "warning", "rule 22", address("D2"),
           "(none: these component groups are not imported)",
           "Components other than schemas: responses, parameters, examples, requestBodies, headers, links, "
           "callbacks are not supported (inline them: `apim prepare`).")
def _unsupported_components(s: LintSubject) -> Iterator[tuple[str, str]]:
    components = s.document.get("components")
    for group in ("responses", "parameters", "examples", "requestBodies", "headers", "links", "callbacks"):
        if isinstance(components, dict) and components.get(group):
            yield jp.join("#/components", group), f"components.{group} ({len(components[group])}) is not supported"


@apim_rule("media-type-examples", "info", "rule 22, M47", address("D2", "D3"), "(none: only `example` is used)",
           "APIM uses `example`, not the `examples` map, for media types and parameters.")
def _media_examples(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, node in s.of_kind("MediaType", "Parameter", "Header"):
        if node.get("examples") and "example" not in node:
            yield jp.join(where, "examples"), "examples map without example: APIM shows no example"


# --------------------------------------------------------------------------------------------------- servers, size


def _servers(s: LintSubject) -> list[tuple[str, dict[str, Any]]]:
    servers = s.document.get("servers")
    return [(jp.join("#/servers", i), srv) for i, srv in enumerate(servers or []) if isinstance(srv, dict)]


@apim_rule("server-variables", "error", "rules 21, 38", address("I11", "I10a"), "Invalid value of the Web service URL",
           "Server templating is not supported: `{endpoint}` must be substituted (or --service-url set).")
def _server_variables(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, srv in _servers(s):
        if "{" in str(srv.get("url", "")):
            yield jp.join(where, "url"), f"server url {srv.get('url')!r} has unsubstituted variables"


@apim_rule("server-not-https", "warning", "rules 6, 20", address("D1", "D2"),
           "(none: the Web service URL is left empty)",
           "APIM uses the first absolute https server URL; relative or http-only servers leave the backend empty.")
def _server_https(s: LintSubject) -> Iterator[tuple[str, str]]:
    servers = _servers(s)
    if not servers:
        yield "#/servers", "no servers: set the Web service URL on import (--service-url)"
        return
    if not any(urlparse(str(srv.get("url", ""))).scheme == "https" for _, srv in servers):
        yield "#/servers", "no absolute https server url: APIM leaves the Web service URL empty"


@apim_rule("api-url-too-long", "error", "rule 8", address("D1-zh"), "The API URL must be shorter than 128 characters",
           "The service URL must be shorter than 128 characters.")
def _url_length(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, srv in _servers(s):
        url = str(srv.get("url", ""))
        if len(url) >= MAX_API_URL:
            yield jp.join(where, "url"), f"server url is {len(url)} characters (must be under {MAX_API_URL})"


@apim_rule("security-ignored", "info", "rule 16", address("D2", "EXPORTS"), "(none: security definitions are ignored)",
           "Security schemes and requirements (root and operation `security`) are not enforced; configure "
           "authentication with policies. `apim prepare` keeps them, as APIM's own exports do.")
def _security(s: LintSubject) -> Iterator[tuple[str, str]]:
    components = s.document.get("components")
    if (isinstance(components, dict) and components.get("securitySchemes")) or s.document.get("security"):
        yield "#/components/securitySchemes", "security definitions are ignored by APIM (use policies)"
    for where, _path, _method, op in s.operations():
        if "security" in op:
            yield jp.join(where, "security"), "operation security is not supported by APIM (use policies)"


@apim_rule("preview-header-missing", "warning", "catalog v1 surface", address("CATALOG"),
           "(none: requests without the opt-in header are refused by Azure OpenAI)",
           "A v1 preview path whose opt-in header (e.g. `aoai-evals: preview`) is not declared as a parameter.")
def _preview_headers(s: LintSubject) -> Iterator[tuple[str, str]]:
    if s.catalog is None or not _is_azure_v1(s.document):
        return
    for where, path, method, _op in s.operations():
        header = s.catalog.preview_header(path)
        if header is None:
            continue
        names = {str(p.get("name", "")).lower() for p in s.parameters(path, method) if p.get("in") == "header"}
        if header.name.lower() not in names:
            yield where, f"preview path needs header {header.name}: {header.value}"


def _is_azure_v1(document: dict[str, Any]) -> bool:
    """An Azure OpenAI v1-surface document: its server URL ends in /openai/v1 on an Azure host."""
    for srv in document.get("servers") or []:
        url = str(srv.get("url", "")) if isinstance(srv, dict) else ""
        if "/openai/v1" in url and ("azure" in url or "{endpoint}" in url or "cognitiveservices" in url):
            return True
    return False

