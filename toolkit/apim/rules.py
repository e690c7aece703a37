"""APIM import rules: one declarative rule per documented restriction or OpenAPI.NET v1 reader rule.

Each rule has a stable id, a level (error: the import fails or silently loses meaning; warning: APIM ignores or
changes something; info: advice), the checklist row it comes from (`research/apim-import-and-downgrade.md` §2)
and the APIM / OpenAPI.NET error text it prevents. `lint(document)` runs them all.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urlparse

from .. import pointer as jp
from ..catalog import Catalog
from ..findings import Finding, RuleSet
from ..model import Spec
from .datatypes import mismatches
from .naming import COMPONENT_KEY, normalise_operation_id
from .recursion import recursive_cycles
from .structure import METHODS, unknown_fields, walk

MAX_INLINE_BYTES = 4 * 1024 * 1024
MAX_SUMMARY = 300
MAX_API_URL = 128


@dataclass
class LintSubject:
    """The document under check plus the lookups several rules share."""

    document: dict[str, Any]
    catalog: Catalog | None = None

    @cached_property
    def spec(self) -> Spec:
        return Spec(self.document)

    @cached_property
    def objects(self) -> list[tuple[str, str, dict[str, Any]]]:
        return list(walk(self.document))

    def of_kind(self, *kinds: str) -> Iterator[tuple[str, dict[str, Any]]]:
        return ((w, n) for w, k, n in self.objects if k in kinds)

    @cached_property
    def schemas(self) -> list[tuple[str, dict[str, Any]]]:
        return [(w, n) for w, n in self.of_kind("Schema")]

    def deref(self, node: Any) -> Any:
        return self.spec.try_deref(node)

    def operations(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """(pointer, path, method, operation) for every operation, in document order."""
        paths = self.document.get("paths")
        if not isinstance(paths, dict):
            return
        for path, item in paths.items():
            if isinstance(item, dict):
                for method in METHODS:
                    if isinstance(item.get(method), dict):
                        yield jp.join("#/paths", path, method), path, method, item[method]

    def parameters(self, path: str, method: str) -> list[dict[str, Any]]:
        item = self.document["paths"][path]
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for raw in list(item.get("parameters") or []) + list(item[method].get("parameters") or []):
            param = self.deref(raw)
            if isinstance(param, dict):
                merged[(str(param.get("in")), str(param.get("name")))] = param
        return list(merged.values())


@dataclass(frozen=True)
class RuleDoc:
    id: str
    level: str
    source: str
    prevents: str
    description: str


RULES: RuleSet[LintSubject] = RuleSet()
RULE_DOCS: list[RuleDoc] = []

Check = Callable[[LintSubject], Iterable[tuple[str, str]]]


def apim_rule(id: str, level: str, source: str, prevents: str, description: str) -> Callable[[Check], Check]:
    """Register a rule with the APIM error text it prevents and the checklist row it implements."""

    def register(check: Check) -> Check:
        RULES.rule(id, level, description)(check)
        RULE_DOCS.append(RuleDoc(id, level, source, prevents, description))
        return check

    return register


def lint(document: dict[str, Any], *, catalog: Catalog | None = None) -> list[Finding]:
    """Every APIM import finding for a document (3.0 or 3.1), in rule order. A rule that meets a value of the wrong
    type (a malformed document) reports that it could not check, as an error, instead of crashing."""
    subject = LintSubject(document, catalog)
    findings: list[Finding] = []
    for rule in RULES.rules:
        try:
            findings.extend(rule.run(subject))
        except (TypeError, AttributeError, KeyError, ValueError, IndexError) as exc:
            findings.append(Finding(rule.id, "error", "#", f"could not check a malformed document "
                                                           f"({type(exc).__name__}: {exc})"[:200]))
    return findings


# --------------------------------------------------------------------------------------------------- the reader


@apim_rule("openapi-version", "error", "rules 9, 28, 46",
           "The input OpenAPI file is not valid for the OpenAPI specification .../versions/3.0.1.md",
           "APIM reads OpenAPI 2.0 and 3.0.x with OpenAPI.NET v1; a 3.1 document is read with the 3.0 reader.")
def _openapi_version(s: LintSubject) -> Iterator[tuple[str, str]]:
    version = s.document.get("openapi")
    if not (isinstance(version, str) and re.fullmatch(r"3\.0\.\d+", version)):
        yield "#/openapi", f"openapi {version!r} is not 3.0.x: APIM validates against OAS 3.0.1 (run `apim prepare`)"


@apim_rule("not-a-valid-property", "error", "rule 32", "<name> is not a valid property at #/...",
           "A field that the OAS 3.0 object does not define and that is not an `x-` extension (3.1 keywords such as "
           "`const`, `examples`, `$defs`, `webhooks`, typos such as `max_items`).")
def _unknown_fields(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, kind, node in s.objects:
        for key in unknown_fields(kind, node):
            if kind == "Info" and key == "summary":
                continue  # its own rule
            yield jp.join(where, key), f"{key} is not a valid property at {where} ({kind} object)"


@apim_rule("info-summary", "error", "rule 31", "summary is not a valid property at #/info",
           "`info.summary` is a 3.1 field; APIM's import fails on it (tracked by Microsoft as an internal bug).")
def _info_summary(s: LintSubject) -> Iterator[tuple[str, str]]:
    info = s.document.get("info")
    if isinstance(info, dict) and "summary" in info:
        yield "#/info/summary", "info.summary is 3.1 only: fold it into info.description"


@apim_rule("type-array", "error", "rule 29", "Cannot create a scalar value from this type of node.",
           "`type` must be one string: a list (`[string, \"null\"]`) fails the reader.")
def _type_array(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, schema in s.schemas:
        if "type" in schema and not isinstance(schema["type"], str):
            yield jp.join(where, "type"), f"Cannot create a scalar value from this type of node: type {schema['type']!r}"
        elif schema.get("type") == "null":
            yield jp.join(where, "type"), "type 'null' does not exist in OAS 3.0 (use nullable: true)"


@apim_rule("numeric-exclusive-bound", "error", "rule 30", "String was not recognized as a valid Boolean.",
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


@apim_rule("data-type-mismatch", "error", "rule 33", "Data and type mismatch found.",
           "An example, default or enum value that does not match its schema's type + format (OpenAPI.NET's "
           "SchemaMismatchedDataType; null only with `nullable: true`; int64 out of range; bad date-time).")
def _data_type_mismatch(s: LintSubject) -> Iterator[tuple[str, str]]:
    return data_type_mismatches(s)


@apim_rule("discriminator-not-required", "error", "rule 34",
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


@apim_rule("component-key-pattern", "error", "rule 35",
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


@apim_rule("ref-siblings", "warning", "rules 36, 47", "(none: the siblings are dropped silently)",
           "A schema `$ref` with sibling keywords (`nullable`, `description`...): APIM keeps only the reference.")
def _ref_siblings(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, node in s.of_kind("Reference"):
        extra = [k for k in node if k != "$ref" and not k.startswith("x-")]
        if extra:
            yield where, f"$ref siblings {', '.join(extra)} are dropped by APIM (wrap the reference in allOf)"


@apim_rule("dangling-ref", "error", "rule 39", "Error resolving $ref pointer \"#/...\" Token \"..\" does not exist.",
           "A local `$ref` that points at nothing.")
def _dangling(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, node in s.of_kind("Reference"):
        ref = node["$ref"]
        if ref.startswith("#") and jp.resolve(s.document, ref, default=None) is None:
            yield where, f"$ref {ref!r} does not resolve"


@apim_rule("external-ref", "error", "rule 7", "$ref cannot point to external files",
           "APIM cannot follow `$ref`s to other files or URLs (bundle them: `aoai-spec bundle`).")
def _external(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, node in s.of_kind("Reference"):
        if not node["$ref"].startswith("#"):
            yield where, f"external $ref {node['$ref']!r}"


@apim_rule("recursive-schema", "error", "rule 12", "Recursion is not supported (recursively defined definitions)",
           "A cycle of schema references (a schema that refers to itself, directly or through others).")
def _recursion(s: LintSubject) -> Iterator[tuple[str, str]]:
    for cycle in recursive_cycles(s.document):
        names = " -> ".join(cycle + [cycle[0]])
        yield jp.join("#/components/schemas", cycle[0]), f"recursive schemas: {names}"


@apim_rule("required-empty", "error", "rule 44", "[] is too short (OAS 3.0 `required` needs at least one item)",
           "`required: []` is invalid in 3.0.")
def _required_empty(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, schema in s.schemas:
        if schema.get("required") == []:
            yield jp.join(where, "required"), "required is an empty list"


@apim_rule("enum-empty", "error", "rule 44", "[] is too short (OAS 3.0 `enum` needs at least one item)",
           "`enum: []` is invalid in 3.0.")
def _enum_empty(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, schema in s.schemas:
        if schema.get("enum") == []:
            yield jp.join(where, "enum"), "enum is an empty list"


@apim_rule("array-without-items", "error", "rule 45", "items must be present if type is array",
           "A `type: array` schema without `items` (3.1 allows it, 3.0.3 does not).")
def _array_items(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, schema in s.schemas:
        if schema.get("type") == "array" and "items" not in schema:
            yield where, "type array without items"


# --------------------------------------------------------------------------------------------------- operations


@apim_rule("operation-id-clash", "warning", "rules 23, 25",
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


@apim_rule("operation-id-truncated", "warning", "rule 23", "(none: the operation name is cut at 76 characters)",
           "An operationId longer than 76 characters after normalisation: APIM truncates the resource name.")
def _operation_id_length(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, _path, _method, op in s.operations():
        raw = op.get("operationId")
        if isinstance(raw, str) and len(normalise_operation_id(raw, limit=None)) > 76:
            yield jp.join(where, "operationId"), f"operationId {raw!r} is cut to {normalise_operation_id(raw)!r}"


@apim_rule("summary-too-long", "error", "rule 24", "The display name must be at most 300 characters",
           "An operation summary becomes its display name, which APIM limits to 300 characters.")
def _summary(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, _path, _method, op in s.operations():
        summary = op.get("summary")
        if isinstance(summary, str) and len(summary) > MAX_SUMMARY:
            yield jp.join(where, "summary"), f"summary is {len(summary)} characters (max {MAX_SUMMARY})"


@apim_rule("get-head-body", "warning", "rule 2", "(none: the request body is discarded)",
           "A request body on GET, HEAD or OPTIONS is dropped by APIM.")
def _get_body(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, _path, method, op in s.operations():
        if method in ("get", "head", "options") and "requestBody" in op:
            yield jp.join(where, "requestBody"), f"{method.upper()} request body is discarded by APIM"


@apim_rule("cookie-parameter", "warning", "rule 18", "(none: cookie parameters are not supported)",
           "Cookie parameters are not imported; enforce them with a policy.")
def _cookie(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, node in s.of_kind("Parameter"):
        if node.get("in") == "cookie":
            yield where, f"cookie parameter {node.get('name')!r} is not supported by APIM"


@apim_rule("query-parameter-style", "warning", "rule 17", "(none: only style form, explode true is supported)",
           "Query parameters support only the default array serialisation (`style: form`, `explode: true`).")
def _query_style(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, node in s.of_kind("Parameter"):
        if node.get("in") == "query" and (node.get("style", "form") != "form" or node.get("explode", True) is not True):
            yield where, (f"query parameter {node.get('name')!r} uses style {node.get('style', 'form')!r}, "
                          f"explode {node.get('explode', True)!r}")


@apim_rule("parameter-name-clash", "error", "rule 4",
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


@apim_rule("path-parameter-undeclared", "error", "rule 5", "All template parameters must be defined",
           "Every `{name}` of the path must have an `in: path` parameter, and every path parameter a `{name}`.")
def _path_params(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, path, method, _op in s.operations():
        template = set(re.findall(r"\{([^{}]+)\}", path))
        declared = {str(p.get("name")) for p in s.parameters(path, method) if p.get("in") == "path"}
        for name in sorted(template - declared):
            yield where, f"path template parameter {{{name}}} is not declared"
        for name in sorted(str(n) for n in declared - template):
            yield where, f"path parameter {name!r} is not in the path template"


@apim_rule("required-query-template", "info", "rule 1",
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


@apim_rule("operation-servers", "warning", "rule 13", "(none: operation-level servers are not supported)",
           "`servers` on a path item or operation is ignored.")
def _operation_servers(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, node in s.of_kind("PathItem", "Operation"):
        if "servers" in node:
            yield jp.join(where, "servers"), "path- or operation-level servers are ignored by APIM"


@apim_rule("unsupported-field", "warning", "rule 22", "(none: the field is ignored)",
           "Fields APIM does not process: operation callbacks, response links, the TRACE method, "
           "allowEmptyValue/allowReserved.")
def _unsupported_fields(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, kind, node in s.objects:
        fields = {"Operation": ("callbacks",), "Response": ("links",), "PathItem": ("trace",),
                  "Parameter": ("allowEmptyValue", "allowReserved")}.get(kind, ())
        for key in fields:
            if key in node:
                yield jp.join(where, key), f"{kind} field {key!r} is ignored by APIM"


@apim_rule("unsupported-components", "warning", "rule 22", "(none: these component groups are not imported)",
           "Components other than schemas: responses, parameters, examples, requestBodies, headers, links, "
           "callbacks are not supported (inline them: `apim prepare`).")
def _unsupported_components(s: LintSubject) -> Iterator[tuple[str, str]]:
    components = s.document.get("components")
    for group in ("responses", "parameters", "examples", "requestBodies", "headers", "links", "callbacks"):
        if isinstance(components, dict) and components.get(group):
            yield jp.join("#/components", group), f"components.{group} ({len(components[group])}) is not supported"


@apim_rule("media-type-examples", "info", "rule 22, M47", "(none: only `example` is used)",
           "APIM uses `example`, not the `examples` map, for media types and parameters.")
def _media_examples(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, node in s.of_kind("MediaType", "Parameter", "Header"):
        if node.get("examples") and "example" not in node:
            yield jp.join(where, "examples"), "examples map without example: APIM shows no example"


# --------------------------------------------------------------------------------------------------- servers, size


def _servers(s: LintSubject) -> list[tuple[str, dict[str, Any]]]:
    servers = s.document.get("servers")
    return [(jp.join("#/servers", i), srv) for i, srv in enumerate(servers or []) if isinstance(srv, dict)]


@apim_rule("server-variables", "error", "rules 21, 38", "Invalid value of the Web service URL",
           "Server templating is not supported: `{endpoint}` must be substituted (or --service-url set).")
def _server_variables(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, srv in _servers(s):
        if "{" in str(srv.get("url", "")):
            yield jp.join(where, "url"), f"server url {srv.get('url')!r} has unsubstituted variables"


@apim_rule("server-not-https", "warning", "rules 6, 20", "(none: the Web service URL is left empty)",
           "APIM uses the first absolute https server URL; relative or http-only servers leave the backend empty.")
def _server_https(s: LintSubject) -> Iterator[tuple[str, str]]:
    servers = _servers(s)
    if not servers:
        yield "#/servers", "no servers: set the Web service URL on import (--service-url)"
        return
    if not any(urlparse(str(srv.get("url", ""))).scheme == "https" for _, srv in servers):
        yield "#/servers", "no absolute https server url: APIM leaves the Web service URL empty"


@apim_rule("api-url-too-long", "error", "rule 8", "The API URL must be shorter than 128 characters",
           "The service URL must be shorter than 128 characters.")
def _url_length(s: LintSubject) -> Iterator[tuple[str, str]]:
    for where, srv in _servers(s):
        url = str(srv.get("url", ""))
        if len(url) >= MAX_API_URL:
            yield jp.join(where, "url"), f"server url is {len(url)} characters (must be under {MAX_API_URL})"


@apim_rule("size-limit", "error", "rule 10", "The request content is too large (4 MB inline import limit)",
           "Minified JSON over 4 MiB cannot be imported inline; host it and import by URL.")
def _size(s: LintSubject) -> Iterator[tuple[str, str]]:
    size = len(json.dumps(s.document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    if size > MAX_INLINE_BYTES:
        yield "#", f"minified JSON is {size:,} bytes, over the {MAX_INLINE_BYTES:,}-byte inline limit"


@apim_rule("security-ignored", "info", "rule 16", "(none: security definitions are ignored)",
           "Security schemes and requirements are not imported; configure authentication with policies.")
def _security(s: LintSubject) -> Iterator[tuple[str, str]]:
    components = s.document.get("components")
    if (isinstance(components, dict) and components.get("securitySchemes")) or s.document.get("security"):
        yield "#/components/securitySchemes", "security definitions are ignored by APIM (use policies)"


@apim_rule("preview-header-missing", "warning", "catalog v1 surface",
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

