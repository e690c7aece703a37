"""An Azure-like server for api-version 2024-10-21 (chat, completions, embeddings) with switchable planted bugs.

Written by hand for the recall benchmark (bench/bench_contract_recall.py), independent of the project's mock and of
the broken-mock fixtures the contract tests use. Clean mode behaves as Azure OpenAI does, as far as the spec lets a
server conform:
- the dated surface only: `/openai/deployments/{deployment-id}/{chat/completions|completions|embeddings}`;
- refusals in Azure's order and shapes: no `api-version` -> 404 `Resource not found`, an unknown one -> 400
  `API version not supported`, no or a wrong key -> 401, an unknown deployment -> 404 `DeploymentNotFound`,
  another method -> 405 with `Allow: POST`, a body the spec rejects -> 400, always `{"error": {"code", "message"}}`;
- answers valid for the spec's response schemas; `stream: true` answers Server-Sent Events whose chunks follow the
  spec's stream-chunk schema, ending with `data: [DONE]` (Azure streams although 2024-10-21 documents only JSON).

`--bug NAME` plants one violation (see `BUGS`); the server counts every request and each time the planted bug
actually fired. `--budget N` makes every request after the N-th hang (the harness stops the tool then), so each tool
gets exactly the same number of answered requests. `GET /_planted/stats` returns the counters.

Usage: python bench/planted/server.py --port 0 [--bug NAME] [--budget N] --key KEY --port-file FILE
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
API_VERSION = "2024-10-21"
DEPLOYMENT = "gpt-4o-mini"
CHAT = "POST /deployments/{deployment-id}/chat/completions"
COMPLETIONS = "POST /deployments/{deployment-id}/completions"
EMBEDDINGS = "POST /deployments/{deployment-id}/embeddings"
ALL = (CHAT, COMPLETIONS, EMBEDDINGS)


@dataclass(frozen=True)
class Bug:
    """One planted violation: what it breaks, where, and which checks (of any tool) report that kind of failure."""

    name: str
    description: str
    operations: tuple[str, ...]
    checks: frozenset[str]


def _bug(name: str, description: str, operations: tuple[str, ...], *checks: str) -> Bug:
    return Bug(name, description, operations, frozenset(checks))


_NEGATIVE = ("negative_data_rejection", "boundary_value_rejected")
BUGS = {bug.name: bug for bug in (
    _bug("chat_n_500", "chat: 500 when n >= 2", (CHAT,), "not_a_server_error"),
    _bug("chat_stop_array_400", "chat: a valid `stop` array is refused with 400", (CHAT,),
         "positive_data_acceptance", "boundary_value_accepted"),
    _bug("chat_temperature_unchecked", "chat: temperature outside [0, 2] accepted", (CHAT,), *_NEGATIVE),
    _bug("completions_temperature_unchecked", "completions: temperature outside [0, 2] accepted", (COMPLETIONS,),
         *_NEGATIVE),
    _bug("api_version_optional", "a request without api-version is served", ALL, "negative_data_rejection",
         "api_version_missing"),
    _bug("methods_accepted", "GET/PUT/DELETE on the POST-only routes answered 200", ALL, "unsupported_method",
         "method_not_allowed"),
    _bug("api_version_any", "an unknown api-version is served", ALL, "api_version_unknown"),
    _bug("deployment_any", "an unknown deployment is served instead of 404 DeploymentNotFound", ALL,
         "deployment_unknown"),
    _bug("wrong_key_accepted", "any non-empty api-key is accepted", ALL, "ignored_auth", "key_wrong"),
    _bug("stream_without_done", "chat streams end without `data: [DONE]`", (CHAT,), "stream_done"),
    _bug("stream_chunk_shape", "chat stream chunks carry `message` instead of `delta`", (CHAT,), "stream_chunks"),
    _bug("embeddings_without_usage", "embeddings answers omit the required `usage`", (EMBEDDINGS,),
         "response_schema_conformance"),
    _bug("chat_finish_reason", "chat answers finish_reason `max_tokens` (not in the enum) when max_tokens is set",
         (CHAT,), "response_schema_conformance"),
    _bug("completions_logprobs_500", "completions: 500 when logprobs is set", (COMPLETIONS,), "not_a_server_error"),
    _bug("error_envelope_missing", "refusals answer `{\"message\": ...}` without Azure's `error` envelope", ALL,
         "api_version_missing", "api_version_unknown", "deployment_unknown", "key_missing", "key_wrong",
         "response_schema_conformance"),
    _bug("embeddings_input_limit", "embeddings accepts more than 2048 inputs (maxItems)", (EMBEDDINGS,), *_NEGATIVE),
    _bug("chat_messages_empty", "chat accepts an empty `messages` array (minItems 1)", (CHAT,), *_NEGATIVE),
    _bug("completions_content_type", "completions answers JSON labelled text/plain", (COMPLETIONS,),
         "content_type_conformance"),
)}

ACCESS_DENIED = ("Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid "
                 "key for an active subscription and use a correct regional API endpoint for your resource.")
NO_DEPLOYMENT = ("The API deployment for this resource does not exist. If you created the deployment within the last "
                 "5 minutes, please wait a moment and try again.")
ROUTES = {"chat/completions": CHAT, "completions": COMPLETIONS, "embeddings": EMBEDDINGS}


@dataclass
class Stats:
    requests: int = 0
    answered: int = 0
    fired: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)


class Planted:
    """The server's logic, independent of the HTTP framework (Starlette below)."""

    def __init__(self, bug: str | None, key: str, budget: int | None) -> None:
        if bug is not None and bug not in BUGS:
            raise SystemExit(f"unknown bug {bug!r}; choose from {', '.join(BUGS)}")
        from openapi_schema_validator import OAS30Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        sys.path.insert(0, str(REPO))
        from toolkit.workspace import Workspace

        self.bug, self.key, self.budget = bug, key, budget
        self.log: Path | None = None
        self.stats = Stats()
        # `nullable: true` beside a `$ref` or a `oneOf` (no `type`) admits null, as Azure and generators read it.
        self.document = _nullable_read_as_azure(copy.deepcopy(Workspace().open(API_VERSION).document))
        registry = Registry().with_resource("urn:spec", Resource(self.document, specification=DRAFT4))
        paths = self.document["paths"]
        self.validators = {}
        for route, label in ROUTES.items():
            body = paths[f"/deployments/{{deployment-id}}/{route}"]["post"]["requestBody"]["content"]["application/json"]
            schema = {"$ref": "urn:spec#/components/schemas/" + body["schema"]["$ref"].rsplit("/", 1)[-1]} \
                if "$ref" in body["schema"] else _rebase(body["schema"])
            self.validators[label] = OAS30Validator(schema, registry=registry)

    def fire(self, name: str) -> bool:
        if self.bug != name:
            return False
        self.stats.fired[name] = self.stats.fired.get(name, 0) + 1
        return True

    # -- refusals, in Azure's order
    def error(self, status: int, code: str, message: str, **extra: Any) -> tuple[int, dict[str, str], Any]:
        if self.bug == "error_envelope_missing":
            self.fire("error_envelope_missing")
            return status, {}, {"message": message}
        return status, {}, {"error": {"code": code, "message": message, **extra}}

    def handle(self, method: str, path: str, query: dict[str, str], headers: dict[str, str],
               raw: bytes) -> tuple[int, dict[str, str], Any]:
        if not path.startswith("/openai/deployments/"):
            return self.error(404, "404", "Resource not found")
        deployment, _, route = path[len("/openai/deployments/"):].partition("/")
        label = ROUTES.get(route.rstrip("/"))
        if label is None or not deployment:
            return self.error(404, "404", "Resource not found")
        version = query.get("api-version")
        if not version:
            if not self.fire("api_version_optional"):
                return self.error(404, "404", "Resource not found")
        elif version != API_VERSION and not self.fire("api_version_any"):
            return self.error(400, "BadRequest", "API version not supported")
        key = headers.get("api-key") or headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not key:
            return self.error(401, "401", ACCESS_DENIED)
        if key != self.key and not self.fire("wrong_key_accepted"):
            return self.error(401, "401", ACCESS_DENIED)
        if deployment != DEPLOYMENT and not self.fire("deployment_any"):
            return self.error(404, "DeploymentNotFound", NO_DEPLOYMENT)
        if method != "POST":
            if method in ("GET", "PUT", "DELETE") and self.fire("methods_accepted"):
                return 200, {}, {"object": "list", "data": []}
            status, extra, body = self.error(405, "405", "Method not allowed")
            return status, {"allow": "POST"}, body
        if "json" not in headers.get("content-type", ""):
            return self.error(400, "BadRequest", "The request body must be application/json.")
        try:
            body = json.loads(raw)
        except ValueError:
            return self.error(400, "BadRequest", "The request body is not valid JSON.")
        refusal = self.validate(label, body)
        if refusal is not None:
            return refusal
        return self.answer(label, body)

    def validate(self, label: str, body: Any) -> tuple[int, dict[str, str], Any] | None:
        errors = list(self.validators[label].iter_errors(body))
        planted = {"chat_temperature_unchecked": (CHAT, "temperature"),
                   "completions_temperature_unchecked": (COMPLETIONS, "temperature"),
                   "embeddings_input_limit": (EMBEDDINGS, "input"), "chat_messages_empty": (CHAT, "messages")}
        if self.bug in planted and errors and planted[self.bug][0] == label:
            name = planted[self.bug][1]
            ignored = [e for e in errors if _names(e, name)]
            if ignored and len(ignored) == len(errors):
                self.fire(self.bug)
                errors = []
        if errors:
            error = min(errors, key=lambda e: len(e.path))
            where = ".".join(str(p) for p in error.absolute_path) or "body"
            if self.log is not None:
                with self.log.open("a") as handle:
                    handle.write(json.dumps({"where": where, "error": error.message[:300], "body": body})[:2000] + "\n")
            return self.error(400, "BadRequest", f"Invalid value for '{where}': {error.message[:200]}",
                              param=where, type="invalid_request_error")
        if label == CHAT and isinstance(body.get("stop"), list) and self.fire("chat_stop_array_400"):
            return self.error(400, "BadRequest", "'stop' must be a string.", param="stop", type="invalid_request_error")
        return None

    # -- answers
    def answer(self, label: str, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        n = body.get("n") if isinstance(body.get("n"), int) else 1
        if label == CHAT and n >= 2 and self.fire("chat_n_500"):
            return 500, {}, {"error": {"code": "InternalServerError", "message": "The server had an error."}}
        if label == COMPLETIONS and body.get("logprobs") and self.fire("completions_logprobs_500"):
            return 500, {}, {"error": {"code": "InternalServerError", "message": "The server had an error."}}
        created = int(time.time())
        if label == EMBEDDINGS:
            inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
            answer: dict[str, Any] = {"object": "list", "model": "text-embedding-3-small",
                                      "data": [{"index": i, "object": "embedding", "embedding": [0.0125, -0.0042, 0.031]}
                                               for i in range(len(inputs))],
                                      "usage": {"prompt_tokens": 2 * len(inputs), "total_tokens": 2 * len(inputs)}}
            if self.fire("embeddings_without_usage"):
                del answer["usage"]
            return 200, {}, answer
        choices = min(n, 4)
        usage = {"prompt_tokens": 9, "completion_tokens": 3 * choices, "total_tokens": 9 + 3 * choices}
        if label == COMPLETIONS:
            logprobs = ({"tokens": ["Hi"], "token_logprobs": [-0.1], "text_offset": [0], "top_logprobs": [{"Hi": -0.1}]}
                        if body.get("logprobs") else None)
            answer = {"id": "cmpl-planted", "object": "text_completion", "created": created, "model": "gpt-35-turbo",
                      "choices": [{"index": i, "text": "Hello there.", "logprobs": logprobs, "finish_reason": "stop"}
                                  for i in range(choices)], "usage": usage}
            if body.get("stream"):
                plain = {k: v for k, v in answer.items() if k != "usage"}
                return 200, {}, Events([{**plain, "choices": [choice]} for choice in answer["choices"]])
            headers = {"content-type": "text/plain"} if self.fire("completions_content_type") else {}
            return 200, headers, answer
        finish = "stop"
        if body.get("max_tokens") is not None and self.fire("chat_finish_reason"):
            finish = "max_tokens"
        logprobs = ({"content": [{"token": "Hi", "logprob": -0.1, "bytes": [72, 105], "top_logprobs": []}],
                     "refusal": None} if body.get("logprobs") else None)
        if body.get("stream"):
            return 200, {}, self.stream(body, choices, created, logprobs)
        answer = {"id": "chatcmpl-planted", "object": "chat.completion", "created": created, "model": "gpt-4o-mini",
                  "choices": [{"index": i, "finish_reason": finish, "logprobs": logprobs,
                               "message": {"role": "assistant", "content": "Hello there.", "refusal": None}}
                              for i in range(choices)], "usage": usage}
        return 200, {}, answer

    def stream(self, body: dict[str, Any], choices: int, created: int, logprobs: Any) -> "Events":
        base = {"id": "chatcmpl-planted", "object": "chat.completion.chunk", "created": created, "model": "gpt-4o-mini"}
        delta_key = "message" if self.fire("stream_chunk_shape") else "delta"
        chunks = [{**base, "choices": [{"index": i, delta_key: {"role": "assistant", "content": "Hello"},
                                        "finish_reason": None, "logprobs": logprobs} for i in range(choices)]},
                  {**base, "choices": [{"index": i, delta_key: {}, "finish_reason": "stop"} for i in range(choices)]}]
        options = body.get("stream_options")
        if isinstance(options, dict) and options.get("include_usage"):
            chunks.append({**base, "choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 2,
                                                            "total_tokens": 11}})
        return Events(chunks, done=not self.fire("stream_without_done"))


@dataclass
class Events:
    """An SSE body: one `data:` event per chunk, then `data: [DONE]` unless a bug drops it."""

    chunks: list[dict[str, Any]]
    done: bool = True

    def encode(self) -> bytes:
        lines = [f"data: {json.dumps(chunk)}\n\n" for chunk in self.chunks]
        if self.done:
            lines.append("data: [DONE]\n\n")
        return "".join(lines).encode()


def _names(error: Any, name: str) -> bool:
    """Whether a validation error is about the top-level property `name` (directly or inside it)."""
    path = list(error.absolute_path)
    if path:
        return path[0] == name
    subs = list(error.context or [])
    return bool(subs) and all(_names(sub, name) for sub in subs)


def _nullable_read_as_azure(node: Any) -> Any:
    """OAS 3.0 `nullable: true` beside `$ref`/`oneOf`/`anyOf`/`allOf` (no `type` to attach it to) as "or null", in
    place. Written here, not imported from the project's mock: this server shares no code with the tool under test."""
    if isinstance(node, dict):
        for value in node.values():
            _nullable_read_as_azure(value)
        if node.get("nullable") is True and any(k in node for k in ("$ref", "oneOf", "anyOf", "allOf")):
            rest = {k: v for k, v in node.items() if k != "nullable"}
            node.clear()
            node["anyOf"] = [rest, {"type": "object", "nullable": True, "enum": [None]}]
    elif isinstance(node, list):
        for value in node:
            _nullable_read_as_azure(value)
    return node


def _rebase(schema: Any) -> Any:
    """Local `#/components/...` refs of an inline schema, pointed at the registered document."""
    if isinstance(schema, dict):
        return {k: ("urn:spec" + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else _rebase(v))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema


def create_app(planted: Planted) -> Any:
    from starlette.requests import Request
    from starlette.responses import Response

    forever = asyncio.Event()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        if request.url.path == "/_planted/stats":
            stats = planted.stats
            await Response(json.dumps(stats.__dict__), media_type="application/json")(scope, receive, send)
            return
        stats = planted.stats
        stats.requests += 1
        if planted.budget is not None and stats.requests > planted.budget:
            await forever.wait()  # past the budget: never answered (the harness stops the tool)
            return
        raw = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        status, extra, body = planted.handle(request.method.upper(), request.url.path, dict(request.query_params),
                                             headers, raw)
        stats.answered += 1
        stats.by_status[str(status)] = stats.by_status.get(str(status), 0) + 1
        base = {"apim-request-id": f"req-{stats.requests}"}
        if isinstance(body, Events):
            response = Response(body.encode(), status, headers=base, media_type="text/event-stream")
        else:
            media = extra.pop("content-type", "application/json")
            response = Response(json.dumps(body), status, headers={**base, **extra}, media_type=media)
        await response(scope, receive, send)

    return app


def main() -> None:
    import socket

    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--bug", default=None, help=f"one of: {', '.join(BUGS)}")
    parser.add_argument("--budget", type=int, default=None)
    parser.add_argument("--key", required=True)
    parser.add_argument("--port-file", type=Path, default=None)
    parser.add_argument("--log", type=Path, default=None, help="append each refusal (status, message, body) here")
    args = parser.parse_args()
    planted = Planted(args.bug, args.key, args.budget)
    planted.log = args.log
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    if args.port_file:
        args.port_file.write_text(str(sock.getsockname()[1]))
    server = uvicorn.Server(uvicorn.Config(create_app(planted), log_level="error", lifespan="off", access_log=False))
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
