"""What the model APIs answer: chat and legacy completions, embeddings, images, and the Responses API.

Each answer is built from what the request asked for, as a deployment would honour it: the model named (or the
deployment), `n` choices, `max_tokens`/`max_output_tokens` (the text is cut and the finish reason says so),
`stop` sequences, `logprobs`, a forced tool call, JSON output modes (an instance of the requested schema),
embedding `dimensions` and encoding, image counts and formats. Token counts are words: deterministic and close
enough for budget tests. Everything else is mirrored from the request (`echo.Mirror`).
"""

from __future__ import annotations

import base64
import json
import random
import struct
from typing import Any

from ..model import Spec
from .calls import CREATED, Call, Reply, State
from .echo import Mirror
from .samples import SampleBuilder
from .streaming import ChatStream, chat_events, completion_events

REPLY_TEXT = "This is a deterministic reply from the aoai-spec mock."
SYSTEM_FINGERPRINT = "fp_aoai_spec_mock"
EMBEDDING_SIZE = 8  # unless the request asks for `dimensions`
MAX_DIMENSIONS = 3072
# A 1x1 transparent PNG: the smallest real image for `b64_json` answers.
PIXEL_PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
TEXT_FORMATS = {"text": REPLY_TEXT,
                "srt": f"1\n00:00:00,000 --> 00:00:01,000\n{REPLY_TEXT}\n",
                "vtt": f"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n{REPLY_TEXT}\n"}
_SAFE = {"filtered": False, "severity": "safe"}
CONTENT_FILTER = {"hate": _SAFE, "self_harm": _SAFE, "sexual": _SAFE, "violence": _SAFE}


def count_words(value: Any) -> int:
    """Token count stand-in: the words of every string in a request value (messages, input, prompt)."""
    if isinstance(value, str):
        return len(value.split())
    if isinstance(value, dict):
        return sum(count_words(v) for k, v in value.items() if k in ("content", "text", "input", "prompt"))
    if isinstance(value, list):
        return sum(count_words(v) if not isinstance(v, int) else 1 for v in value)
    return 0


def generated_text(request: dict[str, Any], limit_keys: tuple[str, ...]) -> tuple[str, str]:
    """(text, finish_reason): the reply cut at the first `stop` sequence or at the token limit."""
    text = _structured(request) or REPLY_TEXT
    stops = request.get("stop")
    for stop in [stops] if isinstance(stops, str) else stops if isinstance(stops, list) else []:
        if isinstance(stop, str) and stop and stop in text:
            text = text[:text.index(stop)]
    limit = next((request[k] for k in limit_keys if isinstance(request.get(k), int)), None)
    if limit is not None and limit < len(text.split()):
        return " ".join(text.split()[:max(limit, 0)]), "length"
    return text, "stop"


def _structured(request: dict[str, Any]) -> str | None:
    """JSON output modes: an instance of the requested schema (chat `response_format`, Responses `text.format`)."""
    fmt = request.get("response_format")
    if not isinstance(fmt, dict):
        text = request.get("text")
        fmt = text.get("format") if isinstance(text, dict) else None
    if not isinstance(fmt, dict):
        return None
    if fmt.get("type") == "json_object":
        return json.dumps({"reply": REPLY_TEXT})
    if fmt.get("type") == "json_schema":
        holder = fmt.get("json_schema") if isinstance(fmt.get("json_schema"), dict) else fmt  # chat | Responses
        return json.dumps(instance_of(holder.get("schema")))
    return None


def instance_of(schema: Any) -> Any:
    """One small instance of a client's JSON Schema (tool parameters, output formats); `{}` without one."""
    if not isinstance(schema, dict):
        return {}
    return SampleBuilder(Spec(schema), random.Random(0)).build(schema)


def forced_tool(request: dict[str, Any]) -> tuple[str, str] | None:
    """(name, arguments) when `tool_choice` makes the model call a function: "required" or a named function."""
    tools = [t for t in request.get("tools") or [] if isinstance(t, dict) and t.get("type") == "function"]
    choice = request.get("tool_choice")
    if not tools or choice in (None, "none", "auto"):
        return None
    wanted = None
    if isinstance(choice, dict):
        wanted = (choice.get("function") or {}).get("name") if isinstance(choice.get("function"), dict) else choice.get("name")
    for tool in tools:
        function = tool.get("function") if isinstance(tool.get("function"), dict) else tool  # chat | Responses
        if wanted in (None, function.get("name")):
            return str(function.get("name")), json.dumps(instance_of(function.get("parameters")))
    return None


class ModelReplies:
    """The answers of the model APIs; `mirrors` keeps one compiled `Mirror` per operation and media type."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.mirrors: dict[tuple[int, str, str], Mirror] = {}

    def mirror(self, call: Call, media_type: str = "application/json") -> Mirror:
        key = (id(call.mounted), call.op.key, media_type)
        if key not in self.mirrors:
            self.mirrors[key] = Mirror.of(call.mounted, call.op, media_type)
        return self.mirrors[key]

    def template(self, call: Call) -> tuple[int, Any]:
        status, _ = call.mounted.success(call.op)
        sample = call.mounted.sample(call.op, status)
        return status, (sample.body if sample else None)

    # -- chat and legacy completions
    def chat(self, call: Call) -> Reply:
        request = call.fields
        status, template = self.template(call)
        text, finish = generated_text(request, ("max_completion_tokens", "max_tokens"))
        tool = forced_tool(request)
        choices = []
        for index in range(_choice_count(request)):
            message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
            if tool:
                message.update(content=None, tool_calls=[{"id": self.state.new_id("call_"), "type": "function",
                                                           "function": {"name": tool[0], "arguments": tool[1]}}])
            choice = {"index": index, "message": message, "finish_reason": "tool_calls" if tool else finish,
                      "logprobs": _logprobs(text, request) if request.get("logprobs") is True and not tool else None}
            choices.append(choice)
        usage = _usage(count_words(request.get("messages")), sum(len(text.split()) for _ in choices))
        ident = self.state.new_id("chatcmpl-")
        if call.streaming:
            stream = ChatStream(ident, CREATED, call.model, choices, _stream_usage(request, usage), SYSTEM_FINGERPRINT)
            return Reply(status, events=chat_events(stream))
        plain = {"id": ident, "object": "chat.completion", "created": CREATED, "model": call.model, "choices": choices,
                 "usage": usage, "system_fingerprint": SYSTEM_FINGERPRINT}
        return Reply(status, self.mirror(call).answer(template, request, _filtered(plain), plain))

    def completions(self, call: Call) -> Reply:
        request = call.fields
        status, template = self.template(call)
        text, finish = generated_text(request, ("max_tokens",))
        prompt = request.get("prompt")
        if request.get("echo") is True and isinstance(prompt, str):
            text = prompt + text
        choices = [{"index": i, "text": text, "finish_reason": finish, "logprobs": None}
                   for i in range(_choice_count(request))]
        usage = _usage(count_words(prompt), sum(len(text.split()) for _ in choices))
        ident = self.state.new_id("cmpl-")
        if call.streaming:
            return Reply(status, events=completion_events(ChatStream(ident, CREATED, call.model, choices,
                                                                     _stream_usage(request, usage))))
        plain = {"id": ident, "object": "text_completion", "created": CREATED, "model": call.model, "choices": choices,
                 "usage": usage}
        return Reply(status, self.mirror(call).answer(template, request, _filtered(plain), plain))

    # -- embeddings and images
    def embeddings(self, call: Call) -> Reply:
        request = call.fields
        status, template = self.template(call)
        inputs = request.get("input")
        count = len(inputs) if isinstance(inputs, list) and inputs and not isinstance(inputs[0], int) else 1
        size = request.get("dimensions") if isinstance(request.get("dimensions"), int) else EMBEDDING_SIZE
        size = min(max(size, 1), MAX_DIMENSIONS)
        as_base64 = request.get("encoding_format") == "base64"

        def vector(index: int) -> Any:
            rng = random.Random(f"{self.state.seed}:embedding:{index}")
            values = [round(rng.uniform(-1, 1), 6) for _ in range(size)]
            return base64.b64encode(struct.pack(f"<{size}f", *values)).decode() if as_base64 else values

        tokens = count_words(inputs) or 1
        generated = {"object": "list", "model": call.model, "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
                     "data": [{"object": "embedding", "index": i, "embedding": vector(i)} for i in range(min(count, 2048))]}
        return Reply(status, self.mirror(call).answer(template, request, generated))

    def images(self, call: Call) -> Reply:
        request = call.fields
        status, template = self.template(call)
        as_base64 = request.get("response_format") == "b64_json"
        image = {"b64_json": PIXEL_PNG} if as_base64 else {"url": "https://example.com/mock-image.png"}
        prompt = request.get("prompt") if isinstance(request.get("prompt"), str) else ""
        plain = [{**image, "revised_prompt": prompt} for _ in range(_choice_count(request))]
        filtered = [{**item, "content_filter_results": CONTENT_FILTER, "prompt_filter_results": CONTENT_FILTER}
                    for item in plain]
        return Reply(status, self.mirror(call).answer(template, request, {"created": CREATED, "data": filtered},
                                                      {"created": CREATED, "data": plain}))

    def audio(self, call: Call) -> Reply:
        """Transcriptions and translations: `text`, `srt` and `vtt` as text/plain, `json` and `verbose_json` as
        JSON (2024-10-21 documents JSON as a `oneOf` no body can meet; the body is the one Azure sends)."""
        request = call.fields
        status, template = self.template(call)
        fmt = request.get("response_format") or "json"
        _, response = call.mounted.success(call.op)
        if fmt in TEXT_FORMATS and "text/plain" in ((response or {}).get("content") or {}):
            return Reply(status, TEXT_FORMATS[fmt], headers={"content-type": "text/plain"})
        body: dict[str, Any] = {"text": REPLY_TEXT}
        if fmt == "verbose_json":
            temperature = request.get("temperature") if isinstance(request.get("temperature"), (int, float)) else 0
            body.update(task="translate" if call.kind.endswith("translations") else "transcribe",
                        language=request.get("language") or "english", duration=1.0,
                        segments=[{"id": 0, "seek": 0, "start": 0.0, "end": 1.0, "text": REPLY_TEXT, "tokens": [1.0],
                                   "temperature": float(temperature), "avg_logprob": -0.1, "compression_ratio": 1.0,
                                   "no_speech_prob": 0.0}])
        return Reply(status, self.mirror(call).answer(template, request, body))

    # -- the Responses API
    def response(self, call: Call, ident: str, previous: Any) -> tuple[int, dict[str, Any]]:
        """(status, the Response object) for a create request; the caller stores and streams it."""
        request = call.fields
        status, template = self.template(call)
        text, finish = generated_text(request, ("max_output_tokens",))
        tool = forced_tool(request)
        if tool:
            output = [{"type": "function_call", "id": self.state.new_id("fc_"), "call_id": self.state.new_id("call_"),
                       "name": tool[0], "arguments": tool[1], "status": "completed"}]
        else:
            output = [{"type": "message", "id": self.state.new_id("msg_"), "status": "completed", "role": "assistant",
                       "content": [{"type": "output_text", "text": text, "annotations": []}]}]
        incomplete = finish == "length" and not tool
        used = len(text.split()) if not tool else len(tool[1].split())
        prompt = count_words(request.get("input")) + count_words(request.get("instructions"))
        generated = {
            "id": ident, "object": "response", "created_at": CREATED, "model": call.model,
            "status": "incomplete" if incomplete else "completed", "error": None,
            "incomplete_details": {"reason": "max_output_tokens"} if incomplete else None, "output": output,
            "previous_response_id": previous,
            "usage": {"input_tokens": prompt, "output_tokens": used, "total_tokens": prompt + used,
                      "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}},
        }
        body = self.mirror(call).answer(template, request, generated)
        return status, body if isinstance(body, dict) else {"id": ident}


def _filtered(answer: dict[str, Any]) -> dict[str, Any]:
    """A completion with Azure's content filter results (tried first; left out where the spec lacks them)."""
    return {**answer, "choices": [{**c, "content_filter_results": CONTENT_FILTER} for c in answer["choices"]],
            "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": CONTENT_FILTER}]}


def _choice_count(request: dict[str, Any]) -> int:
    n = request.get("n")
    return min(n, 128) if isinstance(n, int) and n >= 1 else 1


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _stream_usage(request: dict[str, Any], usage: dict[str, int]) -> dict[str, int] | None:
    options = request.get("stream_options")
    return usage if isinstance(options, dict) and options.get("include_usage") is True else None


def _logprobs(text: str, request: dict[str, Any]) -> dict[str, Any]:
    top = request.get("top_logprobs") if isinstance(request.get("top_logprobs"), int) else 0

    def token(word: str, logprob: float) -> dict[str, Any]:
        return {"token": word, "logprob": logprob, "bytes": list(word.encode())}

    return {"content": [{**token(word, -0.01), "top_logprobs": [token(word, -0.01 * (rank + 1)) for rank in range(top)]}
                        for word in text.split()],
            "refusal": None}
