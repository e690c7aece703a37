"""Azure OpenAI rules: api-version, v1 preview opt-in headers, deployment paths, and the `x-ms-*` extensions."""

from __future__ import annotations

from typing import Any, Iterator

from ..engine import SpecDiff
from ..paths_diff import OperationDiff
from ..schema_diff import SchemaDiff
from ..surfaces import entry_of
from .base import Hit, RuleBook, SchemaContext, fmt, values
from .schemas import extensible

book = RuleBook("azure")


def _facts(value: Any) -> str:
    if value is None:
        return "absent"
    required, default, enum = value
    parts = ["required" if required else "optional"]
    if default is not None:
        parts.append(f"default `{default}`")
    if enum:
        parts.append(f"values {values(enum)}")
    return ", ".join(parts)


@book.spec("api-not-available-on-surface", "error",
           "A mapped dated <-> v1 diff: an operation of the base has no counterpart on the revision's surface. "
           "Nothing was removed (the base surface still serves it), but a call moved to the new surface fails, so "
           "a migration gate must stop on it; the dated API stays available for that call.",
           source="docs/diff-levels.md (issue 15: a migration is not a removal)")
def not_on_surface(d: SpecDiff) -> Iterator[Hit]:
    ctx = d.context
    if not (ctx.mapped and ctx.base_surface != ctx.revision_surface):
        return
    entry = entry_of(ctx.catalog, ctx.revision)
    as_of = f"as of {entry.released}" if entry else f"as of {ctx.revision.name}"
    if entry is not None and entry.coverage == "subset":
        as_of += "; this catalog entry covers only part of that surface, see the report header"
    for op in d.removed:
        yield Hit(op.key, f"endpoint `{op.key}` is not available on the {ctx.revision_surface} surface ({as_of})",
                  op.pointer, None, operation=op.key)


@book.operation("api-version-parameter-added", "error",
                "The operation now requires `api-version`: clients of the v1 surface do not send it.", "request")
def api_version_added(d: OperationDiff) -> Iterator[Hit]:
    c = d.api_version
    if c is not None and c.revision is not None and c.revision[0] and (c.base is None or not c.base[0]):
        yield Hit("query api-version", f"`api-version` is now required ({_facts(c.revision)})", d.base.pointer,
                  d.revision.pointer)


@book.operation("api-version-parameter-removed", "info", "The operation no longer takes `api-version`.", "request")
def api_version_removed(d: OperationDiff) -> Iterator[Hit]:
    c = d.api_version
    if c is not None and c.base is not None and c.revision is None:
        yield Hit("query api-version", f"`api-version` parameter removed (was {_facts(c.base)})", d.base.pointer,
                  d.revision.pointer)


@book.operation("api-version-value-changed", "info",
                "The `api-version` values or default changed (expected between dated versions).", "request")
def api_version_value(d: OperationDiff) -> Iterator[Hit]:
    c = d.api_version
    if c is not None and c.base is not None and c.revision is not None and c.base[0] == c.revision[0]:
        yield Hit("query api-version", f"`api-version`: {_facts(c.base)} -> {_facts(c.revision)}", d.base.pointer,
                  d.revision.pointer)


@book.operation("preview-header-required-added", "error",
                "A v1 operation now needs a preview opt-in header (such as `aoai-evals: preview`).", "request")
def preview_header_added(d: OperationDiff) -> Iterator[Hit]:
    c = d.preview_headers
    for header in sorted(set(c.revision) - set(c.base)) if c else ():
        yield Hit(f"header {header.split(':')[0]}", f"preview opt-in header `{header}` is now required",
                  d.base.pointer, d.revision.pointer)


@book.operation("preview-header-requirement-removed", "info",
                "A v1 operation no longer needs its preview opt-in header (the feature went GA).", "request")
def preview_header_removed(d: OperationDiff) -> Iterator[Hit]:
    c = d.preview_headers
    for header in sorted(set(c.base) - set(c.revision)) if c else ():
        yield Hit(f"header {header.split(':')[0]}", f"preview opt-in header `{header}` no longer required",
                  d.base.pointer, d.revision.pointer)


@book.operation("deployment-path-moved", "warning",
                "The deployment part of a dated path changed (e.g. `/{deployment_id}/x` -> `/deployments/{id}/x`).")
def deployment_moved(d: OperationDiff) -> Iterator[Hit]:
    if d.path_moved:
        yield Hit(d.key, f"path moved from `{d.base.path}` to `{d.revision.path}`", d.base.pointer, d.revision.pointer)


@book.operation("deployment-path-mapped", "info",
                "A dated operation matched to its v1 counterpart: the deployment moves from the path to the body "
                "`model`, and `api-version` goes away.")
def deployment_mapped(d: OperationDiff) -> Iterator[Hit]:
    if d.mapped and d.base.path != d.revision.path:
        yield Hit(d.key, f"`{d.base.key}` maps to `{d.revision.key}` (deployment -> body `model`)", d.base.pointer,
                  d.revision.pointer)


@book.operation("x-ms-pageable-changed", "warning", "`x-ms-pageable` changed: generated SDK paging changes.")
def pageable(d: OperationDiff) -> Iterator[Hit]:
    c = d.extensions.get("x-ms-pageable")
    if c is not None:
        yield Hit(d.key, f"x-ms-pageable changed from {fmt(c.base)} to {fmt(c.revision)}", d.base.pointer,
                  d.revision.pointer)


@book.operation("x-ms-long-running-operation-changed", "warning",
                "`x-ms-long-running-operation` changed: SDKs poll (or stop polling) this operation.")
def long_running(d: OperationDiff) -> Iterator[Hit]:
    c = d.extensions.get("x-ms-long-running-operation")
    if c is not None:
        yield Hit(d.key, f"x-ms-long-running-operation changed from {fmt(c.base)} to {fmt(c.revision)}",
                  d.base.pointer, d.revision.pointer)


@book.operation("operation-extension-changed", "info", "Another operation extension (`x-...`) changed.")
def other_extension(d: OperationDiff) -> Iterator[Hit]:
    for key, c in d.extensions.items():
        if key not in ("x-ms-pageable", "x-ms-long-running-operation"):
            yield Hit(f"{d.key} {key}", f"extension `{key}` changed", d.base.pointer, d.revision.pointer)


def _ms_enum(view_ext: dict[str, Any]) -> dict[str, Any]:
    value = view_ext.get("x-ms-enum")
    return value if isinstance(value, dict) else {}


@book.schema("`x-ms-enum.modelAsString` changed: SDKs switch between a closed enum and an open string.",
             any=("x-ms-enum-model-as-string-changed", "warning"),
             when=("extensions",))
def model_as_string(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    if "x-ms-enum" not in d.extensions or not (_ms_enum(d.base.extensions) and _ms_enum(d.revision.extensions)):
        return  # one side has no x-ms-enum at all (e.g. TypeSpec output): nothing is said about the SDK type
    old, new = _ms_enum(d.base.extensions).get("modelAsString"), _ms_enum(d.revision.extensions).get("modelAsString")
    if bool(old) != bool(new):
        yield Hit(ctx.element(), f"{ctx.subject()}: x-ms-enum modelAsString changed from {fmt(old)} to {fmt(new)}",
                  d.base.pointer, d.revision.pointer)


@book.schema("`x-ms-enum.name` changed: the generated SDK type is renamed.", any=("x-ms-enum-name-changed", "warning"),
             when=("extensions",))
def ms_enum_name(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    if "x-ms-enum" not in d.extensions:
        return
    old, new = _ms_enum(d.base.extensions).get("name"), _ms_enum(d.revision.extensions).get("name")
    if old and new and old != new:
        yield Hit(ctx.element(), f"{ctx.subject()}: x-ms-enum name changed from `{old}` to `{new}`", d.base.pointer,
                  d.revision.pointer)


@book.schema("New values of an extensible (`modelAsString`) enum in a response: clients must already accept "
             "unknown values, so this is informational.", response=("x-ms-enum-value-added", "info"),
             when=("enum_added",))
def extensible_value_added(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    if d.enum_added and extensible(d.revision):
        yield Hit(ctx.element(), f"{ctx.subject()}: extensible enum values added: {values(d.enum_added)}",
                  d.base.pointer, d.revision.pointer)


@book.schema("`x-ms-client-name` changed: the generated SDK member is renamed.",
             any=("x-ms-client-name-changed", "warning"),
             when=("extensions",))
def client_name(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    c = d.extensions.get("x-ms-client-name")
    if c is not None:
        yield Hit(ctx.element(), f"{ctx.subject()}: x-ms-client-name changed from {fmt(c.base)} to {fmt(c.revision)}",
                  d.base.pointer, d.revision.pointer)


@book.schema("Another schema extension (`x-...`) changed.", any=("schema-extension-changed", "info"),
             when=("extensions",))
def schema_extension(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    for key in sorted(d.extensions):
        if key not in ("x-ms-enum", "x-ms-client-name"):
            yield Hit(ctx.element(), f"{ctx.subject()}: extension `{key}` changed", d.base.pointer, d.revision.pointer)
