"""`build_site`: pull, validate, diff, prepare and contract-test the catalog, then write the static site.

The build has three phases: pull every selected version into the store (serially: the store is one folder);
run the expensive jobs (`jobs.py`) over a process pool, the costliest ready job first, each spec parsed once
(`schedule.py`, `parsed.py`); turn the results into pages (one module per page kind) and write them through
`writer.py`. The site is written into a sibling folder and moved into place at the end, so a failed build never
leaves half a site behind and a rebuild replaces the old one. Each stage's seconds and peak memory are added up
(`meter.py`) and shown on the index page and in `--format json`.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..catalog import Catalog, CatalogEntry
from ..errors import CatalogError, SiteError
from ..workspace import Workspace
from . import apim, cache, changelog, compat, contract, features, index, versions
from .jobs import WorkspaceConfig, cache_directory, compat_job, contract_job, pair_job, version_job
from .outcome import StageError
from .page import Page, prepared_file
from .parsed import scratch
from .results import BuildResults
from .schedule import Job, Progress, run_jobs
from .summary import note_render_failures, summarize
from .writer import MARKER, write_pages

OPENAI_FAMILY = "openai"
CONTRACT_COST = 2e7  # in spec bytes (see `_entry_cost`): the mock run is the longest job, so it starts first


@dataclass
class ReportOptions:
    out: Path
    families: tuple[str, ...] = ()  # empty: every family with at least one pinned version
    targets: Path | None = None  # contract-test these deployments instead of the built-in mock
    contract: bool = True
    contract_spec: str = "v1"
    # `contract`'s own default: every operation of the v1 spec in every phase; --max-requests 1500 is the thorough run
    max_requests: int = 500
    seed: int = 0
    jobs: int = 2
    cache: bool = True


@dataclass
class SiteReport:
    """What a build wrote and what to look at first."""

    out: Path
    pages: list[Page]
    summary: dict[str, Any]
    seconds: float
    files: int = 0
    cached_jobs: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    stages: dict[str, dict[str, float]] = field(default_factory=dict)  # seconds and peak memory per stage
    pruned: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"out": str(self.out), "pages": len(self.pages), "files": self.files, "cached_jobs": self.cached_jobs,
                "seconds": round(self.seconds, 2), "timings": self.timings, "stages": self.stages,
                "cache_pruned": self.pruned, "summary": self.summary}


def _no_progress(items: Iterable[Any], label: str, total: int | None = None) -> Iterable[Any]:
    return items


def select_families(catalog: Catalog, wanted: tuple[str, ...]) -> list[str]:
    """The families to cover: the named ones (checked), else every family with a pinned version."""
    known = catalog.families()
    if wanted:
        unknown = [f for f in wanted if f not in known]
        if unknown:
            raise CatalogError(f"unknown family {', '.join(map(repr, unknown))}; known: {', '.join(known)}")
        return [f for f in known if f in wanted]
    return [f for f in known if any(e.pinned for e in catalog if e.family == f)]


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SiteError(f"{out}: folder is not empty and holds no site built by aoai-spec; pick a new or empty folder")


def _pull(ws: Workspace, entries: list[CatalogEntry], results: BuildResults, progress: Progress) -> None:
    for entry in progress(entries, "pulling specs", len(entries)):
        try:
            with results.meter.stage("pull"):
                pulled = ws.pull(entry)
            results.pulls[entry.id] = {"origin": pulled.origin, "reused": pulled.reused}
        except Exception as exc:  # noqa: BLE001 - a failed pull is shown on the version's pages
            results.pulls[entry.id] = {"error": StageError.from_exception("pull", entry.id, exc).to_dict()}


def _entry_cost(entry: CatalogEntry) -> float:
    """Roughly the seconds a spec costs, in bytes: YAML parses several times slower than JSON."""
    yaml = (entry.source.path or "").lower().endswith((".yaml", ".yml"))
    return float(entry.bytes or 100_000) * (3 if yaml else 1)


def build_results(ws: Workspace, options: ReportOptions, progress: Progress = _no_progress,
                  parsed_dir: Path | None = None) -> BuildResults:
    """Pull and compute everything the pages show (no files written but the prepared specs, into `staging`)."""
    catalog = ws.catalog
    families = select_families(catalog, options.families)
    entries = [e for e in catalog if e.family in families]
    results = BuildResults(catalog=catalog, families=families, entries=entries)
    buildable = [e for e in entries if e.pinned or ws.trust_unpinned]
    _pull(ws, buildable, results, progress)
    pulled = {e.id for e in buildable if "error" not in results.pulls[e.id]}
    config = WorkspaceConfig.of(ws, cache=options.cache, parsed_dir=parsed_dir)
    staging = _staging(options.out)

    planned: list[Job] = []
    for entry in buildable:
        if entry.id in pulled:
            # a format twin (`+yaml`) has its primary's contract: validated, but not prepared for APIM twice
            apim_too = entry.variant_of is None
            planned.append(Job(f"version:{entry.id}", _entry_cost(entry) * (2 if apim_too else 1), version_job,
                               (config, entry.id, str(staging / prepared_file(entry.id)), apim_too)))
    for family in families:
        history = [e for e in results.history(family) if e.id in pulled]
        for base, revision in zip(history, history[1:]):
            # after both version jobs, which leave their parsed specs for it
            planned.append(Job(f"pair:{base.id}:{revision.id}", _entry_cost(base) + _entry_cost(revision), pair_job,
                               (config, family, base.id, revision.id), needs=(f"version:{base.id}", f"version:{revision.id}")))
    # compat always compares the latest pinned OpenAI spec with the catalog's `v1`, pulled even when their
    # families are not part of the build (two files; the page is about them, not about the selection)
    compared = _compat_pair(ws, catalog, results, progress)
    if compared:
        planned.append(Job("compat", _entry_cost(compared[0]) * 3, compat_job, (config, compared[0].id, compared[1].id),
                           needs=tuple(f"version:{e.id}" for e in compared)))
    v1_entry = _v1_entry(catalog)
    results.v1_id = v1_entry.id if v1_entry and v1_entry.id in pulled else None
    if options.contract:
        planned.append(Job("contract", CONTRACT_COST, contract_job, (config, options.contract_spec,
                                                                     str(options.targets) if options.targets else None,
                                                                     options.max_requests, options.seed)))
    else:
        results.contract_skipped = "skipped with --no-contract"

    done = run_jobs(planned, options.jobs, progress)
    results.cached_jobs = sum(1 for result in done.values() if result.get("cached"))
    for result in done.values():
        results.meter.merge(result.get("stages"))
    for entry in buildable:
        if f"version:{entry.id}" in done:
            results.versions[entry.id] = done[f"version:{entry.id}"]
    for family in families:
        history = [e for e in results.history(family) if e.id in pulled]
        results.pairs[family] = [
            {"family": family, "from": b.id, "to": r.id, **done[f"pair:{b.id}:{r.id}"]} for b, r in zip(history, history[1:])
        ]
    results.compat = done.get("compat")
    results.contract = done.get("contract")
    return results


def _compat_pair(ws: Workspace, catalog: Catalog, results: BuildResults, progress: Progress) -> tuple[CatalogEntry, CatalogEntry] | None:
    """(latest pinned OpenAI spec, Azure v1) pulled for the compat page, or None with the reason recorded."""
    history = catalog.history(OPENAI_FAMILY)
    v1 = _v1_entry(catalog)
    if not history or v1 is None:
        results.compat_skipped = f"the catalog has no pinned {OPENAI_FAMILY!r} version or no 'v1' entry"
        return None
    pair = (history[-1], v1)
    missing = [e for e in pair if e.id not in results.pulls]
    _pull(ws, missing, results, progress)
    failed = [e.id for e in pair if "error" in results.pulls[e.id]]
    if failed:
        results.compat_skipped = f"could not pull {', '.join(failed)}"
        return None
    return pair


def _v1_entry(catalog: Catalog) -> CatalogEntry | None:
    try:
        return catalog.get("v1")
    except CatalogError:
        return None


def _staging(out: Path) -> Path:
    return out.parent / f".{out.name}.building"


def build_pages(results: BuildResults, options: ReportOptions) -> tuple[list[Page], dict[str, Any]]:
    summary = summarize(results)
    pages: list[Page] = [index.page(results, summary)]
    pages += versions.pages(results)
    pages += changelog.pages(results)
    pages.append(features.page(results))
    pages.append(compat.page(results))
    pages += apim.pages(results)
    pages.append(contract.page(results, options.targets))
    return pages, summary


def build_site(ws: Workspace, options: ReportOptions, progress: Progress = _no_progress) -> SiteReport:
    """Build the whole site into `options.out`; stage failures become page content, never a failed build."""
    started = time.perf_counter()
    out = options.out.resolve()
    options = ReportOptions(**{**options.__dict__, "out": out})
    _check_out(out)
    if options.targets and options.contract:
        from ..contract import load_targets

        load_targets(options.targets, default_spec=options.contract_spec)  # a malformed file is bad input: exit 2
    staging = _staging(out)
    try:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
    except OSError as exc:
        raise SiteError(f"{out}: cannot write the site next to it: {exc.strerror or exc}") from None
    cache_dir = cache_directory(ws) if options.cache else None
    cache.start_build(cache_dir)
    try:
        with scratch() as parsed_dir:
            results = build_results(ws, options, progress, parsed_dir)
        computed = time.perf_counter()
        pages, summary = build_pages(results, options)
        # the front page last, so that its "Build problems" include any page that failed to render, and its
        # "Where the time went" the writing of the other pages
        with results.meter.stage("write"):
            files, render_failures = write_pages(staging, pages[1:], progress)
        if render_failures:
            note_render_failures(summary, render_failures)
        stages = results.meter.to_dict()
        pages[0].data["build"] = {"stages": stages, "compute_seconds": round(computed - started, 2)}
        files += write_pages(staging, pages[:1], _no_progress)[0]
        if out.exists():
            shutil.rmtree(out)
        staging.replace(out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise SiteError(f"{out}: cannot write the site: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    pruned = cache.prune(cache_dir) if cache_dir else None
    finished = time.perf_counter()
    timings = {"compute": round(computed - started, 2), "write": round(finished - computed, 2)}
    return SiteReport(out=out, pages=pages, summary=summary, seconds=finished - started, files=files,
                      cached_jobs=results.cached_jobs, timings=timings, stages=stages,
                      pruned=pruned.to_dict() if pruned else {})
