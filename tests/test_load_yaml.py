"""YAML is built straight from libyaml's events (`load._yaml_from_events`): the same documents, warnings and
errors as PyYAML's own loader, YAML 1.2 scalars kept, and PyYAML left to handle the rare constructs."""

from __future__ import annotations

import importlib
import json

import pytest
import yaml

from conftest import REPO
from toolkit.errors import LimitExceeded, SpecLoadError

loader = importlib.import_module("toolkit.load")  # the module (the package exports its `load` function)


def classic(text: str) -> object:
    """PyYAML's own constructor over the same resolvers (what the loader used before the event builder)."""
    try:
        return loader._yaml_load(text, loader._FastLoader)[0]
    except yaml.composer.ComposerError:
        return loader._yaml_load(text, loader._TolerantLoader)[0]


def events(text: str) -> object:
    return loader._yaml_from_events(text, "t.yaml", 400)[0]


def parsed(text: str) -> tuple[object, list]:
    notes: list = []
    value, _ = loader.parse_text(text.encode(), "t.yaml", loader.Limits(), notes)
    return value, notes


SCALARS = ["yes", "no", "on", "off", "y", "n", "Yes", "true", "True", "TRUE", "false", "False", "2024-10-21",
           "2024-10-21T10:00:00Z", "12:30:00", "~", "null", "Null", "", "0", "-12", "+7", "1_000", "0x1F", "0o17",
           "010", "0b101", "1.5", "1e3", "-.5", ".5e-3", "6.02e+23", "'123'", '"true"', "abc", "a: b", "200"]


@pytest.mark.parametrize("scalar", SCALARS)
def test_every_scalar_reads_as_pyyaml_reads_it(scalar: str) -> None:
    text = f"value: {scalar}\n" if scalar != "a: b" else "value: 'a: b'\n"
    built = events(text)
    assert built == classic(text) and type(built["value"]) is type(classic(text)["value"])


def test_yaml_1_2_scalars_no_yes_no_booleans_and_no_dates() -> None:
    doc = events("a: yes\nb: on\nc: off\nd: 2024-10-21\ne: true\nf: FALSE\ng: ~\nh: 3\n200: ok\ntrue: t\n")
    assert doc == {"a": "yes", "b": "on", "c": "off", "d": "2024-10-21", "e": True, "f": False, "g": None, "h": 3,
                   "200": "ok", "true": "t"}


def test_repeated_anchors_load_with_the_later_one_winning_and_no_pure_python_fallback(monkeypatch) -> None:
    monkeypatch.setattr(loader, "_TolerantLoader", None)  # the slow fallback is not needed any more
    value, notes = parsed("a: &x first\nb: *x\nc: &x second\nd: *x\n")
    assert value == {"a": "first", "b": "first", "c": "second", "d": "second"}
    assert [(n.id, n.pointer) for n in notes] == [("duplicate-anchor", "line 3")]


def test_repeated_keys_keep_the_later_value_with_line_and_pointer() -> None:
    value, notes = parsed("x:\n  a: 1\n  b: 2\n  a: 3\n")
    assert value == {"x": {"a": 3, "b": 2}}
    assert [(n.id, n.pointer) for n in notes] == [("duplicate-key", "#/x/a")]
    assert "line 4" in notes[0].message


def test_aliases_share_until_the_limits_check_unshares_them() -> None:
    value, _ = parsed("base: &b {type: string}\nuse: *b\n")
    assert value["use"] is value["base"]
    unshared = loader.check_limits(value, "t.yaml", loader.Limits())
    assert unshared == value and unshared["use"] is not unshared["base"]


@pytest.mark.parametrize("text", [
    "base: &b {a: 1}\nderived:\n  <<: *b\n  c: 2\n",   # merge key
    "a: !!str 123\nb: !!int '7'\n",                      # explicit tags
    "a: !!binary aGVsbG8=\n",                            # refused tag
    "? [a, b]\n: c\n",                                   # complex key
    "a: *nowhere\n",                                     # undefined alias
    "a: !custom x\n",                                    # unknown tag
    "openapi: 3.0.3\n---\nopenapi: 3.1.0\n",              # two documents
])
def test_constructs_left_to_pyyaml_give_its_result_or_its_error(text: str) -> None:
    try:
        expected: object = classic(text)
    except yaml.YAMLError as exc:
        expected = type(exc)
    with pytest.raises(loader._NeedsFullLoader):
        events(text)
    try:
        value, _ = parsed(text)
    except SpecLoadError:
        assert isinstance(expected, type)
    else:
        assert value == expected


@pytest.mark.parametrize("text", ["a: &r [1, *r]\n", "a: &r {b: *r}\n"])
def test_an_alias_inside_its_own_anchor_is_refused_not_built(text: str) -> None:
    """PyYAML builds a list that contains itself, which no JSON document is (and which later walks never finish)."""
    with pytest.raises(SpecLoadError, match=r"alias \*r \(line 1\) refers to a node that contains it"):
        parsed(text)


def test_nesting_deeper_than_the_limit_is_refused_while_building() -> None:
    text = "x: " + "[" * 500 + "]" * 500 + "\n"
    with pytest.raises(LimitExceeded, match="nesting deeper than 400"):
        parsed(text)


def test_syntax_errors_name_line_and_column() -> None:
    with pytest.raises(SpecLoadError, match=r"malformed YAML: .*\(line 2, column"):
        parsed("a: [1, 2\nb: c\n")


@pytest.mark.parametrize("path", [
    "azure-openai-inference/2024-05-01-preview/inference.yaml",  # repeated anchors
    "azure-openai-apim-exported/2024-05-01-preview/oai-api-spec-2024-05-01-preview.yaml",
    "openai/2023-11-27_23a4b18b65/openapi.yaml",
])
def test_real_yaml_specs_build_exactly_as_pyyaml_builds_them(path: str) -> None:
    text = (REPO / "specs" / "archive" / path).read_text(encoding="utf-8-sig")
    built, want = events(text), classic(text)
    assert json.dumps(built) == json.dumps(want)  # same values, same key order
