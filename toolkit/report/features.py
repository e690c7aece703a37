"""The v1 feature-status page: each `/openai/v1` path, GA or preview, and the opt-in a preview needs."""

from __future__ import annotations

from . import page as paths
from .page import Page
from .results import BuildResults


def page(results: BuildResults) -> Page:
    catalog = results.catalog
    v1 = results.versions.get(results.v1_id or "") or {}
    spec_paths: dict[str, list[str]] = (v1.get("facts") or {}).get("path_methods", {})
    prefix = catalog.surfaces.get("v1", {}).get("path_prefix", "/openai/v1")
    every_path = sorted(set(catalog.v1_features) | {catalog.v1_feature(p).path for p in spec_paths})
    in_spec = {catalog.v1_feature(p).path: methods for p, methods in spec_paths.items()}
    rows = []
    for path in every_path:
        feature = catalog.v1_feature(path)
        rows.append({
            "path": path,
            "url_path": prefix + path,
            "status": feature.status,
            "opt_in": feature.opt_in,
            "header": f"{feature.header.name}: {feature.header.value}" if feature.header else None,
            "in_catalog_table": path in catalog.v1_features,
            "in_spec": (path in in_spec) if spec_paths else None,
            "methods": [m.upper() for m in in_spec.get(path, [])],
        })
    counts = {"ga": sum(r["status"] == "ga" for r in rows), "preview": sum(r["status"] == "preview" for r in rows)}
    headers = sorted({r["header"] for r in rows if r["header"]})
    data = {
        "v1_spec": results.v1_id,
        "v1_spec_page": paths.version_path(results.v1_id) if results.v1_id else None,
        "base_urls": catalog.v1_base_urls,
        "path_prefix": prefix,
        "counts": counts,
        "headers": headers,
        "features": rows,
        "errors": v1.get("errors", []),
    }
    return Page(paths.FEATURES, "features", "v1 feature status", data)
