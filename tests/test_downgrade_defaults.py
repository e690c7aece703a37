"""The fast default check (`_verdict`) must agree with the draft-4 + nullable validator wherever it decides."""

from __future__ import annotations

import pytest

from toolkit.downgrade import downgrade_document
from toolkit.downgrade.registry import Context
from toolkit.downgrade.repairs import _UNDECIDED, _verdict, value_checker

DOC = {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}, "components": {"schemas": {
    "Mode": {"type": "string", "enum": ["a", "b"]},
    "Cases": {"type": "object", "properties": {
        "int": {"type": "integer", "minimum": 1},
        "nullable_enum": {"type": "string", "nullable": True, "enum": ["x"]},
        "one": {"oneOf": [{"$ref": "#/components/schemas/Mode"}, {"type": "integer"}]},
        "any": {"anyOf": [{"$ref": "#/components/schemas/Mode"}, {"type": "string", "nullable": True, "enum": [None]}]},
        "all": {"allOf": [{"$ref": "#/components/schemas/Mode"}], "description": "wrapped"},
        "list": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "pattern": {"type": "string", "pattern": "^a"},
    }},
}}}
CASES = [("int", 0), ("int", 2), ("int", True), ("nullable_enum", None), ("nullable_enum", "x"), ("one", "a"),
         ("one", 3), ("one", None), ("any", None), ("any", "c"), ("all", "b"), ("all", "z"), ("list", []),
         ("list", "a"), ("list", ["a"]), ("list", ["a", 1]), ("pattern", "abc")]


@pytest.mark.parametrize(("prop", "value"), CASES)
def test_fast_verdict_agrees_with_the_validator(prop: str, value: object) -> None:
    ctx = Context(DOC)
    pointer = f"#/components/schemas/Cases/properties/{prop}"
    fast = _verdict(DOC["components"]["schemas"]["Cases"]["properties"][prop], value, ctx)
    slow = value_checker(DOC)(pointer, value)
    if fast is not _UNDECIDED:
        assert (fast is None) == (slow is None), (fast, slow)


def test_undecided_cases_go_to_the_validator() -> None:
    ctx = Context(DOC)
    assert _verdict({"type": "string", "pattern": "^a"}, "abc", ctx) is _UNDECIDED
    assert _verdict({"type": "string", "pattern": "^a"}, 3, ctx) is not _UNDECIDED  # pattern is irrelevant to 3


@pytest.mark.realspec
def test_fast_verdict_agrees_on_a_real_spec() -> None:
    from toolkit import Workspace
    from toolkit.schemas import iter_schemas

    document = downgrade_document(Workspace().open("azure-openai-inference-vendored@2025-03-01-preview_ai-gateway")
                                  .document).document
    ctx, check = Context(document), value_checker(document)
    decided = 0
    for where, schema in iter_schemas(document):
        for value in [schema[k] for k in ("default", "example") if k in schema] + list(schema.get("enum") or [])[:2]:
            fast = _verdict(schema, value, ctx)
            if fast is _UNDECIDED:
                continue
            decided += 1
            assert (fast is None) == (check(where, value) is None), (where, value, fast)
    assert decided > 100
