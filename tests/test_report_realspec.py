"""The report on real specs: the v1 family with compat and the contract test on the mock, built twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli

pytestmark = [pytest.mark.realspec, pytest.mark.slow]


def _build(out: Path, store: Path) -> dict:
    result = run_cli("report", "--out", str(out), "--family", "azure-openai-v1", "--max-requests", "30",
                     "--format", "json", env={"AOAI_SPEC_STORE": str(store)}, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_v1_site_on_real_specs_and_a_cached_rebuild(tmp_path: Path):
    store = tmp_path / "store"
    first = _build(tmp_path / "one", store)
    summary = first["summary"]
    assert summary["stage_errors"]["internal"] == 0, summary["stage_errors"]
    assert summary["contract"]["status"] == "passed" and 0 < summary["contract"]["requests"] <= 30

    compat = json.loads((tmp_path / "one" / "compat.json").read_text())["data"]
    assert compat["openai"].startswith("openai@") and compat["v1"].startswith("azure-openai-v1@")
    counts = compat["report"]["counts"]
    assert counts["shared_operations"] > 20 and counts["openai_only_operations"] > 0
    assert "POST /chat/completions" not in compat["report"]["openai_only_operations"]

    features = json.loads((tmp_path / "one" / "v1-features.json").read_text())["data"]
    assert all(row["in_spec"] is not None for row in features["features"])
    assert any(row["header"] == "aoai-evals: preview" and row["in_spec"] for row in features["features"])

    second = _build(tmp_path / "two", store)
    assert second["cached_jobs"] >= 3  # the v1 version, compat and the contract run came from the store
    again = json.loads((tmp_path / "two" / "contract.json").read_text())["data"]
    assert again["cached"] is True
    before = json.loads((tmp_path / "one" / "contract.json").read_text())["data"]
    assert again["reports"] == before["reports"] and again["status"] == before["status"]
