"""The structure pass of `validate`: openapi-spec-validator's checks, run on a compiled JSON-Schema engine.

openapi-spec-validator checks a document in two parts: the whole document against the OpenAPI meta-schema (it
already runs that on jsonschema-rs when installed), then a keyword walk over paths, operations and schemas that
checks every top-level schema against the JSON-Schema meta-schema, every `default` against its schema, path
parameters, duplicate parameters, operationIds and tags. That walk goes through jsonschema-path (a `$ref`-
resolving path object per node, and lists for its visited sets) and costs 10-17 s on OpenAI's 3.4 MB spec, so it
is mirrored here over the plain dict, check for check and message for message (the walk order, its visited and
meta-checked sets, `$ref`s followed with their siblings ignored), with two changes:

- the meta-schema check asks a jsonschema-rs validator of the same meta-schema first (format checks call the
  same Python format checkers), and only when it fails asks openapi-schema-validator's own `check_schema` for
  the message it gives today (so findings are the library's, word for word);
- findings carry the document pointer where the library gives a path relative to the checked schema or value.

`tests/test_validate.py` runs both (`library_findings`) on hand-made cases and real specs and requires the same
findings; `bench/bench_validate.py` does so on every archived spec.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator
from urllib.parse import unquote

from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for
from openapi_schema_validator import (OAS30Validator, OAS31Validator, oas30_format_checker,
                                      oas31_format_checker)
from openapi_schema_validator._dialects import OAS31_BASE_DIALECT_ID
from openapi_schema_validator._specifications import REGISTRY as OPENAPI_SPECIFICATIONS
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from . import pointer as jp

OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_ROOT = "urn:aoai-spec:structure"
# Every format a meta-schema may name: each is routed to the Python format checker the library uses, so the
# compiled engine accepts exactly what the library accepts (only `regex` is really checked today).
_FORMATS = ("date-time", "date", "time", "duration", "email", "idn-email", "hostname", "idn-hostname", "ipv4",
            "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uuid", "uri-template", "json-pointer",
            "relative-json-pointer", "regex")

Finding = tuple[str, str]  # (JSON pointer, message)


class StructureStopped(Exception):
    """The walk met something it cannot go past (a `$ref` that resolves to nothing)."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(message)
        self.pointer = pointer


# --------------------------------------------------------------------------------------------------- engines


@lru_cache(maxsize=None)
def _compiled(meta_schema_id: str) -> Any | None:
    """A jsonschema-rs validator of the library's meta-schema for a schema dialect, or None without jsonschema-rs."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a dependency; the Python engine still gives the same findings
        return None
    library = _library_checker(meta_schema_id)
    checker = library.format_checker
    formats = {name: (lambda value, name=name: checker.conforms(value, name)) for name in {*_FORMATS, *checker.checkers}}
    resources = [(uri, OPENAPI_SPECIFICATIONS.contents(uri)) for uri in OPENAPI_SPECIFICATIONS
                 if uri.startswith("https://spec.openapis.org/")]
    return jsonschema_rs.validator_for(library.meta_schema, registry=jsonschema_rs.Registry(resources),
                                       validate_formats=True, formats=formats)


class _LibraryChecker:
    """openapi-schema-validator's `check_schema` for one dialect: the first meta-schema error, as it raises it."""

    def __init__(self, cls: Any, format_checker: Any) -> None:
        self.cls = cls
        self.format_checker = format_checker
        self.meta_schema = cls.META_SCHEMA

    def first_error(self, schema: Any) -> SchemaError | None:
        try:
            self.cls.check_schema(schema, format_checker=self.format_checker)
        except SchemaError as error:
            return error
        return None


@lru_cache(maxsize=None)
def _library_checker(meta_schema_id: str) -> _LibraryChecker:
    if meta_schema_id == "oas30":
        return _LibraryChecker(OAS30Validator, oas30_format_checker)
    return _LibraryChecker(OAS31Validator, oas31_format_checker)


def meta_error(dialect: str, schema: Any) -> SchemaError | None:
    """The library's meta-schema error for one schema; the compiled engine answers the (usual) valid case."""
    compiled = _compiled(dialect)
    if compiled is not None and compiled.is_valid(schema):
        return None
    return _library_checker(dialect).first_error(schema)


# --------------------------------------------------------------------------------------------------- the walk


class _Walk:
    """openapi-spec-validator's keyword validators (`validation/keywords.py`) over a plain dict."""

    def __init__(self, document: dict[str, Any], is_31: bool) -> None:
        self.document = document
        self.is_31 = is_31
        self.visited: set[int] = set()
        self.meta_checked: set[int] = set()
        self.operation_ids: list[Any] = []
        self.value_cls = OAS31Validator if is_31 else OAS30Validator
        self.value_format_checker = oas31_format_checker if is_31 else oas30_format_checker
        self.registry = Registry().with_resource(
            _ROOT, Resource.from_contents(document, default_specification=DRAFT202012 if is_31 else DRAFT4))
        dialect = document.get("jsonSchemaDialect") if is_31 else None
        self.default_dialect = dialect if isinstance(dialect, str) else OAS31_BASE_DIALECT_ID

    # -- $ref: every node the library reads is resolved first, chains followed, siblings ignored
    def deref(self, node: Any, where: str) -> tuple[Any, str]:
        seen: set[str] = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            target = _MISSING
            if isinstance(ref, str) and ref.startswith("#"):
                target = jp.resolve(self.document, ref, default=_MISSING)
                if target is _MISSING and "%" in ref:  # a URI fragment may percent-encode its pointer
                    target = jp.resolve(self.document, unquote(ref), default=_MISSING)
            if target is _MISSING or ref in seen:
                raise StructureStopped(where, f"$ref {ref!r} does not resolve")
            seen.add(ref)
            node, where = target, ref
        return node, where

    def child(self, node: dict[str, Any], key: Any, where: str) -> tuple[Any, str]:
        return self.deref(node[key], jp.join(where, key))

    def items(self, node: Any, where: str) -> Iterator[tuple[Any, Any, str]]:
        """(key, resolved child, pointer) of a mapping or list node."""
        pairs = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, _value in list(pairs):
            value, at = self.child(node, key, where)
            yield key, value, at

    # -- root
    def root(self) -> Iterator[Finding]:
        doc = self.document
        if "tags" in doc:
            tags, where = self.child(doc, "tags", "#")
            yield from self.tags(tags, where)
        if "paths" in doc:
            paths, where = self.child(doc, "paths", "#")
            for url, item, at in self.items(paths, where):
                yield from self.path(str(url), item, at)
        if "components" in doc:
            components, where = self.child(doc, "components", "#")
            if isinstance(components, dict) and "schemas" in components:
                schemas, at = self.child(components, "schemas", where)
                for _name, schema, schema_at in self.items(schemas, at):
                    yield from self.schema(schema, schema_at)

    def tags(self, tags: Any, where: str) -> Iterator[Finding]:
        seen: set[Any] = set()
        for _i, tag, at in self.items(tags, where):
            name = tag["name"]
            if name in seen:
                yield jp.join(at, "name"), f"Duplicate tag name '{name}'"
            seen.add(name)

    def path(self, url: str, item: Any, where: str) -> Iterator[Finding]:
        if not isinstance(item, dict):
            return
        parameters = None
        if "parameters" in item:
            parameters = self.child(item, "parameters", where)
            yield from self.parameters(*parameters)
        for name, operation, at in self._operations(item, where):
            yield from self.operation(url, name, operation, at, parameters)

    def _operations(self, item: dict[str, Any], where: str) -> Iterator[tuple[str, Any, str]]:
        for name in list(item):
            if name in OPERATIONS:
                operation, at = self.child(item, name, where)
                yield name, operation, at

    def parameters(self, parameters: Any, where: str) -> Iterator[Finding]:
        seen = set()
        for _i, parameter, at in self.items(parameters, where):
            if "schema" in parameter:
                yield from self.schema(*self.child(parameter, "schema", at))
            key = (parameter["name"], parameter["in"])
            if key in seen:
                yield at, f"Duplicate parameter '{parameter['name']}'"
            seen.add(key)

    def operation(self, url: str, name: str, operation: Any, where: str,
                  path_parameters: tuple[Any, str] | None) -> Iterator[Finding]:
        if not isinstance(operation, dict):
            return
        if "operationId" in operation:
            value, at = self.child(operation, "operationId", where)
            if value is not None and value in self.operation_ids:
                yield at, f"Operation ID '{value}' for '{name}' in '{url}' is not unique"
            self.operation_ids.append(value)
        if "responses" in operation:
            responses, at = self.child(operation, "responses", where)
            for _code, response, response_at in self.items(responses, at):
                if isinstance(response, dict) and "content" in response:
                    content, content_at = self.child(response, "content", response_at)
                    for _media, media_type, media_at in self.items(content, content_at):
                        if isinstance(media_type, dict) and "schema" in media_type:
                            yield from self.schema(*self.child(media_type, "schema", media_at))
        names: list[Any] = []
        if "parameters" in operation:
            parameters = self.child(operation, "parameters", where)
            yield from self.parameters(*parameters)
            names += self.path_parameter_names(*parameters)
        if path_parameters is not None:
            names += self.path_parameter_names(*path_parameters)
        declared = set(names)
        in_url = {field for _text, field, _spec, _conv in string.Formatter().parse(url) if field}
        for missing in sorted(in_url - declared) + sorted(declared - in_url):
            yield where, f"Path parameter '{missing}' for '{name}' operation in '{url}' was not resolved"

    def path_parameter_names(self, parameters: Any, where: str) -> list[Any]:
        return [parameter["name"] for _i, parameter, _at in self.items(parameters, where) if parameter["in"] == "path"]

    # -- schemas
    def schema(self, node: Any, where: str, *, meta_checked: bool = False) -> Iterator[Finding]:
        value, where = self.deref(node, where)
        if not isinstance(value, (dict, bool)):
            yield where, f"{value!r} is not of type 'object', 'boolean'"
            return
        if not meta_checked and id(value) not in self.meta_checked:
            self.meta_checked.add(id(value))
            error = self.meta_error(value)
            if error is not None:
                yield jp.join(where, *error.path), error.message
                return
        if id(value) in self.visited:
            return
        self.visited.add(id(value))
        if not isinstance(value, dict):
            return
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword in value:
                members, at = self.child(value, keyword, where)
                for _i, member, member_at in self.items(members, at):
                    yield from self.schema(member, member_at, meta_checked=True)
        for keyword in ("not", "items"):
            if keyword in value:
                yield from self.schema(value[keyword], jp.join(where, keyword), meta_checked=True)
        if "properties" in value:
            properties, at = self.child(value, "properties", where)
            for _name, prop, prop_at in self.items(properties, at):
                yield from self.schema(prop, prop_at, meta_checked=True)
        # the library's "Required list has not defined properties" is left out: `required-property-missing`
        # (an integrity rule) reports the same defect with a pointer
        if "default" in value:
            default = value["default"]
            if default is not None or value.get("nullable", False) is not True:
                yield from self.value_errors(where, default)

    def meta_error(self, value: Any) -> SchemaError | None:
        if not self.is_31:
            return meta_error("oas30", value)
        dialect = value.get("$schema", self.default_dialect) if isinstance(value, dict) else self.default_dialect
        if dialect == OAS31_BASE_DIALECT_ID:
            return meta_error("oas31", value)
        return _other_dialect_error(dialect, value)

    def value_errors(self, schema_at: str, value: Any) -> Iterator[Finding]:
        """`default` against its own schema, with the format checks the library applies."""
        validator = self.value_cls({"$ref": _ROOT + schema_at}, registry=self.registry,
                                   format_checker=self.value_format_checker)
        for error in validator.iter_errors(value):
            yield jp.join(schema_at, "default", *error.path), error.message


_MISSING = object()


def _other_dialect_error(dialect: Any, value: Any) -> SchemaError | None:
    """A schema naming another `$schema` dialect is checked by that dialect's jsonschema validator, as the library does."""
    cls = validator_for({"$schema": dialect}, default=None) if isinstance(dialect, str) else None
    if cls is None:
        return SchemaError(f"Unknown JSON Schema dialect: {dialect!r}")
    try:
        cls.check_schema(value, format_checker=oas31_format_checker)
    except SchemaError as error:
        return error
    return None


def library_findings(document: dict[str, Any], is_31: bool) -> Iterator[Finding]:
    """openapi-spec-validator's own check as it runs by itself (pure Python, 10-17 s on OpenAI's spec), with the
    library's pointers: what the structure pass is compared with (tests, `bench/bench_validate.py`)."""
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    validator = (OpenAPIV31SpecValidator if is_31 else OpenAPIV30SpecValidator)(document)
    for error in validator.iter_errors():
        yield jp.from_tokens(getattr(error, "absolute_path", None) or error.path or ()), error.message


def structure_findings(document: dict[str, Any], is_31: bool) -> Iterator[Finding]:
    """(pointer, message) for the whole-document meta-schema pass, then for the keyword walk."""
    from openapi_spec_validator.schemas import openapi_v30_schema_validator, openapi_v31_schema_validator

    document_validator = openapi_v31_schema_validator if is_31 else openapi_v30_schema_validator
    for error in document_validator.iter_errors(document):
        yield jp.from_tokens(getattr(error, "absolute_path", None) or error.path or ()), error.message
    yield from _Walk(document, is_31).root()


@dataclass(frozen=True)
class StructureCheck:
    """One structure pass over one document, kept so that every reader shares it: `validate` and the APIM
    `oas-schema` rule judge a published 3.0 document by the same pass, and a site build runs it once for both."""

    is_31: bool
    found: tuple[tuple[str, str], ...]  # (pointer, message), as far as the pass went
    stopped: Exception | None = None  # why it ended early: StructureStopped, or a document the walk cannot read


def check_structure(document: dict[str, Any], is_31: bool) -> StructureCheck:
    """Run `structure_findings` to the end (or to where it stops) and keep what it found."""
    found: list[tuple[str, str]] = []
    try:
        found.extend(structure_findings(document, is_31))
    except Exception as exc:  # noqa: BLE001 - kept for the readers: each reports a stop in its own way
        return StructureCheck(is_31, tuple(found), exc)
    return StructureCheck(is_31, tuple(found))
