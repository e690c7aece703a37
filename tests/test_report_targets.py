"""`report --targets`: the contract page for a matrix of deployments (two mock-backed targets on 127.0.0.1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import REPO, free_port, run_cli

pytestmark = [pytest.mark.realspec, pytest.mark.slow]

CANARY = "canary-report-key-5f0c2d9e1a"


@pytest.fixture
def mock_url():
    """`aoai-spec mock` in a subprocess that accepts only the canary key."""
    port = free_port()
    env = {**os.environ, "AOAI_REPORT_KEY": CANARY}
    server = subprocess.Popen([sys.executable, "-m", "toolkit", "mock", "--port", str(port), "--spec", "v1",
                               "--api-key-env", "AOAI_REPORT_KEY"], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/openai/v1"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/models", headers={"api-key": CANARY}, timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            pytest.fail("mock did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_targets_matrix_page_has_one_section_per_deployment_and_no_secret(mock_url: str, tmp_path: Path):
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        "targets:\n"
        f"  - {{name: east, region: eastus, url: '{mock_url}', spec: v1, auth: {{mode: api-key, env: AOAI_REPORT_KEY}}}}\n"
        f"  - {{name: wrong-key, region: westus, url: '{mock_url}', spec: v1, auth: {{mode: api-key, env: AOAI_WRONG_KEY}}}}\n"
        f"  - {{name: no-key, url: '{mock_url}', spec: v1, auth: {{mode: api-key, env: AOAI_UNSET_KEY}}}}\n"
    )
    out = tmp_path / "site"
    result = run_cli("report", "--out", str(out), "--family", "azure-openai-v1", "--targets", str(targets),
                     "--max-requests", "25", "--format", "json",
                     env={"AOAI_REPORT_KEY": CANARY, "AOAI_WRONG_KEY": "not-the-key"}, timeout=600)
    # the target whose key variable is unset is an input problem: the site is written, and the exit code says so
    assert result.returncode == 1 and "no-key: --api-key-env AOAI_UNSET_KEY" in result.stderr, result.stderr[-3000:]
    data = json.loads((out / "contract.json").read_text())["data"]
    assert data["target"] == "targets"
    # the target whose key variable is unset cannot run: an input error on the page, the others still ran
    assert [(e["subject"].rsplit(": ", 1)[-1], e["kind"]) for e in data["errors"]] == [("no-key", "input")]
    assert "AOAI_UNSET_KEY" in data["errors"][0]["message"]
    reports = {r["target"]: r for r in data["reports"]}
    assert set(reports) == {"east", "wrong-key"}
    assert reports["east"]["budget"]["requests_sent"] > 0
    assert reports["wrong-key"]["statuses"].get("401", 0) > 0  # the gateway refused every request
    html = (out / "contract.html").read_text()
    assert html.count('<section class="target"') == 2 and "eastus" in html
    for produced in out.rglob("*"):
        if produced.is_file():
            assert CANARY not in produced.read_text(errors="replace"), produced
    assert CANARY not in result.stdout + result.stderr
