"""The report's result cache cannot go stale: its key moves with the toolkit's version, its code and the version
of every library a stage calls; and it is pruned of entries no recent build used."""

from __future__ import annotations

import json
import os
import time
from importlib import metadata
from pathlib import Path

import pytest

from conftest import run_cli
from toolkit.report import cache
from toolkit.report.cache import ResultCache


@pytest.fixture(autouse=True)
def fresh_fingerprints():
    """Fingerprints are computed once per process; each test computes them again from what it patched."""
    cache.library_versions.cache_clear()
    cache.code_fingerprint.cache_clear()
    yield
    cache.library_versions.cache_clear()
    cache.code_fingerprint.cache_clear()


def _patched_versions(monkeypatch: pytest.MonkeyPatch, name: str, version: str) -> None:
    real = metadata.distribution

    class Renamed:
        def __init__(self, dist):
            self._dist = dist
            self.version = version
            self.requires = dist.requires
            self.metadata = dist.metadata

    def distribution(wanted: str):
        dist = real(wanted)
        return Renamed(dist) if cache._normalise(wanted) == name else dist

    monkeypatch.setattr(cache.metadata, "distribution", distribution)
    cache.library_versions.cache_clear()


def test_the_key_covers_the_libraries_a_stage_calls_directly_and_indirectly() -> None:
    names = dict(cache.library_versions())
    for library in ("aoai-spec", "openapi-spec-validator", "openapi-schema-validator", "openapi-core", "jsonschema",
                    "jsonschema-rs", "referencing", "schemathesis", "hypothesis", "pyyaml", "starlette"):
        assert library in names, library  # jsonschema-rs and hypothesis only come in through other libraries
    assert names["openapi-spec-validator"] == metadata.version("openapi-spec-validator")


@pytest.mark.parametrize("library", ["openapi-spec-validator", "jsonschema-rs", "schemathesis", "aoai-spec"])
def test_a_new_library_or_toolkit_version_misses_the_cached_entry(tmp_path: Path, monkeypatch, library: str) -> None:
    store = ResultCache(tmp_path)
    key = store.key("version", "openai@x", "sha", True)
    store.put("version", key, {"validation": "computed with the old library"})
    assert store.get("version", store.key("version", "openai@x", "sha", True)) is not None  # same inputs: a hit

    _patched_versions(monkeypatch, library, "999.0")
    assert dict(cache.library_versions())[library] == "999.0"
    moved = store.key("version", "openai@x", "sha", True)
    assert moved != key and store.get("version", moved) is None


def test_a_code_change_misses_only_the_stages_whose_code_changed(tmp_path: Path, monkeypatch) -> None:
    store = ResultCache(tmp_path)
    before = {stage: store.key(stage, "a", "b") for stage in ("version", "pair", "contract")}
    package = tmp_path / "toolkit"
    for module in ("model.py", "diff/engine.py", "apim/rules.py", "downgrade/engine.py", "contract/runner.py",
                   "mock/app.py", "report/jobs.py"):
        (package / module).parent.mkdir(parents=True, exist_ok=True)
        (package / module).write_text(f"# {module}\n")
    monkeypatch.setattr(cache, "_PACKAGE", package)
    cache.code_fingerprint.cache_clear()
    base = {stage: store.key(stage, "a", "b") for stage in before}
    assert all(base[stage] != before[stage] for stage in before)  # another code base altogether

    (package / "diff" / "engine.py").write_text("# a new diff rule\n")
    cache.code_fingerprint.cache_clear()
    after = {stage: store.key(stage, "a", "b") for stage in before}
    assert after["pair"] != base["pair"]
    assert after["version"] == base["version"] and after["contract"] == base["contract"]

    (package / "model.py").write_text("# the model every stage reads\n")
    cache.code_fingerprint.cache_clear()
    assert all(store.key(stage, "a", "b") != after[stage] for stage in before)


def _entry(directory: Path, stage: str, name: str, used: float) -> Path:
    path = directory / stage / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")
    os.utime(path, (used, used))
    return path


def test_entries_no_recent_build_used_are_pruned(tmp_path: Path) -> None:
    now = time.time()
    starts = [now - 600 + 100 * i for i in range(cache.KEEP_BUILDS)]  # five builds, 100 s apart
    (tmp_path / cache.LEDGER).write_text(json.dumps({"builds": starts}))
    old = _entry(tmp_path, "pair", "old", starts[0] - 50)       # last used before the oldest kept build
    kept = _entry(tmp_path, "pair", "kept", starts[0] + 10)     # used by the oldest kept build
    recent = _entry(tmp_path, "version", "recent", now)
    pruned = cache.prune(tmp_path)
    assert (pruned.removed, pruned.kept) == (1, 2)
    assert not old.exists() and kept.exists() and recent.exists()
    # --prune-cache: only what the latest build used survives
    assert cache.prune(tmp_path, keep_builds=1).removed == 1 and recent.exists() and not kept.exists()


def test_a_cache_hit_marks_the_entry_used_and_the_ledger_keeps_the_last_builds(tmp_path: Path) -> None:
    store = ResultCache(tmp_path)
    store.put("pair", "k", {"x": 1})
    entry = tmp_path / "pair" / "k.json"
    os.utime(entry, (1, 1))
    for _ in range(cache.KEEP_BUILDS + 2):
        cache.start_build(tmp_path)
    assert len(json.loads((tmp_path / cache.LEDGER).read_text())["builds"]) == cache.KEEP_BUILDS
    assert store.get("pair", "k") == {"x": 1}
    assert entry.stat().st_mtime > 1
    assert cache.prune(tmp_path, keep_builds=1).removed == 0


def test_fewer_builds_than_kept_prune_nothing_but_no_ledger_prunes_everything(tmp_path: Path) -> None:
    _entry(tmp_path, "pair", "a", 1)
    cache.start_build(tmp_path)
    assert cache.prune(tmp_path).removed == 0
    (tmp_path / cache.LEDGER).unlink()
    assert cache.prune(tmp_path).removed == 1


def test_report_prune_cache_cli_without_a_build(tmp_path: Path) -> None:
    store = tmp_path / "store"
    cache.start_build(store / ".report-cache")
    unused = _entry(store / ".report-cache", "version", "unused", 1)
    result = run_cli("report", "--prune-cache", "--format", "json", env={"AOAI_SPEC_STORE": str(store)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["cache_pruned"]["removed"] == 1 and not unused.exists()
    usage = run_cli("report", env={"AOAI_SPEC_STORE": str(store)})
    assert usage.returncode == 2 and "--out" in usage.stderr
