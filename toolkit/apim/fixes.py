"""The safe fixes `apim prepare` applies after the downgrade, one registered unit each, in table order.

Every fix says what it changed as a `Finding` (id = the fix id) so users can see exactly how the imported API
differs from the upstream document. What APIM keeps (compared with its own exports of 2024-05-01-preview and
2025-04-01-preview) guided the choices: schemas and security schemes stay in `components`, everything else is
inlined; custom extensions are dropped (APIM does not keep them either); operationIds stay as they are unless
APIM's own normalisation would make them clash or cut them.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .. import pointer as jp
from ..catalog import Catalog
from ..downgrade.references import iter_refs, rewrite_refs
from ..downgrade.result import Loss
from ..findings import Finding
from .datatypes import mismatches
from .naming import COMPONENT_KEY, OPERATION_NAME_LIMIT, normalise_operation_id, safe_component_key
from .recursion import back_edges
from .rules import MAX_SUMMARY, LintSubject, _is_azure_v1, _value_sites
from .structure import walk

INLINED_GROUPS = ("parameters", "responses", "requestBodies", "headers", "examples")
KEPT_EXTENSIONS = ("x-ms-paths", "x-servers")
PLACEHOLDER_HOST = "your-resource-name"


@dataclass
class PrepareContext:
    document: dict[str, Any]
    service_url: str | None = None
    api_version_as: str = "query"
    catalog: Catalog | None = None
    findings: list[Finding] = field(default_factory=list)
    losses: list[Loss] = field(default_factory=list)
    current: str = ""

    def note(self, level: str, pointer: str, message: str) -> None:
        self.findings.append(Finding(f"fix-{self.current}", level, pointer, message))

    def operations(self) -> list[tuple[str, str, str, dict[str, Any]]]:
        return list(LintSubject(self.document).operations())


@dataclass(frozen=True)
class Fix:
    id: str
    description: str
    apply: Callable[[PrepareContext], None]


FIXES: list[Fix] = []


def fix(id: str, description: str) -> Callable[[Callable[[PrepareContext], None]], Callable[[PrepareContext], None]]:
    def register(fn: Callable[[PrepareContext], None]) -> Callable[[PrepareContext], None]:
        FIXES.append(Fix(id, description, fn))
        return fn

    return register


@fix("inline-components", "References to components parameters/responses/requestBodies/headers/examples are "
                          "replaced by copies; those groups (and links, callbacks) are removed (rule 22).")
def inline_components(ctx: PrepareContext) -> None:
    components = ctx.document.get("components")
    if not isinstance(components, dict) or not any(components.get(g) for g in INLINED_GROUPS):
        return
    prefixes = tuple(f"#/components/{g}/" for g in INLINED_GROUPS)
    count = 0
    for _ in range(32):  # a response may reference a header that references an example...
        sites = [(w, n) for w, n in iter_refs(ctx.document) if n["$ref"].startswith(prefixes)
                 and not w.startswith(prefixes)]
        if not sites:
            break
        for _where, node in sites:
            target = jp.resolve(ctx.document, node["$ref"], default=None)
            node.clear()
            if isinstance(target, dict):
                node.update(copy.deepcopy(target))
            count += 1
    for group in (*INLINED_GROUPS, "links", "callbacks"):
        if group in components:
            del components[group]
    ctx.note("info", "#/components", f"{count} references to non-schema components inlined")


@fix("drop-unsupported", "Operation callbacks, response links, path/operation servers and allowEmptyValue/"
                         "allowReserved are removed (APIM ignores them, rules 13 and 22).")
def drop_unsupported(ctx: PrepareContext) -> None:
    drop = {"Operation": ("callbacks", "servers"), "Response": ("links",), "PathItem": ("servers",),
            "Parameter": ("allowEmptyValue", "allowReserved")}
    for where, kind, node in list(walk(ctx.document)):
        for key in drop.get(kind, ()):
            if key in node:
                del node[key]
                ctx.note("warning", jp.join(where, key), f"{kind} {key} removed (not supported by APIM)")


@fix("media-type-examples", "Media-type, parameter and header `examples` maps become a single `example` (the "
                            "first value), which is what APIM uses (M47).")
def media_type_examples(ctx: PrepareContext) -> None:
    count = 0
    for _where, kind, node in walk(ctx.document):
        if kind not in ("MediaType", "Parameter", "Header") or "examples" not in node:
            continue
        examples = node.pop("examples")
        if "example" not in node and isinstance(examples, dict):
            for example in examples.values():
                if isinstance(example, dict) and "value" in example:
                    node["example"] = example["value"]
                    break
        count += 1
    if count:
        ctx.note("info", "#/paths", f"{count} examples maps reduced to one example")


@fix("get-head-body", "Request bodies on GET/HEAD/OPTIONS are removed, with a finding (APIM discards them).")
def get_head_body(ctx: PrepareContext) -> None:
    for where, _path, method, op in ctx.operations():
        if method in ("get", "head", "options") and "requestBody" in op:
            del op["requestBody"]
            ctx.note("warning", jp.join(where, "requestBody"), f"{method.upper()} request body removed")


@fix("query-parameter-style", "A non-default style/explode on a scalar query parameter (where it changes "
                              "nothing) is removed; on arrays and objects it stays, with the lint warning.")
def query_parameter_style(ctx: PrepareContext) -> None:
    subject = LintSubject(ctx.document)
    for where, kind, node in walk(ctx.document):
        if kind != "Parameter" or node.get("in") != "query" or not ({"style", "explode"} & set(node)):
            continue
        schema = subject.deref(node.get("schema"))
        if isinstance(schema, dict) and schema.get("type") not in ("array", "object"):
            node.pop("style", None)
            node.pop("explode", None)


@fix("component-names", "Component keys outside `^[a-zA-Z0-9.\\-_]+$` are renamed and every $ref rewritten.")
def component_names(ctx: PrepareContext) -> None:
    components = ctx.document.get("components")
    if not isinstance(components, dict):
        return
    moves: dict[str, str] = {}
    for group, entries in components.items():
        if not isinstance(entries, dict):
            continue
        for key in [k for k in entries if not COMPONENT_KEY.fullmatch(k)]:
            new, n = safe_component_key(key), 2
            while new in entries:
                new, n = f"{safe_component_key(key)}_{n}", n + 1
            entries[new] = entries.pop(key)
            moves[jp.join("#/components", group, key)] = jp.join("#/components", group, new)
            ctx.note("info", jp.join("#/components", group, new), f"component {key!r} renamed to {new!r}")
    rewrite_refs(ctx.document, moves)


@fix("recursion", "Reference cycles are cut: each back reference becomes an unconstrained schema with a "
                  "description (APIM does not support recursion, rule 12; research §7.8).")
def recursion(ctx: PrepareContext) -> None:
    for where, target in back_edges(ctx.document):
        node = jp.resolve(ctx.document, where, default=None)
        if not isinstance(node, dict):
            continue
        node.clear()
        node["description"] = f"Recursive reference to {target} (not supported by API Management); any value."
        ctx.note("warning", where, f"recursive reference to {target} cut")
        ctx.losses.append(Loss("recursion-cut", where, f"recursive reference to {target} replaced by {{}}"))


@fix("operation-ids", "operationIds are made unique after APIM's normalisation and kept within 76 characters; "
                      "an operation without one gets `<method>-<path>`.")
def operation_ids(ctx: PrepareContext) -> None:
    used: set[str] = set()
    for where, path, method, op in ctx.operations():
        raw = op.get("operationId")
        original = raw if isinstance(raw, str) and raw.strip() else f"{method}-{path}"
        name = normalise_operation_id(original)
        full = normalise_operation_id(original, limit=None)
        if name not in used and full == name and isinstance(raw, str):
            used.add(name)
            continue
        candidate, n = name, 2
        while candidate in used:
            suffix = f"-{n}"
            candidate, n = name[: OPERATION_NAME_LIMIT - len(suffix)].rstrip("-") + suffix, n + 1
        used.add(candidate)
        new = candidate if not isinstance(raw, str) or normalise_operation_id(raw) != candidate else raw
        op["operationId"] = new
        level = "info" if not isinstance(raw, str) else "warning"
        ctx.note(level, jp.join(where, "operationId"), f"operationId {raw!r} -> {new!r}")


@fix("summaries", "Operation summaries over 300 characters (the display-name limit) are shortened.")
def summaries(ctx: PrepareContext) -> None:
    for where, _path, _method, op in ctx.operations():
        summary = op.get("summary")
        if isinstance(summary, str) and len(summary) > MAX_SUMMARY:
            op["summary"] = summary[: MAX_SUMMARY - 3].rstrip() + "..."
            ctx.note("info", jp.join(where, "summary"), f"summary cut from {len(summary)} to {MAX_SUMMARY} characters")


@fix("data-types", "example/default values that fail OpenAPI.NET's type + format check are removed, and "
                   "mismatching enum values dropped (rule 33).")
def data_types(ctx: PrepareContext) -> None:
    subject = LintSubject(ctx.document)
    doomed: list[str] = []
    for value_ptr, value, schema in _value_sites(subject):
        if next(mismatches(value, schema, value_ptr, subject.deref), None) is not None:
            doomed.append(value_ptr)
    for value_ptr in sorted(doomed, key=_removal_order):
        tokens = jp.split(value_ptr)
        holder = jp.resolve(ctx.document, jp.from_tokens(tokens[:-1]), default=None)
        last = tokens[-1]
        if isinstance(holder, list):
            del holder[int(last)]
            if not holder:
                enum_owner = jp.resolve(ctx.document, jp.from_tokens(tokens[:-2]))
                del enum_owner["enum"]
        elif isinstance(holder, dict) and last in holder:
            del holder[last]
        ctx.note("warning", value_ptr, "value removed: Data and type mismatch found.")
        ctx.losses.append(Loss("data-type-mismatch", value_ptr, "value does not match its type/format; removed"))


def _removal_order(pointer: str) -> tuple[str, int]:
    """Enum items are removed from the highest index down so earlier pointers stay valid."""
    head, _, last = pointer.rpartition("/")
    return (head, -int(last) if last.isdigit() else 0)


@fix("servers", "One concrete server: --service-url when given, else the variables substituted by their defaults "
                "(an empty default becomes a visible placeholder). APIM does not support server templating.")
def servers(ctx: PrepareContext) -> None:
    if ctx.service_url:
        ctx.document["servers"] = [{"url": ctx.service_url}]
        ctx.note("info", "#/servers", f"server set to {ctx.service_url}")
        return
    for i, srv in enumerate(ctx.document.get("servers") or []):
        if not isinstance(srv, dict) or "{" not in str(srv.get("url", "")):
            continue
        variables = srv.pop("variables", None) or {}

        def value(match: re.Match[str]) -> str:
            var = variables.get(match.group(1)) if isinstance(variables, dict) else None
            default = str(var.get("default", "")) if isinstance(var, dict) else ""
            default = re.sub(r"^https?://", "", default).strip("/")
            return default if default and "{" not in default else PLACEHOLDER_HOST

        srv["url"] = re.sub(r"\{([^{}]+)\}", value, str(srv["url"]))
        ctx.note("warning", jp.join("#/servers", i, "url"),
                 f"server variables substituted: {srv['url']} (set the real backend with --service-url)")


@fix("api-version", "The required `api-version` query parameter: `query` makes it optional so APIM keeps it a "
                    "query parameter; `template` keeps it required, so APIM puts it into the URL template.")
def api_version(ctx: PrepareContext) -> None:
    count = 0
    for _where, kind, node in walk(ctx.document):
        if kind == "Parameter" and node.get("in") == "query" and node.get("name") == "api-version":
            if ctx.api_version_as == "query" and node.get("required") is True:
                node["required"] = False
                count += 1
    if count:
        ctx.note("info", "#/paths", f"api-version made optional on {count} parameters, so APIM keeps it a query "
                                    "parameter (or import with translateRequiredQueryParameters=query)")
    elif ctx.api_version_as == "template":
        ctx.note("info", "#/paths", "api-version stays required: APIM makes it a template parameter "
                                    "(?api-version={api-version}); clients must send it")


@fix("preview-headers", "Azure OpenAI v1 preview paths get their opt-in header (catalog, e.g. `aoai-evals: "
                        "preview`) as a required header parameter.")
def preview_headers(ctx: PrepareContext) -> None:
    if ctx.catalog is None or not _is_azure_v1(ctx.document):
        return
    subject = LintSubject(ctx.document)
    for where, path, method, op in subject.operations():
        header = ctx.catalog.preview_header(path)
        if header is None:
            continue
        names = {str(p.get("name", "")).lower() for p in subject.parameters(path, method) if p.get("in") == "header"}
        if header.name.lower() in names:
            continue
        op.setdefault("parameters", []).append({
            "name": header.name, "in": "header", "required": True,
            "description": f"Opt-in header of this preview feature ({header.name}: {header.value}).",
            "schema": {"type": "string", "enum": [header.value], "default": header.value}})
        ctx.note("info", where, f"header parameter {header.name}: {header.value} added")


@fix("strip-extensions", "`x-` extensions are removed from every OpenAPI object except schemas (and x-ms-paths/"
                         "x-servers): APIM's own exports drop them on operations, the root and security schemes "
                         "(rule 11) but keep them inside schemas (x-ms-enum, x-ms-discriminator-value...).")
def strip_extensions(ctx: PrepareContext) -> None:
    removed = 0
    for _where, kind, node in list(walk(ctx.document)):
        if kind == "Schema":
            continue
        for key in [k for k in node if k.startswith("x-") and k not in KEPT_EXTENSIONS]:
            del node[key]
            removed += 1
    if removed:
        ctx.note("info", "#", f"{removed} extension fields removed outside schemas")
