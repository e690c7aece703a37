"""No secret in any output: canary api-key, bearer token, APIM subscription key and Entra token, sent to an endpoint
that echoes every credential back (in bodies, headers and error messages, so they reach failure excerpts and
curl samples). Every stream and every file the toolkit writes is scanned: stdout, stderr, json/junit/html/markdown/
text reports, cassettes, the targets matrix, and the mock's own output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from conftest import REPO, free_port
from hostile.servers import json_server, running

# Realistic shapes: a 32-hex Azure key, a base64-ish bearer token (with + / =), an APIM key, a JWT-like Entra token.
CANARIES = {
    "api-key": "c4a9f1e07b3d4e52a8e6d0c1f2b3a4c5",
    "bearer": "CANARYbearer+tok/en9Zq7Xw==",
    "subscription-key": "0ffeec0ffee4ca9a71e5ecre7000abcd",
    "entra": "eyJ0eXAiOiJKV1QiLCJjYW5hcnkiOiJ0cnVlIn0.eyJzdWIiOiJjYW5hcnktZW50cmEifQ.c2lnbmF0dXJlLWNhbmFyeQ",
}
FLAGS = {"api-key": "--api-key-env", "bearer": "--bearer-env", "subscription-key": "--subscription-key-env"}
REPORTS = ("json", "junit", "html", "markdown", "text")


def _fragments(secret: str) -> list[str]:
    """The secret, and long enough pieces of it that a truncated or split copy would still be caught."""
    return [secret] + [secret[i:i + 16] for i in range(0, len(secret) - 15, 8)]


def assert_no_secret(texts: dict[str, str], secrets: list[str]) -> None:
    for name, text in texts.items():
        for secret in secrets:
            for piece in _fragments(secret):
                assert piece not in text, f"secret fragment {piece[:6]}... leaked into {name}"


def _echo(handler: object) -> tuple[int, dict[str, str], bytes]:
    """Echo every request header back in the body, in a response header and in an error text."""
    headers = dict(handler.headers)  # type: ignore[attr-defined]
    credential = next((v for k, v in headers.items() if k.lower() in ("api-key", "authorization", "ocp-apim-subscription-key")), "")
    path = handler.path  # type: ignore[attr-defined]
    body = {"id": "x", "object": "thing", "echo": headers, "note": f"you sent {credential}"}
    if "/spread" in path:  # the credential at every offset, so any truncation of the text cuts through one copy
        body = {"spread": ["-" * i + credential for i in range(48)], **body}
    status = 500 if "/fail" in path else 401 if "/deny" in path else 200
    if status == 401:
        body = {"error": {"code": "401", "message": f"Access denied due to invalid subscription key {credential}"}}
    return status, {"Content-Type": "application/json", "X-Echo-Credential": credential,
                    "WWW-Authenticate": f'Bearer error="invalid_token", token="{credential}"'}, json.dumps(body).encode()


def _spec(tmp_path: Path, names: tuple[str, ...] = ("ok", "fail", "deny")) -> Path:
    thing = {"type": "object", "additionalProperties": False, "required": ["id"],
             "properties": {"id": {"type": "string"}, "object": {"type": "string"}}}
    paths = {f"/echo/{name}": {"get": {"operationId": name, "parameters": [
        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 3}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": thing}}}}}}
        for name in names}
    doc = {"openapi": "3.0.3", "info": {"title": "echo", "version": "1"}, "paths": paths,
           "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "api-key"}}},
           "security": [{"key": []}]}
    path = tmp_path / f"echo-{'-'.join(names)}.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture
def echo() -> Iterator[object]:
    server = json_server(_echo)
    server.seen = []  # type: ignore[attr-defined]
    with running(server):
        yield server


def _all_files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8", errors="replace")
            for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("mode", list(FLAGS))
def test_no_secret_in_any_output_of_a_contract_run(mode: str, echo: object, tmp_path: Path) -> None:
    secret = CANARIES[mode]
    out = tmp_path / "out"
    out.mkdir()
    argv = [sys.executable, "-m", "toolkit", "contract", "--spec", str(_spec(tmp_path)),
            "--url", f"http://127.0.0.1:{echo.server_address[1]}/openai/v1",  # type: ignore[attr-defined]
            FLAGS[mode], "CANARY_SECRET", "--max-requests", "30", "--max-examples", "2", "--phases", "examples,fuzzing",
            "--cassette", str(out / "cassette.json"), "--format", "json"]
    for fmt in REPORTS:
        argv += ["--report", f"{fmt}:{out / ('report.' + fmt)}"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=REPO,
                          env={**os.environ, "CANARY_SECRET": secret, "AOAI_SPEC_DEBUG": "1"})
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])  # the echo breaks the contract: findings
    files = _all_files(out)
    assert {f"report.{fmt}" for fmt in REPORTS} | {"cassette.json"} <= set(files), sorted(files)
    cassette = json.loads(files["cassette.json"])
    assert "[REDACTED]" in files["cassette.json"] and cassette, "the cassette recorded no exchange"
    assert "[REDACTED]" in files["report.json"]  # the echoed credential reached the report, and was masked
    assert_no_secret({"stdout": done.stdout, "stderr": done.stderr, **files}, [secret])


def test_no_entra_token_in_any_output(echo: object, tmp_path: Path) -> None:
    """Entra through the Python API's credential seam: a fake azure-identity credential issuing canary tokens,
    refreshed during the run (each token expires almost at once)."""
    from azure.core.credentials import AccessToken

    from toolkit.contract import AuthSpec, ContractConfig, render_report, run_contract

    issued: list[str] = []

    class FakeCredential:
        def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
            token = f"{CANARIES['entra']}{len(issued)}"
            issued.append(token)
            return AccessToken(token, int(time.time()) + 1)  # expires at once: the provider must refresh

        def get_token_info(self, *scopes: str, **kwargs: object) -> object:
            from azure.core.credentials import AccessTokenInfo

            token = self.get_token(*scopes)
            return AccessTokenInfo(token.token, token.expires_on)

    out = tmp_path / "out"
    out.mkdir()
    config = ContractConfig(spec=str(_spec(tmp_path)), url=f"http://127.0.0.1:{echo.server_address[1]}/openai/v1",  # type: ignore[attr-defined]
                            auth=AuthSpec("entra"), entra_credential=FakeCredential(), max_requests=25, max_examples=2,
                            phases=("examples", "fuzzing"), cassette=out / "cassette.json")
    report = run_contract(config)
    assert issued, "the fake credential was never asked for a token"
    texts = {fmt: render_report(report, fmt) for fmt in REPORTS}
    texts.update(_all_files(out))
    assert "[REDACTED]" in texts["json"]
    assert_no_secret(texts, issued)


@pytest.mark.slow
def test_no_secret_in_a_targets_matrix(echo: object, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{echo.server_address[1]}/openai/v1"  # type: ignore[attr-defined]
    spec = _spec(tmp_path)
    targets = tmp_path / "targets.yaml"
    targets.write_text(json.dumps({"targets": [
        {"name": f"t-{mode}", "url": url, "spec": str(spec), "auth": {"mode": mode, "env": f"CANARY_{i}"}}
        for i, mode in enumerate(FLAGS)]}))
    out = tmp_path / "out"
    out.mkdir()
    argv = [sys.executable, "-m", "toolkit", "contract", "--targets", str(targets), "--max-requests", "12",
            "--max-examples", "1", "--phases", "examples,fuzzing"]
    for fmt in REPORTS:
        argv += ["--report", f"{fmt}:{out / ('matrix.' + fmt)}"]
    env = {**os.environ, **{f"CANARY_{i}": CANARIES[mode] for i, mode in enumerate(FLAGS)}}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=150, cwd=REPO, env=env)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    files = _all_files(out)
    assert len(files) == len(REPORTS), sorted(files)
    assert_no_secret({"stdout": done.stdout, "stderr": done.stderr, **files}, [CANARIES[m] for m in FLAGS])


def test_a_secret_cut_by_an_excerpt_does_not_leak(echo: object, tmp_path: Path) -> None:
    secret = CANARIES["api-key"]
    out = tmp_path / "out"
    out.mkdir()
    argv = [sys.executable, "-m", "toolkit", "contract", "--spec", str(_spec(tmp_path, ("spread",))),
            "--url", f"http://127.0.0.1:{echo.server_address[1]}/openai/v1",  # type: ignore[attr-defined]
            "--api-key-env", "CANARY_SECRET", "--max-requests", "10", "--max-examples", "1",
            "--phases", "examples,fuzzing", "--cassette", str(out / "cassette.json"), "--report", f"json:{out / 'r.json'}",
            "--report", f"html:{out / 'r.html'}"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=REPO,
                          env={**os.environ, "CANARY_SECRET": secret})
    assert done.returncode == 1, done.stderr[-2000:]
    assert_no_secret({"stdout": done.stdout, "stderr": done.stderr, **_all_files(out)}, [secret])


def test_no_secret_in_error_messages(tmp_path: Path) -> None:
    """Bad input while a secret is configured: the one error line must not carry it."""
    secret = CANARIES["api-key"]
    cases = [
        ["contract", "--spec", str(tmp_path / "missing.json"), "--url", "http://127.0.0.1:9/openai/v1", "--api-key-env", "K"],
        ["contract", "--spec", str(_spec(tmp_path)), "--url", f"not-a-url-{secret}", "--api-key-env", "K"],
        ["contract", "--spec", str(_spec(tmp_path)), "--url", "http://127.0.0.1:9/openai/v1", "--api-key-env", "K",
         "--rate-limit", "x", "--max-requests", "2"],
    ]
    for argv in cases:
        done = subprocess.run([sys.executable, "-m", "toolkit", *argv], capture_output=True, text=True, timeout=60,
                              cwd=REPO, env={**os.environ, "K": secret})
        assert done.returncode == 2, (argv, done.stderr)
        assert "Traceback" not in done.stderr
        shown = done.stderr.replace(f"not-a-url-{secret}", "")  # the user's own argument may be echoed back
        assert_no_secret({"stderr": shown, "stdout": done.stdout}, [secret])


@pytest.mark.slow
def test_no_secret_in_the_mock_output(tmp_path: Path) -> None:
    """`aoai-spec mock --api-key-env`: right and wrong keys, neither appears in its logs or its answers."""
    import httpx

    secret, wrong = CANARIES["api-key"], CANARIES["subscription-key"]
    port = free_port()
    env = {**os.environ, "MOCK_KEY": secret}
    child = subprocess.Popen([sys.executable, "-m", "toolkit", "mock", "--port", str(port), "--api-key-env", "MOCK_KEY",
                              "--spec", "v1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    try:
        base = f"http://127.0.0.1:{port}/openai/v1"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/models", timeout=1)
                break
            except httpx.TransportError:
                assert child.poll() is None and time.monotonic() < deadline, child.communicate(timeout=5)
                time.sleep(0.2)
        answers = []
        for headers in ({"api-key": secret}, {"api-key": wrong}, {"Authorization": f"Bearer {wrong}"},
                        {"Authorization": f"Bearer {secret}"}):
            for method, path, body in (("GET", "/models", None), ("POST", "/responses", {"model": "m", "input": "hi"}),
                                       ("POST", "/chat/completions", {"bad": True})):
                response = httpx.request(method, base + path, headers=headers, json=body, timeout=10)
                answers.append(f"{response.status_code} {dict(response.headers)} {response.text}")
        assert any(a.startswith("401") for a in answers) and any(a.startswith("200") for a in answers), answers[:3]
    finally:
        child.terminate()
        out, err = child.communicate(timeout=20)
    assert_no_secret({"mock stdout": out, "mock stderr": err, "answers": "\n".join(answers)}, [secret, wrong])


@pytest.mark.slow
def test_no_secret_in_the_report_site(echo: object, tmp_path: Path) -> None:
    """`aoai-spec report --targets`: the contract page and its Markdown/JSON twins, against the echoing endpoint."""
    import hashlib

    spec = _spec(tmp_path, ("ok", "fail"))
    mirror = tmp_path / "mirror"
    (mirror / "echo" / "1").mkdir(parents=True)
    (mirror / "echo" / "1" / "echo.json").write_bytes(spec.read_bytes())
    real = json.loads((REPO / "specs" / "catalog.json").read_text())
    entry = {"id": "echo@1", "family": "echo", "version": "1", "status": "ga", "surface": "v1", "openapi": "3.0.3",
             "released": "2024-01-01", "pinned": True, "file": "echo/1/echo.json",
             "sha256": hashlib.sha256(spec.read_bytes()).hexdigest(),
             "source": {"repo": "example/echo", "commit": "0" * 40, "path": "echo.json", "url": "https://example.invalid/echo.json"}}
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({"schema_version": 1, "surfaces": real["surfaces"], "entries": [entry]}))
    targets = tmp_path / "targets.yaml"
    url = f"http://127.0.0.1:{echo.server_address[1]}/openai/v1"  # type: ignore[attr-defined]
    targets.write_text(json.dumps({"targets": [{"name": f"t-{mode}", "url": url, "spec": str(spec),
                                                "auth": {"mode": mode, "env": f"CANARY_{i}"}}
                                               for i, mode in enumerate(FLAGS)]}))
    site = tmp_path / "site"
    env = {**os.environ, "AOAI_SPEC_CATALOG": str(catalog), "AOAI_SPEC_MIRROR": str(mirror),
           "AOAI_SPEC_STORE": str(tmp_path / "store"), **{f"CANARY_{i}": CANARIES[m] for i, m in enumerate(FLAGS)}}
    done = subprocess.run([sys.executable, "-m", "toolkit", "report", "--out", str(site), "--targets", str(targets),
                           "--max-requests", "12", "--jobs", "1"], capture_output=True, text=True, timeout=300,
                          cwd=REPO, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    files = _all_files(site)
    contract_pages = [name for name in files if name.startswith("contract")]
    assert contract_pages, sorted(files)[:20]
    assert any("[REDACTED]" in files[name] for name in contract_pages), "the echoed credentials never reached the site"
    assert_no_secret({"stdout": done.stdout, "stderr": done.stderr, **files}, [CANARIES[m] for m in FLAGS])
