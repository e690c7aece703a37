"""One tiny hand-written fixture per diff rule: every rule id must fire on its fixture and stay silent on a
self-diff of the same document. A coverage test makes sure no rule is left without a fixture."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from toolkit.diff import RULES, compare
from toolkit.model import Spec

# -- tiny document builders ---------------------------------------------------------------------------------------


def doc(paths: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths or {}}
    out.update(extra)
    return out


def op(**fields: Any) -> dict[str, Any]:
    base = {"responses": {"200": {"description": "ok"}}}
    base.update(fields)
    return base


def one(operation: dict[str, Any], path: str = "/things", method: str = "post", **extra: Any) -> dict[str, Any]:
    return doc({path: {method: operation}}, **extra)


def body(schema: dict[str, Any], required: bool = True, media: str = "application/json") -> dict[str, Any]:
    return {"required": required, "content": {media: {"schema": schema}}}


def resp(schema: dict[str, Any] | None = None, status: str = "200", **more: Any) -> dict[str, Any]:
    response: dict[str, Any] = {"description": "ok"}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    response.update(more)
    return {status: response}


def param(name: str, where: str = "query", required: bool = False, schema: dict[str, Any] | None = None,
          **more: Any) -> dict[str, Any]:
    out = {"name": name, "in": where, "required": required, "schema": schema or {"type": "string"}}
    out.update(more)
    return out


def in_scope(scope: str, schema: dict[str, Any]) -> dict[str, Any]:
    """Place `schema` as request property `p`, response property `p`, or query parameter `q`."""
    wrapped = {"type": "object", "properties": {"p": schema}}
    if scope == "request":
        return one(op(requestBody=body(wrapped)))
    if scope == "response":
        return one(op(responses=resp(wrapped)))
    return one(op(parameters=[param("q", schema=schema)]))


# -- schema rules: (base schema, revision schema, {scope: rule id}) -----------------------------------------------

OBJ = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
SCHEMA_CASES: list[tuple[dict[str, Any], dict[str, Any], dict[str, str]]] = [
    (OBJ, {"type": "object", "properties": {"a": {"type": "string"}}},
     {"request": "request-property-removed", "parameter": "request-parameter-property-removed",
      "response": "response-property-removed"}),
    ({**OBJ, "required": ["b"]}, {"type": "object", "properties": {"a": {"type": "string"}}},
     {"response": "response-required-property-removed"}),
    (OBJ, {"type": "object", "required": ["c"], "properties": {**OBJ["properties"], "c": {"type": "string"}}},
     {"request": "new-required-request-property", "response": "response-required-property-added"}),
    (OBJ, {"type": "object", "properties": {**OBJ["properties"], "c": {"type": "string"}}},
     {"request": "new-optional-request-property", "response": "response-optional-property-added"}),
    (OBJ, {**OBJ, "required": ["a"]},
     {"request": "request-property-became-required", "response": "response-property-became-required"}),
    ({**OBJ, "required": ["a"]}, OBJ,
     {"request": "request-property-became-optional", "response": "response-property-became-optional"}),
    ({"type": "string"}, {"type": "integer"},
     {"request": "request-property-type-changed", "parameter": "request-parameter-type-changed",
      "response": "response-property-type-changed"}),
    ({"type": "integer"}, {"type": "number"},
     {"request": "request-property-type-generalized", "parameter": "request-parameter-type-generalized"}),
    ({"type": "number"}, {"type": "integer"}, {"response": "response-property-type-specialized"}),
    ({"type": "string"}, {"type": "string", "nullable": True},
     {"request": "request-property-became-nullable", "parameter": "request-parameter-became-nullable",
      "response": "response-optional-property-became-nullable"}),  # `p` is optional; required: DOC_CASES
    ({**OBJ, "properties": {**OBJ["properties"], "old": {"type": "string", "deprecated": True}}}, OBJ,
     {"request": "request-property-removed-with-deprecation", "response": "response-property-removed-with-deprecation",
      "parameter": "request-parameter-property-removed-with-deprecation"}),
    ({**OBJ, "properties": {**OBJ["properties"], "old": {"type": "string", "deprecated": True,
                                                         "x-sunset": "2999-01-01"}}}, OBJ,
     {"request": "request-property-removed-before-sunset", "response": "response-property-removed-before-sunset",
      "parameter": "request-parameter-property-removed-before-sunset"}),
    ({"type": "string", "nullable": True}, {"type": "string"},
     {"request": "request-property-became-not-nullable", "parameter": "request-parameter-became-not-nullable",
      "response": "response-property-became-not-nullable"}),
    ({"type": "string", "enum": ["a", "b"]}, {"type": "string", "enum": ["a"]},
     {"request": "request-property-enum-value-removed", "parameter": "request-parameter-enum-value-removed",
      "response": "response-property-enum-value-removed"}),
    ({"type": "string", "enum": ["a"]}, {"type": "string", "enum": ["a", "b"]},
     {"request": "request-property-enum-value-added", "parameter": "request-parameter-enum-value-added",
      "response": "response-property-enum-value-added"}),
    ({"type": "string"}, {"type": "string", "enum": ["a"]},
     {"request": "request-property-became-enum", "parameter": "request-parameter-became-enum",
      "response": "response-property-became-enum"}),
    ({"type": "string", "enum": ["a"]}, {"type": "string"}, {"response": "response-property-enum-lifted"}),
    ({"type": "integer", "multipleOf": 2}, {"type": "integer", "multipleOf": 4},
     {"request": "request-property-constraint-changed", "response": "response-property-constraint-changed"}),
    ({"type": "string"}, {"type": "string", "pattern": "^a"},
     {"request": "request-property-pattern-added", "parameter": "request-parameter-pattern-added"}),
    ({"type": "string", "pattern": "^a"}, {"type": "string", "pattern": "^b"},
     {"request": "request-property-pattern-changed", "parameter": "request-parameter-pattern-changed"}),
    ({"type": "string", "pattern": "^a"}, {"type": "string"},
     {"request": "request-property-pattern-removed", "parameter": "request-parameter-pattern-removed"}),
    ({"type": "integer", "default": 1}, {"type": "integer", "default": 2},
     {"request": "request-property-default-value-changed", "parameter": "request-parameter-default-value-changed",
      "response": "response-property-default-value-changed"}),
    ({"type": "string"}, {"type": "string", "readOnly": True}, {"request": "request-property-became-read-only"}),
    ({"type": "string", "readOnly": True}, {"type": "string"}, {"request": "request-property-became-not-read-only"}),
    ({"type": "string"}, {"type": "string", "writeOnly": True}, {"response": "response-property-became-write-only"}),
    ({"type": "string", "writeOnly": True}, {"type": "string"},
     {"response": "response-property-became-not-write-only"}),
    ({"type": "string"}, {"type": "string", "deprecated": True},
     {"request": "request-property-deprecated", "response": "response-property-deprecated"}),
    ({"type": "string", "deprecated": True}, {"type": "string"},
     {"request": "request-property-reactivated", "response": "response-property-reactivated"}),
    ({"type": "object"}, {"type": "object", "additionalProperties": False},
     {"request": "request-property-additional-properties-narrowed"}),
    ({"type": "object", "additionalProperties": False}, {"type": "object"},
     {"response": "response-property-additional-properties-widened"}),
    ({"oneOf": [{"type": "string"}]}, {"oneOf": [{"type": "string"}, {"type": "integer"}]},
     {"request": "request-property-one-of-added", "response": "response-property-one-of-added"}),
    ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, {"oneOf": [{"type": "string"}]},
     {"request": "request-property-one-of-removed", "response": "response-property-one-of-removed"}),
    ({"anyOf": [{"type": "string"}]}, {"anyOf": [{"type": "string"}, {"type": "integer"}]},
     {"request": "request-property-any-of-added", "response": "response-property-any-of-added"}),
    ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, {"anyOf": [{"type": "string"}]},
     {"request": "request-property-any-of-removed", "response": "response-property-any-of-removed"}),
    ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, {"anyOf": [{"type": "string"}, {"type": "integer"}]},
     {"request": "schema-union-kind-changed"}),
    ({"oneOf": [{"type": "object"}], "discriminator": {"propertyName": "kind"}},
     {"oneOf": [{"type": "object"}], "discriminator": {"propertyName": "type"}},
     {"request": "request-property-discriminator-changed", "response": "response-property-discriminator-changed"}),
    ({"oneOf": [{"type": "object"}]}, {"oneOf": [{"type": "object"}], "discriminator": {"propertyName": "type"}},
     {"response": "schema-discriminator-added-or-removed"}),
    ({"type": "string"}, {"not": {}, "allOf": [False]},
     {"request": "request-schema-became-false", "response": "response-schema-became-false"}),
    ({"type": "string", "enum": ["a"], "x-ms-enum": {"name": "E", "modelAsString": True}},
     {"type": "string", "enum": ["a"], "x-ms-enum": {"name": "E", "modelAsString": False}},
     {"request": "x-ms-enum-model-as-string-changed"}),
    ({"type": "string", "enum": ["a"], "x-ms-enum": {"name": "E", "modelAsString": True}},
     {"type": "string", "enum": ["a"], "x-ms-enum": {"name": "F", "modelAsString": True}},
     {"response": "x-ms-enum-name-changed"}),
    ({"type": "string", "enum": ["a"], "x-ms-enum": {"name": "E", "modelAsString": True}},
     {"type": "string", "enum": ["a", "b"], "x-ms-enum": {"name": "E", "modelAsString": True}},
     {"response": "x-ms-enum-value-added"}),
    ({"type": "string", "x-ms-client-name": "A"}, {"type": "string", "x-ms-client-name": "B"},
     {"parameter": "x-ms-client-name-changed"}),
    ({"type": "string", "x-oaiTypeLabel": "a"}, {"type": "string", "x-oaiTypeLabel": "b"},
     {"request": "schema-extension-changed"}),
    ({"type": "string", "description": "old"}, {"type": "string", "description": "new"},
     {"request": "request-property-doc-changed", "response": "response-property-doc-changed",
      "parameter": "request-parameter-schema-doc-changed"}),
]

# numeric/string/array bounds: (keyword, slug, loose value, tight value, is upper bound)
BOUNDS = [
    ("maxLength", "max-length", 10, 5, True, "string"), ("minLength", "min-length", 1, 3, False, "string"),
    ("maximum", "max", 10, 5, True, "integer"), ("minimum", "min", 1, 3, False, "integer"),
    ("exclusiveMaximum", "exclusive-max", 10, 5, True, "integer"),
    ("exclusiveMinimum", "exclusive-min", 1, 3, False, "integer"),
    ("maxItems", "max-items", 10, 5, True, "array"), ("minItems", "min-items", 1, 3, False, "array"),
]
for keyword, slug, loose, tight, upper, kind in BOUNDS:
    tight_word, loose_word = ("decreased", "increased") if upper else ("increased", "decreased")
    loose_schema = {"type": kind, keyword: loose}
    tight_schema = {"type": kind, keyword: tight}
    if kind == "array":
        loose_schema["items"] = tight_schema["items"] = {"type": "string"}
    if keyword.startswith("exclusive"):  # the 3.1 numeric form; 3.0's boolean form is covered by normalisation tests
        pass
    SCHEMA_CASES.append((loose_schema, tight_schema, {"request": f"request-property-{slug}-{tight_word}",
                                                      "parameter": f"request-parameter-{slug}-{tight_word}"}))
    SCHEMA_CASES.append((tight_schema, loose_schema, {"request": f"request-property-{slug}-{loose_word}",
                                                      "parameter": f"request-parameter-{slug}-{loose_word}",
                                                      "response": f"response-property-{slug}-{loose_word}"}))

SCHEMA_PARAMS = [pytest.param(scope, rule_id, base, rev, id=rule_id)
                 for base, rev, expected in SCHEMA_CASES for scope, rule_id in expected.items()]


# -- whole-document rules: (rule id, base document, revision document, compare kwargs) ---------------------------

def _sec(*names: str) -> dict[str, Any]:
    return {"securitySchemes": {
        "key": {"type": "apiKey", "in": "header", "name": "api-key"},
        "oauth": {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://login/a", "scopes": {}}}},
        "bearer": {"type": "http", "scheme": "bearer"},
    } | {n: {"type": "apiKey", "in": "query", "name": n} for n in names}}


DATED_CHAT = doc({"/deployments/{deployment-id}/chat/completions": {"post": op(
    parameters=[param("deployment-id", "path", True), param("api-version", required=True)],
    requestBody=body({"type": "object", "properties": {"messages": {"type": "array", "items": {}}}}))}})
V1_CHAT = doc({"/chat/completions": {"post": op(
    parameters=[param("api-version")],
    requestBody=body({"type": "object", "required": ["model"],
                      "properties": {"model": {"type": "string"}, "messages": {"type": "array", "items": {}}}}))}})

DOC_CASES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("endpoint-added", doc({"/a": {"get": op()}}), doc({"/a": {"get": op()}, "/b": {"get": op()}}), {}),
    ("api-path-removed-without-deprecation", doc({"/a": {"get": op()}, "/b": {"get": op()}}),
     doc({"/a": {"get": op()}}), {}),
    ("api-path-removed-with-deprecation", doc({"/a": {"get": op()}, "/b": {"get": op(deprecated=True)}}),
     doc({"/a": {"get": op()}}), {}),
    ("api-removed-without-deprecation", doc({"/a": {"get": op(), "post": op()}}), doc({"/a": {"get": op()}}), {}),
    ("api-removed-with-deprecation", doc({"/a": {"get": op(), "post": op(deprecated=True)}}),
     doc({"/a": {"get": op()}}), {}),
    ("api-path-removed-before-sunset", doc({"/a": {"get": op()}, "/b": {"get": op(deprecated=True, **{"x-sunset": "2999-01-01"})}}),
     doc({"/a": {"get": op()}}), {}),
    ("api-removed-before-sunset", doc({"/a": {"get": op(), "post": op(deprecated=True, **{"x-sunset": "2999-01-01"})}}),
     doc({"/a": {"get": op()}}), {}),
    ("request-parameter-removed-with-deprecation", one(op(parameters=[param("q", deprecated=True)])), one(op()), {}),
    ("request-parameter-removed-before-sunset",
     one(op(parameters=[param("q", deprecated=True, **{"x-ms-deprecation": {"removalDate": "2999-01-01"}})])),
     one(op()), {}),
    ("response-property-became-nullable",
     one(op(responses=resp({"type": "object", "required": ["p"], "properties": {"p": {"type": "string"}}}))),
     one(op(responses=resp({"type": "object", "required": ["p"],
                            "properties": {"p": {"type": "string", "nullable": True}}}))), {}),
    ("endpoint-deprecated", one(op()), one(op(deprecated=True)), {}),
    ("endpoint-reactivated", one(op(deprecated=True)), one(op()), {}),
    ("api-operation-id-removed", one(op(operationId="a")), one(op(operationId="b")), {}),
    ("api-operation-id-added", one(op()), one(op(operationId="b")), {}),
    ("api-tag-removed", one(op(tags=["x"])), one(op()), {}),
    ("api-tag-added", one(op()), one(op(tags=["x"])), {}),
    ("api-doc-changed", one(op(summary="a")), one(op(summary="b")), {}),
    ("request-parameter-removed", one(op(parameters=[param("q")])), one(op()), {}),
    ("new-required-request-parameter", one(op()), one(op(parameters=[param("q", required=True)])), {}),
    ("new-optional-request-parameter", one(op()), one(op(parameters=[param("q")])), {}),
    ("request-parameter-became-required", one(op(parameters=[param("q")])),
     one(op(parameters=[param("q", required=True)])), {}),
    ("request-parameter-became-optional", one(op(parameters=[param("q", required=True)])),
     one(op(parameters=[param("q")])), {}),
    ("request-parameter-deprecated", one(op(parameters=[param("q")])),
     one(op(parameters=[param("q", deprecated=True)])), {}),
    ("request-parameter-reactivated", one(op(parameters=[param("q", deprecated=True)])),
     one(op(parameters=[param("q")])), {}),
    ("request-parameter-serialization-changed", one(op(parameters=[param("q", style="form")])),
     one(op(parameters=[param("q", style="spaceDelimited")])), {}),
    ("request-parameter-doc-changed", one(op(parameters=[param("q", description="a")])),
     one(op(parameters=[param("q", description="b")])), {}),
    ("request-body-added-required", one(op()), one(op(requestBody=body({"type": "object"}))), {}),
    ("request-body-added-optional", one(op()), one(op(requestBody=body({"type": "object"}, required=False))), {}),
    ("request-body-removed", one(op(requestBody=body({"type": "object"}))), one(op()), {}),
    ("request-body-became-required", one(op(requestBody=body({"type": "object"}, required=False))),
     one(op(requestBody=body({"type": "object"}))), {}),
    ("request-body-became-optional", one(op(requestBody=body({"type": "object"}))),
     one(op(requestBody=body({"type": "object"}, required=False))), {}),
    ("request-body-media-type-added", one(op(requestBody=body({"type": "object"}))),
     one(op(requestBody={"content": {"application/json": {"schema": {"type": "object"}},
                                     "multipart/form-data": {"schema": {"type": "object"}}}})), {}),
    ("request-body-media-type-removed", one(op(requestBody=body({"type": "object"}))),
     one(op(requestBody=body({"type": "object"}, media="text/plain"))), {}),
    ("request-body-doc-changed", one(op(requestBody={**body({"type": "object"}), "description": "a"})),
     one(op(requestBody={**body({"type": "object"}), "description": "b"})), {}),
    ("response-success-status-removed", one(op(responses={**resp(), **resp(status="201")})), one(op()), {}),
    ("response-non-success-status-removed", one(op(responses={**resp(), **resp(status="404")})), one(op()), {}),
    ("response-success-status-added", one(op()), one(op(responses={**resp(), **resp(status="201")})), {}),
    ("response-non-success-status-added", one(op()), one(op(responses={**resp(), **resp(status="default")})), {}),
    ("response-media-type-removed", one(op(responses=resp({"type": "object"}))), one(op(responses=resp())), {}),
    ("response-media-type-added", one(op(responses=resp())), one(op(responses=resp({"type": "object"}))), {}),
    ("required-response-header-removed",
     one(op(responses=resp(headers={"x-id": {"required": True, "schema": {"type": "string"}}}))), one(op()), {}),
    ("optional-response-header-removed",
     one(op(responses=resp(headers={"x-id": {"schema": {"type": "string"}}}))), one(op()), {}),
    ("response-header-added", one(op()),
     one(op(responses=resp(headers={"x-id": {"schema": {"type": "string"}}}))), {}),
    ("response-header-became-optional",
     one(op(responses=resp(headers={"x-id": {"required": True, "schema": {"type": "string"}}}))),
     one(op(responses=resp(headers={"x-id": {"schema": {"type": "string"}}}))), {}),
    ("response-doc-changed", one(op(responses={"200": {"description": "a"}})),
     one(op(responses={"200": {"description": "b"}})), {}),
    ("api-security-removed", one(op(security=[{"key": []}, {"bearer": []}]), components=_sec()),
     one(op(security=[{"key": []}]), components=_sec()), {}),
    ("api-security-added", one(op(security=[{"key": []}]), components=_sec()),
     one(op(security=[{"key": []}, {"bearer": []}]), components=_sec()), {}),
    ("api-security-scope-added", one(op(security=[{"oauth": []}]), components=_sec()),
     one(op(security=[{"oauth": ["write"]}]), components=_sec()), {}),
    ("api-security-scope-removed", one(op(security=[{"oauth": ["write"]}]), components=_sec()),
     one(op(security=[{"oauth": []}]), components=_sec()), {}),
    ("api-global-security-removed", one(op(), components=_sec(), security=[{"key": []}, {"bearer": []}]),
     one(op(), components=_sec(), security=[{"key": []}]), {}),
    ("api-global-security-added", one(op(), components=_sec(), security=[{"key": []}]),
     one(op(), components=_sec(), security=[{"key": []}, {"oauth": []}]), {}),
    ("api-global-security-scope-added", one(op(), components=_sec(), security=[{"oauth": []}]),
     one(op(), components=_sec(), security=[{"oauth": ["a"]}]), {}),
    ("api-global-security-scope-removed", one(op(), components=_sec(), security=[{"oauth": ["a"]}]),
     one(op(), components=_sec(), security=[{"oauth": []}]), {}),
    ("api-security-component-added", one(op(), components=_sec()), one(op(), components=_sec("extra")), {}),
    ("api-security-component-removed", one(op(), components=_sec("extra")), one(op(), components=_sec()), {}),
    ("api-security-component-oauth-url-changed", one(op(), components=_sec()),
     one(op(), components={"securitySchemes": {**_sec()["securitySchemes"], "oauth": {
         "type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://login/b", "scopes": {}}}}}}), {}),
    ("api-server-removed", one(op(), servers=[{"url": "https://a"}, {"url": "https://b"}]),
     one(op(), servers=[{"url": "https://a"}]), {}),
    ("api-server-added", one(op(), servers=[{"url": "https://a"}]),
     one(op(), servers=[{"url": "https://a/"}, {"url": "https://b"}]), {}),
    ("api-version-parameter-added", one(op()), one(op(parameters=[param("api-version", required=True)])),
     {"map_surfaces": False}),
    ("api-version-parameter-removed", one(op(parameters=[param("api-version", required=True)])), one(op()),
     {"map_surfaces": False}),
    ("api-version-value-changed",
     one(op(parameters=[param("api-version", required=True, schema={"type": "string", "enum": ["2024-10-21"]})])),
     one(op(parameters=[param("api-version", required=True, schema={"type": "string", "enum": ["2025-01-01"]})])),
     {}),
    ("preview-header-required-added", one(op(), path="/evals", method="get"),
     one(op(parameters=[param("aoai-evals", "header", True, {"type": "string", "enum": ["preview"]})]),
         path="/evals", method="get"), {}),
    ("preview-header-requirement-removed",
     one(op(parameters=[param("aoai-evals", "header", True, {"type": "string", "enum": ["preview"]})]),
         path="/evals", method="get"), one(op(), path="/evals", method="get"), {}),
    ("deployment-path-moved",
     one(op(parameters=[param("deployment_id", "path", True), param("api-version", required=True)]),
         path="/{deployment_id}/chat/completions"),
     one(op(parameters=[param("deployment-id", "path", True), param("api-version", required=True)]),
         path="/deployments/{deployment-id}/chat/completions"), {}),
    ("deployment-path-mapped", DATED_CHAT, V1_CHAT, {}),
    ("api-not-available-on-surface",
     {**DATED_CHAT, "paths": {**DATED_CHAT["paths"], "/deployments/{deployment-id}/audio/speech": {"post": op(
         parameters=[param("deployment-id", "path", True), param("api-version", required=True)])}}}, V1_CHAT, {}),
    ("x-ms-pageable-changed", one(op()), one(op(**{"x-ms-pageable": {"nextLinkName": "next"}})), {}),
    ("x-ms-long-running-operation-changed", one(op()), one(op(**{"x-ms-long-running-operation": True})), {}),
    ("operation-extension-changed", one(op(**{"x-foo": 1})), one(op(**{"x-foo": 2})), {}),
]


def _ids(base: dict[str, Any], revision: dict[str, Any], **kwargs: Any) -> list[str]:
    report = compare(Spec(document=base), Spec(document=revision), include_docs=True, **kwargs)
    return [c.id for c in report.changes]


@pytest.mark.parametrize(("scope", "rule_id", "base", "revision"), SCHEMA_PARAMS)
def test_schema_rule_fires(scope: str, rule_id: str, base: dict[str, Any], revision: dict[str, Any]) -> None:
    base_doc, revision_doc = in_scope(scope, base), in_scope(scope, revision)
    assert rule_id in _ids(base_doc, revision_doc)
    assert _ids(base_doc, copy.deepcopy(base_doc)) == []


@pytest.mark.parametrize(("rule_id", "base", "revision", "kwargs"), [pytest.param(*case, id=case[0]) for case in DOC_CASES])
def test_document_rule_fires(rule_id: str, base: dict[str, Any], revision: dict[str, Any], kwargs: dict[str, Any]) -> None:
    assert rule_id in _ids(base, revision, **kwargs)
    assert _ids(base, copy.deepcopy(base), **kwargs) == []


def test_every_rule_has_a_fixture() -> None:
    covered = {rule_id for _, _, expected in SCHEMA_CASES for rule_id in expected.values()}
    covered |= {case[0] for case in DOC_CASES}
    missing = sorted({rule.id for rule in RULES} - covered)
    assert not missing, f"rules without a fixture: {missing}"


def test_direction_decides_the_level() -> None:
    """Adding an enum value breaks response readers, not request writers."""
    base, revision = {"type": "string", "enum": ["a"]}, {"type": "string", "enum": ["a", "b"]}
    levels = {c.id: c.level for scope in ("request", "response")
              for c in compare(Spec(document=in_scope(scope, base)), Spec(document=in_scope(scope, revision))).changes}
    assert levels == {"request-property-enum-value-added": "info", "response-property-enum-value-added": "warning"}


def test_messages_name_the_nested_property_path() -> None:
    base = in_scope("request", {"type": "object", "properties": {"x": {"type": "string"}}})
    revision = in_scope("request", {"type": "object", "properties": {"x": {"type": "string"},
                                                                  "include_usage": {"type": "boolean"}}})
    change, = compare(Spec(document=base), Spec(document=revision)).changes
    assert change.element == "p.include_usage"
    assert "`p.include_usage`" in change.message
    assert change.revision == "#/paths/~1things/post/requestBody/content/application~1json/schema/properties/p/properties/include_usage"
