"""The watch recipe (`.github/workflows/watch-specs.yml`): valid against the GitHub workflow schema that
check-jsonschema vendors (offline), and doing what the README says: scheduled, install, `catalog update`
(exit 1 = new versions -> a pull request), `report`, Pages artifact and deployment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from toolkit.load import Limits, parse_text

WORKFLOW = REPO / ".github" / "workflows" / "watch-specs.yml"


def check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    return subprocess.run([executable, "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True, timeout=120)


def workflow() -> dict:
    value, _ = parse_text(WORKFLOW.read_bytes(), str(WORKFLOW), Limits(), [])  # YAML 1.2: `on` stays a string
    return value


def test_the_workflow_matches_githubs_workflow_schema(tmp_path: Path) -> None:
    result = check_jsonschema(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.yml"  # the check can fail: a job without runs-on or steps is refused
    broken.write_text(WORKFLOW.read_text().replace("    runs-on: ubuntu-latest\n    timeout-minutes: 30\n", "", 1)
                      .replace("on:\n  schedule:", "on:\n  schedul:", 1))
    assert check_jsonschema(broken).returncode == 1


def _steps(job: str) -> list[dict]:
    return workflow()["jobs"][job]["steps"]


def _uses(step: dict) -> str:
    return step.get("uses", "").split("@")[0]


def test_the_workflow_is_scheduled_and_runs_update_then_report_then_pages() -> None:
    flow = workflow()
    assert flow["on"]["schedule"][0]["cron"].count(" ") == 4 and "workflow_dispatch" in flow["on"]
    steps = _steps("update")
    order = [_uses(s) or s.get("name") for s in steps]
    assert order[:2] == ["actions/checkout", "actions/setup-python"]
    runs = [s.get("run", "") for s in steps]
    install = next(i for i, r in enumerate(runs) if "pip install -e ." in r)
    update = next(i for i, r in enumerate(runs) if "aoai-spec catalog update" in r)
    report = next(i for i, r in enumerate(runs) if r.strip() == "aoai-spec report --out site")
    pull_request = order.index("peter-evans/create-pull-request")
    pages = order.index("actions/upload-pages-artifact")
    assert install < update < pull_request < report < pages
    assert steps[pages]["with"]["path"] == "site"
    assert steps[pull_request]["if"] == "steps.update.outputs.changed == 'true'"
    assert "specs/archive/**" in steps[pull_request]["with"]["add-paths"]
    assert "--token-env GITHUB_TOKEN" in runs[update] and steps[update]["env"]["GITHUB_TOKEN"]
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "update" and _uses(deploy["steps"][0]) == "actions/deploy-pages"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


@pytest.mark.parametrize("code, changed, fails", [(0, "false", False), (1, "true", False), (2, None, True)])
def test_the_update_step_turns_exit_codes_into_a_pull_request_decision(tmp_path: Path, code: int,
                                                                        changed: str | None, fails: bool) -> None:
    """Run the step's own shell script with a stand-in `aoai-spec` that exits with `code`."""
    script = next(s["run"] for s in _steps("update") if "aoai-spec catalog update" in s.get("run", ""))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stub = bin_dir / "aoai-spec"
    stub.write_text(f"#!/bin/sh\necho 'new versions'\nexit {code}\n")
    stub.chmod(0o755)
    output = tmp_path / "github_output"
    output.touch()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GITHUB_OUTPUT": str(output),
           "RUNNER_TEMP": str(tmp_path), "GITHUB_TOKEN": "unused"}
    result = subprocess.run(["bash", "-e", "-c", script], env=env, capture_output=True, text=True, timeout=30)
    assert (result.returncode != 0) == fails
    assert "new versions" in result.stdout
    assert output.read_text() == (f"changed={changed}\n" if changed else "")
