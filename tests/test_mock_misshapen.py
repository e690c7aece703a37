"""The mock's sample builder and form coercion on misshapen schemas: `create_app` refuses such specs up front
(shape.require_shape), but the builders themselves must not crash if one slips through."""

from __future__ import annotations

import random

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
