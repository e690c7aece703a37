"""The run end to end against the mock and broken variants of it: each Azure probe catches its own defect and no
other, spec gaps are listed apart (and fail only with --strict), the budget is spent fairly and every operation
says how much it was tested."""

from __future__ import annotations

import contextlib
import json
from typing import Iterator

import pytest

from fixtures.contract.wrappers import Broken

pytestmark = [pytest.mark.slow]

KEY = "azure-probe-key-5b2e"
AOAI = {"api_version_missing", "api_version_unknown", "deployment_unknown", "key_missing", "key_wrong",
        "preview_header_missing", "method_not_allowed", "boundary_value_rejected", "boundary_value_accepted",
        "stream_chunks", "stream_done", "credential_not_echoed"}


@contextlib.contextmanager
def serve(defect: str | None, spec: str) -> Iterator[tuple[str, Broken]]:
    from toolkit.mock import create_app, serve_in_background

    wrapper = Broken(create_app(specs=[spec], api_keys=[KEY], deployments=["dep"]), defect=defect, valid_key=KEY)
    with serve_in_background(wrapper) as root:
        yield root + ("/openai/v1/" if spec == "v1" else "/openai"), wrapper


def run(url: str, spec: str, **options):
    from toolkit.contract import AuthSpec, ContractConfig, run_contract

    config = ContractConfig(spec=spec, url=url, auth=AuthSpec.api_key(KEY), deployment="dep", allow_writes=True,
                            scenario=False, **options)
    return run_contract(config)


@pytest.mark.parametrize("defect, spec, path, check", [
    (None, "2024-10-21", "/deployments/{deployment-id}/embeddings", None),
    ("api_version_optional", "2024-10-21", "/deployments/{deployment-id}/embeddings", "api_version_missing"),
    ("any_deployment", "2024-10-21", "/deployments/{deployment-id}/embeddings", "deployment_unknown"),
    ("no_auth", "2024-10-21", "/deployments/{deployment-id}/embeddings", "key_missing,key_wrong"),
    (None, "v1", "/chat/completions", None),
    ("methods_ok", "v1", "/chat/completions", "method_not_allowed"),
    ("stream_no_done", "v1", "/chat/completions", "stream_done"),
    ("temperature_clamped", "v1", "/chat/completions", "boundary_value_rejected"),
])
def test_each_azure_defect_is_caught_by_its_own_check_and_no_other(defect, spec, path, check):
    with serve(defect, spec) as (url, _):
        report = run(url, spec, include_paths=(path,), phases=("azure",), max_requests=90)
    failed = {f.check for f in report.contract_failures}
    assert failed & AOAI == set(check.split(",") if check else ()), [(f.check, f.message) for f in report.contract_failures]
    assert report.ok is (check is None)
    [op] = report.operations
    assert op.tally.by_phase["azure"] == op.tally.requests > 0 and set(op.tally.by_phase) == {"azure"}


def test_spec_gaps_are_listed_in_every_format_and_fail_only_when_strict(cli, tmp_path):
    paths = ("/deployments/{deployment-id}/chat/completions", "/deployments/{deployment-id}/embeddings")
    reports = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "junit", "html", "markdown", "text")}
    args = ["contract", "--target", "mock", "--spec", "2024-10-21", "--max-requests", "80", "--format", "json",
            "--phases", "azure,coverage",
            *[a for p in paths for a in ("--include-path", p)],
            *[a for fmt, path in reports.items() for a in ("--report", f"{fmt}:{path}")]]
    result = cli(*args, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    report = json.loads(result.stdout)
    gaps = {(g["gap_rule"], g["operation"]) for g in report["spec_gaps"]}
    assert ("undocumented-refusal", "POST /deployments/{deployment-id}/embeddings") in gaps
    assert ("undocumented-stream", "POST /deployments/{deployment-id}/chat/completions") in gaps
    assert report["classified"]["contract"] == 0 and report["ok"] is True
    for fmt, path in reports.items():
        text = path.read_text()
        assert "undocumented-refusal" in text and "documents only 200" in text, fmt
    strict = cli(*args[:-10], "--strict", timeout=300)  # the same run, without the report files
    assert strict.returncode == 1 and json.loads(strict.stdout)["strict"] is True


def test_the_budget_is_spent_fairly_and_each_phase_is_counted():
    with serve(None, "v1") as (url, wrapper):
        report = run(url, "v1", include_paths=("/chat/completions", "/embeddings"), max_requests=120, max_examples=3)
    assert report.ok, [(f.check, f.message) for f in report.failures]
    assert report.requests_sent >= 115 and report.stop_reason == "budget"  # spent, not stopped early
    phases = report.to_dict()["requests_by_phase"]
    assert {"azure", "coverage", "fuzzing"} <= set(phases) and sum(phases.values()) == report.requests_sent
    assert phases["azure"] <= 0.4 * 120 + 1 and phases["coverage"] <= 0.2 * 120 + 1
    sizes = [o.tally.requests for o in report.operations]
    assert min(sizes) >= 0.4 * max(sizes), sizes
    assert wrapper.seen.count <= report.requests_sent
    assert report.verdict.startswith("PASS: ") and "answered 2xx" in report.verdict and "auth probes" in report.verdict


def test_a_run_stops_when_a_whole_pass_sends_nothing_new():
    from hostile.servers import json_server, running
    from toolkit.contract import ContractConfig, run_contract
    from toolkit.model import Spec

    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}
    spec = Spec(document={"openapi": "3.0.3", "info": {"title": "ping", "version": "1"},
                          "paths": {"/ping": {"get": {"responses": ok}}}})
    with running(json_server(lambda _: (200, {"Content-Type": "application/json"}, b'{"ok": true}'))) as server:
        report = run_contract(ContractConfig(spec=spec, url=f"http://127.0.0.1:{server.server_address[1]}/openai/v1",
                                             max_requests=400, phases=("fuzzing",)))
    # an operation without inputs has one request to send: the second pass repeats it, and the run stops there
    assert report.stop_reason == "saturated" and report.requests_sent < 20, report.requests_sent
    assert report.ok


def test_an_operation_without_its_share_is_never_passed():
    with serve(None, "v1") as (url, _):
        report = run(url, "v1", max_requests=40, phases=("azure", "fuzzing"))
    statuses = {o.status for o in report.operations}
    assert statuses & {"under-tested", "budget"}, statuses
    for op in report.operations:
        if op.status == "passed":
            assert not op.tally.starved and op.tally.requests > 0
        if op.status == "under-tested":
            assert op.tally.starved and op.skip_reason
    assert "did not get their share" in report.verdict
