"""Run `aoai-spec` in-process (fast, for the big corpus x command table) or as a subprocess (as users do).

In-process runs call `toolkit.cli.main` exactly as the console script does, capture stdout/stderr and the exit
code, and stop a run that overstays its time bound with SIGALRM, so a hang shows up as a failure, not a stuck
suite.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class Overtime(BaseException):
    """Raised inside a run that exceeded its time bound (BaseException so `except Exception` cannot eat it)."""


@dataclass
class Run:
    argv: list[str]
    code: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False

    @property
    def error_lines(self) -> list[str]:
        """Non-empty stderr lines that are not warnings or progress notes."""
        return [line for line in self.stderr.splitlines() if line.strip() and not line.lstrip().lower().startswith(("warning", "note"))]

    def describe(self) -> str:
        return (f"aoai-spec {' '.join(self.argv)}\n  exit={self.code} in {self.seconds:.2f}s timed_out={self.timed_out}\n"
                f"  stderr: {self.stderr[-1500:]!r}\n  stdout: {self.stdout[-500:]!r}")


def _alarm(signum: int, frame: object) -> None:
    raise Overtime()


def run_inprocess(*argv: str, timeout: float = 20.0, env: dict[str, str] | None = None) -> Run:
    """`aoai-spec ARGV` in this process; the exit code as the shell would see it."""
    from toolkit.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_env = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    start = time.perf_counter()
    code: int | None = None
    timed_out = False
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(argv))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                if not isinstance(exc.code, (int, type(None))):
                    err.write(str(exc.code) + "\n")
    except Overtime:
        timed_out = True
    except BaseException as exc:  # escaped main(): that is a crash, shown with its traceback
        import traceback

        err.write("Traceback (escaped main):\n" + "".join(traceback.format_exception(exc)))
        code = -1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return Run(list(argv), code, out.getvalue(), err.getvalue(), time.perf_counter() - start, timed_out)


def run_subprocess(*argv: str, timeout: float = 30.0, env: dict[str, str] | None = None) -> Run:
    """`python -m toolkit ARGV` as a child process, killed when it overstays."""
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "toolkit", *argv], capture_output=True, text=True,
                              env={**os.environ, **(env or {})}, timeout=timeout, cwd=REPO)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        return Run(list(argv), None, out, err, time.perf_counter() - start, timed_out=True)
    return Run(list(argv), done.returncode, done.stdout, done.stderr, time.perf_counter() - start)
