"""Benchmark (run by hand): contract runs against plain Schemathesis. (The mock against Prism: bench_mock.py.)

Contract requests per second: `aoai-spec contract` (this toolkit, Schemathesis engine in-process) and plain
`st run` (Schemathesis CLI) on the same spec and target (the mock in its own process), same phases and
max-examples; requests are counted from our report and from Schemathesis' HAR. Our run spends its budget (400
requests: extra fuzzing passes follow the planned ones), so compare requests per second, not totals. Recall (bugs
caught per tool) is bench/bench_contract_recall.py.

Usage:
  python bench/bench_contract.py [--spec v1] [--max-examples 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
KEY = "bench-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_up(url: str, timeout: float = 120) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            httpx.get(url, headers={"api-key": KEY}, timeout=2)
            return time.monotonic() - started
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def start(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})},
                            cwd=REPO)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def bench_contract(spec: str, spec_file: Path, max_examples: int) -> list[dict[str, object]]:
    port = free_port()
    mock = start([sys.executable, "-m", "toolkit", "mock", "--port", str(port), "--spec", spec, "--api-key-env",
                  "BENCH_KEY"], {"BENCH_KEY": KEY})
    rows = []
    try:
        base = f"http://127.0.0.1:{port}/openai/v1"
        wait_up(f"{base}/models")
        phases = "examples,fuzzing,stateful"
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "ours.json"
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "toolkit", "contract", "--spec", spec, "--url", base + "/",
                            "--api-key-env", "BENCH_KEY", "--allow-writes", "--phases", phases, "--max-examples",
                            str(max_examples), "--max-requests", "400", "--deployment", "gpt-4o-mini",
                            "--report", f"json:{out}"], env={**os.environ, "BENCH_KEY": KEY}, cwd=REPO,
                           capture_output=True, check=False)
            elapsed = time.perf_counter() - started
            report = json.loads(out.read_text())
            sent = report["budget"]["requests_sent"]
            rows.append({"tool": "aoai-spec contract", "requests": sent, "seconds": elapsed, "rps": sent / elapsed,
                         "contract_failures": report["classified"]["contract"]})
            st = shutil.which("st") or shutil.which("schemathesis")
            if st:
                har = Path(tmp) / "st.har"
                started = time.perf_counter()
                done = subprocess.run([st, "run", str(spec_file), "--url", base, "-H", f"api-key: {KEY}", "--phases",
                                       phases, "--max-examples", str(max_examples), "--workers", "1", "--seed", "0",
                                       "--report", "har", "--report-har-path", str(har)], cwd=tmp,
                                      capture_output=True, text=True, check=False)
                elapsed = time.perf_counter() - started
                entries = len(json.loads(har.read_text())["log"]["entries"]) if har.exists() else 0
                summary = [line for line in done.stdout.splitlines() if "failure" in line.lower()][-1:]
                rows.append({"tool": "schemathesis st run", "requests": entries, "seconds": elapsed,
                             "rps": entries / elapsed, "contract_failures": f"exit {done.returncode} {summary}"})
    finally:
        stop(mock)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", default="v1")
    parser.add_argument("--max-examples", type=int, default=3)
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    from toolkit.workspace import Workspace

    # The bundled document (external example $refs inlined), for `st run`.
    spec_file = Path(tempfile.mkdtemp()) / "bundled.json"
    spec_file.write_text(json.dumps(Workspace().open(args.spec).document))
    contract_rows = bench_contract(args.spec, spec_file, args.max_examples)
    print(f"\n| Contract run (phases examples,fuzzing,stateful; max-examples {args.max_examples}) | Requests | Seconds "
          "| Requests/s | Failures reported |")
    print("|---|---|---|---|---|")
    for r in contract_rows:
        print(f"| {r['tool']} | {r['requests']} | {r['seconds']:.1f} | {r['rps']:.1f} | {r['contract_failures']} |")


if __name__ == "__main__":
    main()
