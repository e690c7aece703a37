"""The APIM import corpus, one file per documented restriction and reported failure (issue 12): lint on the file
as written reports the problem, and prepare's output no longer has it, is valid OAS 3.0.x and lints clean; or,
where no safe fix exists, prepare keeps the error and says the output is not ready. Never a silent "ok"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.apim_corpus import judge_api, load_corpus, write_case
from tests.conftest import assert_one_line_error, run_cli
from toolkit.apim import RESTRICTIONS, RULES, lint
from toolkit.apim.restrictions import restriction_rules
from toolkit.model import Spec

CORPUS = load_corpus()
CASES = {case["id"]: case for case in CORPUS["cases"]}


def test_corpus_covers_every_rule_and_restriction() -> None:
    assert len(CASES) == len(CORPUS["cases"]) >= 47
    covered = {case["rule"] for case in CASES.values()}
    assert {r.id for r in RULES.rules} - covered == set()
    rows = {case["row"] for case in CASES.values()}
    acted_on = [r for r in RESTRICTIONS if set(r.rules) - {"output-invalid"}]
    uncovered = [r.key for r in acted_on if r.key not in rows and not set(r.rules) - {"output-invalid"} <= covered]
    assert uncovered == []


@pytest.mark.parametrize("case_id", list(CASES))
def test_case(case_id: str, tmp_path: Path) -> None:
    case = CASES[case_id]
    outcome = judge_api(case, write_case(case, CORPUS["base"], tmp_path))
    if case["expect"] == "refused":
        assert outcome.refused
        return
    assert outcome.lint_levels, f"lint did not report {case['rule']}"
    if case["expect"] in ("clean", "advice"):
        assert outcome.prepare_ok, outcome
        assert outcome.output_errors == 0 and outcome.output_lint_errors == 0, outcome
        allowed = {"info"} if case["expect"] == "advice" else set()
        assert set(outcome.output_levels) <= allowed, outcome
        assert outcome.output_clean
    else:
        assert outcome.prepared_levels, "prepare dropped the finding it could not fix"
        if "error" in outcome.lint_levels:
            assert not outcome.prepare_ok, "an unfixable error was reported as ready"
        assert not outcome.output_clean


@pytest.mark.parametrize("control", CORPUS["controls"], ids=lambda c: c["id"])
def test_control_does_not_fire(control: dict[str, Any], tmp_path: Path) -> None:
    spec = Spec.load(write_case(control, CORPUS["base"], tmp_path))
    fired = {f.id for f in lint(spec.document, raw=spec.raw)} & set(control["silent"])
    assert fired == set()


def test_every_restriction_row_names_known_rules() -> None:
    known = {r.id for r in RULES.rules} | {"output-invalid"}
    assert restriction_rules() - known == set()


def test_cli_refuses_an_unreadable_file_in_one_line(tmp_path: Path) -> None:
    path = write_case(CASES["malformed-yaml"], CORPUS["base"], tmp_path)
    assert_one_line_error(run_cli("apim", "lint", str(path)), "corpus.yaml", "line")
    assert_one_line_error(run_cli("apim", "prepare", str(path), "-o", str(tmp_path / "o.json")), "corpus.yaml")


def test_cli_reports_an_unfixable_case_with_exit_1(tmp_path: Path) -> None:
    path = write_case(CASES["duplicate-signature"], CORPUS["base"], tmp_path)
    result = run_cli("apim", "prepare", str(path), "-o", str(tmp_path / "o.json"))
    assert result.returncode == 1
    assert "NOT ready" in result.stdout and "duplicate-signature" in result.stdout
