"""What the mock does for a validated request: the model APIs (`replies`), the Responses store, and a store for every
other created resource (created items are retrievable, updated in place, deleted for good; unknown ids are 404).
"""

from __future__ import annotations

from typing import Any

from . import azure
from .calls import Call, Reply, State
from .replies import ModelReplies
from .streaming import response_events
from .surface import MountedSpec

_ID_PREFIXES = {"responses": "resp_", "files": "file-", "vector_stores": "vs_", "evals": "eval_", "runs": "evalrun_",
                "containers": "cntr_", "jobs": "ftjob-", "file_batches": "vsfb_"}


class Behaviour:
    def __init__(self, state: State) -> None:
        self.state = state
        self.replies = ModelReplies(state)

    def handle(self, call: Call) -> Reply:
        kind, method = call.kind, call.op.method
        if method == "post":
            model_api = {"/chat/completions": self.replies.chat, "/completions": self.replies.completions,
                         "/embeddings": self.replies.embeddings, "/images/generations": self.replies.images,
                         "/audio/transcriptions": self.replies.audio, "/audio/translations": self.replies.audio,
                         "/responses": self.create_response}.get(kind)
            if model_api is not None:
                return model_api(call)
        if kind == "/responses/{response_id}/input_items" and method == "get":
            return self.input_items(call)
        if kind == "/models" and method == "get":
            return self.models(call)
        return self.resource(call)

    def models(self, call: Call) -> Reply:
        status, template = self.replies.template(call)
        model = (template.get("data") or [{}])[0] if isinstance(template, dict) else {}
        data = [{**model, "id": name, "object": "model", "created": 1704067200, "owned_by": "system"}
                for name in ("gpt-4o-mini", "text-embedding-3-small")]
        return Reply(status, self.replies.mirror(call).answer(template, {}, {"object": "list", "data": data}))

    # -- the Responses store
    def create_response(self, call: Call) -> Reply:
        request = call.fields
        previous = request.get("previous_response_id")
        if isinstance(previous, str) and f"/responses/{previous}" not in self.state.resources:
            return Reply(*azure.object_not_found("Response", previous))
        ident = self.state.new_id("resp_")
        status, response = self.replies.response(call, ident, previous)
        if request.get("store") is not False:  # `store: false`: answered, never retrievable (as on Azure)
            self.state.resources[f"/responses/{response.get('id', ident)}"] = response
            self.state.input_items[str(response.get("id", ident))] = self._items(request.get("input"))
        if call.streaming:
            return Reply(status, events=response_events(response))
        return Reply(status, response)

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
        status, template = self.replies.template(call)
        items = self.state.input_items.get(ident, [])
        page = {"object": "list", "data": items, "has_more": False,
                "first_id": items[0]["id"] if items else None, "last_id": items[-1]["id"] if items else None}
        return Reply(status, self.replies.mirror(call).answer(template, {}, page))

    # -- every other resource: create stores, retrieve/update/delete look up, unknown ids are 404
    def resource(self, call: Call) -> Reply:
        status, template = self.replies.template(call)
        method, mounted = call.op.method, call.mounted
        item_of = _collection_for_item(mounted, call.op.path)
        if item_of is not None:
            stored = self.state.resources.get(call.path)
            if stored is None:
                return Reply(*azure.object_not_found(item_of.rsplit("/", 1)[-1].rstrip("s") or "Object",
                                                     call.path.rsplit("/", 1)[-1]))
            if method == "delete":
                self.state.resources.pop(call.path)
                ident = stored.get("id") if isinstance(stored, dict) else None
                deleted = {"id": ident, "deleted": True} if ident is not None else {}
                return Reply(status, self.replies.mirror(call).answer(template, {}, deleted))
            if method == "get":
                return Reply(status, stored)
            if method == "post" and isinstance(stored, dict):  # an update: the stored item with what was sent
                updated = self.replies.mirror(call).update(stored, call.fields)
                self.state.resources[call.path] = updated
                return Reply(status, updated)
            return Reply(status, template)
        if method == "get" and _item_route(mounted, call.op.path):  # a collection: what was created in it
            items = [item for path, item in self.state.resources.items() if path.rpartition("/")[0] == call.path]
            page = {"object": "list", "data": items, "has_more": False,
                    "first_id": items[0].get("id") if items else None, "last_id": items[-1].get("id") if items else None}
            return Reply(status, self.replies.mirror(call).answer(template, {}, page))
        if method == "post" and _item_route(mounted, call.op.path) and isinstance(template, dict) and "id" in template:
            name = call.op.path.rstrip("/").rsplit("/", 1)[-1]
            ident = self.state.new_id(_ID_PREFIXES.get(name, f"{name[:4]}_"))
            mirror = self.replies.mirror(call)
            created = mirror.answer(template, call.fields, {"id": ident, **mirror.fresh, **_uploaded(call)})
            if isinstance(created, dict) and created.get("id") == ident:
                self.state.resources[f"{call.path.rstrip('/')}/{ident}"] = created
            return Reply(status, created)
        return Reply(status, template)


def _uploaded(call: Call) -> dict[str, Any]:
    """What a multipart upload tells about its file (`filename`, `bytes`), as the Files API reports it."""
    for upload in call.uploads:
        return {"filename": getattr(upload, "filename", None) or "upload", "bytes": int(getattr(upload, "size", 0) or 0)}
    return {}


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
