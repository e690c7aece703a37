"""Specification extensions (`x-...`) of operations; schema extensions are part of the schema diff."""

from __future__ import annotations

from typing import Any

from .schema_diff import ValueChange

IGNORED = frozenset({"x-ms-examples", "x-oaiMeta", "x-codeSamples", "x-code-samples"})  # documentation payloads


def compare_extensions(base: dict[str, Any], revision: dict[str, Any]) -> dict[str, ValueChange]:
    keys = {k for k in base.keys() | revision.keys() if k.startswith("x-") and k not in IGNORED}
    return {k: ValueChange(base.get(k), revision.get(k)) for k in sorted(keys) if base.get(k) != revision.get(k)}
