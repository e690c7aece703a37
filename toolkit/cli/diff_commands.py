"""diff, breaking, changelog, history, compat, rules: what changed between spec versions and what it breaks."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..render import render
from ..workspace import Workspace
from .common import EXIT_FINDINGS, emit, format_option, note, output_option, progress, workspace_options

_REPORT_FORMATS = ("text", "markdown", "html", "json", "githubactions", "junit")


def _config_option(func):
    return click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Rule config (YAML/JSON): {rules: {RULE_ID: error|warning|info|doc|off}, "
                             "deprecation_days: N}.")(func)


def _mapping_option(func):
    return click.option("--map-surfaces/--no-map-surfaces", default=None,
                        help="Match dated /deployments/{id}/X with v1 /X [default: on when one side is dated and "
                             "the other v1].")(func)


def _filter_options(func):
    """--match-path, --operation, --exclude-elements: the oasdiff-style filters (toolkit.diff.filters)."""
    func = click.option("--exclude-elements", "exclude_elements", multiple=True, metavar="CLASS[,CLASS]",
                        help="Leave out changes of these classes: description, endpoints, examples, extensions, "
                             "summary, title (repeatable or comma-separated).")(func)
    func = click.option("--operation", "operations", multiple=True, metavar='"METHOD /path"',
                        help='Only changes that reach this operation, e.g. "POST /chat/completions" (repeatable; '
                             "dated and v1 spellings of a path both match).")(func)
    return click.option("--match-path", default=None, metavar="REGEX",
                        help="Only changes of operations whose path matches REGEX (re.search).")(func)


def _lifecycle_option(func):
    return click.option("--deprecation-days", type=click.IntRange(min=0), default=None, metavar="N",
                        help="Minimum days between a known deprecation date and a removal; an earlier removal is an "
                             "error [default: the config's deprecation_days, else 0 = only sunset dates count].")(func)


def _per_operation_option(func):
    return click.option("--per-operation", is_flag=True,
                        help="One entry per operation a change reaches, instead of one per change at its component "
                             "(counts then count operation x change).")(func)


def _change_filter(match_path: str | None, operations: tuple[str, ...], exclude_elements: tuple[str, ...]):
    from ..diff.filters import ChangeFilter, parse_classes

    return ChangeFilter(match_path, tuple(operations), parse_classes(exclude_elements))


def _compare(ws: Workspace, base: str, revision: str, include_docs: bool, config_file: Path | None,
             map_surfaces: bool | None, deprecation_days: int | None = None):
    from ..diff import compare
    from ..diff.config import RuleConfig

    config = RuleConfig.load(config_file) if config_file else None
    base_spec, revision_spec = ws.open(base), ws.open(revision)
    report = compare(base_spec, revision_spec, include_docs=include_docs, config=config, map_surfaces=map_surfaces,
                     catalog=ws.catalog, deprecation_days=deprecation_days)
    return report, revision_spec


def _render(ws: Workspace, report, revision_spec, fmt: str, fail_on: str | None) -> str:
    from ..diff import render_report

    file, local = ws.source_file(revision_spec)
    return render_report(report, fmt, file=file, local_file=local if fmt == "githubactions" else None,
                         fail_on=fail_on)


@click.command("diff")
@click.argument("base")
@click.argument("revision")
@format_option(*_REPORT_FORMATS)
@output_option
@click.option("--include-docs", is_flag=True, help="Also list description/summary/example-only edits (level doc).")
@_per_operation_option
@_filter_options
@_lifecycle_option
@_config_option
@_mapping_option
@workspace_options
def diff_command(base: str, revision: str, fmt: str, output: Path | None, include_docs: bool, per_operation: bool,
                 match_path: str | None, operations: tuple[str, ...], exclude_elements: tuple[str, ...],
                 deprecation_days: int | None, config_file: Path | None, map_surfaces: bool | None,
                 ws: Workspace) -> None:
    """Every change from BASE to REVISION (files, catalog ids or git:REF:PATH), each with a rule id and level.

    Schemas are compared by meaning: renamed or moved components, 3.0 `nullable` vs 3.1 type arrays and
    oneOf members in another order are no change. A change in a shared component is reported once, with the
    operations it affects (--per-operation lists each). Always exits 0 (use `breaking` to gate CI).

    \b
    Examples:
      aoai-spec diff azure-openai-typespec@2024-08-01-preview azure-openai-typespec@2024-09-01-preview
      aoai-spec diff 2024-10-21 v1 --format html -o diff.html
      aoai-spec diff 2024-10-21 v1 --operation "POST /chat/completions" --operation "POST /embeddings"
      aoai-spec diff 2024-10-21 v1 --match-path '^/(chat|embeddings)' --exclude-elements endpoints
      aoai-spec diff old.yaml new.yaml --format json --include-docs --per-operation
    """
    change_filter = _change_filter(match_path, operations, exclude_elements)
    report, revision_spec = _compare(ws, base, revision, include_docs, config_file, map_surfaces, deprecation_days)
    change_filter.apply(report)
    report.per_operation = per_operation
    emit(_render(ws, report, revision_spec, fmt, None), output)


@click.command("breaking")
@click.argument("base")
@click.argument("revision")
@click.option("--fail-on", type=click.Choice(("error", "warning")), default="error", show_default=True,
              help="Exit 1 when a change at this level or above is found (and not accepted by --baseline).")
@format_option(*_REPORT_FORMATS)
@output_option
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Accepted changes: a file of fingerprints (as --write-baseline writes) or a previous JSON report. "
                   "They are still listed, marked accepted, but do not fail the gate.")
@click.option("--write-baseline", "write_baseline_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write every listed change to this file as accepted (then they do not fail).")
@_per_operation_option
@_filter_options
@_lifecycle_option
@_config_option
@_mapping_option
@workspace_options
def breaking_command(base: str, revision: str, fail_on: str, fmt: str, output: Path | None,
                     baseline_file: Path | None, write_baseline_file: Path | None, per_operation: bool,
                     match_path: str | None, operations: tuple[str, ...], exclude_elements: tuple[str, ...],
                     deprecation_days: int | None, config_file: Path | None, map_surfaces: bool | None,
                     ws: Workspace) -> None:
    """Breaking changes from BASE to REVISION (error and warning levels); exit 1 when --fail-on is met.

    BASE and REVISION are files, catalog ids or git:REF:PATH (a file as it is in a revision of the current
    repository, with the files its relative $refs reach). JUnit failures and GitHub `::error` annotations are
    exactly the changes that make the exit code 1.

    \b
    Examples:
      aoai-spec breaking 2024-10-21 v1
      aoai-spec breaking 2024-10-21 v1 --operation "POST /chat/completions"
      aoai-spec breaking main.yaml pr.yaml --fail-on warning --format githubactions
      aoai-spec breaking git:HEAD:tests/fixtures/diff/base.yaml tests/fixtures/diff/revision.yaml
      aoai-spec breaking tests/fixtures/diff/base.yaml tests/fixtures/diff/revision.yaml --baseline tests/fixtures/diff/accepted.txt

    In CI: `breaking git:origin/main:openapi.yaml openapi.yaml --baseline FILE`; write FILE once with
    `--write-baseline FILE`.
    """
    from ..diff.baseline import read_baseline, write_baseline

    change_filter = _change_filter(match_path, operations, exclude_elements)
    accepted = read_baseline(baseline_file) if baseline_file else frozenset()
    report, revision_spec = _compare(ws, base, revision, False, config_file, map_surfaces, deprecation_days)
    report.changes = report.at_least("warning")
    change_filter.apply(report)
    report.per_operation = per_operation
    report.baseline = accepted
    if write_baseline_file is not None:
        count = write_baseline(write_baseline_file, report)
        report.baseline = accepted | {e.fingerprint for e in report.entries()}
        note(f"wrote {count} accepted change{'s' if count != 1 else ''} to {write_baseline_file}")
    emit(_render(ws, report, revision_spec, fmt, fail_on), output)
    if report.failing(fail_on):
        raise SystemExit(EXIT_FINDINGS)


@click.command("changelog")
@click.option("--family", default="azure-openai-inference", show_default=True, help="Catalog family to walk.")
@click.option("--from", "from_id", default=None, help="First version (catalog id) [default: the oldest].")
@click.option("--to", "to_id", default=None, help="Last version (catalog id) [default: the newest].")
@format_option("markdown", "text", "html", "json")
@output_option
@click.option("--include-docs", is_flag=True, help="Also list description/example-only edits.")
@_filter_options
@_lifecycle_option
@workspace_options
def changelog_command(family: str, from_id: str | None, to_id: str | None, fmt: str, output: Path | None,
                      include_docs: bool, match_path: str | None, operations: tuple[str, ...],
                      exclude_elements: tuple[str, ...], deprecation_days: int | None, ws: Workspace) -> None:
    """The release history of a catalog family: one section per consecutive pair of versions, in date order.

    \b
    Examples:
      aoai-spec changelog --family azure-openai-typespec -o CHANGELOG.md
      aoai-spec changelog --family openai --from openai@2024-08-28_440c1718f0 --format json
      aoai-spec changelog --family azure-openai-typespec --operation "POST /chat/completions" --format text
    """
    from ..diff import Changelog, render_report
    from ..diff.changelog import iter_sections

    change_filter = _change_filter(match_path, operations, exclude_elements)
    total, sections = iter_sections(ws, family, from_id, to_id, include_docs=include_docs,
                                    deprecation_days=deprecation_days or 0, change_filter=change_filter)
    log = Changelog(family, include_docs=include_docs)
    log.sections = list(progress(sections, f"diffing {family}", total=total))
    emit(render_report(log, fmt), output)


@click.command("history")
@click.argument("element")
@click.option("--family", default="azure-openai-inference", show_default=True, help="Catalog family to walk.")
@format_option("text", "json")
@workspace_options
def history_command(element: str, family: str, fmt: str, ws: Workspace) -> None:
    """In which version ELEMENT appeared, changed or went away: an operation ("POST /chat/completions"),
    a parameter ("api-version") or a property path ("stream_options.include_usage").

    \b
    Examples:
      aoai-spec history "POST /chat/completions" --family azure-openai-inference
      aoai-spec history stream_options.include_usage --family azure-openai-typespec --format json
    """
    from ..diff import history, render_report

    emit(render_report(history(ws, element, family), fmt))


@click.command("compat")
@click.argument("openai_spec")
@click.argument("azure_v1_spec")
@format_option("text", "markdown", "json")
@output_option
@workspace_options
def compat_command(openai_spec: str, azure_v1_spec: str, fmt: str, output: Path | None, ws: Workspace) -> None:
    """How far Azure's v1 surface is from OpenAI's own API: operations and fields OpenAI has that Azure v1
    lacks or shapes differently, and the reverse.

    \b
    Example:
      aoai-spec compat openai@2026-08-21_f85dbe223d v1 --format markdown
    """
    from ..diff import compat, render_report

    emit(render_report(compat(ws.open(openai_spec), ws.open(azure_v1_spec)), fmt), output)


@click.command("rules")
@format_option("text", "json")
def rules_command(fmt: str) -> None:
    """List every diff rule: id, level, direction, area and what it means.

    Change a level or silence a rule with a config file passed to diff/breaking as --config:

    \b
      rules:
        response-property-enum-value-added: error
        api-tag-added: off

    \b
    Example:
      aoai-spec rules --format json
    """
    from ..diff import RULES
    from ..diff.rules.base import LEVELS

    if fmt == "json":
        emit(json.dumps({"rules": [r.to_dict() for r in RULES]}, indent=2) + "\n")
        return
    counts = {level: sum(1 for r in RULES if r.level == level) for level in LEVELS}
    emit(render("diff/rules.txt.j2", rules=list(RULES), levels=LEVELS, counts=counts))


COMMANDS = (diff_command, breaking_command, changelog_command, history_command, compat_command, rules_command)
