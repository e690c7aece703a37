"""The mock answers like Azure: it mirrors what the request set, generates only what the server owns, honours what
a deployment honours (n, limits, stop, tools, output formats, stream options), and every answer and stream event
is valid for the spec, checked here with openapi-schema-validator (not the mock's own validator). Driven through
the official `openai` client against a mock served on 127.0.0.1."""

from __future__ import annotations

import json

import httpx
import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

KEY = "echo-test-key"
USER = [{"role": "user", "content": "What is the weather in Paris?"}]
WEATHER = {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
           "required": ["city", "days"], "additionalProperties": False}


@pytest.fixture(scope="module")
def served():
    from toolkit.mock import create_app, serve_in_background

    app = create_app(specs=["v1", "2024-10-21"], seed=4, api_keys=[KEY])
    with serve_in_background(app) as root:
        yield app.state.mock, root


@pytest.fixture(scope="module")
def v1(served):
    import openai

    return openai.OpenAI(base_url=f"{served[1]}/openai/v1/", api_key=KEY, max_retries=0)


@pytest.fixture(scope="module")
def dated(served):
    import openai

    return openai.AzureOpenAI(azure_endpoint=served[1], api_key=KEY, api_version="2024-10-21", max_retries=0)


class Oracle:
    """openapi-schema-validator over the document the mock serves (`nullable` read as the mock and Schemathesis
    read it), so that the checks do not trust the mock's compiled validators."""

    def __init__(self, mounted) -> None:
        self.registry = Registry().with_resource("urn:doc", Resource.from_contents(mounted.document,
                                                                                  default_specification=DRAFT4))

    def errors(self, instance, pointer: str) -> list[str]:
        validator = OAS30Validator({"$ref": "urn:doc" + pointer}, registry=self.registry,
                                   format_checker=oas30_format_checker)
        return [f"{e.message} at {list(e.absolute_path)}" for e in validator.iter_errors(instance)]


def _answer_pointer(path: str, media_type: str = "application/json") -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/post/responses/200/content/" + \
        media_type.replace("/", "~1") + "/schema"


def _sse(root: str, path: str, body: dict, headers: dict | None = None) -> list[str]:
    with httpx.stream("POST", root + path, json=body, headers={"api-key": KEY, **(headers or {})}, timeout=30) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        return [line[len("data: "):] for line in r.iter_lines() if line.startswith("data: ")]


# -- Responses

def test_responses_create_mirrors_what_was_sent_and_invents_nothing(served, v1):
    mock, _ = served
    oracle = Oracle(mock.v1)
    plain = v1.responses.with_raw_response.create(model="gpt-4o-mini", input="hello")
    body = plain.http_response.json()
    assert oracle.errors(body, _answer_pointer("/responses")) == []
    # unset fields come back as Azure reports them, never as invented values
    assert body["instructions"] is None and body["user"] is None and body["previous_response_id"] is None
    assert (body["temperature"], body["top_p"], body["tools"], body["metadata"]) == (1, 1, [], {})
    assert body["text"] == {"format": {"type": "text"}} and body["tool_choice"] == "auto"

    sent = dict(model="my-model", input="again", instructions="Answer in French.", metadata={"ticket": "42"},
                temperature=0.2, top_p=0.9, user="user-7", previous_response_id=body["id"], max_output_tokens=200,
                parallel_tool_calls=False, truncation="auto",
                text={"format": {"type": "json_schema", "name": "weather", "schema": WEATHER, "strict": True}})
    raw = v1.responses.with_raw_response.create(**sent)
    echoed = raw.http_response.json()
    assert oracle.errors(echoed, _answer_pointer("/responses")) == []
    for name in ("model", "instructions", "metadata", "temperature", "top_p", "user", "previous_response_id",
                 "max_output_tokens", "parallel_tool_calls", "truncation", "text"):
        assert echoed[name] == sent[name], name
    parsed = raw.parse()
    answer = json.loads(parsed.output_text)  # the JSON output format is honoured: an instance of the schema
    assert set(answer) == {"city", "days"} and isinstance(answer["days"], int)
    assert parsed.usage.input_tokens == 4 and parsed.status == "completed"


def test_responses_tools_limits_and_store(served, v1):
    tool = {"type": "function", "name": "get_weather", "parameters": WEATHER}
    called = v1.responses.create(model="m", input="weather?", tools=[tool], tool_choice="required")
    assert [item.type for item in called.output] == ["function_call"]
    assert called.output[0].name == "get_weather" and set(json.loads(called.output[0].arguments)) == {"city", "days"}
    assert called.tool_choice == "required" and called.tools[0].name == "get_weather"

    cut = v1.responses.create(model="m", input="long", max_output_tokens=3)
    assert cut.status == "incomplete" and cut.incomplete_details.reason == "max_output_tokens"
    assert len(cut.output_text.split()) == 3

    unstored = v1.responses.create(model="m", input="x", store=False)
    import openai

    with pytest.raises(openai.NotFoundError):
        v1.responses.retrieve(unstored.id)


def test_responses_stream_is_spec_valid_and_ends_with_completed(served, v1):
    mock, root = served
    oracle = Oracle(mock.v1)
    mapping = mock.v1.document["components"]["schemas"]["OpenAI.ResponseStreamEvent"]["discriminator"]["mapping"]
    events = [json.loads(data) for data in _sse(root, "/openai/v1/responses",
                                                {"model": "m", "input": "hi", "instructions": "be short", "stream": True})]
    assert [e["type"] for e in events[:2]] == ["response.created", "response.in_progress"]
    assert events[-1]["type"] == "response.completed" and events[-1]["response"]["instructions"] == "be short"
    assert [e["sequence_number"] for e in events] == list(range(1, len(events) + 1))
    for e in events:
        assert oracle.errors(e, mapping[e["type"]]) == [], e["type"]
    text = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
    assert text == events[-1]["response"]["output"][0]["content"][0]["text"]
    # the official client's stream helper assembles the same response
    with v1.responses.stream(model="m", input="hi") as stream:
        final = stream.get_final_response()
    assert final.output_text == text and final.status == "completed"


# -- chat completions

def test_chat_honours_n_limits_stop_logprobs_and_tools(served, v1):
    mock, _ = served
    oracle = Oracle(mock.v1)
    raw = v1.chat.completions.with_raw_response.create(model="gpt-4o", messages=USER, n=3, max_tokens=4,
                                                       logprobs=True, top_logprobs=2)
    body = raw.http_response.json()
    assert oracle.errors(body, _answer_pointer("/chat/completions")) == []
    chat = raw.parse()
    assert chat.model == "gpt-4o" and chat.system_fingerprint and len(chat.choices) == 3
    assert [c.index for c in chat.choices] == [0, 1, 2] and {c.finish_reason for c in chat.choices} == {"length"}
    assert len(chat.choices[0].message.content.split()) == 4
    assert len(chat.choices[0].logprobs.content) == 4 and len(chat.choices[0].logprobs.content[0].top_logprobs) == 2
    assert chat.usage.prompt_tokens == 6 and chat.usage.completion_tokens == 12

    stopped = v1.chat.completions.create(model="m", messages=USER, stop=["reply"])
    assert stopped.choices[0].message.content == "This is a deterministic " and stopped.choices[0].finish_reason == "stop"

    tool = {"type": "function", "function": {"name": "get_weather", "parameters": WEATHER}}
    called = v1.chat.completions.create(model="m", messages=USER, tools=[tool],
                                        tool_choice={"type": "function", "function": {"name": "get_weather"}})
    assert called.choices[0].finish_reason == "tool_calls" and called.choices[0].message.content is None
    assert set(json.loads(called.choices[0].message.tool_calls[0].function.arguments)) == {"city", "days"}

    fmt = {"type": "json_schema", "json_schema": {"name": "weather", "schema": WEATHER, "strict": True}}
    structured = v1.chat.completions.create(model="m", messages=USER, response_format=fmt)
    assert set(json.loads(structured.choices[0].message.content)) == {"city", "days"}


def test_chat_stream_sends_usage_when_asked_and_ends_with_done(served, v1):
    mock, root = served
    oracle = Oracle(mock.v1)
    chunk_schema = _answer_pointer("/chat/completions", "text/event-stream")
    data = _sse(root, "/openai/v1/chat/completions", {"model": "m", "messages": USER, "stream": True, "n": 2,
                                                      "stream_options": {"include_usage": True}})
    assert data[-1] == "[DONE]"
    chunks = [json.loads(d) for d in data[:-1]]
    assert all(oracle.errors(c, chunk_schema) == [] for c in chunks)
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["total_tokens"] > 0
    assert all(c["usage"] is None for c in chunks[:-1])
    assert {c["choices"][0]["index"] for c in chunks[:-1]} == {0, 1}
    without = _sse(root, "/openai/v1/chat/completions", {"model": "m", "messages": USER, "stream": True})
    assert without[-1] == "[DONE]" and all("usage" not in json.loads(d) for d in without[:-1])
    # the official client reads the usage chunk
    streamed = list(v1.chat.completions.create(model="m", messages=USER, stream=True,
                                               stream_options={"include_usage": True}))
    assert streamed[-1].usage.completion_tokens == 9


# -- the dated surface

def test_dated_surface_answers_as_the_deployment(served, dated):
    mock, root = served
    oracle = Oracle(mock.dated["2024-10-21"])
    prefix = "/deployments/{deployment-id}"
    raw = dated.chat.completions.with_raw_response.create(model="my-deployment", messages=USER, n=2)
    assert oracle.errors(raw.http_response.json(), _answer_pointer(prefix + "/chat/completions")) == []
    assert raw.parse().model == "my-deployment" and len(raw.parse().choices) == 2

    completion = dated.completions.with_raw_response.create(model="my-deployment", prompt="Say hi", n=2, max_tokens=2,
                                                            echo=True)
    assert oracle.errors(completion.http_response.json(), _answer_pointer(prefix + "/completions")) == []
    assert [c.text for c in completion.parse().choices] == ["Say hiThis is"] * 2
    streamed = _sse(root, "/openai/deployments/d/completions?api-version=2024-10-21",
                    {"prompt": "Say hi", "stream": True, "stream_options": {"include_usage": True}})
    assert streamed[-1] == "[DONE]" and json.loads(streamed[-2])["usage"]["prompt_tokens"] == 2

    vectors = dated.embeddings.with_raw_response.create(model="emb", input=["a b", "c"], dimensions=4,
                                                        encoding_format="float")
    assert oracle.errors(vectors.http_response.json(), _answer_pointer(prefix + "/embeddings")) == []
    assert [len(d.embedding) for d in vectors.parse().data] == [4, 4] and vectors.parse().usage.prompt_tokens == 3

    audio = ("a.wav", b"RIFF0000WAVE", "audio/wav")
    verbose = dated.audio.transcriptions.create(model="whisper", file=audio, response_format="verbose_json",
                                                language="fr")
    assert (verbose.language, verbose.segments[0].text) == ("fr", verbose.text)
    subtitles = dated.audio.transcriptions.create(model="whisper", file=audio, response_format="srt")
    assert subtitles.startswith("1\n00:00:00,000 --> ")  # text/plain, as documented for text, srt and vtt

    image = dated.images.with_raw_response.generate(model="dalle", prompt="a red cube", response_format="b64_json")
    assert oracle.errors(image.http_response.json(), _answer_pointer(prefix + "/images/generations")) == []
    assert image.parse().data[0].b64_json and image.parse().data[0].revised_prompt == "a red cube"


# -- other resources

def test_created_resources_mirror_the_request_and_updates_stick(served, v1):
    mock, root = served
    oracle = Oracle(mock.v1)
    store = v1.vector_stores.with_raw_response.create(name="manuals", metadata={"team": "docs"})
    assert oracle.errors(store.http_response.json(), _answer_pointer("/vector_stores")) == []
    created = store.parse()
    assert (created.name, created.metadata, created.status) == ("manuals", {"team": "docs"}, "completed")
    assert created.created_at == 1704067200
    renamed = v1.vector_stores.update(created.id, name="handbooks")
    assert renamed.name == "handbooks" and renamed.metadata == {"team": "docs"}
    assert v1.vector_stores.retrieve(created.id).name == "handbooks"
    assert created.id in [s.id for s in v1.vector_stores.list()]
    uploaded = v1.files.create(file=("notes.jsonl", b'{"a": 1}\n', "application/jsonl"), purpose="fine-tune",
                               expires_after={"anchor": "created_at", "seconds": 3600})
    assert (uploaded.filename, uploaded.bytes, uploaded.purpose) == ("notes.jsonl", 9, "fine-tune")
