"""Parameters, matched by location and name; path parameters by position (their names are not on the wire)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import pointer as jp
from .context import DiffContext, changes
from .schema_diff import SchemaDiff, ValueChange
from .views import Ref

_PARAM = re.compile(r"\{([^}]*)\}")
DOC_KEYS = ("description", "example", "examples")
SERIALIZATION_KEYS = ("style", "explode", "allowReserved", "allowEmptyValue")


@dataclass(eq=False)
class ParamSide:
    """One parameter (or response header) as declared on one side."""

    name: str
    location: str
    node: dict[str, Any]
    pointer: str

    @property
    def required(self) -> bool:
        return bool(self.node.get("required")) or self.location == "path"

    @property
    def deprecated(self) -> bool:
        return bool(self.node.get("deprecated"))

    @property
    def schema(self) -> Ref | None:
        if "schema" in self.node:
            return self.node["schema"], jp.join(self.pointer, "schema")
        content = self.node.get("content")
        if isinstance(content, dict):
            for media, obj in content.items():
                if isinstance(obj, dict) and "schema" in obj:
                    return obj["schema"], jp.join(self.pointer, "content", media, "schema")
        return None

    @property
    def label(self) -> str:
        return f"{self.location} parameter `{self.name}`" if self.location != "header-response" else f"header `{self.name}`"


@dataclass(eq=False)
class ParameterDiff:
    base: ParamSide
    revision: ParamSide
    fields: dict[str, ValueChange] = field(default_factory=dict)  # required, deprecated, serialization
    docs: dict[str, ValueChange] = field(default_factory=dict)
    schema: SchemaDiff | None = None

    @property
    def empty(self) -> bool:
        return not (self.fields or self.docs or self.schema)


@dataclass(eq=False)
class ParametersDiff:
    added: list[ParamSide] = field(default_factory=list)
    removed: list[ParamSide] = field(default_factory=list)
    modified: list[ParameterDiff] = field(default_factory=list)


DEPLOYMENT_KEY = ("path", "deployment")


def param_key(side: ParamSide, path: str, has_deployment: bool) -> tuple[str, str]:
    """Path parameters are keyed by position (the deployment one by role), the others by location and name."""
    if side.location == "path":
        names = _PARAM.findall(path)
        if side.name not in names:
            return ("path", side.name)
        index = names.index(side.name)
        if has_deployment:
            if index == 0:
                return DEPLOYMENT_KEY
            index -= 1
        return ("path", str(index))
    name = side.name.lower() if side.location == "header" else side.name
    return (side.location, name)


def collect(ctx: DiffContext, spec_side: str, path_item: dict[str, Any], item_ptr: str, op: dict[str, Any],
            op_ptr: str) -> list[ParamSide]:
    """Path-level and operation-level parameters, operation ones winning, each with its pointer."""
    deref = ctx.deref_base if spec_side == "base" else ctx.deref_revision
    merged: dict[tuple[Any, Any], ParamSide] = {}
    for owner, where in ((path_item, item_ptr), (op, op_ptr)):
        params = owner.get("parameters")
        if not isinstance(params, list):
            continue
        for i, raw in enumerate(params):
            node, ptr = deref(raw, jp.join(where, "parameters", i))
            if isinstance(node, dict) and isinstance(node.get("name"), str):
                side = ParamSide(node["name"], str(node.get("in")), node, ptr)
                merged[(side.location, side.name)] = side
    return list(merged.values())


def compare_parameter(ctx: DiffContext, base: ParamSide, revision: ParamSide) -> ParameterDiff:
    diff = ParameterDiff(base, revision)
    if base.required != revision.required:
        diff.fields["required"] = ValueChange(base.required, revision.required)
    if base.deprecated != revision.deprecated:
        diff.fields["deprecated"] = ValueChange(base.deprecated, revision.deprecated)
    diff.fields.update(changes(base.node, revision.node, SERIALIZATION_KEYS))
    diff.docs = changes(base.node, revision.node, DOC_KEYS)
    diff.schema = ctx.compare_schemas(base.schema, revision.schema)
    return diff


def _template_key(index: int, has_deployment: bool) -> tuple[str, str]:
    if has_deployment:
        return DEPLOYMENT_KEY if index == 0 else ("path", str(index - 1))
    return ("path", str(index))


def compare_parameters(ctx: DiffContext, base: list[ParamSide], revision: list[ParamSide],
                       paths: tuple[str, str], deployments: tuple[bool, bool],
                       skip: set[tuple[str, str]]) -> ParametersDiff:
    out = ParametersDiff()
    b = {param_key(p, paths[0], deployments[0]): p for p in base}
    r = {param_key(p, paths[1], deployments[1]): p for p in revision}
    # a path parameter lives in the path template: one that both templates have is no addition or removal,
    # even when one side forgot to declare it
    in_both = {_template_key(i, deployments[0]) for i in range(len(_PARAM.findall(paths[0])))} & {
        _template_key(i, deployments[1]) for i in range(len(_PARAM.findall(paths[1])))}
    for key, side in r.items():
        if key not in b and key not in skip and key not in in_both:
            out.added.append(side)
    for key, side in b.items():
        if key in skip:
            continue
        other = r.get(key)
        if other is None:
            if key not in in_both:
                out.removed.append(side)
            continue
        diff = compare_parameter(ctx, side, other)
        if not diff.empty:
            out.modified.append(diff)
    return out
