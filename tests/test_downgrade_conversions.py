"""One hand-written fixture per conversion unit: input, expected 3.0.3 output, expected loss ids.

`tests/fixtures/downgrade/<conversion-id>.yaml` holds either a `schema` (converted as a component next to a
`Target` schema that refs may point at) or a partial `document`; `losses` lists the lossy ids, `info` the
pointers of the info-level entries (3.0 keywords honoured).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from toolkit.downgrade import CONVERSIONS, downgrade_document

FIXTURES = Path(__file__).parent / "fixtures" / "downgrade"
TARGET = {"type": "object", "properties": {"id": {"type": "string"}}}


def _base(**extra: Any) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {}, **extra}


def _load(conversion_id: str) -> dict[str, Any]:
    return yaml.safe_load((FIXTURES / f"{conversion_id}.yaml").read_text())


def test_every_conversion_has_a_fixture() -> None:
    missing = [c.id for c in CONVERSIONS if not (FIXTURES / f"{c.id}.yaml").is_file()]
    assert not missing


def test_conversion_ids_are_stable_kebab_case() -> None:
    import re

    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c.id) for c in CONVERSIONS)
    assert len({c.id for c in CONVERSIONS}) == len(CONVERSIONS)


@pytest.mark.parametrize("conversion_id", [c.id for c in CONVERSIONS])
def test_conversion_fixture(conversion_id: str) -> None:
    case = _load(conversion_id)
    if "schema" in case:
        document = _base(components={"schemas": {"S": case["schema"], "Target": TARGET}})
        result = downgrade_document(document)
        assert result.document["components"]["schemas"]["S"] == case["expected"]
    else:
        document = _base(**case["document"])
        result = downgrade_document(document)
        for key, expected in case["expected"].items():
            assert result.document.get(key) == expected, key
    assert sorted(loss.id for loss in result.lossy) == sorted(case["losses"])
    assert sorted(note.pointer for note in result.losses if note.kind == "info") == sorted(case.get("info", []))
    lossy = {c.id for c in CONVERSIONS if c.lossy}
    assert all(loss.id in lossy for loss in result.lossy), "a lossless unit reported a loss"


@pytest.mark.parametrize("conversion_id", [c.id for c in CONVERSIONS])
def test_conversion_is_idempotent(conversion_id: str) -> None:
    """Running the downgrade on its own output changes nothing and loses nothing more."""
    case = _load(conversion_id)
    components = {"schemas": {"S": case["schema"], "Target": TARGET}} if "schema" in case else None
    document = _base(components=components) if components else _base(**case["document"])
    once = downgrade_document(document).document
    twice = downgrade_document(once)
    assert twice.document == once
    assert [loss.id for loss in twice.losses if loss.id not in ("webhooks",)] == []
