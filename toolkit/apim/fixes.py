"""The safe fixes `apim prepare` applies after the downgrade, one registered unit each, in table order.

Every fix records each change it makes as a `Change` (id `fix-<fix id>`, a pointer, old -> new, and its kind:
`exact` when the API means the same, `lossy` when something APIM cannot take is removed, `info` for a
deliberate widening), so users can see exactly how the imported API differs from the upstream document. A fix
that renames something rewrites every reference to it. What APIM keeps (compared with its own exports of
2024-05-01-preview and 2025-04-01-preview) guided the choices: schemas and security schemes stay in
`components`, everything else is inlined; custom extensions are dropped (APIM does not keep them either).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .. import pointer as jp
from ..catalog import Catalog
from ..downgrade.references import rewrite_refs
from ..downgrade.result import Change
from ..downgrade.schema_conversions import SCHEMA_KEYWORDS_30
from ..schemas import iter_refs
from .datatypes import mismatches
from .importing import PLACEHOLDER_HOST
from .naming import COMPONENT_KEY, OPERATION_NAME_LIMIT, normalise_operation_id, safe_component_key
from .paths import rename_in_template, rename_path_key, rename_path_parameters, signature_groups, template_names
from .recursion import back_edges
from .rules import (MAX_SUMMARY, SUPPORTED_VERSIONS, TARGET_VERSION, LintSubject, _is_azure_v1, _value_sites,
                    unsupported_fields)
from .structure import METHODS, unknown_fields, walk
from .surface_rules import KEPT_EXTENSIONS

INLINED_GROUPS = ("parameters", "responses", "requestBodies", "headers", "examples")


@dataclass
class PrepareContext:
    """The document the fixes work on, the changes they record, and one walk of it that they share.

    Every fix records each change it makes, so a walk stays true until the next change: the fixes that find
    nothing to do (most of them, on most documents) reuse the last walk instead of walking the whole document
    again. A fix that changes the document while it iterates a walk keeps reading that same list, as it would
    with its own `list(walk(...))`.
    """

    document: dict[str, Any]
    service_url: str | None = None
    api_version_as: str = "query"
    catalog: Catalog | None = None
    changes: list[Change] = field(default_factory=list)
    current: str = ""
    _walked: list[tuple[str, str, dict[str, Any]]] | None = field(default=None, init=False, repr=False)

    def change(self, pointer: str, message: str, kind: str = "exact") -> None:
        self._walked = None  # the document changed: the next walk starts afresh
        self.changes.append(Change(f"fix-{self.current}", pointer, message, kind))

    def lose(self, pointer: str, message: str) -> None:
        self.change(pointer, message, "lossy")

    def objects(self) -> list[tuple[str, str, dict[str, Any]]]:
        """`walk(document)`, shared by the fixes until one records a change."""
        if self._walked is None:
            self._walked = list(walk(self.document))
        return self._walked

    def subject(self) -> LintSubject:
        subject = LintSubject(self.document)
        subject.objects = self.objects()  # the lint view reads the shared walk (it is a cached property)
        return subject

    def operations(self) -> list[tuple[str, str, str, dict[str, Any]]]:
        return list(self.subject().operations())


@dataclass(frozen=True)
class Fix:
    id: str
    description: str
    apply: Callable[[PrepareContext], None]


FIXES: list[Fix] = []


def fix(id: str, description: str) -> Callable[[Callable[[PrepareContext], None]], Callable[[PrepareContext], None]]:
    def register(fn: Callable[[PrepareContext], None]) -> Callable[[PrepareContext], None]:
        assert all(f.id != id for f in FIXES), f"duplicate fix id {id}"
        FIXES.append(Fix(id, description, fn))
        return fn

    return register


@fix("openapi-version", "`openapi` becomes 3.0.3 when it is not a version APIM documents (3.0.0-3.0.3): a 3.0.4 "
                        "document keeps its meaning under the 3.0.3 text.")
def openapi_version(ctx: PrepareContext) -> None:
    version = ctx.document.get("openapi")
    if version not in SUPPORTED_VERSIONS:
        ctx.document["openapi"] = TARGET_VERSION
        ctx.change("#/openapi", f"openapi {version!r} -> {TARGET_VERSION!r}")


@fix("invalid-fields", "Fields that the OAS 3.0 object does not define (`uniqueItems` on a Parameter, `security` "
                       "under `components`...) are removed: APIM says `is not a valid property`. A Swagger 2 style "
                       "schema keyword on a parameter or header moves into its schema when the schema lacks it. "
                       "Schemas were already handled by the downgrade (`unknown-keyword`).")
def invalid_fields(ctx: PrepareContext) -> None:
    for where, kind, node in ctx.objects():
        if kind in ("Schema", "Reference"):
            continue
        for key in unknown_fields(kind, node):
            value = node.pop(key)
            schema = node.get("schema")
            if kind in ("Parameter", "Header") and key in SCHEMA_KEYWORDS_30 and isinstance(schema, dict) \
                    and "$ref" not in schema and key not in schema:
                schema[key] = value
                ctx.change(jp.join(where, key), f"{key} moved into the {kind.lower()}'s schema (it is a schema "
                                                "keyword, not a field of the object)")
                continue
            ctx.lose(jp.join(where, key), f"{key} is not a valid property of a {kind} object; removed "
                                          f"(was {_short(value)})")


@fix("inline-components", "References to components parameters/responses/requestBodies/headers/examples are "
                          "replaced by copies; those groups (and links, callbacks) are removed (rule 22).")
def inline_components(ctx: PrepareContext) -> None:
    components = ctx.document.get("components")
    if not isinstance(components, dict):
        return
    prefixes = tuple(f"#/components/{g}/" for g in INLINED_GROUPS)
    for _ in range(32):  # a response may reference a header that references an example...
        sites = [(w, n) for w, n in iter_refs(ctx.document) if n["$ref"].startswith(prefixes)
                 and not w.startswith(prefixes)]
        if not sites:
            break
        for where, node in sites:
            ref = node["$ref"]
            target = jp.resolve(ctx.document, ref, default=None)
            node.clear()
            if isinstance(target, dict):
                node.update(copy.deepcopy(target))
            ctx.change(where, f"reference {ref} inlined")
    for group in (*INLINED_GROUPS, "links", "callbacks"):
        if group in components:
            entries = components.pop(group)
            ctx.change(jp.join("#/components", group), f"components.{group} removed ({_count(entries)} entries, "
                                                       "now inlined where they were used)")


@fix("drop-unsupported", "Fields APIM does not support are removed, each a listed loss: root and operation "
                         "externalDocs, operation callbacks, response links, TRACE operations, path/operation "
                         "servers, allowEmptyValue/allowReserved, style/explode on path and header parameters.")
def drop_unsupported(ctx: PrepareContext) -> None:
    for where, kind, node in ctx.objects():
        fields = unsupported_fields(kind, node) + [k for k in ("servers",) if k in node and kind in
                                                   ("PathItem", "Operation")]
        for key in fields:
            value = node.pop(key)
            ctx.lose(jp.join(where, key), f"{kind} {key} removed (not supported by APIM; was {_short(value)})")


@fix("cookie-parameters", "Cookie parameters are removed (APIM does not support them; check cookies in a "
                          "policy), each a listed loss.")
def cookie_parameters(ctx: PrepareContext) -> None:
    for where, kind, node in ctx.objects():
        if kind not in ("PathItem", "Operation") or not isinstance(node.get("parameters"), list):
            continue
        for i in reversed(range(len(node["parameters"]))):
            param = node["parameters"][i]
            if isinstance(param, dict) and param.get("in") == "cookie":
                del node["parameters"][i]
                ctx.lose(jp.join(where, "parameters", i), f"cookie parameter {param.get('name')!r} removed "
                                                         "(not supported by APIM)")


@fix("media-type-examples", "Media-type, parameter and header `examples` maps become a single `example` (the "
                            "first value), which is what APIM uses (M47).")
def media_type_examples(ctx: PrepareContext) -> None:
    for where, kind, node in ctx.objects():
        if kind not in ("MediaType", "Parameter", "Header") or "examples" not in node:
            continue
        examples = node.pop("examples")
        chosen = None
        if "example" not in node and isinstance(examples, dict):
            chosen = next((n for n, e in examples.items() if isinstance(e, dict) and "value" in e), None)
            if chosen is not None:
                node["example"] = examples[chosen]["value"]
        kept = f"example {chosen!r} kept as example" if chosen is not None else "example kept"
        others = _count(examples) - (chosen is not None)
        message = f"examples map removed ({kept}; {others} other(s) dropped)"
        ctx.change(jp.join(where, "examples"), message, "lossy" if others else "exact")


@fix("get-head-body", "Request bodies on GET/HEAD/OPTIONS are removed (APIM discards them).")
def get_head_body(ctx: PrepareContext) -> None:
    for where, _path, method, op in ctx.operations():
        if method in ("get", "head", "options") and "requestBody" in op:
            del op["requestBody"]
            ctx.lose(jp.join(where, "requestBody"), f"{method.upper()} request body removed (APIM discards it)")


@fix("query-parameter-style", "A non-default style/explode on a scalar query parameter (where it changes "
                              "nothing) is removed; on arrays and objects it stays, with the lint warning.")
def query_parameter_style(ctx: PrepareContext) -> None:
    subject = ctx.subject()
    for where, kind, node in ctx.objects():
        if kind != "Parameter" or node.get("in") != "query" or not ({"style", "explode"} & set(node)):
            continue
        schema = subject.deref(node.get("schema"))
        if isinstance(schema, dict) and schema.get("type") not in ("array", "object"):
            removed = {k: node.pop(k) for k in ("style", "explode") if k in node}
            ctx.change(where, f"{removed} removed from scalar query parameter {node.get('name')!r} (no effect on "
                              "a scalar)")


@fix("path-parameter-required", "A path parameter without `required: true` gets it (OAS 3.0 requires it; the "
                                "value is always present in the URL, so nothing changes on the wire).")
def path_parameter_required(ctx: PrepareContext) -> None:
    for where, kind, node in ctx.objects():
        if kind == "Parameter" and node.get("in") == "path" and node.get("required") is not True:
            was = node.get("required")
            node["required"] = True
            ctx.change(jp.join(where, "required"), f"path parameter {node.get('name')!r}: required {was!r} -> true")


@fix("duplicate-paths", "Path keys that differ only in parameter names are merged under the first one when their "
                        "methods do not overlap, with the path parameters renamed consistently. Overlapping "
                        "methods are duplicate signatures APIM refuses: they are left for the lint error.")
def duplicate_paths(ctx: PrepareContext) -> None:
    paths = ctx.document.get("paths")
    if not isinstance(paths, dict):
        return
    subject = ctx.subject()
    for keys in signature_groups(paths).values():
        target = paths[keys[0]]
        if not isinstance(target, dict):
            continue
        for other in keys[1:]:
            item = paths[other]
            if not isinstance(item, dict) or _methods(item) & _methods(target):
                continue
            renames = {old: new for old, new in zip(template_names(other), template_names(keys[0])) if old != new}
            rename_path_parameters(item, renames, subject.deref)
            _push_down_parameters(target)
            _push_down_parameters(item)
            for method in _methods(item):
                target[method] = item.pop(method)
            for key in ("summary", "description"):
                if key in item and key not in target:
                    target[key] = item.pop(key)
            leftover = [k for k in item if not k.startswith("x-")]
            del paths[other]
            shown = ", ".join(f"{{{a}}} -> {{{b}}}" for a, b in renames.items()) or "names already equal"
            ctx.change(jp.join("#/paths", other), f"merged into {keys[0]} (path parameters {shown})")
            if leftover:
                ctx.lose(jp.join("#/paths", other), f"path-item field(s) {', '.join(leftover)} dropped in the merge")


def _methods(item: dict[str, Any]) -> set[str]:
    return {m for m in METHODS if isinstance(item.get(m), dict)}


def _push_down_parameters(item: dict[str, Any]) -> None:
    """Move path-item parameters into each operation (an operation's own declaration wins), so operations can
    move between path items without gaining or losing parameters."""
    shared = item.pop("parameters", None)
    if not isinstance(shared, list) or not shared:
        return
    for method in _methods(item):
        own = item[method].setdefault("parameters", [])
        names = {(p.get("in"), p.get("name")) for p in own if isinstance(p, dict)}
        own[:0] = [copy.deepcopy(p) for p in shared
                   if not (isinstance(p, dict) and (p.get("in"), p.get("name")) in names)]


@fix("parameter-name-clash", "A path parameter whose name clashes (ignoring case) with another template or "
                             "required query parameter is renamed (`{id}` -> `{id_path}`), in the template and "
                             "its declaration: path-parameter names are not on the wire. Two clashing query "
                             "parameters cannot be renamed and stay an error.")
def parameter_name_clash(ctx: PrepareContext) -> None:
    paths = ctx.document.get("paths")
    for path in list(paths) if isinstance(paths, dict) else []:
        subject = ctx.subject()
        item = paths[path]
        if not isinstance(item, dict):
            continue
        taken: set[str] = set()
        clashing: set[str] = set()
        for method in _methods(item):
            seen: dict[str, set[str]] = {}
            for param in subject.parameters(path, method):
                if param.get("in") == "path" or (param.get("in") == "query" and param.get("required") is True):
                    name = str(param.get("name"))
                    seen.setdefault(name.lower(), set()).add(f"{param.get('in')}:{name}")
                    taken.add(name.lower())
            for entries in seen.values():
                if len(entries) > 1:
                    clashing |= {e[5:] for e in entries if e.startswith("path:")}
        renames: dict[str, str] = {}
        for name in sorted(clashing):
            new, n = f"{name}_path", 2
            while new.lower() in taken:
                new, n = f"{name}_path{n}", n + 1
            taken.add(new.lower())
            renames[name] = new
        if renames:
            rename_path_parameters(item, renames, subject.deref)
            new_path = rename_in_template(path, renames)
            rename_path_key(paths, path, new_path)
            for old, new in renames.items():
                ctx.change(jp.join("#/paths", new_path), f"path parameter {{{old}}} renamed {{{new}}} (it clashed "
                                                         f"ignoring case with another template parameter)")


@fix("component-names", "Component keys outside `^[a-zA-Z0-9.\\-_]+$` are renamed, and every reference to them "
                        "rewritten: `$ref`s, discriminator mappings (pointers and bare names), and the root and "
                        "operation `security` requirements naming a security scheme.")
def component_names(ctx: PrepareContext) -> None:
    components = ctx.document.get("components")
    if not isinstance(components, dict):
        return
    moves: dict[str, str] = {}
    renamed: dict[str, dict[str, str]] = {}
    for group, entries in components.items():
        if not isinstance(entries, dict) or group.startswith("x-"):
            continue
        for key in [k for k in entries if not COMPONENT_KEY.fullmatch(k)]:
            new, n = safe_component_key(key), 2
            while new in entries:
                new, n = f"{safe_component_key(key)}_{n}", n + 1
            entries[new] = entries.pop(key)
            moves[jp.join("#/components", group, key)] = jp.join("#/components", group, new)
            renamed.setdefault(group, {})[key] = new
            ctx.change(jp.join("#/components", group, new), f"component {key!r} renamed {new!r}")
    rewrite_refs(ctx.document, moves)
    _rename_bare_mappings(ctx, renamed.get("schemas", {}))
    _rename_security_requirements(ctx, renamed.get("securitySchemes", {}))


def _rename_bare_mappings(ctx: PrepareContext, renamed: dict[str, str]) -> None:
    """Discriminator mapping values may name a schema without a pointer (`dog: Dog`)."""
    if not renamed:
        return
    for where, schema in ctx.subject().schemas:
        discriminator = schema.get("discriminator")
        mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
        for value, target in (mapping.items() if isinstance(mapping, dict) else []):
            if target in renamed:
                mapping[value] = renamed[target]
                ctx.change(jp.join(where, "discriminator", "mapping", value),
                           f"mapping {target!r} -> {renamed[target]!r}")


def _rename_security_requirements(ctx: PrepareContext, renamed: dict[str, str]) -> None:
    if not renamed:
        return
    holders = [("#", ctx.document)] + [(where, op) for where, _p, _m, op in ctx.operations()]
    for where, holder in holders:
        for i, requirement in enumerate(holder.get("security") or []):
            if isinstance(requirement, dict) and set(requirement) & set(renamed):
                holder["security"][i] = {renamed.get(k, k): v for k, v in requirement.items()}
                ctx.change(jp.join(where, "security", i), "security requirement renamed: " + ", ".join(
                    f"{k!r} -> {renamed[k]!r}" for k in requirement if k in renamed))


@fix("recursion", "Reference cycles are cut: each back reference becomes an unconstrained schema with a "
                  "description (APIM does not support recursion, rule 12; research §7.8).")
def recursion(ctx: PrepareContext) -> None:
    for where, target in back_edges(ctx.document):
        node = jp.resolve(ctx.document, where, default=None)
        if not isinstance(node, dict):
            continue
        node.clear()
        node["description"] = f"Recursive reference to {target} (not supported by API Management); any value."
        ctx.lose(where, f"recursive reference to {target} replaced by an open schema")


@fix("operation-ids", "operationIds are made unique after APIM's normalisation within 76 characters: a clashing "
                      "or longer id becomes APIM's own normalised name (deduplicated with -2, -3...), reported "
                      "old -> new; an operation without one gets `<method>-<path>`, the name APIM would give it.")
def operation_ids(ctx: PrepareContext) -> None:
    used: set[str] = set()
    for where, path, method, op in ctx.operations():
        raw = op.get("operationId")
        original = raw if isinstance(raw, str) and raw.strip() else f"{method}-{path}"
        name = normalise_operation_id(original)
        truncated = normalise_operation_id(original, limit=None) != name
        if isinstance(raw, str) and raw.strip() and not truncated and name not in used:
            used.add(name)
            continue
        candidate, n = name, 2
        while candidate in used:
            suffix = f"-{n}"
            candidate, n = name[: OPERATION_NAME_LIMIT - len(suffix)].rstrip("-") + suffix, n + 1
        used.add(candidate)
        op["operationId"] = candidate
        why = ("added" if not isinstance(raw, str) or not raw.strip() else
               "over 76 characters after APIM's normalisation" if truncated else "clashed after APIM's normalisation")
        ctx.change(jp.join(where, "operationId"), f"operationId {raw!r} -> {candidate!r} ({why})")


@fix("summaries", "Operation summaries over 300 characters (the display-name limit) are shortened.")
def summaries(ctx: PrepareContext) -> None:
    for where, _path, _method, op in ctx.operations():
        summary = op.get("summary")
        if isinstance(summary, str) and len(summary) > MAX_SUMMARY:
            op["summary"] = summary[: MAX_SUMMARY - 3].rstrip() + "..."
            ctx.lose(jp.join(where, "summary"), f"summary cut from {len(summary)} to {len(op['summary'])} characters")


@fix("data-types", "example/default values that fail OpenAPI.NET's type + format check are removed, and "
                   "mismatching enum values dropped (rule 33).")
def data_types(ctx: PrepareContext) -> None:
    subject = ctx.subject()
    doomed: list[str] = []
    for value_ptr, value, schema in _value_sites(subject):
        if next(mismatches(value, schema, value_ptr, subject.deref), None) is not None:
            doomed.append(value_ptr)
    for value_ptr in sorted(doomed, key=_removal_order):
        tokens = jp.split(value_ptr)
        holder = jp.resolve(ctx.document, jp.from_tokens(tokens[:-1]), default=None)
        last = tokens[-1]
        if isinstance(holder, list):
            value = holder.pop(int(last))
            if not holder:
                enum_owner = jp.resolve(ctx.document, jp.from_tokens(tokens[:-2]))
                del enum_owner["enum"]
        elif isinstance(holder, dict) and last in holder:
            value = holder.pop(last)
        else:
            continue
        ctx.lose(value_ptr, f"value {_short(value)} removed: Data and type mismatch found (type/format)")


def _removal_order(pointer: str) -> tuple[str, int]:
    """Enum items are removed from the highest index down so earlier pointers stay valid."""
    head, _, last = pointer.rpartition("/")
    return (head, -int(last) if last.isdigit() else 0)


@fix("servers", "One concrete server: --service-url when given, else the variables substituted by their defaults "
                "(an empty default becomes a visible placeholder). APIM does not support server templating.")
def servers(ctx: PrepareContext) -> None:
    if ctx.service_url:
        before = ctx.document.get("servers")
        ctx.document["servers"] = [{"url": ctx.service_url}]
        ctx.change("#/servers", f"servers {_short(before)} -> [{ctx.service_url}] (--service-url)")
        return
    for i, srv in enumerate(ctx.document.get("servers") or []):
        if not isinstance(srv, dict) or "{" not in str(srv.get("url", "")):
            continue
        variables = srv.pop("variables", None) or {}
        before = str(srv["url"])

        def value(match: re.Match[str]) -> str:
            var = variables.get(match.group(1)) if isinstance(variables, dict) else None
            default = str(var.get("default", "")) if isinstance(var, dict) else ""
            default = re.sub(r"^https?://", "", default).strip("/")
            return default if default and "{" not in default else PLACEHOLDER_HOST

        url = re.sub(r"\{([^{}]+)\}", value, before)
        srv["url"] = url if "://" in url or url.startswith("/") else f"https://{url}"  # `{endpoint}/openai`
        ctx.lose(jp.join("#/servers", i, "url"), f"server variables substituted: {before} -> {srv['url']} (set "
                                                 "the real backend with --service-url)")


@fix("api-version", "The required `api-version` query parameter: `query` makes it optional so APIM keeps it a "
                    "query parameter; `template` keeps it required, so APIM puts it into the URL template.")
def api_version(ctx: PrepareContext) -> None:
    if ctx.api_version_as != "query":
        return
    for where, kind, node in ctx.objects():
        if kind == "Parameter" and node.get("in") == "query" and node.get("name") == "api-version" \
                and node.get("required") is True:
            node["required"] = False
            ctx.change(jp.join(where, "required"), "api-version made optional, so APIM keeps it a query parameter "
                                                   "(--api-version-as query)", "info")


@fix("preview-headers", "Azure OpenAI v1 preview paths get their opt-in header (catalog, e.g. `aoai-evals: "
                        "preview`) as a required header parameter.")
def preview_headers(ctx: PrepareContext) -> None:
    if ctx.catalog is None or not _is_azure_v1(ctx.document):
        return
    subject = ctx.subject()
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
        ctx.change(jp.join(where, "parameters"), f"header parameter {header.name}: {header.value} added", "info")


@fix("strip-extensions", "`x-` extensions are removed from every OpenAPI object except schemas (and x-ms-paths/"
                         "x-servers): APIM's own exports drop them on operations, the root and security schemes "
                         "(rule 11) but keep them inside schemas (x-ms-enum, x-ms-discriminator-value...).")
def strip_extensions(ctx: PrepareContext) -> None:
    for where, kind, node in ctx.objects():
        if kind in ("Schema", "Reference"):
            continue
        for key in [k for k in node if k.startswith("x-") and k not in KEPT_EXTENSIONS]:
            del node[key]
            ctx.lose(jp.join(where, key), f"extension {key} removed (APIM ignores it on import)")


def _count(value: Any) -> int:
    return len(value) if isinstance(value, (dict, list)) else 1


def _short(value: Any, limit: int = 60) -> str:
    """A value, shortened for a one-line message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
