"""Downgrade behaviour beyond single units: schema-position awareness, int64, mixed documents, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conftest import assert_one_line_error, run_cli
from toolkit.downgrade import downgrade_document

FIXTURES = Path(__file__).parent / "fixtures" / "downgrade"

KEYWORD_NAMED = {
    "openapi": "3.1.0",
    "info": {"title": "T", "version": "1"},
    "paths": {
        "/things": {
            "post": {
                "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Thing"},
                    "example": {"const": 1, "type": ["a", "null"], "$ref": "not-a-ref", "examples": [1, 2]},
                }}},
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
    "components": {"schemas": {"Thing": {
        "type": "object",
        "properties": {
            "const": {"type": "string"},
            "examples": {"type": "array", "items": {"type": "string"}},
            "$id": {"type": "string"},
            "patternProperties": {"type": "integer", "maximum": 9223372036854775807},
        },
        "example": {"const": "x", "type": ["kept", "null"], "exclusiveMinimum": 5},
        "default": {"const": "d"},
    }}},
}


def test_properties_named_like_keywords_and_example_values_are_untouched() -> None:
    result = downgrade_document(KEYWORD_NAMED)
    thing = result.document["components"]["schemas"]["Thing"]
    assert list(thing["properties"]) == ["const", "examples", "$id", "patternProperties"]
    assert thing["properties"]["const"] == {"type": "string"}
    assert thing["example"] == {"const": "x", "type": ["kept", "null"], "exclusiveMinimum": 5}
    assert thing["default"] == {"const": "d"}
    media = result.document["paths"]["/things"]["post"]["requestBody"]["content"]["application/json"]
    assert media["example"] == KEYWORD_NAMED["paths"]["/things"]["post"]["requestBody"]["content"][
        "application/json"]["example"]
    assert result.losses == []


def test_int64_bounds_stay_exact_through_json() -> None:
    result = downgrade_document(KEYWORD_NAMED)
    maximum = result.document["components"]["schemas"]["Thing"]["properties"]["patternProperties"]["maximum"]
    assert maximum == 9223372036854775807 and isinstance(maximum, int)
    from toolkit.load import dump

    assert "9223372036854775807" in dump(result.document)


def test_input_document_is_not_modified() -> None:
    document = yaml.safe_load((FIXTURES / "type-multi.yaml").read_text())["schema"]
    wrapped = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {},
               "components": {"schemas": {"S": document}}}
    before = json.dumps(wrapped, sort_keys=True)
    downgrade_document(wrapped)
    assert json.dumps(wrapped, sort_keys=True) == before


def test_mixed_document_keeps_30_keywords() -> None:
    """Azure's "3.1" files use nullable, example and boolean exclusiveMinimum: those stay as written."""
    schema = {"type": "integer", "nullable": True, "example": 3, "minimum": 0, "exclusiveMinimum": True}
    document = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {},
                "components": {"schemas": {"S": dict(schema)}}}
    result = downgrade_document(document)
    assert result.document["components"]["schemas"]["S"] == schema
    assert result.document["openapi"] == "3.0.3"


def test_clean_30_document_comes_back_unchanged() -> None:
    document = {"openapi": "3.0.1", "info": {"title": "T", "version": "1"},
                "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {
                    "application/json": {"schema": {"type": "string", "nullable": True}}}}}}}}}
    result = downgrade_document(document)
    assert result.document == document
    assert result.losses == []


# --------------------------------------------------------------------------------------------------- CLI


def _write_31(tmp_path: Path) -> Path:
    spec = {"openapi": "3.1.0", "info": {"title": "T", "version": "1", "summary": "s"}, "paths": {},
            "components": {"schemas": {"S": {"type": ["string", "null"], "examples": ["a", "b"]}}}}
    path = tmp_path / "in.json"
    path.write_text(json.dumps(spec))
    return path


def test_cli_downgrade_writes_output_and_loss_report(tmp_path: Path) -> None:
    source = _write_31(tmp_path)
    out, report = tmp_path / "out.json", tmp_path / "losses.json"
    result = run_cli("downgrade", str(source), "-o", str(out), "--loss-report", str(report))
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text())
    assert document["openapi"] == "3.0.3"
    assert document["components"]["schemas"]["S"] == {"type": "string", "nullable": True, "example": "a",
                                                      "x-examples": ["b"]}
    losses = json.loads(report.read_text())["losses"]
    assert {loss["id"] for loss in losses} == {"schema-examples", "info-summary"}
    assert all(set(loss) == {"id", "pointer", "message", "kind"} and loss["kind"] == "lossy" for loss in losses)
    assert "2 loss(es)" in result.stderr


def test_cli_downgrade_strict_exits_1_on_losses(tmp_path: Path) -> None:
    result = run_cli("downgrade", str(_write_31(tmp_path)), "-o", str(tmp_path / "o.json"), "--strict")
    assert result.returncode == 1


def test_cli_downgrade_yaml_to_stdout(tmp_path: Path) -> None:
    result = run_cli("downgrade", str(_write_31(tmp_path)), "--format", "yaml")
    assert result.returncode == 0
    assert yaml.safe_load(result.stdout)["openapi"] == "3.0.3"


def test_cli_downgrade_bad_input_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\ninfo: [unclosed\n")
    assert_one_line_error(run_cli("downgrade", str(broken)), "broken.yaml")
    assert_one_line_error(run_cli("downgrade", str(tmp_path / "missing.json")), "missing.json")
    not_openapi = tmp_path / "list.json"
    not_openapi.write_text("[1, 2]")
    assert_one_line_error(run_cli("downgrade", str(not_openapi)), "list.json")
