"""downgrade, apim lint, apim prepare: OpenAPI 3.1 -> 3.0.3 and API Management import."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..findings import count_by_level
from ..load import dump
from ..render import render
from ..workspace import Workspace
from .common import EXIT_FINDINGS, F, emit, format_option, note, output_option, workspace_options


@click.command("downgrade")
@click.argument("spec")
@output_option
@format_option("json", "yaml")
@click.option("--loss-report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help='Write the loss report as JSON: {"losses": [{"id", "pointer", "message", "kind"}], "rewrites": '
                   '[...]}; kind is lossy, or info for a 3.0 keyword honoured on purpose.')
@click.option("--strict", is_flag=True, help="Exit 1 when anything was lost or repaired (info entries do not count).")
@workspace_options
def downgrade_command(spec: str, output: Path | None, fmt: str, loss_report: Path | None, strict: bool,
                      ws: Workspace) -> None:
    """Convert SPEC (OpenAPI 3.1, or a mixed "3.1" document) to OpenAPI 3.0.3.

    Only real Schema Objects change (never example values or properties named like keywords); int64 values
    stay exact; 3.0 keywords already present (nullable, example, boolean exclusiveMinimum) stay as they are;
    3.0 input comes back unchanged apart from repairs. Upstream defects that would make the output invalid
    (dangling $refs, required names without a property, discriminators not required, invalid defaults) are
    repaired and reported. A summary goes to stderr; --strict exits 1 on any loss.

    \b
    Examples:
      aoai-spec downgrade openai@2026-08-21_f85dbe223d -o openai-3.0.json --loss-report losses.json
      aoai-spec downgrade my-api-3.1.yaml --format yaml -o my-api-3.0.yaml --strict
    """
    from ..downgrade import downgrade

    loaded = ws.open(spec)
    result = downgrade(loaded, in_place=True)
    emit(_pretty_json(result.document) if fmt == "json" else dump(result.document, fmt), output)
    if loss_report is not None:
        emit(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n", loss_report)
    note(render("downgrade/summary.txt.j2", subject=loaded.name, source_version=result.source_version,
                target_version=result.document.get("openapi"), output=output, lossy=result.lossy,
                counts=result.counts(), info=result.counts("info"), rewrites=len(result.rewrites),
                loss_report=loss_report).rstrip("\n"))
    if strict and result.lossy:
        raise SystemExit(EXIT_FINDINGS)


def _pretty_json(document: dict) -> str:
    """Indented JSON through orjson: the stdlib encoder is pure Python once `indent` is set, and it is most of
    the run time on a 3 MB spec. orjson refuses integers beyond 64 bits (OpenAI's spec has one), so those are
    written through a placeholder string and put back as exact digits; without orjson the stdlib does it all."""
    try:
        import orjson
    except ImportError:
        return dump(document, "json")
    option = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    try:
        return orjson.dumps(document, option=option).decode("utf-8")
    except TypeError:
        pass
    sites = []  # (container, key, value) of every out-of-range integer, swapped for a marker and restored
    stack: list = [document]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if isinstance(value, (dict, list)):
                stack.append(value)
            elif isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
                sites.append((node, key, value))
    if not sites:  # something else orjson refuses (nesting over 255 levels): the stdlib has no such limit
        return dump(document, "json")
    try:
        for i, (node, key, _value) in enumerate(sites):
            node[key] = f"\u0000aoai-int-{i}\u0000"
        text = orjson.dumps(document, option=option).decode("utf-8")
    except TypeError:
        text = ""
    finally:
        for node, key, value in sites:
            node[key] = value
    if not text:
        return dump(document, "json")
    for i, (_node, _key, value) in enumerate(sites):
        text = text.replace(f'"\\u0000aoai-int-{i}\\u0000"', str(value))
    return text


class _LintCommand(click.Command):
    """Lists the APIM rules under --help; rendered only when help is shown, so start-up stays fast."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from ..apim.rules import RULE_DOCS

        formatter.write_paragraph()
        formatter.write_text("Rules (id, level, source in the APIM import checklist):")
        formatter.write(render("apim/rules.txt.j2", rules=RULE_DOCS))


@click.group("apim")
def apim_group() -> None:
    """Check and prepare specs for Azure API Management import (OpenAPI.NET v1 reader rules).

    \b
    Examples:
      aoai-spec apim lint 2024-10-21
      aoai-spec apim prepare 2024-10-21 -o aoai.json --service-url https://my-aoai.openai.azure.com/openai
    """


def tier_option(func: F) -> F:
    from ..apim.tiers import DEFAULT_TIER, TIER_OPERATION_LIMITS

    return click.option("--tier", type=click.Choice(list(TIER_OPERATION_LIMITS)), default=DEFAULT_TIER,
                        show_default=True, help="APIM service tier whose operation limit applies (consumption and "
                                                "developer are the most restrictive: 3,000).")(func)


@apim_group.command("lint", cls=_LintCommand)
@click.argument("spec")
@format_option("text", "json")
@output_option
@tier_option
@workspace_options
def lint_command(spec: str, fmt: str, output: Path | None, tier: str, ws: Workspace) -> None:
    """Report what would make APIM's import of SPEC fail or silently lose meaning.

    SPEC is judged as written: its size in bytes, encoding and byte-order mark, and its external $refs (APIM
    cannot follow them), as well as the bundled document. Each rule has an id, a level, the APIM / OpenAPI.NET
    error text it prevents and where it is documented or reported. Exit 1 when any error-level finding is
    present.

    \b
    Examples:
      aoai-spec apim lint 2024-10-21
      aoai-spec apim lint openai@2026-08-21_f85dbe223d --format json
      aoai-spec apim lint v1 --tier basicv2
    """
    from ..apim import lint

    loaded = ws.open(spec)
    findings = lint(loaded.document, catalog=ws.catalog, raw=loaded.raw, tier=tier)
    counts = count_by_level(findings)
    if fmt == "json":
        emit(json.dumps({"findings": [f.to_dict() for f in findings]}, indent=2, ensure_ascii=False) + "\n", output)
    else:
        emit(render("apim/lint.txt.j2", findings=findings, counts=counts, subject=loaded.name), output)
    if counts["error"]:
        raise SystemExit(EXIT_FINDINGS)


@apim_group.command("prepare")
@click.argument("spec")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the minified, APIM-ready OpenAPI 3.0.3 JSON.")
@click.option("--service-url", default=None, help="Backend URL to put in `servers` (else variables are substituted).")
@click.option("--api-version-as", type=click.Choice(["query", "template"]), default="query", show_default=True,
              help="query: api-version stays a query parameter (made optional); template: APIM puts it into the "
                   "URL template.")
@click.option("--loss-report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help='Also write every change as JSON: {"losses": [{"id", "pointer", "message", "kind"}], '
                   '"rewrites": [...]} (kind lossy or info; rewrites are exact).')
@click.option("--api-path", default=None, help="API URL suffix for the import line [default: the server URL's path].")
@click.option("--version-set-id", default=None,
              help="API version set for the import line [default: a dated version (api-version) joins the set "
                   "named after its title].")
@click.option("--no-version-set", is_flag=True, help="Import without an API version set.")
@click.option("--show-info", is_flag=True, help="Also list info-level findings in the text output.")
@tier_option
@format_option("text", "json", "markdown")
@workspace_options
def prepare_command(spec: str, output: Path, service_url: str | None, api_version_as: str,
                    loss_report: Path | None, api_path: str | None, version_set_id: str | None, no_version_set: bool,
                    show_info: bool, tier: str, fmt: str, ws: Workspace) -> None:
    """Make SPEC import cleanly into APIM: downgrade plus every safe fix, minified, checked again.

    The file is bundled (external $refs), written as UTF-8 without a byte-order mark and minified; then every
    fix: operationIds unique within 76 characters after APIM's normalisation, summaries within 300, component
    keys matching APIM's pattern (references and security requirements rewritten), $ref siblings kept through
    allOf, recursive references cut, non-schema components inlined, unsupported and invalid fields removed,
    duplicate path templates merged, media-type examples -> example, server variables substituted (or
    --service-url), api-version as chosen, GET/HEAD bodies removed, v1 preview headers declared, mismatching
    example/default/enum values removed, extensions stripped. The output is then linted and validated with
    openapi-spec-validator. Every change is listed (all formats), and the `az apim api import` line printed,
    with the API version set of a dated version. Exit 1 when an error remains: it is never reported as ready.

    \b
    Examples:
      aoai-spec apim prepare 2024-10-21 -o aoai.json --service-url https://my-aoai.openai.azure.com/openai
      aoai-spec apim prepare v1 -o v1.json --format json
      aoai-spec apim prepare 2024-10-21 -o aoai.json --loss-report changes.json --format markdown
    """
    from ..apim import prepare

    loaded = ws.open(spec)
    version_set = "" if no_version_set else version_set_id
    result = prepare(loaded, service_url=service_url, api_version_as=api_version_as, catalog=ws.catalog,
                     output_name=str(output), tier=tier, api_path=api_path, version_set=version_set)
    emit(result.minified, output)
    if loss_report is not None:
        emit(json.dumps({"losses": [c.to_dict() for c in result.losses],
                         "rewrites": [c.to_dict() for c in result.changes if c.kind == "exact"]},
                        indent=2, ensure_ascii=False) + "\n", loss_report)
    counts = count_by_level(result.findings)
    if fmt == "json":
        emit(json.dumps({"spec": loaded.name, "output": str(output), **result.to_dict()}, indent=2,
                        ensure_ascii=False) + "\n")
    else:
        template = "apim/prepare.md.j2" if fmt == "markdown" else "apim/prepare.txt.j2"
        emit(render(template, result=result, counts=counts, subject=loaded.name, output=output,
                    show_info=show_info, loss_report=loss_report))
    if counts["error"]:
        raise SystemExit(EXIT_FINDINGS)


COMMANDS = (downgrade_command, apim_group)
