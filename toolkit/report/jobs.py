"""The units of work of a site build, run in worker processes: one per version, per pair, compat, contract.

Each job is a top-level function of picklable arguments returning a plain dict (what the pages read), so a
process pool can spread them over cores (`schedule.py`). Each job opens its specs through its own `Workspace`,
parsing each at most once per build (`parsed.py`), catches every failure of every stage into `errors` (see
`outcome.py`), caches error-free results in the store, and reports the seconds and peak memory of each of its
stages under `stages` (`meter.py`).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..catalog import load_catalog
from ..errors import CatalogError
from ..model import HTTP_METHODS, Spec
from ..workspace import Workspace
from .cache import ResultCache
from .meter import Meter
from .outcome import attempt
from .parsed import open_spec

if TYPE_CHECKING:
    from ..structure import StructureCheck


@dataclass(frozen=True)
class WorkspaceConfig:
    """What a worker process needs to rebuild the parent's `Workspace` (a catalog object is not shipped)."""

    catalog_path: str | None
    store_dir: str
    mirror: str | None
    archive: str | None
    allow_remote_refs: bool
    trust_unpinned: bool
    cache_dir: str | None
    parsed_dir: str | None = None  # the build's scratch folder of parsed specs

    @classmethod
    def of(cls, ws: Workspace, *, cache: bool = True, parsed_dir: Path | None = None) -> "WorkspaceConfig":
        return cls(
            catalog_path=str(ws.catalog.path) if ws.catalog.path else None,
            store_dir=str(ws.store_dir),
            mirror=str(ws.mirror) if ws.mirror else None,
            archive=str(ws.archive) if ws.archive else None,
            allow_remote_refs=ws.allow_remote_refs,
            trust_unpinned=ws.trust_unpinned,
            cache_dir=str(cache_directory(ws)) if cache else None,
            parsed_dir=str(parsed_dir) if parsed_dir else None,
        )


def cache_directory(ws: Workspace) -> Path:
    return Path(ws.store_dir) / ".report-cache"


_WORKSPACES: dict[WorkspaceConfig, Workspace] = {}


def workspace(config: WorkspaceConfig) -> Workspace:
    """One `Workspace` per process and configuration (the catalog is read once per worker)."""
    if config not in _WORKSPACES:
        _WORKSPACES[config] = Workspace(
            catalog=load_catalog(config.catalog_path),
            store_dir=Path(config.store_dir),
            mirror=Path(config.mirror) if config.mirror else None,
            archive=Path(config.archive) if config.archive else None,
            allow_remote_refs=config.allow_remote_refs,
            trust_unpinned=config.trust_unpinned,
        )
    return _WORKSPACES[config]


def _open(config: WorkspaceConfig, spec_id: str) -> Spec:
    """A spec by catalog id (or path), parsed at most once per build: `v1` and its full id share one parse."""
    ws = workspace(config)
    if not Path(spec_id).exists() and ws.catalog.looks_like_id(spec_id):
        try:
            spec_id = ws.catalog.get(spec_id).id
        except CatalogError:
            pass  # `ws.open` gives the error
    return open_spec(ws, spec_id, Path(config.parsed_dir) if config.parsed_dir else None)


def _finished(result: dict[str, Any], meter: Meter, started: float, cached: bool) -> dict[str, Any]:
    return {**result, "cached": cached, "seconds": round(time.perf_counter() - started, 3), "stages": meter.to_dict()}


def as_dict(value: Any) -> Any:
    """A result object of another area as plain data: its `to_dict()`, else dataclass fields, else itself."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return value


def _sha(ws: Workspace, entry_id: str) -> str | None:
    """The pinned sha256 of a catalog id (None for a file path or an unpinned entry: never cached)."""
    try:
        return ws.catalog.get(entry_id).sha256
    except CatalogError:
        return None


# --------------------------------------------------------------------------------------------------- per version


def spec_facts(spec: Spec) -> dict[str, Any]:
    """What the index and the charts show about a loaded document."""
    operations = list(spec.operations())
    paths: dict[str, list[str]] = {}
    for op in operations:
        paths.setdefault(op.path, []).append(op.method)
    info = spec.document.get("info") if isinstance(spec.document.get("info"), dict) else {}
    return {
        "openapi": spec.openapi_version,
        "title": info.get("title") if isinstance(info.get("title"), str) else None,
        "info_version": spec.info_version,
        "paths": len(spec.paths),
        "operations": len(operations),
        "schemas": len(spec.schemas),
        "path_methods": {path: sorted(methods, key=HTTP_METHODS.index) for path, methods in paths.items()},
    }


def _validation(spec: Spec, structure: StructureCheck) -> dict[str, Any]:
    from ..validate import validate

    return validate(spec, structure=structure).to_dict()


def _apim(spec: Spec, prepared_file: Path, structure: StructureCheck | None) -> dict[str, Any]:
    """APIM readiness: lint of the file as published, then `prepare` (downgrade + fixes) and its size."""
    from ..apim import lint, prepare
    from ..apim.rules import MAX_INLINE_BYTES

    as_published = [as_dict(f) for f in lint(spec.document, structure=structure)]
    prepared = prepare(spec)
    prepared_file.parent.mkdir(parents=True, exist_ok=True)
    prepared_file.write_text(prepared.minified, encoding="utf-8")
    return {
        "as_published": as_published,
        "findings": [as_dict(f) for f in prepared.findings],
        "losses": [as_dict(loss) for loss in prepared.losses],
        "size_bytes": prepared.size_bytes,
        "limit_bytes": MAX_INLINE_BYTES,
        "within_limit": prepared.fits_inline,
        "import_command": prepared.import_command,
        "downgraded": spec.is_31,
        "prepared_openapi": prepared.document.get("openapi"),
    }


def version_job(config: WorkspaceConfig, entry_id: str, prepared_file: str, apim: bool = True) -> dict[str, Any]:
    """Load, validate and (optionally) APIM-prepare one catalog version; write its prepared spec file."""
    started, meter = time.perf_counter(), Meter()
    ws = workspace(config)
    cache = ResultCache(Path(config.cache_dir) if config.cache_dir else None)
    target = Path(prepared_file)
    sha = _sha(ws, entry_id)
    key = cache.key("version", entry_id, sha, apim) if sha else None
    if key:
        hit = cache.get("version", key)
        blob = cache.get_bytes("version", key, ".prepared.json") if apim else b""
        if hit is not None and blob is not None:
            if apim:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(blob)
            return _finished(hit, meter, started, cached=True)
    errors: list[dict[str, Any]] = []
    result: dict[str, Any] = {"id": entry_id, "facts": None, "validation": None, "apim": None, "errors": errors}
    with meter.stage("load"):
        spec = attempt("load", entry_id, lambda: _open(config, entry_id), errors)
    if spec is not None:
        with meter.stage("validate"):
            result["facts"] = attempt("load", entry_id, lambda: spec_facts(spec), errors)
            from ..structure import check_structure

            structure = check_structure(spec.document, spec.is_31)  # read by validate and by the APIM lint
            result["validation"] = attempt("validate", entry_id, lambda: _validation(spec, structure), errors)
        if apim:
            with meter.stage("apim"):
                result["apim"] = attempt("apim", entry_id, lambda: _apim(spec, target, structure), errors)
    if key and not errors:
        cache.put("version", key, result)
        if apim:
            cache.put_bytes("version", key, target.read_bytes(), ".prepared.json")
    return _finished(result, meter, started, cached=False)


# --------------------------------------------------------------------------------------------------- diffs


def _counts(changes: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0, "doc": 0}
    for change in changes:
        counts[change.get("level", "info")] = counts.get(change.get("level", "info"), 0) + 1
    return counts


def pair_job(config: WorkspaceConfig, family: str, base_id: str, revision_id: str) -> dict[str, Any]:
    """The breaking-change report of one consecutive pair of a family's release history."""
    started, meter = time.perf_counter(), Meter()
    ws = workspace(config)
    cache = ResultCache(Path(config.cache_dir) if config.cache_dir else None)
    shas = (_sha(ws, base_id), _sha(ws, revision_id))
    key = cache.key("pair", base_id, revision_id, *shas) if all(shas) else None
    if key and (hit := cache.get("pair", key)) is not None:
        return _finished(hit, meter, started, cached=True)
    errors: list[dict[str, Any]] = []
    result: dict[str, Any] = {"family": family, "from": base_id, "to": revision_id, "report": None, "counts": None,
                              "errors": errors}
    subject = f"{base_id} -> {revision_id}"
    with meter.stage("load"):
        specs = attempt("diff", subject, lambda: (_open(config, base_id), _open(config, revision_id)), errors)
    if specs is not None:
        from ..diff import compare

        with meter.stage("diff"):
            report = attempt("diff", subject, lambda: as_dict(compare(*specs)), errors)
        if report is not None:
            result["report"] = report
            result["counts"] = _counts(report.get("changes", []))
    if key and not errors:
        cache.put("pair", key, result)
    return _finished(result, meter, started, cached=False)


def compat_job(config: WorkspaceConfig, openai_id: str, v1_id: str) -> dict[str, Any]:
    """How far Azure's v1 surface is from OpenAI's own API (`toolkit.diff.compat`)."""
    started, meter = time.perf_counter(), Meter()
    ws = workspace(config)
    cache = ResultCache(Path(config.cache_dir) if config.cache_dir else None)
    shas = (_sha(ws, openai_id), _sha(ws, v1_id))
    key = cache.key("compat", openai_id, v1_id, *shas) if all(shas) else None
    if key and (hit := cache.get("compat", key)) is not None:
        return _finished(hit, meter, started, cached=True)
    errors: list[dict[str, Any]] = []
    subject = f"{openai_id} <-> {v1_id}"
    report = None
    with meter.stage("load"):
        specs = attempt("compat", subject, lambda: (_open(config, openai_id), _open(config, v1_id)), errors)
    if specs is not None:
        from ..diff import compat

        with meter.stage("compat"):
            report = attempt("compat", subject, lambda: as_dict(compat(*specs)), errors)
    result = {"openai": openai_id, "v1": v1_id, "report": report, "errors": errors}
    if key and not errors:
        cache.put("compat", key, result)
    return _finished(result, meter, started, cached=False)


# --------------------------------------------------------------------------------------------------- contract


def _redacted(report: Any) -> dict[str, Any]:
    """A contract report as data with the run's secrets (api keys, tokens) scrubbed, as the runner's own JSON is."""
    data = as_dict(report)
    redactor = getattr(report, "redactor", None)
    return redactor.data(data) if redactor is not None else data


def contract_job(config: WorkspaceConfig, spec_arg: str, targets_file: str | None, max_requests: int,
                 seed: int) -> dict[str, Any]:
    """Contract-test the built-in mock (default) or every deployment of a targets file: one report per target."""
    started, meter = time.perf_counter(), Meter()
    ws = workspace(config)
    errors: list[dict[str, Any]] = []
    subject = targets_file or f"mock ({spec_arg})"
    # a run against the built-in mock is a deterministic function of the code, the spec, the seed and the budget,
    # so it is cached like the other stages; a run against real deployments never is
    cache = ResultCache(Path(config.cache_dir) if config.cache_dir and not targets_file else None)
    sha = _sha(ws, spec_arg)
    key = cache.key("contract", spec_arg, sha, max_requests, seed) if sha else None
    if key and (hit := cache.get("contract", key)) is not None:
        return _finished(hit, meter, started, cached=True)

    from .. import contract

    reports: list[dict[str, Any]] | None
    with meter.stage("contract"):
        reports = _contract_reports(config, contract, subject, spec_arg, targets_file, max_requests, seed, errors)
    result = {"target": "targets" if targets_file else "mock", "subject": subject, "spec": spec_arg,
              "max_requests": max_requests, "reports": reports, "errors": errors}
    if key and not errors:
        cache.put("contract", key, result)
    return _finished(result, meter, started, cached=False)


def _contract_reports(config: WorkspaceConfig, contract: Any, subject: str, spec_arg: str, targets_file: str | None,
                      max_requests: int, seed: int, errors: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    ws = workspace(config)
    if targets_file:
        # one run per target, each on its own: a target that cannot run (a missing key) does not lose the others
        targets = attempt("contract", subject, lambda: contract.load_targets(Path(targets_file), default_spec=spec_arg),
                          errors) or []
        runs = [attempt("contract", f"{subject}: {t.name}",
                        lambda t=t: _redacted(contract.run_targets([t], ws=ws, max_requests=max_requests, seed=seed)[0]),
                        errors) for t in targets]
        return [r for r in runs if r is not None] or None
    # the spec through the build's parse cache: its version job then reads this parse instead of making its own
    return attempt("contract", subject, lambda: [_redacted(contract.run_against_mock(
        _open(config, spec_arg), max_requests=max_requests, seed=seed, ws=ws))], errors)


__all__ = ["WorkspaceConfig", "compat_job", "contract_job", "pair_job",
           "spec_facts", "version_job"]
