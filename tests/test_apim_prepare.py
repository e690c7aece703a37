"""`apim prepare` on a hand-written document with one of each problem, and through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import assert_one_line_error, run_cli
from toolkit.apim import FIXES, lint, prepare
from toolkit.catalog import load_catalog
from toolkit.model import Spec

FIXTURE = Path(__file__).parent / "fixtures" / "apim" / "prepare-input.yaml"
LONG_SUMMARY = "s" * 350


def _spec() -> Spec:
    document = yaml.safe_load(FIXTURE.read_text().replace("SUMMARY_PLACEHOLDER", LONG_SUMMARY))
    return Spec(document)


@pytest.fixture(scope="module")
def prepared() -> Any:
    return prepare(_spec(), catalog=load_catalog())


def _ids(prepared: Any) -> set[str]:
    return {c.id for c in prepared.changes}


def test_output_is_valid_303_and_lint_clean(prepared: Any) -> None:
    from openapi_spec_validator import OpenAPIV30SpecValidator

    assert list(OpenAPIV30SpecValidator(prepared.document).iter_errors()) == []
    assert [f for f in lint(prepared.document) if f.level == "error"] == []
    assert prepared.document["openapi"] == "3.0.3"
    assert prepared.ok and [f for f in prepared.findings if f.level != "info"] == []


def test_non_schema_components_are_inlined(prepared: Any) -> None:
    doc = prepared.document
    assert set(doc["components"]) == {"schemas"}
    item = doc["paths"]["/things/{id}"]
    assert item["parameters"][0]["name"] == "id"
    assert item["get"]["responses"]["200"]["description"] == "a thing"


def test_operation_ids_are_unique_after_normalisation(prepared: Any) -> None:
    item = prepared.document["paths"]["/things/{id}"]
    assert item["get"]["operationId"] == "Things_Get"
    assert item["post"]["operationId"] == "things-get-2"
    assert "fix-operation-ids" in _ids(prepared)


def test_summary_get_body_callbacks_and_style(prepared: Any) -> None:
    get = prepared.document["paths"]["/things/{id}"]["get"]
    assert len(get["summary"]) == 300 and get["summary"].endswith("...")
    assert "requestBody" not in get
    assert "callbacks" not in prepared.document["paths"]["/things/{id}"]["post"]
    verbose = next(p for p in get["parameters"] if p["name"] == "verbose")
    assert "explode" not in verbose and "style" not in verbose


def test_api_version_query_mode_and_servers(prepared: Any) -> None:
    get = prepared.document["paths"]["/things/{id}"]["get"]
    api_version = next(p for p in get["parameters"] if p["name"] == "api-version")
    assert api_version["required"] is False
    assert prepared.document["servers"] == [{"url": "https://demo.openai.azure.com/openai"}]


def test_examples_become_example_and_mismatches_go(prepared: Any) -> None:
    media = prepared.document["paths"]["/things/{id}"]["post"]["responses"]["200"]["content"]["application/json"]
    assert "examples" not in media and media["example"] == {"id": "a", "size": 1}
    size = prepared.document["components"]["schemas"]["Thing"]["properties"]["size"]
    assert "example" not in size
    assert "fix-data-types" in {loss.id for loss in prepared.losses}


def test_recursion_cut_siblings_kept_and_names_fixed(prepared: Any) -> None:
    schemas = prepared.document["components"]["schemas"]
    assert set(schemas) == {"Thing", "Kind_Value", "Pet"}
    assert schemas["Pet"]["discriminator"]["mapping"] == {"value": "#/components/schemas/Kind_Value"}
    parent = schemas["Thing"]["properties"]["parent"]
    assert parent["description"] == "the parent"
    assert "Recursive reference" in json.dumps(parent)
    assert schemas["Thing"]["properties"]["kind"] == {"$ref": "#/components/schemas/Kind_Value"}
    assert "fix-recursion" in {loss.id for loss in prepared.losses}


def test_minified_size_and_import_command(prepared: Any) -> None:
    assert prepared.size_bytes == len(prepared.minified.encode()) and "\n" not in prepared.minified
    assert json.loads(prepared.minified) == prepared.document
    assert prepared.import_command.startswith("az apim api import ")
    assert "--specification-format OpenApiJson" in prepared.import_command
    assert "--service-url https://demo.openai.azure.com/openai" in prepared.import_command
    assert set(prepared.to_dict()) >= {"size_bytes", "findings", "losses", "import_command"}


def test_template_mode_and_service_url() -> None:
    result = prepare(_spec(), service_url="https://gw.example.com/openai", api_version_as="template")
    get = result.document["paths"]["/things/{id}"]["get"]
    assert next(p for p in get["parameters"] if p["name"] == "api-version")["required"] is True
    assert result.document["servers"] == [{"url": "https://gw.example.com/openai"}]


def test_every_fix_has_an_id_and_description() -> None:
    assert len({f.id for f in FIXES}) == len(FIXES)
    assert all(f.description for f in FIXES)


def test_preview_headers_added_for_azure_v1() -> None:
    document = {"openapi": "3.0.0", "info": {"title": "v1", "version": "v1"},
                "servers": [{"url": "https://x.openai.azure.com/openai/v1"}],
                "paths": {"/evals": {"get": {"responses": {"200": {"description": "ok"}}}},
                          "/chat/completions": {"post": {"responses": {"200": {"description": "ok"}}}}}}
    result = prepare(Spec(document), catalog=load_catalog())
    evals = result.document["paths"]["/evals"]["get"]["parameters"]
    assert evals[0]["name"] == "aoai-evals" and evals[0]["schema"]["enum"] == ["preview"]
    assert "parameters" not in result.document["paths"]["/chat/completions"]["post"]


# --------------------------------------------------------------------------------------------------- CLI


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "in.yaml"
    path.write_text(FIXTURE.read_text().replace("SUMMARY_PLACEHOLDER", LONG_SUMMARY))
    return path


def test_cli_prepare_writes_minified_json_and_prints_command(tmp_path: Path) -> None:
    out = tmp_path / "apim.json"
    result = run_cli("apim", "prepare", str(_write(tmp_path)), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "az apim api import" in result.stdout
    assert json.loads(out.read_text())["openapi"] == "3.0.3"


def test_cli_prepare_json_format(tmp_path: Path) -> None:
    result = run_cli("apim", "prepare", str(_write(tmp_path)), "-o", str(tmp_path / "o.json"), "--format", "json")
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["size_bytes"] > 0 and data["changes"]
    assert {c["kind"] for c in data["changes"]} == {"lossy", "info", "exact"}
    assert data["version_set_command"].startswith("az apim api versionset create")


def test_cli_lint_json_and_exit_codes(tmp_path: Path) -> None:
    result = run_cli("apim", "lint", str(_write(tmp_path)), "--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    assert {"type-array", "openapi-version", "info-summary"} <= {f["id"] for f in findings}
    assert all(set(f) == {"id", "level", "pointer", "message"} for f in findings)
    out = tmp_path / "o.json"
    run_cli("apim", "prepare", str(_write(tmp_path)), "-o", str(out))
    clean = run_cli("apim", "lint", str(out))
    assert clean.returncode == 0, clean.stdout
    assert "0 error(s)" in clean.stdout


def test_cli_bad_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert_one_line_error(run_cli("apim", "lint", str(bad)), "bad.json")
    assert_one_line_error(run_cli("apim", "prepare", str(bad), "-o", str(tmp_path / "o.json")), "bad.json")
    assert_one_line_error(run_cli("apim", "prepare", str(_write(tmp_path)), "-o", str(tmp_path / "o.json"),
                                  "--service-url", "not-a-url"), "service-url")
    usage = run_cli("apim", "prepare", str(_write(tmp_path)))
    assert usage.returncode == 2 and "--output" in usage.stderr


@pytest.mark.parametrize("ident", ["azure-openai-apim-exported@2025-04-01-preview", "openai@2025-04-29_498c71ddf6"])
def test_fixes_sharing_one_walk_give_what_a_walk_per_fix_gives(ident: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixes reuse one walk of the document until one records a change. On real specs with many fixes to
    make, the output, the changes and the findings equal those of a build where every fix walks afresh."""
    from toolkit.apim.fixes import PrepareContext
    from toolkit.apim.structure import walk
    from toolkit.workspace import Workspace

    ws = Workspace()
    shared = prepare(ws.open(ident), catalog=ws.catalog)
    monkeypatch.setattr(PrepareContext, "objects", lambda self: list(walk(self.document)))
    fresh = prepare(ws.open(ident), catalog=ws.catalog)
    assert len(shared.changes) > 50
    assert shared.minified == fresh.minified
    assert [c.to_dict() for c in shared.changes] == [c.to_dict() for c in fresh.changes]
    assert shared.findings == fresh.findings


def test_the_shared_walk_is_renewed_after_a_recorded_change() -> None:
    from toolkit.apim.fixes import PrepareContext

    ctx = PrepareContext({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                          "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}})
    first = ctx.objects()
    assert [where for where, _, _ in first] == ["#", "#/info", "#/paths/~1a", "#/paths/~1a/get",
                                                "#/paths/~1a/get/responses/200"]
    assert ctx.objects() is first and ctx.subject().objects is first
    del ctx.document["paths"]["/a"]
    ctx.change("#/paths/~1a", "removed")
    assert [where for where, _, _ in ctx.objects()] == ["#", "#/info"]
