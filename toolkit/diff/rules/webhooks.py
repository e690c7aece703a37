"""Webhooks (OpenAPI 3.1): the API sends these requests to the client. Their payload schemas are judged like
responses (the client receives them) and their reply schemas like requests, by the checker; these rules report
webhooks that appeared or went away."""

from __future__ import annotations

from typing import Iterator

from ..engine import SpecDiff
from .base import Hit, RuleBook

book = RuleBook("webhooks")


@book.spec("webhook-added", "info", "The API sends a new webhook.")
def webhook_added(d: SpecDiff) -> Iterator[Hit]:
    for op in d.webhooks_added:
        yield Hit(op.key, f"webhook `{op.path}` ({op.method.upper()}) added", None, op.pointer, operation=op.key)


@book.spec("webhook-removed", "warning",
           "The API no longer sends a webhook: receivers stop getting those events (their code does not fail).")
def webhook_removed(d: SpecDiff) -> Iterator[Hit]:
    for op in d.webhooks_removed:
        yield Hit(op.key, f"webhook `{op.path}` ({op.method.upper()}) removed", op.pointer, None, operation=op.key)
