"""Server-sent events for `stream: true`: chat completion chunks ending with `data: [DONE]`, Responses events."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from .behaviour import Call

CREATED = 1704067200


def _event(data: Any, name: str | None = None) -> bytes:
    head = f"event: {name}\n" if name else ""
    return f"{head}data: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def chat_events(call: "Call", ident: str, text: str) -> Iterator[bytes]:
    """Role chunk, one chunk per word, the finish chunk, then `[DONE]`, as Azure and OpenAI send them."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {"id": ident, "object": "chat.completion.chunk", "created": CREATED, "model": call.model,
                "system_fingerprint": "fp_mock", "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
                                                             "logprobs": None}]}

    yield _event(chunk({"role": "assistant", "content": ""}))
    words = text.split(" ")
    for index, word in enumerate(words):
        yield _event(chunk({"content": word + (" " if index < len(words) - 1 else "")}))
    yield _event(chunk({}, "stop"))
    yield b"data: [DONE]\n\n"


def response_events(response: dict[str, Any], text: str) -> Iterator[bytes]:
    """`response.created`, text deltas, `response.output_text.done` and `response.completed`."""
    in_progress = {**response, "status": "in_progress", "output": []}
    sequence = 0

    def event(name: str, **payload: Any) -> bytes:
        nonlocal sequence
        sequence += 1
        return _event({"type": name, "sequence_number": sequence, **payload}, name)

    yield event("response.created", response=in_progress)
    output = (response.get("output") or [{}])[0]
    item_id = output.get("id", "msg_mock")
    for word in text.split(" "):
        yield event("response.output_text.delta", item_id=item_id, output_index=0, content_index=0, delta=word + " ")
    yield event("response.output_text.done", item_id=item_id, output_index=0, content_index=0, text=text)
    yield event("response.completed", response=response)
