"""Property: for any small valid OpenAPI 3.0/3.1 document, `apim prepare` gives a valid 3.0 document with no APIM
lint errors, and never modifies its input (Hypothesis over tests/hostile/openapi_strategies)."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, assume, given, settings

from tests.hostile.openapi_strategies import openapi_documents
from toolkit.downgrade import downgrade_document
from toolkit.model import Spec


def _errors(document: dict, validator_cls: type) -> list[str] | None:
    try:
        return [e.message for e in validator_cls(document).iter_errors()]
    except Exception:  # the validator itself gives up on some ref cycles
        return None


@settings(max_examples=40, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(document=openapi_documents())
def test_prepare_output_is_valid_and_lint_clean(document: dict) -> None:
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    from toolkit.apim import lint, prepare

    source_cls = OpenAPIV31SpecValidator if document["openapi"].startswith("3.1") else OpenAPIV30SpecValidator
    assume(_errors(document, source_cls) == [])
    before = copy.deepcopy(document)
    result = prepare(Spec(document))
    assert document == before, "prepare modified its input"
    errors = _errors(result.document, OpenAPIV30SpecValidator)
    assume(errors is not None)
    assert errors == [], (errors[:5], json.dumps(result.document)[:2000])
    assert [f for f in lint(result.document) if f.level == "error"] == []
    assert json.loads(result.minified) == result.document
    once = downgrade_document(document).document
    assert downgrade_document(once).document == once, "downgrading twice changed the document"
