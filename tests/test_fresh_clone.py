"""A fresh clone builds the whole site offline: no `../shared` beside it, no AOAI_SPEC_MIRROR, the proxies
pointing at a closed port, every pinned version read from the committed archive.

It clones the committed HEAD of the checkout the tests run in (uncommitted changes are not in it), installs it
into a new virtual environment with `pip install -e .`, and runs the README's first command as written (plus
`--format json` to read its summary): every stage, the contract run against the built-in mock included. One
deviation keeps it offline, on purpose: the dependencies come from the running interpreter (a `.pth` line) and the install uses
`--no-build-isolation --no-index --no-deps` (hatchling and editables are in the test extra): no package index is
reached.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import REPO


def _run(args: list[str], *, cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_fresh_clone_builds_every_pinned_version_offline(tmp_path: Path) -> None:
    home = tmp_path / "fresh"  # nothing else in here: no ../shared beside the clone
    clone = home / "aoai-spec"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("AOAI_SPEC_") and key.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env[proxy] = "http://127.0.0.1:9"
    env.update({"NO_PROXY": "", "no_proxy": "", "PIP_NO_INDEX": "1", "HOME": str(home)})

    cloned = _run(["git", "clone", "--quiet", str(REPO), str(clone)], cwd=tmp_path, env=env, timeout=120)
    assert cloned.returncode == 0, cloned.stderr
    assert not (home / "shared").exists() and sorted(p.name for p in home.iterdir()) == ["aoai-spec"]

    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path, env=env, timeout=120)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp_path,
                env=env, timeout=60).stdout.strip()
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (Path(site) / "_running_interpreter_deps.pth").write_text("\n".join(paths) + "\n")
    installed = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-index",
                      "--no-deps", "--no-build-isolation", "-e", "."], cwd=clone, env=env, timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    where = _run([str(python), "-c", "import toolkit; print(toolkit.__file__)"], cwd=tmp_path, env=env, timeout=60)
    assert Path(where.stdout.strip()).is_relative_to(clone), where  # the clone's code, not the checkout's

    built = _run([str(venv / "bin" / "aoai-spec"), "report", "--out", "site", "--format", "json"],
                 cwd=clone, env=env, timeout=850)
    assert built.returncode == 0, built.stderr[-3000:]
    summary = json.loads(built.stdout)["summary"]
    pinned = [e for e in json.loads((clone / "specs" / "catalog.json").read_text())["entries"] if e["pinned"]]
    assert summary["pinned"] == summary["built"] == len(pinned) > 30
    assert summary["pairs_failed"] == 0
    assert summary["contract"]["status"] == "passed" and summary["contract"]["requests"] > 100  # the mock, spent
    assert (clone / "site" / "index.html").is_file()
    assert not (clone / "specs" / "store").exists() or not any((clone / "specs" / "store").rglob("*.provenance.json"))
