"""The contract-test page: the built-in mock (default) or the deployments of a targets file."""

from __future__ import annotations

from pathlib import Path

from . import page as paths
from .page import Page
from .results import BuildResults
from .summary import contract_status


def page(results: BuildResults, targets: Path | None) -> Page:
    contract = results.contract or {}
    data = {
        "target": contract.get("target") or ("targets" if targets else "mock"),
        "subject": contract.get("subject"),
        "spec": contract.get("spec"),
        "max_requests": contract.get("max_requests"),
        "status": contract_status(results.contract),
        "reports": contract.get("reports") or [],
        "skipped": results.contract_skipped,
        "errors": contract.get("errors", []),
        "cached": bool(contract.get("cached")),
    }
    return Page(paths.CONTRACT, "contract", "Contract tests", data)
