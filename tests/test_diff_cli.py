"""The diff commands as a user runs them: a real subprocess, exit codes, JSON shapes, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import FIXTURES, assert_one_line_error, run_cli

BASE = str(FIXTURES / "diff" / "base.yaml")
REVISION = str(FIXTURES / "diff" / "revision.yaml")
ADDITIONS = str(FIXTURES / "diff" / "additions-only.yaml")
CONFIG = str(FIXTURES / "diff" / "config.yaml")
CHANGE_KEYS = {"id", "level", "direction", "operation", "element", "message", "base", "revision", "fingerprint"}


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
                                         ("githubactions", "::error file="), ("junit", "<testsuites")])
def test_diff_other_formats(fmt: str, needle: str) -> None:
    result = run_cli("diff", BASE, REVISION, "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert needle in result.stdout
    if fmt == "junit":
        root = ElementTree.fromstring(result.stdout)
        assert int(root.get("failures")) == len(root.findall(".//failure")) > 0


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
