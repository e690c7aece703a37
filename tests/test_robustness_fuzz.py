"""Property-based fuzzing (Hypothesis) of the loader, the diff engine and the downgrade over random OpenAPI
3.0/3.1 documents with refs (and so ref cycles), composition, nullable and type arrays.

Properties: the loader round-trips every document through JSON and YAML and `validate` never crashes on it; a
document diffed against itself has no changes; the downgrade of every document is valid OpenAPI 3.0 for
openapi-spec-validator and leaves its input untouched. Examples are bounded and derandomised, so CI is stable;
`AOAI_SPEC_FUZZ_EXAMPLES=N` runs more by hand.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from hostile.openapi_strategies import openapi_documents
from toolkit.load import dump, load
from toolkit.model import Spec

EXAMPLES = int(os.environ.get("AOAI_SPEC_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])


# Stop at the first failure, no shrinking: shrinking these documents takes minutes and ends in a timeout that
# hides the failure itself.
FUZZ_NO_SHRINK = settings(FUZZ, phases=[Phase.explicit, Phase.generate])


def _structure_errors(document: dict, validator_cls: type) -> list[str] | None:
    """openapi-spec-validator's messages, or None where the validator itself recurses forever on a ref cycle
    (its `required`-vs-`properties` walk follows allOf/items refs without a visited set)."""
    try:
        return [e.message for e in validator_cls(document).iter_errors()]
    except RecursionError:
        return None


@FUZZ
@given(document=openapi_documents(), fmt=st.sampled_from(["json", "yaml"]))
def test_loader_round_trips_and_validate_never_crashes(document: dict, fmt: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    from toolkit.validate import validate

    path = tmp_path_factory.mktemp("fuzz") / f"spec.{fmt}"
    path.write_text(dump(document, fmt), encoding="utf-8")
    loaded = load(path)
    assert loaded.document == document
    assert not loaded.warnings
    spec = Spec.from_loaded(loaded)
    assert len(list(spec.operations())) == sum(
        1 for item in document["paths"].values() for method in item if method != "parameters")
    report = validate(spec)
    json.dumps(report.to_dict())  # renders to JSON without help


@FUZZ
@given(document=openapi_documents())
def test_self_diff_is_always_empty(document: dict) -> None:
    diff = pytest.importorskip("toolkit.diff")
    base, revision = Spec(document=document), Spec(document=copy.deepcopy(document))
    report = diff.compare(base, revision)
    assert [c.to_dict() for c in report.changes] == []


@FUZZ
@given(document=openapi_documents())
def test_diff_never_crashes_between_two_random_documents(document: dict) -> None:
    """Any pair of documents (3.0 vs 3.1, disjoint paths, different ref graphs) diffs without an exception."""
    diff = pytest.importorskip("toolkit.diff")
    other = copy.deepcopy(document)
    other["components"]["schemas"]["Pet"], other["components"]["schemas"]["Node"] = (
        other["components"]["schemas"]["Node"], other["components"]["schemas"]["Pet"])
    report = diff.compare(Spec(document=document), Spec(document=other))
    for change in report.changes:
        assert change.level in ("error", "warning", "info", "doc"), change
        json.dumps(change.to_dict())


@FUZZ
@given(document=openapi_documents())
def test_downgrade_output_is_always_valid_30(document: dict) -> None:
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    from toolkit.downgrade import downgrade_document

    source_cls = OpenAPIV31SpecValidator if document["openapi"].startswith("3.1") else OpenAPIV30SpecValidator
    source_errors = _structure_errors(document, source_cls)
    assume(source_errors == [])  # only valid inputs (None: the validator cannot check this ref cycle)
    before = copy.deepcopy(document)
    result = downgrade_document(document)
    assert document == before, "downgrade modified its input"
    assert result.document["openapi"].startswith("3.0")
    errors = _structure_errors(result.document, OpenAPIV30SpecValidator)
    assume(errors is not None)
    assert errors == [], (errors[:5], json.dumps(result.document)[:3000])
    json.dumps(result.to_dict())


_YAML_BITS = st.sampled_from(["openapi: 3.0.3\n", "info: {title: t, version: '1'}\n", "paths:\n", "  /a:\n", "    get: &x\n",
                              "      responses: *x\n", "- ", "[", "]", "{", "}", ": ", "&a ", "*a ", "!!binary ", "!!python/object ",
                              "'", '"', "\t", "\n", "? ", "<<: *a\n", "---\n", "%YAML 1.1\n", "1e999", ".nan", "~", "\\ud800",
                              "\u00e9", "\x00", "#c\n", "|\n", ">-\n", "9" * 50])


@FUZZ
@given(data=st.one_of(st.binary(max_size=400), st.lists(_YAML_BITS, max_size=40).map(lambda parts: "".join(parts).encode()),
                      st.lists(_YAML_BITS, max_size=40).map(lambda parts: ("{" + "".join(parts)).encode())),
       suffix=st.sampled_from([".json", ".yaml", ""]))
def test_loader_on_arbitrary_bytes_raises_only_user_errors(data: bytes, suffix: str,
                                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    """Random bytes and YAML-ish fragments: a loaded document, or a SpecLoadError naming the file, nothing else."""
    from toolkit.errors import SpecLoadError

    path = tmp_path_factory.mktemp("bytes") / f"spec{suffix}"
    path.write_bytes(data)
    try:
        loaded = load(path)
    except SpecLoadError as exc:
        assert str(path) in str(exc) or path.name in str(exc)
        return
    dump(loaded.document, "json")  # whatever loads can be written back
    dump(loaded.document, "yaml")


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=4) | st.just("#/components/schemas/Pet"),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["type", "$ref", "properties", "items", "allOf", "get", "schema", "content", "in", "name",
                         "required", "responses", "parameters"]), children, max_size=3),
    max_leaves=6)


def _nodes(document: object) -> list[tuple[object, object]]:
    """(container, key) of every value below the root."""
    found, stack = [], [document]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            found.append((node, key))
            stack.append(value)
    return found


@st.composite
def type_confused_documents(draw: st.DrawFn) -> dict:
    """A valid document with one to three values anywhere replaced by random JSON: wrong types at every level."""
    document = draw(openapi_documents())
    for _ in range(draw(st.integers(1, 3))):
        nodes = _nodes(document)
        container, key = nodes[draw(st.integers(0, len(nodes) - 1))]
        container[key] = draw(_JSON_VALUES)  # type: ignore[index]
    return document


def _only_user_errors(run: object, document: dict) -> None:
    from toolkit.errors import AoaiSpecError

    try:
        run(copy.deepcopy(document))  # type: ignore[operator]
    except AoaiSpecError:
        pass


@FUZZ
@given(document=type_confused_documents())
def test_type_confusion_never_crashes_validate(document: dict) -> None:
    from toolkit.validate import validate

    _only_user_errors(lambda d: json.dumps(validate(Spec(document=d)).to_dict()), document)


@FUZZ
@given(document=type_confused_documents())
def test_type_confusion_never_crashes_the_diff(document: dict) -> None:
    diff = pytest.importorskip("toolkit.diff")
    _only_user_errors(lambda d: diff.compare(Spec(document=d), Spec(document=copy.deepcopy(d))), document)
    _only_user_errors(lambda d: diff.compare(Spec(document=json.loads(json.dumps(d))), Spec(document={**d, "paths": {}})), document)


@FUZZ_NO_SHRINK
@given(document=type_confused_documents())
def test_type_confusion_never_crashes_the_downgrade(document: dict) -> None:
    from toolkit.downgrade import downgrade_document

    _only_user_errors(lambda d: dump(downgrade_document(d).document), document)


@FUZZ_NO_SHRINK
@given(document=type_confused_documents())
def test_type_confusion_never_crashes_apim(document: dict) -> None:
    from toolkit.apim import lint, prepare

    _only_user_errors(lambda d: lint(d), document)
    _only_user_errors(lambda d: prepare(Spec(document=d)), document)


@FUZZ_NO_SHRINK
@given(document=type_confused_documents())
def test_type_confusion_never_crashes_the_mock(document: dict) -> None:
    """The mock either refuses the spec (a user error) or builds an app for it."""
    from toolkit.mock import create_app
    from toolkit.workspace import Workspace

    _only_user_errors(lambda d: create_app(Workspace(), specs=[Spec(document=d)]), document)


def test_strategy_produces_valid_documents_of_both_versions() -> None:
    """Guard for the fuzzers: the generator makes valid 3.0 and 3.1 documents, with ref cycles among them."""
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    seen: dict[str, int] = {"3.0": 0, "3.1": 0, "cyclic": 0, "invalid": 0}

    @settings(FUZZ, max_examples=min(EXAMPLES, 25))
    @given(document=openapi_documents())
    def sample(document: dict) -> None:
        v31 = document["openapi"].startswith("3.1")
        seen["3.1" if v31 else "3.0"] += 1
        schemas = document["components"]["schemas"]
        seen["cyclic"] += any(f'"#/components/schemas/{name}"' in json.dumps(schema) for name, schema in schemas.items())
        errors = _structure_errors(document, OpenAPIV31SpecValidator if v31 else OpenAPIV30SpecValidator)
        seen["invalid"] += bool(errors)

    sample()
    assert seen["3.0"] and seen["3.1"] and seen["cyclic"], seen
    assert seen["invalid"] == 0, seen


def test_fuzz_files_are_written_where_asked(tmp_path: Path) -> None:
    """`dump` writes exact integers (int64 bounds) that the loader reads back unchanged."""
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
                "components": {"schemas": {"Big": {"type": "integer", "maximum": 2**63 - 1, "minimum": -(2**63)}}}}
    for fmt in ("json", "yaml"):
        path = tmp_path / f"big.{fmt}"
        path.write_text(dump(document, fmt))
        assert load(path).document == document
