"""A small GitHub REST client: the three calls `catalog update` needs, as GitHub documents them.

- `GET {api}/repos/{owner}/{repo}/contents/{path}?ref={ref}`: a folder listing (name, path, type, blob sha, size);
- `GET {api}/repos/{owner}/{repo}/commits?path={path}&sha={branch}&per_page=N&page=P`: the commits that touched
  a path, newest first (`sha`, `commit.committer.date`);
- `GET {raw}/{owner}/{repo}/{sha}/{path}`: a file's bytes at a commit.

Why not PyGithub or ghapi: they bring no bound on response size, read whole bodies into memory and retry in
their own way; this needs a size cap, a bounded rate-limit wait, strict shape checks and a token that never
reaches an error message, in about the same number of lines. Rate limits follow GitHub's troubleshooting page:
a 403/429 with `retry-after` waits that many seconds; with `x-ratelimit-remaining: 0` it waits until
`x-ratelimit-reset` (UTC epoch seconds); either only within `max_wait`, else `RateLimited`.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import quote, urlsplit

from ..errors import RateLimited, UpstreamError
from ..load import BodyTooLarge, read_capped
from . import names

if TYPE_CHECKING:
    import httpx

MAX_API_BYTES = 16 * 1024 * 1024  # a listing of 1,000 entries is ~1 MB; anything far larger is not GitHub
MAX_FILE_BYTES = 64 * 1024 * 1024  # the loader's own limit: a bigger spec would be refused anyway


@dataclass(frozen=True)
class ContentItem:
    """One entry of a folder listing; `sha` is the git blob (or tree) sha GitHub reports for it."""

    name: str
    path: str
    type: str  # file | dir | symlink | submodule
    sha: str
    size: int


@dataclass(frozen=True)
class Commit:
    sha: str
    date: datetime  # the committer date, in UTC

    @property
    def day(self) -> str:
        return self.date.strftime("%Y-%m-%d")


class NotFound(UpstreamError):
    """A 404: the file or folder is not there at that ref (callers decide whether that is an error)."""


def git_blob_sha(data: bytes) -> str:
    """The sha git (and GitHub's contents API) gives a file: sha1 over `blob <size>\\0` and the bytes."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()  # noqa: S324 - git's identity, not security


class GitHub:
    """GitHub's REST API and raw file host, with retries, timeouts, a size cap and bounded rate-limit waits."""

    def __init__(self, api: str = "https://api.github.com", raw: str = "https://raw.githubusercontent.com", *,
                 token: str | None = None, timeout: float = 30.0, retries: int = 3, max_wait: float = 60.0,
                 transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
        import httpx

        self.api = _base_url(api, "--github-api")
        self.raw_base = _base_url(raw, "--raw-url")
        self._token = token or None
        self.retries = max(1, retries)
        self.max_wait = max_wait
        self._sleep = sleep
        self._waited = 0.0
        self._client = httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True, transport=transport,
                                    headers={"User-Agent": "aoai-spec-catalog-update"})

    def __enter__(self) -> GitHub:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    # -- the three documented calls
    def contents(self, repo: str, path: str, ref: str) -> list[ContentItem]:
        """A folder's entries at `ref` (branch or commit). A file instead of a folder is a shape error."""
        url = f"{self.api}/repos/{names.repo_name(repo, 'watch')}/contents/{quote(path)}"
        data = self._json(url, {"ref": ref})
        if not isinstance(data, list):
            raise UpstreamError(f"{url}: expected a folder listing (a JSON array), got {type(data).__name__}")
        return [_content_item(item, url) for item in data]

    def commits(self, repo: str, path: str, branch: str, *, per_page: int = 100, page: int = 1) -> list[Commit]:
        """The commits on `branch` that touched `path`, newest first."""
        url = f"{self.api}/repos/{names.repo_name(repo, 'watch')}/commits"
        data = self._json(url, {"path": path, "sha": branch, "per_page": str(per_page), "page": str(page)})
        if not isinstance(data, list):
            raise UpstreamError(f"{url}: expected a list of commits (a JSON array), got {type(data).__name__}")
        return [_commit(item, url) for item in data]

    def raw(self, repo: str, sha: str, path: str) -> bytes:
        """A file's bytes at a commit; `NotFound` when the commit does not hold it."""
        return self._get(self.raw_url(repo, sha, path), None, api=False, limit=MAX_FILE_BYTES)

    def raw_url(self, repo: str, sha: str, path: str) -> str:
        return f"{self.raw_base}/{names.repo_name(repo, 'watch')}/{names.commit_sha(sha, repo)}/{quote(path)}"

    # -- transport
    def _json(self, url: str, params: dict[str, str]) -> Any:
        body = self._get(url, params, api=True, limit=MAX_API_BYTES)
        try:
            return json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise UpstreamError(f"{url}: GitHub answered malformed JSON ({str(exc)[:80]})") from None

    def _get(self, url: str, params: dict[str, str] | None, *, api: bool, limit: int) -> bytes:
        try:
            return self._attempts(url, params, api=api, limit=limit)
        except UpstreamError as exc:
            if self._token and self._token in str(exc):  # a server that echoes the credential it was sent
                raise type(exc)(str(exc).replace(self._token, "***")) from None
            raise

    def _attempts(self, url: str, params: dict[str, str] | None, *, api: bool, limit: int) -> bytes:
        import httpx

        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"} if api else {}
        if api and self._token:  # the raw host needs no token for public repositories: it never gets one
            headers["Authorization"] = f"Bearer {self._token}"
        failures: list[str] = []
        while True:
            try:
                with self._client.stream("GET", url, params=params, headers=headers) as response:
                    status = response.status_code
                    if status in (403, 429) and self._rate_limit_wait(response, url):
                        continue
                    if status == 404:
                        raise NotFound(f"{url}: not found (HTTP 404)")
                    if status >= 500:
                        failures.append(f"HTTP {status}")
                    elif status != 200:
                        raise UpstreamError(f"{url}: HTTP {status}{_github_message(response)}")
                    else:
                        return _read_capped(response, url, limit)
            except httpx.TransportError as exc:  # refused, reset, timed out, or a body shorter than announced
                failures.append(_transport_reason(exc))
            if len(failures) >= self.retries:
                raise UpstreamError(f"{url}: failed after {len(failures)} tries ({'; '.join(dict.fromkeys(failures))})")
            self._sleep(min(0.25 * 2 ** len(failures), 4.0))

    def _rate_limit_wait(self, response: httpx.Response, url: str) -> bool:
        """Wait out a rate-limit answer when its reset is within the budget; raise when it is not. False when
        the 403 is a plain refusal (no rate-limit header), which the caller reports as such."""
        retry_after = response.headers.get("retry-after")
        remaining = response.headers.get("x-ratelimit-remaining")
        reset = response.headers.get("x-ratelimit-reset")
        if retry_after is not None:
            wait = _number(retry_after)
        elif remaining == "0" and reset is not None:
            wait = _number(reset) - time.time() + 1
        elif response.status_code == 429:
            wait = 60.0  # GitHub: "otherwise, wait for at least one minute before retrying"
        else:
            return False
        wait = max(wait, 0.0)
        if wait > self.max_wait - self._waited:
            when = ""
            if reset is not None and _number(reset) > 0:
                when = f", resets at {datetime.fromtimestamp(_number(reset), timezone.utc):%Y-%m-%d %H:%M} UTC"
            raise RateLimited(f"{url}: GitHub rate limit reached (retry in {wait:.0f} s{when}), beyond the "
                              f"{self.max_wait:.0f} s this update may wait; try later, raise --max-wait, or pass "
                              "--token-env with a token")
        self._waited += wait
        self._sleep(wait)
        return True


def _base_url(value: str, option: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise UpstreamError(f"{option} {names.shown(value)} is not an http(s) base URL")
    return value.rstrip("/")


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 60.0  # an unreadable header: GitHub's default advice


def _read_capped(response: httpx.Response, url: str, limit: int) -> bytes:
    declared = response.headers.get("content-length")
    try:
        return read_capped(response.iter_bytes(), limit,
                           announced=int(declared) if declared and declared.isdigit() else None)
    except BodyTooLarge as exc:
        if exc.announced:
            raise UpstreamError(f"{url}: {exc.size:,} bytes, over the {limit:,}-byte limit") from None
        raise UpstreamError(f"{url}: more than {limit:,} bytes, over the limit") from None


def _transport_reason(exc: Exception) -> str:
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "connection closed before the whole answer arrived (truncated)"
    if isinstance(exc, httpx.ConnectError):
        return "cannot connect"
    return f"network error: {type(exc).__name__}"


def _github_message(response: httpx.Response) -> str:
    """GitHub's own `message` for a refused request, short and escaped (it is text from the network)."""
    try:
        body = json.loads(response.read()[:4096])
    except (ValueError, UnicodeDecodeError):
        return ""
    message = body.get("message") if isinstance(body, dict) else None
    return f": {names.shown(message)}" if isinstance(message, str) else ""


def _content_item(item: Any, url: str) -> ContentItem:
    if not isinstance(item, dict):
        raise UpstreamError(f"{url}: a listing entry is {type(item).__name__}, not an object")
    fields = {key: item.get(key) for key in ("name", "path", "type", "sha")}
    if not all(isinstance(value, str) for value in fields.values()) or not isinstance(item.get("size"), int):
        raise UpstreamError(f"{url}: a listing entry lacks name, path, type, sha or size")
    return ContentItem(name=fields["name"], path=fields["path"], type=fields["type"], sha=fields["sha"],
                       size=item["size"])


def _commit(item: Any, url: str) -> Commit:
    if not isinstance(item, dict):
        raise UpstreamError(f"{url}: a commit entry is {type(item).__name__}, not an object")
    sha = names.commit_sha(item.get("sha"), url)
    committer = (item.get("commit") or {}).get("committer") if isinstance(item.get("commit"), dict) else None
    date = committer.get("date") if isinstance(committer, dict) else None
    if not isinstance(date, str):
        raise UpstreamError(f"{url}: commit {sha[:10]} has no commit.committer.date")
    try:
        when = datetime.fromisoformat(date.replace("Z", "+00:00"))
    except ValueError:
        raise UpstreamError(f"{url}: commit {sha[:10]} has date {names.shown(date)}, not ISO 8601") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return Commit(sha=sha, date=when.astimezone(timezone.utc))
