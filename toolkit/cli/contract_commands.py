"""contract, mock: contract-test Azure OpenAI endpoints with Schemathesis, and serve the Azure-like mock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..workspace import Workspace
from .common import EXIT_FINDINGS, format_option, note, workspace_options

REPORT_HELP = "FORMAT:PATH with FORMAT json, junit, html, markdown or text (repeatable)."


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


def _names(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


@click.command("contract")
@click.option("--spec", "spec_arg", default=None, help="SPEC (file or catalog id) [default: v1 with --target mock].")
@click.option("--url", default=None, help="Base URL: https://NAME.openai.azure.com/openai/v1/ (or "
                                          ".services.ai.azure.com), or .../openai for a dated spec.")
@click.option("--target", type=click.Choice(["mock"]), default=None, help="Test the built-in mock (started in-process).")
@click.option("--targets", "targets_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="A targets.yaml of several deployments; writes one matrix report.")
@click.option("--replay", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Send the failed requests of a cassette (JSON or HAR) again and judge the answers.")
@click.option("--deployment", default=None, help="Deployment name: fills `deployment-id` and body `model` in every phase.")
@click.option("--api-key-env", metavar="VAR", default=None, help="Send the key in environment variable VAR as `api-key`.")
@click.option("--entra", is_flag=True, help="Microsoft Entra ID token (azure-identity DefaultAzureCredential).")
@click.option("--bearer-env", metavar="VAR", default=None, help="Send VAR's value as `Authorization: Bearer`.")
@click.option("--subscription-key-env", metavar="VAR", default=None, help="APIM: send VAR's value as "
                                                                           "`Ocp-Apim-Subscription-Key`.")
@click.option("-H", "--header", "headers", multiple=True, metavar="'NAME: VALUE'",
              help="Send this header with every request (repeatable); its value is redacted from every output.")
@click.option("--include-path", multiple=True, help="Only these paths (repeatable).")
@click.option("--include-method", multiple=True, help="Only these methods (repeatable).")
@click.option("--include-tag", multiple=True, help="Only operations with these tags (repeatable).")
@click.option("--include-operation-id", multiple=True, help="Only these operationIds (repeatable).")
@click.option("--allow-writes", is_flag=True, help="Also send POST/PUT/PATCH/DELETE (default: GET/HEAD/OPTIONS only; "
                                                   "implied by --target mock).")
@click.option("--max-requests", type=click.IntRange(min=1), default=None,
              help="Hard budget over every request of every phase, spent fairly over the operations "
                   "[default: 500].")
@click.option("--max-time", type=click.FloatRange(min=1), default=None,
              help="Time cap in seconds for the extra fuzzing passes that spend the budget [default: 600].")
@click.option("--rate-limit", default=None, help="At most N requests per time unit: 10/s, 600/m, 3600/h.")
@click.option("--phases", default=None, help="Comma-separated: azure,examples,coverage,fuzzing,stateful "
                                             "[default: all].")
@click.option("--checks", "checks", multiple=True, metavar="NAMES",
              help="Only these checks (comma-separated or repeatable; Schemathesis' and the AOAI ones, by name or "
                   "id) [default: all].")
@click.option("--exclude-checks", multiple=True, metavar="NAMES", help="Leave these checks out.")
@click.option("--max-examples", type=click.IntRange(min=1), default=10, show_default=True,
              help="Most examples per operation and fuzzing pass (scaled down to the budget).")
@click.option("--seed", type=int, default=0, show_default=True, help="Generation seed (and the mock's).")
@click.option("--request-timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds for one whole answer; a stalled answer is reported as an error of its operation.")
@click.option("--strict", is_flag=True, help="Spec gaps fail the run too (default: listed apart, exit 0).")
@click.option("--report", "reports", multiple=True, help=REPORT_HELP)
@click.option("--cassette", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Record every exchange (redacted): JSON, or HAR 1.2 for a .har file.")
@click.option("--cassette-format", type=click.Choice(["json", "har"]), default=None,
              help="Cassette format [default: har for a .har file, else json].")
@click.option("--no-cleanup", is_flag=True, help="Keep what the run created (default: delete it at the end).")
@format_option("text", "json", "markdown")
@workspace_options
def contract_command(spec_arg: str | None, url: str | None, target: str | None, targets_file: Path | None,
                     replay: Path | None, deployment: str | None, api_key_env: str | None, entra: bool,
                     bearer_env: str | None, subscription_key_env: str | None, headers: tuple[str, ...],
                     include_path: tuple[str, ...], include_method: tuple[str, ...], include_tag: tuple[str, ...],
                     include_operation_id: tuple[str, ...], allow_writes: bool, max_requests: int | None,
                     max_time: float | None, rate_limit: str | None, phases: str | None, checks: tuple[str, ...],
                     exclude_checks: tuple[str, ...], max_examples: int, seed: int, request_timeout: float,
                     strict: bool, reports: tuple[str, ...], cassette: Path | None, cassette_format: str | None,
                     no_cleanup: bool, fmt: str, ws: Workspace) -> None:
    """Contract-test an Azure OpenAI endpoint (or APIM in front of it) against SPEC with Schemathesis.

    Safe by default: read-only operations unless --allow-writes, a hard --max-requests budget over every phase
    (spent fairly over the operations: Azure probes, a coverage subset, then fuzzing until it is used up), 429
    Retry-After waited out, created resources deleted at the end. Results are classified: spec gaps (failures no
    conforming server could avoid), content-filter 400s, missing preview headers and APIM gateway errors are
    reported apart from contract failures. Exit 1 when contract failures are found (or spec gaps with --strict).
    Secrets are read from environment variables and never appear in any output.

    \b
    Examples:
      aoai-spec contract --target mock
      aoai-spec contract --target mock --spec 2024-10-21 --max-requests 300 --report junit:out/contract.xml \\
          --cassette out/run.har
      aoai-spec contract --replay out/run.har
      aoai-spec contract --spec v1 --url https://myres.openai.azure.com/openai/v1/ \\
          --api-key-env AZURE_OPENAI_API_KEY --deployment gpt-4o-mini --max-requests 200 \\
          --report junit:out/contract.xml --report html:out/contract.html --cassette out/run.har
      aoai-spec contract --spec 2024-10-21 --url https://myres.openai.azure.com/openai --entra \\
          --deployment gpt-4o-mini --include-path /deployments/{deployment-id}/chat/completions --allow-writes
      aoai-spec contract --spec v1 --url https://my-apim.azure-api.net/openai/v1/ \\
          --subscription-key-env APIM_KEY -H 'x-team: search' --checks not_a_server_error,key_missing
      aoai-spec contract --targets targets.yaml --report markdown:matrix.md
    """
    from ..contract.modes import ContractRequest, parse_header, parse_report, run_request

    request = ContractRequest(
        spec=spec_arg, url=url, target=target, targets_file=targets_file, replay=replay, deployment=deployment,
        auth=_auth(api_key_env, entra, bearer_env, subscription_key_env), include_paths=include_path,
        include_methods=include_method, include_tags=include_tag, include_operation_ids=include_operation_id,
        allow_writes=allow_writes, max_requests=max_requests, max_time=max_time, rate_limit=rate_limit,
        phases=_names((phases,)) if phases else None, max_examples=max_examples, seed=seed,
        request_timeout=request_timeout, reports=[parse_report(value) for value in reports], cassette=cassette,
        cassette_format=cassette_format, cleanup=not no_cleanup, checks=_names(checks),
        excluded_checks=_names(exclude_checks), headers=dict(parse_header(value) for value in headers),
        strict=strict, output_format=fmt)
    outcome = run_request(request, ws=ws, note=note)
    click.echo(outcome.text, nl=False)
    if not outcome.ok:
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
