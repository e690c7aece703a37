"""What `aoai-spec contract` does, as a Python API the command only calls: one endpoint (`--url`), the built-in
mock (`--target mock`), a matrix of deployments (`--targets`), or a replay of recorded failures (`--replay`).

Every option is checked before the first request: a bad phase, rate, check name or header, a missing secret, and
an output path that cannot be written are one error line (exit 2), never a run whose results are then lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from ..errors import ContractConfigError
from ..workspace import Workspace
from .auth import AuthSpec
from .budget import parse_rate
from .publish import check_writable, publish
from .redact import Redactor
from .report import REPORT_FORMATS, ContractReport, render_matrix, render_report
from .runner import DEFAULT_MAX_REQUESTS, DEFAULT_PHASES, ContractConfig, check_phases, run_contract, selected_checks

MOCK_DEPLOYMENT = "gpt-4o-mini"


@dataclass
class ContractRequest:
    """The command line, parsed: which mode, and the options every mode shares."""

    spec: str | None = None
    url: str | None = None
    target: str | None = None  # "mock"
    targets_file: Path | None = None
    replay: Path | None = None
    deployment: str | None = None
    auth: AuthSpec = field(default_factory=AuthSpec)
    include_paths: tuple[str, ...] = ()
    include_methods: tuple[str, ...] = ()
    include_tags: tuple[str, ...] = ()
    include_operation_ids: tuple[str, ...] = ()
    allow_writes: bool = False
    max_requests: int | None = None
    max_time: float | None = None
    rate_limit: str | None = None
    phases: tuple[str, ...] | None = None  # None: every phase
    max_examples: int = 10
    seed: int = 0
    request_timeout: float = 30.0
    reports: list[tuple[str, Path]] = field(default_factory=list)
    cassette: Path | None = None
    cassette_format: str | None = None
    cleanup: bool = True
    checks: tuple[str, ...] = ()
    excluded_checks: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    strict: bool = False
    output_format: str = "text"


@dataclass
class Outcome:
    text: str  # for standard output, already redacted
    ok: bool


def parse_header(value: str) -> tuple[str, str]:
    """`Name: value` (as curl and Schemathesis take it) -> (name, value)."""
    name, sep, rest = value.partition(":")
    if not sep or not name.strip() or any(c in name for c in " \t\r\n"):
        raise ContractConfigError(f"-H {name.strip()!r}...: expected 'Name: value'")
    return name.strip(), rest.strip()


def parse_report(value: str) -> tuple[str, Path]:
    fmt, sep, path = value.partition(":")
    if not sep or fmt not in REPORT_FORMATS or not path:
        raise ContractConfigError(f"--report {value!r}: expected FORMAT:PATH with FORMAT one of "
                                  f"{', '.join(REPORT_FORMATS)}")
    return fmt, Path(path)


def _preflight(request: ContractRequest) -> None:
    modes = [m for m in (request.url, request.target, request.targets_file, request.replay) if m is not None]
    if len(modes) != 1 and not (request.replay is not None and len(modes) == 2 and request.url is not None):
        raise ContractConfigError("give exactly one of --url, --target mock, --targets FILE or --replay CASSETTE")
    if request.url is not None and request.replay is None and request.spec is None:
        raise ContractConfigError("--spec is required with --url")
    check_phases(request.phases or DEFAULT_PHASES)
    parse_rate(request.rate_limit)
    selected_checks(ContractConfig(spec="", url="", checks=request.checks, excluded_checks=request.excluded_checks))
    for _, path in request.reports:
        check_writable(path, "--report")
    if request.cassette is not None:
        from .cassette import cassette_format

        cassette_format(request.cassette, request.cassette_format)
        check_writable(request.cassette, "--cassette")


def _config(request: ContractRequest, **overrides: Any) -> ContractConfig:
    values: dict[str, Any] = dict(
        spec=request.spec or "v1", url=request.url or "", deployment=request.deployment, auth=request.auth,
        include_paths=request.include_paths, include_methods=request.include_methods,
        include_tags=request.include_tags, include_operation_ids=request.include_operation_ids,
        allow_writes=request.allow_writes, max_requests=request.max_requests or DEFAULT_MAX_REQUESTS,
        rate_limit=request.rate_limit, phases=request.phases or DEFAULT_PHASES, max_examples=request.max_examples, seed=request.seed,
        request_timeout=request.request_timeout, cassette=request.cassette, cassette_format=request.cassette_format,
        cleanup=request.cleanup, checks=request.checks, excluded_checks=request.excluded_checks,
        headers=dict(request.headers), strict=request.strict)
    if request.max_time is not None:
        values["max_time"] = request.max_time
    values.update(overrides)
    return ContractConfig(**values)


def run_request(request: ContractRequest, *, ws: Workspace | None = None,
                note: Callable[[str], None] = lambda _: None) -> Outcome:
    """Run the mode the request names; write its reports; return the standard output and the verdict."""
    ws = ws or Workspace()
    _preflight(request)
    if request.replay is not None:
        return _replay(request, ws)
    if request.targets_file is not None:
        return _matrix(request, ws)
    if request.target == "mock":
        spec = ws.open(request.spec or "v1")  # a bad spec is the only line the user sees, before any note
        note("starting the Azure-like mock on 127.0.0.1 (in-process)")
        report = run_against_mock(spec, ws=ws, **_mock_overrides(request))
    else:
        report = run_contract(_config(request), ws=ws)
    return _single(report, request)


def _mock_overrides(request: ContractRequest) -> dict[str, Any]:
    config = _config(request, max_requests=request.max_requests or DEFAULT_MAX_REQUESTS)
    names = ("include_paths", "include_methods", "include_tags", "include_operation_ids", "max_requests",
             "rate_limit", "phases", "max_examples", "request_timeout", "cassette", "cassette_format", "cleanup",
             "checks", "excluded_checks", "headers", "strict", "max_time")
    return {"seed": request.seed, **{name: getattr(config, name) for name in names}}


def _single(report: ContractReport, request: ContractRequest) -> Outcome:
    for fmt, path in request.reports:
        publish(render_report(report, fmt), path, report.redactor)
    return Outcome(render_report(report, request.output_format), report.ok)


def _matrix(request: ContractRequest, ws: Workspace) -> Outcome:
    from .targets import load_targets

    targets = load_targets(request.targets_file, default_spec=request.spec)  # type: ignore[arg-type]
    config = _config(request, cassette=None)
    options = {name: getattr(config, name) for name in (
        "include_paths", "include_methods", "include_tags", "include_operation_ids", "allow_writes", "max_requests",
        "rate_limit", "phases", "max_examples", "seed", "request_timeout", "cleanup", "checks", "excluded_checks",
        "headers", "strict", "max_time")}
    results = run_targets(targets, ws=ws, **options)
    redactor = Redactor()
    for fmt, path in request.reports:
        publish(render_matrix(results, fmt), path, redactor)
    text = render_matrix(results, "json" if request.output_format == "json" else "markdown")
    return Outcome(text, all(r.ok for r in results))


def _replay(request: ContractRequest, ws: Workspace) -> Outcome:
    import json

    from ..render import render
    from .replay import replay

    result = replay(request.replay, ws=ws, spec_arg=request.spec, url=request.url,  # type: ignore[arg-type]
                    auth=request.auth, headers=request.headers, request_timeout=request.request_timeout)
    data = result.to_dict()
    for fmt, path in request.reports:
        text = json.dumps(data, indent=2) + "\n" if fmt == "json" else render("contract/replay.txt.j2", replay=data)
        publish(text, path, result.redactor)
    text = json.dumps(data, indent=2) + "\n" if request.output_format == "json" else \
        render("contract/replay.txt.j2", replay=data)
    return Outcome(result.redactor.scrub(text), result.ok)


def run_against_mock(spec_arg: Any = "v1", *, max_requests: int | None = DEFAULT_MAX_REQUESTS, seed: int = 0,
                     ws: Workspace | None = None, **overrides: Any) -> ContractReport:
    """Start the Azure-like mock in-process on a free 127.0.0.1 port and contract-test it (writes allowed).

    `overrides` are `ContractConfig` fields (phases, include_paths, cassette...); `seed` seeds both sides.
    """
    import secrets

    from ..mock import create_app, serve_in_background

    ws = ws or Workspace()
    spec = spec_arg if not isinstance(spec_arg, str) else ws.open(spec_arg)
    key = secrets.token_urlsafe(24)
    app = create_app(ws, specs=[spec], seed=seed, api_keys=[key], deployments=[MOCK_DEPLOYMENT])
    with serve_in_background(app) as root:
        config = ContractConfig(spec=spec, url=root, name="mock", deployment=MOCK_DEPLOYMENT,
                                auth=AuthSpec.api_key(key), allow_writes=True, max_requests=max_requests, seed=seed)
        return run_contract(replace(config, **overrides), ws=ws)


def run_targets(targets: list[Any], *, ws: Workspace | None = None, **options: Any) -> list[ContractReport]:
    """One run per target, same options for all; a matrix of reports in the targets' order."""
    from ..errors import TargetUnreachable

    ws = ws or Workspace()
    reports = []
    for target in targets:
        config = ContractConfig(spec=target.spec, url=target.url, name=target.name, region=target.region,
                                deployment=target.deployment, auth=target.auth, **options)
        try:
            reports.append(run_contract(config, ws=ws))
        except TargetUnreachable as exc:  # one deployment down must not hide the others' results
            reports.append(ContractReport(target=target.name, spec=target.spec, url=target.url, surface="?",
                                          api_version=None, deployment=target.deployment, phases=list(config.phases),
                                          max_requests=config.max_requests, region=target.region,
                                          stop_reason="unreachable", errors=[str(exc)]))
    return reports
