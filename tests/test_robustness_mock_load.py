"""The mock under load: `aoai-spec mock` as a real process, 200 concurrent httpx clients for a few seconds each
round, mixing valid and invalid requests (bad bodies, no key, unknown paths, missing or unknown api-version,
malformed JSON, big bodies, SSE streams) with full Responses lifecycles. No 5xx, no dropped connection, memory
flat between rounds, and the Responses store consistent: every created id retrievable, every deleted id 404.
"""

from __future__ import annotations

import asyncio
import os
import re
import ssl
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest

from conftest import REPO

CLIENTS = 200
ROUND_SECONDS = 6.0
KEY = {"api-key": "load-test-key"}
CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    inconsistencies: list[str] = field(default_factory=list)
    created: int = 0
    deleted: int = 0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.transport_errors.values())


async def _call(client, tally: Tally, method: str, url: str, **kwargs):
    started = time.perf_counter()
    try:
        response = await client.request(method, url, **kwargs)
        await response.aread()
    except Exception as exc:  # noqa: BLE001 - every transport failure is counted, by type
        tally.transport_errors[type(exc).__name__] += 1
        return None
    tally.latencies.append(time.perf_counter() - started)
    tally.statuses[response.status_code] += 1
    return response


async def _responses_lifecycle(client, base: str, tally: Tally) -> None:
    """create -> retrieve -> chain with previous_response_id -> input items -> delete -> retrieve gives 404."""
    first = await _call(client, tally, "POST", f"{base}/responses", headers=KEY, json={"model": "gpt-4o-mini", "input": "hi"})
    if first is None or first.status_code != 200:
        tally.inconsistencies.append(f"create answered {first and first.status_code}")
        return
    rid = first.json()["id"]
    tally.created += 1
    got = await _call(client, tally, "GET", f"{base}/responses/{rid}", headers=KEY)
    if got is None or got.status_code != 200 or got.json().get("id") != rid:
        tally.inconsistencies.append(f"created {rid} not retrievable: {got and got.status_code}")
    second = await _call(client, tally, "POST", f"{base}/responses", headers=KEY,
                         json={"model": "gpt-4o-mini", "input": "again", "previous_response_id": rid})
    rid2 = second.json()["id"] if second is not None and second.status_code == 200 else None
    if rid2:
        tally.created += 1
        items = await _call(client, tally, "GET", f"{base}/responses/{rid2}/input_items", headers=KEY)
        if items is None or items.status_code != 200:
            tally.inconsistencies.append(f"input items of {rid2}: {items and items.status_code}")
    else:
        tally.inconsistencies.append(f"previous_response_id={rid} refused: {second and second.status_code}")
    for target in filter(None, (rid, rid2)):
        gone = await _call(client, tally, "DELETE", f"{base}/responses/{target}", headers=KEY)
        if gone is None or gone.status_code != 200:
            tally.inconsistencies.append(f"delete {target}: {gone and gone.status_code}")
            continue
        tally.deleted += 1
        after = await _call(client, tally, "GET", f"{base}/responses/{target}", headers=KEY)
        if after is None or after.status_code != 404:
            tally.inconsistencies.append(f"deleted {target} still answers {after and after.status_code}")


async def _client(index: int, root: str, until: float, tally: Tally, tls: ssl.SSLContext) -> None:
    import httpx

    base = f"{root}/openai/v1"
    dated = f"{root}/openai/deployments/gpt-4o-mini/chat/completions"
    mix = [
        lambda c: _call(c, tally, "GET", f"{base}/models", headers=KEY),
        lambda c: _call(c, tally, "POST", f"{base}/chat/completions", headers=KEY, json=CHAT),
        lambda c: _call(c, tally, "POST", f"{base}/chat/completions", headers=KEY, json={**CHAT, "stream": True}),
        lambda c: _responses_lifecycle(c, base, tally),
        lambda c: _call(c, tally, "POST", f"{base}/chat/completions", headers=KEY, json={"bad": True}),  # 400
        lambda c: _call(c, tally, "POST", f"{base}/chat/completions", json=CHAT),  # 401: no key
        lambda c: _call(c, tally, "GET", f"{base}/no/such/path", headers=KEY),  # 404
        lambda c: _call(c, tally, "POST", dated, headers=KEY, json=CHAT),  # no api-version
        lambda c: _call(c, tally, "POST", dated + "?api-version=1999-01-01", headers=KEY, json=CHAT),  # unknown version
        lambda c: _call(c, tally, "POST", dated + "?api-version=2024-10-21", headers=KEY, json=CHAT),
        lambda c: _call(c, tally, "POST", f"{base}/chat/completions", headers={**KEY, "content-type": "application/json"},
                        content=b'{"model": "m", "messages": [}'),  # malformed JSON
        lambda c: _call(c, tally, "POST", f"{base}/chat/completions", headers=KEY,
                        json={**CHAT, "messages": [{"role": "user", "content": "x" * 20_000}]}),  # big body
        lambda c: _call(c, tally, "GET", f"{base}/responses/resp_does_not_exist", headers=KEY),  # 404
    ]
    # Each client its own connection pool, one TLS context for all: loading the CA store 200 times per round takes
    # longer than the round on a busy 2-core machine (every URL here is plain HTTP on 127.0.0.1 anyway).
    async with httpx.AsyncClient(timeout=30, verify=tls) as client:
        step = index
        while time.monotonic() < until:
            await mix[step % len(mix)](client)
            step += 1


def _round(root: str, seconds: float) -> Tally:
    tally = Tally()
    until = time.monotonic() + seconds

    async def main() -> None:
        tls = ssl.create_default_context()
        await asyncio.gather(*(_client(i, root, until, tally, tls) for i in range(CLIENTS)))

    asyncio.run(main())
    return tally


@pytest.mark.slow
def test_mock_under_200_concurrent_clients() -> None:
    import httpx
    import psutil

    child = subprocess.Popen([sys.executable, "-m", "toolkit", "mock", "--port", "0"], cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        seen = []  # the surfaces are named once the socket listens: "v1 surface:    http://...:PORT/..."
        while not (found := re.search(r"(http://127\.0\.0\.1:\d+)/openai/v1/", seen[-1] if seen else "")):
            seen.append(child.stderr.readline())
            assert seen[-1], "".join(seen)  # EOF: the mock exited
        root = found.group(1)
        httpx.get(f"{root}/openai/v1/models", headers=KEY, timeout=30)
        process = psutil.Process(child.pid)
        warm = _round(root, 1.5)  # imports, caches and pools warmed
        rss_start = process.memory_info().rss
        first = _round(root, ROUND_SECONDS)
        rss_mid = process.memory_info().rss
        second = _round(root, ROUND_SECONDS)
        rss_end = process.memory_info().rss
        assert child.poll() is None, "the mock died under load"
    finally:
        child.terminate()
        try:
            child.communicate(timeout=20)  # also drains stderr
        except subprocess.TimeoutExpired:
            child.kill()
    tallies = (warm, first, second)
    statuses = sum((t.statuses for t in tallies), Counter())
    total = sum(t.requests for t in tallies)
    latencies = sorted(first.latencies + second.latencies)
    summary = (f"{total} requests, statuses {dict(sorted(statuses.items()))}, transport errors "
               f"{dict(sum((t.transport_errors for t in tallies), Counter()))}, p50 {statistics.median(latencies) * 1000:.0f} ms, "
               f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms, RSS {rss_start / 2**20:.0f} -> "
               f"{rss_mid / 2**20:.0f} -> {rss_end / 2**20:.0f} MiB, responses created {sum(t.created for t in tallies)} "
               f"deleted {sum(t.deleted for t in tallies)}")
    print(summary)
    assert not any(code >= 500 for code in statuses), summary
    assert not any(t.transport_errors for t in tallies), summary
    assert {200, 400, 401, 404} <= set(statuses), summary
    assert not [i for t in tallies for i in t.inconsistencies], [i for t in tallies for i in t.inconsistencies][:10]
    assert sum(t.created for t in tallies) >= 10 and sum(t.deleted for t in tallies) == sum(t.created for t in tallies)
    # memory: the second round may not keep growing what the first round grew (a leak grows in both)
    assert rss_end - rss_mid < 64 * 2**20, summary
    assert rss_end - rss_start < 192 * 2**20, summary
