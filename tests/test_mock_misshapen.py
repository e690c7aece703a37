"""The mock's sample builder and form coercion on misshapen schemas: `create_app` refuses such specs up front
(shape.require_shape), but the builders themselves must not crash if one slips through."""

from __future__ import annotations

import random

import pytest

from toolkit.mock.samples import SampleBuilder
from toolkit.mock.surface import schema_property
from toolkit.model import Spec

SPEC = Spec(document={"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}})


def test_null_or_mapping_where_a_list_belongs_is_ignored() -> None:
    builder = SampleBuilder(SPEC, random.Random(0))
    assert isinstance(builder.build({"type": "string", "anyOf": None, "oneOf": {"x": 1}}), str)
    value = builder.build({"type": "object", "required": None, "properties": {"a": {"type": "string"}}})
    assert isinstance(value, dict)
    assert builder.build({"type": "object", "required": "a", "properties": {"a": {"type": "integer"}}}) is not None


def test_property_lookup_survives_lists_and_nulls() -> None:
    assert schema_property(SPEC, {"properties": ["name"], "allOf": None}, "name") == {}
    assert schema_property(SPEC, {"allOf": [{"properties": {"name": {"type": "string"}}}]}, "name") == {"type": "string"}


def test_keywords_of_the_wrong_type_build_a_sample_anyway() -> None:
    """Counts, formats and mappings of the wrong JSON type (seen in fuzzing: `minItems: "#/..."`, `format: []`)."""
    builder = SampleBuilder(SPEC, random.Random(0))
    assert builder.build({"type": "array", "minItems": "#/components/schemas/Pet", "items": {"type": "integer"}}) == [1]
    assert builder.build({"type": "array", "minItems": [1], "items": {"type": "boolean"}}) == [False]
    assert len(builder.build({"type": "array", "minItems": 10**9, "items": {"type": "null"}})) == 256
    assert isinstance(builder.build({"type": "string", "format": ["date"], "minLength": {}}), str)
    tagged = {"oneOf": [{"$ref": "#/x"}], "discriminator": {"propertyName": "kind", "mapping": ["x"]}}
    assert builder.build(tagged) is not None


@pytest.mark.parametrize(("schema", "pointer"), [
    ({"type": "array", "minItems": "#/components/schemas/Pet", "items": {"type": "string"}}, "minItems"),
    ({"type": "string", "maxLength": -1}, "maxLength"),
    ({"type": "integer", "format": ["int64"]}, "format"),
    ({"type": "number", "maximum": "10"}, "maximum"),
    ({"type": "string", "pattern": {}}, "pattern"),
    ({"oneOf": [{"type": "string"}], "discriminator": {"propertyName": "kind", "mapping": ["x"]}},
     "discriminator/mapping"),
])
def test_the_mock_refuses_a_keyword_of_the_wrong_type_in_one_line(schema: dict, pointer: str) -> None:
    from toolkit.errors import SpecLoadError
    from toolkit.mock import create_app

    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
        "/things": {"get": {"responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}},
        "components": {"schemas": {"Thing": schema}}}
    with pytest.raises(SpecLoadError) as caught:
        create_app(specs=[Spec(document=document)])
    assert f"#/components/schemas/Thing/{pointer}" in str(caught.value)
    assert "\n" not in str(caught.value)
