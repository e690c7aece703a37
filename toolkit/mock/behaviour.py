"""What the mock does for a validated request: realistic bodies for the model APIs, a store for created resources.

Every realistic body starts from the spec-valid sample and is patched (`samples.patched`): the patch is kept only
when the result still validates, so behaviour never costs conformance.
"""

from __future__ import annotations

import base64
import hashlib
import random
import struct
import threading
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..model import Operation
from . import azure
from .samples import patched
from .surface import MountedSpec

DEPLOYMENT_PREFIX = "/deployments/{deployment-id}"
CREATED = 1704067200
REPLY_TEXT = "This is a deterministic reply from the aoai-spec mock."


@dataclass
class Call:
    """A request the mock accepted: where it landed and what it carried."""

    mounted: MountedSpec
    op: Operation
    path: str  # the concrete path under the surface prefix
    params: dict[str, str]
    body: Any
    query: dict[str, str]

    @property
    def kind(self) -> str:
        """The operation's path without the dated deployment prefix (`/chat/completions` on both surfaces)."""
        path = self.op.path
        return path[len(DEPLOYMENT_PREFIX):] if path.startswith(DEPLOYMENT_PREFIX) else path

    @property
    def model(self) -> str:
        if isinstance(self.body, dict) and isinstance(self.body.get("model"), str):
            return self.body["model"]
        return self.params.get("deployment-id", "gpt-4o-mini")

    @property
    def streaming(self) -> bool:
        return isinstance(self.body, dict) and self.body.get("stream") is True


@dataclass
class Reply:
    status: int
    body: Any = None
    events: Iterator[bytes] | None = None  # an SSE stream instead of a JSON body
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class State:
    """Everything the mock remembers between requests; ids are derived from the seed and a counter."""

    seed: int
    resources: dict[str, Any] = field(default_factory=dict)  # concrete item path -> stored object
    input_items: dict[str, list[Any]] = field(default_factory=dict)  # response id -> its input items
    counter: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def new_id(self, prefix: str) -> str:
        with self.lock:
            self.counter += 1
            digest = hashlib.sha256(f"{self.seed}:{self.counter}".encode()).hexdigest()[:24]
        return f"{prefix}{digest}"


_ID_PREFIXES = {"responses": "resp_", "files": "file-", "vector_stores": "vs_", "evals": "eval_", "runs": "evalrun_",
                "containers": "cntr_", "jobs": "ftjob-", "file_batches": "vsfb_"}


class Behaviour:
    def __init__(self, state: State) -> None:
        self.state = state

    def handle(self, call: Call) -> Reply:
        kind, method = call.kind, call.op.method
        if kind == "/chat/completions" and method == "post":
            return self.chat(call)
        if kind == "/embeddings" and method == "post":
            return self.embeddings(call)
        if kind == "/responses" and method == "post":
            return self.create_response(call)
        if kind == "/responses/{response_id}/input_items" and method == "get":
            return self.input_items(call)
        if kind == "/models" and method == "get":
            return self.models(call)
        return self.resource(call)

    # -- helpers
    def _sample(self, call: Call, media_type: str = "application/json") -> tuple[int, Any]:
        status, _ = call.mounted.success(call.op)
        sample = call.mounted.sample(call.op, status, media_type)
        return status, (sample.body if sample else None)

    def _patched(self, call: Call, body: Any, patch: Any) -> Any:
        return patched(body, patch, call.mounted.validator, call.mounted.response_schema(call.op))

    # -- model APIs
    def chat(self, call: Call) -> Reply:
        status, body = self._sample(call)
        ident = self.state.new_id("chatcmpl-")

        def patch(obj: Any) -> Any:
            obj.update(id=ident, object="chat.completion", created=CREATED, model=call.model)
            choice = (obj.get("choices") or [{}])[0]
            choice.update(index=0, finish_reason="stop", logprobs=None,
                          message={"role": "assistant", "content": REPLY_TEXT, "refusal": None})
            obj["choices"] = [choice]
            obj["usage"] = {"prompt_tokens": 9, "completion_tokens": 11, "total_tokens": 20}
            return obj

        if call.streaming:
            from .streaming import chat_events

            return Reply(status, events=chat_events(call, ident, REPLY_TEXT))
        return Reply(status, self._patched(call, body, patch))

    def embeddings(self, call: Call) -> Reply:
        status, body = self._sample(call)
        inputs = call.body.get("input") if isinstance(call.body, dict) else None
        count = len(inputs) if isinstance(inputs, list) and inputs and not isinstance(inputs[0], int) else 1
        as_base64 = isinstance(call.body, dict) and call.body.get("encoding_format") == "base64"

        def vector(index: int) -> Any:
            rng = random.Random(f"{self.state.seed}:embedding:{index}")
            values = [round(rng.uniform(-1, 1), 6) for _ in range(8)]
            return base64.b64encode(struct.pack("<8f", *values)).decode() if as_base64 else values

        def patch(obj: Any) -> Any:
            obj.update(object="list", model=call.model, usage={"prompt_tokens": 4, "total_tokens": 4})
            obj["data"] = [{"object": "embedding", "index": i, "embedding": vector(i)} for i in range(min(count, 16))]
            return obj

        return Reply(status, self._patched(call, body, patch))

    def models(self, call: Call) -> Reply:
        status, body = self._sample(call)

        def patch(obj: Any) -> Any:
            template = (obj.get("data") or [{}])[0]
            obj["object"] = "list"
            obj["data"] = [{**template, "id": name, "object": "model", "created": CREATED, "owned_by": "system"}
                           for name in ("gpt-4o-mini", "text-embedding-3-small")]
            return obj

        return Reply(status, self._patched(call, body, patch))

    # -- the Responses store
    def create_response(self, call: Call) -> Reply:
        request = call.body if isinstance(call.body, dict) else {}
        previous = request.get("previous_response_id")
        if isinstance(previous, str) and f"/responses/{previous}" not in self.state.resources:
            return Reply(*azure.object_not_found("Response", previous))
        status, body = self._sample(call)
        ident = self.state.new_id("resp_")
        message_id = self.state.new_id("msg_")

        def patch(obj: Any) -> Any:
            obj.update(id=ident, object="response", created_at=CREATED, model=call.model, status="completed",
                       previous_response_id=previous, error=None, incomplete_details=None)
            obj["output"] = [{"type": "message", "id": message_id, "status": "completed", "role": "assistant",
                              "content": [{"type": "output_text", "text": REPLY_TEXT, "annotations": []}]}]
            obj["usage"] = {"input_tokens": 9, "output_tokens": 11, "total_tokens": 20,
                            "input_tokens_details": {"cached_tokens": 0},
                            "output_tokens_details": {"reasoning_tokens": 0}}
            return obj

        stored = self._patched(call, body, patch)
        stored = dict(stored) if isinstance(stored, dict) else {"id": ident}
        stored["id"] = ident if "id" in stored else stored.get("id")
        self.state.resources[f"/responses/{stored.get('id', ident)}"] = stored
        self.state.input_items[str(stored.get("id", ident))] = self._items(request.get("input"))
        if call.streaming:
            from .streaming import response_events

            return Reply(status, events=response_events(stored, REPLY_TEXT))
        return Reply(status, stored)

    def _items(self, given: Any) -> list[Any]:
        if isinstance(given, str):
            given = [{"role": "user", "content": given}]
        items = []
        for entry in given if isinstance(given, list) else []:
            if not isinstance(entry, dict):
                continue
            content = entry.get("content")
            if isinstance(content, str):
                content = [{"type": "input_text", "text": content}]
            items.append({"type": "message", "id": self.state.new_id("msg_"), "status": "completed",
                          "role": entry.get("role", "user"), "content": content if isinstance(content, list) else []})
        return items

    def input_items(self, call: Call) -> Reply:
        ident = call.params.get("response_id", "")
        if f"/responses/{ident}" not in self.state.resources:
            return Reply(*azure.object_not_found("Response", ident))
        status, body = self._sample(call)
        items = self.state.input_items.get(ident, [])

        def patch(obj: Any) -> Any:
            obj.update(object="list", data=items, has_more=False)
            obj["first_id"] = items[0]["id"] if items else None
            obj["last_id"] = items[-1]["id"] if items else None
            return obj

        return Reply(status, self._patched(call, body, patch))

    # -- every other resource: create stores, retrieve/update/delete look up, unknown ids are 404
    def resource(self, call: Call) -> Reply:
        status, body = self._sample(call)
        method, mounted = call.op.method, call.mounted
        item_of = _collection_for_item(mounted, call.op.path)
        if item_of is not None:
            if call.path not in self.state.resources:
                return Reply(*azure.object_not_found(item_of.rsplit("/", 1)[-1].rstrip("s") or "Object",
                                                     call.path.rsplit("/", 1)[-1]))
            if method == "delete":
                stored = self.state.resources.pop(call.path)
                ident = stored.get("id") if isinstance(stored, dict) else None
                return Reply(status, self._patched(call, body, lambda obj: _with_id(obj, ident, deleted=True)))
            if method == "get":
                return Reply(status, self.state.resources[call.path])
            return Reply(status, body)
        if method == "post" and _item_route(mounted, call.op.path) and isinstance(body, dict) and "id" in body:
            name = call.op.path.rstrip("/").rsplit("/", 1)[-1]
            ident = self.state.new_id(_ID_PREFIXES.get(name, f"{name[:4]}_"))
            created = self._patched(call, body, lambda obj: _with_id(obj, ident))
            if isinstance(created, dict) and created.get("id") == ident:
                self.state.resources[f"{call.path.rstrip('/')}/{ident}"] = created
            return Reply(status, created)
        return Reply(status, body)


def _with_id(obj: Any, ident: Any, *, deleted: bool = False) -> Any:
    if isinstance(obj, dict) and ident is not None:
        obj["id"] = ident
        if deleted and "deleted" in obj:
            obj["deleted"] = True
    return obj


def _item_route(mounted: MountedSpec, collection: str) -> str | None:
    """`/things/{id}` when the spec has an item route under a collection path `/things`."""
    for route in mounted.routes:
        head, _, tail = route.template.rpartition("/")
        if head == collection and tail.startswith("{") and tail.endswith("}"):
            return route.template
    return None


def _collection_for_item(mounted: MountedSpec, template: str) -> str | None:
    """The collection a `/things/{id}` path belongs to, when the collection can create (POST) items."""
    head, _, tail = template.rpartition("/")
    if not (tail.startswith("{") and tail.endswith("}")):
        return None
    for route in mounted.routes:
        if route.template == head and "post" in route.operations:
            return head
    return None
