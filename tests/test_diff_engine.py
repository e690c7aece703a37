"""The engine compares by meaning: renames, dialects, union order and recursion are handled, not reported."""

from __future__ import annotations

from typing import Any

import pytest

from toolkit.diff import RuleConfig, RuleConfigError, compare, render_report
from toolkit.model import Spec


def spec(schemas: dict[str, Any], body_ref: str, *, openapi: str = "3.0.3", response: bool = False) -> Spec:
    where = {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": body_ref}}}}}}
    if not response:
        where = {"requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": body_ref}}}},
                 "responses": {"200": {"description": "ok"}}}
    return Spec(document={"openapi": openapi, "info": {"title": "t", "version": "1"},
                          "paths": {"/chat": {"post": where}}, "components": {"schemas": schemas}})


def changes(base: Spec, revision: Spec, **kwargs: Any) -> list[tuple[str, str]]:
    return [(c.id, c.element) for c in compare(base, revision, include_docs=True, **kwargs).changes]


OPTIONS = {"type": "object", "properties": {"include_usage": {"type": "boolean"}}}


def test_renamed_ref_with_identical_content_is_no_change() -> None:
    base = spec({"Req": {"type": "object", "properties": {"o": {"$ref": "#/components/schemas/StreamOptions"}}},
                 "StreamOptions": OPTIONS}, "#/components/schemas/Req")
    revision = spec({"OpenAI.Request": {"type": "object",
                                        "properties": {"o": {"$ref": "#/components/schemas/OpenAI.StreamOptions"}}},
                     "OpenAI.StreamOptions": OPTIONS}, "#/components/schemas/OpenAI.Request")
    assert changes(base, revision) == []


def test_inline_schema_extracted_to_a_component_is_no_change() -> None:
    base = spec({"Req": {"type": "object", "properties": {"o": dict(OPTIONS)}}}, "#/components/schemas/Req")
    revision = spec({"Req": {"type": "object", "properties": {"o": {"$ref": "#/components/schemas/O"}}},
                     "O": OPTIONS}, "#/components/schemas/Req")
    assert changes(base, revision) == []


def test_but_a_real_change_under_a_renamed_ref_is_found_with_its_path() -> None:
    base = spec({"Req": {"type": "object", "properties": {"o": {"$ref": "#/components/schemas/A"}}},
                 "A": OPTIONS}, "#/components/schemas/Req")
    revision = spec({"Req": {"type": "object", "properties": {"o": {"$ref": "#/components/schemas/B"}}},
                     "B": {"type": "object", "properties": {"include_usage": {"type": "string"}}}},
                    "#/components/schemas/Req")
    assert changes(base, revision) == [("request-property-type-changed", "o.include_usage")]


UNION_MEMBERS = {
    "Text": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": ["text"]},
                                                                   "text": {"type": "string"}}},
    "Image": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": ["image"]},
                                                                    "url": {"type": "string"}}},
    "Audio": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": ["audio"]},
                                                                    "data": {"type": "string"}}},
}


def _union(order: list[str]) -> dict[str, Any]:
    members = {name: UNION_MEMBERS[name] for name in order}  # no unused schema: those are compared on their own
    return {"Part": {"oneOf": [{"$ref": f"#/components/schemas/{n}"} for n in order]}, **members}


def test_one_of_member_inserted_at_the_front_is_only_an_addition() -> None:
    base = spec(_union(["Text", "Image"]), "#/components/schemas/Part", response=True)
    revision = spec(_union(["Audio", "Text", "Image"]), "#/components/schemas/Part", response=True)
    found = compare(base, revision).changes
    assert [(c.id, c.message) for c in found] == [
        ("response-property-one-of-added", "response body (status 200): oneOf member `audio` added")]


def test_one_of_members_are_matched_by_tag_even_when_renamed_and_reordered() -> None:
    base = spec(_union(["Text", "Image"]), "#/components/schemas/Part")
    renamed = {"Part": {"oneOf": [{"$ref": "#/components/schemas/ImagePart"}, {"$ref": "#/components/schemas/TextPart"}]},
               "ImagePart": UNION_MEMBERS["Image"],
               "TextPart": {**UNION_MEMBERS["Text"], "properties": {**UNION_MEMBERS["Text"]["properties"],
                                                                     "annotations": {"type": "array", "items": {}}}}}
    revision = spec(renamed, "#/components/schemas/Part")
    assert changes(base, revision) == [("new-optional-request-property", "(text).annotations")]


def test_discriminator_mapping_base_schema_matches_a_plain_one_of() -> None:
    """TypeSpec spells a union as a base schema with a discriminator mapping; OpenAI as oneOf."""
    base = spec(_union(["Text", "Image"]), "#/components/schemas/Part")
    typespec = {"Part": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}},
                         "discriminator": {"propertyName": "type", "mapping": {
                             "text": "#/components/schemas/Text", "image": "#/components/schemas/Image"}}},
                "Text": {"allOf": [{"$ref": "#/components/schemas/Part"}], **UNION_MEMBERS["Text"]},
                "Image": {"allOf": [{"$ref": "#/components/schemas/Part"}], **UNION_MEMBERS["Image"]}}
    revision = spec(typespec, "#/components/schemas/Part")
    assert [i for i, _ in changes(base, revision)] == ["schema-discriminator-added-or-removed"]


def test_nullable_30_equals_type_array_31_and_null_any_of() -> None:
    base = spec({"R": {"type": "object", "properties": {"n": {"type": "integer", "nullable": True},
                                                       "o": {"allOf": [{"$ref": "#/components/schemas/O"}],
                                                             "nullable": True}}},
                 "O": OPTIONS}, "#/components/schemas/R")
    revision = spec({"R": {"type": "object", "properties": {"n": {"type": ["integer", "null"]},
                                                           "o": {"anyOf": [{"$ref": "#/components/schemas/O"},
                                                                           {"type": "null"}]}}},
                     "O": OPTIONS}, "#/components/schemas/R", openapi="3.1.0")
    assert changes(base, revision) == []


def test_exclusive_minimum_forms_and_const_enum_are_equal() -> None:
    base = spec({"R": {"type": "object", "properties": {
        "t": {"type": "number", "minimum": 0, "exclusiveMinimum": True},
        "k": {"type": "string", "enum": ["x"]}}}}, "#/components/schemas/R")
    revision = spec({"R": {"type": "object", "properties": {
        "t": {"type": "number", "exclusiveMinimum": 0}, "k": {"const": "x", "type": "string"}}}},
        "#/components/schemas/R", openapi="3.1.0")
    assert changes(base, revision) == []


def test_example_and_examples_are_equal_and_example_edits_are_doc_level() -> None:
    base = spec({"R": {"type": "object", "properties": {"a": {"type": "string", "example": "x"}}}},
                "#/components/schemas/R")
    same = spec({"R": {"type": "object", "properties": {"a": {"type": "string", "examples": ["x"]}}}},
                "#/components/schemas/R", openapi="3.1.0")
    edited = spec({"R": {"type": "object", "properties": {"a": {"type": "string", "examples": ["y"]}}}},
                  "#/components/schemas/R", openapi="3.1.0")
    assert changes(base, same) == []
    report = compare(base, edited, include_docs=True)
    assert [(c.id, c.level) for c in report.changes] == [("request-property-doc-changed", "doc")]
    assert compare(base, edited).changes == []  # left out unless asked


def test_property_moved_into_all_of_is_no_change() -> None:
    base = spec({"R": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"},
                                                                          "b": {"type": "integer"}}}},
                "#/components/schemas/R")
    revision = spec({"Base": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
                     "R": {"allOf": [{"$ref": "#/components/schemas/Base"},
                                     {"type": "object", "properties": {"b": {"type": "integer"}}}]}},
                    "#/components/schemas/R")
    assert changes(base, revision) == []


def test_recursive_schemas_terminate_and_report_once() -> None:
    def tree(leaf_type: str) -> dict[str, Any]:
        return {"Node": {"type": "object", "properties": {
            "value": {"type": leaf_type}, "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}}

    base = spec(tree("string"), "#/components/schemas/Node")
    revision = spec(tree("integer"), "#/components/schemas/Node")
    assert changes(base, base) == []
    assert changes(base, revision) == [("request-property-type-changed", "value")]


def test_config_changes_levels_and_silences_rules() -> None:
    base = spec({"R": {"type": "object", "properties": {"a": {"type": "string"}}}}, "#/components/schemas/R")
    revision = spec({"R": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}},
                    "#/components/schemas/R")
    raised = compare(base, revision, config={"rules": {"new-optional-request-property": "error"}})
    assert [(c.id, c.level) for c in raised.changes] == [("new-optional-request-property", "error")]
    assert compare(base, revision, config={"rules": {"new-optional-request-property": "off"}}).changes == []
    with pytest.raises(RuleConfigError, match="unknown rule id"):
        RuleConfig.from_mapping({"rules": {"no-such-rule": "error"}})
    with pytest.raises(RuleConfigError, match="level must be one of"):
        RuleConfig.from_mapping({"rules": {"api-tag-added": "fatal"}})


def test_fingerprints_are_stable_and_distinct() -> None:
    base = spec({"R": {"type": "object", "properties": {"a": {"type": "string"}}}}, "#/components/schemas/R")
    revision = spec({"R": {"type": "object", "properties": {"b": {"type": "string"}, "c": {"type": "string"}}}},
                    "#/components/schemas/R")
    first, second = compare(base, revision), compare(base, revision)
    prints = [c.fingerprint for c in first.changes]
    assert prints == [c.fingerprint for c in second.changes]
    assert len(set(prints)) == len(prints) == 3
    assert all(len(p) == 12 for p in prints)


def test_every_format_renders_a_report() -> None:
    base = spec({"R": {"type": "object", "properties": {"a": {"type": "string"}}}}, "#/components/schemas/R")
    revision = spec({"R": {"type": "object", "properties": {"a": {"type": "integer"}}}}, "#/components/schemas/R")
    report = compare(base, revision)
    html = render_report(report, "html")
    assert html.startswith("<!DOCTYPE html>") and "<link" not in html and "src=" not in html
    assert "request property <code>a</code>" in html
    assert render_report(report, "junit").startswith('<?xml version="1.0"')
    assert "<failure type=\"error\"" in render_report(report, "junit")
    assert render_report(report, "githubactions").startswith("::error ")
    assert "| error | request property `a`: type changed from string to integer | `POST /chat` |" in render_report(report, "markdown")
    assert "[request-property-type-changed]" in render_report(report, "text")


def test_html_escapes_names_from_the_spec() -> None:
    base = spec({"R": {"type": "object", "properties": {}}}, "#/components/schemas/R")
    revision = spec({"R": {"type": "object", "properties": {"<script>x</script>": {"type": "string"}}}},
                    "#/components/schemas/R")
    html = render_report(compare(base, revision), "html")
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_deployment_segment_appearing_is_a_move_not_a_removal() -> None:
    def chat(path: str, with_model: bool) -> Spec:
        params = [{"name": "api-version", "in": "query", "required": True, "schema": {"type": "string"}}]
        if "{" in path:
            params.append({"name": "deployment_id", "in": "path", "required": True, "schema": {"type": "string"}})
        props = {"messages": {"type": "array", "items": {}}}
        if with_model:
            props["model"] = {"type": "string"}
        body = {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": props}}}}
        return Spec(document={"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {
            path: {"post": {"parameters": params, "requestBody": body, "responses": {"200": {"description": "ok"}}}}}})

    ids = changes(chat("/chat/completions", True), chat("/{deployment_id}/chat/completions", False))
    assert ids == [("deployment-path-moved", "POST /{deployment_id}/chat/completions")]


def test_30_null_only_member_reads_like_31_null_type() -> None:
    """`anyOf: [X, {type: string, nullable: true, enum: [null]}]` is how 3.0 spells 3.1's `anyOf: [X, {type: null}]`."""
    base = spec({"R": {"type": "object", "properties": {"f": {"anyOf": [{"$ref": "#/components/schemas/O"},
                                                                         {"type": "null"}]}}},
                 "O": OPTIONS}, "#/components/schemas/R", openapi="3.1.0")
    revision = spec({"R": {"type": "object", "properties": {"f": {"anyOf": [
        {"$ref": "#/components/schemas/O"}, {"type": "string", "nullable": True, "enum": [None]}]}}},
        "O": OPTIONS}, "#/components/schemas/R")
    assert changes(base, revision) == []


def test_recursive_ref_to_the_enclosing_schema_equals_an_explicit_ref() -> None:
    def filters(member: dict[str, Any], openapi: str) -> Spec:
        return spec({"Compound": {"type": "object", "properties": {"filters": {"type": "array", "items": {
            "oneOf": [{"$ref": "#/components/schemas/Leaf"}, member]}}}},
            "Leaf": {"type": "object", "properties": {"key": {"type": "string"}}}},
            "#/components/schemas/Compound", openapi=openapi)

    recursive = filters({"$recursiveRef": "#"}, "3.1.0")
    explicit = filters({"$ref": "#/components/schemas/Compound"}, "3.0.3")
    assert changes(recursive, explicit) == []


def test_numeric_format_hint_does_not_change_the_direction_of_a_type_change() -> None:
    base = spec({"R": {"type": "object", "properties": {"tokens": {"type": "number"}}}}, "#/components/schemas/R",
                response=True)
    revision = spec({"R": {"type": "object", "properties": {"tokens": {"type": "integer", "format": "int32"}}}},
                    "#/components/schemas/R", response=True)
    found = compare(base, revision).changes
    assert [(c.id, c.level) for c in found] == [("response-property-type-specialized", "info")]
