"""How a SPEC argument names a catalog entry: a bare version means the best archived entry of that version,
whichever family holds it; an unknown id gets "did you mean" suggestions; an unpinned one says what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, assert_one_line_error, run_cli
from toolkit.catalog import load_catalog, parse_catalog
from toolkit.errors import CatalogError

CATALOG = load_catalog(REPO / "specs" / "catalog.json")


@pytest.mark.parametrize("version, best", [
    ("2024-10-21", "azure-openai-inference@2024-10-21"),  # reconstructed upstream text beats the typespec family
    ("2024-06-01", "azure-openai-inference@2024-06-01"),  # ... and an APIM export
    ("2025-03-01-preview", "azure-openai-inference-vendored@2025-03-01-preview_ai-gateway"),  # the unpinned loses
    ("2024-07-01-preview", "azure-openai-typespec@2024-07-01-preview"),
    ("2025-04-01-preview", "azure-openai-apim-exported@2025-04-01-preview"),
    ("2025-02-01-preview", "azure-openai-inference@2025-02-01-preview"),  # nothing archived: the unpinned one
    ("v1", "azure-openai-v1@v1_ai-gateway-vendored-2026-02-02"),  # an alias
    ("upstream-v1", "azure-openai-v1@upstream-v1"),
])
def test_a_bare_version_means_its_best_entry(version: str, best: str) -> None:
    assert CATALOG.get(version).id == best


def _entry(ident: str, *, pinned: bool = True, fidelity: str = "exact", variant_of: str | None = None) -> dict:
    family, version = ident.split("@")
    return {"id": ident, "family": family, "version": version.split("+")[0], "status": "ga", "surface": "dated",
            "openapi": "3.0.0", "released": "2030-01-01", "pinned": pinned, "fidelity": fidelity,
            "variant_of": variant_of, "file": f"{family}/x.json" if pinned else None, "sha256": "0" * 64 if pinned else None,
            "source": {"repo": "o/r", "path": "x.json", "url": "https://example.invalid/x.json"}}


def test_best_is_pinned_then_upstream_text_then_bare_family_then_primary() -> None:
    def best(*entries: dict) -> str:
        catalog = parse_catalog({"bare_version_families": ["azure-openai-inference"], "entries": list(entries)})
        return catalog.get("2030-01-01").id

    inference, typespec = "azure-openai-inference@2030-01-01", "azure-openai-typespec@2030-01-01"
    assert best(_entry(inference, pinned=False), _entry(typespec)) == typespec
    assert best(_entry(inference, fidelity="vendored-modified"), _entry(typespec, fidelity="reconstructed")) == typespec
    assert best(_entry(inference, fidelity="vendored-apim-export"), _entry(typespec, fidelity="vendored-modified")) == typespec
    assert best(_entry(typespec), _entry(inference, fidelity="reconstructed")) == inference
    assert best(_entry(inference + "+yaml", variant_of=inference), _entry(inference)) == inference
    vendored = "azure-openai-inference-vendored@2030-01-01_gateway"
    assert best(_entry(vendored, fidelity="vendored-modified"), _entry(inference, pinned=False)) == vendored
    with pytest.raises(CatalogError, match="unknown catalog id '2030-02-01'"):
        parse_catalog({"entries": [_entry(inference)]}).get("2030-02-01")


def test_holding_lists_every_entry_of_a_version_best_first() -> None:
    assert [e.id for e in CATALOG.holding("2024-10-21")] == [
        "azure-openai-inference@2024-10-21", "azure-openai-inference@2024-10-21+yaml", "azure-openai-typespec@2024-10-21"]


@pytest.mark.parametrize("wrong, first", [
    ("2024-10-12", "2024-10-21 (azure-openai-inference@2024-10-21)"),
    ("azure-openai-typspec@2024-10-21", "azure-openai-typespec@2024-10-21"),
    ("openai@2026-08-21", "openai@2026-08-21_f85dbe223d"),
    ("azure-openai-inference@2024-1021", "azure-openai-inference@2024-10-21"),
])
def test_unknown_ids_get_did_you_mean_suggestions_closest_first(wrong: str, first: str) -> None:
    with pytest.raises(CatalogError) as caught:
        CATALOG.get(wrong)
    message = str(caught.value)
    assert message.startswith(f"unknown catalog id {wrong!r}; did you mean {first}")


def test_cli_resolves_a_bare_version_to_the_archived_entry_that_holds_it(tmp_path: Path) -> None:
    result = run_cli("validate", "2025-03-01-preview", "--format", "json", cwd=tmp_path)
    assert json.loads(result.stdout)["spec"] == "azure-openai-inference-vendored@2025-03-01-preview_ai-gateway"


def test_cli_errors_name_the_ids_that_exist(tmp_path: Path) -> None:
    assert_one_line_error(run_cli("validate", "2024-10-12", cwd=tmp_path), "did you mean 2024-10-21")
    assert_one_line_error(run_cli("diff", "azure-openai-typspec@2024-10-21", "v1", cwd=tmp_path),
                          "did you mean azure-openai-typespec@2024-10-21,")
    unpinned = run_cli("apim", "lint", "2025-02-01-preview", cwd=tmp_path)
    assert_one_line_error(unpinned, "azure-openai-inference@2025-02-01-preview is not archived", "catalog update",
                          "--trust-unpinned", "archived versions nearby: 2025-04-01-preview (")
