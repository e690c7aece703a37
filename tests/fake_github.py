"""A fake GitHub on 127.0.0.1 for the `catalog update` tests: the REST "contents" and "list commits" endpoints and
the raw file host, in the shapes GitHub documents, served over real HTTP from an in-memory commit history.

`fault` lets a test replace any answer (a 500, garbage JSON, a hostile listing, a truncated body, a rate limit);
`requests` records what was asked, headers included, so a test can check where a token was sent.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from toolkit.mock.server import serve_in_background


@dataclass
class FakeCommit:
    sha: str
    date: str  # ISO 8601, as GitHub writes it: 2025-04-10T12:00:00Z
    files: dict[str, bytes | None]  # path -> new content; None deletes the file
    parent: str | None = None


def blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()


@dataclass
class FakeRepo:
    name: str
    branch: str = "main"
    history: list[FakeCommit] = field(default_factory=list)  # oldest first

    def commit(self, date: str, files: dict[str, bytes | None], sha: str | None = None) -> str:
        sha = sha or hashlib.sha1(f"{self.name}{date}{sorted(files)}{len(self.history)}".encode()).hexdigest()
        self.history.append(FakeCommit(sha, date, files, self.history[-1].sha if self.history else None))
        return sha

    def upto(self, ref: str) -> list[FakeCommit] | None:
        """The commits reachable from a branch name or a sha, oldest first (None: unknown ref)."""
        if ref == self.branch:
            return list(self.history)
        for i, commit in enumerate(self.history):
            if commit.sha == ref:
                return self.history[: i + 1]
        return None

    def tree(self, commits: list[FakeCommit]) -> dict[str, bytes]:
        state: dict[str, bytes] = {}
        for commit in commits:
            for path, data in commit.files.items():
                if data is None:
                    state.pop(path, None)
                else:
                    state[path] = data
        return state


class FakeGitHub:
    def __init__(self) -> None:
        self.repos: dict[str, FakeRepo] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.fault: Callable[[Request], Response | None] | None = None
        self.app = Starlette(routes=[
            Route("/api/repos/{owner}/{name}/contents/{path:path}", self._contents),
            Route("/api/repos/{owner}/{name}/commits", self._commits),
            Route("/raw/{owner}/{name}/{ref}/{path:path}", self._raw),
        ])

    def repo(self, name: str, branch: str = "main") -> FakeRepo:
        return self.repos.setdefault(name, FakeRepo(name, branch))

    # -- handlers
    def _begin(self, request: Request) -> tuple[FakeRepo | None, Response | None]:
        self.requests.append((str(request.url), dict(request.headers)))
        if self.fault is not None:
            answer = self.fault(request)
            if answer is not None:
                return None, answer
        repo = self.repos.get(f"{request.path_params['owner']}/{request.path_params['name']}")
        if repo is None:
            return None, _not_found()
        return repo, None

    async def _contents(self, request: Request) -> Response:
        repo, answer = self._begin(request)
        if answer is not None:
            return answer
        assert repo is not None
        commits = repo.upto(request.query_params.get("ref", repo.branch))
        if commits is None:
            return JSONResponse({"message": "No commit found for the ref", "status": "404"}, status_code=404)
        tree = repo.tree(commits)
        folder = request.path_params["path"].strip("/")
        if folder in tree:  # a file: GitHub answers with one object
            return JSONResponse(self._item(request, repo, folder, "file", tree[folder]))
        prefix = folder + "/" if folder else ""
        children: dict[str, str] = {}
        for path in tree:
            if path.startswith(prefix):
                rest = path[len(prefix):]
                children[rest.split("/", 1)[0]] = "dir" if "/" in rest else "file"
        if not children:
            return _not_found()
        return JSONResponse([self._item(request, repo, prefix + name, kind, tree.get(prefix + name))
                             for name, kind in sorted(children.items())])

    @staticmethod
    def _item(request: Request, repo: FakeRepo, path: str, kind: str, data: bytes | None) -> dict[str, object]:
        base = f"{request.base_url}api/repos/{repo.name}"
        sha = blob_sha(data) if data is not None else hashlib.sha1(path.encode()).hexdigest()
        return {
            "type": kind, "size": len(data) if data is not None else 0, "name": path.rsplit("/", 1)[-1], "path": path,
            "sha": sha, "url": f"{base}/contents/{path}", "git_url": f"{base}/git/{'blobs' if data is not None else 'trees'}/{sha}",
            "html_url": f"https://github.com/{repo.name}/blob/{repo.branch}/{path}",
            "download_url": f"{request.base_url}raw/{repo.name}/{repo.branch}/{path}" if data is not None else None,
            "_links": {"self": f"{base}/contents/{path}"},
        }

    async def _commits(self, request: Request) -> Response:
        repo, answer = self._begin(request)
        if answer is not None:
            return answer
        assert repo is not None
        commits = repo.upto(request.query_params.get("sha", repo.branch))
        if commits is None:
            return JSONResponse({"message": "Not Found", "status": "404"}, status_code=404)
        path = request.query_params.get("path")
        touching = []
        for i, commit in enumerate(commits):
            if path is None or (path in commit.files and repo.tree(commits[:i]).get(path) != commit.files[path]):
                touching.append(commit)
        touching.reverse()  # newest first
        per_page = min(int(request.query_params.get("per_page", "30")), 100)
        page = int(request.query_params.get("page", "1"))
        chunk = touching[(page - 1) * per_page: page * per_page]
        headers = {}
        if page * per_page < len(touching):
            headers["link"] = f'<{request.url.include_query_params(page=page + 1)}>; rel="next"'
        return JSONResponse([self._commit(request, repo, c) for c in chunk], headers=headers)

    @staticmethod
    def _commit(request: Request, repo: FakeRepo, commit: FakeCommit) -> dict[str, object]:
        base = f"{request.base_url}api/repos/{repo.name}"
        person = {"name": "Spec Bot", "email": "bot@example.com", "date": commit.date}
        return {
            "sha": commit.sha, "node_id": "C_" + commit.sha[:12],
            "commit": {"author": person, "committer": person, "message": "update spec",
                       "tree": {"sha": hashlib.sha1(commit.sha.encode()).hexdigest(), "url": f"{base}/git/trees/x"},
                       "url": f"{base}/git/commits/{commit.sha}", "comment_count": 0,
                       "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None}},
            "url": f"{base}/commits/{commit.sha}", "html_url": f"https://github.com/{repo.name}/commit/{commit.sha}",
            "comments_url": f"{base}/commits/{commit.sha}/comments", "author": None, "committer": None,
            "parents": [{"sha": commit.parent, "url": f"{base}/commits/{commit.parent}"}] if commit.parent else [],
        }

    async def _raw(self, request: Request) -> Response:
        repo, answer = self._begin(request)
        if answer is not None:
            return answer
        assert repo is not None
        commits = repo.upto(request.path_params["ref"])
        data = repo.tree(commits).get(request.path_params["path"]) if commits is not None else None
        if data is None:
            return Response("404: Not Found", status_code=404, media_type="text/plain")
        return Response(data, media_type="text/plain; charset=utf-8")


def _not_found() -> Response:
    return JSONResponse({"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"},
                        status_code=404)


def serve(fake: FakeGitHub):
    """Run the fake on 127.0.0.1 (a free port, real HTTP) in a thread; a context manager yielding its base URL."""
    return serve_in_background(fake.app)


def truncated(body: bytes) -> Response:
    """An answer that announces more bytes than it sends: the connection closes mid-body."""
    return Response(body[: len(body) // 2], headers={"content-length": str(len(body))}, media_type="text/plain")


def garbage_json() -> Response:
    return Response(b'[{"sha": "', media_type="application/json")


def json_body(value: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(value).encode(), status_code=status, media_type="application/json", headers=headers)
