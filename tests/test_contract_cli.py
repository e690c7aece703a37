"""`aoai-spec contract` end to end in a subprocess, against the mock and deliberately broken variants of it.

The mock (or its broken wrapper) runs in this test process on 127.0.0.1; requests are counted at the server.
"""

from __future__ import annotations

import contextlib
import json
import xml.dom.minidom
from typing import Iterator

import pytest

from conftest import FIXTURES
from fixtures.contract.wrappers import Broken

pytestmark = [pytest.mark.slow]

KEY = "canary-8c1f7e0d-secret-key"
ENV = {"AOAI_TEST_KEY": KEY}


@contextlib.contextmanager
def serve(defect: str | None = None, *, specs: tuple[str, ...] = ("v1",), throttle_first: int = 0) -> Iterator[tuple[str, Broken]]:
    from toolkit.mock import create_app, serve_in_background

    wrapper = Broken(create_app(specs=list(specs), api_keys=[KEY]), defect=defect, valid_key=KEY,
                     throttle_first=throttle_first)
    with serve_in_background(wrapper) as root:
        yield root, wrapper


def contract(cli, *args: str) -> tuple[int, dict, str]:
    result = cli("contract", *args, "--format", "json", env=ENV, timeout=240)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout), result.stdout + result.stderr


@pytest.mark.parametrize("spec, budget", [("v1", 250), ("2024-10-21", 200)])
def test_contract_target_mock_passes_and_writes_every_report(cli, tmp_path, spec, budget):
    reports = {fmt: tmp_path / f"report.{ext}" for fmt, ext in
               (("junit", "xml"), ("html", "html"), ("json", "json"), ("markdown", "md"))}
    code, report, _ = contract(cli, "--target", "mock", "--spec", spec, "--max-requests", str(budget),
                               *[a for fmt, path in reports.items() for a in ("--report", f"{fmt}:{path}")])
    assert code == 0, report["failures"][:3]
    assert report["classified"]["contract"] == 0 and budget - 5 <= report["budget"]["requests_sent"] <= budget
    assert not report["errors"] and {"azure", "coverage", "fuzzing"} <= set(report["requests_by_phase"])
    if spec == "v1":
        assert [step["ok"] for step in report["scenario"]] == [True] * 6 and report["spec_gaps"] == []
    else:  # what 2024-10-21 does not let any server do right is listed apart, with its reason
        assert {g["gap_rule"] for g in report["spec_gaps"]} >= {"undocumented-refusal", "overlapping-oneof"}
    assert report["cleanup"]["left"] == []
    junit = xml.dom.minidom.parse(str(reports["junit"]))
    assert junit.documentElement.getAttribute("failures") == "0"
    assert json.loads(reports["json"].read_text())["ok"] is True
    assert "PASS" in reports["markdown"].read_text() and "<html" in reports["html"].read_text()


def test_a_proxy_set_for_the_real_endpoints_never_carries_the_mock_run(cli):
    """HTTP(S)_PROXY with an empty NO_PROXY (a corporate machine): the mock on 127.0.0.1 is still reached directly."""
    proxy = {name: "http://127.0.0.1:9" for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}
    result = cli("contract", "--target", "mock", "--max-requests", "40", "--format", "json",
                 env={**proxy, "NO_PROXY": "", "no_proxy": ""}, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["budget"]["requests_sent"] >= 35 and not report["errors"]
    assert report["classified"]["contract"] == 0


@pytest.mark.parametrize("defect, spec, path, check", [
    ("wrong_status", "2024-10-21", "/deployments/{deployment-id}/embeddings", "status_code_conformance"),
    ("schema_violation", "v1", "/models", "response_schema_conformance"),
    ("no_auth", "v1", "/models", "key_wrong"),
])
def test_each_defect_of_a_broken_mock_is_caught(cli, defect, spec, path, check):
    with serve(defect, specs=(spec,)) as (root, _):
        url = root + ("/openai/v1/" if spec == "v1" else "/openai")
        code, report, _ = contract(cli, "--spec", spec, "--url", url, "--api-key-env", "AOAI_TEST_KEY",
                                   "--include-path", path, "--allow-writes", "--deployment", "dep",
                                   "--max-requests", "60")
    found = {(f["check"], f["status"]) for f in report["failures"] if f["failure_class"] == "contract"}
    assert code == 1, report
    assert any(name == check for name, _ in found), found
    if defect == "wrong_status":
        assert ("status_code_conformance", 201) in found


def test_healthy_mock_passes_the_same_narrow_run(cli):
    with serve() as (root, _):
        code, report, _ = contract(cli, "--spec", "v1", "--url", root + "/openai/v1/", "--api-key-env",
                                   "AOAI_TEST_KEY", "--include-path", "/models", "--max-requests", "60")
    assert code == 0 and report["classified"]["contract"] == 0, report["failures"]


def test_leaked_credential_is_caught_and_no_output_contains_the_secret(cli, tmp_path):
    outputs = [tmp_path / name for name in ("r.xml", "r.html", "r.json", "r.md", "r.txt")]
    with serve("leak_header") as (root, _):
        result = cli("contract", "--spec", "v1", "--url", root + "/openai/v1/", "--api-key-env", "AOAI_TEST_KEY",
                     "--include-path", "/models", "--max-requests", "40", "--cassette", str(tmp_path / "cassette.json"),
                     "--report", f"junit:{outputs[0]}", "--report", f"html:{outputs[1]}", "--report",
                     f"json:{outputs[2]}", "--report", f"markdown:{outputs[3]}", "--report", f"text:{outputs[4]}",
                     env=ENV, timeout=240)
    assert result.returncode == 1
    assert "credential_not_echoed" in result.stdout
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) == 6
    for text in [result.stdout, result.stderr, *(p.read_text(errors="replace") for p in written)]:
        assert KEY not in text
    assert "x-debug-api-key" in (tmp_path / "cassette.json").read_text()  # recorded, value redacted


def test_budget_rate_limit_and_read_only_hold_at_the_server(cli):
    with serve() as (root, wrapper):
        code, report, _ = contract(cli, "--spec", "v1", "--url", root + "/openai/v1/", "--api-key-env",
                                   "AOAI_TEST_KEY", "--max-requests", "20", "--rate-limit", "10/s")
    seen = wrapper.seen
    # The server may see fewer: uvicorn drops the probes Schemathesis sends with a NUL byte in a header.
    assert seen.count <= report["budget"]["requests_sent"] <= 20
    assert report["budget"]["exhausted"] is True and report["stop_reason"] == "budget"
    assert set(seen.methods) <= {"GET", "HEAD", "OPTIONS"}  # read-only unless --allow-writes
    span = seen.times[-1] - seen.times[0]
    assert span >= (seen.count - 1) / 10 * 0.9, (seen.count, span)
    assert code == 0


def test_429_with_retry_after_is_waited_out(cli):
    with serve(throttle_first=2) as (root, wrapper):
        code, report, _ = contract(cli, "--spec", "v1", "--url", root + "/openai/v1/", "--api-key-env",
                                   "AOAI_TEST_KEY", "--include-path", "/models", "--max-requests", "40")
    assert code == 0, report["failures"]
    assert report["throttling"]["waits"] == 2 and report["throttling"]["waited_seconds"] >= 2
    assert wrapper.seen.count <= report["budget"]["requests_sent"]


def test_targets_matrix_report(cli, tmp_path):
    with serve() as (healthy, _), serve("schema_violation") as (broken, _):
        targets = (FIXTURES / "contract" / "targets.yaml").read_text()
        path = tmp_path / "targets.yaml"
        path.write_text(targets.replace("HEALTHY_URL", healthy + "/openai/v1/").replace("BROKEN_URL", broken + "/openai/v1/"))
        matrix_md = tmp_path / "matrix.md"
        result = cli("contract", "--targets", str(path), "--include-path", "/models", "--max-requests", "40",
                     "--report", f"markdown:{matrix_md}", "--format", "json", env=ENV, timeout=240)
    assert result.returncode == 1
    rows = {t["target"]: t for t in json.loads(result.stdout)["targets"]}
    assert rows["healthy"]["ok"] is True and rows["broken"]["ok"] is False
    assert rows["broken"]["region"] == "eastus2"
    text = matrix_md.read_text()
    assert "| healthy | swedencentral |" in text and "| broken | eastus2 |" in text and "FAIL" in text


def test_an_unwritable_report_path_is_one_line_before_any_request(cli, tmp_path):
    from conftest import assert_one_line_error

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with serve() as (root, wrapper):
        result = cli("contract", "--spec", "v1", "--url", root + "/openai/v1/", "--api-key-env", "AOAI_TEST_KEY",
                     "--report", f"json:{blocker / 'report.json'}", env=ENV)
        seen = wrapper.seen.count
    assert_one_line_error(result, "--report")
    assert "a-file" in result.stderr and seen == 0


def test_custom_headers_are_sent_and_never_echoed(cli, tmp_path):
    canary = "header-canary-7f3a9c"
    outputs = [tmp_path / name for name in ("r.json", "r.html", "r.md", "r.xml")]
    with serve("leak_header") as (root, wrapper):
        result = cli("contract", "--spec", "v1", "--url", root + "/openai/v1/", "--api-key-env", "AOAI_TEST_KEY",
                     "-H", f"x-team-token: {canary}", "--header", "x-trace: t-1234567", "--include-path", "/models",
                     "--phases", "azure,fuzzing", "--max-requests", "25", "--cassette", str(tmp_path / "c.har"),
                     *[a for fmt, path in zip(("json", "html", "markdown", "junit"), outputs)
                       for a in ("--report", f"{fmt}:{path}")], env=ENV, timeout=240)
        sent = [h.get("x-team-token") for h in wrapper.headers_seen]
    assert sent and set(sent) == {canary}, set(sent)  # on every request, whatever phase sent it
    for text in [result.stdout, result.stderr, *(p.read_text() for p in [*outputs, tmp_path / "c.har"])]:
        assert canary not in text and "t-1234567" not in text


def test_checks_and_exclude_checks_choose_what_runs(cli):
    from conftest import assert_one_line_error

    with serve() as (root, _):
        base = ("--spec", "v1", "--url", root + "/openai/v1/", "--api-key-env", "AOAI_TEST_KEY", "--include-path",
                "/models", "--max-requests", "20", "--phases", "azure,fuzzing")
        code, report, _ = contract(cli, *base, "--checks", "not_a_server_error,AOAI104", "--checks", "key_wrong")
        assert code == 0 and report["checks"] == ["key_missing", "key_wrong", "not_a_server_error"]
        ran = set(report["operations"][0]["checks"])
        assert ran <= {"key_missing", "key_wrong", "not_a_server_error"} and "key_missing" in ran
        code, report, _ = contract(cli, *base, "--exclude-checks", "key_missing,response_schema_conformance")
        assert {"key_missing", "response_schema_conformance"}.isdisjoint(report["checks"]) and "key_wrong" in report["checks"]
        assert "ignored_auth" not in report["checks"]  # the key probes do its job unless it is asked for by name
        assert_one_line_error(cli("contract", *base, "--checks", "no_such_check", env=ENV), "no_such_check")


def test_a_har_cassette_replays_its_failures(cli, tmp_path):
    har = tmp_path / "run.har"
    with serve("schema_violation") as (root, _):
        code, report, _ = contract(cli, "--spec", "v1", "--url", root + "/openai/v1/", "--api-key-env", "AOAI_TEST_KEY",
                                   "--include-path", "/models", "--max-requests", "20", "--phases", "azure,fuzzing",
                                   "--cassette", str(har))
        assert code == 1 and any(f["check"] == "response_schema_conformance" for f in report["failures"])
        entries = json.loads(har.read_text())["log"]["entries"]
        assert len(entries) == report["budget"]["requests_sent"] and KEY not in har.read_text()
        marked = [e for e in entries if e["_aoai"]["failures"]]
        assert marked and all(e["response"]["status"] == 200 for e in marked)
        again = cli("contract", "--replay", str(har), "--api-key-env", "AOAI_TEST_KEY", "--format", "json", env=ENV)
        replayed = json.loads(again.stdout)
        assert again.returncode == 1 and replayed["still_failing"] == replayed["replayed"] == len(marked)
    with serve() as (healthy, _):
        fixed = cli("contract", "--replay", str(har), "--url", healthy + "/openai/v1/", "--api-key-env",
                    "AOAI_TEST_KEY", "--format", "json", env=ENV)
    assert fixed.returncode == 0, fixed.stdout
    assert json.loads(fixed.stdout)["fixed"] == len(marked)
