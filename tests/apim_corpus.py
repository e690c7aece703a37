"""The APIM import corpus (`tests/fixtures/apim/corpus.yaml`): write each case as the file a user would have,
and judge what `apim lint` and `apim prepare` make of it.

Two drivers share the judging: `judge_api` (this checkout's Python API, used by the tests) and `judge_cli`
(any checkout's command line, used by `bench/bench_apim_corpus.py` to measure before and after). The output of
prepare is always judged the same way, by this checkout: openapi-spec-validator (OAS 3.0) and the APIM rules.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).parent / "fixtures" / "apim" / "corpus.yaml"
LONG_SUMMARY = "s" * 350
PADDED_TARGET = int(4.5 * 1024 * 1024)


def load_corpus() -> dict[str, Any]:
    return yaml.safe_load(CORPUS.read_text())


def case_document(case: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    document = json.loads(json.dumps({**base, **(case.get("document") or {})}).replace("LONG_SUMMARY", LONG_SUMMARY))
    if "operations" in case:
        document["paths"] = {f"/op{i}": {"get": {"operationId": f"op{i}", "responses": {"200": {"description": "ok"}}}}
                             for i in range(case["operations"])}
    how = case.get("file") or {}
    if how.get("padded"):
        document["components"] = {"schemas": {
            f"S{i}": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}}
            for i in range(1500)}}
    if how.get("description_bytes"):
        document["info"] = {**document["info"], "description": "d" * how["description_bytes"]}
    return document


def write_case(case: dict[str, Any], base: dict[str, Any], folder: Path) -> Path:
    """The case as a file in `folder` (plus the files it references), written the way the case says."""
    folder.mkdir(parents=True, exist_ok=True)
    how = case.get("file") or {}
    for name, content in (case.get("files") or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(json.dumps(content))
    path = folder / how.get("name", "api.json")
    if "raw_text" in how:
        path.write_text(how["raw_text"])
        return path
    document = case_document(case, base)
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if how.get("padded") and not how.get("description_bytes"):
        indent = 2
        while len(text.encode()) < PADDED_TARGET:  # pretty-printed over 4 MiB, minified far under it
            indent *= 2
            text = json.dumps(document, indent=indent, ensure_ascii=False)
    path.write_bytes(text.encode(how.get("encoding", "utf-8")))
    return path


@dataclass
class Outcome:
    """What lint and prepare made of one case."""

    refused: bool = False
    lint_levels: list[str] = field(default_factory=list)  # levels of the case's rule on the file
    prepare_exit: int | None = None
    prepare_ok: bool = False
    prepared_levels: list[str] = field(default_factory=list)  # levels of the case's rule among prepare's findings
    output_errors: int = 0  # openapi-spec-validator errors on the output
    output_lint_errors: int = 0  # error-level APIM findings on the output
    output_levels: list[str] = field(default_factory=list)  # levels of the case's rule on the output

    @property
    def lint_fires(self) -> bool:
        return self.refused or bool(self.lint_levels)

    @property
    def output_clean(self) -> bool:
        """Prepare said ready and its output is valid, lints without errors, and no longer has the case's problem
        at warning or error level (advice may stay)."""
        return (not self.refused and self.prepare_ok and self.output_errors == 0 and self.output_lint_errors == 0
                and not {"error", "warning"} & set(self.output_levels))


def judge_output(output: Path, rule: str, tier: str | None) -> tuple[int, int, list[str]]:
    """(validator errors, APIM lint errors, levels of `rule`) for a prepared file, judged by this checkout."""
    from openapi_spec_validator import OpenAPIV30SpecValidator

    from toolkit.apim import lint
    from toolkit.catalog import load_catalog

    document = json.loads(output.read_text(encoding="utf-8"))
    errors = sum(1 for _ in OpenAPIV30SpecValidator(document).iter_errors())
    findings = lint(document, catalog=load_catalog(), **({"tier": tier} if tier else {}))
    return errors, sum(f.level == "error" for f in findings), [f.level for f in findings if f.id == rule]


def judge_api(case: dict[str, Any], path: Path) -> Outcome:
    """The case through this checkout's Python API."""
    from toolkit.apim import lint, prepare
    from toolkit.catalog import load_catalog
    from toolkit.errors import SpecLoadError
    from toolkit.model import Spec

    options = case.get("options") or {}
    try:
        spec = Spec.load(path)
    except SpecLoadError:
        return Outcome(refused=True)
    catalog = load_catalog()
    outcome = Outcome()
    tier = {"tier": options["tier"]} if "tier" in options else {}
    findings = lint(spec.document, catalog=catalog, raw=spec.raw, **tier)
    outcome.lint_levels = [f.level for f in findings if f.id == case["rule"]]
    result = prepare(spec, catalog=catalog, **options)
    outcome.prepare_ok = result.ok
    outcome.prepare_exit = 0 if result.ok else 1
    outcome.prepared_levels = [f.level for f in result.findings if f.id == case["rule"]]
    output = path.with_name("prepared.json")
    output.write_text(result.minified, encoding="utf-8")
    outcome.output_errors, outcome.output_lint_errors, outcome.output_levels = judge_output(
        output, case["rule"], options.get("tier"))
    return outcome


def _run_cli(checkout: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, env=env,
                          cwd=checkout, timeout=600)


@functools.lru_cache(maxsize=None)
def _supports(checkout: Path, command: str, flag: str) -> bool:
    return flag in _run_cli(checkout, "apim", command, "--help").stdout


def judge_cli(case: dict[str, Any], path: Path, checkout: Path) -> Outcome:
    """The case through the command line of any checkout (`python -m toolkit` with that checkout first on the
    path); options the checkout's CLI does not know are left out, as a user of that version could not pass them."""
    options = case.get("options") or {}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return _run_cli(checkout, *args)

    def supported(command: str, flag: str) -> bool:
        return _supports(checkout, command, flag)

    extra_lint = ["--tier", options["tier"]] if "tier" in options and supported("lint", "--tier") else []
    linted = run("apim", "lint", str(path), "--format", "json", *extra_lint)
    if linted.returncode == 2:
        return Outcome(refused=True)
    outcome = Outcome()
    outcome.lint_levels = [f["level"] for f in json.loads(linted.stdout)["findings"] if f["id"] == case["rule"]]
    output = path.with_name("prepared.json")
    extra = []
    if "service_url" in options:
        extra += ["--service-url", options["service_url"]]
    if "tier" in options and supported("prepare", "--tier"):
        extra += ["--tier", options["tier"]]
    prepared = run("apim", "prepare", str(path), "-o", str(output), "--format", "json", *extra)
    outcome.prepare_exit = prepared.returncode
    if prepared.returncode == 2 or not output.is_file():
        return outcome
    report = json.loads(prepared.stdout)
    outcome.prepare_ok = prepared.returncode == 0 and report.get("ok", False)
    outcome.prepared_levels = [f["level"] for f in report["findings"] if f["id"] == case["rule"]]
    outcome.output_errors, outcome.output_lint_errors, outcome.output_levels = judge_output(
        output, case["rule"], options.get("tier"))
    return outcome
