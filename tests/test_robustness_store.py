"""Store integrity under interruption: a pull killed mid-download, a disk that fills up (RLIMIT_FSIZE in a child
process, and failing os.replace in-process), a write killed between the spec and its provenance record, and a
tampered store. After each, the store shows no half file, provenance matches the bytes, and the next pull
repairs it.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import REPO
from toolkit.catalog import load_catalog
from toolkit.errors import StoreError
from toolkit.store import Store

SPEC = json.dumps({"openapi": "3.0.3", "info": {"title": "store", "version": "1", "description": "x" * 200_000},
                   "paths": {}}).encode()
SHA = hashlib.sha256(SPEC).hexdigest()


class SlowServer(ThreadingHTTPServer):
    """Serves SPEC in 4 KiB chunks; `delay` seconds between chunks; counts bytes sent."""

    daemon_threads = True

    def __init__(self) -> None:
        self.delay = 0.0
        self.sent = 0
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(SPEC)))
                self.end_headers()
                try:
                    for start in range(0, len(SPEC), 4096):
                        self.wfile.write(SPEC[start:start + 4096])
                        self.wfile.flush()
                        server.sent += len(SPEC[start:start + 4096])
                        time.sleep(server.delay)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def slow_server() -> Iterator[SlowServer]:
    server = SlowServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _catalog(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"schema_version": 1, "entries": [{
        "id": "store-test@1", "family": "store-test", "version": "1", "status": "ga", "surface": "dated",
        "openapi": "3.0.3", "released": "2024-01-01", "pinned": True, "file": "store-test/1/spec.json", "sha256": SHA,
        "source": {"repo": "example/store", "commit": "0" * 40, "path": "spec.json", "url": url}}]}))
    return path


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "AOAI_SPEC_MIRROR"}  # download over HTTP, not the mirror
    return env


def _pull_argv(catalog: Path, store: Path) -> list[str]:
    return [sys.executable, "-m", "toolkit", "pull", "store-test@1", "--catalog", str(catalog), "--store", str(store),
            "--format", "json"]


def assert_consistent(store: Path) -> None:
    """No temporary file is visible, and every spec present has a provenance record matching its bytes."""
    assert not [p for p in store.rglob("*.part")], list(store.rglob("*"))
    spec = store / "store-test" / "1" / "spec.json"
    record = spec.with_name("spec.json.provenance.json")
    if record.exists():
        assert spec.exists(), "a provenance record without its spec"
        provenance = json.loads(record.read_text())
        assert provenance["sha256"] == hashlib.sha256(spec.read_bytes()).hexdigest()
    if spec.exists():
        assert spec.read_bytes() == SPEC or not record.exists() or json.loads(record.read_text())["sha256"] != SHA


def _assert_repaired(catalog: Path, store: Path) -> None:
    done = subprocess.run(_pull_argv(catalog, store), capture_output=True, text=True, env=_env(), timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    pulled = json.loads(done.stdout)["pulled"][0]
    assert pulled["reused"] is False
    spec = store / "store-test" / "1" / "spec.json"
    assert spec.read_bytes() == SPEC
    assert json.loads(spec.with_name("spec.json.provenance.json").read_text())["sha256"] == SHA
    assert_consistent(store)


def test_pull_killed_mid_download_leaves_nothing_and_next_pull_repairs(slow_server: SlowServer, tmp_path: Path) -> None:
    slow_server.delay = 0.05  # ~50 chunks: about 2.5 s for the whole file
    catalog, store = _catalog(tmp_path, f"http://127.0.0.1:{slow_server.server_address[1]}/spec.json"), tmp_path / "store"
    child = subprocess.Popen(_pull_argv(catalog, store), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=REPO)
    deadline = time.monotonic() + 30
    while slow_server.sent < len(SPEC) // 3:
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the download never started"
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert 0 < slow_server.sent < len(SPEC)
    assert not (store / "store-test" / "1" / "spec.json").exists()
    assert_consistent(store)
    slow_server.delay = 0.0
    _assert_repaired(catalog, store)


def test_pull_interrupted_by_ctrl_c_exits_130_in_one_line(slow_server: SlowServer, tmp_path: Path) -> None:
    slow_server.delay = 0.05
    catalog, store = _catalog(tmp_path, f"http://127.0.0.1:{slow_server.server_address[1]}/spec.json"), tmp_path / "store"
    child = subprocess.Popen(_pull_argv(catalog, store), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
                             cwd=REPO, text=True)
    deadline = time.monotonic() + 30
    while slow_server.sent < len(SPEC) // 4:
        assert time.monotonic() < deadline and child.poll() is None
        time.sleep(0.02)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=20)
    assert child.returncode == 130, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert_consistent(store)


def _limit_file_size() -> None:
    """In the child: files may not grow past 64 KiB (a full disk), and the signal that would kill it is ignored."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_disk_full_during_write_leaves_the_store_as_it_was(slow_server: SlowServer, tmp_path: Path) -> None:
    catalog, store = _catalog(tmp_path, f"http://127.0.0.1:{slow_server.server_address[1]}/spec.json"), tmp_path / "store"
    done = subprocess.run(_pull_argv(catalog, store), capture_output=True, text=True, env=_env(), timeout=60, cwd=REPO,
                          preexec_fn=_limit_file_size)
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot write to the store" in lines[0] and "Traceback" not in done.stderr, done.stderr
    assert not (store / "store-test" / "1" / "spec.json").exists()
    assert_consistent(store)
    _assert_repaired(catalog, store)


def test_disk_full_on_rename_keeps_the_previous_good_copy(slow_server: SlowServer, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = load_catalog(_catalog(tmp_path, f"http://127.0.0.1:{slow_server.server_address[1]}/spec.json"))
    entry = catalog.get("store-test@1")
    store = Store(tmp_path / "store")
    store.pull(entry)
    before = {p: p.read_bytes() for p in (tmp_path / "store").rglob("*") if p.is_file()}

    def no_space(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(StoreError, match="No space left on device"):
        store.pull(entry, force=True)
    monkeypatch.undo()
    after = {p: p.read_bytes() for p in (tmp_path / "store").rglob("*") if p.is_file()}
    assert after == before
    assert store.is_current(entry)
    assert_consistent(tmp_path / "store")


def test_killed_between_spec_and_provenance_is_repaired(slow_server: SlowServer, tmp_path: Path) -> None:
    """A pull killed after the new spec landed but before its record: the next pull sees the mismatch, fetches again."""
    catalog_path = _catalog(tmp_path, f"http://127.0.0.1:{slow_server.server_address[1]}/spec.json")
    store_dir = tmp_path / "store"
    entry = load_catalog(catalog_path).get("store-test@1")
    Store(store_dir).pull(entry)
    spec = store_dir / "store-test" / "1" / "spec.json"
    spec.write_bytes(SPEC[: len(SPEC) // 2])  # a torn file, as if the record were stale
    (spec.parent / ".spec.json.abc123.part").write_bytes(b"half")  # and a temp file left by a killed write
    assert not Store(store_dir).is_current(entry)
    requests = slow_server.requests
    _assert_repaired(catalog_path, store_dir)
    assert slow_server.requests == requests + 1


@pytest.mark.parametrize("damage", ["provenance-garbage", "provenance-list", "provenance-missing", "spec-missing", "provenance-other-sha"])
def test_damaged_store_entries_are_refetched(slow_server: SlowServer, tmp_path: Path, damage: str) -> None:
    catalog_path = _catalog(tmp_path, f"http://127.0.0.1:{slow_server.server_address[1]}/spec.json")
    store_dir = tmp_path / "store"
    entry = load_catalog(catalog_path).get("store-test@1")
    Store(store_dir).pull(entry)
    spec = store_dir / "store-test" / "1" / "spec.json"
    record = spec.with_name("spec.json.provenance.json")
    if damage == "provenance-garbage":
        record.write_bytes(b"\xff{not json")
    elif damage == "provenance-list":
        record.write_text("[]")
    elif damage == "provenance-missing":
        record.unlink()
    elif damage == "spec-missing":
        spec.unlink()
    else:
        record.write_text(json.dumps({**json.loads(record.read_text()), "sha256": "0" * 64}))
    assert not Store(store_dir).is_current(entry)
    _assert_repaired(catalog_path, store_dir)


def test_tampered_download_writes_nothing(tmp_path: Path) -> None:
    """A server that answers different bytes than the catalog pins: exit 2, one line, nothing in the store."""
    from hostile.servers import json_server, running

    with running(json_server(lambda h: (200, {"Content-Type": "application/json"}, SPEC.replace(b"store", b"evil")))) as server:
        catalog = _catalog(tmp_path, f"http://127.0.0.1:{server.server_address[1]}/spec.json")
        done = subprocess.run(_pull_argv(catalog, tmp_path / "store"), capture_output=True, text=True, env=_env(),
                              timeout=60, cwd=REPO)
    assert done.returncode == 2 and "sha256" in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert not (tmp_path / "store" / "store-test" / "1" / "spec.json").exists()
    assert_consistent(tmp_path / "store")
