"""The Azure-like mock as a Starlette app: both surfaces at once, Azure's refusals, spec-valid answers.

Order of refusals follows Azure: a dated path without `api-version` is 404, an unknown version 400, then a missing
or wrong key 401, then unknown paths 404, undeclared methods 405, a missing preview header 400, any request the
spec rejects 400 (openapi-core's verdict, `MountedSpec.request_problem`), unknown query arguments 400. Only then
does `Behaviour` answer.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable, Iterable, Sequence
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ..catalog import Catalog
from ..model import Spec
from ..shape import require_shape
from ..workspace import Workspace
from . import azure
from .behaviour import Behaviour
from .calls import Call, Reply, State
from .surface import Incoming, MountedSpec, json_bytes, json_loads

DEFAULT_SPECS = ("v1", "2024-10-21")
log = logging.getLogger("aoai-spec.mock")
# A malformed multipart body is answered with a 400; the parser's own warning would only be noise on stderr.
logging.getLogger("python_multipart").setLevel(logging.ERROR)


@dataclass
class MockStats:
    """What the mock saw, for tests and benchmarks: counted at the server, not trusted from the client."""

    requests: int = 0
    by_status: Counter[int] = field(default_factory=Counter)
    by_route: Counter[str] = field(default_factory=Counter)
    credentials: Counter[str] = field(default_factory=Counter)  # hashed, never the credential itself
    models: Counter[str] = field(default_factory=Counter)  # body `model` values of accepted JSON requests
    deployments: Counter[str] = field(default_factory=Counter)  # `deployment-id` path values of dated requests


@dataclass
class Mock:
    v1: MountedSpec | None
    dated: dict[str, MountedSpec]
    catalog: Catalog
    behaviour: Behaviour
    api_keys: frozenset[str] | None
    accept_bearer: Callable[[str], bool] | None
    stats: MockStats = field(default_factory=MockStats)
    deployments: frozenset[str] | None = None  # None: every deployment name exists
    _fingerprints: dict[str, str] = field(default_factory=dict, repr=False)

    # -- checks in Azure's order
    def authorised(self, headers: Any) -> bool:
        key = headers.get("api-key")
        if key:
            self.stats.credentials[self._fingerprint(key)] += 1
            return self.api_keys is None or key in self.api_keys
        scheme, _, token = (headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        self.stats.credentials[self._fingerprint(token)] += 1
        if self.accept_bearer is not None:
            return self.accept_bearer(token)
        return self.api_keys is None or token in self.api_keys

    def surface(self, path: str, query: dict[str, list[str]]) -> tuple[MountedSpec, str] | tuple[int, dict[str, Any]]:
        if path == azure.V1_PREFIX or path.startswith(azure.V1_PREFIX + "/"):
            if self.v1 is None:
                return azure.not_found()
            return self.v1, path[len(azure.V1_PREFIX):] or "/"
        if path.startswith(azure.DATED_PREFIX + "/") and self.dated:
            version = (query.get(azure.API_VERSION) or [""])[0]
            if not version:
                return azure.not_found()
            if version not in self.dated:
                return azure.api_version_not_supported()
            return self.dated[version], path[len(azure.DATED_PREFIX):]
        return azure.not_found()

    async def endpoint(self, request: Request) -> Response:
        self.stats.requests += 1
        reply = await self.dispatch(request)
        self.stats.by_status[reply.status] += 1
        headers = {"apim-request-id": self._request_id(), "x-ms-region": "mock", **reply.headers}
        if reply.events is not None:
            return StreamingResponse(_without_threads(reply.events), status_code=reply.status, headers=headers,
                                     media_type="text/event-stream")
        if isinstance(reply.body, (bytes, str)):
            media = reply.headers.pop("content-type", "text/plain")
            return Response(reply.body, status_code=reply.status, headers=headers, media_type=media)
        if reply.body is None and reply.status in (204, 304):
            return Response(status_code=reply.status, headers=headers)
        return Response(json_bytes(reply.body), status_code=reply.status, headers=headers,
                        media_type="application/json")

    async def dispatch(self, request: Request) -> Reply:
        # The path as Starlette's `request.url.path` reads it, without building a URL object per request.
        path = request.scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
        query: dict[str, list[str]] = {}
        for name, value in parse_qsl(request.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True):
            query.setdefault(name, []).append(value)
        chosen = self.surface(path, query)
        if not isinstance(chosen[0], MountedSpec):
            return Reply(*chosen)  # type: ignore[misc]
        mounted, sub = chosen  # type: ignore[misc]
        if not self.authorised(request.headers):
            return Reply(*azure.unauthorized())
        found = mounted.find(sub)
        if found is None:
            return Reply(*azure.not_found())
        route, params = found
        if self.deployments is not None and params.get("deployment-id", "") not in self.deployments | {""}:
            return Reply(*azure.deployment_not_found())
        op = route.operations.get(request.method.lower())
        if op is None:
            allow = ", ".join(m.upper() for m in route.operations)
            return Reply(*azure.method_not_allowed(), headers={"allow": allow})
        self.stats.by_route[op.key] += 1
        if mounted.surface == "v1":
            header = self.catalog.preview_header(sub)
            if header and request.headers.get(header.name) != header.value:
                return Reply(*azure.preview_header_required(header.name, header.value))
        raw = await request.body()
        content_type = request.headers.get("content-type", "").lower()
        body: Any = None
        plain_json = True
        if raw and "json" in content_type:
            try:
                body, plain_json = json_loads(raw)
            except ValueError:
                return Reply(*azure.invalid_request("The request body is not valid JSON."))
        if (self.deployments is not None and mounted.surface == "v1" and sub in azure.DEPLOYMENT_ROUTES
                and isinstance(body, dict) and isinstance(body.get("model"), str) and body["model"] not in self.deployments):
            return Reply(*azure.deployment_not_found())
        items: list[tuple[str, Any]] = []
        if content_type.startswith("multipart/form-data"):
            try:
                items = list((await request.form()).multi_items())
            except Exception:  # a body that is not multipart at all
                return Reply(*azure.invalid_request("The request body is not valid multipart/form-data."))
        form = mounted.form_value(op, items) if items else {}
        incoming = Incoming(request.method.lower(), sub, params, query, request.headers, content_type, raw, body, form,
                            plain_json)
        problem = mounted.request_problem(op, incoming)
        if problem:
            return Reply(*azure.invalid_request(problem))
        declared = {p.get("name") for p in op.parameters if p.get("in") == "query"}
        unknown = sorted(k for k, values in query.items() if k not in declared and any(values))
        if unknown:
            return Reply(*azure.invalid_request(f"Unrecognized request argument supplied: {unknown[0]}", unknown[0]))
        if isinstance(body, dict) and isinstance(body.get("model"), str):
            self.stats.models[body["model"]] += 1
        if "deployment-id" in params:
            self.stats.deployments[params["deployment-id"]] += 1
        call = Call(mounted, op, sub, params, body, {k: v[0] for k, v in query.items()}, form,
                    [v for _, v in items if not isinstance(v, str)])
        reply = self.behaviour.handle(call)
        if reply.body is None and reply.events is None:
            reply = self._non_json(call, reply)
        return reply

    def _non_json(self, call: Call, reply: Reply) -> Reply:
        """Success bodies that are not JSON (file content, audio): the first documented media type, tiny body."""
        _, response = call.mounted.success(call.op)
        content = (response or {}).get("content") or {}
        for media_type in content:
            if "json" in media_type:
                continue
            text = b"" if "octet-stream" in media_type or media_type.startswith(("audio/", "image/")) else b"mock"
            return Reply(reply.status, text, headers={"content-type": media_type})
        return Reply(reply.status, None if not content else {})

    def _request_id(self) -> str:
        digest = self.behaviour.state.new_id("")
        return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:24]}{digest[:8]}"

    def _fingerprint(self, secret: str) -> str:
        """A short hash of a credential for the stats (never the credential); remembered, clients reuse theirs."""
        known = self._fingerprints.get(secret)
        if known is None:
            if len(self._fingerprints) > 1024:
                self._fingerprints.clear()
            known = self._fingerprints[secret] = hashlib.sha256(secret.encode()).hexdigest()[:12]
        return known


class _Dispatcher:
    """Every HTTP request goes to the mock; Starlette's router would 404 paths with a newline before we see them."""

    def __init__(self, app: ASGIApp, mock: Mock) -> None:
        self.app, self.mock = app, mock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response = await self.mock.endpoint(Request(scope, receive))
        await response(scope, receive, send)


async def _without_threads(events: Iterable[bytes]) -> AsyncIterator[bytes]:
    """Starlette runs a plain iterator's steps in a thread pool: a thread hop per event. These are computed."""
    for item in events:
        yield item


def create_app(ws: Workspace | None = None, *, specs: Sequence[str | Spec] | None = None, seed: int = 0,
               api_keys: Iterable[str] | None = None, accept_bearer: Callable[[str], bool] | None = None,
               deployments: Iterable[str] | None = None) -> Starlette:
    """A Starlette app serving every given spec on its surface (default: v1 and 2024-10-21).

    `api_keys`: accepted keys (and Bearer tokens); None accepts any non-empty one. `accept_bearer`: a predicate
    for Bearer tokens (Entra tests). `deployments`: the deployment names that exist (others: 404
    DeploymentNotFound, as Azure answers); None: every name. The app's `state.mock` exposes the `Mock` (its `stats`
    count every request).
    """
    ws = ws or Workspace()
    v1: MountedSpec | None = None
    dated: dict[str, MountedSpec] = {}
    for item in specs or DEFAULT_SPECS:
        spec = ws.open(item) if isinstance(item, str) else item
        require_shape(spec.document, spec.name, "the mock")  # refuse a misshapen spec in one line, not mid-request
        mounted = MountedSpec.mount(spec, ws.entry_for(spec), seed)
        if mounted.surface == "v1":
            v1 = mounted
        else:
            dated[mounted.api_version or spec.info_version] = mounted
        for key, problem in mounted.unvalidated_samples():
            log.warning("%s %s: no spec-valid success body (%s)", spec.name, key, problem)
    mock = Mock(v1, dated, ws.catalog, Behaviour(State(seed)), frozenset(api_keys) if api_keys is not None else None,
                accept_bearer, deployments=frozenset(deployments) if deployments is not None else None)
    app = Starlette(middleware=[Middleware(_Dispatcher, mock=mock)])
    app.state.mock = mock
    return app
