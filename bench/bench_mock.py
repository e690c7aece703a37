"""Benchmark (run by hand): `aoai-spec mock` against Prism on the v1 chat completions and Responses routes.

Each server runs in its own process pinned to one core (`taskset -c 0`); the load generator is `wrk` (C, a Lua
script for the POST body) pinned to the other core, so the measured process never shares its core with the load.
The servers are measured one at a time, alternating, `--repeat` times per route; the medians and the ratios are
printed as a Markdown table. Optionally the same runs against a baseline checkout (`--baseline DIR`, e.g. a
`git archive main` export) and a py-spy profile of our server under load (`--profile DIR`).

Usage:
  python bench/bench_mock.py [--prism PATH] [--seconds 10] [--connections 32] [--repeat 3]
                             [--baseline /tmp/mock-baseline] [--profile /tmp/mock-profile]

Needs: wrk (`apt-get install -y wrk`), Prism (`npm i @stoplight/prism-cli` in a folder outside the repo),
taskset (util-linux); py-spy for --profile. Everything listens on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
KEY = "bench-key"
ROUTES = {
    "chat": ("/chat/completions", {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}],
                                   "max_tokens": 16}),
    "responses": ("/responses", {"model": "gpt-4o-mini", "input": "hi", "instructions": "Be brief.",
                                 "metadata": {"run": "bench"}, "store": False}),
}
SERVER_CPU, LOAD_CPU = "0", "1"


@dataclass
class Server:
    name: str
    cmd: list[str]
    base: str  # the URL the routes hang under
    cwd: Path = REPO
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    startup_s: float = 0.0

    def start(self) -> None:
        pinned = ["taskset", "-c", SERVER_CPU, *self.cmd] if shutil.which("taskset") else self.cmd
        started = time.monotonic()
        self.process = subprocess.Popen(pinned, cwd=self.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        env={**os.environ, "BENCH_KEY": KEY, **self.env})
        path, body = ROUTES["chat"]
        while time.monotonic() - started < 180:
            try:
                if httpx.post(self.base + path, json=body, headers={"api-key": KEY}, timeout=5).status_code == 200:
                    self.startup_s = time.monotonic() - started
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not come up")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def rss_mb(self) -> float:
        """Resident memory of the server process tree (taskset execs, so the pid is the server's)."""
        assert self.process is not None
        text = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024  # type: ignore[union-attr]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, body: dict, seconds: int, connections: int, workdir: Path) -> dict[str, float]:
    """One wrk run: requests/s, p50 and p99 latency (ms), non-2xx count."""
    script = workdir / "post.lua"
    script.write_text('wrk.method = "POST"\n'
                      f'wrk.headers["api-key"] = "{KEY}"\n'
                      'wrk.headers["content-type"] = "application/json"\n'
                      f"wrk.body = {json.dumps(json.dumps(body))}\n")
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", LOAD_CPU, *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    latency = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|99)%\s+(\S+)", out, re.M)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
            "p50_ms": latency["50"], "p99_ms": latency["99"], "non_2xx": int(non_2xx.group(1)) if non_2xx else 0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def probes(server: Server) -> dict[str, int]:
    """Fidelity next to speed: what a wrong key, no key and an invalid body get (Azure: 401, 401, 400)."""
    path, body = ROUTES["chat"]
    return {"wrong_key": httpx.post(server.base + path, json=body, headers={"api-key": "wrong"}).status_code,
            "no_key": httpx.post(server.base + path, json=body).status_code,
            "bad_body": httpx.post(server.base + path, json={"model": "m", "messages": "not a list"},
                                   headers={"api-key": KEY}).status_code}


def profile(server: Server, route: str, seconds: int, connections: int, out: Path, workdir: Path) -> list[str]:
    """py-spy's collapsed stacks of our server under load, and the functions with the most inclusive samples."""
    assert server.process is not None
    path, body = ROUTES[route]
    raw = out / f"{server.name.replace(' ', '-')}-{route}.txt"
    spy = subprocess.Popen(["py-spy", "record", "-p", str(server.process.pid), "-d", str(seconds), "-f", "raw",
                            "-o", str(raw), "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wrk(server.base + path, body, seconds + 2, connections, workdir)
    spy.wait(60)
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        for frame in {re.sub(r"\s*\(.*?([^/]+/[^/]+\.py):\d+\)$", r" (\1)", f) for f in stack.split(";")}:
            inclusive[frame] += int(count)
    return [f"{100 * n / total:5.1f}%  {name}" for name, n in inclusive.most_common(60)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prism", default=os.environ.get("PRISM", "/work/bench-tools/prism/node_modules/.bin/prism"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout of this repo to measure side by side")
    parser.add_argument("--profile", type=Path, help="write py-spy profiles of our server here")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install -y wrk)")

    sys.path.insert(0, str(REPO))
    from toolkit.workspace import Workspace

    workdir = Path(tempfile.mkdtemp(prefix="bench-mock-"))
    # Prism needs one file: the bundled document (the raw v1 file has external example $refs).
    bundled = workdir / "v1.json"
    bundled.write_text(json.dumps(Workspace().open("v1").document))
    mock_cmd = [sys.executable, "-m", "toolkit", "mock", "--spec", "v1", "--api-key-env", "BENCH_KEY", "--port"]
    servers = []
    port = free_port()
    servers.append(Server("aoai-spec mock", [*mock_cmd, str(port)], f"http://127.0.0.1:{port}/openai/v1"))
    if args.baseline:
        port = free_port()
        servers.append(Server("aoai-spec mock (baseline)", [*mock_cmd, str(port)], f"http://127.0.0.1:{port}/openai/v1",
                              cwd=args.baseline, env={"PYTHONPATH": str(args.baseline)}))
    if Path(args.prism).exists():
        port = free_port()
        servers.append(Server("prism mock", [args.prism, "mock", str(bundled), "-p", str(port), "-h", "127.0.0.1"],
                              f"http://127.0.0.1:{port}"))
    else:
        print(f"Prism not found at {args.prism}: measuring our mock alone", file=sys.stderr)

    runs: dict[tuple[str, str], list[dict[str, float]]] = collections.defaultdict(list)
    facts: dict[str, dict[str, float]] = {}
    try:
        for server in servers:
            server.start()
            facts[server.name] = {"startup_s": server.startup_s, **probes(server)}
        for route, (path, body) in ROUTES.items():
            for server in servers:  # warm-up: caches, JIT, connection setup
                wrk(server.base + path, body, 3, args.connections, workdir)
            for _ in range(args.repeat):
                for server in servers:
                    runs[(server.name, route)].append(wrk(server.base + path, body, args.seconds, args.connections,
                                                          workdir))
        for server in servers:
            facts[server.name]["rss_mb"] = server.rss_mb()
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            for route in ROUTES:
                top = profile(servers[0], route, args.seconds, args.connections, args.profile, workdir)
                (args.profile / f"top-{route}.txt").write_text("\n".join(top) + "\n")
                print(f"\nprofile of {servers[0].name} on {route} (inclusive samples):\n" + "\n".join(top[:40]))
    finally:
        for server in servers:
            server.stop()

    def median(name: str, route: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[(name, route)])

    load = os.getloadavg()
    print(f"\nwrk -t1 -c{args.connections} -d{args.seconds}s, {args.repeat} runs per server and route (median), "
          f"server on CPU {SERVER_CPU}, wrk on CPU {LOAD_CPU}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}\n")
    print("| Route | Server | Requests/s | p50 (ms) | p99 (ms) | Non-2xx | Runs (req/s) |")
    print("|---|---|---|---|---|---|---|")
    for route in ROUTES:
        for server in servers:
            rows = runs[(server.name, route)]
            print(f"| {route} | {server.name} | {median(server.name, route, 'rps'):.0f} | "
                  f"{median(server.name, route, 'p50_ms'):.1f} | {median(server.name, route, 'p99_ms'):.1f} | "
                  f"{sum(int(r['non_2xx']) for r in rows)} | {', '.join(format(r['rps'], '.0f') for r in rows)} |")
    prism = next((s.name for s in servers if s.name.startswith("prism")), None)
    if prism:
        print("\n| Route | Throughput ratio (ours / Prism) | p99 ratio (ours / Prism, lower is better) |")
        print("|---|---|---|")
        for route in ROUTES:
            ratio = median(servers[0].name, route, "rps") / median(prism, route, "rps")
            p99 = median(servers[0].name, route, "p99_ms") / median(prism, route, "p99_ms")
            print(f"| {route} | {ratio:.2f}x | {p99:.2f} |")
    print("\n| Server | Startup (s) | RSS after the runs (MB) | wrong key | no key | invalid body |")
    print("|---|---|---|---|---|---|")
    for name, f in facts.items():
        print(f"| {name} | {f['startup_s']:.1f} | {f['rss_mb']:.0f} | {f['wrong_key']} | {f['no_key']} | {f['bad_body']} |")


if __name__ == "__main__":
    main()
