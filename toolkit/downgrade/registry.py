"""The one table of conversions: each a small declarative unit (id, mapping row, lossy or not, function).

Stages run in this order: `prepass` (document-wide reference work that must happen before schemas change),
`schema` (applied to every Schema Object, in table order, parents before children), `document` (non-schema
objects), `repair` (upstream defects that would make the 3.0.3 output invalid).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .. import pointer as jp
from ..schemas import iter_refs, iter_schemas
from .result import Change

STAGES = ("prepass", "schema", "document", "repair")


@dataclass
class Context:
    """The document being converted and the changes recorded so far; handed to every conversion."""

    document: dict[str, Any]
    changes: list[Change] = field(default_factory=list)
    current: str = ""
    created: set[int] = field(default_factory=set, repr=False)
    _schemas: list[tuple[str, dict[str, Any]]] | None = field(default=None, repr=False)
    _webhooks_dropped: bool = field(default=False, repr=False)  # whether `_schemas` no longer holds webhook schemas
    _keywords: set[str] | None = field(default=None, repr=False)
    _refs: list[tuple[str, dict[str, Any]]] | None = field(default=None, repr=False)

    def schemas(self) -> list[tuple[str, dict[str, Any]]]:
        """Every Schema Object, walked once after the schema stage and shared by the later stages (they change
        schemas in place, never their positions)."""
        if self._schemas is None:
            self._schemas = list(iter_schemas(self.document))
            self._webhooks_dropped = False
        if "webhooks" not in self.document and not self._webhooks_dropped:
            # moved to x-webhooks: no longer schemas of the 3.0 document (filtered once, not on every call)
            self._schemas = [(w, s) for w, s in self._schemas if not w.startswith("#/webhooks/")]
            self._webhooks_dropped = True
        return self._schemas

    def share_schemas(self, visited: list[tuple[str, dict[str, Any]]]) -> None:
        self._schemas, self._webhooks_dropped = visited, False

    def refs(self) -> list[tuple[str, dict[str, Any]]]:
        """Every `$ref` holder after the prepass (which is the only stage that moves or rewrites references)."""
        if self._refs is None:
            self._refs = list(iter_refs(self.document))
        return self._refs

    def uses(self, *keywords: str) -> bool:
        """Whether any key of the document is one of these keywords (one plain walk without pointers, so the
        prepass steps for rare 2020-12 features cost almost nothing on documents that do not use them)."""
        if self._keywords is None:
            self._keywords = _dollar_keys(self.document)
        return not self._keywords.isdisjoint(keywords)

    def lose(self, pointer: str, message: str, id: str | None = None) -> None:
        self.changes.append(Change(id or self.current, pointer, message, "lossy"))

    def note(self, pointer: str, message: str) -> None:
        """An info-level change of meaning made on purpose (a widening, never a narrowing)."""
        self.changes.append(Change(self.current, pointer, message, "info"))

    def rewrite(self, pointer: str, message: str) -> None:
        """An exact rewrite: other spelling, same meaning."""
        self.changes.append(Change(self.current, pointer, message, "exact"))

    def made(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Mark a subschema that a conversion wrote (not the author), so later units can tell them apart."""
        self.created.add(id(schema))
        return schema

    def resolve(self, ref: Any) -> Any:
        """The node an internal `$ref` points at, or None."""
        if not isinstance(ref, str) or not ref.startswith("#"):
            return None
        return jp.resolve(self.document, ref, default=None)

    def deref(self, node: Any, depth: int = 0) -> Any:
        """Follow `$ref` chains (bounded) to the first non-reference node."""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 32:
            node = self.resolve(node["$ref"])
            depth += 1
        return node


def _dollar_keys(document: Any) -> set[str]:
    found: set[str] = set()
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and (key[:1] == "$" or key == "definitions"):
                    found.add(key)
                if isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return found


@dataclass(frozen=True)
class Conversion:
    id: str
    row: str
    lossy: bool
    stage: str
    description: str
    apply: Callable[..., None]
    keywords: tuple[str, ...] = ()
    when: Callable[[dict[str, Any]], bool] | None = None

    def applies_to(self, schema: dict[str, Any]) -> bool:
        if self.keywords and not any(k in schema for k in self.keywords):
            return False
        return self.when is None or self.when(schema)

    @property
    def summary(self) -> str:
        """The first clause of the description: what one exact rewrite by this unit did."""
        first = self.description.split("; ")[0].split(". ")[0].rstrip(".")
        return first if len(first) <= 140 else first[:137] + "..."


CONVERSIONS: list[Conversion] = []


def conversion(id: str, *, row: str, lossy: bool, stage: str, description: str, keywords: tuple[str, ...] = (),
               when: Callable[[dict[str, Any]], bool] | None = None
               ) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a conversion in the table; `keywords` and `when` (schema stage) let the engine skip the schemas a
    unit has nothing to do for, without calling it (or fingerprinting the schema around the call)."""
    assert stage in STAGES, stage

    def register(fn: Callable[..., None]) -> Callable[..., None]:
        assert all(c.id != id for c in CONVERSIONS), f"duplicate conversion id {id}"
        CONVERSIONS.append(Conversion(id, row, lossy, stage, description, fn, keywords, when))
        return fn

    return register


def by_stage(stage: str) -> list[Conversion]:
    return [c for c in CONVERSIONS if c.stage == stage]
