"""catalog, pull, bundle, validate: knowing, fetching and checking the spec versions."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from ..errors import AoaiSpecError
from ..load import dump
from ..render import render
from ..workspace import Workspace
from .common import EXIT_FINDINGS, emit, format_option, note, output_option, progress, workspace_options


@click.group("catalog", invoke_without_command=True)
@format_option("table", "json")
@click.option("--family", "families", multiple=True, help="Only these families (repeatable).")
@workspace_options
def catalog_command(fmt: str, families: tuple[str, ...], ws: Workspace) -> None:
    """List every spec version the project knows: status, surface, OpenAPI version, pinned source.

    `catalog update` finds new upstream versions and archives them (see `aoai-spec catalog update --help`).

    \b
    Examples:
      aoai-spec catalog
      aoai-spec catalog --format json --family azure-openai-inference
    """
    context = click.get_current_context()
    if context.invoked_subcommand is not None:
        context.obj = ws  # `catalog --catalog FILE update` updates FILE
        return
    entries = [e for e in ws.catalog if not families or e.family in families]
    if fmt == "json":
        emit(json.dumps({"entries": [e.to_dict() for e in entries], "surfaces": ws.catalog.surfaces}, indent=2))
    else:
        emit(render("catalog/table.txt.j2", entries=entries, families=sorted({e.family for e in entries})))


@catalog_command.command("update")
@click.option("--family", "families", multiple=True, help="Only the watched sources of these families (repeatable).")
@click.option("--dry-run", is_flag=True, help="Download, verify and diff, but write nothing (exit 1 still means new).")
@format_option("text", "json")
@click.option("--github-api", default="https://api.github.com", show_default=True, metavar="URL",
              help="GitHub REST API base URL.")
@click.option("--raw-url", default="https://raw.githubusercontent.com", show_default=True, metavar="URL",
              help="Base URL of raw files ({raw}/{owner}/{repo}/{sha}/{path}).")
@click.option("--token-env", metavar="VAR", help="Environment variable holding a GitHub token (sent to the API only, "
                                                   "never printed); without one GitHub allows 60 requests an hour.")
@click.option("--max-wait", type=click.FloatRange(0), default=60.0, show_default=True, metavar="SECONDS",
              help="How long a rate-limit answer may be waited out before the update gives up.")
@click.option("--catalog", "catalog_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              envvar="AOAI_SPEC_CATALOG", help="Catalog file to update [default: specs/catalog.json].")
@click.option("--archive", type=click.Path(file_okay=False, path_type=Path), default=None, envvar="AOAI_SPEC_ARCHIVE",
              help="Archive folder to add to; PROVENANCE.json sits beside it [default: specs/archive].")
def update_command(families: tuple[str, ...], dry_run: bool, fmt: str, github_api: str, raw_url: str,
                   token_env: str | None, max_wait: float, catalog_file: Path | None, archive: Path | None) -> None:
    """Find new upstream spec versions, archive them and pin them in the catalog.

    Watched sources are data in the catalog ("watch"): the dated Azure OpenAI inference folders, the Azure v1
    files and OpenAI's openapi.yaml/json. Every version newer than what the catalog pins (unpinned entries
    included) is downloaded at its commit with every file it $refs, checked against GitHub's blob sha, loaded,
    written into the archive and pinned (sha256, source commit, PROVENANCE.json row). Each new version's changes
    against its predecessor in the family are printed. Everything is staged first: a failed or interrupted
    update leaves the catalog, PROVENANCE.json and the archive as they were.

    Exit 1 when something new was archived (or found, with --dry-run), 0 when up to date, 2 on any error.

    \b
    Examples:
      aoai-spec catalog update --dry-run
      aoai-spec catalog update --family azure-openai-inference --token-env GITHUB_TOKEN
    """
    from ..resources import archive_dir, catalog_path
    from ..upstream import GitHub, update_catalog

    token = None
    if token_env:
        token = os.environ.get(token_env)
        if not token:
            raise AoaiSpecError(f"--token-env {token_env}: that environment variable is not set or empty")
    parent = click.get_current_context().obj
    chosen_catalog = catalog_file or (parent.catalog.path if isinstance(parent, Workspace) else None) or catalog_path()
    chosen_archive = archive or archive_dir()
    with GitHub(github_api, raw_url, token=token, max_wait=max_wait) as github:
        result = update_catalog(chosen_catalog, chosen_archive, github, families=families, dry_run=dry_run,
                                on_progress=lambda ident: note(f"archiving {ident}") if sys.stderr.isatty() else None)
    for warning in result.warnings:
        note(f"warning: {warning}")
    if fmt == "json":
        emit(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        emit(render("catalog/update.txt.j2", r=result, archive=chosen_archive))
    if result.changed:
        raise SystemExit(EXIT_FINDINGS)


@click.command("pull")
@click.argument("ids", nargs=-1)
@click.option("--all", "pull_all", is_flag=True, help="Every pinned entry of the catalog.")
@click.option("--force", is_flag=True, help="Fetch again even when the store already holds a verified copy.")
@format_option("text", "json")
@workspace_options
def pull_command(ids: tuple[str, ...], pull_all: bool, force: bool, fmt: str, ws: Workspace) -> None:
    """Fetch catalog specs and verify their sha256.

    An archived version (every pinned one in this repository) is served from specs/archive after its sha256 is
    checked: nothing is copied or downloaded. Other versions come from --mirror (or AOAI_SPEC_MIRROR) when
    given, else from their pinned URL, into the store. A mismatch, a missing file or a network error exits 2
    and leaves the store as it was.

    \b
    Examples:
      aoai-spec pull 2024-10-21 v1
      aoai-spec pull --all --format json
    """
    if not ids and not pull_all:
        raise click.UsageError("name at least one catalog id, or pass --all")
    skipped: list[str] = []
    if pull_all:
        entries = [e for e in ws.catalog if e.pinned or ws.trust_unpinned]
        skipped = [e.id for e in ws.catalog if not (e.pinned or ws.trust_unpinned)]
    else:
        entries = [ws.catalog.get(i) for i in ids]
    pulled = [ws.pull(entry, force=force) for entry in progress(entries, "pulling", total=len(entries))]
    if fmt == "json":
        emit(json.dumps({"pulled": [{"id": p.entry.id, "path": str(p.path), "origin": p.origin, "reused": p.reused,
                                      "sha256": p.entry.sha256} for p in pulled], "skipped": skipped}, indent=2))
    else:
        emit(render("catalog/pull.txt.j2", pulled=pulled, skipped=skipped))


@click.command("bundle")
@click.argument("spec")
@output_option
@format_option("json", "yaml")
@workspace_options
def bundle_command(spec: str, output: Path | None, fmt: str, ws: Workspace) -> None:
    """Write SPEC as one self-contained document: external $refs inlined (only from inside its folder).

    \b
    Example:
      aoai-spec bundle specs/my-api/openapi.yaml -o bundled.json
    """
    loaded = ws.open(spec)
    for warning in loaded.warnings:
        if warning.id != "duplicate-key":  # already said by the workspace
            note(f"warning: {warning}")
    emit(dump(loaded.document, fmt), output)


@click.command("validate")
@click.argument("spec")
@format_option("text", "json")
@output_option
@workspace_options
def validate_command(spec: str, fmt: str, output: Path | None, ws: Workspace) -> None:
    """Check SPEC against its OpenAPI meta-schema (3.0 or 3.1) and for integrity defects.

    Integrity: dangling $refs, required names without a property, discriminators not required, duplicate
    operationIds, undeclared path parameters, examples and defaults that do not match their schema.
    Exit 1 when any error-level finding is present.

    \b
    Example:
      aoai-spec validate 2024-10-21 --format json
    """
    from ..validate import validate

    report = validate(ws.open(spec))
    if fmt == "json":
        emit(json.dumps(report.to_dict(), indent=2) + "\n", output)
    else:
        verdict = "valid" if report.valid else "INVALID"
        emit(render("findings/text.txt.j2", findings=report.findings, counts=report.counts, subject=report.spec,
                    verdict=verdict), output)
    if not report.valid:
        raise SystemExit(EXIT_FINDINGS)


COMMANDS = (catalog_command, pull_command, bundle_command, validate_command)
