"""Malformed values (wrong JSON types) never crash downgrade, lint or prepare: they are reported instead."""

from __future__ import annotations

from toolkit.apim import lint, prepare
from toolkit.downgrade import downgrade_document
from toolkit.downgrade.engine import MALFORMED
from toolkit.model import Spec

BROKEN = {
    "openapi": "3.1.0", "info": {"title": "T", "version": "1"},
    "paths": {"/a/{id}": {"get": {"parameters": [{"name": ["id"], "in": ["path"]}],
                                  "responses": {"200": {"description": "ok"}}}}},
    "components": {"schemas": {
        "TypeObject": {"type": {"kind": "string"}},
        "TypeList": {"type": ["string", {"x": 1}, ["y"]]},
        "AllOfTrue": {"allOf": True, "required": ["a"]},
        "PropertiesList": {"type": "object", "properties": [{"a": {}}], "required": ["a"]},
    }},
}


def test_downgrade_reports_instead_of_crashing() -> None:
    result = downgrade_document(BROKEN)
    assert result.document["openapi"] == "3.0.3"
    assert all(MALFORMED not in loss.message or loss.pointer.startswith("#") for loss in result.losses)


def test_lint_and_prepare_do_not_crash() -> None:
    findings = lint(BROKEN)
    assert any(f.id == "type-array" for f in findings)
    result = prepare(Spec(BROKEN))
    assert result.minified
