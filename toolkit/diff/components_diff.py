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
from typing import Any

from ..model import Spec
from .context import DiffContext
from .schema_diff import SchemaDiff

_SCHEMAS = "#/components/schemas/"
_SENT_BY_CLIENT = re.compile(r"ClientEvent|Request|Params?$")
_EXAMPLE_KEYS = frozenset({"example", "examples"})
_CONTAINERS = (dict, list)
_NAME_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "schemas", "paths", "webhooks",
                        "responses", "parameters", "headers", "content", "requestBodies", "callbacks"})


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


def _targets(node: Any) -> list[str]:
    """The `$ref`s under `node`, and the subtypes discriminator mappings name (they belong to their union, though
    no `$ref` points at them, so `load.ref_sites` alone would miss them). Extensions and examples are data
    (OpenAI's `x-oaiMeta` holds megabytes of them) and are not searched, unless the key names a property."""
    out: list[str] = []
    stack: list[tuple[Any, bool]] = [(node, False)]
    while stack:
        value, named = stack.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str):
                out.append(ref)
            disc = value.get("discriminator")
            if isinstance(disc, dict) and isinstance(disc.get("mapping"), dict):
                out += [t for t in disc["mapping"].values() if isinstance(t, str)]
            for k, v in value.items():
                if type(v) in _CONTAINERS and (named or not (k in _EXAMPLE_KEYS or k.startswith("x-"))):
                    stack.append((v, k in _NAME_MAPS))
        elif isinstance(value, list):
            stack += [(v, False) for v in value if type(v) in _CONTAINERS]
    return out


def reached_schemas(spec: Spec) -> set[str]:
    """Names in `components.schemas` that some path or webhook reaches, directly or through other components."""
    todo = _targets(spec.document.get("paths") or {}) + _targets(spec.document.get("webhooks") or {})
    seen: set[str] = set()
    while todo:
        ref = todo.pop()
        if ref in seen or not ref.startswith("#/"):
            continue
        seen.add(ref)
        target = spec.try_deref({"$ref": ref})
        if isinstance(target, (dict, list)):
            todo += [t for t in _targets(target) if t not in seen]
    return {ref[len(_SCHEMAS):].split("/", 1)[0] for ref in seen if ref.startswith(_SCHEMAS)}


def _unreached(spec: Spec) -> set[str]:
    schemas = spec.schemas
    return set(schemas) - reached_schemas(spec) if isinstance(schemas, dict) else set()


class _Uses:
    """The schemas a schema uses, directly or through others (memoised per name)."""

    def __init__(self, spec: Spec) -> None:
        self.schemas = spec.schemas if isinstance(spec.schemas, dict) else {}
        self._direct: dict[str, set[str]] = {}

    def direct(self, name: str) -> set[str]:
        if name not in self._direct:
            refs = _targets(self.schemas.get(name)) if name in self.schemas else []
            self._direct[name] = {r[len(_SCHEMAS):].split("/", 1)[0] for r in refs if r.startswith(_SCHEMAS)}
        return self._direct[name]

    def closure(self, name: str) -> set[str]:
        seen = {name}
        todo = [name]
        while todo:
            for used in self.direct(todo.pop()):
                if used not in seen:
                    seen.add(used)
                    todo.append(used)
        return seen


def _roots(uses: _Uses, names: set[str]) -> list[str]:
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
    base, revision = _unreached(ctx.base), _unreached(ctx.revision)
    b_all, r_all = ctx.base.schemas, ctx.revision.schemas
    out.added = {n: _SCHEMAS + n for n in sorted(revision) if n not in b_all}
    out.removed = {n: _SCHEMAS + n for n in sorted(base) if n not in r_all}
    both = base & revision
    b_uses, r_uses = _Uses(ctx.base), _Uses(ctx.revision)
    roots = set(_roots(b_uses, both)) | set(_roots(r_uses, both))
    for name in sorted(roots):
        used = b_uses.closure(name) | r_uses.closure(name)
        if all(b_all.get(n) == r_all.get(n) for n in used):
            continue  # written the same, and so is every schema it uses: nothing to compare
        pointer = _SCHEMAS + name
        diff = ctx.compare_schemas((b_all[name], pointer), (r_all[name], pointer))
        if diff is not None:
            out.modified.append(ComponentDiff(name, scope_of(name), diff))
    return out
