"""The results of a contract run as plain dataclasses (JSON via `to_dict()`), and their rendering via templates."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ..pointer import join
from ..render import render
from .classify import CLASSES
from .redact import Redactor


@dataclass
class ContractFailure:
    """One distinct failure: which check, on which operation, and whose fault (`failure_class`)."""

    check: str
    code: str
    failure_class: str
    operation: str  # "POST /chat/completions"
    phase: str
    title: str
    message: str
    status: int | None = None
    curl: str = ""
    response_excerpt: str = ""

    @property
    def pointer(self) -> str:
        method, _, path = self.operation.partition(" ")
        return join("#/paths", path, method.lower()) if path else "#/paths"

    @property
    def id(self) -> str:
        digest = hashlib.sha256(f"{self.check}|{self.operation}|{self.title}|{self.status}".encode()).hexdigest()[:10]
        return f"{self.check}:{digest}"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "pointer": self.pointer, **asdict(self)}


@dataclass
class OperationResult:
    operation: str
    status: str  # passed | failed | skipped | errored
    failures: int = 0
    skip_reason: str | None = None

    @property
    def pointer(self) -> str:
        method, _, path = self.operation.partition(" ")
        return join("#/paths", path, method.lower()) if path else "#/paths"

    def to_dict(self) -> dict[str, Any]:
        return {"pointer": self.pointer, **asdict(self)}


@dataclass
class ScenarioStep:
    """One step of an explicit workflow (the stateful Responses scenario)."""

    name: str
    operation: str
    expected: str
    status: int | None
    ok: bool
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CleanupResult:
    created: int = 0
    deleted: int = 0
    left: list[str] = field(default_factory=list)  # concrete paths that could not be deleted

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ContractReport:
    target: str
    spec: str
    url: str
    surface: str
    api_version: str | None
    deployment: str | None
    phases: list[str]
    max_requests: int | None
    requests_sent: int = 0
    requests_refused: int = 0
    writes_refused: int = 0
    budget_exhausted: bool = False
    throttled_waits: int = 0
    waited_seconds: float = 0.0
    duration: float = 0.0
    stop_reason: str = "completed"
    failures: list[ContractFailure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    operations: list[OperationResult] = field(default_factory=list)
    scenario: list[ScenarioStep] = field(default_factory=list)
    cleanup: CleanupResult = field(default_factory=CleanupResult)
    statuses: dict[int, int] = field(default_factory=dict)
    region: str | None = None
    max_examples: int | None = None  # per operation, after scaling to the budget
    operations_total: int = 0  # operations selected by the filters (some may not be reached within the budget)
    redactor: Redactor = field(default_factory=Redactor, repr=False, compare=False)  # the run's secrets

    @property
    def classified(self) -> dict[str, int]:
        counts = {name: 0 for name in CLASSES}
        for failure in self.failures:
            counts[failure.failure_class] = counts.get(failure.failure_class, 0) + 1
        return counts

    @property
    def contract_failures(self) -> list[ContractFailure]:
        return [f for f in self.failures if f.failure_class == "contract"]

    @property
    def ok(self) -> bool:
        """No contract failure, no failed workflow step, and no request the engine could not complete."""
        return not self.contract_failures and all(step.ok for step in self.scenario) and not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target, "region": self.region, "spec": self.spec, "url": self.url, "surface": self.surface,
            "api_version": self.api_version, "deployment": self.deployment, "phases": self.phases,
            "max_examples": self.max_examples, "operations_total": self.operations_total,
            "ok": self.ok, "stop_reason": self.stop_reason,
            "budget": {"max_requests": self.max_requests, "requests_sent": self.requests_sent,
                       "requests_refused": self.requests_refused, "exhausted": self.budget_exhausted,
                       "writes_refused": self.writes_refused},
            "throttling": {"waits": self.throttled_waits, "waited_seconds": round(self.waited_seconds, 3)},
            "duration_seconds": round(self.duration, 3),
            "classified": self.classified,
            "failures": [f.to_dict() for f in self.failures],
            "errors": self.errors,
            "operations": [o.to_dict() for o in self.operations],
            "scenario": [s.to_dict() for s in self.scenario],
            "cleanup": self.cleanup.to_dict(),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


REPORT_FORMATS = ("json", "junit", "html", "markdown", "text")


def render_report(report: ContractReport, fmt: str) -> str:
    """`json`, `junit` (XML), `html`, `markdown` or `text` for one run."""
    if fmt == "json":
        text = json.dumps(report.redactor.data(report.to_dict()), indent=2) + "\n"
    else:
        template = {"junit": "contract/junit.xml.j2", "html": "contract/report.html.j2",
                    "markdown": "contract/summary.md.j2", "text": "contract/summary.txt.j2"}[fmt]
        text = render(template, report=report, classified=report.classified)
    return report.redactor.scrub(text)


def render_matrix(reports: list[ContractReport], fmt: str) -> str:
    """One report for several deployments: `json`, `junit`, `html`, `markdown` or `text`."""
    redactor = Redactor()
    for report in reports:
        redactor.add(*report.redactor.secrets)
    if fmt == "json":
        text = json.dumps(redactor.data({"ok": all(r.ok for r in reports), "targets": [r.to_dict() for r in reports]}),
                          indent=2) + "\n"
    else:
        template = {"junit": "contract/matrix.junit.xml.j2", "html": "contract/matrix.html.j2",
                    "markdown": "contract/matrix.md.j2", "text": "contract/matrix.md.j2"}[fmt]
        text = render(template, reports=reports)
    return redactor.scrub(text)
