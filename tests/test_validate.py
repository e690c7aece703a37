"""`validate`: one tiny fixture per integrity rule, the CLI contract, every real spec, and the structure pass
checked against openapi-spec-validator itself."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from toolkit.catalog import load_catalog
from toolkit.model import Spec
from toolkit.structure import library_findings
from toolkit.validate import INTEGRITY, structure_messages, validate
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


# --------------------------------------------------------------------------------------------------- loader findings


@pytest.mark.parametrize("name, text, line", [
    ("dup.json", '{"openapi": "3.0.3", "openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}', None),
    ("dup.yaml", "openapi: 3.0.3\nopenapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n", 2),
])
def test_a_repeated_key_is_an_error_in_validate_and_a_warning_elsewhere(tmp_path: Path, name: str, text: str,
                                                                        line: int | None) -> None:
    """Two tools may read two different documents (here: 3.0.3 or 3.1.0), so `validate` fails; commands that
    only read the spec go on with the later value and say so on stderr."""
    spec = tmp_path / name
    spec.write_text(text)
    result = run_cli("validate", str(spec), "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["valid"] is False and data["openapi"] == "3.1.0"
    assert [(f["id"], f["level"], f["pointer"]) for f in data["findings"]] == [("duplicate-key", "error", "#/openapi")]
    assert ("line 2" in data["findings"][0]["message"]) is (line == 2)
    other = run_cli("downgrade", str(spec), "-o", str(tmp_path / "out.json"))
    assert other.returncode == 0, other.stderr
    assert f"duplicate key 'openapi'" in other.stderr and "#/openapi" in other.stderr


def test_a_repeated_key_deep_in_the_document_is_pointed_at(tmp_path: Path) -> None:
    spec = tmp_path / "deep.json"
    spec.write_text('{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},'
                    ' "components": {"schemas": {"A/B": {"type": "string", "type": "integer"}}}}')
    report = validate(Workspace().open(str(spec)))
    assert [(f.id, f.level, f.pointer) for f in report.findings] == [("duplicate-key", "error",
                                                                      "#/components/schemas/A~1B/type")]


# --------------------------------------------------------------------------------------------------- $ref as data


def test_a_ref_key_inside_an_example_or_default_value_is_data_not_a_dangling_reference() -> None:
    data_ref = {"$ref": "#/components/schemas/Nowhere"}
    document = doc({"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
        "schema": {"type": "object"}, "example": data_ref,
        "examples": {"one": {"value": data_ref}, "shared": {"$ref": "#/components/examples/Missing"}}}}}}}}},
        A={"type": "object", "example": data_ref, "default": data_ref, "enum": [data_ref],
           "properties": {"$ref": {"type": "string"}, "b": {"$ref": "#/components/schemas/Gone"}}},
        B={"type": "object", "x-sample": data_ref})
    findings = [f for f in validate(Spec(document)).findings if f.id == "dangling-ref"]
    # exactly the two real references: a schema's $ref and an Example Object's $ref
    assert sorted(f.pointer for f in findings) == [
        "#/components/schemas/A/properties/b",
        "#/paths/~1a/get/responses/200/content/application~1json/examples/shared"]


# --------------------------------------------------------------------------------------------------- the structure pass


def assert_same_structure_findings(document: dict) -> list[tuple[str, str]]:
    """Our structure findings are the library's, message for message and as many; where the library gives a
    pointer relative to the checked schema or value (or just `#`), ours ends with it and names the document."""
    ours = [(f.pointer, f.message) for f in validate(Spec(document)).findings if f.id == "schema-invalid"]
    theirs = structure_messages(library_findings(document, str(document.get("openapi")).startswith("3.1")))
    assert Counter(m for _, m in ours) == Counter(m for _, m in theirs), (ours, theirs)
    left = list(ours)
    for pointer, message in theirs:
        match = next((o for o in left if o[1] == message and o[0].endswith(pointer[1:])), None)
        assert match is not None, (pointer, message, ours)
        left.remove(match)
    return ours


OP = {"responses": OK}
STRUCTURE_CASES = {
    "meta-schema error in a component (3.0)": doc(A={"type": "object", "properties": {"n": {"minimum": "1"}}}),
    "meta-schema error (3.1), bool exclusiveMinimum": {**doc(A={"type": "number", "minimum": 0,
                                                                 "exclusiveMinimum": True}), "openapi": "3.1.0"},
    # invalid for Python's re and for ECMA regex alike (jsonschema checks the format with regress when installed)
    "regex format through the Python checker": doc(A={"type": "string", "pattern": "^([a-z]+$"}),
    "default against its schema, with formats": doc(A={"type": "integer", "format": "int32", "default": 2**40},
                                                   B={"type": "object", "default": None},
                                                   C={"type": "object", "nullable": True, "default": None},
                                                   D={"$ref": "#/components/schemas/A"}),
    "a schema that is not a schema": doc(A="not a schema"),
    "duplicate parameters and unresolved path parameters": doc({"/a/{id}/{other}": {
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "get": {**OP, "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}},
                                     {"name": "q", "in": "query", "schema": {"type": "string"}},
                                     {"name": "extra", "in": "path", "required": True,
                                      "schema": {"type": "string"}}]}}}),
    "duplicate operationIds and tags": {**doc({"/a": {"get": {**OP, "operationId": "x"}},
                                               "/b": {"get": {**OP, "operationId": "x"}}}),
                                        "tags": [{"name": "t"}, {"name": "t"}]},
    "referenced parameters and responses": {**doc({"/a": {"get": {
        "parameters": [{"$ref": "#/components/parameters/P"}],
        "responses": {"200": {"$ref": "#/components/responses/R"}}}}}),
        "components": {"parameters": {"P": {"name": "p", "in": "query", "schema": {"type": "integer", "default": "x"}}},
                       "responses": {"R": {"description": "r", "content": {"application/json": {
                           "schema": {"type": "object", "properties": {"a": {"type": "string", "default": 1}}}}}}},
                       "schemas": {}}},
    "another dialect (3.1)": {**doc(A={"$schema": "http://json-schema.org/draft-07/schema#", "type": 5},
                                    B={"$schema": "urn:unknown", "type": "string"}), "openapi": "3.1.0"},
    "allOf members are walked but not meta-checked": doc(A={"allOf": [{"type": "string", "default": 5},
                                                                      {"$ref": "#/components/schemas/B"}]},
                                                         B={"type": "integer", "default": "no"}),
}


@pytest.mark.parametrize("case", sorted(STRUCTURE_CASES))
def test_structure_findings_are_openapi_spec_validators(case: str) -> None:
    found = assert_same_structure_findings(STRUCTURE_CASES[case])
    assert found, "each case is built to trip the structure pass"
    assert all(pointer.startswith("#") for pointer, _ in found)


def test_structure_findings_name_the_document_location() -> None:
    found = dict(assert_same_structure_findings(STRUCTURE_CASES["meta-schema error in a component (3.0)"]))
    assert "#/components/schemas/A/properties/n/minimum" in found
    found = assert_same_structure_findings(STRUCTURE_CASES["default against its schema, with formats"])
    assert ("#/components/schemas/B/default", "None is not of type 'object'") in found
    assert not any(p.startswith("#/components/schemas/C") for p, _ in found)


@pytest.mark.parametrize("ident", ["openai@2023-03-01_8b9c21f34d", "openai@2024-08-28_440c1718f0",
                                   "azure-openai-inference@2024-03-01-preview"])
def test_structure_findings_on_real_specs_are_the_librarys(ident: str) -> None:
    """A representative set (each has structure findings of a different kind); `bench/bench_validate.py` runs
    the comparison on every archived spec."""
    assert assert_same_structure_findings(Workspace().open(ident).document)


def test_the_compiled_engine_answers_valid_schemas_and_python_only_explains_failures(monkeypatch) -> None:
    from toolkit import structure

    asked: list[object] = []
    original = structure._LibraryChecker.first_error
    monkeypatch.setattr(structure._LibraryChecker, "first_error",
                        lambda self, schema: asked.append(schema) or original(self, schema))
    spec = Workspace().open("azure-openai-typespec@2024-10-21")
    assert not [f for f in validate(spec).findings if f.id == "schema-invalid"]
    assert asked == []  # hundreds of schemas checked, none by the pure-Python engine
    bad = {"type": "object", "properties": {"n": {"minimum": "1"}}}
    assert structure.meta_error("oas30", bad).message == "'1' is not of type 'number'"
    assert asked == [bad]


def test_a_dangling_ref_stops_the_structure_walk_with_its_pointer_and_the_rules_still_run() -> None:
    document = doc({"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/Gone"}}}}})
    findings = validate(Spec(document)).findings
    stopped = [f for f in findings if f.id == "schema-invalid"]
    assert [(f.pointer, f.message) for f in stopped] == [
        ("#/paths/~1a/get/responses/200", "structure check stopped: $ref '#/components/responses/Gone' does not resolve")]
    assert [f.pointer for f in findings if f.id == "dangling-ref"] == ["#/paths/~1a/get/responses/200"]


def test_a_structure_pass_run_once_serves_validate_and_the_apim_lint() -> None:
    """A site build runs the structure pass once and hands it to `validate` and to `apim lint` (`oas-schema`):
    both report exactly what they report when they run the pass themselves, on a real spec with findings. A pass
    run for the other OpenAPI version is not used."""
    from toolkit.apim import lint
    from toolkit.structure import check_structure

    spec = Workspace().open("openai@2025-04-29_498c71ddf6")
    check = check_structure(spec.document, spec.is_31)
    assert len(check.found) == 38 and check.stopped is None
    assert validate(spec, structure=check).to_dict() == validate(spec).to_dict()
    published = lint(spec.document)
    assert lint(spec.document, structure=check) == published
    assert sum(f.id == "oas-schema" for f in published) == 26  # 25 shown, then "13 more"
    other = check_structure(spec.document, not spec.is_31)
    assert validate(spec, structure=other).to_dict() == validate(spec).to_dict()


def test_a_structure_pass_that_stopped_is_reported_as_before() -> None:
    """A pass that met a reference it cannot follow: `validate` reports the stop at its pointer, lint keeps what
    came before it."""
    from toolkit.apim.file_rules import oas30_findings
    from toolkit.structure import StructureCheck, StructureStopped

    stop = StructureStopped("#/components/schemas/A", "cannot follow")
    check = StructureCheck(False, (("#/paths", "first"),), stop)
    spec = Spec({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}})
    findings = [f for f in validate(spec, structure=check).findings if f.id == "schema-invalid"]
    assert [(f.pointer, f.message) for f in findings] == [("#/components/schemas/A", f"structure check stopped: {stop}")]
    assert oas30_findings(spec.document, check) == [("#/paths", "first")]
    broken = StructureCheck(False, (), KeyError("name"))
    with pytest.raises(KeyError):
        oas30_findings(spec.document, broken)
