"""`aoai-spec catalog update` against a fake GitHub on 127.0.0.1: new versions archived and pinned, idempotence,
and every kind of bad answer leaving the catalog, PROVENANCE.json and the archive byte for byte as they were.

The catalog under test is small (a few entries of the real families) but carries the real catalog's `watch`
list, so the watched paths, branches and families are the project's own.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Iterator

import pytest
from starlette.requests import Request
from starlette.responses import Response

from conftest import FIXTURES, REPO, assert_one_line_error, run_cli
from fake_github import FakeGitHub, garbage_json, json_body, serve, truncated

UP = FIXTURES / "upstream"
AZ = "Azure/azure-rest-api-specs"
OA = "openai/openai-openapi"
INFERENCE = "specification/cognitiveservices/data-plane/AzureOpenAI/inference"
V1_GA = "specification/ai/data-plane/OpenAI.v1/azure-v1-v1-generated.json"
V1_PREVIEW = "specification/ai/data-plane/OpenAI.v1/azure-v1-preview-generated.json"
OPENAI_PINNED = "f85dbe223d40e1a31cba812ab2d755c7e98a92a3"
REAL = json.loads((REPO / "specs" / "catalog.json").read_text())


def _with_version(name: str, version: str) -> bytes:
    """A fixture spec whose info.version (so its bytes) is changed: a new upstream revision."""
    text = (UP / name).read_text()
    for old in ('"version": "v1"', '"version": "2.3.0"', "version: 2.3.0"):
        text = text.replace(old, old.replace(old.split(": ")[1].strip('"'), version))
    return text.encode()


def upstream() -> FakeGitHub:
    """Azure and OpenAI histories: an old pinned preview, a new preview with examples (one missing), an old stable
    version (older than what is pinned: ignored), two v1 files, and OpenAI's json/yaml pair with one new commit."""
    fake = FakeGitHub()
    azure = fake.repo(AZ)
    azure.commit("2025-01-05T10:00:00Z", {
        f"{INFERENCE}/preview/2025-01-01-preview/inference.json": (UP / "inference-2025-01-01-preview.json").read_bytes(),
        f"{INFERENCE}/stable/2024-10-21/inference.json": (UP / "inference-2025-01-01-preview.json").read_bytes(),
        V1_GA: (UP / "azure-v1.json").read_bytes(),
        V1_PREVIEW: _with_version("azure-v1.json", "preview"),
    })
    azure.commit("2025-04-10T09:30:00Z", {
        f"{INFERENCE}/preview/2025-04-01-preview/inference.json": (UP / "inference-2025-04-01-preview.json").read_bytes(),
        f"{INFERENCE}/preview/2025-04-01-preview/examples/chat_completions.json":
            (UP / "examples" / "chat_completions.json").read_bytes(),
        f"{INFERENCE}/preview/2025-04-01-preview/readme.md": b"# not a version folder, a file: ignored\n",
    })
    azure.commit("2026-09-15T08:00:00Z", {V1_GA: _with_version("azure-v1.json", "v1-2026-09")})
    openai = fake.repo(OA)
    openai.commit("2026-08-21T17:00:00Z", {"openapi.json": (UP / "openapi.json").read_bytes(),
                                          "openapi.yaml": (UP / "openapi.yaml").read_bytes()}, sha=OPENAI_PINNED)
    openai.commit("2026-09-20T12:00:00Z", {"openapi.json": _with_version("openapi.json", "2.4.0"),
                                          "openapi.yaml": _with_version("openapi.yaml", "2.4.0")})
    return fake


def _pinned(family: str, version: str, ident: str, repo: str, commit: str, path: str, data: bytes, archive: Path,
            **extra: object) -> tuple[dict, dict]:
    rel = f"{family}/{version}/{path.rsplit('/', 1)[-1]}"
    (archive / rel).parent.mkdir(parents=True, exist_ok=True)
    (archive / rel).write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    entry = {"id": ident, "family": family, "version": version, "status": extra.pop("status", "ga"),
             "surface": extra.pop("surface", "v1"), "openapi": extra.pop("openapi", "3.1.0"),
             "released": extra.pop("released"), "pinned": True, "fidelity": "exact", "file": rel, "sha256": sha,
             "bytes": len(data), "source": {"repo": repo, "commit": commit, "path": path,
                                            "url": f"https://raw.githubusercontent.com/{repo}/{commit}/{path}"}, **extra}
    row = {"family": family, "version": version, "file": rel, "kind": "spec", "source_repo": repo,
           "source_path": path, "source_commit": commit, "sha256": sha, "bytes": len(data)}
    return entry, row


def make_specs(root: Path, fake: FakeGitHub) -> Path:
    """`root/specs/`: catalog.json (the real watch list, a few entries), PROVENANCE.json and archive/."""
    specs = root / "specs"
    archive = specs / "archive"
    azure = fake.repos[AZ].history[0].sha
    pinned = [
        _pinned("azure-openai-inference", "2025-01-01-preview", "azure-openai-inference@2025-01-01-preview", AZ, azure,
                f"{INFERENCE}/preview/2025-01-01-preview/inference.json",
                (UP / "inference-2025-01-01-preview.json").read_bytes(), archive, status="preview", surface="dated",
                openapi="3.0.0", released="2025-01-01"),
        _pinned("openai", "2026-08-21_f85dbe223d", "openai@2026-08-21_f85dbe223d", OA, OPENAI_PINNED, "openapi.json",
                (UP / "openapi.json").read_bytes(), archive, released="2026-08-21"),
        _pinned("openai", "2026-08-21_f85dbe223d", "openai@2026-08-21_f85dbe223d+yaml", OA, OPENAI_PINNED,
                "openapi.yaml", (UP / "openapi.yaml").read_bytes(), archive, released="2026-08-21",
                variant_of="openai@2026-08-21_f85dbe223d"),
    ]
    unpinned = [e for e in REAL["entries"] if e["id"] in (
        "azure-openai-inference@2025-04-01-preview", "azure-openai-v1@upstream-v1", "azure-openai-v1@upstream-preview")]
    entries = sorted([e for e, _ in pinned] + unpinned, key=lambda e: (e["family"], e["version"], e["id"]))
    catalog = {key: REAL[key] for key in ("schema_version", "description", "bare_version_families", "surfaces", "watch")}
    (specs / "catalog.json").write_text(json.dumps({**catalog, "entries": entries}, indent=2) + "\n")
    rows = sorted((r for _, r in pinned), key=lambda r: r["file"])
    (specs / "PROVENANCE.json").write_text(json.dumps({"description": "test", "files": rows}, indent=2) + "\n")
    return specs


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def update(specs: Path, base: str, *args: str, env: dict[str, str] | None = None):
    return run_cli("catalog", "update", "--catalog", str(specs / "catalog.json"), "--archive", str(specs / "archive"),
                   "--github-api", f"{base}/api", "--raw-url", f"{base}/raw", "--max-wait", "2", *args, env=env,
                   timeout=120)


@pytest.fixture
def fake() -> Iterator[tuple[FakeGitHub, str]]:
    github = upstream()
    with serve(github) as base:
        yield github, base


# ------------------------------------------------------------------------------------------------ finding and archiving


def test_new_preview_v1_and_openai_commits_are_archived_pinned_and_described(fake, tmp_path: Path) -> None:
    github, base = fake
    specs = make_specs(tmp_path, github)
    (specs / "catalog.json").chmod(0o664)
    result = update(specs, base, "--format", "json")
    assert result.returncode == 1, result.stderr
    out = json.loads(result.stdout)
    assert (specs / "catalog.json").stat().st_mode & 0o777 == 0o664  # rewritten, its mode kept
    azure_v1 = github.repos[AZ].history[2].sha
    azure_first = github.repos[AZ].history[0].sha
    openai_new = github.repos[OA].history[1].sha
    expected = {
        "azure-openai-inference@2025-04-01-preview",
        f"azure-openai-v1@2025-01-05_{azure_first[:10]}-preview",
        f"azure-openai-v1@2026-09-15_{azure_v1[:10]}",
        f"openai@2026-09-20_{openai_new[:10]}",
        f"openai@2026-09-20_{openai_new[:10]}+yaml",
    }
    assert {a["id"] for a in out["added"]} == expected

    catalog = json.loads((specs / "catalog.json").read_text())
    by_id = {e["id"]: e for e in catalog["entries"]}
    # the dated preview keeps its id and becomes pinned; the v1 placeholders are replaced by commit ids
    preview = by_id["azure-openai-inference@2025-04-01-preview"]
    assert preview["pinned"] is True and preview["status"] == "preview" and preview["released"] == "2025-04-01"
    assert preview["source"]["commit"] == github.repos[AZ].history[1].sha and preview["fidelity"] == "exact"
    assert preview["source"]["path"] == f"{INFERENCE}/preview/2025-04-01-preview/inference.json"
    assert [a["file"] for a in preview["attachments"]] == [
        "azure-openai-inference/2025-04-01-preview/examples/chat_completions.json"]
    assert "azure-openai-v1@upstream-v1" not in by_id and "azure-openai-v1@upstream-preview" not in by_id
    ga = by_id[f"azure-openai-v1@2026-09-15_{azure_v1[:10]}"]
    assert (ga["status"], ga["surface"], ga["released"], ga["replaces"]) == ("ga", "v1", "2026-09-15",
                                                                           ["azure-openai-v1@upstream-v1"])
    assert by_id[f"azure-openai-v1@2025-01-05_{azure_first[:10]}-preview"]["status"] == "preview"
    twin = by_id[f"openai@2026-09-20_{openai_new[:10]}+yaml"]
    assert twin["variant_of"] == f"openai@2026-09-20_{openai_new[:10]}" and twin["file"].endswith("/openapi.yaml")
    assert [e["id"] for e in catalog["entries"]] == [
        e["id"] for e in sorted(catalog["entries"], key=lambda e: (e["family"], e["version"], e["id"]))]

    # every archived byte is the upstream file, pinned by sha256, with a provenance row
    provenance = {r["file"]: r for r in json.loads((specs / "PROVENANCE.json").read_text())["files"]}
    for entry in (e for e in catalog["entries"] if e["pinned"]):
        data = (specs / "archive" / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] == provenance[entry["file"]]["sha256"]
    example = provenance["azure-openai-inference/2025-04-01-preview/examples/chat_completions.json"]
    assert (example["kind"], example["source_commit"]) == ("example", github.repos[AZ].history[1].sha)
    assert example["license"]["text"] == "licenses/Azure--azure-rest-api-specs.txt"
    assert not (specs / ".catalog-update").exists()

    # the changelog: each new primary version against its predecessor in its family
    sections = {(s["from"], s["to"]): s for s in out["changelog"]}
    chat = sections[("azure-openai-inference@2025-01-01-preview", "azure-openai-inference@2025-04-01-preview")]
    assert chat["counts"]["info"] >= 1 and any(c["operation"].endswith("/embeddings") for c in chat["changes"])
    assert any("temperature" in c["element"] for c in chat["changes"])
    assert ("openai@2026-08-21_f85dbe223d", f"openai@2026-09-20_{openai_new[:10]}") in sections
    assert out["first_in_family"] == [f"azure-openai-v1@2025-01-05_{azure_first[:10]}-preview"]
    # the example upstream lacks is a warning on stderr, not an error
    assert "not_published.json" in result.stderr and "warning:" in result.stderr

    # the new versions are usable by every command through the test archive
    env = {"AOAI_SPEC_CATALOG": str(specs / "catalog.json"), "AOAI_SPEC_ARCHIVE": str(specs / "archive")}
    checked = run_cli("validate", "2025-04-01-preview", "--format", "json", env=env)
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["spec"] == "azure-openai-inference@2025-04-01-preview"
    assert run_cli("validate", "azure-openai-v1@upstream-v1", env=env).returncode == 0  # the replaced id resolves


def test_text_output_lists_additions_and_changelog_sections(fake, tmp_path: Path) -> None:
    github, base = fake
    specs = make_specs(tmp_path, github)
    result = update(specs, base, "--family", "azure-openai-inference")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("added azure-openai-inference@2025-04-01-preview  (preview, dated, OpenAPI 3.0.0")
    assert any(line.startswith("  pins     the unpinned entry azure-openai-inference@2025-04-01-preview") for line in lines)
    header = next(line for line in lines if line.startswith("== "))
    assert header.startswith("== azure-openai-inference@2025-01-01-preview -> azure-openai-inference@2025-04-01-preview: ")
    assert "error" in header and "POST /deployments/{deployment-id}/embeddings" in result.stdout
    assert lines[-1].startswith("1 new version archived into ")
    # --family narrowed the run: the v1 placeholders are untouched
    assert "azure-openai-v1@upstream-v1" in (specs / "catalog.json").read_text()


def test_second_run_changes_nothing_and_exits_0(fake, tmp_path: Path) -> None:
    github, base = fake
    specs = make_specs(tmp_path, github)
    assert update(specs, base).returncode == 1
    after_first = snapshot(specs)
    second = update(specs, base)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "Up to date: no new upstream version in 5 watched sources."
    assert snapshot(specs) == after_first


def test_later_commits_after_the_pinned_one_are_all_archived_oldest_first(fake, tmp_path: Path) -> None:
    github, base = fake
    specs = make_specs(tmp_path, github)
    third = github.repos[OA].commit("2026-10-01T00:00:00Z", {"openapi.yaml": _with_version("openapi.yaml", "2.5.0")})
    result = update(specs, base, "--family", "openai", "--format", "json")
    assert result.returncode == 1, result.stderr
    second = github.repos[OA].history[1].sha
    assert [a["id"] for a in json.loads(result.stdout)["added"]] == [
        f"openai@2026-09-20_{second[:10]}", f"openai@2026-09-20_{second[:10]}+yaml", f"openai@2026-10-01_{third[:10]}"]
    # a yaml-only commit has no json twin: its yaml file is the primary, and it follows the json one in the changelog
    sections = [(s["from"], s["to"]) for s in json.loads(result.stdout)["changelog"]]
    assert sections == [("openai@2026-08-21_f85dbe223d", f"openai@2026-09-20_{second[:10]}"),
                        (f"openai@2026-09-20_{second[:10]}", f"openai@2026-10-01_{third[:10]}")]


def test_dry_run_reports_but_writes_nothing(fake, tmp_path: Path) -> None:
    github, base = fake
    specs = make_specs(tmp_path, github)
    before = snapshot(specs)
    result = update(specs, base, "--dry-run", "--family", "openai")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0].startswith("would add openai@2026-09-20_")
    assert "Dry run: 2 new versions found; nothing was written." in result.stdout
    assert snapshot(specs) == before


# ------------------------------------------------------------------------------------------------ failures change nothing


def _answer(kind: str) -> object:
    """A fault for the request it matches: (predicate on the URL, the answer)."""
    new_preview = "2025-04-01-preview/inference.json"
    return {
        "500": (lambda u: True, lambda: Response("boom", status_code=500)),
        "garbage-json": (lambda u: "/commits" in u, garbage_json),
        "wrong-shape": (lambda u: "/commits" in u, lambda: json_body({"sha": "not a list"})),
        "malformed-sha": (lambda u: "/commits" in u,
                          lambda: json_body([{"sha": "../../etc", "commit": {"committer": {"date": "2025-04-10T09:30:00Z"}}}])),
        "wrong-content": (lambda u: "/raw/" in u and new_preview in u,
                          lambda: Response(b'{"openapi": "3.0.0", "tampered": true}', media_type="text/plain")),
        "truncated": (lambda u: "/raw/" in u and new_preview in u,
                      lambda: truncated((UP / "inference-2025-04-01-preview.json").read_bytes())),
        "rate-limit-429": (lambda u: "/api/" in u, lambda: json_body({"message": "API rate limit exceeded"}, 429,
                                                                     {"retry-after": "3600"})),
        "rate-limit-403": (lambda u: "/api/" in u, lambda: json_body(
            {"message": "API rate limit exceeded for 127.0.0.1."}, 403,
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4102444800", "x-ratelimit-limit": "60"})),
        "forbidden": (lambda u: "/api/" in u, lambda: json_body({"message": "Resource not accessible"}, 403)),
        "oversized": (lambda u: "/raw/" in u and new_preview in u,
                      lambda: Response(b"", headers={"content-length": str(200 * 1024 * 1024)})),
    }[kind]


@pytest.mark.parametrize("kind, needle", [
    ("500", "HTTP 500"), ("garbage-json", "malformed JSON"), ("wrong-shape", "expected a list of commits"),
    ("malformed-sha", "not 40 hex digits"), ("wrong-content", "git blob sha"), ("truncated", "truncated"),
    ("rate-limit-429", "rate limit"), ("rate-limit-403", "resets at 2100-01-01"), ("forbidden", "HTTP 403"),
    ("oversized", "over the"),
])
def test_bad_answers_exit_2_and_leave_everything_unchanged(fake, tmp_path: Path, kind: str, needle: str) -> None:
    github, base = fake
    specs = make_specs(tmp_path, github)
    before = snapshot(specs)
    matches, answer = _answer(kind)
    github.fault = lambda request: answer() if matches(str(request.url)) else None
    result = update(specs, base, "--family", "azure-openai-inference")
    assert_one_line_error(result, needle)
    assert snapshot(specs) == before


HOSTILE = ["../x", "a/b", "x\x00y", "/etc", "..", "2025-05-01-preview/../../../../tmp", "2025-13-01\\x", "evil"]


@pytest.mark.parametrize("name", HOSTILE, ids=["dotdot", "slash", "nul", "absolute", "parent", "traversal",
                                               "backslash", "not-a-version"])
def test_hostile_folder_names_are_refused_before_anything_is_written(fake, tmp_path: Path, name: str) -> None:
    github, base = fake
    specs = make_specs(tmp_path, github)
    before = snapshot(specs)
    folder = f"{INFERENCE}/preview"
    listing = [{"type": "dir", "name": name, "path": f"{folder}/{name}", "sha": "0" * 40, "size": 0,
                "url": "x", "git_url": "x", "html_url": "x", "download_url": None, "_links": {}}]
    github.fault = lambda r: json_body(listing) if r.url.path.endswith(f"/contents/{folder}") else None
    result = update(specs, base, "--family", "azure-openai-inference")
    assert_one_line_error(result, "refused")
    assert "\x00" not in result.stderr
    assert snapshot(specs) == before
    assert not list(tmp_path.glob("**/tmp")) and not (tmp_path / "x").exists()


@pytest.mark.parametrize("old, new, needles", [
    ("./examples/chat_completions.json", "../../../../../../etc/passwd", ["leaves the spec's folder"]),
    ('"#/components/schemas/createChatCompletionResponse"', '"./schemas/response.json"',
     ["does not load", "dangling external $ref", "upstream lacks", "schemas/response.json"]),
], ids=["ref-leaving-the-folder", "schema-file-missing-upstream"])
def test_a_new_version_whose_refs_cannot_be_archived_is_an_error(fake, tmp_path: Path, old: str, new: str,
                                                                  needles: list[str]) -> None:
    github, base = fake
    specs = make_specs(tmp_path, github)
    before = snapshot(specs)
    text = (UP / "inference-2025-04-01-preview.json").read_text().replace(old, new)
    github.repos[AZ].commit("2025-05-02T00:00:00Z", {f"{INFERENCE}/preview/2025-05-01-preview/inference.json":
                                                     text.encode()})
    result = update(specs, base, "--family", "azure-openai-inference")
    assert_one_line_error(result, *needles)
    assert snapshot(specs) == before


def test_a_short_rate_limit_is_waited_out(fake, tmp_path: Path) -> None:
    github, base = fake
    specs = make_specs(tmp_path, github)
    answered: list[str] = []

    def once(request: Request) -> Response | None:
        if "/contents/" in request.url.path and not answered:
            answered.append(str(request.url))
            return json_body({"message": "secondary rate limit"}, 429, {"retry-after": "1"})
        return None

    github.fault = once
    result = update(specs, base, "--family", "azure-openai-inference")
    assert result.returncode == 1, result.stderr
    assert answered and "azure-openai-inference@2025-04-01-preview" in (specs / "catalog.json").read_text()


def test_the_token_is_sent_to_the_api_only_and_never_shown(fake, tmp_path: Path) -> None:
    github, base = fake
    specs = make_specs(tmp_path, github)
    canary = "ghp_CANARY0123456789abcdefCANARY"
    env = {"CANARY_TOKEN": canary}
    ok = update(specs, base, "--token-env", "CANARY_TOKEN", env=env)
    assert ok.returncode == 1, ok.stderr
    api = [headers for url, headers in github.requests if "/api/" in url]
    raw = [headers for url, headers in github.requests if "/raw/" in url]
    assert api and all(h.get("authorization") == f"Bearer {canary}" for h in api)
    assert raw and not any("authorization" in h for h in raw)
    github.fault = lambda r: json_body({"message": f"Bad credentials {r.headers.get('authorization')}"}, 401)
    failed = update(specs, base, "--token-env", "CANARY_TOKEN", env=env)
    assert failed.returncode == 2
    for text in (ok.stdout, ok.stderr, failed.stdout, failed.stderr):
        assert canary not in text and "CANARY0123" not in text
    for data in snapshot(tmp_path).values():
        assert canary.encode() not in data
    missing = update(specs, base, "--token-env", "NO_SUCH_VARIABLE_SET")
    assert_one_line_error(missing, "NO_SUCH_VARIABLE_SET", "not set")


# ------------------------------------------------------------------------------------------------ a failed or killed swap


def _api_update(specs: Path, base: str):
    from toolkit.upstream import GitHub, update_catalog

    with GitHub(f"{base}/api", f"{base}/raw", max_wait=0) as github:
        return update_catalog(specs / "catalog.json", specs / "archive", github)


def test_a_failure_while_swapping_rolls_everything_back(fake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from toolkit.errors import ArchiveError
    from toolkit.upstream import transaction

    github, base = fake
    specs = make_specs(tmp_path, github)
    before = snapshot(specs)
    real = transaction.write_atomic

    def disk_full_on_the_catalog(path: Path, data: object, **kw: object) -> None:
        if Path(path).name == "catalog.json":
            raise transaction.OutputError(path, "No space left on device")
        real(path, data, **kw)

    monkeypatch.setattr(transaction, "write_atomic", disk_full_on_the_catalog)
    with pytest.raises(ArchiveError, match="No space left on device.*as they were"):
        _api_update(specs, base)
    assert snapshot(specs) == before


def test_an_update_killed_mid_swap_is_rolled_back_by_the_next_one(fake, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from toolkit.upstream import transaction

    github, base = fake
    specs = make_specs(tmp_path, github)
    before = snapshot(specs)

    class Killed(BaseException):
        pass

    real_replace = transaction.os.replace
    moved: list[str] = []

    def killed_after_two_moves(src: str, dst: str) -> None:
        if len(moved) == 2:
            raise Killed()
        moved.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(transaction.os, "replace", killed_after_two_moves)
    monkeypatch.setattr(transaction, "_roll_back", lambda archive, root: None)  # as if the process died here
    monkeypatch.setattr(transaction.StagedUpdate, "__exit__", lambda self, *exc: None)
    with pytest.raises(Killed):
        _api_update(specs, base)
    assert snapshot(specs) != before and (specs / ".catalog-update" / "journal.json").is_file()
    monkeypatch.undo()
    assert transaction.recover(specs / "archive") is True
    assert snapshot(specs) == before


def test_a_file_in_the_way_is_an_error_not_an_overwrite(fake, tmp_path: Path) -> None:
    github, base = fake
    specs = make_specs(tmp_path, github)
    squatter = specs / "archive" / "azure-openai-inference" / "2025-04-01-preview" / "inference.json"
    squatter.parent.mkdir(parents=True)
    squatter.write_text("{}")
    before = snapshot(specs)
    result = update(specs, base, "--family", "azure-openai-inference")
    assert_one_line_error(result, "already in the archive with other content")
    assert snapshot(specs) == before


def test_real_catalog_unpinned_previews_and_v1_become_pinned(fake, tmp_path: Path) -> None:
    """The project's own catalog: every unpinned dated preview and both upstream v1 files get pinned."""
    github, base = fake
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(REPO / "specs" / "catalog.json", specs / "catalog.json")
    shutil.copy(REPO / "specs" / "PROVENANCE.json", specs / "PROVENANCE.json")
    for family in ("azure-openai-inference", "azure-openai-v1"):
        shutil.copytree(REPO / "specs" / "archive" / family, specs / "archive" / family)
    unpinned = [e["id"].split("@")[1] for e in REAL["entries"]
                if e["family"] == "azure-openai-inference" and not e["pinned"]]
    files = {}
    for version in unpinned:
        text = (UP / "inference-2025-01-01-preview.json").read_text().replace("2025-01-01-preview", version)
        files[f"{INFERENCE}/preview/{version}/inference.json"] = text.encode()
    github.repos[AZ].commit("2026-09-30T00:00:00Z", files)
    result = update(specs, base, "--family", "azure-openai-inference", "--family", "azure-openai-v1", "--format", "json")
    assert result.returncode == 1, result.stderr[-2000:]
    catalog = json.loads((specs / "catalog.json").read_text())
    still_unpinned = [e["id"] for e in catalog["entries"] if not e["pinned"]]
    assert still_unpinned == []
    added = {a["id"] for a in json.loads(result.stdout)["added"]}
    assert {f"azure-openai-inference@{v}" for v in unpinned} <= added
    # a preview pinned in the middle of the family is compared with the pinned version before it
    sections = {s["to"]: s["from"] for s in json.loads(result.stdout)["changelog"]}
    assert sections["azure-openai-inference@2024-07-01-preview"] == "azure-openai-inference@2024-06-01"
    # the rest of the catalog is untouched: same entries, same order, same bytes for each
    old = {e["id"]: e for e in REAL["entries"] if e["pinned"]}
    new = {e["id"]: e for e in catalog["entries"]}
    assert all(new[i] == e for i, e in old.items())
    assert {k: v for k, v in catalog.items() if k != "entries"} == {k: v for k, v in REAL.items() if k != "entries"}


def test_an_unwatched_family_is_a_usage_error(fake, tmp_path: Path) -> None:
    github, base = fake
    specs = make_specs(tmp_path, github)
    result = update(specs, base, "--family", "azure-openai-typespec")
    assert_one_line_error(result, "family azure-openai-typespec is not watched",
                          "watched families: azure-openai-inference, azure-openai-v1, openai")
    assert github.requests == []


def test_the_groups_catalog_option_is_the_one_updated(fake, tmp_path: Path) -> None:
    github, base = fake
    specs = make_specs(tmp_path, github)
    result = run_cli("catalog", "--catalog", str(specs / "catalog.json"), "update", "--archive", str(specs / "archive"),
                     "--github-api", f"{base}/api", "--raw-url", f"{base}/raw", "--family", "azure-openai-inference",
                     "--dry-run", env={"AOAI_SPEC_CATALOG": ""})
    assert result.returncode == 1, result.stderr
    assert "== azure-openai-inference@2025-01-01-preview -> azure-openai-inference@2025-04-01-preview" in result.stdout


def test_a_running_update_is_not_disturbed_and_a_dead_ones_leftovers_are_cleared(fake, tmp_path: Path) -> None:
    import subprocess

    github, base = fake
    specs = make_specs(tmp_path, github)
    staging = specs / ".catalog-update"
    staging.mkdir()
    (staging / "files").mkdir()
    other = subprocess.Popen(["sleep", "60"])
    try:
        (staging / "pid").write_text(str(other.pid))
        assert_one_line_error(update(specs, base, "--family", "openai"), "another catalog update is running")
        assert (staging / "files").is_dir()
    finally:
        other.kill()
        other.wait()
    result = update(specs, base, "--family", "openai")  # its process is gone: the leftovers are cleared
    assert result.returncode == 1, result.stderr
    assert not staging.exists()
