"""Where the time goes: seconds and peak memory of each build stage, measured in the process that runs it.

A job wraps each of its stages in `Meter.stage(name)`; the build adds the jobs' meters up (`merge`): seconds
and CPU seconds are summed over jobs (two workers run at once, so the sum can exceed the wall time), peak memory
is the largest resident size any process reached while it ran that stage. On Linux the process's peak is reset
at the start of each stage (`/proc/self/clear_refs`), so the number belongs to the stage and not to an earlier
one; elsewhere it is the process's peak so far (an upper bound).
"""

from __future__ import annotations

import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

# the stages in pipeline order (the index page lists them so)
STAGES = ("pull", "load", "validate", "apim", "diff", "compat", "contract", "write")

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS counter of this process to its current size; False where that is not possible."""
    try:
        _CLEAR_REFS.write_text("5")
        return True
    except OSError:
        return False


def peak_mb() -> float:
    """The peak resident set size of this process in MB (since the last reset, where resets work)."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1_048_576 if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


class Meter:
    """Per-stage totals of one job (or, merged, of a whole build)."""

    def __init__(self) -> None:
        self.stages: dict[str, dict[str, float]] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        _reset_peak()
        started, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.add(name, {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu,
                            "peak_mb": peak_mb(), "jobs": 1})

    def add(self, name: str, row: dict[str, float]) -> None:
        total = self.stages.setdefault(name, {"seconds": 0.0, "cpu_seconds": 0.0, "peak_mb": 0.0, "jobs": 0})
        for key in ("seconds", "cpu_seconds", "jobs"):
            total[key] += row.get(key, 0)
        total["peak_mb"] = max(total["peak_mb"], row.get("peak_mb", 0.0))

    def merge(self, stages: dict[str, dict[str, float]] | None) -> None:
        for name, row in (stages or {}).items():
            self.add(name, row)

    def to_dict(self) -> dict[str, dict[str, float]]:
        ordered = sorted(self.stages, key=lambda s: (STAGES.index(s) if s in STAGES else len(STAGES), s))
        return {name: {"seconds": round(self.stages[name]["seconds"], 2),
                       "cpu_seconds": round(self.stages[name]["cpu_seconds"], 2),
                       "peak_mb": round(self.stages[name]["peak_mb"]),
                       "jobs": int(self.stages[name]["jobs"])} for name in ordered}

