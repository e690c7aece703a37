"""The mock's compiled request validation gives openapi-core's verdicts, on generated requests and on each rule of
the OpenAPI reading (`toolkit/mock/dialect.py`) taken alone."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30Validator, OAS30WriteValidator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from toolkit.model import Spec

EXAMPLES = 150


def _mounted(spec_id: str):
    from toolkit.mock import create_app

    mock = create_app(specs=[spec_id]).state.mock
    return mock.v1 or next(iter(mock.dated.values()))


def _incoming(mounted, case):
    """The request a Schemathesis case would send, as the mock parses it (None for multipart: judged apart)."""
    from toolkit.mock.surface import Incoming, json_loads

    kwargs = case.as_transport_kwargs(base_url="http://mock" + mounted.prefix)
    headers = {k.lower(): str(v) for k, v in (kwargs.get("headers") or {}).items()}
    headers.update({"api-key": "k", "authorization": "Bearer k"})
    raw, body, plain = b"", None, True
    if "json" in kwargs:
        raw = json.dumps(kwargs["json"]).encode()
        headers.setdefault("content-type", "application/json")
        body, plain = json_loads(raw)
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        raw = data if isinstance(data, bytes) else str(data).encode()
    content_type = headers.get("content-type", "").lower()
    if content_type.startswith("multipart/"):
        return None
    query: dict[str, list[str]] = {}
    for name, value in (kwargs.get("params") or {}).items():
        query[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    route, params = mounted.find(case.formatted_path)
    op = route.operations[case.method.lower()]
    return op, Incoming(case.method.lower(), case.formatted_path, params, query, headers, content_type, raw, body, {},
                        plain)


def _reference(mounted, op, incoming) -> str | None:
    """openapi-core on the same request, with the query the mock would give it."""
    from toolkit.mock.surface import OpenApiRequest

    query = [(k, v) for k, values in incoming.query.items() for v in values
             if v != "" or not mounted._empty_is_valid(op, k)]
    return mounted.validate_request(OpenApiRequest(
        path=mounted.prefix + incoming.path, method=incoming.method, body=incoming.raw or None,
        content_type=incoming.content_type, headers=dict(incoming.headers), query=query))


@pytest.mark.slow
@pytest.mark.parametrize("spec_id", ["v1", "2024-10-21"])
def test_compiled_verdicts_equal_openapi_cores_on_generated_requests(spec_id):
    import schemathesis
    from schemathesis import GenerationMode

    mounted = _mounted(spec_id)
    schema = schemathesis.openapi.from_dict(mounted.document)
    operations = [result.ok() for result in schema.get_all_operations()]
    strategy = st.one_of(*[op.as_strategy(generation_mode=mode) for op in operations
                           for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)])
    verdicts: dict[tuple[bool, bool], int] = {}
    disagreements: list[str] = []

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None,
              phases=[Phase.generate], derandomize=True)
    @given(case=strategy)
    def compare(case):
        parsed = _incoming(mounted, case)
        if parsed is None:
            return
        op, incoming = parsed
        mine, reference = mounted.request_problem(op, incoming), _reference(mounted, op, incoming)
        verdicts[(mine is None, reference is None)] = verdicts.get((mine is None, reference is None), 0) + 1
        if (mine is None) != (reference is None):
            disagreements.append(f"{op.key}: compiled {mine!r}, openapi-core {reference!r}")

    compare()
    assert not disagreements, disagreements[:5]
    # both kinds of verdict were exercised, or the comparison proves nothing
    assert verdicts.get((True, True), 0) > 10 and verdicts.get((False, False), 0) > 10, verdicts


# -- each rule of the reading alone, on a tiny document, against openapi-schema-validator

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {},
    "components": {"schemas": {
        "Nullable": {"type": "string", "nullable": True, "enum": ["a"]},
        "NullableRef": {"allOf": [{"$ref": "#/components/schemas/Cat"}], "nullable": True},
        "Account": {"type": "object", "required": ["id", "name", "secret"], "properties": {
            "id": {"type": "string", "readOnly": True}, "name": {"type": "string"},
            "secret": {"type": "string", "writeOnly": True}}},
        "Counter": {"type": "integer", "format": "int32"},
        "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}},
        "Cat": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, "lives": {"type": "integer"}}},
        "Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}},
        "RefWithSibling": {"$ref": "#/components/schemas/Cat", "required": ["lives"]},
        "Animal": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}},
                   "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}},
        "Stamp": {"type": "string", "format": "date-time"},
        "Blob": {"type": "string", "format": "byte"},
    }},
}

CASES = [
    ("Nullable", [None, "a", "b", 1]),
    ("NullableRef", [None, {"kind": "x"}, {}, 3]),
    ("Account", [{"name": "n", "secret": "s"}, {"id": "1", "name": "n", "secret": "s"}, {"name": "n"}, {"id": "1"}]),
    ("Counter", [0, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 1.5]),
    ("Pet", [{"kind": "cat"}, {"kind": "cat", "lives": "nine"}, {"kind": "Dog"}, {"kind": "cow"}, {}, "cat"]),
    ("RefWithSibling", [{"kind": "x", "lives": 9}, {"kind": "x"}]),
    ("Stamp", ["2024-01-01T00:00:00Z", "yesterday"]),
    ("Blob", ["aGVsbG8=", "not base64!"]),
]


def _oracle(cls, name: str, document: dict):
    """openapi-schema-validator, as openapi-core runs it (the write validator for requests)."""
    registry = Registry().with_resource("urn:doc", Resource.from_contents(document, default_specification=DRAFT4))
    return cls({"$ref": f"urn:doc#/components/schemas/{name}"}, registry=registry, format_checker=oas30_format_checker)


@pytest.mark.parametrize("writing", [False, True], ids=["response", "request"])
@pytest.mark.parametrize("name,instances", CASES, ids=[c[0] for c in CASES])
def test_each_rule_of_the_reading_matches_openapi_schema_validator(name, instances, writing):
    from toolkit.mock.dialect import relax_nullable
    from toolkit.mock.validation import SchemaValidator

    relaxed = json.loads(json.dumps(DOCUMENT))
    relax_nullable(relaxed, writing=writing)
    spec = Spec(DOCUMENT)
    compiled = SchemaValidator(spec, relaxed, writing=writing)
    schema = DOCUMENT["components"]["schemas"][name]
    oracle = _oracle(OAS30WriteValidator if writing else OAS30Validator, name, relaxed)
    verdicts = [(instance, compiled.is_valid(instance, schema), oracle.is_valid(instance)) for instance in instances]
    assert [v[1] for v in verdicts] == [v[2] for v in verdicts], verdicts
    assert {v[1] for v in verdicts} == {True, False}  # every case has both an accepted and a refused instance


def test_the_rules_say_what_openapi_means():
    """The verdicts themselves, so that the comparison above cannot pass by both sides being wrong the same way."""
    from toolkit.mock.dialect import relax_nullable
    from toolkit.mock.validation import SchemaValidator

    for_requests, for_responses = json.loads(json.dumps(DOCUMENT)), json.loads(json.dumps(DOCUMENT))
    relax_nullable(for_requests, writing=True)
    relax_nullable(for_responses, writing=False)
    schemas = DOCUMENT["components"]["schemas"]
    request = SchemaValidator(Spec(DOCUMENT), for_requests, writing=True)
    response = SchemaValidator(Spec(DOCUMENT), for_responses)
    assert request.is_valid(None, schemas["NullableRef"]) and response.is_valid(None, schemas["NullableRef"])
    # an enum without null keeps null out of requests (OAS 3.0.3, Schemathesis), not out of responses
    assert not request.is_valid(None, schemas["Nullable"]) and response.is_valid(None, schemas["Nullable"])
    # responses: a discriminating string must name a mapped schema (Schemathesis ST111); requests are not held to it
    assert not response.is_valid({"kind": "cow"}, schemas["Animal"]) and response.is_valid({"kind": "cat"}, schemas["Animal"])
    assert request.is_valid({"kind": "cow"}, schemas["Animal"])
    assert not request.is_valid({"id": "1", "name": "n", "secret": "s"}, schemas["Account"])  # read-only sent
    assert request.is_valid({"name": "n", "secret": "s"}, schemas["Account"])  # read-only not required
    assert response.is_valid({"name": "n"}, schemas["Account"])  # neither is required in a response
    assert not request.is_valid(2**31, schemas["Counter"]) and request.is_valid(2**31 - 1, schemas["Counter"])
    assert request.is_valid({"kind": "cat", "lives": 9}, schemas["Pet"])
    assert not request.is_valid({"kind": "cow"}, schemas["Pet"])
    assert not request.is_valid({"kind": "x"}, schemas["RefWithSibling"])  # the sibling `required` applies
    assert not request.is_valid("not base64!", schemas["Blob"])


def test_parameters_are_read_as_openapi_core_reads_them():
    from toolkit.mock.request_checks import OperationCheck
    from toolkit.mock.validation import SchemaValidator

    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/items": {"get": {
        "parameters": [
            {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100, "default": 20}},
            {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
            {"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "integer"}}},
            {"name": "flag", "in": "query", "schema": {"type": "boolean"}},
            {"name": "x-tags", "in": "header", "required": True, "schema": {"type": "array", "items": {"type": "string"}}},
        ], "responses": {"200": {"description": "ok"}}}}}}
    spec = Spec(document)
    op = next(iter(spec.operations()))
    check = OperationCheck.compile(spec, op, SchemaValidator(spec, writing=True))
    assert not check.needs_openapi_core

    def problem(query: dict[str, list[str]], headers: dict[str, str] | None = None) -> str | None:
        return check.parameter_problem({}, query, headers if headers is not None else {"x-tags": "a,b"})

    assert problem({"limit": ["5"], "order": ["asc"], "ids": ["1", "2"], "flag": ["yes"]}) is None
    assert "cast" in problem({"limit": ["five"]})
    assert "100" in problem({"limit": ["101"]})
    assert "asc" in problem({"order": ["up"]})
    assert "cast" in problem({"ids": ["1", "x"]})
    assert "cast" in problem({"flag": ["maybe"]})
    assert "empty" in problem({"order": [""]})
    assert problem({}, {}).startswith("MissingRequiredParameter")
