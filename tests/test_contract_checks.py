"""The project's own contract checks, one unit at a time: judges, boundary mutations, spec-gap rules, stream
rules, budget shares and the HAR cassette. No server: each test feeds the unit what a run would."""

from __future__ import annotations

import json

import pytest

from toolkit.model import Spec


# -- judges (one parametrised case per check, passing and failing)
ENVELOPE = {"error": {"code": "404", "message": "Resource not found"}}


@pytest.mark.parametrize("name, status, body, verdict", [
    ("api_version_missing", 404, ENVELOPE, None),
    ("api_version_missing", 200, {"id": "x"}, "expected 400 or 404, got 200"),
    ("api_version_unknown", 400, {"error": {"code": "BadRequest", "message": "API version not supported"}}, None),
    ("api_version_unknown", 400, {"message": "nope"}, "without Azure's error envelope"),
    ("deployment_unknown", 404, {"error": {"code": "DeploymentNotFound", "message": "gone"}}, None),
    ("deployment_unknown", 404, ENVELOPE, "error code '404', expected 'DeploymentNotFound'"),
    ("key_missing", 401, {"error": {"code": "401", "message": "Access denied"}}, None),
    ("key_missing", 403, {"error": {"code": "403", "message": "Forbidden"}}, "expected 401, got 403"),
    ("key_wrong", 200, {}, "expected 401, got 200"),
    ("preview_header_missing", 400, {"error": {"code": "BadRequest", "message": "opt in"}}, None),
    ("method_not_allowed", 405, None, None),
    ("method_not_allowed", 404, None, None),
    ("method_not_allowed", 200, None, "an undeclared method was served"),
    ("method_not_allowed", 500, None, "expected 405 or 404, got 500"),
    ("boundary_value_rejected", 400, ENVELOPE, None),
    ("boundary_value_rejected", 200, {}, "an invalid request was accepted"),
    ("boundary_value_accepted", 200, {}, None),
    ("boundary_value_accepted", 429, {}, None),
    ("boundary_value_accepted", 400, ENVELOPE, "a valid value was refused with 400"),
])
def test_each_probe_judge(name, status, body, verdict):
    from toolkit.contract.checks import Answer, check

    found = check(name).judge(Answer.of(status, json.dumps(body) if body is not None else ""))
    assert (found is None) if verdict is None else (verdict in found), found


def test_check_ids_are_unique_and_in_the_project_namespace():
    from toolkit.contract.checks import CHECKS
    from toolkit.contract.hooks import CredentialEchoed
    from toolkit.contract.streams import StreamChunkInvalid, StreamNotTerminated

    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids)) and all(i.startswith("AOAI") and i[4:].isdigit() for i in ids)
    assert [CredentialEchoed.code, StreamChunkInvalid.code, StreamNotTerminated.code] == ["AOAI501", "AOAI401", "AOAI402"]
    assert all(c.source and c.expects and c.level in ("error", "warning") for c in CHECKS)


# -- boundary values
BODY = {"type": "object", "required": ["messages"], "properties": {
    "messages": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["role"], "properties": {
        "role": {"type": "string", "enum": ["user", "system"]}}}},
    "temperature": {"type": "number", "minimum": 0, "maximum": 2, "nullable": True},
    "n": {"type": "integer", "minimum": 1, "maximum": 8},
    "stop": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "maxItems": 4}]},
    "max_tokens": {"type": "integer"}}}


def _spec(body: dict, extra: dict | None = None) -> Spec:
    op = {"requestBody": {"content": {"application/json": {"schema": body, **(extra or {})}}},
          "responses": {"200": {"description": "ok"}}}
    return Spec(document={"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/chat": {"post": op}}})


def test_boundary_probes_change_one_value_of_a_valid_base():
    from toolkit.contract import boundaries
    from toolkit.contract.runner import spec_validator

    spec = _spec(BODY, {"example": {"messages": [{"role": "user"}], "max_tokens": None}})
    op = spec.operation("post", "/chat")
    validator = spec_validator(spec)
    base = boundaries.valid_base(spec, op, validator, {})
    # the example breaks the schema (max_tokens: null), so the base is built from the schema instead
    assert base == {"messages": [{"role": "user"}]}
    usable = [m for m in boundaries.mutations(spec, op, base) if boundaries.usable(spec, op, validator, base, m)]
    described = {m.describe for m in usable}
    assert {"body.temperature = 2.1 (outside maximum 2)", "body.temperature = -0.1 (outside minimum 0)",
            "body.n = 9 (outside maximum 8)", "body.messages = [0 items] (outside minItems 1)",
            "body.stop = [5 items] (outside maxItems 4)", "body.messages.0.role = 'aoai-spec-not-in-enum' (outside enum)",
            "body.n = 8 (on maximum 8)", "body.stop = [4 items] (on maxItems 4)"} <= described
    for mutation in usable:  # one fault: exactly the mutated value differs from the base
        body = boundaries.apply(base, mutation)
        assert validator.is_valid(body, BODY) != mutation.outside
        changed = [k for k in body if body[k] != base.get(k)]
        assert changed == [mutation.path[0]]
    assert usable[0].outside and not usable[-1].outside  # every outside value is probed before the bounds


def test_the_full_request_sets_every_optional_property_it_can_on_a_bound():
    from toolkit.contract import boundaries
    from toolkit.contract.runner import spec_validator

    # `max_tokens` and `logprobs` exclude each other (a `not` the greedy build must respect); `seed` has no bound
    body = {**BODY, "properties": {**BODY["properties"], "logprobs": {"type": "boolean"}, "seed": {"type": "integer"}},
            "not": {"required": ["max_tokens", "logprobs"]}}
    spec = _spec(body)
    op = spec.operation("post", "/chat")
    validator = spec_validator(spec)
    base = boundaries.valid_base(spec, op, validator, {})
    rich, added = boundaries.rich_body(spec, op, validator, base)
    assert validator.is_valid(rich, body)
    assert rich["messages"] == base["messages"] and added == len(rich) - len(base) == 5
    assert (rich["temperature"], rich["n"], len(rich["stop"])) == (2, 8, 4)  # on the maximum, the array at maxItems
    assert "max_tokens" in rich and "logprobs" not in rich and isinstance(rich["seed"], int)
    assert boundaries.rich_body(spec, op, validator, rich) is None  # nothing left to add


def test_probe_tiers_cover_every_refusal_kind_before_repeating_one():
    from toolkit.contract import probes
    from toolkit.contract.checks import BY_NAME
    from toolkit.workspace import Workspace

    class Op:
        def __init__(self, path):
            self.method, self.path, self.label = "POST", path, f"POST {path}"

    ws = Workspace()
    spec = ws.open("2024-10-21")
    ops = [Op(f"/deployments/{{deployment-id}}/{route}") for route in ("chat/completions", "completions", "embeddings")]
    from toolkit.contract.runner import _model_operations, spec_validator

    context = probes.ProbeContext(spec=spec, surface="dated", api_version="2024-10-21", deployment="dep",
                                  catalog=ws.catalog, validator=spec_validator(spec),
                                  model_operations=_model_operations(spec), has_credential=True, allow_writes=True,
                                  selected=frozenset(BY_NAME))
    queues = probes.build(context, ops)
    first = [p.check.name for queue in queues.values() for p in queue if p.tier == 1]
    assert {"api_version_missing", "api_version_unknown", "deployment_unknown", "key_missing", "key_wrong",
            "method_not_allowed", "stream_chunks", "boundary_value_rejected"} <= set(first)
    assert "preview_header_missing" not in first  # a dated spec has no preview opt-in headers
    chat = queues["POST /deployments/{deployment-id}/chat/completions"]
    assert any(p.describe == "body.temperature = 2.1 (outside maximum 2)" and p.tier == 1 for p in chat)
    assert sum(p.check.name == "method_not_allowed" for p in chat) == 4  # GET, PUT, PATCH, DELETE on a POST route


# -- spec gaps
def _gap(document_responses: dict, check: str, status: int, media: str, body, message: str = ""):
    from toolkit.contract.gaps import GapContext, explain

    spec = Spec(document={"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/e": {"post": {
        "responses": document_responses}}}, "components": {"schemas": {
            "A": {"type": "object", "properties": {"text": {"type": "string"}}},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"}, {"properties": {"extra": {"type": "string"}}}]}}}})
    return explain(GapContext(spec, spec.operation("post", "/e"), check, status, media, body, message))


JSON_ONLY = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}


def test_undocumented_refusal_is_a_gap_only_when_the_operation_documents_no_4xx_and_no_default():
    assert _gap(JSON_ONLY, "status_code_conformance", 400, "application/json", {})[0] == "undocumented-refusal"
    with_default = {**JSON_ONLY, "default": {"description": "error"}}
    assert _gap(with_default, "status_code_conformance", 400, "application/json", {}) is None
    assert _gap(JSON_ONLY, "status_code_conformance", 500, "application/json", {}) is None  # a 5xx is a defect
    assert _gap(JSON_ONLY, "status_code_conformance", 201, "application/json", {}) is None


def test_an_event_stream_for_stream_true_is_a_gap_only_where_the_spec_documents_no_stream():
    rule, reason = _gap(JSON_ONLY, "content_type_conformance", 200, "text/event-stream", {"stream": True})
    assert rule == "undocumented-stream" and "stream: true" in reason
    assert _gap(JSON_ONLY, "content_type_conformance", 200, "text/event-stream", {"stream": False}) is None
    streams = {"200": {"description": "ok", "content": {"application/json": {}, "text/event-stream": {}}}}
    assert _gap(streams, "content_type_conformance", 200, "text/event-stream", {"stream": True}) is None


def test_overlapping_one_of_is_a_gap():
    overlapping = {"200": {"description": "ok", "content": {"application/json": {"schema": {"oneOf": [
        {"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/A"}]}}}}}
    message = "{'text': 'x'} is valid under each of {'$ref': B}, {'$ref': A}"
    rule, reason = _gap(overlapping, "response_schema_conformance", 200, "application/json", None, message)
    assert rule == "overlapping-oneof" and "B includes A" in reason
    assert _gap(overlapping, "response_schema_conformance", 200, "application/json", None, "'x' is not of type") is None


# -- streams
def test_stream_rules_come_from_the_spec():
    from toolkit.contract.streams import stream_rules
    from toolkit.workspace import Workspace

    ws = Workspace()
    dated = stream_rules(ws.open("2024-10-21"))
    chat = dated["POST /deployments/{deployment-id}/chat/completions"]
    assert chat.done_required and "createChatCompletionStreamResponse" in chat.chunk_source
    completions = dated["POST /deployments/{deployment-id}/completions"]
    assert completions.done_required and completions.chunk_schema is None
    v1 = stream_rules(ws.open("v1"))
    assert v1["POST /chat/completions"].done_required and "text/event-stream" in v1["POST /chat/completions"].chunk_source
    assert not v1["POST /responses"].done_required  # Responses streams end with response.completed, not [DONE]


def test_stream_problems():
    from toolkit.contract.streams import StreamRule, chunk_problem, done_problem
    from toolkit.contract.runner import spec_validator

    spec = _spec({"type": "object"})
    rule = StreamRule({"type": "object", "required": ["choices"]}, "test schema", True)
    good = 'data: {"choices": []}\n\ndata: [DONE]\n\n'
    validator = spec_validator(spec, writing=False)
    assert chunk_problem(good, rule, validator) is None and done_problem(good) is None
    assert "event 1" in chunk_problem('data: {"choices": []}\n\ndata: {"x": 1}\n\n', rule, validator)
    assert "without `data: [DONE]`" in done_problem('data: {"choices": []}\n\n')
    assert "not JSON" in chunk_problem("data: oops\n\n", rule, validator)


# -- budget shares
def test_round_robin_gives_each_operation_a_turn_and_shares_follow_the_phases():
    from toolkit.contract.stages import round_robin, share

    order = [label for label, _ in round_robin({"a": [1, 2, 3], "b": [1], "c": [1, 2]})]
    assert order == ["a", "b", "c", "a", "c", "a"]
    every = ("azure", "examples", "coverage", "fuzzing", "stateful")
    assert share(300, 300, "azure", every) == 120 and share(300, 250, "coverage", every) == 60
    assert share(300, 300, "azure", ("azure",)) == 300  # the only phase takes everything
    assert share(300, 300, "azure", ("azure", "coverage")) == 200 and share(300, 100, "coverage", ("azure", "coverage")) == 100
    assert share(None, None, "azure", every) is None


# -- cassettes
def test_har_cassette_is_har_1_2_redacted_and_reads_back(tmp_path):
    from toolkit.contract.budget import Exchange
    from toolkit.contract.cassette import read_cassette, write_cassette
    from toolkit.contract.redact import Redactor
    from toolkit.contract.report import ContractFailure

    redactor = Redactor()
    redactor.add("secret-key-123")
    exchange = Exchange("POST", "http://127.0.0.1:1/openai/deployments/d/embeddings?api-version=2024-10-21", 200,
                        {"api-key": "secret-key-123", "Content-Type": "application/json"}, '{"input": "x"}',
                        {"Content-Type": "application/json"}, '{"echo": "secret-key-123"}', 0.01, 1.0, "abc",
                        "azure", "POST /deployments/{deployment-id}/embeddings")

    class Report:
        spec, url, surface, api_version = "2024-10-21", "http://127.0.0.1:1/openai", "dated", "2024-10-21"
        failures = [ContractFailure("key_wrong", "AOAI105", "contract", "POST /e", "azure", "t", "m", 200,
                                    exchange_id="abc")]

    path = tmp_path / "run.har"
    write_cassette(path, [exchange], redactor, Report())
    text = path.read_text()
    assert "secret-key-123" not in text
    har = json.loads(text)["log"]
    assert har["version"] == "1.2" and har["entries"][0]["request"]["queryString"] == [
        {"name": "api-version", "value": "2024-10-21"}]
    assert har["entries"][0]["_aoai"]["failures"][0]["check"] == "key_wrong"
    meta, rows = read_cassette(path)
    assert meta["spec"] == "2024-10-21" and rows[0]["failures"][0]["code"] == "AOAI105"
    assert rows[0]["request_body"] == '{"input": "x"}'


def test_redaction_keeps_check_names_that_contain_a_credential_word():
    from toolkit.contract.redact import Redactor

    text = '"object_level_authorization": {"passed": 1}, "authorization": "Bearer abc.def"'
    assert Redactor().scrub(text) == '"object_level_authorization": {"passed": 1}, "authorization": "[REDACTED]"'
