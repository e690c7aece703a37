"""Every 3.1 spec of the catalog downgrades to a document with zero OpenAPI 3.0.3 validator errors."""

from __future__ import annotations

import pytest

from toolkit.catalog import load_catalog

SPECS_31 = [e.id for e in load_catalog() if e.pinned and e.openapi.startswith("3.1") and not e.variant_of]
# the 3.1 `+yaml` twin is the same commit as its JSON original; the 3.0 twins come from other repositories
TWINS = [(e.id, e.variant_of) for e in load_catalog() if e.pinned and e.variant_of and e.openapi.startswith("3.1")]


def test_catalog_has_31_specs() -> None:
    assert len(SPECS_31) >= 3


@pytest.mark.slow
@pytest.mark.realspec
@pytest.mark.parametrize("catalog_id", SPECS_31)
def test_downgrade_output_is_valid_openapi_303(catalog_id: str) -> None:
    from openapi_spec_validator import OpenAPIV30SpecValidator

    from toolkit import Workspace
    from toolkit.downgrade import downgrade
    from toolkit.downgrade.engine import MALFORMED

    result = downgrade(Workspace().open(catalog_id))
    assert result.document["openapi"] == "3.0.3"
    errors = [e.message[:200] for e in OpenAPIV30SpecValidator(result.document).iter_errors()]
    assert errors == []
    assert all(loss.pointer.startswith("#") for loss in result.losses)
    assert not [loss for loss in result.losses if MALFORMED in loss.message]  # no conversion met a wrong type
    # APIM's reader accepts the result; what is left is APIM import policy that plain 3.0.3 allows, which
    # `apim prepare` fixes (long summaries, recursion, server variables, example values vs type)
    from toolkit.apim import lint

    left = {f.id for f in lint(result.document) if f.level == "error"}
    assert left <= APIM_POLICY_ONLY, left


APIM_POLICY_ONLY = {"summary-too-long", "recursive-schema", "server-variables", "data-type-mismatch"}


@pytest.mark.realspec
@pytest.mark.parametrize(("twin", "original"), TWINS)
def test_format_twins_downgrade_identically(twin: str, original: str) -> None:
    """A `+yaml` copy of a spec gives the same 3.0.3 document as the JSON original (so validating one covers
    both; the YAML reader must not turn dates or `on`/`off` into other types)."""
    from toolkit import Workspace
    from toolkit.downgrade import downgrade

    ws = Workspace()
    assert downgrade(ws.open(twin)).document == downgrade(ws.open(original)).document


@pytest.mark.realspec
def test_cli_downgrade_real_spec_loss_report(tmp_path, cli) -> None:
    """The Azure 3.1 spec (3.1 in name only) loses nothing but its repaired defects."""
    import json

    out, report = tmp_path / "aoai.json", tmp_path / "losses.json"
    result = cli("downgrade", "azure-openai-inference-vendored@2025-03-01-preview_ai-gateway", "-o", str(out),
                 "--loss-report", str(report))
    assert result.returncode == 0, result.stderr
    losses = json.loads(report.read_text())["losses"]
    assert {loss["id"] for loss in losses if loss["kind"] == "lossy"} == {"required-undefined", "discriminator-required"}
    # its 3.0 keywords (nullable, also beside $ref) are honoured on purpose: info entries, each with a pointer
    assert {loss["id"] for loss in losses if loss["kind"] == "info"} == {"30-keyword-honoured"}
    assert "info (3.0 keywords honoured on purpose" in result.stderr
    assert json.loads(out.read_text())["openapi"] == "3.0.3"
