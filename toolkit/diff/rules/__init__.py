"""Every breaking-change rule, registered in one table (`RULES`), one module per area."""

from __future__ import annotations

from . import azure, docs, lifecycle, parameters, paths, request_bodies, responses, schemas, security, servers
from .base import LEVELS, Hit, Rule, SchemaContext

RULES: tuple[Rule, ...] = (
    *paths.book.rules,
    *lifecycle.book.rules,
    *parameters.book.rules,
    *request_bodies.book.rules,
    *responses.book.rules,
    *schemas.book.rules,
    *security.book.rules,
    *servers.book.rules,
    *azure.book.rules,
    *docs.book.rules,
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
assert len(RULES_BY_ID) == len(RULES), "rule ids must be unique"

__all__ = ["LEVELS", "RULES", "RULES_BY_ID", "Hit", "Rule", "SchemaContext"]
