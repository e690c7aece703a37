"""report: the main job, one static site for the whole spec estate."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from ..render import render
from ..workspace import Workspace
from .common import EXIT_FINDINGS, emit, format_option, note, progress, workspace_options


@click.command("report")
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="Folder to write the site into (created; a previous site there is replaced). Required unless "
                   "--prune-cache is given alone.")
@click.option("--family", "families", multiple=True,
              help="Only these catalog families (repeatable) [default: every family with a pinned version].")
@click.option("--targets", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Contract-test the deployments of this targets file instead of the built-in mock.")
@click.option("--no-contract", is_flag=True, help="Skip the contract tests.")
@click.option("--max-requests", type=click.IntRange(1), default=500, show_default=True,
              help="Contract-test budget per target: every request of every phase counts (500 tests every "
                   "operation of the mock's v1 spec in every phase; 1500 is the thorough mock run).")
@click.option("--jobs", type=click.IntRange(1), default=None,
              help="Worker processes [default: the CPU count, at most 4].")
@click.option("--no-cache", is_flag=True, help="Recompute every stage instead of reusing results cached in the store.")
@click.option("--prune-cache", is_flag=True,
              help="Remove the cached stage results the latest build did not use (after building, with --out). "
                   "Every build already removes those that none of the last few builds used.")
@format_option("text", "json")
@workspace_options
def report_command(out: Path | None, families: tuple[str, ...], targets: Path | None, no_contract: bool,
                   max_requests: int, jobs: int | None, no_cache: bool, prune_cache: bool, fmt: str,
                   ws: Workspace) -> None:
    """Build the static report site: every version, changelogs, v1 features, compat, APIM readiness, contract tests.

    Reads each pinned version from the project's archive (specs/archive, no network; a version that is not
    archived yet is pulled from --mirror or its pinned URL), validates it, diffs each consecutive pair of every
    family, compares OpenAI's latest spec with Azure's v1, prepares every version for API Management and
    contract-tests the built-in mock (or --targets). Every page is written as HTML with a Markdown and a JSON
    twin; pages open from disk with no network. Results are cached in the store, so a rebuild of an unchanged
    catalog is fast; a cached result is keyed by the spec files, the code, and the versions of the libraries it
    depends on, so an upgrade never serves a stale one.

    \b
    Exit codes:
      0  every pinned version was built and every stage ran (or the cache was pruned)
      1  the site was written, but a version was not built or a stage failed (one stderr line each)
      2  bad usage or input (unknown family, unusable --out, no --out)

    \b
    Examples:
      aoai-spec report --out site
      aoai-spec report --out site --family openai --family azure-openai-v1 --no-contract
      aoai-spec report --out site --targets targets.yaml --format json
      aoai-spec report --prune-cache
    """
    from ..report import ReportOptions, build_site
    from ..report.cache import prune
    from ..report.jobs import cache_directory

    if out is None:
        if not prune_cache:
            raise click.UsageError("missing option '--out' (the folder to write the site into)")
        pruned = prune(cache_directory(ws), keep_builds=1)
        if fmt == "json":
            emit(json.dumps({"cache_pruned": pruned.to_dict()}, indent=2) + "\n")
        else:
            emit(render("report/pruned.txt.j2", pruned=pruned, directory=cache_directory(ws)))
        return

    options = ReportOptions(out=out, families=families, targets=targets, contract=not no_contract,
                            max_requests=max_requests, jobs=jobs or min(os.cpu_count() or 1, 4), cache=not no_cache)
    site = build_site(ws, options, progress)
    if prune_cache and not no_cache:
        site.pruned = prune(cache_directory(ws), keep_builds=1).to_dict()
    if fmt == "json":
        emit(json.dumps(site.to_dict(), indent=2) + "\n")
    else:
        emit(render("report/summary.txt.j2", site=site, s=site.summary, index=site.out / "index.html"))
    problems = site.summary["stage_errors"]["items"]
    for problem in problems:
        note(f"aoai-spec: {problem['kind']} problem: {problem['stage']} {problem['subject']}: " + " ".join(problem["message"].split()))
    unbuilt = site.summary["pinned"] - site.summary["built"]
    if unbuilt or problems or not site.summary["built"]:
        note(f"aoai-spec: partial site: {site.summary['built']} of {site.summary['pinned']} pinned versions built, "
             f"{len(problems)} stage problem(s); see the 'Build problems' section of {site.out / 'index.html'}")
        raise SystemExit(EXIT_FINDINGS)


COMMANDS = (report_command,)
