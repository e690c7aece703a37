"""The loaded-spec model every command works on: version facts, `$ref` resolution, operations.

It is deliberately thin: the document stays a plain dict (fast, JSON-serialisable, what every library
expects) and the model adds the lookups that would otherwise be repeated in diff, downgrade, apim and contract.
The accessors are defensive, because `paths: []` or a schema that is a string must not crash any command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from . import pointer as jp
from .errors import RefError
from .load import Limits, LoadedDocument, LoadWarning, load

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Operation:
    """One (path, method) of the document, with path-level and operation-level parameters merged."""

    path: str
    method: str
    node: dict[str, Any]
    parameters: tuple[dict[str, Any], ...]

    @property
    def pointer(self) -> str:
        return jp.join("#/paths", self.path, self.method)

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def operation_id(self) -> str | None:
        value = self.node.get("operationId")
        return value if isinstance(value, str) else None


@dataclass
class Spec:
    """A bundled OpenAPI document plus the facts and lookups commands need."""

    document: dict[str, Any]
    source: Path | None = None
    warnings: list[LoadWarning] = field(default_factory=list)
    catalog_id: str | None = None
    origin: str | None = None  # how the user named a spec that is neither a file nor a catalog id (git:REF:PATH)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # -- construction
    @classmethod
    def from_loaded(cls, loaded: LoadedDocument, catalog_id: str | None = None) -> "Spec":
        return cls(document=loaded.document, source=loaded.path, warnings=list(loaded.warnings), catalog_id=catalog_id)

    @classmethod
    def load(cls, path: str | Path, *, allow_remote_refs: bool = False, limits: Limits | None = None) -> "Spec":
        return cls.from_loaded(load(path, allow_remote_refs=allow_remote_refs, limits=limits))

    # -- facts
    @property
    def name(self) -> str:
        return self.catalog_id or self.origin or (str(self.source) if self.source else "<document>")

    @property
    def openapi_version(self) -> str:
        value = self.document.get("openapi")
        return value if isinstance(value, str) else ""

    @property
    def is_31(self) -> bool:
        return self.openapi_version.startswith("3.1")

    @property
    def info_version(self) -> str:
        info = self.document.get("info")
        value = info.get("version") if isinstance(info, dict) else None
        return str(value) if value is not None else ""

    @property
    def paths(self) -> dict[str, Any]:
        value = self.document.get("paths")
        return value if isinstance(value, dict) else {}

    @property
    def components(self) -> dict[str, Any]:
        value = self.document.get("components")
        return value if isinstance(value, dict) else {}

    @property
    def schemas(self) -> dict[str, Any]:
        value = self.components.get("schemas")
        return value if isinstance(value, dict) else {}

    # -- references
    def resolve(self, ref: str) -> Any:
        """The node an internal `$ref` points at; RefError when it dangles."""
        if ref in self._cache:
            return self._cache[ref]
        if not ref.startswith("#"):
            raise RefError(self.name, f"$ref {ref!r} is not internal (load() bundles external refs)")
        try:
            value = jp.resolve(self.document, ref)
        except (KeyError, ValueError):
            raise RefError(self.name, f"dangling $ref {ref!r}") from None
        self._cache[ref] = value
        return value

    def deref(self, node: Any) -> Any:
        """Follow a chain of `$ref`s to the first node that is not a bare reference; cycles end at the repeat."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
            seen.add(node["$ref"])
            node = self.resolve(node["$ref"])
        return node

    def try_deref(self, node: Any) -> Any:
        """Like `deref`, but a dangling reference yields None instead of raising."""
        try:
            return self.deref(node)
        except RefError:
            return None

    # -- operations
    def operations(self) -> Iterator[Operation]:
        for path, item in self.paths.items():
            item = self.try_deref(item)
            if not isinstance(item, dict):
                continue
            shared = [p for p in (self.try_deref(x) for x in _as_list(item.get("parameters"))) if isinstance(p, dict)]
            for method in HTTP_METHODS:
                node = item.get(method)
                if not isinstance(node, dict):
                    continue
                own = [p for p in (self.try_deref(x) for x in _as_list(node.get("parameters"))) if isinstance(p, dict)]
                merged = {_parameter_key(p): p for p in shared}
                merged.update({_parameter_key(p): p for p in own})
                yield Operation(path=path, method=method, node=node, parameters=tuple(merged.values()))

    def operation(self, method: str, path: str) -> Operation | None:
        for op in self.operations():
            if op.method == method.lower() and op.path == path:
                return op
        return None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _parameter_key(parameter: dict[str, Any]) -> tuple[str, str]:
    """(in, name) as hashable text even when a broken spec has a list or mapping there."""
    return tuple(v if isinstance(v, str) else repr(v) for v in (parameter.get("in"), parameter.get("name")))  # type: ignore[return-value]
