"""The diff commands as a user runs them: a real subprocess, exit codes, JSON shapes, bad input."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import FIXTURES, assert_one_line_error, run_cli

BASE = str(FIXTURES / "diff" / "base.yaml")
REVISION = str(FIXTURES / "diff" / "revision.yaml")
ADDITIONS = str(FIXTURES / "diff" / "additions-only.yaml")
CONFIG = str(FIXTURES / "diff" / "config.yaml")
SHARED = (str(FIXTURES / "diff" / "shared-base.yaml"), str(FIXTURES / "diff" / "shared-revision.yaml"))
LIFECYCLE = (str(FIXTURES / "diff" / "lifecycle-base.yaml"), str(FIXTURES / "diff" / "lifecycle-revision.yaml"))
CHANGE_KEYS = {"id", "level", "direction", "operation", "operations", "component", "element", "message", "base",
               "revision", "fingerprint", "accepted"}


def test_diff_text_names_changes_and_exits_0() -> None:
    result = run_cli("diff", BASE, REVISION)
    assert result.returncode == 0, result.stderr
    assert "[api-path-removed-without-deprecation] path `/models` removed without deprecation" in result.stdout
    assert "`stream_options` added (optional), with `stream_options.include_usage`" in result.stdout
    assert "temperature" not in result.stdout  # nullable 3.0 == type array 3.1; description-only edit hidden


def test_diff_json_shape_and_pointers(tmp_path: Path) -> None:
    out = tmp_path / "diff.json"
    result = run_cli("diff", BASE, REVISION, "--format", "json", "-o", str(out), "--include-docs")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    data = json.loads(out.read_text())
    assert {"changes", "counts", "base", "revision"} <= set(data)
    assert data["changes"] and all(set(c) == CHANGE_KEYS for c in data["changes"])
    by_id = {c["id"]: c for c in data["changes"]}
    enum = by_id["response-property-enum-value-added"]
    assert enum["element"] == "finish_reason" and enum["direction"] == "response"
    assert enum["base"] == "#/components/schemas/ChatResponse/properties/finish_reason"
    assert by_id["request-property-doc-changed"]["level"] == "doc"


@pytest.mark.parametrize("fmt, needle", [("markdown", "| error |"), ("html", "<!DOCTYPE html>"),
                                         ("githubactions", "::warning file="), ("junit", "<testsuites")])
def test_diff_other_formats(fmt: str, needle: str) -> None:
    result = run_cli("diff", BASE, REVISION, "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert needle in result.stdout
    if fmt == "junit":  # `diff` exits 0, so its JUnit has no failures; `breaking` gates (below)
        root = ElementTree.fromstring(result.stdout)
        assert int(root.get("failures")) == len(root.findall(".//failure")) == 0


def test_breaking_exits_1_on_errors_and_0_on_additions() -> None:
    failing = run_cli("breaking", BASE, REVISION, "--format", "json")
    assert failing.returncode == 1, failing.stderr
    levels = {c["level"] for c in json.loads(failing.stdout)["changes"]}
    assert levels <= {"error", "warning"} and "error" in levels
    passing = run_cli("breaking", BASE, ADDITIONS)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "No changes." in passing.stdout


def test_breaking_fail_on_warning_and_config() -> None:
    # with /models removal silenced, the only remaining breaking-ish change is the response enum (warning)
    relaxed = run_cli("breaking", BASE, REVISION, "--config", str(FIXTURES / "diff" / "config.yaml"))
    assert relaxed.returncode == 1  # the config raised the enum addition to error
    assert "api-path-removed-without-deprecation" not in relaxed.stdout
    assert "[response-property-enum-value-added]" in relaxed.stdout
    plain = run_cli("breaking", BASE, REVISION, "--fail-on", "warning", "--format", "json")
    assert plain.returncode == 1


def test_bad_config_and_missing_file_are_one_line_errors() -> None:
    assert_one_line_error(run_cli("diff", BASE, REVISION, "--config", str(FIXTURES / "diff" / "bad-config.yaml")),
                          "unknown rule id", "not-a-rule")
    assert_one_line_error(run_cli("diff", BASE, "does-not-exist.yaml"), "does-not-exist.yaml")
    assert_one_line_error(run_cli("breaking", "nope.json", REVISION), "nope.json")


def test_rules_lists_every_rule() -> None:
    result = run_cli("rules", "--format", "json")
    assert result.returncode == 0
    rules = json.loads(result.stdout)["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) > 150
    assert {"request-parameter-removed", "response-property-removed", "request-property-became-required",
            "response-success-status-removed", "api-path-removed-without-deprecation",
            "preview-header-required-added", "x-ms-enum-model-as-string-changed"} <= set(ids)
    assert all(r["level"] in ("error", "warning", "info", "doc") for r in rules)
    text = run_cli("rules")
    assert text.returncode == 0 and "response-property-enum-value-added" in text.stdout


@pytest.mark.realspec
def test_changelog_json_sections() -> None:
    result = run_cli("changelog", "--family", "azure-openai-typespec", "--from", "azure-openai-typespec@2024-08-01-preview",
                     "--to", "azure-openai-typespec@2024-10-01-preview", "--format", "json")
    assert result.returncode == 0, result.stderr
    sections = json.loads(result.stdout)["sections"]
    assert [(s["from"], s["to"]) for s in sections] == [
        ("azure-openai-typespec@2024-08-01-preview", "azure-openai-typespec@2024-09-01-preview"),
        ("azure-openai-typespec@2024-09-01-preview", "azure-openai-typespec@2024-10-01-preview")]
    assert all(set(c) == CHANGE_KEYS for s in sections for c in s["changes"])
    assert any("stream_options.include_usage" in c["message"] for c in sections[0]["changes"])


@pytest.mark.realspec
def test_changelog_markdown_to_file_and_bad_family(tmp_path: Path) -> None:
    out = tmp_path / "CHANGELOG.md"
    result = run_cli("changelog", "--family", "azure-openai-typespec", "--from", "azure-openai-typespec@2024-10-21",
                     "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith("# Changelog: azure-openai-typespec")
    assert_one_line_error(run_cli("changelog", "--family", "no-such-family"), "no-such-family")


@pytest.mark.realspec
def test_history_of_an_operation() -> None:
    result = run_cli("history", "POST /chat/completions", "--family", "azure-openai-inference", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["events"][0]["kind"] == "present"
    assert any(e["changes"] for e in data["events"][1:])


@pytest.mark.realspec
def test_compat_and_mapped_diff() -> None:
    result = run_cli("compat", "openai@2026-08-21_f85dbe223d", "v1", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["counts"]["shared_operations"] > 0 and data["openai_only_operations"]
    mapped = run_cli("diff", "2024-10-21", "v1", "--format", "json")
    assert mapped.returncode == 0, mapped.stderr
    report = json.loads(mapped.stdout)
    assert report["mapped"] is True
    assert any(c["id"] == "deployment-path-mapped" for c in report["changes"])


# -- one change once, at its component (issue 11.7)
def test_a_shared_change_is_listed_once_with_its_operations() -> None:
    grouped = run_cli("diff", *SHARED, "--format", "json")
    assert grouped.returncode == 0, grouped.stderr
    data = json.loads(grouped.stdout)
    assert data["counts"] == {"error": 1, "warning": 1, "info": 1, "doc": 0} and data["per_operation"] is False
    nullable = data["changes"][0]
    assert (nullable["id"], nullable["component"], nullable["element"]) == (
        "response-property-became-nullable", "#/components/schemas/Usage", "Usage.total_tokens")
    assert nullable["operations"] == ["GET /batches", "POST /chat/completions", "POST /completions"]
    per_op = json.loads(run_cli("diff", *SHARED, "--format", "json", "--per-operation").stdout)
    assert per_op["counts"] == {"error": 3, "warning": 3, "info": 1, "doc": 0}
    assert all(len(c["operations"]) == 1 for c in per_op["changes"])
    text = run_cli("diff", *SHARED).stdout
    assert text.count("Usage.total_tokens") == 1 and "affects 3 operations" in text
    assert "schema `Usage`" in text


# -- baselines (issue 11, "also users expect")
def test_write_baseline_then_gate_on_new_changes_only(tmp_path: Path) -> None:
    accepted = tmp_path / "accepted.txt"
    written = run_cli("breaking", BASE, REVISION, "--write-baseline", str(accepted))
    assert written.returncode == 0, written.stdout + written.stderr  # everything listed is now accepted
    assert "wrote 2 accepted changes" in written.stderr
    lines = [line for line in accepted.read_text().splitlines() if not line.startswith("#")]
    assert len(lines) == 2 and all(len(line.split()[0]) == 12 for line in lines)
    gated = run_cli("breaking", BASE, REVISION, "--baseline", str(accepted), "--format", "json")
    assert gated.returncode == 0, gated.stdout
    report = json.loads(gated.stdout)
    assert report["accepted"] == 2 and all(c["accepted"] for c in report["changes"])
    accepted.write_text("\n".join(line for line in accepted.read_text().splitlines()
                                  if "api-path-removed" not in line) + "\n")
    partly = run_cli("breaking", BASE, REVISION, "--baseline", str(accepted))
    assert partly.returncode == 1
    assert "[api-path-removed-without-deprecation] path `/models` removed without deprecation\n" in partly.stdout
    assert "[accepted]" in partly.stdout


def test_a_previous_json_report_is_a_baseline(tmp_path: Path) -> None:
    previous = tmp_path / "previous.json"
    assert run_cli("breaking", *SHARED, "--format", "json", "--per-operation", "-o", str(previous)).returncode == 1
    again = run_cli("breaking", *SHARED, "--baseline", str(previous))
    assert again.returncode == 0, again.stdout  # per-operation prints accept the grouped change
    bad = tmp_path / "bad.json"
    bad.write_text('{"nothing": 1}')
    assert_one_line_error(run_cli("breaking", *SHARED, "--baseline", str(bad)), "bad.json", "changes")
    assert_one_line_error(run_cli("breaking", *SHARED, "--baseline", str(tmp_path / "none.txt")), "none.txt")


# -- git:REF:PATH (issue 11, "also users expect")
def _git(repo: Path, *args: str) -> None:
    done = subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=repo,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_git_revisions_as_spec_arguments(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "api" / "schemas").mkdir(parents=True)
    spec = ("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /chat:\n    post:\n      responses:\n"
            "        '200':\n          description: ok\n          content:\n            application/json:\n"
            "              schema: {$ref: 'schemas/chat.yaml#/Chat'}\n")
    (repo / "api" / "openapi.yaml").write_text(spec)
    (repo / "api" / "schemas" / "chat.yaml").write_text("Chat:\n  type: object\n  required: [id]\n"
                                                         "  properties:\n    id: {type: string}\n")
    (repo / "api" / "broken.yaml").write_text(spec.replace("schemas/chat.yaml#/Chat", "schemas/chat.yaml#/Nope"))
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    # the working tree's referenced file changes: the git side must read the committed one
    (repo / "api" / "schemas" / "chat.yaml").write_text("Chat:\n  type: object\n  properties:\n    id: {type: string}\n")
    result = run_cli("breaking", "git:HEAD:api/openapi.yaml", "api/openapi.yaml", "--format", "json", cwd=repo)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["base"] == "git:HEAD:api/openapi.yaml"
    assert [c["id"] for c in report["changes"]] == ["response-property-became-optional"]
    inside = run_cli("diff", "git:HEAD:openapi.yaml", "openapi.yaml", cwd=repo / "api")  # PATH is cwd-relative
    assert inside.returncode == 0 and "response-property-became-optional" in inside.stdout
    assert_one_line_error(run_cli("diff", "git:no-such-branch:api/openapi.yaml", "api/openapi.yaml", cwd=repo),
                          "no-such-branch", "not found")
    assert_one_line_error(run_cli("diff", "git:HEAD:api/missing.yaml", "api/openapi.yaml", cwd=repo),
                          "api/missing.yaml")
    assert_one_line_error(run_cli("diff", "git:--output=x:api/openapi.yaml", "api/openapi.yaml", cwd=repo),
                          "not a git revision name")
    assert_one_line_error(run_cli("diff", "git:HEAD:../../etc/passwd", "api/openapi.yaml", cwd=repo),
                          "outside the repository")
    assert_one_line_error(run_cli("diff", "git:HEAD", "api/openapi.yaml", cwd=repo), "git:REF:PATH")
    assert not (repo / "x").exists()
    broken = run_cli("validate", "git:HEAD:api/broken.yaml", cwd=repo)  # errors name the revision, not a temp copy
    assert_one_line_error(broken, "git:HEAD:api/broken.yaml", "schemas/chat.yaml#/Nope")
    assert "aoai-spec-git-" not in broken.stderr


# -- lifecycle (issue 15.4)
def test_removal_before_a_sunset_fails_the_gate() -> None:
    result = run_cli("breaking", *LIFECYCLE, "--format", "json")
    assert result.returncode == 1
    assert [(c["id"], c["operation"]) for c in json.loads(result.stdout)["changes"]] == [
        ("api-path-removed-before-sunset", "GET /engines")]
    everything = json.loads(run_cli("diff", *LIFECYCLE, "--format", "json", "--deprecation-days", "365000").stdout)
    assert sorted((c["id"], c["level"]) for c in everything["changes"]) == [
        ("api-path-removed-before-sunset", "error"), ("api-path-removed-with-deprecation", "info"),
        ("request-parameter-removed-with-deprecation", "info"), ("response-property-removed-before-sunset", "error")]
    assert run_cli("diff", *LIFECYCLE, "--deprecation-days", "-3").returncode == 2  # a click usage error


# -- filters (issue 15.3)
def test_filters_on_diff_breaking_and_changelog() -> None:
    only = run_cli("diff", *SHARED, "--format", "json", "--operation", "POST /completions")
    assert {tuple(c["operations"]) for c in json.loads(only.stdout)["changes"]} == {("POST /completions",)}
    by_path = json.loads(run_cli("breaking", *SHARED, "--format", "json", "--match-path", "^/files").stdout)
    assert by_path["changes"] == []
    no_endpoints = json.loads(run_cli("diff", *SHARED, "--format", "json", "--exclude-elements", "endpoints,title").stdout)
    assert "endpoint-added" not in {c["id"] for c in no_endpoints["changes"]}
    assert_one_line_error(run_cli("diff", *SHARED, "--match-path", "(unclosed"), "--match-path")
    assert_one_line_error(run_cli("diff", *SHARED, "--operation", "chat"), "METHOD /path")
    assert_one_line_error(run_cli("diff", *SHARED, "--exclude-elements", "bodies"), "bodies")


# -- CI outputs agree with the exit code (issue 15.8)
def test_junit_and_annotations_agree_with_fail_on() -> None:
    errors_only = run_cli("breaking", *SHARED, "--format", "junit")
    assert errors_only.returncode == 1
    root = ElementTree.fromstring(errors_only.stdout)
    assert root.get("failures") == "1" and [f.get("type") for f in root.iter("failure")] == ["error"]
    strict = ElementTree.fromstring(run_cli("breaking", *SHARED, "--format", "junit", "--fail-on", "warning").stdout)
    assert strict.get("failures") == "2"
    gha = run_cli("breaking", *SHARED, "--format", "githubactions")
    lines = gha.stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::warning"]
    revision_lines = Path(SHARED[1]).read_text().splitlines()
    for line, key in zip(lines, ("total_tokens:", "cached_tokens:")):
        props = dict(p.split("=", 1) for p in line.split(" ", 1)[1].split("::", 1)[0].split(","))
        assert props["file"].endswith("shared-revision.yaml")
        assert revision_lines[int(props["line"]) - 1][int(props["col"]) - 1:].startswith(key)
    passing = run_cli("breaking", BASE, ADDITIONS, "--format", "githubactions")
    assert passing.returncode == 0 and "::error" not in passing.stdout


# -- a migration is not a removal (issue 15.2)
@pytest.mark.realspec
def test_dated_to_v1_names_missing_operations_as_not_on_the_v1_surface() -> None:
    result = run_cli("diff", "2024-10-21", "v1", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    missing = [c for c in report["changes"] if c["id"] == "api-not-available-on-surface"]
    assert sorted(c["operation"] for c in missing) == [
        "POST /deployments/{deployment-id}/audio/transcriptions", "POST /deployments/{deployment-id}/audio/translations",
        "POST /deployments/{deployment-id}/completions", "POST /deployments/{deployment-id}/images/generations"]
    assert all(c["level"] == "error" and "not available on the v1 surface (as of 2026-02-02" in c["message"]
               for c in missing)
    assert not any("deprecation" in c["id"] or "sunset" in c["id"] for c in report["changes"])
    revision = report["specs"]["revision"]
    assert (revision["released"], revision["surface"], revision["coverage"]) == ("2026-02-02", "v1", "subset")
    assert revision["source"].startswith("Azure-Samples/AI-Gateway@")
    text = run_cli("breaking", "2024-10-21", "v1").stdout
    assert "base:     azure-openai-inference@2024-10-21 from studyflash-ai/apim-aoai-smart-loadbalancing@" in text
    assert "released 2024-10-21" in text and "covers a subset of it" in text
