"""`compare()`: the whole pipeline for one pair, engine -> rules -> report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Mapping

from ..catalog import Catalog, load_catalog
from ..errors import CatalogError
from ..model import Spec
from .checker import check
from .config import RuleConfig, as_config
from .engine import diff_specs
from .policy import Lifecycle, parse_date
from .report import DiffReport, SpecInfo
from .surfaces import entry_of


def compare(base: Spec, revision: Spec, *, include_docs: bool = False,
            config: RuleConfig | Mapping[str, Any] | str | Path | None = None, map_surfaces: bool | None = None,
            catalog: Catalog | None = None, deprecation_days: int | None = None,
            first_seen: Mapping[str, dt.date] | None = None) -> DiffReport:
    """Every change from `base` to `revision`, judged by the rules.

    `map_surfaces=None` turns the dated <-> v1 mapping on when one side is dated and the other v1 (surfaces come
    from the catalog entry of a catalog spec, else from its paths). `config` changes rule levels or silences rules.
    Doc-level changes (descriptions, examples) are left out unless `include_docs`. `deprecation_days` (default:
    the config's, else 0 = none) is the minimum time between deprecation and removal; `first_seen` says when
    deprecations were first seen (a changelog passes what it learnt from earlier releases).
    """
    catalog = catalog if catalog is not None else _default_catalog()
    config = as_config(config)
    diff = diff_specs(base, revision, catalog=catalog, map_surfaces=map_surfaces)
    base_entry, revision_entry = entry_of(catalog, base), entry_of(catalog, revision)
    removal = parse_date(revision_entry.released) if revision_entry else None
    days = deprecation_days if deprecation_days is not None else config.deprecation_days
    diff.context.lifecycle = Lifecycle(removal or dt.date.today(), days, dict(first_seen or {}))
    changes = check(diff, config, include_docs=include_docs)
    return DiffReport(base.name, revision.name, changes, mapped=diff.mapped, include_docs=include_docs,
                      base_info=SpecInfo.of(base, base_entry, diff.context.base_surface),
                      revision_info=SpecInfo.of(revision, revision_entry, diff.context.revision_surface))


def _default_catalog() -> Catalog | None:
    try:
        return load_catalog()
    except CatalogError:
        return None  # no catalog: surfaces are detected from the documents alone
