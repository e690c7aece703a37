"""One minimal fixture per cause of false or missed verdicts (issue 11), and the real pairs that showed them.

Each fixture in `tests/fixtures/diff/precision/` holds a base and a revision document and the exact list of
changes (rule id, level, element) the diff must report, plus phrases its messages must contain.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from toolkit import Workspace
from toolkit.diff import compare
from toolkit.model import Spec

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "diff" / "precision").glob("*.yaml"),
                  key=lambda p: (int(p.name.split("-", 1)[0]), p.name))


def _case(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_cause_fixture_reports_exactly_the_expected_changes(path: Path) -> None:
    case = _case(path)
    report = compare(Spec(document=case["base"]), Spec(document=case["revision"]),
                     include_docs=case.get("include_docs", False))
    found = sorted([c.id, c.level, c.element] for c in report.changes)
    assert found == sorted(case["expected"]), "\n".join(f"{c.level} {c.id} {c.element}: {c.message}"
                                                        for c in report.changes)
    messages = [c.message for c in report.changes]
    for phrase in case.get("messages", []):
        assert any(phrase in m for m in messages), (phrase, messages)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_cause_fixture_self_diff_is_empty(path: Path) -> None:
    case = _case(path)
    for side in ("base", "revision"):
        assert compare(Spec(document=case[side]), Spec(document=case[side]), include_docs=True).changes == []


@pytest.fixture(scope="module")
def ws() -> Workspace:
    return Workspace()


def test_typespec_data_source_removed_and_added_are_two_members(ws: Workspace) -> None:
    """Cause 4 on the real pair: `azure_ml_index` removed, `mongo_db` added, never paired with each other."""
    report = compare(ws.open("azure-openai-typespec@2024-07-01-preview"),
                     ws.open("azure-openai-typespec@2024-08-01-preview"), catalog=ws.catalog)
    sources = [c for c in report.changes if c.element == "data_sources[]"]
    assert sorted((c.id, c.level, c.message.rsplit(": ", 1)[-1]) for c in sources) == [
        ("request-property-one-of-added", "info", "oneOf member `mongo_db` added"),
        ("request-property-one-of-removed", "error", "oneOf member `azure_ml_index` removed"),
    ]
    assert not [c for c in report.changes if "(mongo_db)" in c.element]
    assert not [c for c in report.changes if c.id == "request-property-enum-value-removed"]


def test_typespec_spellings_on_real_pairs(ws: Workspace) -> None:
    """Cause 9 on the real pairs: the nullable array wrapper and the int64 bounds are no change, and the union in
    a lone allOf shows the real removal of `model_id` and `integrated` (2024-10-01-preview -> 2024-10-21)."""
    def errors(a: str, b: str) -> list[tuple[str, str, str]]:
        report = compare(ws.open(f"azure-openai-typespec@{a}"), ws.open(f"azure-openai-typespec@{b}"),
                         catalog=ws.catalog)
        return [(c.id, c.element, c.message) for c in report.changes if c.level == "error"]

    assert not [e for e in errors("2024-05-01-preview", "2024-06-01") if e[1] == "attachments"]
    assert not [e for e in errors("2024-10-21", "2024-11-01-preview") if e[1] == "seed"]
    ga = errors("2024-10-01-preview", "2024-10-21")
    removed = {m.rsplit("`", 2)[-2] for i, e, m in ga if i == "request-property-one-of-removed"
               and e.endswith("embedding_dependency")}
    assert removed == {"model_id", "integrated"}


def test_openai_undeclared_security_is_a_repair(ws: Workspace) -> None:
    """Cause 5 on the real pair: the admin API key endpoints stop listing two undeclared schemes."""
    report = compare(ws.open("openai@2024-12-18_d2eaa350b5"), ws.open("openai@2025-01-31_2fb90fe812"),
                     catalog=ws.catalog)
    assert not [c for c in report.changes if c.id == "api-security-removed"]
    repairs = {(c.operation, c.element) for c in report.changes if c.id == "api-security-undeclared-removed"}
    assert ("DELETE /organization/admin_api_keys/{key_id}", "undeclared:basic_identity_edge") in repairs


def test_changes_outside_the_paths_are_findable_in_every_format(tmp_path: Path) -> None:
    """Cause 8 end to end: the JSON marks changes in schemas no operation uses, the text report files them under
    their schema, and webhook changes under the webhook."""
    from conftest import run_cli

    case = _case(FIXTURES[[p.stem for p in FIXTURES].index("8-outside-paths")])
    files = []
    for side in ("base", "revision"):
        path = tmp_path / f"{side}.json"
        path.write_text(json.dumps(case[side]), encoding="utf-8")
        files.append(str(path))
    done = run_cli("diff", *files, "--format", "json")
    assert done.returncode == 0, done.stderr
    entries = json.loads(done.stdout)["changes"]
    assert sorted(e["element"] for e in entries if e["unreferenced"]) == [
        "NewEvent", "OldEvent", "ResponsesClientEvent.stream_id", "ResponsesServerEvent.stream_id"]
    assert {e["operation"] for e in entries if not e["unreferenced"]} == {
        "POST webhook batch_completed", "POST webhook batch_cancelled", "POST webhook batch_expired"}
    text = run_cli("diff", *files).stdout
    assert "schema `ResponsesServerEvent` (not used by any operation)" in text
    assert "response property `created_at` (webhook payload): type changed from integer to string" in text


SUBSUMPTION_CASES = [  # (outer, inner, answer): does `outer` accept every value `inner` accepts?
    ({}, {"type": "string"}, True),
    ({"type": "number"}, {"type": "integer"}, True),
    ({"type": "integer"}, {"type": "number"}, False),
    ({"type": "string"}, {"type": "string", "enum": ["a", "b"]}, True),
    ({"type": "string", "enum": ["a"]}, {"type": "string", "enum": ["a", "b"]}, False),
    ({"type": "string", "maxLength": 3}, {"type": "string", "enum": ["abc"]}, True),
    ({"type": "integer", "minimum": 0}, {"type": "integer", "minimum": 5}, True),
    ({"type": "integer", "minimum": 0}, {"type": "integer", "exclusiveMinimum": -1}, None),  # integers: undecided
    ({"type": "number", "minimum": 0}, {"type": "number", "exclusiveMinimum": -1}, False),  # -0.5
    ({"type": "string"}, {"type": "string", "nullable": True}, False),
    ({"type": "string", "pattern": "^a"}, {"type": "string", "pattern": "^ab"}, None),
    ({"type": "object"}, {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}, True),
    ({"type": "object", "required": ["a"]}, {"type": "object"}, False),
    ({"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "object"}, False),
    ({"type": "object", "additionalProperties": False, "properties": {"a": {}}},
     {"type": "object", "additionalProperties": False, "properties": {"a": {"type": "string"}}}, True),
    ({"type": "array", "items": {"type": "number"}},
     {"type": "array", "items": {"type": "integer"}, "maxItems": 2}, True),
    ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, {"type": "integer", "minimum": 1}, True),
    ({"type": "string"}, {"anyOf": [{"type": "string"}, {"type": "integer"}]}, False),
]


@pytest.mark.parametrize(("outer", "inner", "answer"), SUBSUMPTION_CASES)
def test_subsumption_decides_or_says_unknown(outer: dict[str, Any], inner: dict[str, Any], answer: bool | None) -> None:
    """Cause 3's check on its own: True when proven, False when a counter-example exists, None when undecided."""
    from toolkit.diff.subsumption import Subsumption
    from toolkit.diff.views import Viewer

    spec = Spec(document={"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
                          "components": {"schemas": {"Outer": outer, "Inner": inner}}})
    viewer = Viewer(spec)
    views = [viewer.view(spec.schemas[name], f"#/components/schemas/{name}") for name in ("Outer", "Inner")]
    assert Subsumption().covers((viewer, views[0]), (viewer, views[1])) is answer


@pytest.mark.slow
def test_largest_real_pair_nested_union_webhooks_and_events(ws: Workspace) -> None:
    """Causes 1 and 8 on the real pair (openai 2026-05-13 -> 2026-08-21): the MCP error union lost only its
    `string` member, a webhook was added, and changes to the Realtime/WebSocket event schemas, which no operation
    uses, are reported on their own."""
    report = compare(ws.open("openai@2026-05-13_5162af98d3"), ws.open("openai@2026-08-21_f85dbe223d"),
                     catalog=ws.catalog)
    errors = report.at_least("error")
    mcp = {c.message.rsplit(": ", 1)[-1] for c in errors if c.element.endswith("(mcp_call).error")}
    assert mcp == {"anyOf member `string` removed"}
    assert not [c for c in report.changes if "MCPToolCallError` removed" in c.message]
    assert any(c.id == "webhook-added" and c.operation == "POST webhook live_call_incoming" for c in report.changes)
    unreferenced = [e for e in report.entries() if e.unreferenced]
    assert any(e.element.startswith("ResponsesServerEvent") for e in unreferenced)
    assert all(e.level != "error" for e in unreferenced)
