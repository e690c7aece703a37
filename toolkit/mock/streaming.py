"""Server-sent events for `stream: true`, in the order Azure sends them.

Chat and legacy completions: one chunk per word and choice, the finish chunk, a usage chunk when
`stream_options.include_usage` is set, then `data: [DONE]` (the specs document the terminator for these two).
Responses: named events from `response.created` to `response.completed` (or `response.incomplete`), and no
`[DONE]`: the Responses API ends with its last event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import orjson

DONE = b"data: [DONE]\n\n"


def event(data: Any, name: str | None = None) -> bytes:
    head = f"event: {name}\n".encode() if name else b""
    return head + b"data: " + orjson.dumps(data) + b"\n\n"


def words(text: str) -> list[str]:
    """The text cut into the deltas a model would stream: each word with its following space."""
    parts = text.split(" ")
    return [part + (" " if i < len(parts) - 1 else "") for i, part in enumerate(parts)]


@dataclass
class ChatStream:
    """Everything a chat or completions stream repeats in each chunk, and what each choice says."""

    ident: str
    created: int
    model: str
    choices: list[dict[str, Any]]  # the non-streamed choices (`message` or `text`, `finish_reason`)
    usage: dict[str, Any] | None  # sent as a last chunk when the client asked for it
    system_fingerprint: str | None = None

    def chunk(self, obj: str, choices: list[dict[str, Any]], **extra: Any) -> bytes:
        body: dict[str, Any] = {"id": self.ident, "object": obj, "created": self.created, "model": self.model}
        if self.system_fingerprint:
            body["system_fingerprint"] = self.system_fingerprint
        body["choices"] = choices
        if self.usage is not None:
            body["usage"] = None  # every chunk but the last carries `usage: null` when usage is requested
        body.update(extra)
        return event(body)


def chat_events(stream: ChatStream) -> Iterator[bytes]:
    """Per choice: the role chunk, the content (or tool call) deltas, the finish chunk; then usage and `[DONE]`."""
    for choice in stream.choices:
        index, message = choice["index"], choice["message"]

        def delta(content: dict[str, Any], finish: str | None = None) -> bytes:
            return stream.chunk("chat.completion.chunk",
                                [{"index": index, "delta": content, "finish_reason": finish, "logprobs": None}])

        yield delta({"role": "assistant", "content": "" if message.get("content") is not None else None})
        for position, call in enumerate(message.get("tool_calls") or []):
            yield delta({"tool_calls": [{"index": position, "id": call["id"], "type": "function",
                                         "function": {"name": call["function"]["name"], "arguments": ""}}]})
            yield delta({"tool_calls": [{"index": position, "function": {"arguments": call["function"]["arguments"]}}]})
        for word in words(message["content"]) if message.get("content") else []:
            yield delta({"content": word})
        yield delta({}, choice["finish_reason"])
    if stream.usage is not None:
        yield stream.chunk("chat.completion.chunk", [], usage=stream.usage)
    yield DONE


def completion_events(stream: ChatStream) -> Iterator[bytes]:
    """Legacy completions: text deltas per choice, the finish chunk, usage when asked, `[DONE]`."""
    for choice in stream.choices:
        for word in words(choice["text"]):
            yield stream.chunk("text_completion", [{"index": choice["index"], "text": word, "finish_reason": None,
                                                    "logprobs": None}])
        yield stream.chunk("text_completion", [{"index": choice["index"], "text": "", "logprobs": None,
                                                "finish_reason": choice["finish_reason"]}])
    if stream.usage is not None:
        yield stream.chunk("text_completion", [], usage=stream.usage)
    yield DONE


def response_events(response: dict[str, Any]) -> Iterator[bytes]:
    """`response.created`, `response.in_progress`, per output item its added/delta/done events, then
    `response.completed` (or `response.incomplete`) with the full response."""
    sequence = 0

    def named(name: str, **payload: Any) -> bytes:
        nonlocal sequence
        sequence += 1
        return event({"type": name, "sequence_number": sequence, **payload}, name)

    started = {**{k: v for k, v in response.items() if k != "usage"}, "status": "in_progress", "output": []}
    yield named("response.created", response=started)
    yield named("response.in_progress", response=started)
    for index, item in enumerate(response.get("output") or []):
        item_id = item.get("id", "")
        yield named("response.output_item.added", output_index=index, item={**_opened(item), "status": "in_progress"})
        if item.get("type") == "function_call":
            yield named("response.function_call_arguments.delta", item_id=item_id, output_index=index,
                        delta=item["arguments"], obfuscation="mock")
            yield named("response.function_call_arguments.done", item_id=item_id, output_index=index,
                        arguments=item["arguments"])
        for part_index, part in enumerate(item.get("content") or [] if item.get("type") == "message" else []):
            where = {"item_id": item_id, "output_index": index, "content_index": part_index}
            yield named("response.content_part.added", **where, part={**part, "text": ""})
            for word in words(part.get("text", "")):
                yield named("response.output_text.delta", **where, delta=word, obfuscation="mock")
            yield named("response.output_text.done", **where, text=part.get("text", ""))
            yield named("response.content_part.done", **where, part=part)
        yield named("response.output_item.done", output_index=index, item=item)
    final = "response.incomplete" if response.get("status") == "incomplete" else "response.completed"
    yield named(final, response=response)


def _opened(item: dict[str, Any]) -> dict[str, Any]:
    """An output item as first announced: no content and no arguments yet."""
    if item.get("type") == "message":
        return {**item, "content": []}
    if item.get("type") == "function_call":
        return {**item, "arguments": ""}
    return item
