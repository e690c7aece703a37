"""Conversions of the non-schema objects: root fields, info, security schemes, operations, references."""

from __future__ import annotations

from typing import Any

from .. import pointer as jp
from ..model import HTTP_METHODS
from .registry import Context, conversion

_DEFAULT_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"


@conversion("webhooks", row="M38", lossy=True, stage="document",
            description="`webhooks` have no 3.0 form; they move to `x-webhooks` (converted like the rest, ignored "
                        "by APIM). Not grafted onto operations as callbacks.")
def webhooks(ctx: Context) -> None:
    hooks = ctx.document.pop("webhooks", None)
    if hooks is None:
        return
    ctx.document["x-webhooks"] = hooks
    count = len(hooks) if isinstance(hooks, dict) else 0
    ctx.lose("#/webhooks", f"{count} webhooks kept only as x-webhooks")


@conversion("info-summary", row="M40", lossy=True, stage="document",
            description="`info.summary` is folded into the start of `info.description` (APIM fails on the field).")
def info_summary(ctx: Context) -> None:
    info = ctx.document.get("info")
    if not isinstance(info, dict) or "summary" not in info:
        return
    summary = info.pop("summary")
    description = info.get("description")
    info["description"] = f"{summary}\n\n{description}" if description else str(summary)
    ctx.lose("#/info/summary", "info.summary folded into info.description")


@conversion("license-identifier", row="M41", lossy=True, stage="document",
            description="`info.license.identifier` (SPDX) is dropped; `license.url` is derived from it when absent.")
def license_identifier(ctx: Context) -> None:
    info = ctx.document.get("info")
    licence = info.get("license") if isinstance(info, dict) else None
    if not isinstance(licence, dict) or "identifier" not in licence:
        return
    identifier = licence.pop("identifier")
    licence.setdefault("url", f"https://spdx.org/licenses/{identifier}.html")
    ctx.lose("#/info/license/identifier", f"license identifier {identifier!r} replaced by its SPDX url")


@conversion("json-schema-dialect", row="M23", lossy=True, stage="document",
            description="`jsonSchemaDialect` is dropped; only a non-default dialect is reported as a loss.")
def json_schema_dialect(ctx: Context) -> None:
    dialect = ctx.document.pop("jsonSchemaDialect", None)
    if dialect is not None and dialect != _DEFAULT_DIALECT:
        ctx.lose("#/jsonSchemaDialect", f"schemas were written for dialect {dialect!r}; read as OAS 3.0 schemas")


@conversion("mutual-tls", row="M42", lossy=True, stage="document",
            description="`mutualTLS` security schemes (3.1 only) are removed with the requirements naming them.")
def mutual_tls(ctx: Context) -> None:
    components = ctx.document.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    if not isinstance(schemes, dict):
        return
    gone = [name for name, scheme in schemes.items() if isinstance(scheme, dict) and scheme.get("type") == "mutualTLS"]
    for name in gone:
        del schemes[name]
        ctx.lose(jp.join("#/components/securitySchemes", name), "mutualTLS security scheme removed")
    if gone:
        for holder in [ctx.document, *(op for _, _, op in _operations(ctx.document))]:
            if isinstance(holder.get("security"), list):
                holder["security"] = [r for r in holder["security"] if not (isinstance(r, dict) and set(r) & set(gone))]


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    paths = document.get("paths")
    found = []
    if isinstance(paths, dict):
        for path, item in paths.items():
            if isinstance(item, dict):
                found.extend((path, m, item[m]) for m in HTTP_METHODS if isinstance(item.get(m), dict))
    return found


@conversion("paths-missing", row="M43", lossy=False, stage="document",
            description="3.1 allows documents without `paths`; 3.0 requires it: `paths: {}` is added.")
def paths_missing(ctx: Context) -> None:
    if not isinstance(ctx.document.get("paths"), dict):
        ctx.document["paths"] = {}
        ctx.rewrite("#/paths", "paths: {} added (3.0 requires the field)")


@conversion("responses-missing", row="M44", lossy=True, stage="document",
            description="An operation without `responses` gets `default: {description: ...}` (invented, reported).")
def responses_missing(ctx: Context) -> None:
    for path, method, op in _operations(ctx.document):
        if not isinstance(op.get("responses"), dict) or not op["responses"]:
            op["responses"] = {"default": {"description": "Response not described in the source document."}}
            ctx.lose(jp.join("#/paths", path, method, "responses"), "operation had no responses; a default was added")


@conversion("octet-stream-schema", row="M16", lossy=False, stage="document",
            description="A binary media type with no schema (or `{}`) -> `schema: {type: string, format: binary}`.")
def octet_stream_schema(ctx: Context) -> None:
    for path, method, op in _operations(ctx.document):
        body = op.get("requestBody")
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict):
            continue
        for media, obj in content.items():
            if media == "application/octet-stream" and isinstance(obj, dict) and obj.get("schema") in (None, {}):
                obj["schema"] = {"type": "string", "format": "binary"}
                ctx.rewrite(jp.join("#/paths", path, method, "requestBody", "content", media, "schema"),
                            "binary body schema spelled {type: string, format: binary}")


@conversion("reference-siblings", row="M12", lossy=True, stage="document",
            description="A non-schema Reference Object (parameter, response, path item...) with `summary`/"
                        "`description` siblings: 3.0 ignores them, so they are removed and reported.")
def reference_siblings(ctx: Context) -> None:
    schema_nodes = {id(s) for _, s in ctx.schemas()}
    for where, node in ctx.refs():
        if id(node) in schema_nodes:
            continue
        extra = [k for k in node if k != "$ref" and not k.startswith("x-")]
        for key in extra:
            del node[key]
        if extra:
            ctx.lose(where, f"reference override(s) {', '.join(extra)} dropped")


@conversion("openapi-version", row="M1", lossy=False, stage="document",
            description="`openapi: 3.1.x` -> `3.0.3` (3.0.x input keeps its version).")
def openapi_version(ctx: Context) -> None:
    version = ctx.document.get("openapi")
    if not (isinstance(version, str) and version.startswith("3.0.")):
        ctx.document["openapi"] = "3.0.3"
        ctx.rewrite("#/openapi", f"openapi {version!r} -> '3.0.3'")
