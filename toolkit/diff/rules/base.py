"""The rule model: a small declarative unit (id, level, direction, area, description) plus one check.

A check is a generator over one node of the diff tree (the whole spec diff, one operation diff, or one schema
diff in context) yielding `Hit`s; the checker turns hits into `Change`s. Schema checks are written once and
registered per scope (request body, response, parameter), each scope with its own id and level, because what
breaks a client depends on the direction: adding an enum value is harmless in a request and breaking in a
response.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..policy import Lifecycle
from ..views import Ref, SchemaView, Viewer

LEVELS = ("error", "warning", "info", "doc")
SCOPE_DIRECTION = {"request": "request", "parameter": "request", "response": "response"}


@dataclass(frozen=True)
class Hit:
    element: str
    message: str
    base: str | None = None
    revision: str | None = None
    operation: str | None = None  # spec-level rules name the operation themselves


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    direction: str  # request | response | both | none
    area: str
    description: str
    kind: str  # spec | operation | schema
    scope: str | None  # for schema rules: request | response | parameter | None (every scope)
    check: Callable[..., Iterable[Hit]] = field(compare=False, repr=False)
    when: tuple[str, ...] = ()  # schema rules: SchemaDiff fields of which one must be non-empty (a fast pre-filter)
    source: str = ""  # where the rule or its level comes from, when it is not self-evident (oasdiff id, a doc)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "level": self.level, "direction": self.direction, "area": self.area,
                "description": self.description, "source": self.source}


class RuleBook:
    """Collects one area's rules, in declaration order."""

    def __init__(self, area: str) -> None:
        self.area = area
        self.rules: list[Rule] = []

    def _add(self, rule: Rule) -> None:
        assert rule.level in LEVELS, rule
        self.rules.append(rule)

    def spec(self, id: str, level: str, description: str, direction: str = "none", source: str = "") -> Callable[[Any], Any]:
        def register(check: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
            self._add(Rule(id, level, direction, self.area, description, "spec", None, check, source=source))
            return check
        return register

    def operation(self, id: str, level: str, description: str, direction: str = "none",
                  source: str = "") -> Callable[[Any], Any]:
        def register(check: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
            self._add(Rule(id, level, direction, self.area, description, "operation", None, check, source=source))
            return check
        return register

    def schema(self, description: str, when: tuple[str, ...] = (), source: str = "",
               **scopes: tuple[str, str]) -> Callable[[Any], Any]:
        """Register one check under several scopes: `request=(id, level), response=(id, level), ...`;
        `any=(id, level)` registers it once for every scope. `when` names the SchemaDiff fields the check reads,
        so the checker can skip it on nodes where they are all empty."""
        def register(check: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
            for scope, (rule_id, level) in scopes.items():
                if scope == "any":
                    self._add(Rule(rule_id, level, "both", self.area, description, "schema", None, check, when,
                                   source))
                else:
                    self._add(Rule(rule_id, level, SCOPE_DIRECTION[scope], self.area, description, "schema", scope,
                                   check, when, source))
            return check
        return register


@dataclass
class SchemaContext:
    """Where a schema diff sits: scope, operation, location label and property path (tokens)."""

    scope: str
    operation: str
    where: str  # "status 200", "query parameter `limit`", "status 200, header `x-request-id`", ""
    path: tuple[str, ...]
    base_viewer: Viewer
    revision_viewer: Viewer
    required: bool = True  # the node is required where it sits (a body, an item, a required property)
    lifecycle: Lifecycle = field(default_factory=Lifecycle)

    def dotted(self, name: str | None = None) -> str:
        tokens = self.path + ((name,) if name is not None else ())
        out = ""
        for token in tokens:
            if token and token[0] in "[({":
                out += token
            else:
                out += ("." if out else "") + token
        return out

    def subject(self, name: str | None = None) -> str:
        """A readable name for the element, e.g. "response property `usage.completion_tokens_details` (status 200)"."""
        dotted = self.dotted(name)
        if self.scope == "parameter":
            return f"property `{dotted}` of {self.where}" if dotted else self.where
        side = "request" if self.scope == "request" else "response"
        where = f" ({self.where})" if self.where else ""
        return f"{side} property `{dotted}`{where}" if dotted else f"{side} body{where}"

    def element(self, name: str | None = None) -> str:
        dotted = self.dotted(name)
        if self.scope == "parameter":
            return self.where.replace("`", "") + (f".{dotted}" if dotted else "")
        return dotted or f"{self.scope} body"

    def nested(self, ref: Ref, name: str, side: str = "revision", limit: int = 12) -> list[str]:
        """Dotted paths of the properties inside a whole added/removed schema, to name nested additions."""
        viewer = self.revision_viewer if side == "revision" else self.base_viewer
        found: list[str] = []
        seen: set[int] = set()

        def walk(view: SchemaView, prefix: str, depth: int) -> None:
            if id(view) in seen or depth > 4 or len(found) >= limit:
                return
            seen.add(id(view))
            for prop, sub in view.properties.items():
                if len(found) >= limit:
                    return
                found.append(f"{prefix}.{prop}")
                walk(viewer.view(*sub), f"{prefix}.{prop}", depth + 1)
            if view.items is not None:
                walk(viewer.view(*view.items), f"{prefix}[]", depth + 1)
            seen.discard(id(view))

        walk(viewer.view(*ref), self.dotted(name), 0)
        return found


def with_nested(names: list[str]) -> str:
    return f", with {', '.join(f'`{n}`' for n in names)}" if names else ""


def fmt(value: Any) -> str:
    if isinstance(value, (frozenset, set)):
        return "|".join(sorted(value)) or "none"
    if value is None:
        return "unset"
    if isinstance(value, str):
        return f"`{value}`"
    return str(value).lower() if isinstance(value, bool) else str(value)


def values(items: Iterable[Any]) -> str:
    return ", ".join(fmt(v) if not isinstance(v, str) else f"`{v}`" for v in items)


