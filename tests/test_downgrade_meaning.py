"""Proof of meaning: instances valid under a real 3.1 component schema stay valid under its 3.0.3 conversion.

Instances come from hypothesis-jsonschema's `from_schema` over the original schema; the original is checked
with a 2020-12 validator, the conversion with openapi-schema-validator's OAS30Validator (how a 3.0 tool reads
it). Schemas touched by a reported loss (or reaching one through `$ref`) are excluded, as are schemas that
hypothesis-jsonschema cannot generate for (recursive, 2020-12-only keywords...): those are counted.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest


SPECS = ["openai@2026-08-21_f85dbe223d", "openai@2026-05-13_5162af98d3",
         "azure-openai-inference-vendored@2025-03-01-preview_ai-gateway"]
SAMPLE = 16          # component schemas per spec
MAX_REFS = 12        # bigger ref closures make generation slow; counted as skipped
EXAMPLES = 8         # hypothesis examples per schema
_REF = re.compile(r'"\$ref":\s*"#/components/schemas/([^"/]+)"')


def _refs(schemas: dict[str, Any], name: str) -> set[str]:
    """Component names reachable from `name` (itself included)."""
    import json

    seen, todo = {name}, [name]
    while todo:
        for target in _REF.findall(json.dumps(schemas.get(todo.pop()))):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _tainted(losses: list[Any]) -> set[str]:
    names = set()
    for loss in losses:
        parts = loss.pointer.split("/")
        if len(parts) > 3 and parts[1:3] == ["components", "schemas"]:
            names.add(parts[3].replace("~1", "/").replace("~0", "~"))
    return names


@pytest.mark.slow
@pytest.mark.realspec
@pytest.mark.parametrize("catalog_id", SPECS)
def test_instances_valid_under_31_stay_valid_under_30(catalog_id: str) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument, Unsatisfiable
    from hypothesis_jsonschema import from_schema
    from jsonschema import Draft202012Validator
    from openapi_schema_validator import OAS30Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4, DRAFT202012

    from toolkit import Workspace
    from toolkit.downgrade import downgrade

    spec = Workspace().open(catalog_id)
    result = downgrade(spec)
    original = spec.schemas
    tainted = _tainted(result.lossy)  # info entries only widen: they cannot make a valid instance invalid
    root_31, root_30 = "urn:t:31", "urn:t:30"
    registry = Registry().with_resources([
        (root_31, Resource.from_contents(spec.document, default_specification=DRAFT202012)),
        (root_30, Resource.from_contents(result.document, default_specification=DRAFT4)),
    ])
    names = sorted(original)
    step = max(1, len(names) // SAMPLE)
    skipped: Counter[str] = Counter()
    checked = 0
    for name in names[::step][:SAMPLE]:
        reach = _refs(original, name)
        if reach & tainted:
            skipped["reported loss"] += 1
            continue
        if len(reach) > MAX_REFS:
            skipped["ref closure too large"] += 1
            continue
        pointer = "/components/schemas/" + name.replace("~", "~0").replace("/", "~1")
        as_31 = Draft202012Validator({"$ref": root_31 + "#" + pointer}, registry=registry)
        as_30 = OAS30Validator({"$ref": root_30 + "#" + pointer}, registry=registry)
        standalone = {**original[name], "components": {"schemas": {k: original[k] for k in reach}}}
        try:
            strategy = from_schema(standalone)
        except Exception as exc:  # hypothesis-jsonschema's own limits (recursion, 2020-12 keywords)
            skipped[f"generator: {type(exc).__name__}"] += 1
            continue

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(st.data())
        def check(data: Any) -> None:
            instance = data.draw(strategy)
            if next(as_31.iter_errors(instance), None) is not None:
                return  # the generator's approximation of 2020-12 produced an invalid instance
            error = next(as_30.iter_errors(instance), None)
            assert error is None, f"{name}: {instance!r} rejected by the 3.0 schema: {error.message}"

        try:
            check()
        except (InvalidArgument, Unsatisfiable) as exc:
            skipped[f"generator: {type(exc).__name__}"] += 1
            continue
        checked += 1
    print(f"{catalog_id}: checked {checked}, skipped {dict(skipped)}")
    assert checked >= 6, dict(skipped)
