"""Schema rules: properties, requiredness, types, enums, nullability, constraints, flags and composition.

Each check is written once and registered per scope with the id and level that fit its direction (see
`base.py`). Names follow oasdiff where it has the rule.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..schema_diff import SchemaDiff
from ..views import SchemaView
from .base import Hit, RuleBook, SchemaContext, fmt, values, with_nested

book = RuleBook("schema")


def _hit(d: SchemaDiff, ctx: SchemaContext, message: str, name: str | None = None,
         base: str | None = None, revision: str | None = None) -> Hit:
    return Hit(ctx.element(name), message, base or d.base.pointer, revision or d.revision.pointer)


def _read_only(view: SchemaView) -> bool:
    return view.keywords.get("readOnly") is True


def _write_only(view: SchemaView) -> bool:
    return view.keywords.get("writeOnly") is True


def _prop_view(ctx: SchemaContext, ref: Any, side: str) -> SchemaView:
    return (ctx.revision_viewer if side == "revision" else ctx.base_viewer).view(*ref)


# -- properties added / removed
def _removed(d: SchemaDiff, ctx: SchemaContext, required: bool | None) -> Iterator[Hit]:
    for name, ref in d.properties_removed.items():
        if required is not None and (name in d.base.required) != required:
            continue
        view = _prop_view(ctx, ref, "base")
        if ctx.scope == "request" and _read_only(view):
            continue
        if deprecated(view):
            continue  # the lifecycle rules judge it against its sunset (rules/lifecycle.py)
        yield _hit(d, ctx, f"{ctx.subject(name)} removed", name, base=ref[1])


@book.schema("A request property was removed: clients sending it may be rejected.",
             request=("request-property-removed", "warning"),
             parameter=("request-parameter-property-removed", "warning"),
             when=("properties_removed",))
def request_property_removed(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _removed(d, ctx, None)


@book.schema("A required response property was removed: clients reading it break.",
             response=("response-required-property-removed", "error"),
             when=("properties_removed",))
def response_required_property_removed(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _removed(d, ctx, True)


@book.schema("An optional response property was removed.", response=("response-property-removed", "warning"),
             when=("properties_removed",))
def response_optional_property_removed(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _removed(d, ctx, False)


def _added(d: SchemaDiff, ctx: SchemaContext, required: bool) -> Iterator[Hit]:
    for name, ref in d.properties_added.items():
        if (name in d.revision.required) != required:
            continue
        view = _prop_view(ctx, ref, "revision")
        if ctx.scope == "request" and required and _read_only(view):
            continue
        kind = "required" if required else "optional"
        nested = with_nested(ctx.nested(ref, name))
        yield _hit(d, ctx, f"{ctx.subject(name)} added ({kind}){nested}", name, revision=ref[1])


@book.schema("A new required request property: existing clients do not send it.",
             request=("new-required-request-property", "error"),
             response=("response-required-property-added", "info"),
             when=("properties_added",))
def required_property_added(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _added(d, ctx, True)


@book.schema("A new optional property.", request=("new-optional-request-property", "info"),
             response=("response-optional-property-added", "info"),
             when=("properties_added",))
def optional_property_added(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _added(d, ctx, False)


def _requiredness(d: SchemaDiff, ctx: SchemaContext, became_required: bool) -> Iterator[Hit]:
    names = d.required_added if became_required else d.required_removed
    for name in names:
        if name not in d.base.properties or name not in d.revision.properties:
            continue  # added/removed properties are reported by the rules above
        word = "required" if became_required else "optional"
        yield _hit(d, ctx, f"{ctx.subject(name)} became {word}", name)


@book.schema("An optional property became required.", request=("request-property-became-required", "error"),
             response=("response-property-became-required", "info"),
             when=("required_added",))
def became_required(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _requiredness(d, ctx, True)


@book.schema("A required property became optional.", request=("request-property-became-optional", "info"),
             response=("response-property-became-optional", "error"),
             when=("required_removed",))
def became_optional(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _requiredness(d, ctx, False)


# -- type and format
_NUMERIC = {"integer": {"integer"}, "number": {"integer", "number"}}
_NUMERIC_FORMATS = frozenset({None, "int32", "int64", "float", "double"})


def _accepts(types: frozenset[str] | None) -> set[str] | None:
    if types is None or not types:
        return None
    out: set[str] = set()
    for t in types:
        out |= _NUMERIC.get(t, {t})
    return out


def _type_change(d: SchemaDiff) -> tuple[str, str] | None:
    """('widened'|'narrowed'|'changed', text) for a type/format change, None when neither changed."""
    fmt_change = d.keywords.get("format")
    if d.types is None and fmt_change is None:
        return None
    verdict: str | None = None  # from the type alone; None when the accepted values are the same
    if d.types is not None:
        old, new = _accepts(d.types.base), _accepts(d.types.revision)
        if old != new:
            verdict = ("widened" if new is None or (old is not None and old < new)
                       else "narrowed" if old is None or new < old else "changed")
    if fmt_change is not None:
        fmt_verdict = ("narrowed" if fmt_change.base is None else "widened" if fmt_change.revision is None
                       else "changed")
        if fmt_change.base in _NUMERIC_FORMATS and fmt_change.revision in _NUMERIC_FORMATS:
            fmt_verdict = "compatible"  # int32/int64/float/double are sizing hints on JSON numbers
        if verdict is None:
            verdict = fmt_verdict
        elif fmt_verdict not in ("compatible", verdict):
            verdict = "changed"  # a sizing hint beside a type change does not change its direction
    if verdict is None:
        return None  # e.g. `number` vs `[integer, number]`: the same values
    parts = []
    if d.types is not None:
        parts.append(f"type changed from {fmt(d.types.base)} to {fmt(d.types.revision)}")
    if fmt_change is not None:
        parts.append(f"format changed from {fmt(fmt_change.base)} to {fmt(fmt_change.revision)}")
    return verdict, " and ".join(parts)


def _typed(d: SchemaDiff, ctx: SchemaContext, wanted: set[str]) -> Iterator[Hit]:
    change = _type_change(d)
    if change and change[0] in wanted:
        yield _hit(d, ctx, f"{ctx.subject()}: {change[1]}")


@book.schema("A type or format changed in a way existing values may no longer satisfy.",
             request=("request-property-type-changed", "error"),
             parameter=("request-parameter-type-changed", "error"),
             when=("types", "keywords"))
def request_type_changed(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _typed(d, ctx, {"narrowed", "changed"})


@book.schema("A type was widened (every old value is still valid), or only a numeric format hint changed.",
             request=("request-property-type-generalized", "info"),
             parameter=("request-parameter-type-generalized", "info"),
             when=("types", "keywords"))
def request_type_generalized(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _typed(d, ctx, {"widened", "compatible"})


@book.schema("A response type or format changed so clients may get values they cannot parse.",
             response=("response-property-type-changed", "error"),
             when=("types", "keywords"))
def response_type_changed(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _typed(d, ctx, {"widened", "changed"})


@book.schema("A response type was narrowed (every new value was valid before), or only a numeric format hint "
             "changed.",
             response=("response-property-type-specialized", "info"),
             when=("types", "keywords"))
def response_type_specialized(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _typed(d, ctx, {"narrowed", "compatible"})


# -- nullability
def _nullable(d: SchemaDiff, ctx: SchemaContext, became: bool) -> Iterator[Hit]:
    if d.nullable is not None and d.nullable.revision == became:
        yield _hit(d, ctx, f"{ctx.subject()} became {'nullable' if became else 'not nullable'}")


@book.schema("A schema now accepts null (in a response: a required property, an item or the body, which typed "
             "clients declare non-nullable).", request=("request-property-became-nullable", "info"),
             parameter=("request-parameter-became-nullable", "info"),
             response=("response-property-became-nullable", "error"),
             when=("nullable",), source="oasdiff response-property-became-nullable (ERR); docs/diff-levels.md")
def became_nullable(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    if ctx.scope != "response" or ctx.required:
        yield from _nullable(d, ctx, True)


@book.schema("An optional response property now accepts null: clients already handle its absence, and typed "
             "clients map both to one empty value; only code that tells null from absent can fail.",
             response=("response-optional-property-became-nullable", "warning"), when=("nullable",),
             source="level chosen in docs/diff-levels.md (oasdiff has ERR for every response property)")
def optional_became_nullable(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    if not ctx.required:
        yield from _nullable(d, ctx, True)


@book.schema("A schema no longer accepts null.", request=("request-property-became-not-nullable", "error"),
             parameter=("request-parameter-became-not-nullable", "error"),
             response=("response-property-became-not-nullable", "info"),
             when=("nullable",))
def became_not_nullable(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _nullable(d, ctx, False)


def deprecated(view: SchemaView) -> bool:
    """Marked deprecated (`deprecated: true` or `x-ms-deprecation`): its removal is a lifecycle question."""
    return view.keywords.get("deprecated") is True or "x-ms-deprecation" in view.extensions


# -- enums
def extensible(view: SchemaView) -> bool:
    """An enum whose value set is declared open (`x-ms-enum.modelAsString`, `x-extensible-enum`)."""
    ms = view.extensions.get("x-ms-enum")
    return (isinstance(ms, dict) and ms.get("modelAsString") is True) or "x-extensible-enum" in view.extensions


@book.schema("Enum values were removed.", request=("request-property-enum-value-removed", "error"),
             parameter=("request-parameter-enum-value-removed", "error"),
             response=("response-property-enum-value-removed", "info"),
             when=("enum_removed",))
def enum_removed(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    if d.enum_removed:
        yield _hit(d, ctx, f"{ctx.subject()}: enum values removed: {values(d.enum_removed)}")


@book.schema("Enum values were added.", request=("request-property-enum-value-added", "info"),
             parameter=("request-parameter-enum-value-added", "info"),
             response=("response-property-enum-value-added", "warning"),
             when=("enum_added",))
def enum_added(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    if d.enum_added and not (ctx.scope == "response" and extensible(d.revision)):
        yield _hit(d, ctx, f"{ctx.subject()}: enum values added: {values(d.enum_added)}")


@book.schema("A free value was restricted to a list of enum values.",
             request=("request-property-became-enum", "error"),
             parameter=("request-parameter-became-enum", "error"),
             response=("response-property-became-enum", "info"),
             when=("enum_set",))
def became_enum(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    if d.enum_set is not None and d.enum_set.revision:
        yield _hit(d, ctx, f"{ctx.subject()} restricted to enum values {values((d.revision.enum or {}).values())}")


@book.schema("An enum restriction was lifted: any value of the type may come back.",
             response=("response-property-enum-lifted", "warning"),
             when=("enum_set",))
def enum_lifted(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    if d.enum_set is not None and not d.enum_set.revision:
        yield _hit(d, ctx, f"{ctx.subject()} is no longer restricted to enum values")


# -- numeric, string and array bounds: one table, rules generated per keyword and direction
_BOUNDS = (  # keyword, slug, is upper bound
    ("maxLength", "max-length", True), ("minLength", "min-length", False),
    ("maximum", "max", True), ("minimum", "min", False),
    ("exclusiveMaximum", "exclusive-max", True), ("exclusiveMinimum", "exclusive-min", False),
    ("maxItems", "max-items", True), ("minItems", "min-items", False),
)


def _tightened(keyword: str, upper: bool, old: Any, new: Any) -> bool | None:
    """True when the bound now rejects values it accepted, False when it accepts more, None if unchanged."""
    if old == new or (old is not None and not isinstance(old, (int, float))) or (
            new is not None and not isinstance(new, (int, float))):
        return None
    if old is None:
        return True
    if new is None:
        return False
    return new < old if upper else new > old


def _bound_rule(keyword: str, slug: str, upper: bool) -> None:
    tight_word, loose_word = ("decreased", "increased") if upper else ("increased", "decreased")

    def check(want_tight: bool):
        def run(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
            change = d.keywords.get(keyword)
            if change is None or _tightened(keyword, upper, change.base, change.revision) is not want_tight:
                return
            yield _hit(d, ctx, f"{ctx.subject()}: {keyword} changed from {fmt(change.base)} to {fmt(change.revision)}")
        return run

    book.schema(f"`{keyword}` {tight_word} or set: values accepted before are now rejected.", when=("keywords",),
                request=(f"request-property-{slug}-{tight_word}", "error"),
                parameter=(f"request-parameter-{slug}-{tight_word}", "error"))(check(True))
    book.schema(f"`{keyword}` {loose_word} or unset: more values are accepted.", when=("keywords",),
                request=(f"request-property-{slug}-{loose_word}", "info"),
                parameter=(f"request-parameter-{slug}-{loose_word}", "info"))(check(False))
    book.schema(f"`{keyword}` {loose_word} or unset in a response: clients may get values they did not expect.",
                when=("keywords",),
                response=(f"response-property-{slug}-{loose_word}", "warning"))(check(False))


for _keyword, _slug, _upper in _BOUNDS:
    _bound_rule(_keyword, _slug, _upper)


@book.schema("Another constraint changed (multipleOf, uniqueItems, maxProperties, minProperties).",
             request=("request-property-constraint-changed", "warning"),
             response=("response-property-constraint-changed", "info"),
             when=("keywords",))
def other_constraint(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    for key in ("multipleOf", "uniqueItems", "maxProperties", "minProperties"):
        change = d.keywords.get(key)
        if change is not None:
            yield _hit(d, ctx, f"{ctx.subject()}: {key} changed from {fmt(change.base)} to {fmt(change.revision)}")


# -- pattern
def _pattern(d: SchemaDiff, ctx: SchemaContext, kind: str) -> Iterator[Hit]:
    change = d.keywords.get("pattern")
    if change is None:
        return
    actual = "added" if change.base is None else "removed" if change.revision is None else "changed"
    if actual == kind:
        yield _hit(d, ctx, f"{ctx.subject()}: pattern {actual} ({fmt(change.base)} -> {fmt(change.revision)})")


@book.schema("A pattern was added: values that do not match are now rejected.",
             request=("request-property-pattern-added", "error"),
             parameter=("request-parameter-pattern-added", "error"),
             when=("keywords",))
def pattern_added(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _pattern(d, ctx, "added")


@book.schema("A pattern changed; whether it is stricter cannot be decided.",
             request=("request-property-pattern-changed", "warning"),
             parameter=("request-parameter-pattern-changed", "warning"),
             when=("keywords",))
def pattern_changed(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _pattern(d, ctx, "changed")


@book.schema("A pattern was removed.", request=("request-property-pattern-removed", "info"),
             parameter=("request-parameter-pattern-removed", "info"),
             when=("keywords",))
def pattern_removed(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _pattern(d, ctx, "removed")


# -- default, readOnly/writeOnly, deprecated
@book.schema("A default value changed: clients that omit the value get different behaviour.",
             request=("request-property-default-value-changed", "warning"),
             parameter=("request-parameter-default-value-changed", "warning"),
             response=("response-property-default-value-changed", "info"),
             when=("keywords",))
def default_changed(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    change = d.keywords.get("default")
    if change is not None:
        yield _hit(d, ctx, f"{ctx.subject()}: default changed from {fmt(change.base)} to {fmt(change.revision)}")


def _flag(d: SchemaDiff, ctx: SchemaContext, key: str, became: bool, word: str) -> Iterator[Hit]:
    change = d.keywords.get(key)
    if change is not None and bool(change.revision) == became and bool(change.base) != became:
        yield _hit(d, ctx, f"{ctx.subject()} became {word}")


@book.schema("A request property became read-only: the server now ignores or rejects it.",
             request=("request-property-became-read-only", "warning"),
             when=("keywords",))
def became_read_only(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _flag(d, ctx, "readOnly", True, "read-only")


@book.schema("A request property is no longer read-only.", request=("request-property-became-not-read-only", "info"),
             when=("keywords",))
def became_not_read_only(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _flag(d, ctx, "readOnly", False, "not read-only")


@book.schema("A response property became write-only: it is no longer returned.",
             response=("response-property-became-write-only", "error"),
             when=("keywords",))
def became_write_only(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _flag(d, ctx, "writeOnly", True, "write-only")


@book.schema("A response property is no longer write-only.",
             response=("response-property-became-not-write-only", "info"),
             when=("keywords",))
def became_not_write_only(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _flag(d, ctx, "writeOnly", False, "not write-only")


@book.schema("A property was marked deprecated.", request=("request-property-deprecated", "info"),
             response=("response-property-deprecated", "info"),
             when=("keywords",))
def property_deprecated(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _flag(d, ctx, "deprecated", True, "deprecated")


@book.schema("A property is no longer deprecated.", request=("request-property-reactivated", "info"),
             response=("response-property-reactivated", "info"),
             when=("keywords",))
def property_reactivated(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _flag(d, ctx, "deprecated", False, "no longer deprecated")


# -- additionalProperties
def _additional(d: SchemaDiff, ctx: SchemaContext, allowed_now: bool) -> Iterator[Hit]:
    change = d.keywords.get("additionalProperties")
    if change is None:
        return
    old_allowed, new_allowed = change.base is not False, change.revision is not False
    if old_allowed != new_allowed and new_allowed == allowed_now:
        word = "now allows" if allowed_now else "no longer allows"
        yield _hit(d, ctx, f"{ctx.subject()} {word} additional properties")


@book.schema("Additional properties are no longer accepted.",
             request=("request-property-additional-properties-narrowed", "error"),
             when=("keywords",))
def additional_narrowed(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _additional(d, ctx, False)


@book.schema("A response object may now carry properties that were not allowed before.",
             response=("response-property-additional-properties-widened", "warning"),
             when=("keywords",))
def additional_widened(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _additional(d, ctx, True)


# -- composition
def _branches(d: SchemaDiff, ctx: SchemaContext, key: str, added: bool) -> Iterator[Hit]:
    branch = d.branches.get(key)
    if not branch:
        return
    for label, ref in branch.added if added else branch.removed:
        verb = "added" if added else "removed"
        yield _hit(d, ctx, f"{ctx.subject()}: {key} member `{label}` {verb}",
                   revision=ref[1] if added else None, base=None if added else ref[1])


@book.schema("A oneOf member was added.", request=("request-property-one-of-added", "info"),
             response=("response-property-one-of-added", "warning"),
             when=("branches",))
def one_of_added(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _branches(d, ctx, "oneOf", True)


@book.schema("A oneOf member was removed.", request=("request-property-one-of-removed", "error"),
             response=("response-property-one-of-removed", "info"),
             when=("branches",))
def one_of_removed(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _branches(d, ctx, "oneOf", False)


@book.schema("An anyOf member was added.", request=("request-property-any-of-added", "info"),
             response=("response-property-any-of-added", "warning"),
             when=("branches",))
def any_of_added(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _branches(d, ctx, "anyOf", True)


@book.schema("An anyOf member was removed.", request=("request-property-any-of-removed", "error"),
             response=("response-property-any-of-removed", "info"),
             when=("branches",))
def any_of_removed(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    yield from _branches(d, ctx, "anyOf", False)


@book.schema("The union keyword changed (oneOf <-> anyOf); members are matched across it.",
             any=("schema-union-kind-changed", "info"),
             when=("keywords",))
def union_kind(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    change = d.keywords.get("union")
    if change is not None:
        yield _hit(d, ctx, f"{ctx.subject()}: {change.base} became {change.revision}")


@book.schema("The discriminator property of a union changed to another property.",
             request=("request-property-discriminator-changed", "warning"),
             response=("response-property-discriminator-changed", "warning"),
             when=("keywords",))
def discriminator_changed(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    change = d.keywords.get("discriminator")
    if change is not None and change.base and change.revision:
        yield _hit(d, ctx, f"{ctx.subject()}: discriminator changed from {fmt(change.base)} to {fmt(change.revision)}")


@book.schema("A discriminator was declared on, or dropped from, a union (members are matched by tag either way).",
             any=("schema-discriminator-added-or-removed", "info"),
             when=("keywords",))
def discriminator_set(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    change = d.keywords.get("discriminator")
    if change is not None and not (change.base and change.revision):
        word = f"declares discriminator `{change.revision}`" if change.revision else f"no longer declares discriminator `{change.base}`"
        yield _hit(d, ctx, f"{ctx.subject()} {word}")


@book.schema("A schema became `false` (nothing valid) or stopped being `false`.",
             request=("request-schema-became-false", "error"), response=("response-schema-became-false", "info"),
             when=("keywords",))
def became_false(d: SchemaDiff, ctx: SchemaContext) -> Iterator[Hit]:
    change = d.keywords.get("schema")
    if change is not None and change.revision is False:
        yield _hit(d, ctx, f"{ctx.subject()} no longer accepts any value")
