"""Recall benchmark (run by hand): planted bugs caught by `aoai-spec contract` and by plain Schemathesis.

The target is bench/planted/server.py (api-version 2024-10-21: chat, completions, embeddings), started once per
run with one bug planted (or none: the clean server). Every tool gets the same budget of answered requests: the
server answers the first N requests and leaves every later one hanging; the harness then stops the tool (SIGINT,
so Schemathesis still writes its report). Tools:

- `aoai`: `aoai-spec contract --spec 2024-10-21 --max-requests N --seed S` (its defaults otherwise);
- `st`: `st run --checks all --phases examples,fuzzing,stateful --seed S`, given only the api-version, the
  deployment and the key (a `schemathesis.toml` with `[parameters]`);
- `st+coverage`: the same with every phase (`examples,coverage,fuzzing,stateful`).

A bug counts as caught by a tool under a seed when the bug fired at the server and the tool reported a failure of
one of the bug's checks on one of its operations that the same tool did not report on the clean server under the
same seed. A false alarm is any failure a tool reports on the clean server (spec gaps, listed apart by
`aoai-spec contract`, are not failures).

Usage:
  python bench/bench_contract_recall.py [--budget 300] [--seeds 1,2,3] [--tools aoai,st,st+coverage]
                                        [--bugs all|NAME,...] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from planted.server import API_VERSION, BUGS, DEPLOYMENT  # noqa: E402

KEY = "planted-bench-key-7d1c"
TOOLS = ("aoai", "st", "st+coverage")
ROUTES = ("chat/completions", "completions", "embeddings")  # what the planted server serves


@dataclass
class Run:
    tool: str
    seed: int
    budget: int
    bug: str | None
    signatures: list[tuple[str, str, int | None, str]] = field(default_factory=list)  # (check, operation, status, what)
    fired: int = 0
    answered: int = 0
    seconds: float = 0.0
    exit_code: int | None = None
    spec_gaps: int = 0
    errors: list[str] = field(default_factory=list)  # errors of the run (aoai: its report's errors)


class Server:
    def __init__(self, bug: str | None, budget: int) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="planted-"))
        port_file = self.folder / "port"
        cmd = [sys.executable, str(REPO / "bench" / "planted" / "server.py"), "--key", KEY, "--budget", str(budget),
               "--port-file", str(port_file)] + (["--bug", bug] if bug else [])
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while not (port_file.exists() and port_file.read_text()):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("the planted server did not start")
            time.sleep(0.1)
        self.root = f"http://127.0.0.1:{port_file.read_text()}"
        while True:
            try:
                httpx.get(self.root + "/_planted/stats", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.1)

    def stats(self) -> dict[str, Any]:
        return httpx.get(self.root + "/_planted/stats", timeout=10).json()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def _watch(process: subprocess.Popen[bytes], server: Server, budget: int, limit: float) -> None:
    """Wait for the tool; once the server has left a request unanswered (budget spent), stop it with SIGINT."""
    started = time.monotonic()
    interrupted = False
    while process.poll() is None:
        time.sleep(0.25)
        over = server.stats()["requests"] > budget
        if (over or time.monotonic() - started > limit) and not interrupted:
            process.send_signal(signal.SIGINT)
            interrupted = True
            interrupted_at = time.monotonic()
        elif interrupted and time.monotonic() - interrupted_at > 30:
            process.kill()
    process.wait()


def run_aoai(server: Server, seed: int, budget: int, folder: Path) -> tuple[list[tuple[str, str, int | None, str]],
                                                                          int, int, list[str]]:
    out = folder / "aoai.json"
    process = subprocess.Popen([sys.executable, "-m", "toolkit", "contract", "--spec", API_VERSION, "--url",
                                server.root + "/openai", "--api-key-env", "PLANTED_KEY", "--deployment", DEPLOYMENT,
                                "--allow-writes", "--max-requests", str(budget), "--seed", str(seed),
                                *[a for route in ROUTES for a in ("--include-path", f"/deployments/{{deployment-id}}/{route}")],
                                "--report", f"json:{out}"],
                               env={**os.environ, "PLANTED_KEY": KEY}, cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _watch(process, server, budget, limit=900)
    report = json.loads(out.read_text()) if out.exists() else {"failures": [], "spec_gaps": [], "errors": ["no report"]}
    found = [(f["check"], f["operation"], f["status"], detail(f["message"])) for f in report["failures"]
             if f.get("failure_class", "contract") == "contract"]
    return found, len(report.get("spec_gaps", [])), process.returncode, report.get("errors", [])


def run_schemathesis(server: Server, seed: int, coverage: bool, folder: Path,
                     budget: int) -> tuple[list[tuple[str, str, int | None, str]], int, int, list[str]]:
    spec = folder / "spec.json"
    if not spec.exists():
        from toolkit.workspace import Workspace

        spec.write_text(json.dumps(Workspace().open(API_VERSION).document))
    (folder / "schemathesis.toml").write_text(
        f'[parameters]\n"path.deployment-id" = "{DEPLOYMENT}"\n"query.api-version" = "{API_VERSION}"\n')
    phases = "examples,coverage,fuzzing,stateful" if coverage else "examples,fuzzing,stateful"
    report = folder / "st.ndjson"
    report.unlink(missing_ok=True)
    st = shutil.which("st") or str(Path(sys.executable).parent / "st")
    process = subprocess.Popen([st, "run", str(spec), "--url", server.root + "/openai", "-H", f"api-key: {KEY}",
                                "--checks", "all", "--phases", phases, "--seed", str(seed), "--workers", "1",
                                "--include-path-regex", "/(" + "|".join(ROUTES) + ")$",
                                "--report", "ndjson", "--report-ndjson-path", str(report)],
                               cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _watch(process, server, budget, limit=900)
    return _ndjson_failures(report), 0, process.returncode, []


def detail(message: str) -> str:
    """What a failure is about, comparable across runs: its most specific line, numbers blanked."""
    lines = [line for line in message.splitlines() if line.strip()]
    chosen = next((line for line in lines if "Invalid component" in line), lines[0] if lines else "")
    return re.sub(r"\d+(\.\d+)?", "#", chosen)[:160]


def _ndjson_failures(path: Path) -> list[tuple[str, str, int | None]]:
    found = []
    if not path.exists():
        return found
    for line in path.read_text().splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        finished = event.get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished.get("recorder") or {}
        label = recorder.get("label", "")
        interactions = recorder.get("interactions") or {}
        for case_id, checks in (recorder.get("checks") or {}).items():
            for check in checks:
                if check.get("status") != "failure":
                    continue
                response = (interactions.get(case_id) or {}).get("response") or {}
                failure = (check.get("failure_info") or {}).get("failure") or {}
                found.append((check.get("name", ""), label, response.get("status_code"),
                              detail(failure.get("message", ""))))
    return found


def run_one(tool: str, bug: str | None, seed: int, budget: int) -> Run:
    server = Server(bug, budget)
    folder = Path(tempfile.mkdtemp(prefix=f"recall-{tool}-"))
    started = time.monotonic()
    try:
        if tool == "aoai":
            found, gaps, code, errors = run_aoai(server, seed, budget, folder)
        else:
            found, gaps, code, errors = run_schemathesis(server, seed, tool == "st+coverage", folder, budget)
        seconds = time.monotonic() - started
        stats = server.stats()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return Run(tool, seed, budget, bug, sorted({tuple(f) for f in found}, key=str), stats["fired"].get(bug or "", 0),
               min(stats["answered"], budget), seconds, code, gaps, errors)


def caught(run: Run, clean: Run) -> bool:
    bug = BUGS[run.bug or ""]
    known = set(clean.signatures)
    return run.fired > 0 and any(check in bug.checks and operation in bug.operations and signature not in known
                                 for signature in run.signatures for check, operation, *_ in [signature])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=int, default=300)
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--bugs", default="all")
    parser.add_argument("--json", type=Path, default=None, help="write every run here")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    tools = [t for t in args.tools.split(",") if t]
    bugs = list(BUGS) if args.bugs == "all" else args.bugs.split(",")
    runs: list[Run] = []
    # Tools take turns on each server (seed, then bug), so that every tool runs under the same machine load.
    for seed in seeds:
        cleans = {}
        for bug in [None, *bugs]:
            for tool in tools:
                run = run_one(tool, bug, seed, args.budget)
                runs.append(run)
                if bug is None:
                    cleans[tool] = run
                    print(f"{tool} seed {seed} clean: {len(run.signatures)} failures {run.signatures[:6]} "
                          f"({run.answered} answered, {run.seconds:.0f} s, exit {run.exit_code}, "
                          f"{run.spec_gaps} spec gaps, errors {run.errors[:2]})", flush=True)
                else:
                    print(f"{tool} seed {seed} {bug}: {'CAUGHT' if caught(run, cleans[tool]) else 'missed'} "
                          f"(fired {run.fired}, {run.answered} answered, {run.seconds:.0f} s)", flush=True)
                if args.json:
                    args.json.write_text(json.dumps([asdict(r) for r in runs], indent=1))
    summarise(runs, tools, seeds, bugs)


def summarise(runs: list[Run], tools: list[str], seeds: list[int], bugs: list[str]) -> None:
    print(f"\n| Tool | Caught under every seed | Caught under at least one | False alarms (clean) | Requests | Seconds |")
    print("|---|---|---|---|---|---|")
    for tool in tools:
        per_seed = []
        alarms, requests, seconds = [], [], []
        for seed in seeds:
            clean = next(r for r in runs if r.tool == tool and r.seed == seed and r.bug is None)
            alarms.append(len(clean.signatures))
            hits = {r.bug for r in runs if r.tool == tool and r.seed == seed and r.bug and caught(r, clean)}
            per_seed.append(hits)
            mine = [r for r in runs if r.tool == tool and r.seed == seed]
            requests += [r.answered for r in mine]
            seconds += [r.seconds for r in mine]
        every = set.intersection(*per_seed) if per_seed else set()
        some = set.union(*per_seed) if per_seed else set()
        print(f"| {tool} | {len(every)}/{len(bugs)} | {len(some)}/{len(bugs)} | {'/'.join(map(str, alarms))} "
              f"| {sum(requests) / len(requests):.0f} avg | {sum(seconds) / len(seconds):.1f} avg |")
    print("\n| Bug | " + " | ".join(tools) + " |")
    print("|---|" + "---|" * len(tools))
    for bug in bugs:
        cells = []
        for tool in tools:
            hits = 0
            for seed in seeds:
                clean = next(r for r in runs if r.tool == tool and r.seed == seed and r.bug is None)
                run = next(r for r in runs if r.tool == tool and r.seed == seed and r.bug == bug)
                hits += caught(run, clean)
            cells.append(f"{hits}/{len(seeds)}")
        print(f"| `{bug}`: {BUGS[bug].description} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
