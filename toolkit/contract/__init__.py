"""Contract testing of Azure OpenAI endpoints on Schemathesis' engine: budget, pinning, auth, Azure-aware results.

Public API: `ContractConfig`, `run_contract`, `run_against_mock`, `run_targets`, `ContractReport`, `render_report`,
`render_matrix`, `replay`, `azure_schema` (a Schemathesis schema for a team's own pytest suite), `CHECKS` (the
project's own checks), `ContractRequest`/`run_request` (what the `contract` command does).
"""

from __future__ import annotations

from ..errors import ContractConfigError, TargetUnreachable
from .auth import ENTRA_SCOPE, AuthSpec
from .checks import CHECKS, ContractCheck
from .modes import ContractRequest, Outcome, run_against_mock, run_request, run_targets
from .pytest_api import azure_schema
from .replay import ReplayReport, replay
from .report import REPORT_FORMATS, ContractFailure, ContractReport, render_matrix, render_report
from .runner import DEFAULT_MAX_REQUESTS, DEFAULT_PHASES, PHASES, ContractConfig, run_contract
from .targets import Target, load_targets

__all__ = [
    "CHECKS", "DEFAULT_MAX_REQUESTS", "DEFAULT_PHASES", "ENTRA_SCOPE", "PHASES",
    "REPORT_FORMATS", "AuthSpec", "ContractCheck", "ContractConfig", "ContractConfigError", "ContractFailure",
    "ContractReport", "ContractRequest", "Outcome", "ReplayReport", "Target", "TargetUnreachable", "azure_schema",
    "load_targets", "render_matrix", "render_report", "replay", "run_against_mock", "run_contract", "run_request",
    "run_targets",
]
