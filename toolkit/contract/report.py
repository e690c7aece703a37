"""The results of a contract run as plain dataclasses (JSON via `to_dict()`), and their rendering via templates."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ..pointer import join
from ..render import render
from .classify import CLASSES
from .ledger import RUN, Ledger, OperationTally
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
    gap_rule: str | None = None  # for a spec gap: the rule that explains it, and why no server could avoid it
    gap_reason: str | None = None
    exchange_id: str | None = None  # the cassette entry of the request that failed (budget.fingerprint)

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
    """One operation's verdict and how much it was tested. `under-tested`: no failure, but the budget ran out
    before it got its planned share of some phase (never reported as passed)."""

    operation: str
    status: str  # passed | failed | under-tested | budget | skipped | errored
    failures: int = 0
    skip_reason: str | None = None
    tally: OperationTally | None = None

    @property
    def pointer(self) -> str:
        method, _, path = self.operation.partition(" ")
        return join("#/paths", path, method.lower()) if path else "#/paths"

    def to_dict(self) -> dict[str, Any]:
        row = {"pointer": self.pointer, "operation": self.operation, "status": self.status, "failures": self.failures,
               "skip_reason": self.skip_reason}
        return {**row, **(self.tally.to_dict() if self.tally else {})}


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
    """What the run created and what became of it: every created resource is deleted by the run's own DELETE
    requests, deleted at the end, or left with the reason."""

    created: int = 0
    deleted: int = 0  # at the end
    deleted_by_run: int = 0  # by a DELETE the run's own phases sent
    left: list[str] = field(default_factory=list)  # concrete paths that could not be deleted
    reasons: dict[str, str] = field(default_factory=dict)  # path -> why it was left
    skipped: bool = False  # --no-cleanup

    @property
    def explanation(self) -> str:
        if not self.created:
            return "nothing was created"
        parts = []
        if self.deleted_by_run:
            parts.append(f"{self.deleted_by_run} deleted by the run's own DELETE requests")
        if self.deleted:
            parts.append(f"{self.deleted} deleted at the end")
        if self.left:
            why = "kept (--no-cleanup)" if self.skipped else "left behind"
            parts.append(f"{len(self.left)} {why}: " + "; ".join(f"{path} ({self.reasons.get(path, 'not deleted')})"
                                                              for path in self.left))
        return f"{self.created} created: " + ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "explanation": self.explanation}


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
    max_examples: int | None = None  # per operation and fuzzing pass, after scaling to the budget
    operations_total: int = 0  # operations selected by the filters (some may not be reached within the budget)
    strict: bool = False  # spec gaps fail the run too
    checks: list[str] = field(default_factory=list)  # the checks this run used
    ledger: Ledger = field(default_factory=Ledger, repr=False, compare=False)
    seed: int | None = None
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
    def spec_gaps(self) -> list[ContractFailure]:
        return [f for f in self.failures if f.failure_class == "spec_gap"]

    @property
    def ok(self) -> bool:
        """No contract failure (nor spec gap with --strict), no failed workflow step, and no request the engine
        could not complete."""
        gaps = self.strict and bool(self.spec_gaps)
        return not self.contract_failures and not gaps and all(step.ok for step in self.scenario) and not self.errors

    @property
    def phase_requests(self) -> dict[str, int]:
        return dict(sorted(self.ledger.by_phase.items()))

    @property
    def under_tested(self) -> list[OperationResult]:
        return [o for o in self.operations if o.status in ("under-tested", "budget")]

    @property
    def tested(self) -> dict[str, Any]:
        """How much was tested: what a PASS must say."""
        tallies = [o.tally for o in self.operations if o.tally is not None]
        per_operation = [t.requests for t in tallies]
        total = self.ledger.requests or self.requests_sent
        return {"requests": total, "operations": len(self.operations),
                "per_operation_min": min(per_operation, default=0), "per_operation_max": max(per_operation, default=0),
                "auth_probes": self.ledger.auth_probes, "answered_2xx": self.ledger.answered_2xx,
                "run_level_requests": self.ledger.operations[RUN].requests if RUN in self.ledger.operations else 0}

    @property
    def verdict(self) -> str:
        """One line: PASS/FAIL and how much stands behind it."""
        t = self.tested
        total = max(t["requests"], 1)
        head = "PASS" if self.ok else "FAIL"
        line = (f"{head}: {t['requests']} requests over {t['operations']} operations "
                f"({t['per_operation_min']}-{t['per_operation_max']} each), "
                f"{t['answered_2xx']} answered 2xx ({100 * t['answered_2xx'] / total:.0f}%), "
                f"{t['auth_probes']} auth probes ({100 * t['auth_probes'] / total:.0f}%)")
        if self.contract_failures:
            line += f"; {len(self.contract_failures)} contract failures"
        if self.spec_gaps:
            line += f"; {len(self.spec_gaps)} spec gaps {'(failing: --strict)' if self.strict else 'listed apart'}"
        if self.under_tested:
            line += f"; {len(self.under_tested)} operations did not get their share of the budget"
        return line

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target, "region": self.region, "spec": self.spec, "url": self.url, "surface": self.surface,
            "api_version": self.api_version, "deployment": self.deployment, "phases": self.phases,
            "max_examples": self.max_examples, "operations_total": self.operations_total, "seed": self.seed,
            "ok": self.ok, "verdict": self.verdict, "strict": self.strict, "stop_reason": self.stop_reason,
            "budget": {"max_requests": self.max_requests, "requests_sent": self.requests_sent,
                       "requests_refused": self.requests_refused, "exhausted": self.budget_exhausted,
                       "writes_refused": self.writes_refused},
            "tested": self.tested,
            "requests_by_phase": self.phase_requests,
            "throttling": {"waits": self.throttled_waits, "waited_seconds": round(self.waited_seconds, 3)},
            "duration_seconds": round(self.duration, 3),
            "checks": self.checks,
            "classified": self.classified,
            "failures": [f.to_dict() for f in self.failures if f.failure_class != "spec_gap"],
            "spec_gaps": [f.to_dict() for f in self.spec_gaps],
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
