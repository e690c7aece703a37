"""Shared test setup: the in-repo archive, an isolated store, no network, and a CLI runner (a real subprocess).

The tests read the real specs from the project's own archive (`specs/archive/`), never from `../shared`, and run
with the proxy variables pointing at a closed local port: anything that tries to leave the machine fails fast
instead of hanging or succeeding by accident.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ARCHIVE = REPO / "specs" / "archive"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

os.environ.pop("AOAI_SPEC_MIRROR", None)
for _proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ[_proxy] = "http://127.0.0.1:9"  # the discard port: nothing listens, connections are refused
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


@pytest.fixture(scope="session", autouse=True)
def isolated_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every test run pulls into its own store, never into the checkout's specs/store."""
    store = tmp_path_factory.mktemp("store")
    os.environ["AOAI_SPEC_STORE"] = str(store)
    return store


@pytest.fixture(scope="session")
def archive() -> Path:
    """The committed archive, laid out like a mirror (FAMILY/VERSION/<file>): usable wherever a mirror is."""
    return ARCHIVE


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300, cwd: Path | None = None,
            input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `aoai-spec ARGS...` in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, env=full_env,
                          timeout=timeout, cwd=cwd or REPO, input=input)


@pytest.fixture
def cli():
    return run_cli


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit 2, no traceback, and a single error line that mentions each needle."""
    assert result.returncode == 2, (result.returncode, result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
