"""One hand-written fixture per APIM rule: a document that fires it (at the expected pointers) and one that does
not. `tests/fixtures/apim/<rule-id>.yaml` holds partial documents merged over a clean 3.0.3 base; the test
writes them to a file and lints the file as written (so the file rules see bytes, encodings and external refs):
`file` says how to write it, `files` adds referenced files, `operations` builds N paths, `options` go to lint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from toolkit.apim import RULE_DOCS, RULES, lint
from toolkit.apim.naming import normalise_operation_id
from toolkit.catalog import load_catalog
from toolkit.model import Spec

FIXTURES = Path(__file__).parent / "fixtures" / "apim"
BASE: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
                        "servers": [{"url": "https://x.example.com/api"}], "paths": {}}
RULE_IDS = [r.id for r in RULES.rules]


def padded_document() -> dict[str, Any]:
    """A document under 4 MiB minified that is over it written with a deep indent."""
    schemas = {f"S{i}": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}}
               for i in range(6000)}
    return {**BASE, "components": {"schemas": schemas}}


def write_case(case: dict[str, Any], variant: str, folder: Path) -> Path:
    """Write the `fires` or `passes` variant of a fixture as a file, the way the fixture says."""
    document = {**BASE, **(case.get(variant) or {})}
    how = case.get("file") or {}
    if "operations" in case:
        document["paths"] = {f"/op{i}": {"get": {"operationId": f"op{i}", "responses": {"200": {"description": "ok"}}}}
                             for i in range(case["operations"][variant])}
    for name, content in (case.get("files") or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(json.dumps(content))
    path = folder / f"{variant}.json"
    fires = variant == "fires"
    if how.get("padded"):
        document = padded_document()
        text = json.dumps(document, indent=48) if fires else json.dumps(document, separators=(",", ":"))
    else:
        text = json.dumps(document, indent=2)
    encoding = how.get("encoding", "utf-8") if fires else "utf-8"
    path.write_bytes(text.encode(encoding))
    return path


def run_rule(rule_id: str, variant: str, tmp_path: Path) -> list[str]:
    case = yaml.safe_load((FIXTURES / f"{rule_id}.yaml").read_text())
    spec = Spec.load(write_case(case, variant, tmp_path))
    findings = lint(spec.document, catalog=load_catalog(), raw=spec.raw, **(case.get("options") or {}))
    return [f.pointer for f in findings if f.id == rule_id]


def test_every_rule_has_a_fixture_docs_and_a_source_address() -> None:
    assert [r for r in RULE_IDS if not (FIXTURES / f"{r}.yaml").is_file()] == []
    assert [d.id for d in RULE_DOCS] == RULE_IDS
    assert all(d.prevents and d.source and d.address for d in RULE_DOCS)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_fires_on_its_fixture(rule_id: str, tmp_path: Path) -> None:
    case = yaml.safe_load((FIXTURES / f"{rule_id}.yaml").read_text())
    assert sorted(run_rule(rule_id, "fires", tmp_path)) == sorted(case["pointers"])


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_passes_its_clean_fixture(rule_id: str, tmp_path: Path) -> None:
    assert run_rule(rule_id, "passes", tmp_path) == []


def test_clean_base_document_has_no_findings() -> None:
    assert lint(dict(BASE)) == []


def test_external_refs_are_judged_on_the_file_and_the_bundled_document(tmp_path: Path) -> None:
    """A problem inside the referenced file is found (bundled pass), and so is the reference itself (raw pass),
    each once."""
    (tmp_path / "common.json").write_text(json.dumps({"Error": {"type": ["string", "null"]}}))
    (tmp_path / "api.json").write_text(json.dumps({**BASE, "components": {"schemas": {
        "A": {"$ref": "common.json#/Error"}}}}))
    spec = Spec.load(tmp_path / "api.json")
    findings = [(f.id, f.pointer) for f in lint(spec.document, raw=spec.raw)]
    assert ("external-ref", "#/components/schemas/A") in findings
    assert ("type-array", "#/components/schemas/A/type") in findings
    assert len(findings) == len(set(findings))
    assert [f for f in lint(spec.document) if f.id == "external-ref"] == []  # the bundled document alone


@pytest.mark.parametrize(("raw", "expected"), [
    ("ChatCompletions_Create", "chatcompletions-create"),
    ("--get  Thing!!", "get-thing"),
    ("a" * 80, "a" * 76),
    ("x" * 75 + "-yy", "x" * 75),
])
def test_operation_id_normalisation(raw: str, expected: str) -> None:
    assert normalise_operation_id(raw) == expected
