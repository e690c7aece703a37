"""The reference graph of one spec's components: what each component uses, what the paths reach.

Two diff steps need it: schemas that no operation reaches are found and compared on their own
(`components_diff.py`), and a component written the same in both specs, with everything it uses, needs no
comparison at all (`schema_diff.py`): most components of two consecutive versions are such, so this is where the
diff saves most of its time.
"""

from __future__ import annotations

from typing import Any

from ..model import Spec

SCHEMAS = "#/components/schemas/"
_EXAMPLE_KEYS = frozenset({"example", "examples"})
_CONTAINERS = (dict, list)
_NAME_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "schemas", "paths", "webhooks",
                        "responses", "parameters", "headers", "content", "requestBodies", "callbacks"})


def refs_in(node: Any) -> list[str]:
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


class ComponentUses:
    """What each component uses (its `$ref` and mapping targets, computed once per component)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.schemas = spec.schemas if isinstance(spec.schemas, dict) else {}
        self._targets: dict[str, list[str]] = {}
        self._changed: set[str] | None = None

    def targets(self, ref: str) -> list[str]:
        """The references the component at `ref` makes ([] when it cannot be resolved)."""
        if ref not in self._targets:
            node = self.spec.try_deref({"$ref": ref}) if ref.startswith("#/") else None
            self._targets[ref] = refs_in(node) if isinstance(node, (dict, list)) else []
        return self._targets[ref]

    def direct(self, name: str) -> set[str]:
        """The schemas a schema uses directly."""
        return {schema_name(r) for r in self.targets(SCHEMAS + name) if r.startswith(SCHEMAS)}

    def closure(self, name: str) -> set[str]:
        """The schemas a schema uses, directly or through others, and itself."""
        seen = {name}
        todo = [name]
        while todo:
            for used in self.direct(todo.pop()):
                if used not in seen:
                    seen.add(used)
                    todo.append(used)
        return seen

    def same_as(self, other: "ComponentUses", name: str) -> bool:
        """Is schema `name` written the same in both specs, and so is every schema it uses?"""
        if self._changed is None:
            self._changed = self._changed_against(other)
        return name not in self._changed

    def _changed_against(self, other: "ComponentUses") -> set[str]:
        """Schemas written differently in the two specs, and every schema that uses one of them (on either side)."""
        users: dict[str, set[str]] = {}
        for uses in (self, other):
            for name in uses.schemas:
                for used in uses.direct(name):
                    users.setdefault(used, set()).add(name)
        names = self.schemas.keys() | other.schemas.keys()
        changed = {n for n in names if self.schemas.get(n) != other.schemas.get(n)}
        todo = list(changed)
        while todo:
            for user in users.get(todo.pop(), ()):
                if user not in changed:
                    changed.add(user)
                    todo.append(user)
        return changed

    def reached(self) -> set[str]:
        """Names in `components.schemas` that some path or webhook reaches, directly or through other components."""
        document = self.spec.document
        todo = refs_in(document.get("paths") or {}) + refs_in(document.get("webhooks") or {})
        seen: set[str] = set()
        while todo:
            ref = todo.pop()
            if ref not in seen and ref.startswith("#/"):
                seen.add(ref)
                todo += [t for t in self.targets(ref) if t not in seen]
        return {schema_name(ref) for ref in seen if ref.startswith(SCHEMAS)}


def schema_name(ref: str) -> str:
    return ref[len(SCHEMAS):].split("/", 1)[0]
