"""Property tests over random OpenAPI 3.0/3.1 documents: the diff never crashes, a self-diff is always empty
(cycles, composition and both dialects included), and reports are deterministic and render in every format."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

from hostile.openapi_strategies import openapi_documents
from toolkit.diff import FORMATS, compare, render_report
from toolkit.model import Spec

# no shrink phase: a failing draw is reported as drawn (shrinking these documents can take minutes)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=[Phase.explicit, Phase.reuse, Phase.generate])


@SETTINGS
@given(openapi_documents())
def test_self_diff_is_empty(document: dict[str, Any]) -> None:
    report = compare(Spec(document=document), Spec(document=copy.deepcopy(document)), include_docs=True)
    assert report.changes == []


@SETTINGS
@given(openapi_documents(), openapi_documents())
def test_any_pair_compares_and_renders(base: dict[str, Any], revision: dict[str, Any]) -> None:
    first = compare(Spec(document=base), Spec(document=revision), include_docs=True)
    again = compare(Spec(document=copy.deepcopy(base)), Spec(document=copy.deepcopy(revision)), include_docs=True)
    assert first.to_dict() == again.to_dict()
    for change in first.changes:
        assert change.level in ("error", "warning", "info", "doc") and change.message and change.fingerprint
    for fmt in FORMATS:
        text = render_report(first, fmt)
        assert text or (fmt == "githubactions" and not first.changes)  # no annotations when nothing changed
