"""Hostile configuration files: a `--catalog`, a diff rule `--config`, a contract `--targets` file. They come from
other people's repositories too: each must give exit 2 and one line naming the file, never a crash or a hang,
and a catalog must never steer a pull outside the store.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hostile import BASE_SPEC
from hostile.corpus import _alias_bomb
from hostile.runner import run_inprocess

ENTRY = {"id": "x@1", "family": "x", "version": "1", "status": "ga", "surface": "v1", "openapi": "3.0.3",
         "released": "2024-01-01", "pinned": True, "file": "x/1/spec.json", "sha256": "0" * 64,
         "source": {"repo": "r", "path": "p", "url": "http://127.0.0.1:9/never"}}

COMMON: dict[str, bytes] = {
    "empty": b"",
    "invalid-utf8": b'{"rules": {"a": "caf\xe9"}}',
    "binary": bytes(range(256)) * 8,
    "malformed": b'{"entries": [',
    "top-level-list": b"[1, 2]",
    "top-level-null": b"null",
    "alias-bomb": _alias_bomb().encode(),
    "deep": b"[" * 5000 + b"]" * 5000,
    "huge-integer": b'{"rules": ' + b"9" * 50_000 + b"}",
    "python-tag": b"rules: !!python/object/apply:os.system ['true']\n",
}

CATALOGS: dict[str, bytes] = {
    **COMMON,
    "entries-not-list": b'{"entries": {"a": 1}}',
    "entry-number": b'{"entries": [1]}',
    "entry-empty": b'{"entries": [{}]}',
    "id-number": json.dumps({"entries": [{**ENTRY, "id": 5}]}).encode(),
    "source-string": json.dumps({"entries": [{**ENTRY, "source": "github"}]}).encode(),
    "sha-number": json.dumps({"entries": [{**ENTRY, "sha256": 5}]}).encode(),
    "family-escapes-store": json.dumps({"entries": [{**ENTRY, "family": "../../outside"}]}).encode(),
    "version-escapes-store": json.dumps({"entries": [{**ENTRY, "version": "../.."}]}).encode(),
    "attachments-string": json.dumps({"entries": [{**ENTRY, "attachments": "a.yaml"}]}).encode(),
    "surfaces-list": json.dumps({"entries": [ENTRY], "surfaces": []}).encode(),
}

RULE_CONFIGS: dict[str, bytes] = {
    **COMMON,
    "rules-list": b"rules: [a, b]\n",
    "unknown-rule": b"rules: {no-such-rule: off}\n",
    "bad-level": b"rules: {request-parameter-removed: fatal}\n",
    "level-number": b"rules: {request-parameter-removed: 3}\n",
    "level-mapping": b"rules: {request-parameter-removed: {level: off}}\n",
}

TARGETS: dict[str, bytes] = {
    **COMMON,
    "targets-empty-list": b"targets: []\n",
    "target-string": b"targets: [east]\n",
    "target-no-url": b"targets: [{name: a, spec: v1}]\n",
    "target-url-number": b"targets: [{name: a, url: 5, spec: v1}]\n",
    "bad-auth-mode": b"targets: [{name: a, url: 'http://127.0.0.1:9', spec: v1, auth: {mode: magic}}]\n",
    "auth-env-missing": b"targets: [{name: a, url: 'http://127.0.0.1:9', spec: v1, auth: {mode: api-key}}]\n",
    "auth-list": b"targets: [{name: a, url: 'http://127.0.0.1:9', spec: v1, auth: [api-key]}]\n",
    "url-not-http": b"targets: [{name: a, url: 'file:///etc/passwd', spec: v1}]\n",
}


def _assert_refused(run, path: Path) -> None:
    assert not run.timed_out, run.describe()
    assert run.code == 2, run.describe()
    assert "Traceback" not in run.stderr, run.describe()
    assert len(run.error_lines) == 1, run.describe()
    assert path.name in run.error_lines[0] or "--" in run.error_lines[0], run.describe()


@pytest.fixture(scope="module")
def valid_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("valid") / "spec.json"
    path.write_text(json.dumps(BASE_SPEC))
    return path


@pytest.mark.parametrize("name", list(CATALOGS))
def test_hostile_catalog(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"catalog-{name}.json"
    path.write_bytes(CATALOGS[name])
    store = tmp_path / "deep" / "store"
    for argv in (["catalog", "--catalog", str(path)], ["pull", "--all", "--catalog", str(path), "--store", str(store)]):
        run = run_inprocess(*argv, timeout=20)
        _assert_refused(run, path)
    assert not (tmp_path / "outside").exists() and not (tmp_path / "deep" / "x").exists()


@pytest.mark.parametrize("name", list(RULE_CONFIGS))
def test_hostile_rule_config(name: str, tmp_path: Path, valid_spec: Path) -> None:
    path = tmp_path / f"rules-{name}.yaml"
    path.write_bytes(RULE_CONFIGS[name])
    run = run_inprocess("breaking", str(valid_spec), str(valid_spec), "--config", str(path), timeout=20)
    _assert_refused(run, path)


@pytest.mark.parametrize("name", list(TARGETS))
def test_hostile_targets_file(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"targets-{name}.yaml"
    path.write_bytes(TARGETS[name])
    run = run_inprocess("contract", "--targets", str(path), "--max-requests", "1", timeout=30)
    _assert_refused(run, path)


@pytest.mark.parametrize("argv", [
    ["contract", "--target", "mock", "--rate-limit", "fast"],
    ["contract", "--target", "mock", "--phases", "everything"],
    ["contract", "--target", "mock", "--spec", "/no/such/spec.json"],
    ["contract", "--target", "mock", "--report", "pdf:out.pdf"],
    ["contract", "--url", "ftp://127.0.0.1/", "--spec", "SPEC"],
    ["contract", "--url", "http://127.0.0.1:9/openai/v1", "--spec", "SPEC", "--api-key-env", "NO_SUCH_VARIABLE_SET"],
    ["mock", "--port", "70000"],
    ["diff", "SPEC", "no-such-id@1"],
    ["validate", "/dev/null"],
    ["validate", "/"],
    ["bundle", "SPEC", "-o", "/proc/version/cannot-write-here.json"],
], ids=lambda argv: " ".join(argv[:4]))
def test_bad_options_are_one_line_errors(argv: list[str], valid_spec: Path) -> None:
    run = run_inprocess(*[str(valid_spec) if a == "SPEC" else a for a in argv], timeout=30,
                        env={"NO_SUCH_VARIABLE_SET": ""})
    assert not run.timed_out and run.code == 2, run.describe()
    assert "Traceback" not in run.stderr, run.describe()
    assert len([line for line in run.error_lines if not line.startswith(("Usage:", "Try "))]) == 1, run.describe()
