"""The phases of a run, each spending its share of the budget fairly over the selected operations.

1. `azure`: the Azure probes (`probes.py`), round-robin over operations, first tier before second.
2. `coverage`: a budget-aware subset of Schemathesis' coverage cases (`coverage.py`), round-robin.
3. `examples`, `fuzzing`, `stateful`: Schemathesis' engine with the rest of the budget. When its planned passes
   finish under budget, the engine runs further fuzzing and stateful passes with new seeds (Schemathesis' own
   time-boxed cycles; the seed moves with each pass) until the budget is spent, the time cap is reached, or a
   whole pass sends nothing new (the operations' inputs are exhausted).

Why these shares: the probes are deterministic and each targets one fault, so they come first and may take up to
40% (a small budget still tests every kind of fault once); coverage cases up to 20%; fuzzing and stateful testing
get the rest and whatever the first two left unused.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Iterator, Mapping, Protocol, TypeVar

from . import coverage
from .executor import Executor, request_body
from .ledger import Ledger
from .probes import Probe

SHARES = {"azure": 0.40, "coverage": 0.20}
UNLIMITED_COVERAGE = 10_000  # cases per operation when the run has no budget: the whole coverage phase
ENGINE_PHASES = ("examples", "fuzzing", "stateful")
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Queue(Protocol[T_co]):
    """What `round_robin` reads: items by position, IndexError past the end (a list, or a lazy queue)."""

    def __getitem__(self, index: int) -> T_co: ...


def round_robin(queues: Mapping[str, Queue[T]]) -> Iterator[tuple[str, T]]:
    """One item of each operation in turn, then the next round: no operation waits for another's whole queue. A
    lazy queue (`coverage.Selection`) is read only as deep as the rounds taken reach."""
    depth = 0
    while True:
        row = []
        for label, items in queues.items():
            try:
                row.append((label, items[depth]))
            except IndexError:
                continue
        if not row:
            return
        yield from row
        depth += 1


def share(start: int | None, remaining: int | None, phase: str, phases: tuple[str, ...]) -> int | None:
    """How many requests `phase` may send: its share of the budget the phases started with (`start`), within what
    is left (`remaining`). A phase that does not run leaves its share to the others; the last phase takes the rest."""
    if start is None or remaining is None:
        return None
    engine = any(p in phases for p in ENGINE_PHASES)
    later = [p for p in ("azure", "coverage") if p in phases]
    if phase not in SHARES or (not engine and later and later[-1] == phase):
        return remaining
    weight = SHARES[phase] if engine else SHARES[phase] / sum(SHARES[p] for p in later)
    return max(1, min(remaining, round(start * weight)))


def _spend(executor: Executor, ledger: Ledger, phase: str, order: list[tuple[str, Any]], limit: int | None,
           send: Any) -> None:
    """Send `order` until `limit` requests; note each operation's planned share and whether it got it."""
    gate = executor.state.gate
    planned = order if limit is None else order[:limit]
    for label in dict.fromkeys(label for label, _ in planned):
        ledger.plan(label, phase, sum(1 for other, _ in planned if other == label))
    gate.quota = None if limit is None else gate.sent + limit
    sent: dict[str, int] = {}
    try:
        for index, (label, item) in enumerate(planned):
            before = gate.sent
            send(item)
            if gate.sent > before:
                sent[label] = sent.get(label, 0) + 1
            elif gate.exhausted or (gate.quota is not None and gate.sent >= gate.quota):
                for rest, _ in planned[index:]:
                    ledger.starve(rest, phase, "the budget was used up before its turn")
                break
    finally:
        gate.quota = None


def run_azure(executor: Executor, ledger: Ledger, queues: dict[str, list[Probe]], limit: int | None) -> None:
    first = {label: [p for p in probes if p.tier == 1] for label, probes in queues.items()}
    rest = {label: [p for p in probes if p.tier != 1] for label, probes in queues.items()}
    order = [*round_robin(first), *round_robin(rest)]
    _spend(executor, ledger, "azure", order, limit, executor.send_probe)


def run_coverage(executor: Executor, ledger: Ledger, schema: Any, limit: int | None) -> None:
    operations = [result.ok() for result in schema.get_all_operations()]
    per_operation = UNLIMITED_COVERAGE if limit is None else limit
    selections = {op.label: coverage.Selection(schema, op, per_operation) for op in operations}
    order = list(islice(round_robin(selections), limit))  # each operation's cases read only as deep as the share
    _spend(executor, ledger, "coverage", order, limit, lambda case: executor.send_case(case, "coverage"))


@dataclass
class EngineStage:
    """Schemathesis' engine for examples, fuzzing and stateful, with extra passes until the budget is spent."""

    executor: Executor
    ledger: Ledger
    phases: tuple[str, ...]
    max_time: float | None
    served: set[str] = field(default_factory=set)  # operations whose first fuzzing pass completed
    errored: set[str] = field(default_factory=set)
    skipped: dict[str, str] = field(default_factory=dict)
    stop_reason: str = "completed"
    passes: int = 0

    def run(self, schema: Any, collect: Any) -> None:
        import schemathesis.engine
        from schemathesis.engine import events

        state = self.executor.state
        gate = state.gate
        state.cycle, state.raw = 0, False
        gate.context = ("probing", None)
        started = time.monotonic()
        stream = schemathesis.engine.from_schema(schema).execute()
        gate.on_exhausted = stream.stop
        distinct_at_start = gate.distinct
        saturated = False
        for event in stream:
            if isinstance(event, events.PhaseStarted) and str(event.phase.name.value) == "fuzzing":
                state.cycle = self.passes
                self.passes += 1
                distinct_at_start = gate.distinct
            elif isinstance(event, events.PhaseFinished) and str(event.phase.name.value) == "fuzzing":
                if self.passes > 1 and gate.distinct == distinct_at_start:
                    saturated = True  # a whole pass sent nothing new: more passes would only repeat it
                    stream.stop()
            elif isinstance(event, events.ScenarioFinished):
                label = event.recorder.label
                phase = str(event.phase.value)
                if phase == "fuzzing" and str(event.status.value) != "interrupted":
                    self.served.add(label)
                if str(event.status.value) == "skip" and event.skip_reason:
                    self.skipped.setdefault(label, str(event.skip_reason))
                collect(event)
            elif isinstance(event, events.NonFatalError):
                collect(event)
                if event.label:
                    self.errored.add(str(event.label))
            elif isinstance(event, events.FatalError):
                collect(event)
            elif isinstance(event, events.EngineFinished):
                reason = str(event.stop_reason.value)
                self.stop_reason = ("budget" if gate.exhausted else "saturated" if saturated
                                    else "max_time" if self.max_time and time.monotonic() - started >= self.max_time
                                    else reason)
        gate.on_exhausted = None

    def starve(self, labels: list[str]) -> None:
        if "fuzzing" not in self.phases:
            return
        for label in labels:
            if label not in self.served and label not in self.skipped:
                self.ledger.starve(label, "fuzzing", "the budget was used up before its first fuzzing pass")


def interaction_body(recorder: Any, case_id: str) -> Any:
    """The JSON body an engine case sent (spec-gap rules read it)."""
    case = recorder.cases.get(case_id) if hasattr(recorder, "cases") else None
    value = getattr(case, "value", None)
    return request_body(value) if value is not None else None
