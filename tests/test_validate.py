"""`validate`: one tiny fixture per integrity rule, the CLI contract, and every real spec."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from toolkit.catalog import load_catalog
from toolkit.model import Spec
from toolkit.validate import INTEGRITY, validate
from toolkit.workspace import Workspace

OK = {"200": {"description": "ok"}}


def doc(paths: dict | None = None, **schemas: object) -> dict:
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths or {},
            "components": {"schemas": schemas}}


RULE_CASES = {
    "dangling-ref": doc(A={"$ref": "#/components/schemas/Missing"}),
    "required-property-missing": doc(A={"type": "object", "properties": {"a": {"type": "string"}},
                                        "required": ["a", "function_call_id"]}),
    "discriminator-not-required": doc(A={"type": "object", "properties": {"kind": {"type": "string"}},
                                         "discriminator": {"propertyName": "kind"}}),
    "duplicate-operation-id": doc({"/a": {"get": {"operationId": "x", "responses": OK}},
                                   "/b": {"get": {"operationId": "x", "responses": OK}}}),
    "undeclared-path-parameter": doc({"/a/{id}": {"get": {"responses": OK}}}),
    "example-mismatch": doc(A={"type": "integer", "example": "1676540381"}),
    "default-mismatch": doc(A={"type": "string", "enum": ["a", "b"], "default": "c"}),
}


def test_every_integrity_rule_has_a_fixture() -> None:
    assert {rule.id for rule in INTEGRITY.rules} == set(RULE_CASES)


@pytest.mark.parametrize("rule_id", sorted(RULE_CASES))
def test_rule_fires_on_its_fixture_and_not_on_a_clean_document(rule_id: str) -> None:
    findings = validate(Spec(RULE_CASES[rule_id])).findings
    assert rule_id in {f.id for f in findings}
    hit = next(f for f in findings if f.id == rule_id)
    assert hit.pointer.startswith("#/") and hit.message
    clean = doc({"/a/{id}": {"get": {"operationId": "x", "parameters": [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}], "responses": OK}}},
        A={"type": "object", "properties": {"kind": {"type": "string", "example": "k", "default": "k"}},
           "required": ["kind"], "discriminator": {"propertyName": "kind"}})
    assert validate(Spec(clean)).findings == []


def test_structure_errors_come_from_the_right_meta_schema() -> None:
    broken = {"openapi": "3.0.3", "info": {"title": "t"}, "paths": {}}
    findings = validate(Spec(broken)).findings
    assert any(f.id == "schema-invalid" and "version" in f.message for f in findings)
    # a 3.1-only construct is fine in 3.1 and a structure error in 3.0
    typed = {"info": {"title": "t", "version": "1"}, "paths": {},
             "components": {"schemas": {"A": {"type": ["string", "null"]}}}}
    assert validate(Spec({"openapi": "3.1.0", **typed})).valid
    assert not validate(Spec({"openapi": "3.0.3", **typed})).valid


def test_cli_json_shape_and_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(RULE_CASES["dangling-ref"]))
    result = run_cli("validate", str(bad), "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["valid"] is False
    assert set(data["findings"][0]) == {"id", "level", "pointer", "message"}
    good = tmp_path / "good.json"
    good.write_text(json.dumps(doc()))
    text = run_cli("validate", str(good))
    assert text.returncode == 0 and "valid" in text.stdout


PINNED = [e.id for e in load_catalog(REPO / "specs" / "catalog.json") if e.pinned]


@pytest.mark.realspec
@pytest.mark.parametrize("ident", PINNED)
def test_every_real_spec_loads_and_validates_without_a_crash(ident: str) -> None:
    report = validate(Workspace().open(ident))
    assert report.openapi.startswith("3.")
    assert all(f.pointer.startswith(("#", "line ")) for f in report.findings)


def test_known_upstream_defect_is_found() -> None:
    report = validate(Workspace().open("azure-openai-inference-vendored@2025-03-01-preview_ai-gateway"))
    missing = [f for f in report.findings if f.id == "required-property-missing"]
    assert any("function_call_id" in f.message for f in missing)
    assert sum(f.id == "discriminator-not-required" for f in report.findings) == 5


def test_cli_validate_pulls_a_catalog_id_on_demand() -> None:
    result = run_cli("validate", "typespec@nope")
    assert result.returncode == 2 and "unknown catalog id" in result.stderr
    result = run_cli("validate", "azure-openai-typespec@2024-10-21", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["spec"] == "azure-openai-typespec@2024-10-21"
