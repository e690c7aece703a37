"""Property: for any small valid OpenAPI 3.0/3.1 document, with APIM import hazards added on top (issue 12: a
security scheme named `Backoffice User`, schema keys APIM refuses, operationIds over 76 characters that collide
when cut, path templates that differ only in parameter names, fields APIM does not support, fields not valid on
their object, 3.0.4...), `apim prepare` gives a document that passes its own lint with no errors and
openapi-spec-validator, in which every `$ref` and every security requirement resolves, and it never modifies
its input (Hypothesis over tests/hostile/openapi_strategies)."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.hostile.openapi_strategies import openapi_documents
from toolkit import pointer as jp
from toolkit.downgrade import downgrade_document
from toolkit.schemas import iter_refs
from toolkit.model import Spec

LONG_ID = "CreateAVeryLongOperationNameThatDescribesEverythingThisEndpointDoesInGreatDetail_"
HAZARDS = ("scheme-with-space", "bad-schema-key", "long-ids", "twin-template", "unsupported-fields",
           "invalid-fields", "extensions", "openapi-304", "long-summary", "server-variables", "cookie")


def _errors(document: dict, validator_cls: type) -> list[str] | None:
    try:
        return [e.message for e in validator_cls(document).iter_errors()]
    except Exception:  # the validator itself gives up on some ref cycles
        return None


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for item in document["paths"].values() for m, op in item.items()
            if m in ("get", "put", "post", "delete", "patch", "options", "head", "trace") and isinstance(op, dict)]


def add_hazards(document: dict[str, Any], chosen: set[str]) -> dict[str, Any]:
    """The document with the chosen APIM hazards, each of which prepare can fix safely."""
    doc = copy.deepcopy(document)
    ops = _operations(doc)
    components = doc.setdefault("components", {})
    if "scheme-with-space" in chosen:
        components.setdefault("securitySchemes", {})["Backoffice User"] = {"type": "http", "scheme": "bearer"}
        doc["security"] = [*doc.get("security", []), {"Backoffice User": []}]
        ops[0]["security"] = [{"Backoffice User": []}]
    if "bad-schema-key" in chosen:
        schemas = components.setdefault("schemas", {})
        schemas["Pet[Summary]"] = {"type": "object", "properties": {"name": {"type": "string"}}}
        schemas["Owner"] = {"allOf": [{"$ref": "#/components/schemas/Pet[Summary]"}], "description": "owner"}
    if "long-ids" in chosen:
        for i, op in enumerate(ops):
            op["operationId"] = f"{LONG_ID}{'x' * 10}{i}"  # all equal once cut at 76 characters
    if "twin-template" in chosen and "/pets/{pet_id}" in doc["paths"]:
        used = {m for m in doc["paths"]["/pets/{pet_id}"] if m != "parameters"}
        free = [m for m in ("put", "patch", "head") if m not in used]
        doc["paths"]["/pets/{id}"] = {free[0]: {
            "operationId": "twin", "parameters": [{"name": "id", "in": "path", "required": True,
                                                   "schema": {"type": "string"}}],
            "responses": {"204": {"description": "done"}}}}
    if "unsupported-fields" in chosen:
        doc["externalDocs"] = {"url": "https://docs.example.com"}
        ops[0]["externalDocs"] = {"url": "https://docs.example.com/op"}
        ops[0]["callbacks"] = {}
        ops[0]["servers"] = [{"url": "https://other.example.com"}]
        first = next(iter(doc["paths"].values()))
        first["trace"] = {"responses": {"200": {"description": "ok"}}}
    if "invalid-fields" in chosen:
        ops[0].setdefault("parameters", []).append({"name": "tags", "in": "query", "uniqueItems": True,
                                                    "schema": {"type": "array", "items": {"type": "string"}}})
        components["security"] = [{"k": []}]
    if "extensions" in chosen:
        doc["x-generator"] = "fuzz"
        ops[-1]["x-ms-examples"] = {"one": {"$ref": "./examples/one.json"}}
    if "openapi-304" in chosen and doc["openapi"].startswith("3.0"):
        doc["openapi"] = "3.0.4"
    if "long-summary" in chosen:
        ops[0]["summary"] = "s" * 400
    if "server-variables" in chosen:
        doc["servers"] = [{"url": "https://{endpoint}/openai", "variables": {"endpoint": {"default": "x.example.com"}}}]
    if "cookie" in chosen:
        ops[0].setdefault("parameters", []).append({"name": "session", "in": "cookie", "schema": {"type": "string"}})
    return doc


def _unresolved(document: dict[str, Any]) -> list[str]:
    bad = [f"{where}: {node['$ref']}" for where, node in iter_refs(document)
           if jp.resolve(document, node["$ref"], default=None) is None]
    schemes = set(document.get("components", {}).get("securitySchemes", {}))
    for holder in [document, *_operations(document)]:
        for requirement in holder.get("security", []):
            bad += [f"security {name}" for name in requirement if name not in schemes]
    return bad


@settings(max_examples=60, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(document=openapi_documents(), chosen=st.sets(st.sampled_from(HAZARDS), max_size=5))
def test_prepare_output_is_valid_resolved_and_lint_clean(document: dict, chosen: set[str]) -> None:
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    from toolkit.apim import lint, prepare

    source_cls = OpenAPIV31SpecValidator if document["openapi"].startswith("3.1") else OpenAPIV30SpecValidator
    assume(_errors(document, source_cls) == [])
    hazardous = add_hazards(document, chosen)
    before = copy.deepcopy(hazardous)
    result = prepare(Spec(hazardous), validate=False)
    assert hazardous == before, "prepare modified its input"
    errors = _errors(result.document, OpenAPIV30SpecValidator)
    assume(errors is not None)
    assert errors == [], (errors[:5], json.dumps(result.document)[:2000])
    findings = lint(result.document)
    assert [f for f in findings if f.level == "error"] == []
    # every hazard is fixable: only the base generator's missing `servers` may still warn
    assert {f.id for f in findings if f.level == "warning"} <= {"server-not-https"}, findings
    assert result.ok, [f for f in result.findings if f.level == "error"]
    assert _unresolved(result.document) == []
    assert result.document["openapi"] in ("3.0.0", "3.0.1", "3.0.2", "3.0.3")
    assert json.loads(result.minified) == result.document
    once = downgrade_document(document).document
    assert downgrade_document(once).document == once, "downgrading twice changed the document"
