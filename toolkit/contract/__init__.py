"""Contract testing of Azure OpenAI endpoints on Schemathesis' engine: budget, pinning, auth, Azure-aware results.

Public API: `ContractConfig`, `run_contract`, `run_against_mock`, `run_targets`, `ContractReport`, `render_report`.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from ..model import Spec
from ..workspace import Workspace
from .auth import ENTRA_SCOPE, AuthSpec
from ..errors import ContractConfigError, TargetUnreachable
from .report import REPORT_FORMATS, ContractFailure, ContractReport, render_matrix, render_report
from .runner import DEFAULT_MAX_REQUESTS, DEFAULT_PHASES, PHASES, ContractConfig, run_contract
from .targets import Target, load_targets

MOCK_MAX_REQUESTS = 1500


def run_against_mock(spec_arg: str | Spec = "v1", *, max_requests: int | None = MOCK_MAX_REQUESTS, seed: int = 0,
                     ws: Workspace | None = None, **overrides: Any) -> ContractReport:
    """Start the Azure-like mock in-process on a free 127.0.0.1 port and contract-test it (writes allowed).

    `overrides` are `ContractConfig` fields (phases, include_paths, cassette...); `seed` seeds both sides.
    """
    from ..mock import create_app, serve_in_background

    ws = ws or Workspace()
    spec = spec_arg if isinstance(spec_arg, Spec) else ws.open(spec_arg)
    key = secrets.token_urlsafe(24)
    app = create_app(ws, specs=[spec], seed=seed, api_keys=[key])
    with serve_in_background(app) as root:
        config = ContractConfig(spec=spec, url=root, name="mock", deployment="gpt-4o-mini",
                                auth=AuthSpec.api_key(key), allow_writes=True, max_requests=max_requests, seed=seed)
        return run_contract(replace(config, **overrides), ws=ws)


def run_targets(targets: list[Target], *, ws: Workspace | None = None, **options: Any) -> list[ContractReport]:
    """One run per target, same options for all; a matrix of reports in the targets' order."""
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


__all__ = [
    "DEFAULT_MAX_REQUESTS", "DEFAULT_PHASES", "ENTRA_SCOPE", "MOCK_MAX_REQUESTS", "PHASES", "REPORT_FORMATS",
    "AuthSpec", "ContractConfig", "ContractConfigError", "ContractFailure", "ContractReport", "Target", "TargetUnreachable",
    "load_targets", "render_matrix", "render_report", "run_against_mock", "run_contract", "run_targets",
]
