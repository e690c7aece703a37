"""`toolkit.shape`: the cheap JSON-shape check the contract runner and the mock run before handing a spec to
Schemathesis or serving it. It must flag every wrongly shaped corpus input and never a valid document."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostile import CORPUS, Context, Outcome, write_corpus
from toolkit.errors import AoaiSpecError, SpecLoadError
from toolkit.model import Spec
from toolkit.shape import first_shape_problem, require_shape

# BROKEN corpus items whose JSON shape is wrong (the rest are wrong in meaning only: dangling refs, odd values)
MISSHAPEN = {
    "paths-list": "#/paths", "paths-string": "#/paths", "paths-null": "#/paths",
    "path-item-string": "#/paths/~1items~1{id}", "operation-list": "#/paths/~1items~1{id}/get",
    "path-parameters-dict": "#/paths/~1items~1{id}/parameters", "parameter-string": "#/paths/~1items~1{id}/get/parameters/0",
    "parameter-bad-in": "#/paths/~1items~1{id}/get/parameters/0/in",
    "parameter-schema-string": "#/paths/~1items~1{id}/get/parameters/0/schema",
    "responses-null": "#/paths/~1items~1{id}/get/responses", "response-string": "#/paths/~1items~1{id}/get/responses/200",
    "content-list": "#/paths/~1items~1{id}/get/responses/200/content",
    "media-type-string": "#/paths/~1items~1{id}/get/responses/200/content/application~1json",
    "request-body-string": "#/paths/~1items~1{id}/get/requestBody", "components-list": "#/components",
    "schema-string": "#/components/schemas/Item", "schema-null": "#/components/schemas/Item",
    "properties-list": "#/components/schemas/Item/properties", "property-string": "#/components/schemas/Item/properties/id",
    "required-numbers": "#/components/schemas/Item/required", "type-number": "#/components/schemas/Item/type",
    "type-object": "#/components/schemas/Item/type", "type-array-mixed-31": "#/components/schemas/Item/type",
    "enum-string": "#/components/schemas/Item/properties/id/enum", "allof-boolean": "#/components/schemas/Item/allOf",
    "anyof-null-31": "#/components/schemas/Item/anyOf", "oneof-strings": "#/components/schemas/Item/oneOf/0",
    "ref-number": "#/paths/~1items~1{id}/get/responses/200/content/application~1json/schema/$ref",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("shape")
    (root / "outside").mkdir()
    return write_corpus(root / "corpus", Context(remote_port=9, outside=root / "outside"))


def test_misshapen_inputs_are_flagged_at_their_pointer(corpus: dict[str, Path]) -> None:
    for name, pointer in MISSHAPEN.items():
        problem = first_shape_problem(Spec.load(corpus[name]).document)
        assert problem is not None and problem[0] == pointer, (name, problem)


def test_valid_inputs_are_never_flagged(corpus: dict[str, Path]) -> None:
    for item in CORPUS:
        if item.outcome is Outcome.VALID:
            assert first_shape_problem(Spec.load(corpus[item.name]).document) is None, item.name


def test_require_shape_is_a_one_line_user_error(corpus: dict[str, Path]) -> None:
    spec = Spec.load(corpus["content-list"])
    with pytest.raises(SpecLoadError) as caught:
        require_shape(spec.document, spec.name, "a contract run")
    assert isinstance(caught.value, AoaiSpecError) and "\n" not in str(caught.value)
    assert "content is a list" in str(caught.value) and "#/paths/~1items~1{id}/get/responses/200/content" in str(caught.value)


@pytest.mark.slow
def test_no_real_spec_is_flagged() -> None:
    from toolkit.workspace import Workspace

    ws = Workspace()
    for entry in ws.catalog:
        if entry.pinned:
            assert first_shape_problem(ws.open(entry.id).document) is None, entry.id
