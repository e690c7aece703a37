"""Small pieces of the contract runner: URL forms, failure classes, redaction, rate parsing, targets files."""

from __future__ import annotations

import json
import time

import pytest

from conftest import FIXTURES, assert_one_line_error


@pytest.mark.parametrize("url, surface, expected", [
    ("https://res.openai.azure.com/openai/v1/", "v1", "https://res.openai.azure.com/openai/v1"),
    ("https://res.services.ai.azure.com/openai/v1/", "v1", "https://res.services.ai.azure.com/openai/v1"),
    ("https://res.openai.azure.com", "v1", "https://res.openai.azure.com/openai/v1"),
    ("https://res.openai.azure.com/openai", "v1", "https://res.openai.azure.com/openai/v1"),
    ("https://res.openai.azure.com/openai", "dated", "https://res.openai.azure.com/openai"),
    ("https://res.openai.azure.com/", "dated", "https://res.openai.azure.com/openai"),
    ("https://apim.azure-api.net/team-a/openai", "dated", "https://apim.azure-api.net/team-a/openai"),
])
def test_base_url_forms(url, surface, expected):
    from toolkit.contract.targets import base_url

    assert base_url(url, surface) == expected


def test_base_url_refuses_a_v1_url_for_a_dated_spec():
    from toolkit.contract import ContractConfigError
    from toolkit.contract.targets import base_url

    with pytest.raises(ContractConfigError, match="dated"):
        base_url("https://res.openai.azure.com/openai/v1/", "dated")


@pytest.mark.parametrize("status, headers, body, expected", [
    (400, {}, {"error": {"code": "content_filter", "message": "filtered", "innererror": {"code": "ResponsibleAIPolicyViolation"}}}, "content_filter"),
    (400, {}, {"error": {"code": "BadRequest", "message": "This operation requires the preview feature header 'aoai-evals: preview'."}}, "preview_header"),
    (401, {"apim-request-id": "x"}, {"statusCode": 401, "message": "Access denied due to missing subscription key."}, "gateway"),
    (500, {"ocp-apim-trace-location": "x"}, None, "gateway"),
    (429, {}, {"error": {"code": "429", "message": "Rate limit is exceeded."}}, "throttled"),
    (401, {"apim-request-id": "x"}, {"error": {"code": "401", "message": "Access denied"}}, "contract"),
    (200, {}, {"id": "x"}, "contract"),
])
def test_failure_classes(status, headers, body, expected):
    from toolkit.contract.classify import classify

    assert classify(status, headers, json.dumps(body) if body is not None else "<html>gateway</html>") == expected


def test_redactor_masks_known_values_and_credential_headers():
    from toolkit.contract.redact import Redactor

    redactor = Redactor()
    redactor.add("canary-value-123")
    text = redactor.scrub("curl -H 'api-key: canary-value-123' -H 'Authorization: Bearer eyJ0eXAi.x.y' "
                          "-H 'Ocp-Apim-Subscription-Key: abc' body has canary-value-123 and max_tokens=16")
    assert "canary-value-123" not in text and "eyJ0eXAi" not in text and "abc'" not in text
    assert "max_tokens=16" in text  # unlike Schemathesis' key-based sanitising, token counts survive
    assert redactor.data({"headers": {"api-key": "k"}, "n": ["canary-value-123"]}) == \
        {"headers": {"api-key": "[REDACTED]"}, "n": ["[REDACTED]"]}


@pytest.mark.parametrize("text, per_second", [("10/s", 10), ("600/m", 10), ("3600/h", 1), ("2.5", 2.5)])
def test_rate_limit_forms(text, per_second):
    from toolkit.contract.budget import parse_rate

    assert parse_rate(text) == pytest.approx(per_second)


def test_retry_after_forms():
    from email.utils import formatdate

    from toolkit.contract.budget import retry_after_seconds

    assert retry_after_seconds({"retry-after-ms": "1500"}) == 1.5
    assert retry_after_seconds({"retry-after": "3"}) == 3
    assert 8 <= retry_after_seconds({"retry-after": formatdate(time.time() + 10, usegmt=True)}) <= 10
    assert retry_after_seconds({}) is None


def test_sse_payload_schemas_are_restated_as_event_schemas():
    from toolkit.contract.prepare import for_schemathesis

    doc = {"paths": {"/chat": {"post": {"responses": {"200": {"content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/R"}},
        "text/event-stream": {"schema": {"$ref": "#/components/schemas/Chunk"}}}}}}}}}
    out = for_schemathesis(doc)
    data = out["paths"]["/chat"]["post"]["responses"]["200"]["content"]["text/event-stream"]["schema"]["properties"]["data"]
    assert data["anyOf"][1]["contentSchema"] == {"$ref": "#/components/schemas/Chunk"}
    assert doc["paths"]["/chat"]["post"]["responses"]["200"]["content"]["text/event-stream"]["schema"] == \
        {"$ref": "#/components/schemas/Chunk"}  # the caller's document is untouched


def test_targets_file_loads(tmp_path):
    from toolkit.contract import load_targets

    targets = load_targets(FIXTURES / "contract" / "targets.yaml")
    assert [(t.name, t.region, t.auth.mode, t.auth.env) for t in targets] == [
        ("healthy", "swedencentral", "api-key", "AOAI_TEST_KEY"), ("broken", "eastus2", "api-key", "AOAI_TEST_KEY")]


@pytest.mark.parametrize("content, needle", [
    ("targets: []\n", "at least one"),
    ("targets:\n  - name: a\n    spec: v1\n", "missing url"),
    ("targets:\n  - {name: a, url: 'http://127.0.0.1:1', spec: v1, auth: {mode: magic}}\n", "auth.mode"),
    ("targets:\n  - {name: a, url: 'http://127.0.0.1:1', spec: v1, auth: {mode: api-key}}\n", "auth.env"),
])
def test_bad_targets_file_is_one_line_error(tmp_path, cli, content, needle):
    path = tmp_path / "targets.yaml"
    path.write_text(content)
    assert_one_line_error(cli("contract", "--targets", str(path)), needle)


def test_missing_key_variable_is_one_line_error(cli):
    result = cli("contract", "--spec", "v1", "--url", "http://127.0.0.1:9/openai/v1/", "--api-key-env",
                 "AOAI_SPEC_SURELY_UNSET_VAR", env={"AOAI_SPEC_SURELY_UNSET_VAR": ""})
    assert_one_line_error(result, "AOAI_SPEC_SURELY_UNSET_VAR")


def test_url_and_target_are_exclusive(cli):
    result = cli("contract", "--spec", "v1", "--url", "http://127.0.0.1:9/", "--target", "mock")
    assert result.returncode == 2 and "exactly one" in result.stderr


def test_each_auth_mode_sends_its_header_and_registers_the_secret(monkeypatch):
    from toolkit.contract.auth import AuthSpec, build_credential
    from toolkit.contract.redact import Redactor

    monkeypatch.setenv("AOAI_UNIT_SECRET", "s3cr3t-value")
    expected = {"api-key": {"api-key": "s3cr3t-value"}, "bearer": {"Authorization": "Bearer s3cr3t-value"},
                "subscription-key": {"Ocp-Apim-Subscription-Key": "s3cr3t-value"}}
    for mode, headers in expected.items():
        redactor = Redactor()
        credential = build_credential(AuthSpec(mode, "AOAI_UNIT_SECRET"), redactor)
        assert credential.headers() == headers
        assert "s3cr3t-value" not in redactor.scrub(str(headers))
    assert build_credential(AuthSpec("none"), Redactor()) is None


def test_a_write_method_filter_needs_allow_writes(cli):
    result = cli("contract", "--spec", "v1", "--url", "http://127.0.0.1:9/openai/v1/", "--include-method", "POST")
    assert_one_line_error(result, "--allow-writes")


def test_wire_gate_budget_keeps_a_cleanup_slot_and_refuses_writes_when_read_only():
    import requests

    from toolkit.contract.budget import BudgetExhausted, WireGate, WriteRefused

    sent: list[str] = []

    def original(session, request, **kwargs):
        sent.append(request.method)
        response = requests.Response()
        response.status_code = 200
        return response

    def request(method: str) -> requests.PreparedRequest:
        return requests.Request(method, "http://127.0.0.1:1/x").prepare()

    stopped: list[bool] = []
    gate = WireGate("http://127.0.0.1:1", max_requests=4, allow_writes=True, on_exhausted=lambda: stopped.append(True))
    gate.send(original, None, request("POST"))  # 1 sent; a write needs 2 free slots
    gate.reserve_cleanup()  # ... it created something: one slot is kept for its DELETE
    gate.send(original, None, request("GET"))  # 2 sent + 1 reserved
    with pytest.raises(BudgetExhausted):
        gate.send(original, None, request("POST"))  # 2 + 1 + 2 > 4
    assert stopped == [True]
    gate.cleanup_mode = True
    gate.send(original, None, request("DELETE"))  # the kept slot
    assert sent == ["POST", "GET", "DELETE"] and gate.sent == 3

    read_only = WireGate("http://127.0.0.1:1", allow_writes=False)
    with pytest.raises(WriteRefused):
        read_only.send(original, None, request("PUT"))
    assert read_only.refused_writes == 1 and sent[-1] == "DELETE"


def test_an_unreachable_endpoint_is_one_line_error(cli):
    from conftest import free_port

    url = f"http://127.0.0.1:{free_port()}/openai/v1/"
    result = cli("contract", "--spec", "v1", "--url", url, "--include-path", "/models", "--max-requests", "10")
    assert_one_line_error(result, "no request got an answer")


def test_an_unreachable_target_of_a_matrix_is_reported_not_fatal(monkeypatch):
    from conftest import free_port
    from toolkit.contract import Target, run_targets

    target = Target(name="down", url=f"http://127.0.0.1:{free_port()}/openai/v1/", spec="v1", region="westus")
    [report] = run_targets([target], include_paths=("/models",), max_requests=5)
    assert report.stop_reason == "unreachable" and not report.ok and "no request got an answer" in report.errors[0]


def test_reports_escape_markup_in_failure_text():
    import xml.dom.minidom

    from toolkit.contract import ContractFailure, ContractReport, render_matrix, render_report
    from toolkit.contract.report import OperationResult

    report = ContractReport(target="t<&>", spec="s", url="http://127.0.0.1:1", surface="v1", api_version=None,
                            deployment=None, phases=["examples"], max_requests=10,
                            operations=[OperationResult("GET /models", "failed", 1)],
                            failures=[ContractFailure("response_schema_conformance", "ST108", "contract", "GET /models",
                                                      "examples", "<script>x</script> & more", "a < b & c > d", 200)])
    xml.dom.minidom.parseString(render_report(report, "junit"))
    xml.dom.minidom.parseString(render_matrix([report], "junit"))
    for html in (render_report(report, "html"), render_matrix([report], "html")):
        assert "<script>x" not in html and "&lt;script&gt;" in html


def test_self_contradicting_negative_failure_is_inconclusive():
    from toolkit.contract.classify import classify

    message = "Invalid data should have been rejected\nInvalid component: positive test case"
    assert classify(200, {}, "{}", check="negative_data_rejection", message=message) == "inconclusive"
    assert classify(200, {}, "{}", check="negative_data_rejection", message="Invalid component: in body") == "contract"


def test_multipart_string_type_negative_is_inconclusive():
    from toolkit.contract.classify import classify

    message = "Invalid component: in body - violates `type` at /properties/file_id (was string, became object)"
    assert classify(200, {}, "{}", check="negative_data_rejection", message=message,
                    request_content_type="multipart/form-data; boundary=x") == "inconclusive"
    assert classify(200, {}, "{}", check="negative_data_rejection", message=message,
                    request_content_type="application/json") == "contract"


def test_every_format_shows_how_much_each_operation_was_tested_and_explains_cleanup():
    import xml.dom.minidom

    from toolkit.contract import ContractFailure, ContractReport, render_matrix, render_report
    from toolkit.contract.ledger import Ledger
    from toolkit.contract.report import CleanupResult, OperationResult

    ledger = Ledger()
    for _ in range(7):
        ledger.request("fuzzing", "POST /e", auth_probe=False)
        ledger.status("POST /e", 200)
    ledger.request("azure", "POST /e", auth_probe=True)
    ledger.status("POST /e", 401)
    ledger.verdict("POST /e", "key_missing", True)
    ledger.verdict("POST /e", "not_a_server_error", True)
    ledger.starve("POST /e", "coverage", "the budget was used up before its turn")
    gap = ContractFailure("status_code_conformance", "ST103", "spec_gap", "POST /e", "fuzzing", "Undocumented status",
                          "Received: 400", 400, gap_rule="undocumented-refusal",
                          gap_reason="POST /e documents only 200: no 4xx and no `default`")
    cleanup = CleanupResult(created=15, deleted=13, deleted_by_run=1, left=["/files/f-1"],
                            reasons={"/files/f-1": "DELETE answered 500"})
    report = ContractReport(target="t", spec="s", url="http://127.0.0.1:1", surface="dated", api_version="2024-10-21",
                            deployment="d", phases=["azure", "fuzzing"], max_requests=8, requests_sent=8,
                            failures=[gap], ledger=ledger, cleanup=cleanup,
                            operations=[OperationResult("POST /e", "under-tested", 0, "coverage: budget",
                                                        ledger.operations["POST /e"])])
    assert report.ok and report.verdict.startswith("PASS: 8 requests over 1 operations")
    assert "7 answered 2xx (88%), 1 auth probes (12%)" in report.verdict and "1 spec gaps listed apart" in report.verdict
    explanation = "15 created: 1 deleted by the run's own DELETE requests, 13 deleted at the end, 1 left behind: " \
                  "/files/f-1 (DELETE answered 500)"
    assert report.cleanup.explanation == explanation
    for fmt in ("text", "markdown", "html", "junit", "json"):
        text = render_report(report, fmt)
        for needle in ("under-tested", "undocumented-refusal", "DELETE answered 500", "key_missing"):
            assert needle in text, (fmt, needle)
        assert ("401" in text and "200" in text), fmt
    xml.dom.minidom.parseString(render_report(report, "junit"))
    data = json.loads(render_report(report, "json"))
    [op] = data["operations"]
    assert (op["requests"], op["auth_probes"], op["answered_2xx"], op["statuses"]) == (8, 1, 7, {"200": 7, "401": 1})
    assert data["spec_gaps"][0]["gap_reason"].startswith("POST /e documents") and data["failures"] == []
    for fmt in ("markdown", "html", "junit", "json"):
        assert "undocumented-refusal" in render_matrix([report], fmt) or fmt == "json", fmt
    report.strict = True
    assert not report.ok and 'failures="1"' in render_report(report, "junit")


def _case_identity(case):
    data = case._meta.phase.data
    return (case.method, case.path, str(data.description), repr(case.body), repr(case.query), repr(case.headers))


def test_coverage_selection_reads_only_what_it_hands_out_and_hands_out_what_a_full_scan_would():
    """`Selection.head(k)` is the first k cases of the whole order (the coverage share takes a few per operation)
    while the enumeration stops early: on the archived 2024-10-21 completions operation, every prefix equals the
    prefix of a full scan, and a short head leaves most cases unread."""
    import schemathesis

    from toolkit.contract.coverage import Selection
    from toolkit.contract.prepare import for_schemathesis
    from toolkit.workspace import Workspace

    spec = Workspace().open("2024-10-21")
    schema = schemathesis.openapi.from_dict(for_schemathesis(spec.document),
                                            config=schemathesis.Config.from_dict({"seed": 0}))
    operation = next(r.ok() for r in schema.get_all_operations() if r.ok().path == "/deployments/{deployment-id}/completions")
    limit = 60
    full = [_case_identity(c) for c in Selection(schema, operation, limit).head(limit)]
    assert len(full) == limit
    for count in (1, 2, 5, 20, 21, 30, limit):
        lazy = Selection(schema, operation, limit)
        assert [_case_identity(c) for c in lazy.head(count)] == full[:count], count
    short = Selection(schema, operation, limit)
    short.head(2)
    whole = Selection(schema, operation, limit)
    whole.head(limit)
    scanned = lambda s: len(s.positive) + sum(len(cases) for cases in s.groups.values())  # noqa: E731
    assert scanned(short) * 4 < scanned(whole)
