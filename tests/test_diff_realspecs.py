"""The diff on the real specs (through the catalog and the mirror): self-diffs are empty, known changes are
found by name, the dated <-> v1 mapping lines operations up, and whole families run through `changelog`."""

from __future__ import annotations

import pytest

from toolkit import Workspace
from toolkit.catalog import load_catalog
from toolkit.diff import changelog, compare, compat, history

pytestmark = pytest.mark.realspec

PINNED = [e.id for e in load_catalog() if e.pinned]


@pytest.fixture(scope="module")
def ws() -> Workspace:
    return Workspace()


@pytest.mark.parametrize("entry_id", PINNED)
def test_self_diff_of_every_real_spec_is_empty(ws: Workspace, entry_id: str) -> None:
    first, second = ws.open(entry_id), ws.open(entry_id)  # two loads: nothing shared by identity
    report = compare(first, second, include_docs=True, catalog=ws.catalog)
    assert report.changes == [], [c.message for c in report.changes[:5]]


def test_typespec_august_to_september_names_the_four_known_changes(ws: Workspace) -> None:
    report = compare(ws.open("azure-openai-typespec@2024-08-01-preview"),
                     ws.open("azure-openai-typespec@2024-09-01-preview"), catalog=ws.catalog)
    text = "\n".join(c.message for c in report.changes)
    for name in ("max_completion_tokens", "parallel_tool_calls", "completion_tokens_details.reasoning_tokens",
                 "stream_options.include_usage"):
        assert name in text, name
    assert report.counts["error"] == 0 and report.counts["warning"] == 0
    assert {c.id for c in report.changes} == {"new-optional-request-property", "response-optional-property-added"}


def test_dated_to_v1_is_a_mapped_report(ws: Workspace) -> None:
    report = compare(ws.open("2024-10-21"), ws.open("v1"), catalog=ws.catalog)
    assert report.mapped
    mapped = [c for c in report.changes if c.id == "deployment-path-mapped"]
    assert any("/deployments/{deployment-id}/chat/completions" in c.message and c.operation == "POST /chat/completions"
               for c in mapped)
    chat = [c for c in report.changes if c.operation == "POST /chat/completions"]
    assert len(chat) > 10
    # the deployment, `model` and `api-version` are surface, not removed/added parameters or properties
    for c in chat:
        assert c.element not in ("query api-version", "path deployment-id", "model"), c
    assert not any(c.id == "api-removed-without-deprecation" and "chat/completions" in c.operation
                   for c in report.changes)


def test_unmapped_dated_to_v1_loses_every_operation(ws: Workspace) -> None:
    """The control experiment: without the mapping every dated operation reads as removed."""
    report = compare(ws.open("2024-10-21"), ws.open("v1"), catalog=ws.catalog, map_surfaces=False)
    assert not report.mapped
    assert any(c.id == "api-path-removed-without-deprecation" and "/deployments/{deployment-id}/chat/completions"
               in c.operation for c in report.changes)


def test_compat_openai_vs_azure_v1(ws: Workspace) -> None:
    result = compat(ws.open("openai@2026-08-21_f85dbe223d"), ws.open("v1")).to_dict()
    assert result["counts"]["shared_operations"] > 10
    assert "POST /chat/completions" in {g["operation"] for g in result["operations"]}
    assert result["openai_only_operations"]  # OpenAI has APIs Azure v1 lacks
    assert result["counts"]["azure_only_fields"] > 0  # Azure adds fields (e.g. data_sources)


@pytest.mark.slow
def test_openai_history_runs_end_to_end(ws: Workspace) -> None:
    log = changelog(ws, "openai")
    entries = ws.catalog.history("openai")
    assert [s.to_id for s in log.sections] == [e.id for e in entries[1:]]
    assert all(s.report.changes for s in log.sections)
    biggest = log.sections[-2]  # 2025-04-29 (3.0) -> 2026-05-13 (3.1)
    assert biggest.report.counts["info"] > 100


@pytest.mark.slow
def test_typespec_family_runs_end_to_end_and_history_finds_include_usage(ws: Workspace) -> None:
    seen: list[str] = []
    log = changelog(ws, "azure-openai-typespec", on_progress=lambda i, n, label: seen.append(label))
    assert len(log.sections) == len(ws.catalog.history("azure-openai-typespec")) - 1 == len(seen)
    found = history(ws, "stream_options.include_usage", "azure-openai-typespec")
    events = {e.version: e.kind for e in found.events}
    assert events["azure-openai-typespec@2024-09-01-preview"] == "added"
    assert all(e.changes and e.previous for e in found.events)


def test_new_v1_preview_endpoints_name_their_opt_in_header(ws: Workspace) -> None:
    report = compare(ws.open("2024-10-21"), ws.open("v1"), catalog=ws.catalog)
    evals = [c for c in report.changes if c.id == "endpoint-added" and c.operation == "GET /evals"]
    assert evals and "`aoai-evals: preview`" in evals[0].message
