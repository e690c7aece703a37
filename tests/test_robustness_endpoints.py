"""Faulty endpoints: the contract runner against a local server that hangs, resets, answers 5xx, malformed JSON,
the wrong content type, the wrong schema, huge and endless bodies, and storms of 429s. Every run finishes within
its bounds (budget x timeout), reports each fault as what it is, and never crashes.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from conftest import REPO
from hostile.faulty import FAULTS, FaultyServer, faulty_spec


@pytest.fixture
def faulty() -> Iterator[FaultyServer]:
    server = FaultyServer(hang_seconds=3, trickle_seconds=3.5)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server
    server.close()


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "faulty.json"
    path.write_text(json.dumps(faulty_spec()))
    return path


def _limit_memory() -> None:
    """In the child: at most 1.5 GiB of address space, so an unbounded read fails fast instead of eating the host."""
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024, 1536 * 1024 * 1024))


def _contract(spec: Path, server: FaultyServer, tmp_path: Path, faults: tuple[str, ...], *extra: str,
              timeout: float = 90) -> tuple[subprocess.CompletedProcess[str] | None, dict | None, float]:
    """`aoai-spec contract` in a memory-limited child; (process or None on timeout, JSON report, seconds)."""
    report = tmp_path / "report.json"
    argv = [sys.executable, "-m", "toolkit", "contract", "--spec", str(spec), "--url", f"{server.url}/openai/v1",
            "--phases", "examples,fuzzing", "--max-examples", "2", "--report", f"json:{report}", *extra]
    for fault in faults:
        argv += ["--include-path", f"/faults/{fault}"]
    started = time.monotonic()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=REPO, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        return None, None, time.monotonic() - started
    data = json.loads(report.read_text()) if report.exists() else None
    return done, data, time.monotonic() - started


def _by_operation(report: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for failure in report["failures"]:
        found.setdefault(failure["operation"].split("/faults/")[-1], []).append(failure)
    return found


@pytest.mark.slow
def test_each_fault_is_reported_as_what_it_is(faulty: FaultyServer, spec_file: Path, tmp_path: Path) -> None:
    faults = ("ok", "server-error", "gateway-error", "malformed-json", "wrong-content-type", "wrong-schema",
              "throttle-storm", "reset", "close-early", "huge-body")
    done, report, seconds = _contract(spec_file, faulty, tmp_path, faults, "--max-requests", "80")
    assert done is not None, f"contract did not finish in {seconds:.0f}s"
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr + done.stdout and "internal error" not in done.stderr, done.stderr
    assert report is not None and report["budget"]["requests_sent"] <= 80
    failures = _by_operation(report)
    assert "ok" not in failures, failures.get("ok")
    assert {f["status"] for f in failures["server-error"]} == {503}
    assert {f["failure_class"] for f in failures["server-error"]} == {"contract"}
    assert {f["failure_class"] for f in failures["gateway-error"]} == {"gateway"}  # APIM's body shape
    assert any("JSON" in f["title"] for f in failures["malformed-json"]), failures["malformed-json"]
    assert any("Content-Type" in f["title"] for f in failures["wrong-content-type"]), failures["wrong-content-type"]
    assert any("schema" in f["title"].lower() for f in failures["wrong-schema"]), failures["wrong-schema"]
    assert any("schema" in f["title"].lower() for f in failures["huge-body"]), failures["huge-body"]
    assert report["throttling"]["waits"] >= 1 and faulty.hits["throttle-storm"] >= 2  # 429s waited out, then given up
    errors = " ".join(report["errors"])
    assert "/faults/reset" in errors and "/faults/close-early" in errors, report["errors"]
    assert faulty.hits["ok"] >= 1


def _hanging_run(faulty: FaultyServer, budget: int) -> tuple[object, float]:
    from toolkit.contract import ContractConfig, run_contract
    from toolkit.model import Spec

    config = ContractConfig(spec=Spec(document=faulty_spec()), url=f"{faulty.url}/openai/v1", max_requests=budget,
                            phases=("examples", "fuzzing"), max_examples=1, request_timeout=0.5,
                            include_paths=("/faults/timeout",))
    started = time.monotonic()
    report = run_contract(config)
    return report, time.monotonic() - started


@pytest.mark.slow
def test_a_hanging_endpoint_is_bounded_by_the_request_timeout(faulty: FaultyServer) -> None:
    """Through the Python API (the CLI's request timeout is a fixed 30 s): budget x timeout bounds the run."""
    report, seconds = _hanging_run(faulty, 40)
    assert seconds < 40 * 0.5 + 15, seconds
    assert report.requests_sent <= 40 and faulty.hits["timeout"] <= 40
    assert any("/faults/timeout" in e and "timed out" in e.lower() for e in report.errors), report.errors
    assert not report.failures  # a timeout is an error of the run, not a contract failure


@pytest.mark.slow
def test_a_hanging_endpoint_that_exhausts_the_budget_is_reported_as_hanging(faulty: FaultyServer) -> None:
    report, seconds = _hanging_run(faulty, 6)
    assert seconds < 6 * 0.5 + 15, seconds
    assert faulty.hits["timeout"] >= 1
    statuses = {o.operation: o.status for o in report.operations}
    assert statuses.get("GET /faults/timeout") != "budget" or any("timed out" in e.lower() for e in report.errors), \
        (report.operations, report.errors)


@pytest.mark.slow
def test_a_429_storm_spends_the_budget_not_the_night(faulty: FaultyServer, spec_file: Path, tmp_path: Path) -> None:
    done, report, seconds = _contract(spec_file, faulty, tmp_path, ("throttle-storm",), "--max-requests", "12")
    assert done is not None and done.returncode in (0, 1), (done and done.stderr)
    assert "Traceback" not in done.stderr
    assert report["budget"]["requests_sent"] <= 12 and faulty.hits["throttle-storm"] <= 12
    assert report["throttling"]["waits"] >= 2 and report["throttling"]["waited_seconds"] < 12 * 0.2 + 1
    assert seconds < 30


@pytest.mark.slow
def test_rate_limit_holds_against_a_fast_endpoint(faulty: FaultyServer, spec_file: Path, tmp_path: Path) -> None:
    done, report, seconds = _contract(spec_file, faulty, tmp_path, ("ok",), "--max-requests", "8", "--rate-limit", "4/s")
    assert done is not None and done.returncode == 0, (done and done.stderr)
    sent = report["budget"]["requests_sent"]
    assert 2 <= sent <= 8
    assert report["duration_seconds"] >= (sent - 1) / 4 - 0.05, (sent, report["duration_seconds"])


@pytest.mark.slow
def test_an_endless_stream_is_cut_off(faulty: FaultyServer, spec_file: Path, tmp_path: Path) -> None:
    done, report, seconds = _contract(spec_file, faulty, tmp_path, ("endless-stream",), "--max-requests", "4", timeout=60)
    assert done is not None, f"hang: no result in {seconds:.0f}s"
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert any("/faults/endless-stream" in e and len(e.split(": ", 1)[-1]) > 5 for e in report["errors"]), report["errors"]


@pytest.mark.slow
def test_a_trickling_response_is_cut_off(faulty: FaultyServer) -> None:
    from toolkit.contract import ContractConfig, run_contract
    from toolkit.model import Spec

    config = ContractConfig(spec=Spec(document=faulty_spec()), url=f"{faulty.url}/openai/v1", max_requests=5,
                            phases=("examples", "fuzzing"), max_examples=1, request_timeout=1.0,
                            include_paths=("/faults/trickle",))
    started = time.monotonic()
    report = run_contract(config)
    seconds, hits = time.monotonic() - started, faulty.hits["trickle"]
    assert hits >= 1
    assert seconds < hits * 1.5 + 3, f"{hits} trickles took {seconds:.1f}s: read to their end, not cut at the 1 s timeout"
    assert any("/faults/trickle" in error for error in report.errors), report.errors  # reported, not swallowed


def test_a_server_cannot_write_to_the_terminal(faulty: FaultyServer, spec_file: Path, tmp_path: Path) -> None:
    import re

    done, report, seconds = _contract(spec_file, faulty, tmp_path, ("terminal-escapes",), "--max-requests", "6",
                                      "--report", f"html:{tmp_path / 'r.html'}", "--report", f"junit:{tmp_path / 'r.xml'}",
                                      "--report", f"markdown:{tmp_path / 'r.md'}")
    assert done is not None and done.returncode == 1, (done and done.stderr)
    assert faulty.hits["terminal-escapes"] >= 1
    control = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
    outputs = {"stdout": done.stdout, "stderr": done.stderr,
               **{p.name: p.read_text(errors="replace") for p in tmp_path.iterdir() if p.suffix in (".html", ".xml", ".md")}}
    for name, text in outputs.items():
        assert not control.search(text), f"raw control character in {name}"
        assert "<script>alert" not in text or name in ("stdout", "stderr", "r.md"), f"unescaped markup in {name}"


def test_every_fault_has_a_test() -> None:
    tested = {"terminal-escapes", "ok", "server-error", "gateway-error", "malformed-json", "wrong-content-type", "wrong-schema",
              "throttle-storm", "reset", "close-early", "huge-body", "timeout", "endless-stream", "trickle"}
    assert tested == set(FAULTS)
