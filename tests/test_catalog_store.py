"""The catalog (data) and the store (pull, verify, provenance), through the API and the CLI."""

from __future__ import annotations

import hashlib
import http.server
import json
import shutil
import threading
from pathlib import Path
from typing import Iterator

import pytest

from conftest import REPO, assert_one_line_error, run_cli
from toolkit.catalog import load_catalog
from toolkit.errors import CatalogError, IntegrityError, StoreError
from toolkit.store import Store

CATALOG = load_catalog(REPO / "specs" / "catalog.json")


def test_catalog_covers_every_manifest_spec_with_its_hash(archive: Path) -> None:
    manifest = json.loads((REPO / "specs" / "PROVENANCE.json").read_text())["files"]
    by_file = {e.file: e for e in CATALOG if e.file}
    for item in (m for m in manifest if m["kind"] == "spec"):
        entry = by_file[item["file"]]
        assert entry.family == item["family"]
        assert entry.version == item["version"]
        assert entry.sha256 == item["sha256"]
        assert entry.source.commit == item["source_commit"] and entry.source.path == item["source_path"]
        assert entry.source.url.endswith(f"/{item['source_commit']}/{item['source_path']}")
        assert entry.openapi == item["openapi_version"]


def test_catalog_lists_known_unpinned_upstream_versions() -> None:
    unpinned = {e.id for e in CATALOG if not e.pinned}
    for version in ("2024-07-01-preview", "2024-08-01-preview", "2024-09-01-preview", "2024-10-01-preview",
                    "2024-12-01-preview", "2025-01-01-preview", "2025-02-01-preview", "2025-04-01-preview"):
        assert f"azure-openai-inference@{version}" in unpinned
    assert {"azure-openai-v1@upstream-v1", "azure-openai-v1@upstream-preview"} <= unpinned
    assert all(e.sha256 is None and e.source.url.startswith("https://") for e in CATALOG if not e.pinned)


def test_ids_bare_versions_and_aliases() -> None:
    assert CATALOG.get("2024-10-21").id == "azure-openai-inference@2024-10-21"
    assert CATALOG.get("v1").family == "azure-openai-v1" and CATALOG.get("v1").pinned
    assert CATALOG.get("2024-10-21").api_version == "2024-10-21"
    assert CATALOG.get("v1").api_version is None
    with pytest.raises(CatalogError, match="unknown catalog id"):
        CATALOG.get("2099-01-01")


def test_v1_surface_facts() -> None:
    assert CATALOG.preview_header("/evals").name == "aoai-evals"
    assert CATALOG.preview_header("/openai/v1/evals/{eval_id}/runs").value == "preview"
    alpha = CATALOG.v1_feature("/fine_tuning/alpha/graders/run")
    assert (alpha.status, alpha.opt_in, alpha.header) == ("preview", "path", None)
    assert CATALOG.v1_feature("/chat/completions").status == "ga"
    assert "https://{resource}.services.ai.azure.com/openai/v1/" in CATALOG.v1_base_urls
    assert "https://{resource}.openai.azure.com/openai/v1/" in CATALOG.v1_base_urls


def test_history_is_in_release_order_without_format_twins() -> None:
    rows = CATALOG.history("openai")
    assert [r.released for r in rows] == sorted(r.released for r in rows)
    assert not any(r.variant_of for r in rows) and len(rows) == 11


# ------------------------------------------------------------------------------------------- pulling


def test_archived_entry_is_served_from_the_archive_after_its_hash_is_checked(archive: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "store", archive=archive)
    entry = CATALOG.get("2024-10-21")
    pulled = store.pull(entry)
    assert (pulled.origin, pulled.reused, pulled.path) == ("archive", True, (archive / entry.file).resolve())
    assert not (tmp_path / "store").exists()  # nothing copied


def test_a_damaged_archive_copy_is_an_integrity_error(archive: Path, tmp_path: Path) -> None:
    entry = CATALOG.get("azure-openai-typespec@2024-10-21")
    damaged = _tampered_mirror(archive, tmp_path, entry.file)
    with pytest.raises(IntegrityError, match="damaged checkout"):
        Store(tmp_path / "store", archive=damaged).pull(entry)


def test_pull_from_mirror_verifies_and_records_provenance(archive: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "store", mirror=archive)  # no archive: the store's own path
    entry = CATALOG.get("2024-10-21")
    pulled = store.pull(entry)
    assert not pulled.reused and hashlib.sha256(pulled.path.read_bytes()).hexdigest() == entry.sha256
    record = json.loads(store.provenance_path(entry).read_text())
    assert record["sha256"] == entry.sha256 and record["origin"].startswith("mirror:")
    assert record["source"]["commit"] == entry.source.commit
    assert len(list((pulled.path.parent / "examples").iterdir())) == len(entry.attachments) > 0
    assert store.pull(entry).reused


def _tampered_mirror(archive: Path, tmp_path: Path, rel: str) -> Path:
    copy = tmp_path / "mirror"
    (copy / rel).parent.mkdir(parents=True)
    shutil.copy(archive / rel, copy / rel)
    with (copy / rel).open("ab") as handle:
        handle.write(b" ")
    return copy


def test_tampered_file_is_refused_and_nothing_is_written(archive: Path, tmp_path: Path) -> None:
    entry = CATALOG.get("azure-openai-typespec@2024-10-21")
    store = Store(tmp_path / "store", mirror=_tampered_mirror(archive, tmp_path, entry.file))
    with pytest.raises(IntegrityError, match="sha256"):
        store.pull(entry)
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").rglob("*.*"))


def test_cli_tampered_pull_exits_2_and_keeps_the_good_copy(archive: Path, tmp_path: Path) -> None:
    entry = CATALOG.get("azure-openai-typespec@2024-10-21")
    store = tmp_path / "store"
    served = run_cli("pull", entry.id, "--store", str(store), "--format", "json")
    assert json.loads(served.stdout)["pulled"][0]["origin"] == "archive" and not store.exists()
    assert run_cli("pull", entry.id, "--force", "--mirror", str(archive), "--store", str(store)).returncode == 0
    before = (store / entry.family / entry.version / entry.filename).read_bytes()
    bad = _tampered_mirror(archive, tmp_path, entry.file)
    result = run_cli("pull", entry.id, "--force", "--mirror", str(bad), "--store", str(store))
    assert_one_line_error(result, entry.id, "sha256")
    assert (store / entry.family / entry.version / entry.filename).read_bytes() == before


def test_cli_missing_mirror_file_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli("pull", "2024-10-21", "--force", "--mirror", str(tmp_path / "empty"), "--store", str(tmp_path / "s"))
    assert_one_line_error(result, "missing from the mirror")


def test_unpinned_entries_are_refused_without_trust(tmp_path: Path) -> None:
    result = run_cli("pull", "2025-02-01-preview", "--store", str(tmp_path / "s"))
    assert_one_line_error(result, "azure-openai-inference@2025-02-01-preview is not archived", "unpinned",
                          "--trust-unpinned", "catalog update", "archived versions nearby: 2025-04-01-preview")


class _FileServer:
    """Serves one folder on 127.0.0.1, counting requests; can fail the first N requests with 503."""

    def __init__(self, root: Path, fail_first: int = 0) -> None:
        self.requests = 0
        outer = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args: object, **kwargs: object) -> None:
                super().__init__(*args, directory=str(root), **kwargs)

            def do_GET(self) -> None:  # noqa: N802
                outer.requests += 1
                if outer.requests <= fail_first:
                    self.send_error(503)
                    return
                super().do_GET()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


def _local_catalog(tmp_path: Path, archive: Path, base_url: str) -> Path:
    """The project catalog with one entry's URLs pointed at a local server."""
    raw = json.loads((REPO / "specs" / "catalog.json").read_text())
    entry = next(e for e in raw["entries"] if e["id"] == "azure-openai-typespec@2024-08-01-preview")
    entry["source"]["url"] = f"{base_url}/{entry['file']}"
    raw["entries"] = [entry]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(raw))
    return path


@pytest.fixture
def file_server(archive: Path) -> Iterator[_FileServer]:
    server = _FileServer(archive, fail_first=1)
    yield server
    server.close()


def test_pull_over_http_retries_and_verifies(archive: Path, tmp_path: Path, file_server: _FileServer) -> None:
    catalog = _local_catalog(tmp_path, archive, file_server.url)
    result = run_cli("pull", "azure-openai-typespec@2024-08-01-preview", "--force", "--catalog", str(catalog),
                     "--store", str(tmp_path / "s"), "--format", "json", env={"AOAI_SPEC_MIRROR": ""})
    assert result.returncode == 0, result.stderr
    pulled = json.loads(result.stdout)["pulled"][0]
    assert pulled["origin"].startswith(file_server.url) and file_server.requests == 2  # one 503, one success


def test_network_error_exits_2_and_leaves_store_as_it_was(tmp_path: Path) -> None:
    raw = json.loads((REPO / "specs" / "catalog.json").read_text())
    entry = next(e for e in raw["entries"] if e["id"] == "azure-openai-typespec@2024-08-01-preview")
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    entry["source"]["url"] = f"http://127.0.0.1:{port}/spec.yaml"
    raw["entries"] = [entry]
    (tmp_path / "catalog.json").write_text(json.dumps(raw))
    result = run_cli("pull", entry["id"], "--force", "--catalog", str(tmp_path / "catalog.json"), "--store",
                     str(tmp_path / "s"), env={"AOAI_SPEC_MIRROR": ""})
    assert_one_line_error(result, "could not download")
    assert not (tmp_path / "s").exists()


def test_cli_catalog_json_and_table() -> None:
    result = run_cli("catalog", "--format", "json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert len(data["entries"]) == len(CATALOG) and "v1" in data["surfaces"]
    table = run_cli("catalog", "--family", "azure-openai-v1")
    assert "azure-openai-v1@v1_ai-gateway-vendored-2026-02-02" in table.stdout and "openai@" not in table.stdout


def test_cli_pull_needs_ids_or_all() -> None:
    result = run_cli("pull")
    assert result.returncode == 2 and "--all" in result.stderr and "Traceback" not in result.stderr


def test_store_write_failure_is_a_store_error(archive: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "store"
    blocked.write_text("a file where the store folder should be")
    with pytest.raises(StoreError, match="cannot write"):
        Store(blocked, mirror=archive).pull(CATALOG.get("2024-10-21"))
