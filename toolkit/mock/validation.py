"""Compiled schema validation for the mock: jsonschema-rs over the document read the OpenAPI way (`dialect`).

openapi-schema-validator walks schemas in Python (~3 ms per chat request, most of the mock's CPU); the compiled
validators take microseconds. Formats are judged by openapi-schema-validator's own format checkers, so a value
is accepted exactly when it was accepted before (`int32`/`int64` ranges become bounds in `dialect`).
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable

import jsonschema_rs
from openapi_schema_validator import oas30_format_checker, oas31_format_checker

from ..model import Spec
from .dialect import json_schema, json_schema_document

DOC_URI = "urn:aoai-spec:mock-document"
# Formats jsonschema-rs checks on its own; where openapi-schema-validator's checker lacks one, it is not checked.
_BUILT_IN_FORMATS = ("date", "date-time", "duration", "email", "hostname", "idn-email", "idn-hostname", "ipv4", "ipv6",
                     "iri", "iri-reference", "json-pointer", "regex", "relative-json-pointer", "time", "uri",
                     "uri-reference", "uri-template", "uuid")


def _accept(_: str) -> bool:
    return True


def _conforms(checker: Any, name: str, value: str) -> bool:
    return bool(checker.conforms(value, name))


def _formats(checker: Any) -> dict[str, Callable[[str], bool]]:
    known = {name: partial(_conforms, checker, name) for name in checker.checkers}
    return {**{name: _accept for name in _BUILT_IN_FORMATS}, **known}


_FORMATS = {False: _formats(oas30_format_checker), True: _formats(oas31_format_checker)}


class SchemaValidator:
    """Validates instances against schemas of one document (internal `#/...` refs resolve inside it).

    `writing`: judge request bodies (a read-only property may not be sent); else the reading used for responses.
    """

    def __init__(self, spec: Spec, document: dict[str, Any] | None = None, *, writing: bool = False) -> None:
        self.is_31 = spec.is_31
        self.writing = writing
        self._converted = json_schema_document(document if document is not None else spec.document,
                                               is_31=self.is_31, writing=writing)
        draft = jsonschema_rs.Draft202012 if self.is_31 else jsonschema_rs.Draft4
        self._cls = jsonschema_rs.Draft202012Validator if self.is_31 else jsonschema_rs.Draft4Validator
        try:
            self._registry: Any = jsonschema_rs.Registry([(DOC_URI, self._converted)], draft=draft)
        except ValueError:  # nested deeper than jsonschema-rs reads (~250 levels): the Python engine, same reading
            self._registry = None
        self._cache: dict[int, tuple[Any, Any]] = {}

    def validator(self, schema: Any) -> Any:
        """The compiled validator of a schema of this document (cached by identity: schemas are not mutated)."""
        key = id(schema)
        cached = self._cache.get(key)
        if cached is None or cached[0] is not schema:
            bare_ref = isinstance(schema, dict) and len(schema) == 1 and isinstance(schema.get("$ref"), str)
            converted = {"$ref": DOC_URI + schema["$ref"]} if bare_ref and schema["$ref"].startswith("#") else \
                _rebase_refs(json_schema(schema, is_31=self.is_31, writing=self.writing))  # the target is converted
            try:
                if self._registry is None:
                    raise ValueError("the document is too deep for jsonschema-rs")
                compiled: Any = self._cls(converted, registry=self._registry, validate_formats=True,
                                          formats=_FORMATS[self.is_31], ignore_unknown_formats=True)
            except ValueError:
                compiled = _PythonEngine(converted, self._converted, self.is_31)
            cached = (schema, compiled)
            self._cache[key] = cached
        return cached[1]

    def is_valid(self, instance: Any, schema: Any) -> bool:
        try:
            return bool(self.validator(schema).is_valid(instance))
        except Exception:  # a schema that cannot compile, an instance too deep to read: "cannot confirm"
            return False

    def first_error(self, instance: Any, schema: Any) -> str | None:
        """The first problem as `message at a/b/c`, or None when the instance is valid."""
        error = self.first(instance, schema)
        if error is None:
            return None
        if isinstance(error, str):
            return error
        return f"{error.message} at {'/'.join(str(p) for p in error.instance_path) or '/'}"

    def first(self, instance: Any, schema: Any) -> Any:
        """The first jsonschema-rs `ValidationError` (or a message when the schema cannot be used), else None."""
        try:
            return next(iter(self.validator(schema).iter_errors(instance)), None)
        except Exception as exc:  # as in `is_valid`
            return f"schema not usable: {exc}"


class _PythonEngine:
    """The same converted schema judged by jsonschema (Python), for documents deeper than jsonschema-rs reads;
    the interface is the part of jsonschema-rs' validators the mock uses."""

    def __init__(self, schema: Any, document: dict[str, Any], is_31: bool) -> None:
        import jsonschema
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4, DRAFT202012

        resource = Resource.from_contents(document, default_specification=DRAFT202012 if is_31 else DRAFT4)
        cls = jsonschema.Draft202012Validator if is_31 else jsonschema.Draft4Validator
        checker = oas31_format_checker if is_31 else oas30_format_checker
        self._validator = cls(schema, registry=Registry().with_resource(DOC_URI, resource), format_checker=checker)

    def is_valid(self, instance: Any) -> bool:
        return bool(self._validator.is_valid(instance))

    def iter_errors(self, instance: Any) -> Any:
        for error in self._validator.iter_errors(instance):
            error.instance_path = list(error.absolute_path)
            yield error


def _rebase_refs(node: Any) -> Any:
    """Point a fragment's internal refs at the registered document."""
    if isinstance(node, dict):
        return {k: (DOC_URI + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else _rebase_refs(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_rebase_refs(v) for v in node]
    return node
