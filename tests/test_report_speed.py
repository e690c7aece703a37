"""How the report spends its time: job order, one parse per spec, and seconds and memory per stage shown to users.

Speed itself is measured in `bench/bench_report.py`, never here; these tests check the mechanisms.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from conftest import run_cli
from test_report import BROKEN, _collect, _json, assert_partial_site, tiny_env  # noqa: F401 - the fixture
from toolkit.report.meter import Meter
from toolkit.report.parsed import open_spec, scratch
from toolkit.report.schedule import Job, run_jobs
from toolkit.workspace import Workspace


def _record(log: str, name: str) -> dict:
    """A job for the scheduler tests: appends its name to a log file when it starts."""
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(name + "\n")
    time.sleep(0.05)
    return {"name": name, "pid": os.getpid()}


def _no_progress(items, label, total=None):
    return items


@pytest.mark.parametrize("workers", [1, 2])
def test_jobs_run_costliest_first_and_after_the_jobs_they_need(tmp_path: Path, workers: int) -> None:
    log = str(tmp_path / "order.log")
    jobs = [Job("small", 1, _record, (log, "small")),
            Job("pair", 100, _record, (log, "pair"), needs=("a", "b")),
            Job("a", 10, _record, (log, "a")),
            Job("b", 20, _record, (log, "b")),
            Job("lonely", 5, _record, (log, "lonely"), needs=("not-planned",))]
    done = run_jobs(jobs, workers, _no_progress)
    assert set(done) == {"small", "pair", "a", "b", "lonely"}
    order = Path(log).read_text().split()
    assert order.index("pair") > max(order.index("a"), order.index("b"))  # costliest, but it needs both
    if workers == 1:
        assert order == ["b", "a", "pair", "lonely", "small"]
    else:
        # the two costliest ready jobs take the two workers first; they run at once, so either may log first
        assert set(order[:2]) == {"b", "a"} and len({r["pid"] for r in done.values()}) >= 1


def test_a_spec_is_parsed_once_per_build_whoever_opens_it(monkeypatch) -> None:
    ws = Workspace()
    opened: list[str] = []
    real_open = Workspace.open
    monkeypatch.setattr(Workspace, "open", lambda self, arg: opened.append(arg) or real_open(self, arg))
    with scratch() as folder:
        first = open_spec(ws, "azure-openai-typespec@2024-10-21", folder)
        second = open_spec(ws, "azure-openai-typespec@2024-10-21", folder)
        assert opened == ["azure-openai-typespec@2024-10-21"]
        assert second.document == first.document and second.document is not first.document
        assert second.catalog_id == first.catalog_id and second.warnings == first.warnings
        leftover = folder
    assert not leftover.exists()  # nothing outlives the build
    open_spec(ws, "azure-openai-typespec@2024-10-21", None)
    assert len(opened) == 2  # without a scratch folder: no parse cache


def test_the_meter_resets_the_peak_between_stages_and_adds_jobs_up() -> None:
    meter = Meter()
    with meter.stage("load"):
        ballast = bytearray(80 * 1024 * 1024)
        ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page
        del ballast
    with meter.stage("diff"):
        pass
    stages = meter.to_dict()
    assert list(stages) == ["load", "diff"]
    assert stages["load"]["peak_mb"] >= 80
    if Path("/proc/self/clear_refs").exists():
        assert stages["diff"]["peak_mb"] < stages["load"]["peak_mb"] - 40  # the 80 MB belonged to `load`
    total = Meter()
    total.merge(stages)
    total.merge({"load": {"seconds": 1.0, "cpu_seconds": 0.5, "peak_mb": 10, "jobs": 1}})
    assert total.to_dict()["load"]["jobs"] == 2 and total.to_dict()["load"]["peak_mb"] == stages["load"]["peak_mb"]


def test_report_json_and_the_index_page_show_seconds_and_memory_per_stage(tiny_env, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_cli("report", "--out", str(out), "--no-contract", "--no-cache", "--format", "json", env=tiny_env)
    assert_partial_site(result, BROKEN)
    stages = json.loads(result.stdout)["stages"]
    assert list(stages) == ["pull", "load", "validate", "apim", "diff", "write"]
    assert stages["load"]["jobs"] == 3 + 2  # three pinned versions (one does not parse), two pairs
    assert all(row["seconds"] >= 0 and row["peak_mb"] > 0 for row in stages.values())
    index = _json(out, "index")["data"]["build"]
    assert index["stages"] == stages
    rows = _collect(out, "index", "data-stage").values
    assert [row["data-stage"] for row in rows] == list(stages)
    assert "## Where the time went" in (out / "index.md").read_text()


def test_a_rebuild_reports_its_cached_jobs_and_prunes_with_prune_cache(tiny_env, tmp_path: Path) -> None:
    env = {**tiny_env, "AOAI_SPEC_STORE": str(tmp_path / "store")}
    first = run_cli("report", "--out", str(tmp_path / "one"), "--no-contract", "--format", "json", env=env)
    assert_partial_site(first, BROKEN)
    entries = sorted((tmp_path / "store" / ".report-cache").glob("*/*"))
    stale = tmp_path / "store" / ".report-cache" / "pair" / "0123456789abcdef.json"
    stale.write_text("{}")
    os.utime(stale, (1, 1))
    second = run_cli("report", "--out", str(tmp_path / "two"), "--no-contract", "--format", "json", "--prune-cache",
                     env=env)
    assert_partial_site(second, BROKEN)
    data = json.loads(second.stdout)
    assert data["cached_jobs"] >= 2 and data["cache_pruned"]["removed"] == 1 and not stale.exists()
    assert sorted((tmp_path / "store" / ".report-cache").glob("*/*")) == entries
