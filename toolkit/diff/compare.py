"""`compare()`: the whole pipeline for one pair, engine -> rules -> report."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ..catalog import Catalog, load_catalog
from ..errors import CatalogError
from ..model import Spec
from .checker import check
from .config import RuleConfig, as_config
from .engine import diff_specs
from .report import DiffReport


def compare(base: Spec, revision: Spec, *, include_docs: bool = False,
            config: RuleConfig | Mapping[str, Any] | str | Path | None = None, map_surfaces: bool | None = None,
            catalog: Catalog | None = None) -> DiffReport:
    """Every change from `base` to `revision`, judged by the rules.

    `map_surfaces=None` turns the dated <-> v1 mapping on when one side is dated and the other v1 (surfaces come
    from the catalog entry of a catalog spec, else from its paths). `config` changes rule levels or silences rules.
    Doc-level changes (descriptions, examples) are left out unless `include_docs`.
    """
    catalog = catalog if catalog is not None else _default_catalog()
    diff = diff_specs(base, revision, catalog=catalog, map_surfaces=map_surfaces)
    changes = check(diff, as_config(config), include_docs=include_docs)
    return DiffReport(base.name, revision.name, changes, mapped=diff.mapped, include_docs=include_docs)


def _default_catalog() -> Catalog | None:
    try:
        return load_catalog()
    except CatalogError:
        return None  # no catalog: surfaces are detected from the documents alone
