"""Injection through spec content: a spec whose titles, paths, operationIds, property names, enum values and
descriptions carry HTML/script and terminal escape sequences. HTML and XML outputs must escape them; no output
(text, Markdown, HTML, JUnit, GitHub annotations, error lines) may carry a raw control character that would
retitle, clear or rewrite the terminal or CI log of whoever reads it.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from hostile import BASE_SPEC
from hostile.runner import run_inprocess

SCRIPT = "<script>alert(1)</script>"
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[1A\u009b31m\x08"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def _hostile_spec(tmp_path: Path) -> Path:
    doc = copy.deepcopy(BASE_SPEC)
    doc["info"]["title"] = SCRIPT + ESCAPES
    doc["info"]["description"] = SCRIPT + ESCAPES
    item = doc["paths"]["/items/{id}"]
    item["get"].update(summary=SCRIPT + ESCAPES, description=SCRIPT, operationId="get" + SCRIPT + ESCAPES)
    extra = copy.deepcopy(item)
    extra["get"]["operationId"] = "other"
    doc["paths"]["/x" + SCRIPT + ESCAPES + "/{id}"] = extra
    doc["components"]["schemas"]["Item"]["properties"][SCRIPT + ESCAPES] = {
        "type": "string", "enum": [SCRIPT, ESCAPES], "description": SCRIPT + ESCAPES}
    doc["components"]["schemas"]["Item"]["required"].append("missing" + ESCAPES)  # a validate finding naming it
    path = tmp_path / "hostile-content.json"
    path.write_text(json.dumps(doc))
    return path


def _check(text: str, where: str, markup: bool) -> None:
    assert not CONTROL.search(text), f"raw control character in {where}: {CONTROL.search(text).group()!r}"
    if markup:
        assert "<script>alert" not in text, f"unescaped script in {where}"


@pytest.fixture(scope="module")
def specs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("inject")
    valid = root / "valid.json"
    valid.write_text(json.dumps(BASE_SPEC))
    return valid, _hostile_spec(root)


CASES = [
    ("validate", ["validate", "{H}"], "text"),
    ("diff-text", ["diff", "{V}", "{H}"], "text"),
    ("diff-markdown", ["diff", "{V}", "{H}", "--format", "markdown"], "text"),
    ("diff-html", ["diff", "{V}", "{H}", "--format", "html", "--include-docs"], "markup"),
    ("diff-html-removed", ["diff", "{H}", "{V}", "--format", "html"], "markup"),
    ("diff-junit", ["diff", "{V}", "{H}", "--format", "junit"], "markup"),
    ("diff-githubactions", ["diff", "{V}", "{H}", "--format", "githubactions"], "text"),
    ("breaking", ["breaking", "{H}", "{V}"], "text"),
    ("compat", ["compat", "{V}", "{H}"], "text"),
    ("downgrade", ["downgrade", "{H}", "-o", "{O}/down.json"], "text"),
    ("apim-lint", ["apim", "lint", "{H}"], "text"),
    ("apim-prepare", ["apim", "prepare", "{H}", "-o", "{O}/apim.json"], "text"),
    ("bundle-yaml", ["bundle", "{H}", "--format", "yaml"], "text"),
    ("error-line", ["validate", "{O}/no-such" + ESCAPES + ".json"], "text"),
]


@pytest.mark.parametrize(("name", "argv", "kind"), CASES, ids=[c[0] for c in CASES])
def test_spec_content_cannot_inject(name: str, argv: list[str], kind: str, specs: tuple[Path, Path], tmp_path: Path) -> None:
    valid, hostile = specs
    args = [a.replace("{H}", str(hostile)).replace("{V}", str(valid)).replace("{O}", str(tmp_path)) for a in argv]
    run = run_inprocess(*args, timeout=30)
    assert run.code in (0, 1, 2) and "Traceback" not in run.stderr, run.describe()
    _check(run.stdout, f"{name} stdout", kind == "markup")
    _check(run.stderr, f"{name} stderr", False)
    for produced in tmp_path.rglob("*"):
        if produced.is_file():
            _check(produced.read_text(encoding="utf-8"), f"{name} {produced.name}", kind == "markup")
    if name != "error-line":
        assert "pwned" in run.stdout + run.stderr + "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file()) \
            or name in ("downgrade", "apim-prepare", "breaking", "apim-lint"), "the payload never reached the output"


def test_json_outputs_escape_control_characters(specs: tuple[Path, Path]) -> None:
    valid, hostile = specs
    run = run_inprocess("diff", str(valid), str(hostile), "--format", "json")
    assert run.code in (0, 1), run.describe()
    assert "\\u001b" in run.stdout and not CONTROL.search(run.stdout)
    json.loads(run.stdout)
