"""The GitHub client and the name checks, unit by unit: rate-limit waits within a bound, retries, size caps, the
token's path, and names from the API that are refused (through httpx's MockTransport: no socket, no sleeping)."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from toolkit.errors import RateLimited, UnsafeName, UpstreamError
from toolkit.upstream import names
from toolkit.upstream.github import GitHub, NotFound, git_blob_sha

COMMITS = [{"sha": "a" * 40, "commit": {"committer": {"date": "2026-09-15T08:00:00Z"}}}]


def client(handler, **kwargs) -> tuple[GitHub, list[float]]:
    slept: list[float] = []
    github = GitHub("https://api.example.test", "https://raw.example.test", transport=httpx.MockTransport(handler),
                    sleep=slept.append, **kwargs)
    return github, slept


def test_a_rate_limit_with_a_near_reset_is_waited_out_then_retried() -> None:
    answers = iter([
        httpx.Response(403, json={"message": "API rate limit exceeded"},
                       headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) + 20)}),
        httpx.Response(429, json={"message": "secondary"}, headers={"retry-after": "7"}),
        httpx.Response(200, json=COMMITS),
    ])
    github, slept = client(lambda request: next(answers), max_wait=60)
    commits = github.commits("o/r", "openapi.yaml", "main")
    assert [c.sha for c in commits] == ["a" * 40] and commits[0].day == "2026-09-15"
    assert 18 <= slept[0] <= 22 and slept[1] == 7


def test_rate_limit_waits_share_one_budget() -> None:
    github, slept = client(lambda request: httpx.Response(429, headers={"retry-after": "30"}), max_wait=70)
    with pytest.raises(RateLimited, match=r"retry in 30 s.*beyond the 70 s"):
        github.commits("o/r", "openapi.yaml", "main")
    assert slept == [30, 30]


def test_a_plain_403_is_an_error_with_githubs_message_not_a_wait() -> None:
    github, slept = client(lambda request: httpx.Response(403, json={"message": "Resource not accessible"}))
    with pytest.raises(UpstreamError, match="HTTP 403: 'Resource not accessible'"):
        github.contents("o/r", "specs", "main")
    assert slept == []


def test_server_errors_and_cut_connections_are_retried_three_times() -> None:
    calls: list[str] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if len(calls) == 1:
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")
        return httpx.Response(502)

    github, slept = client(flaky)
    with pytest.raises(UpstreamError, match=r"failed after 3 tries \(connection closed .*truncated\); HTTP 502\)"):
        github.raw("o/r", "b" * 40, "openapi.yaml")
    assert len(calls) == 3 and len(slept) == 2


def test_size_caps_and_not_found() -> None:
    big = client(lambda request: httpx.Response(200, headers={"content-length": str(17 * 1024 * 1024)}))[0]
    with pytest.raises(UpstreamError, match="over the 16,777,216-byte limit"):
        big.contents("o/r", "specs", "main")
    chunks = lambda: iter([b" " * (1024 * 1024)] * 17)  # noqa: E731 - streamed, no content-length
    streamed = client(lambda request: httpx.Response(200, content=chunks()))[0]
    with pytest.raises(UpstreamError, match="more than 16,777,216 bytes"):
        streamed.contents("o/r", "specs", "main")
    with pytest.raises(NotFound):
        client(lambda request: httpx.Response(404, text="404: Not Found"))[0].raw("o/r", "c" * 40, "x.json")


def test_the_token_goes_to_the_api_only_and_is_redacted_from_errors() -> None:
    seen: dict[str, str | None] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen[request.url.host] = request.headers.get("authorization")
        if request.url.host == "api.example.test":
            return httpx.Response(401, json={"message": f"Bad credentials {request.headers['authorization']}"})
        return httpx.Response(200, content=b"x")

    github, _ = client(handler, token="ghp_secret_value_123")
    github.raw("o/r", "d" * 40, "x.json")
    with pytest.raises(UpstreamError) as caught:
        github.contents("o/r", "specs", "main")
    assert "ghp_secret_value_123" not in str(caught.value) and "***" in str(caught.value)
    assert seen == {"raw.example.test": None, "api.example.test": "Bearer ghp_secret_value_123"}


@pytest.mark.parametrize("body, needle", [
    ({"sha": "x"}, "expected a list of commits"),
    ([{"sha": "a" * 40}], "has no commit.committer.date"),
    ([{"sha": "a" * 40, "commit": {"committer": {"date": "yesterday"}}}], "not ISO 8601"),
    ([{"sha": "A" * 40, "commit": {"committer": {"date": "2026-01-01T00:00:00Z"}}}], "not 40 hex digits"),
    ([{"sha": "../" + "a" * 37, "commit": {"committer": {"date": "2026-01-01T00:00:00Z"}}}], "not 40 hex digits"),
])
def test_commit_lists_of_the_wrong_shape_are_refused(body: object, needle: str) -> None:
    github, _ = client(lambda request: httpx.Response(200, content=json.dumps(body).encode()))
    with pytest.raises(UpstreamError, match=needle):
        github.commits("o/r", "openapi.yaml", "main")


def test_requests_use_githubs_documented_parameters() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=[] if "/commits" in request.url.path else [
            {"name": "2025-04-01-preview", "path": "a b/2025-04-01-preview", "type": "dir", "sha": "e" * 40, "size": 0}])

    github, _ = client(handler)
    github.commits("Azure/azure-rest-api-specs", "specification/x/inference.json", "main", per_page=1, page=2)
    items = github.contents("Azure/azure-rest-api-specs", "a b", "main")
    assert items[0].type == "dir" and items[0].name == "2025-04-01-preview"
    commits, contents = requests
    assert commits.url.path == "/repos/Azure/azure-rest-api-specs/commits"
    assert dict(commits.url.params) == {"path": "specification/x/inference.json", "sha": "main", "per_page": "1",
                                        "page": "2"}
    assert contents.url.raw_path == b"/repos/Azure/azure-rest-api-specs/contents/a%20b?ref=main"
    assert commits.headers["accept"] == "application/vnd.github+json"
    assert github.raw_url("o/r", "f" * 40, "dir/x y.json") == f"https://raw.example.test/o/r/{'f' * 40}/dir/x%20y.json"


def test_git_blob_sha_is_gits() -> None:
    assert git_blob_sha(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"  # `git hash-object` of "hello\n"


@pytest.mark.parametrize("check, value", [
    (names.version_folder, "../x"), (names.version_folder, "a/b"), (names.version_folder, "2025-04-01-preview\x00"),
    (names.version_folder, "/etc"), (names.version_folder, "2025-4-1"), (names.version_folder, "latest"),
    (names.commit_sha, "a" * 39), (names.commit_sha, "g" * 40), (names.commit_sha, None),
    (names.plain_name, ".."), (names.plain_name, "a\\b"), (names.plain_name, "x\ny"), (names.plain_name, ""),
    (names.repo_name, "owner/../x"), (names.repo_name, "owner"), (names.repo_path, "/abs/path"),
    (names.repo_path, "a/../b"), (names.repo_path, "a//b"),
])
def test_names_of_the_wrong_shape_are_refused(check, value) -> None:
    with pytest.raises(UnsafeName, match="refused"):
        check(value, "here")


def test_ref_files_stay_inside_the_spec_folder() -> None:
    assert names.relative_file("./examples/a.json", "", "x") == "examples/a.json"
    assert names.relative_file("../common/b.json", "examples", "x") == "common/b.json"
    for hostile in ("../a.json", "/etc/passwd", "examples/../../a.json", "a\\b.json", "a\x00.json"):
        with pytest.raises(UnsafeName):
            names.relative_file(hostile, "", "x")
    assert names.version_folder("2025-04-01-preview", "x") == "2025-04-01-preview"
    assert names.commit_sha("0" * 40, "x") == "0" * 40


def test_the_capped_read_refuses_an_announced_or_streamed_excess_and_reports_progress() -> None:
    """`read_capped`, the one capped-read helper (store downloads and this client): an announced length over the
    limit is refused before a byte is read; a stream is refused at the first chunk past the limit; under it, the
    body comes back whole, with the running count after each chunk."""
    from toolkit.load import BodyTooLarge, read_capped

    read: list[int] = []

    def chunks(sizes: list[int]):
        for size in sizes:
            read.append(size)
            yield b"x" * size

    with pytest.raises(BodyTooLarge) as announced:
        read_capped(chunks([4]), 10, announced=11)
    assert (announced.value.size, announced.value.announced, read) == (11, True, [])
    with pytest.raises(BodyTooLarge) as streamed:
        read_capped(chunks([4, 4, 4, 4]), 10)
    assert (streamed.value.size, streamed.value.announced, read) == (12, False, [4, 4, 4])
    seen: list[int] = []
    assert read_capped(chunks([3, 7]), 10, announced=10, progress=seen.append) == b"x" * 10
    assert seen == [3, 10]
