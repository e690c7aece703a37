"""Schemas that no operation or webhook reaches (Realtime and WebSocket events, stream events, leftovers).

OpenAI describes its WebSocket and Realtime events as `components.schemas` that no path uses, so a diff that
walks operations only never sees them change. They are compared here on their own: a schema unreached on both
sides is paired by name, and only the roots of the unreached part are compared (a schema another unreached
schema uses is compared inside it, so each change is reported once, with the path from its root).

No operation says which way such a schema travels, so it is read from its name: `...ClientEvent...`,
`...Request...` and `...Param(s)` are sent by the client (judged like a request body), everything else is
received by it (judged like a response). Whether anything uses them is not known either, so the checker caps
their changes at warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .context import DiffContext
from .schema_diff import SchemaDiff
from .uses import SCHEMAS, ComponentUses

_SENT_BY_CLIENT = re.compile(r"ClientEvent|Request|Params?$")


@dataclass(eq=False)
class ComponentDiff:
    name: str
    scope: str  # request | response: which way its values travel (see the module docstring)
    schema: SchemaDiff


@dataclass(eq=False)
class ComponentsDiff:
    """Unreached schemas: added and removed (name -> pointer), and the modified roots."""

    added: dict[str, str] = field(default_factory=dict)
    removed: dict[str, str] = field(default_factory=dict)
    modified: list[ComponentDiff] = field(default_factory=list)


def scope_of(name: str) -> str:
    return "request" if _SENT_BY_CLIENT.search(name) else "response"


def _roots(uses: ComponentUses, names: set[str]) -> list[str]:
    """The unreached schemas no other unreached schema uses, then one name for each cycle nobody enters."""
    used = {u for name in names for u in uses.direct(name) if u != name}
    roots = sorted(names - used)
    covered: set[str] = set()
    for name in roots:
        covered |= uses.closure(name)
    for name in sorted(names - covered):
        if name not in covered:
            roots.append(name)
            covered |= uses.closure(name)
    return roots


def compare_unreached(ctx: DiffContext) -> ComponentsDiff:
    out = ComponentsDiff()
    b_uses, r_uses = ctx.base_uses, ctx.revision_uses
    b_all, r_all = b_uses.schemas, r_uses.schemas
    base, revision = set(b_all) - b_uses.reached(), set(r_all) - r_uses.reached()
    out.added = {n: SCHEMAS + n for n in sorted(revision) if n not in b_all}
    out.removed = {n: SCHEMAS + n for n in sorted(base) if n not in r_all}
    both = base & revision
    roots = set(_roots(b_uses, both)) | set(_roots(r_uses, both))
    for name in sorted(roots):
        if b_uses.same_as(r_uses, name):
            continue  # written the same, and so is every schema it uses: nothing to compare
        pointer = SCHEMAS + name
        diff = ctx.compare_schemas((b_all[name], pointer), (r_all[name], pointer))
        if diff is not None:
            out.modified.append(ComponentDiff(name, scope_of(name), diff))
    return out
