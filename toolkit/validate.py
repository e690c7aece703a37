"""`validate`: structure against the right OpenAPI meta-schema plus the integrity defects real specs have.

Structure is openapi-spec-validator's check (3.0 or 3.1 by the document's own version), run on a compiled
JSON-Schema engine (`structure.py`). The integrity rules are ours: each a small declarative `Rule` with an id
and a level, registered in `INTEGRITY`. They read one `Checked` document, which walks the schemas once and
builds one value validator for all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterable, Iterator

from openapi_schema_validator import OAS30Validator, OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from . import pointer as jp
from .findings import Finding, RuleSet, count_by_level
from .model import Spec
from .schemas import iter_refs, iter_schemas, top_level_schemas
from .structure import StructureCheck, StructureStopped, check_structure

_ROOT = "urn:aoai-spec:root"


@dataclass
class Checked:
    """One document under check: the spec, and what several rules need, computed once."""

    spec: Spec

    @cached_property
    def schemas(self) -> list[tuple[str, dict[str, Any]]]:
        return list(iter_schemas(self.spec.document))

    @cached_property
    def check_value(self) -> Callable[[str, Any], str | None]:
        return _value_checker(self.spec)


INTEGRITY: RuleSet[Checked] = RuleSet()

# what the loader noticed, as findings: two tools could read a document with a repeated key differently
LOADER_LEVELS = {"duplicate-anchor": "info", "duplicate-key": "error", "missing-external-example": "warning"}


@dataclass
class ValidationReport:
    spec: str
    openapi: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(f.level == "error" for f in self.findings)

    @property
    def counts(self) -> dict[str, int]:
        return count_by_level(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {"spec": self.spec, "openapi": self.openapi, "valid": self.valid, "counts": self.counts,
                "findings": [f.to_dict() for f in self.findings]}


def validate(spec: Spec, *, structure: StructureCheck | None = None) -> ValidationReport:
    """Every finding on `spec`; `structure` is its structure pass when the caller already ran it (a site build
    shares it with the APIM lint)."""
    report = ValidationReport(spec=spec.name, openapi=spec.openapi_version)
    report.findings.extend(_loader_findings(spec))
    report.findings.extend(_structure_findings(spec, structure))
    report.findings.extend(INTEGRITY.run(Checked(spec)))
    return report


# --------------------------------------------------------------------------------------------------- structure

_COVERED_BY_RULES = ("Required list has not defined properties",)


def structure_messages(found: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(pointer, message) of a structure pass as `validate` reports them: first lines, without the check the
    integrity rules make better. Also applied to openapi-spec-validator's own findings when comparing."""
    kept = []
    for pointer, message in found:
        message = _first_line(message)
        if not message.startswith(_COVERED_BY_RULES):
            kept.append((pointer, message))
    return kept


def _structure_findings(spec: Spec, structure: StructureCheck | None) -> Iterator[Finding]:
    check = structure if structure is not None and structure.is_31 == spec.is_31 else \
        check_structure(spec.document, spec.is_31)
    if isinstance(check.stopped, StructureStopped):
        yield Finding("schema-invalid", "error", check.stopped.pointer, f"structure check stopped: {check.stopped}")
    elif check.stopped is not None:  # a broken document the walk cannot go through (a parameter without a name...)
        yield Finding("schema-invalid", "error", "#", f"structure check stopped: {_first_line(str(check.stopped))}")
    else:
        for pointer, message in structure_messages(check.found):
            yield Finding("schema-invalid", "error", pointer, message)


def _first_line(text: str, limit: int = 240) -> str:
    line = text.strip().splitlines()[0] if text.strip() else text
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _loader_findings(spec: Spec) -> Iterator[Finding]:
    for note in spec.warnings:
        yield Finding(note.id, LOADER_LEVELS.get(note.id, "warning"), note.pointer, note.message)


# --------------------------------------------------------------------------------------------------- integrity rules


@INTEGRITY.rule("dangling-ref", "error", "A $ref points at nothing in the document (APIM import fails on it).")
def _dangling_refs(checked: Checked) -> Iterator[tuple[str, str]]:
    document = checked.spec.document
    for where, node in iter_refs(document):  # a `$ref` key inside an example or default value is data
        ref = node["$ref"]
        if ref.startswith("#") and jp.resolve(document, ref, default=None) is None:
            yield where, f"$ref {ref!r} does not resolve"


def _composed(spec: Spec, schema: dict[str, Any], keywords: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """The schema and every member reachable through `keywords` (refs followed, each schema once)."""
    seen: set[int] = set()
    stack = [schema]
    while stack:
        node = spec.try_deref(stack.pop())
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        for key in keywords:
            members = node.get(key)
            if isinstance(members, list):
                stack.extend(members)


@INTEGRITY.rule("required-property-missing", "error",
                "A schema lists a `required` name that neither it nor any of its composed members defines.")
def _required_missing(checked: Checked) -> Iterator[tuple[str, str]]:
    spec = checked.spec
    for where, schema in checked.schemas:
        if where.rsplit("/", 2)[-2:-1] == ["allOf"]:
            continue  # judged together with its allOf siblings, at the parent
        if schema.get("additionalProperties") not in (None, False):
            continue
        required: list[str] = []
        for part in _composed(spec, schema, ("allOf",)):
            if isinstance(part.get("required"), list):
                required.extend(n for n in part["required"] if isinstance(n, str))
        if not required:
            continue
        defined: set[str] = set()
        for part in _composed(spec, schema, ("allOf", "anyOf", "oneOf")):
            if isinstance(part.get("properties"), dict):
                defined.update(part["properties"])
        missing = sorted(set(required) - defined)
        if defined and missing:
            yield jp.join(where, "required"), f"required {', '.join(missing)} not defined in properties"


@INTEGRITY.rule("discriminator-not-required", "warning",
                "A discriminator's property is not in the schema's `required` list (OpenAPI.NET/APIM reject it).")
def _discriminator_not_required(checked: Checked) -> Iterator[tuple[str, str]]:
    for where, schema in checked.schemas:
        disc = schema.get("discriminator")
        if not isinstance(disc, dict) or not isinstance(disc.get("propertyName"), str):
            continue
        name = disc["propertyName"]
        required = schema.get("required") if isinstance(schema.get("required"), list) else []
        if name not in required:
            yield jp.join(where, "discriminator"), f"discriminator property {name!r} is not in required"


@INTEGRITY.rule("duplicate-operation-id", "error", "Two operations share one operationId.")
def _duplicate_operation_ids(checked: Checked) -> Iterator[tuple[str, str]]:
    seen: dict[str, str] = {}
    for op in checked.spec.operations():
        if op.operation_id is None:
            continue
        if op.operation_id in seen:
            yield jp.join(op.pointer, "operationId"), f"operationId {op.operation_id!r} is also used by {seen[op.operation_id]}"
        else:
            seen[op.operation_id] = op.key


@INTEGRITY.rule("undeclared-path-parameter", "error",
                "A `{name}` in the path template has no `in: path` parameter, or the reverse.")
def _undeclared_path_parameters(checked: Checked) -> Iterator[tuple[str, str]]:
    for op in checked.spec.operations():
        template = set(re.findall(r"\{([^{}]+)\}", op.path))
        declared = {p.get("name") for p in op.parameters if p.get("in") == "path" and isinstance(p.get("name"), str)}
        for name in sorted(template - declared):
            yield op.pointer, f"path parameter {{{name}}} of {op.key} is not declared"
        for name in sorted(declared - template):
            yield op.pointer, f"path parameter {name!r} of {op.key} is not in the path template"


def _value_checker(spec: Spec) -> Any:
    """A function (schema pointer, value) -> error message or None, resolving refs against the whole document."""
    spec_kind = DRAFT202012 if spec.is_31 else DRAFT4
    registry = Registry().with_resource(_ROOT, Resource.from_contents(spec.document, default_specification=spec_kind))
    validator_cls = OAS31Validator if spec.is_31 else OAS30Validator

    def check(schema_pointer: str, value: Any) -> str | None:
        try:
            validator = validator_cls({"$ref": _ROOT + schema_pointer}, registry=registry)
            error = next(iter(validator.iter_errors(value)), None)
        except Exception:  # an unresolvable or malformed schema is reported by other rules
            return None
        return _first_line(error.message, 160) if error is not None else None

    return check


def _schema_values(checked: Checked, keyword: str) -> Iterator[tuple[str, str, Any]]:
    """(schema pointer, value pointer, value) for every schema-level `example`/`default` and media-type `example`."""
    spec = checked.spec
    for where, schema in checked.schemas:
        if keyword in schema and "$ref" not in schema:
            yield where, jp.join(where, keyword), schema[keyword]
    if keyword == "example":
        for where, _schema in top_level_schemas(spec.document):
            parent = where.rsplit("/", 1)[0]
            holder = jp.resolve(spec.document, parent, default=None)
            if isinstance(holder, dict) and "example" in holder:
                yield where, jp.join(parent, "example"), holder["example"]


def _mismatches(checked: Checked, keyword: str) -> Iterator[tuple[str, str]]:
    for schema_ptr, value_ptr, value in _schema_values(checked, keyword):
        if value is None and keyword == "default":
            continue  # `default: null` is its own APIM lint rule
        problem = checked.check_value(schema_ptr, value)
        if problem:
            yield value_ptr, f"{keyword} does not match its schema: {problem}"


@INTEGRITY.rule("example-mismatch", "warning", "An example does not validate against its own schema.")
def _example_mismatch(checked: Checked) -> Iterator[tuple[str, str]]:
    return _mismatches(checked, "example")


@INTEGRITY.rule("default-mismatch", "warning", "A default value does not validate against its own schema.")
def _default_mismatch(checked: Checked) -> Iterator[tuple[str, str]]:
    return _mismatches(checked, "default")
