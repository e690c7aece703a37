"""contract, mock: contract-test Azure OpenAI endpoints with Schemathesis, and serve the Azure-like mock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..workspace import Workspace
from .common import EXIT_FINDINGS, format_option, note, workspace_options

REPORT_HELP = "FORMAT:PATH with FORMAT json, junit, html, markdown or text (repeatable)."


def _reports(values: tuple[str, ...]) -> list[tuple[str, Path]]:
    from ..contract import REPORT_FORMATS

    parsed = []
    for value in values:
        fmt, sep, path = value.partition(":")
        if not sep or fmt not in REPORT_FORMATS or not path:
            raise click.BadParameter(f"{value!r}: expected FORMAT:PATH with FORMAT one of {', '.join(REPORT_FORMATS)}",
                                     param_hint="--report")
        parsed.append((fmt, Path(path)))
    return parsed


def _auth(api_key_env: str | None, entra: bool, bearer_env: str | None, subscription_key_env: str | None) -> Any:
    from ..contract import AuthSpec

    chosen = [(m, v) for m, v in (("api-key", api_key_env), ("entra", entra or None), ("bearer", bearer_env),
                                  ("subscription-key", subscription_key_env)) if v]
    if len(chosen) > 1:
        raise click.UsageError("choose one of --api-key-env, --entra, --bearer-env, --subscription-key-env")
    if not chosen:
        return AuthSpec()
    mode, value = chosen[0]
    return AuthSpec(mode, None if mode == "entra" else value)


@click.command("contract")
@click.option("--spec", "spec_arg", default=None, help="SPEC (file or catalog id) [default: v1 with --target mock].")
@click.option("--url", default=None, help="Base URL: https://NAME.openai.azure.com/openai/v1/ (or "
                                          ".services.ai.azure.com), or .../openai for a dated spec.")
@click.option("--target", type=click.Choice(["mock"]), default=None, help="Test the built-in mock (started in-process).")
@click.option("--targets", "targets_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="A targets.yaml of several deployments; writes one matrix report.")
@click.option("--deployment", default=None, help="Deployment name: fills `deployment-id` and body `model` in every phase.")
@click.option("--api-key-env", metavar="VAR", default=None, help="Send the key in environment variable VAR as `api-key`.")
@click.option("--entra", is_flag=True, help="Microsoft Entra ID token (azure-identity DefaultAzureCredential).")
@click.option("--bearer-env", metavar="VAR", default=None, help="Send VAR's value as `Authorization: Bearer`.")
@click.option("--subscription-key-env", metavar="VAR", default=None, help="APIM: send VAR's value as "
                                                                           "`Ocp-Apim-Subscription-Key`.")
@click.option("--include-path", multiple=True, help="Only these paths (repeatable).")
@click.option("--include-method", multiple=True, help="Only these methods (repeatable).")
@click.option("--include-tag", multiple=True, help="Only operations with these tags (repeatable).")
@click.option("--include-operation-id", multiple=True, help="Only these operationIds (repeatable).")
@click.option("--allow-writes", is_flag=True, help="Also send POST/PUT/PATCH/DELETE (default: GET/HEAD/OPTIONS only; "
                                                   "implied by --target mock).")
@click.option("--max-requests", type=click.IntRange(min=1), default=None,
              help="Hard budget over every request of every phase [default: 500; 1500 for the mock].")
@click.option("--rate-limit", default=None, help="At most N requests per time unit: 10/s, 600/m, 3600/h.")
@click.option("--phases", default=None, help="Comma-separated: examples,coverage,fuzzing,stateful "
                                             "[default: examples,fuzzing,stateful].")
@click.option("--max-examples", type=click.IntRange(min=1), default=10, show_default=True,
              help="Examples per operation in fuzzing and stateful.")
@click.option("--seed", type=int, default=0, show_default=True, help="Generation seed (and the mock's).")
@click.option("--report", "reports", multiple=True, help=REPORT_HELP)
@click.option("--cassette", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Record every exchange (redacted) as JSON.")
@click.option("--no-cleanup", is_flag=True, help="Keep what the run created (default: delete it at the end).")
@format_option("text", "json", "markdown")
@workspace_options
def contract_command(spec_arg: str | None, url: str | None, target: str | None, targets_file: Path | None,
                     deployment: str | None, api_key_env: str | None, entra: bool, bearer_env: str | None,
                     subscription_key_env: str | None, include_path: tuple[str, ...], include_method: tuple[str, ...],
                     include_tag: tuple[str, ...], include_operation_id: tuple[str, ...], allow_writes: bool,
                     max_requests: int | None, rate_limit: str | None, phases: str | None, max_examples: int,
                     seed: int, reports: tuple[str, ...], cassette: Path | None, no_cleanup: bool, fmt: str,
                     ws: Workspace) -> None:
    """Contract-test an Azure OpenAI endpoint (or APIM in front of it) against SPEC with Schemathesis.

    Safe by default: read-only operations unless --allow-writes, a hard --max-requests budget over every phase
    (the run stops cleanly when it is reached), 429 Retry-After waited out, created resources deleted at the end.
    Results are classified: content-filter 400s, missing preview headers and APIM gateway errors are reported
    apart from contract failures. Exit 1 when contract failures are found. Secrets are read from environment
    variables and never appear in any output.

    \b
    Examples:
      aoai-spec contract --target mock
      aoai-spec contract --spec v1 --url https://myres.openai.azure.com/openai/v1/ \\
          --api-key-env AZURE_OPENAI_API_KEY --deployment gpt-4o-mini --max-requests 200 \\
          --report junit:out/contract.xml --report html:out/contract.html
      aoai-spec contract --spec 2024-10-21 --url https://myres.openai.azure.com/openai --entra \\
          --deployment gpt-4o-mini --include-path /deployments/{deployment-id}/chat/completions --allow-writes
      aoai-spec contract --targets targets.yaml --report markdown:matrix.md
    """
    from ..contract import (DEFAULT_MAX_REQUESTS, DEFAULT_PHASES, MOCK_MAX_REQUESTS, ContractConfig, load_targets,
                            render_matrix, render_report, run_against_mock, run_contract, run_targets)
    from ..contract.budget import parse_rate
    from ..contract.publish import publish
    from ..contract.runner import check_phases

    if sum(x is not None for x in (url, target, targets_file)) != 1:
        raise click.UsageError("give exactly one of --url, --target mock or --targets FILE")
    if targets_file is None and target is None and spec_arg is None:
        raise click.UsageError("--spec is required with --url")
    auth = _auth(api_key_env, entra, bearer_env, subscription_key_env)
    chosen_phases = tuple(p.strip() for p in phases.split(",") if p.strip()) if phases else DEFAULT_PHASES
    outputs = _reports(reports)
    common: dict[str, Any] = dict(include_paths=include_path, include_methods=include_method, include_tags=include_tag,
                                  include_operation_ids=include_operation_id, rate_limit=rate_limit,
                                  phases=chosen_phases, max_examples=max_examples, seed=seed, cleanup=not no_cleanup)
    if targets_file is not None:
        targets = load_targets(targets_file, default_spec=spec_arg)
        results = run_targets(targets, ws=ws, allow_writes=allow_writes, cassette=None,
                              max_requests=max_requests or DEFAULT_MAX_REQUESTS, **common)
        for out_fmt, path in outputs:
            from ..contract.redact import Redactor

            publish(render_matrix(results, out_fmt), path, Redactor())
        click.echo(render_matrix(results, "json" if fmt == "json" else "markdown"), nl=False)
        if not all(r.ok for r in results):
            raise SystemExit(EXIT_FINDINGS)
        return
    if target == "mock":
        # Options and spec first: a bad one is the only line the user sees, not a note followed by an error.
        check_phases(chosen_phases)
        parse_rate(rate_limit)
        spec = ws.open(spec_arg or "v1")
        note("starting the Azure-like mock on 127.0.0.1 (in-process)")
        report = run_against_mock(spec, max_requests=max_requests or MOCK_MAX_REQUESTS, ws=ws,
                                  cassette=cassette, **common)
    else:
        assert url is not None and spec_arg is not None
        config = ContractConfig(spec=spec_arg, url=url, deployment=deployment, auth=auth, allow_writes=allow_writes,
                                max_requests=max_requests or DEFAULT_MAX_REQUESTS, cassette=cassette, **common)
        report = run_contract(config, ws=ws)
    for out_fmt, path in outputs:
        publish(render_report(report, out_fmt), path, report.redactor)
    click.echo(render_report(report, fmt), nl=False)
    if not report.ok:
        raise SystemExit(EXIT_FINDINGS)


@click.command("mock")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port (0: a free one, named on stderr once listening).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for generated bodies and ids.")
@click.option("--spec", "specs", multiple=True, help="SPEC to serve (repeatable) [default: v1 and 2024-10-21].")
@click.option("--api-key-env", metavar="VAR", default=None,
              help="Accept only the key in VAR (api-key or Bearer) [default: any non-empty key].")
@workspace_options
def mock_command(port: int, host: str, seed: int, specs: tuple[str, ...], api_key_env: str | None,
                 ws: Workspace) -> None:
    """Serve an Azure OpenAI-like mock from the specs: the v1 and the dated surface at once.

    Azure's refusals (401 without a key, 404 without api-version, 400 for an unknown one, preview headers),
    request validation as openapi-core reads the spec, answers that mirror what the request set (model,
    instructions, metadata, tools...) and are valid for the spec, a stateful Responses and resource store, and
    SSE streaming. Point the official openai client at it.

    \b
    Examples:
      aoai-spec mock --port 8000
      # OpenAI(base_url="http://127.0.0.1:8000/openai/v1/", api_key="any")
      # AzureOpenAI(azure_endpoint="http://127.0.0.1:8000", api_key="any", api_version="2024-10-21")
      aoai-spec mock --spec v1 --spec 2024-10-21 --spec 2025-04-01-preview --seed 7
    """
    import contextlib
    import os

    from ..errors import ContractConfigError
    from ..mock import create_app
    from ..mock.server import bind, serve_forever

    keys = None
    if api_key_env:
        value = os.environ.get(api_key_env)
        if not value:
            raise ContractConfigError(f"--api-key-env {api_key_env}: the environment variable is not set or empty")
        keys = [value]
    with contextlib.closing(bind(host, port)) as sock:  # first: a taken port fails in one line, before loading
        app = create_app(ws, specs=list(specs) or None, seed=seed, api_keys=keys)
        mock = app.state.mock

        def listening(root: str) -> None:  # with --port 0, the port the system chose
            if mock.v1 is not None:
                note(f"v1 surface:    {root}/openai/v1/   ({mock.v1.spec.name})")
            for version, mounted in mock.dated.items():
                note(f"dated surface: {root}/openai/deployments/{{deployment-id}}/...?api-version={version}   "
                     f"({mounted.spec.name})")
            note("auth: " + (f"the key in {api_key_env}" if keys else "any non-empty api-key or Bearer token"))

        serve_forever(app, sock=sock, on_listening=listening)


COMMANDS = (contract_command, mock_command)
