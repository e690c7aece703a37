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
    from openapi_spec_validator import OpenAPIV30SpecValidator

    from toolkit import Workspace
    from toolkit.apim import lint, prepare

    ws = Workspace()
    result = prepare(ws.open(catalog_id), catalog=ws.catalog)
    assert result.document["openapi"].startswith("3.0.")
    assert [e.message[:200] for e in OpenAPIV30SpecValidator(result.document).iter_errors()] == []
    errors = [f for f in lint(result.document, catalog=ws.catalog) if f.level == "error"]
    assert errors == []
    assert result.ok and result.fits_inline
    assert not [f for f in result.findings if "malformed" in f.message]


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
