"""The diff engine: two specs in, one plain data tree (`SpecDiff`) out. It judges nothing; rules do."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog import Catalog
from ..model import Spec
from .context import DiffContext
from .components_diff import ComponentsDiff, compare_unreached
from .paths_diff import OperationDiff, OpSide, compare_operation, operation_sides, webhook_sides
from .security_diff import SchemesDiff, SecurityDiff, compare_schemes, compare_security, requirements
from .servers_diff import ServersDiff, compare_servers
from .surfaces import detect_surface, is_azure_v1, path_key


@dataclass(eq=False)
class SpecDiff:
    context: DiffContext
    added: list[OpSide] = field(default_factory=list)
    removed: list[OpSide] = field(default_factory=list)
    paths_removed: set[str] = field(default_factory=set)  # base paths none of whose operations survive
    operations: list[OperationDiff] = field(default_factory=list)
    servers: ServersDiff = field(default_factory=ServersDiff)
    security: SecurityDiff = field(default_factory=SecurityDiff)
    schemes: SchemesDiff = field(default_factory=SchemesDiff)
    webhooks_added: list[OpSide] = field(default_factory=list)
    webhooks_removed: list[OpSide] = field(default_factory=list)
    webhooks: list[OperationDiff] = field(default_factory=list)
    components: ComponentsDiff = field(default_factory=ComponentsDiff)  # schemas no operation or webhook reaches

    @property
    def mapped(self) -> bool:
        return self.context.mapped


def diff_specs(base: Spec, revision: Spec, *, catalog: Catalog | None = None, map_surfaces: bool | None = None) -> SpecDiff:
    """Compare two specs. `map_surfaces=None` turns the dated <-> v1 mapping on when the surfaces differ."""
    b_entry = _entry(catalog, base)
    r_entry = _entry(catalog, revision)
    b_surface, r_surface = detect_surface(base, b_entry), detect_surface(revision, r_entry)
    mapped = (b_surface != r_surface) if map_surfaces is None else bool(map_surfaces)
    ctx = DiffContext(base, revision, catalog, b_surface, r_surface, mapped,
                      is_azure_v1(base, b_entry, b_surface), is_azure_v1(revision, r_entry, r_surface))
    out = SpecDiff(ctx)
    b_ops, r_ops = operation_sides(ctx, "base"), operation_sides(ctx, "revision")
    pairs = [(b_ops[key], r_ops[key]) for key in b_ops if key in r_ops]
    left_b = {k: op for k, op in b_ops.items() if k not in r_ops}
    left_r = {k: op for k, op in r_ops.items() if k not in b_ops}
    # a dated operation whose deployment segment appeared or went away (`/x` <-> `/{deployment_id}/x`) is the
    # same operation, moved: match it by its path without the deployment, the rules report the move
    both_dated = b_surface == r_surface == "dated"
    by_short = {(_without_deployment(op, b_surface), key[1]): key for key, op in left_b.items()} if both_dated else {}
    for key, op in list(left_r.items()) if both_dated else ():
        match = by_short.get((_without_deployment(op, ctx.revision_surface), key[1]))
        if match is not None and match in left_b:
            pairs.append((left_b.pop(match), left_r.pop(key)))
    out.added = list(left_r.values())
    out.removed = list(left_b.values())
    surviving_paths = {b.path for b, _ in pairs}
    for b, r in pairs:
        out.operations.append(compare_operation(ctx, b, r, mapped and b_surface != r_surface))
    out.paths_removed = {op.path for op in out.removed} - surviving_paths
    if not (mapped and b_surface != r_surface):
        out.servers = compare_servers(base.document.get("servers"), revision.document.get("servers"))
    out.security = compare_security(requirements(base, base.document.get("security")),
                                    requirements(revision, revision.document.get("security")))
    out.schemes = compare_schemes(base, revision)
    b_hooks, r_hooks = webhook_sides(ctx, "base"), webhook_sides(ctx, "revision")
    out.webhooks_added = [op for key, op in r_hooks.items() if key not in b_hooks]
    out.webhooks_removed = [op for key, op in b_hooks.items() if key not in r_hooks]
    out.webhooks = [compare_operation(ctx, op, r_hooks[key], False) for key, op in b_hooks.items() if key in r_hooks]
    out.components = compare_unreached(ctx)
    return out


def _without_deployment(op: OpSide, surface: str) -> str:
    return path_key(op.path, surface, True).key


def _entry(catalog: Catalog | None, spec: Spec):  # -> CatalogEntry | None
    if catalog is None or not spec.catalog_id:
        return None
    try:
        return catalog.get(spec.catalog_id)
    except Exception:  # a spec loaded with a stale id is still comparable, just without catalog facts
        return None
