"""How changes are reported (toolkit.diff.report, filters, baseline, formats) and the loader's line map, on tiny
fixtures through the Python API. The CLI side of the same features is in test_diff_cli.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES
from toolkit.diff import compare, render_report
from toolkit.diff.baseline import read_baseline
from toolkit.diff.filters import ChangeFilter, excluded_classes
from toolkit.diff.report import Change
from toolkit.errors import BaselineError, FilterError
from toolkit.load import line_map
from toolkit.model import Spec

SHARED = (FIXTURES / "diff" / "shared-base.yaml", FIXTURES / "diff" / "shared-revision.yaml")
USERS = ["GET /batches", "POST /chat/completions", "POST /completions"]


def shared_report(**kwargs):
    return compare(Spec.load(SHARED[0]), Spec.load(SHARED[1]), include_docs=True, **kwargs)


def test_a_shared_component_change_is_reported_once_with_its_operations() -> None:
    report = shared_report()
    entries = report.entries()
    assert [(e.id, e.level, e.operations) for e in entries] == [
        ("response-property-became-nullable", "error", USERS),
        ("response-optional-property-became-nullable", "warning", USERS),
        ("endpoint-added", "info", ["GET /files"]),
        ("response-property-doc-changed", "doc", USERS),
    ]
    # reached as `usage.x` by two operations and `data[].usage.x` by the third: named at the component instead
    assert entries[0].message == "response property `Usage.total_tokens` became nullable"
    assert entries[0].component == "#/components/schemas/Usage" and entries[0].home == "schema `Usage`"
    assert report.counts == {"error": 1, "warning": 1, "info": 1, "doc": 1}
    assert len(report.changes) == 10  # what the rules found per operation
    report.per_operation = True
    assert report.counts == {"error": 3, "warning": 3, "info": 1, "doc": 3}
    assert {e.fingerprint for e in report.entries()} == {c.fingerprint for c in report.changes}


def test_group_fingerprints_are_stable_and_distinct() -> None:
    first, second = shared_report().to_dict(), shared_report().to_dict()
    prints = [c["fingerprint"] for c in first["changes"]]
    assert prints == [c["fingerprint"] for c in second["changes"]] and len(set(prints)) == 4


def test_optional_response_property_becoming_nullable_is_a_warning_with_its_source() -> None:
    from toolkit.diff.rules import RULES_BY_ID

    optional, required = RULES_BY_ID["response-optional-property-became-nullable"], RULES_BY_ID["response-property-became-nullable"]
    assert (optional.level, required.level) == ("warning", "error")
    assert "docs/diff-levels.md" in optional.source and "oasdiff" in required.source


def test_operation_filter_narrows_a_shared_change_to_the_selected_operations() -> None:
    report = ChangeFilter(operations=("POST /chat/completions",)).apply(shared_report())
    assert {tuple(e.operations) for e in report.entries()} == {("POST /chat/completions",)}
    assert report.counts == {"error": 1, "warning": 1, "info": 0, "doc": 1}
    by_path = ChangeFilter(match_path="^/(files|batches)$").apply(shared_report())
    assert sorted(op for e in by_path.entries() for op in e.operations) == ["GET /batches"] * 3 + ["GET /files"]


def test_dated_and_v1_spellings_of_an_operation_both_match() -> None:
    keep = ChangeFilter(operations=("post /chat/completions",))
    assert keep.keeps(Change("x", "error", "none", "POST /deployments/{deployment-id}/chat/completions", "", "", None, None))
    assert keep.keeps(Change("x", "error", "none", "POST /openai/v1/chat/completions", "", "", None, None))
    assert not keep.keeps(Change("x", "error", "none", "POST /completions", "", "", None, None))
    assert keep.keeps(Change("x", "error", "none", "", "", "", None, None))  # API-wide reaches every call


@pytest.mark.parametrize(("change_id", "level", "message", "classes"), [
    ("endpoint-added", "info", "endpoint `GET /x` added", {"endpoints"}),
    ("x-ms-pageable-changed", "warning", "x-ms-pageable changed", {"extensions"}),
    ("schema-extension-changed", "info", "extension `x-a` changed", {"extensions"}),
    ("response-property-doc-changed", "doc", "response property `a`: description, examples changed",
     {"description", "examples"}),
    ("api-doc-changed", "doc", "operation summary changed", {"summary"}),
    ("request-parameter-doc-changed", "doc", "query parameter `q`: example changed", {"examples"}),
    ("request-property-removed", "warning", "request property `description` removed", set()),
])
def test_element_classes(change_id: str, level: str, message: str, classes: set[str]) -> None:
    assert excluded_classes(Change(change_id, level, "none", "GET /x", "", message, None, None)) == classes


def test_exclude_elements_hides_only_changes_wholly_in_the_classes() -> None:
    doc = Change("response-property-doc-changed", "doc", "response", "GET /x", "a",
                 "response property `a`: description, examples changed", "#/a", "#/a")
    assert ChangeFilter(exclude_elements=("examples",)).keeps(doc)
    assert not ChangeFilter(exclude_elements=("examples", "description")).keeps(doc)
    report = ChangeFilter(exclude_elements=("endpoints", "description")).apply(shared_report())
    assert [e.id for e in report.entries()] == ["response-property-became-nullable",
                                                "response-optional-property-became-nullable"]


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"match_path": "("}, "--match-path"), ({"operations": ("chat",)}, "METHOD /path"),
    ({"exclude_elements": ("bodies",)}, "unknown class 'bodies'")])
def test_bad_filters_are_user_errors(kwargs: dict, needle: str) -> None:
    with pytest.raises(FilterError, match=needle.replace("(", r"\(")):
        ChangeFilter(**kwargs)


def test_baseline_reads_fingerprint_files_and_json_reports(tmp_path: Path) -> None:
    text = tmp_path / "accepted.txt"
    text.write_text("# accepted\n0123456789ab  error  rule  GET /x: gone # note\n\nABCDEF012345\n")
    assert read_baseline(text) == {"0123456789ab", "abcdef012345"}
    report = shared_report()
    as_json = tmp_path / "report.json"
    as_json.write_text(render_report(report, "json"))
    assert read_baseline(as_json) == {e.fingerprint for e in report.entries()}
    log = tmp_path / "changelog.json"
    log.write_text(json.dumps({"family": "f", "sections": [{"changes": [{"fingerprint": "0123456789ab"}]}]}))
    assert read_baseline(log) == {"0123456789ab"}
    bad = tmp_path / "bad.txt"
    bad.write_text("not-a-fingerprint\n")
    with pytest.raises(BaselineError, match="line 1"):
        read_baseline(bad)
    with pytest.raises(BaselineError, match="cannot read"):
        read_baseline(tmp_path / "missing.txt")


def test_baseline_accepts_groups_and_occurrences_both_ways() -> None:
    report = shared_report()
    group = report.entries()[0]
    report.baseline = frozenset({c.fingerprint for c in group.occurrences})  # from a --per-operation report
    assert [e.accepted for e in report.entries()] == [True, False, False, False]
    report.baseline, report.per_operation = frozenset({group.fingerprint}), True  # from a grouped report
    assert sum(e.accepted for e in report.entries()) == 3
    assert report.failing("error") == [] and len(report.failing("warning")) == 3


def test_junit_and_annotations_follow_the_gate() -> None:
    report = shared_report()
    junit = render_report(report, "junit", fail_on="error")
    assert junit.count("<failure ") == 1 and 'failures="1"' in junit
    assert render_report(report, "junit", fail_on="warning").count("<failure ") == 2
    assert "<failure " not in render_report(report, "junit", fail_on=None)
    gha = render_report(report, "githubactions", fail_on="error", file="spec.yaml", local_file=SHARED[1])
    levels = [line.split(" ", 1)[0] for line in gha.splitlines()]
    assert levels == ["::error", "::warning", "::notice", "::notice"]
    first = gha.splitlines()[0]
    line = int(first.split("line=")[1].split(",")[0])
    assert SHARED[1].read_text().splitlines()[line - 1].strip().startswith("total_tokens:")
    assert "affects GET /batches, POST /chat/completions, POST /completions" in first


def _at(text: str, position: tuple[int, int] | None) -> str:
    assert position is not None
    line, col = position
    return text.splitlines()[line - 1][col - 1:]


def test_line_map_of_json_and_yaml() -> None:
    text = '{\n  "paths": {\n    "/a/b": {"get": {"x~y": [1, {"k": "v\\"w"}]}}\n  }\n}\n'
    lines = line_map(text, "json")
    assert _at(text, lines.locate("#/paths/~1a~1b/get/x~0y/1/k")).startswith('"k": "v')
    assert _at(text, lines.locate("#/paths/~1a~1b/get/x~0y/1")).startswith('{"k"')
    assert _at(text, lines.locate("#/paths/~1a~1b/get/missing/deeper")).startswith('"get"')  # nearest ancestor
    assert lines.locate(None) is None
    source = "paths:\n  /a/b:\n    get:\n      tags: [x, y]\n      list:\n      - k: v\n"
    yaml_lines = line_map(source, "yaml")
    assert yaml_lines.locate("#/paths/~1a~1b/get") == (3, 5)
    assert _at(source, yaml_lines.locate("#/paths/~1a~1b/get/tags/1")) == "y]"
    assert _at(source, yaml_lines.locate("#/paths/~1a~1b/get/list/0/k")) == "k: v"


def test_catalog_entries_record_their_coverage() -> None:
    from toolkit.catalog import load_catalog

    catalog = load_catalog()
    v1 = catalog.get("v1")
    assert v1.coverage == "subset" and "preview" in (v1.coverage_note or "")
    assert catalog.get("2024-10-21").coverage == "whole"
    assert all(e.coverage == "subset" for e in catalog if e.family == "azure-openai-typespec")
