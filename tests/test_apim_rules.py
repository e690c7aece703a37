"""One hand-written fixture per APIM rule: a document that fires it (at the expected pointers) and one that does
not. `tests/fixtures/apim/<rule-id>.yaml` holds partial documents merged over a clean 3.0.3 base."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from toolkit.apim import RULE_DOCS, RULES, lint
from toolkit.apim.naming import normalise_operation_id
from toolkit.catalog import load_catalog

FIXTURES = Path(__file__).parent / "fixtures" / "apim"
BASE: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
                        "servers": [{"url": "https://x.example.com/api"}], "paths": {}}
RULE_IDS = [r.id for r in RULES.rules]


def _document(part: dict[str, Any] | None, rule_id: str) -> dict[str, Any]:
    return {**BASE, **(part or {})}


def _run(rule_id: str, document: dict[str, Any]) -> list[str]:
    return [f.pointer for f in lint(document, catalog=load_catalog()) if f.id == rule_id]


def test_every_rule_has_a_fixture_and_docs() -> None:
    assert [r for r in RULE_IDS if not (FIXTURES / f"{r}.yaml").is_file()] == []
    assert [d.id for d in RULE_DOCS] == RULE_IDS
    assert all(d.prevents and d.source for d in RULE_DOCS)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_fires_on_its_fixture(rule_id: str) -> None:
    case = yaml.safe_load((FIXTURES / f"{rule_id}.yaml").read_text())
    fires = _document(case["fires"], rule_id)
    if rule_id == "size-limit":
        fires["info"] = {"title": "T", "version": "1", "description": "x" * (4 * 1024 * 1024 + 1)}
    assert sorted(_run(rule_id, fires)) == sorted(case["pointers"])


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_passes_its_clean_fixture(rule_id: str) -> None:
    case = yaml.safe_load((FIXTURES / f"{rule_id}.yaml").read_text())
    assert _run(rule_id, _document(case["passes"], rule_id)) == []


def test_clean_base_document_has_no_findings() -> None:
    assert lint(dict(BASE)) == []


@pytest.mark.parametrize(("raw", "expected"), [
    ("ChatCompletions_Create", "chatcompletions-create"),
    ("--get  Thing!!", "get-thing"),
    ("a" * 80, "a" * 76),
    ("x" * 75 + "-yy", "x" * 75),
])
def test_operation_id_normalisation(raw: str, expected: str) -> None:
    assert normalise_operation_id(raw) == expected
