"""Shared test setup: the real-spec mirror, an isolated store, and a CLI runner (a real subprocess)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MIRROR = (REPO.parent / "shared" / "upstream-specs").resolve()
FIXTURES = Path(__file__).resolve().parent / "fixtures"

if MIRROR.is_dir():
    os.environ.setdefault("AOAI_SPEC_MIRROR", str(MIRROR))

HAS_MIRROR = "AOAI_SPEC_MIRROR" in os.environ and Path(os.environ["AOAI_SPEC_MIRROR"]).is_dir()
needs_mirror = pytest.mark.skipif(not HAS_MIRROR, reason="needs ../shared/upstream-specs (AOAI_SPEC_MIRROR)")


@pytest.fixture(scope="session", autouse=True)
def isolated_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every test run pulls into its own store, never into the checkout's specs/store."""
    store = tmp_path_factory.mktemp("store")
    os.environ["AOAI_SPEC_STORE"] = str(store)
    return store


@pytest.fixture(scope="session")
def mirror() -> Path:
    if not HAS_MIRROR:
        pytest.skip("needs ../shared/upstream-specs (AOAI_SPEC_MIRROR)")
    return Path(os.environ["AOAI_SPEC_MIRROR"])


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
