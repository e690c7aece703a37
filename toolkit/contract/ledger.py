"""What a run sent, per operation and per phase: requests, statuses, auth probes, and each check's verdicts.

Why a ledger of our own: Schemathesis reports failures, not how much was tested. A PASS must say how many requests
each operation got, how many of them were auth probes (requests without a valid credential) and how many were
answered 2xx, and an operation that did not get its planned share must not be reported as "passed". The wire gate
notes every request under the phase and operation the run is working on (`WireGate.context`); the checks note
their verdicts here.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

RUN = "(run)"  # requests that belong to no single operation: Schemathesis' capability probes, cleanup


@dataclass
class CheckTally:
    passed: int = 0
    failed: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"passed": self.passed, "failed": self.failed}


@dataclass
class OperationTally:
    operation: str
    requests: int = 0
    auth_probes: int = 0
    by_phase: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    checks: dict[str, CheckTally] = field(default_factory=dict)
    planned: dict[str, int] = field(default_factory=dict)  # phase -> requests the plan gave it
    starved: dict[str, str] = field(default_factory=dict)  # phase -> why the operation did not get its share

    @property
    def ok_2xx(self) -> int:
        return sum(count for status, count in self.statuses.items() if 200 <= status < 300)

    def to_dict(self) -> dict[str, Any]:
        return {"requests": self.requests, "auth_probes": self.auth_probes, "answered_2xx": self.ok_2xx,
                "by_phase": dict(sorted(self.by_phase.items())),
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "checks": {name: tally.to_dict() for name, tally in sorted(self.checks.items())},
                "planned": dict(self.planned), "starved": dict(self.starved)}


@dataclass
class Ledger:
    operations: dict[str, OperationTally] = field(default_factory=dict)
    by_phase: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def tally(self, operation: str | None) -> OperationTally:
        key = operation or RUN
        found = self.operations.get(key)
        if found is None:
            found = self.operations.setdefault(key, OperationTally(key))
        return found

    def request(self, phase: str, operation: str | None, *, auth_probe: bool) -> None:
        with self._lock:
            tally = self.tally(operation)
            tally.requests += 1
            tally.auth_probes += auth_probe
            tally.by_phase[phase] += 1
            self.by_phase[phase] += 1

    def status(self, operation: str | None, status: int) -> None:
        with self._lock:
            self.tally(operation).statuses[status] += 1

    def verdict(self, operation: str | None, check: str, passed: bool) -> None:
        with self._lock:
            tally = self.tally(operation).checks.setdefault(check, CheckTally())
            if passed:
                tally.passed += 1
            else:
                tally.failed += 1

    def plan(self, operation: str, phase: str, requests: int) -> None:
        with self._lock:
            self.tally(operation).planned[phase] = requests

    def starve(self, operation: str, phase: str, reason: str) -> None:
        with self._lock:
            self.tally(operation).starved.setdefault(phase, reason)

    # -- totals for the verdict line
    @property
    def requests(self) -> int:
        return sum(t.requests for t in self.operations.values())

    @property
    def auth_probes(self) -> int:
        return sum(t.auth_probes for t in self.operations.values())

    @property
    def answered_2xx(self) -> int:
        return sum(t.ok_2xx for t in self.operations.values())
