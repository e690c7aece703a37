"""Every pinned spec of the catalog (3.0 and 3.1) through `apim prepare`: valid 3.0.3, zero APIM lint errors.
And what APIM keeps, compared with its own export of 2024-05-01-preview."""

from __future__ import annotations

import pytest

from toolkit.catalog import load_catalog

# the 3.1 `+yaml` twin is proven identical to its JSON original in test_downgrade_realspecs
PINNED = [e.id for e in load_catalog() if e.pinned and not (e.variant_of and e.openapi.startswith("3.1"))]


@pytest.mark.slow
@pytest.mark.realspec
@pytest.mark.parametrize("catalog_id", PINNED)
def test_prepare_output_validates_and_lints_clean(catalog_id: str) -> None:
    """prepare's own findings include openapi-spec-validator and the APIM rules on its output: none is an error.
    The archived file is also linted as written (bytes, encoding, external refs) without a rule failing."""
    from toolkit import Workspace
    from toolkit.apim import lint, prepare

    ws = Workspace()
    spec = ws.open(catalog_id)
    as_written = lint(spec.document, catalog=ws.catalog, raw=spec.raw)
    assert not [f for f in as_written if "could not check" in f.message]
    result = prepare(spec, catalog=ws.catalog)
    assert result.document["openapi"] in ("3.0.0", "3.0.1", "3.0.2", "3.0.3")
    assert [f"{f.id} {f.pointer} {f.message[:160]}" for f in result.findings if f.level == "error"] == []
    assert "output-invalid" not in {f.id for f in result.findings}
    assert result.ok and result.fits_inline
    assert not [c for c in result.changes if "malformed" in c.message]
    assert all(c.pointer.startswith("#") for c in result.changes)


def _operations(document: dict) -> dict[str, str]:
    methods = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    return {f"{m} {p}": op.get("operationId") for p, item in document["paths"].items() for m, op in item.items()
            if m in methods}


@pytest.mark.realspec
def test_prepare_keeps_what_apim_keeps() -> None:
    """APIM's export of 2024-05-01-preview vs our prepare of the upstream file: same paths, operations,
    operationIds and schemas; only schemas and security schemes left in components; extensions kept in schemas
    and dropped elsewhere, as APIM does."""
    from toolkit import Workspace
    from toolkit.apim import prepare

    ws = Workspace()
    exported = ws.open("azure-openai-apim-exported@2024-05-01-preview").document
    ours = prepare(ws.open("azure-openai-inference@2024-05-01-preview"), catalog=ws.catalog).document
    assert set(ours["paths"]) == set(exported["paths"])
    assert _operations(ours) == _operations(exported)
    assert set(ours["components"]["schemas"]) == set(exported["components"]["schemas"])
    assert set(ours["components"]) == set(exported["components"]) == {"schemas", "securitySchemes"}
    assert "x-ms-examples" not in ours["paths"]["/deployments/{deployment-id}/completions"]["post"]
    kept, ours_kept = _schema_extensions(exported), _schema_extensions(ours)
    assert all(ours_kept.get(key, 0) >= count for key, count in kept.items())  # x-ms-enum & co. stay as in APIM


def _schema_extensions(document: dict) -> dict[str, int]:
    from collections import Counter

    from toolkit.apim.structure import walk

    return dict(Counter(k for _w, kind, node in walk(document) if kind == "Schema" for k in node if k.startswith("x-")))


@pytest.mark.realspec
def test_prepare_lists_every_change_in_every_format(tmp_path, cli) -> None:
    """Issue 15.5 on the Azure 3.1 spec: each api-version made optional and each $ref-sibling rewrite is listed
    with its pointer in text, JSON, Markdown and the loss report, not only counted."""
    import json

    spec = "azure-openai-inference-vendored@2025-03-01-preview_ai-gateway"
    out, report = tmp_path / "aoai.json", tmp_path / "changes.json"
    as_json = cli("apim", "prepare", spec, "-o", str(out), "--format", "json", "--loss-report", str(report))
    assert as_json.returncode == 0, as_json.stderr
    changes = json.loads(as_json.stdout)["changes"]
    api_version = [c for c in changes if c["id"] == "fix-api-version"]
    siblings = [c for c in changes if c["id"] == "ref-siblings"]
    linted = json.loads(cli("apim", "lint", spec, "--format", "json").stdout)["findings"]
    assert len(api_version) == 43  # every required api-version parameter of the spec
    assert sorted(c["pointer"] for c in siblings) == sorted(f["pointer"] for f in linted if f["id"] == "ref-siblings")
    assert all(c["pointer"].endswith("/required") and c["kind"] == "info" for c in api_version)
    saved = json.loads(report.read_text())
    assert len(saved["losses"]) + len(saved["rewrites"]) == len(changes)
    as_text = cli("apim", "prepare", spec, "-o", str(out)).stdout
    as_markdown = cli("apim", "prepare", spec, "-o", str(out), "--format", "markdown").stdout
    for change in api_version + siblings:
        assert f"{change['pointer']}  {change['message']}" in as_text
        assert f"`{change['pointer']}`" in as_markdown
    assert "az apim api versionset create" in as_text and "--api-version 2025-03-01-preview" in as_text


@pytest.mark.realspec
@pytest.mark.parametrize(("catalog_id", "version_set", "path"), [
    ("azure-openai-inference@2024-10-21", "azure-openai-service-api", "openai"),
    ("azure-openai-typespec@2024-10-21", "azure-openai-service", "openai"),
    ("azure-openai-v1@v1_ai-gateway-vendored-2026-02-02", None, "openai/v1"),
    ("openai@2026-08-21_f85dbe223d", None, "v1"),
])
def test_import_plan_for_dated_and_undated_apis(catalog_id: str, version_set: str | None, path: str) -> None:
    """A dated Azure OpenAI version joins a query-versioned API version set (api-version); v1 and OpenAI's own
    spec are imported on their own, at their server's path."""
    from toolkit import Workspace
    from toolkit.apim import prepare

    ws = Workspace()
    plan = prepare(ws.open(catalog_id), catalog=ws.catalog, validate=False).plan
    assert plan is not None and plan.version_set_id == version_set and plan.path == path
    assert f"--path {path}" in plan.import_command
    if version_set:
        assert f"--api-version-set-id {version_set} --api-version " in plan.import_command
        assert "--versioning-scheme Query --version-query-name api-version" in plan.version_set_command
    else:
        assert "--api-version" not in plan.import_command and plan.version_set_command is None
