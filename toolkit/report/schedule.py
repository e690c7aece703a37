"""Run the build's jobs over a process pool: the costliest ready job first, each after the jobs it needs.

On two cores the order decides the wall time: the long contract run and the largest specs start first, so
nothing big is left for the end. A pair diff waits for the version jobs of its two specs, which parse them into
the build's scratch folder (`parsed.py`), so that each spec is parsed once per build. At most one job per worker
is in flight, so the order holds (a pool's own queue would run them in submission order).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from .outcome import StageError

Progress = Callable[[Iterable[Any], str, int | None], Iterable[Any]]


@dataclass(frozen=True)
class Job:
    name: str
    cost: float  # relative; only the order matters
    func: Callable[..., dict[str, Any]]
    args: tuple[Any, ...]
    needs: tuple[str, ...] = ()  # names of jobs that must finish first (unknown names are ignored)


def _pool(workers: int) -> ProcessPoolExecutor | None:
    """A process pool (fork: workers inherit the loaded toolkit) or None to run the jobs in this process."""
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))


class _Plan:
    """Which jobs are ready, costliest first."""

    def __init__(self, jobs: list[Job]) -> None:
        names = {job.name for job in jobs}
        self.waiting = sorted(jobs, key=lambda job: -job.cost)
        self.needs = {job.name: {n for n in job.needs if n in names} for job in jobs}
        self.finished: set[str] = set()

    def next_ready(self, idle: bool = False) -> Job | None:
        """The costliest job whose needs are met; with nothing running (`idle`), the costliest job at all."""
        for i, job in enumerate(self.waiting):
            if self.needs[job.name] <= self.finished:
                return self.waiting.pop(i)
        return self.waiting.pop(0) if idle and self.waiting else None

    def finish(self, name: str) -> None:
        self.finished.add(name)


def _died(name: str, exc: BaseException) -> dict[str, Any]:
    return {"errors": [StageError("worker", name, "internal",
                                  f"worker process died ({exc}); likely out of memory").to_dict()]}


def _completions(jobs: list[Job], workers: int) -> Iterator[tuple[str, dict[str, Any]]]:
    plan = _Plan(jobs)
    pool = _pool(workers)
    if pool is None:
        while (job := plan.next_ready(idle=True)) is not None:
            result = job.func(*job.args)
            plan.finish(job.name)
            yield job.name, result
        return
    with pool:
        running: dict[Future[dict[str, Any]], str] = {}
        broken: BaseException | None = None
        while True:
            while broken is None and len(running) < workers and (job := plan.next_ready(idle=not running)) is not None:
                try:
                    running[pool.submit(job.func, *job.args)] = job.name
                except BrokenProcessPool as exc:
                    broken = exc
                    plan.finish(job.name)
                    yield job.name, _died(job.name, exc)
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                name = running.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool as exc:
                    broken = broken or exc
                    result = _died(name, exc)
                plan.finish(name)
                yield name, result
        for job in plan.waiting if broken is not None else ():  # the pool died: nothing else can run
            yield job.name, _died(job.name, broken)


def run_jobs(jobs: list[Job], workers: int, progress: Progress) -> dict[str, dict[str, Any]]:
    """Every job's result by name; a job whose worker died gets an error result instead."""
    return dict(progress(_completions(jobs, workers), "building report", len(jobs)))
