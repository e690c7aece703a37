"""Runs the conversion table over a copy of the document: prepass, every schema, document, repairs."""

from __future__ import annotations

import pickle
from typing import Any

from ..model import Spec
from ..schemas import iter_schemas
from . import document_conversions, references, repairs, schema_conversions  # noqa: F401  (register the table)
from .registry import Context, by_stage
from .result import DowngradeResult


def downgrade_document(document: dict[str, Any]) -> DowngradeResult:
    """Convert a bundled OpenAPI 3.1 (or mixed, or 3.0) document to 3.0.3; the input is not modified."""
    source_version = str(document.get("openapi", ""))
    ctx = Context(pickle.loads(pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)))
    for step in by_stage("prepass"):
        ctx.current = step.id
        step.apply(ctx)
    schema_steps = by_stage("schema")
    for where, schema in iter_schemas(ctx.document):
        for step in schema_steps:
            if step.applies_to(schema):
                ctx.current = step.id
                step.apply(schema, where, ctx)
    for stage in ("document", "repair"):
        for step in by_stage(stage):
            ctx.current = step.id
            step.apply(ctx)
    return DowngradeResult(document=ctx.document, losses=ctx.losses, source_version=source_version)


def downgrade(spec: Spec) -> DowngradeResult:
    """The public entry point: `spec.document` converted to OpenAPI 3.0.3, with its loss report."""
    return downgrade_document(spec.document)
