"""Benchmark (run by hand): the mock against Prism, and contract runs against plain Schemathesis.

1. Mock throughput and p50/p99 latency under 50 concurrent httpx clients (bounded request count, 127.0.0.1 only):
   `aoai-spec mock` and `prism mock` on the same spec, each in its own process, same request mix.
2. Contract requests per second: `aoai-spec contract` (this toolkit, Schemathesis engine in-process) and plain
   `st run` (Schemathesis CLI) on the same spec and target (the mock in its own process), same phases and
   max-examples; requests are counted from our report and from Schemathesis' HAR. Our run spends its budget (400
   requests: extra fuzzing passes follow the planned ones), so compare requests per second, not totals.
   Recall (bugs caught per tool) is bench/bench_contract_recall.py.

Usage:
  python bench/bench_contract.py [--requests 2000] [--concurrency 50] [--prism PATH] [--spec v1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
KEY = "bench-key"
CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 16}


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


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


async def load(base: str, total: int, concurrency: int) -> dict[str, float]:
    """`total` requests (half GET /models, half POST /chat/completions) from `concurrency` clients."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for index in counter:
            started = time.perf_counter()
            try:
                if index % 2:
                    response = await client.post(f"{base}/chat/completions", json=CHAT)
                else:
                    response = await client.get(f"{base}/models")
                errors += response.status_code >= 300
            except httpx.HTTPError:  # a reset under load counts as an error, not a crash of the benchmark
                errors += 1
            latencies.append(time.perf_counter() - started)

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(headers={"api-key": KEY}, limits=limits, timeout=60) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "seconds": elapsed, "rps": len(latencies) / elapsed,
            "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000}


def start(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})},
                            cwd=REPO)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def bench_mock(name: str, cmd: list[str], base: str, total: int, concurrency: int) -> dict[str, object]:
    process = start(cmd, {"BENCH_KEY": KEY})
    try:
        startup = wait_up(f"{base}/models")
        asyncio.run(load(base, 100, 10))  # warm-up
        result = asyncio.run(load(base, total, concurrency))
        result.update(tool=name, startup_s=startup, rss_mb=rss_mb(process.pid))
        # Fidelity probes: what a wrong key and a missing key get (Azure: 401 with its error body).
        result["wrong_key"] = httpx.get(f"{base}/models", headers={"api-key": "wrong"}).status_code
        result["no_key"] = httpx.get(f"{base}/models").status_code
        return result
    finally:
        stop(process)


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
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--spec", default="v1")
    parser.add_argument("--max-examples", type=int, default=3)
    parser.add_argument("--prism", default=os.environ.get("PRISM", "/work/bench-tools/node_modules/.bin/prism"))
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    from toolkit.workspace import Workspace

    # The bundled document (external example $refs inlined): Prism aborts with ENOENT on the raw v1 file.
    spec_file = Path(tempfile.mkdtemp()) / "bundled.json"
    spec_file.write_text(json.dumps(Workspace().open(args.spec).document))
    print(f"spec: {args.spec} (bundled), {args.requests} requests, {args.concurrency} concurrent clients")
    rows = []
    port = free_port()
    rows.append(bench_mock("aoai-spec mock", [sys.executable, "-m", "toolkit", "mock", "--port", str(port), "--spec",
                                              args.spec, "--api-key-env", "BENCH_KEY"],
                           f"http://127.0.0.1:{port}/openai/v1", args.requests, args.concurrency))
    if Path(args.prism).exists():
        port = free_port()
        rows.append(bench_mock("prism mock", [args.prism, "mock", str(spec_file), "-p", str(port), "-h", "127.0.0.1",
                                              "--errors", "false"],
                               f"http://127.0.0.1:{port}", args.requests, args.concurrency))
    print("\n| Mock | Requests | Non-2xx | Throughput (req/s) | p50 (ms) | p99 (ms) | Startup (s) | RSS (MB) "
          "| wrong key | no key |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['tool']} | {r['requests']} | {r['errors']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
              f"| {r['startup_s']:.1f} | {r['rss_mb'] or 0:.0f} | {r['wrong_key']} | {r['no_key']} |")
    contract_rows = bench_contract(args.spec, spec_file, args.max_examples)
    print(f"\n| Contract run (phases examples,fuzzing,stateful; max-examples {args.max_examples}) | Requests | Seconds "
          "| Requests/s | Failures reported |")
    print("|---|---|---|---|---|")
    for r in contract_rows:
        print(f"| {r['tool']} | {r['requests']} | {r['seconds']:.1f} | {r['rps']:.1f} | {r['contract_failures']} |")


if __name__ == "__main__":
    main()
