"""catalog, pull, bundle, validate: knowing, fetching and checking the spec versions."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..load import dump
from ..render import render
from ..workspace import Workspace
from .common import EXIT_FINDINGS, emit, format_option, note, output_option, progress, workspace_options


@click.command("catalog")
@format_option("table", "json")
@click.option("--family", "families", multiple=True, help="Only these families (repeatable).")
@workspace_options
def catalog_command(fmt: str, families: tuple[str, ...], ws: Workspace) -> None:
    """List every spec version the project knows: status, surface, OpenAPI version, pinned source.

    \b
    Example:
      aoai-spec catalog --format json --family azure-openai-inference
    """
    entries = [e for e in ws.catalog if not families or e.family in families]
    if fmt == "json":
        emit(json.dumps({"entries": [e.to_dict() for e in entries], "surfaces": ws.catalog.surfaces}, indent=2))
    else:
        emit(render("catalog/table.txt.j2", entries=entries, families=sorted({e.family for e in entries})))


@click.command("pull")
@click.argument("ids", nargs=-1)
@click.option("--all", "pull_all", is_flag=True, help="Every pinned entry of the catalog.")
@click.option("--force", is_flag=True, help="Fetch again even when the store already holds a verified copy.")
@format_option("text", "json")
@workspace_options
def pull_command(ids: tuple[str, ...], pull_all: bool, force: bool, fmt: str, ws: Workspace) -> None:
    """Fetch catalog specs into the store and verify their sha256.

    Files come from --mirror (or AOAI_SPEC_MIRROR) when given, else from their pinned URL. A mismatch, a missing
    file or a network error exits 2 and leaves the store as it was.

    \b
    Examples:
      aoai-spec pull 2024-10-21 v1 --mirror ../shared/upstream-specs
      aoai-spec pull --all
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
