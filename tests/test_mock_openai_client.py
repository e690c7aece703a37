"""The official `openai` client works against the mock unchanged but for its base URL / Azure endpoint."""

from __future__ import annotations

import pytest



KEY = "client-test-key"


@pytest.fixture(scope="module")
def root():
    from toolkit.mock import serve_in_background

    with serve_in_background(seed=1, api_keys=[KEY]) as url:
        yield url


def test_openai_client_on_the_v1_surface(root):
    import openai

    client = openai.OpenAI(base_url=f"{root}/openai/v1/", api_key=KEY, max_retries=0)
    chat = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    assert chat.choices[0].message.content.startswith("This is a deterministic reply")
    streamed = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}],
                                              stream=True)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in streamed if chunk.choices)
    assert text == chat.choices[0].message.content
    vectors = client.embeddings.create(model="text-embedding-3-small", input=["a", "b"])  # base64 by default
    assert len(vectors.data) == 2 and len(vectors.data[0].embedding) == 8
    assert "gpt-4o-mini" in [m.id for m in client.models.list()]

    first = client.responses.create(model="gpt-4o-mini", input="hello")
    assert first.output_text.startswith("This is")
    assert client.responses.retrieve(first.id).id == first.id
    second = client.responses.create(model="gpt-4o-mini", input="again", previous_response_id=first.id)
    assert second.previous_response_id == first.id
    items = client.responses.input_items.list(second.id)
    assert [item.content[0].text for item in items.data] == ["again"]
    client.responses.delete(first.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(first.id)
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{root}/openai/v1/", api_key="wrong", max_retries=0).models.list()


def test_azure_openai_client_on_the_dated_surface(root):
    import openai

    client = openai.AzureOpenAI(azure_endpoint=root, api_key=KEY, api_version="2024-10-21", max_retries=0)
    chat = client.chat.completions.create(model="my-deployment", messages=[{"role": "user", "content": "hi"}])
    assert chat.model == "my-deployment" and chat.choices[0].message.content
    streamed = client.chat.completions.create(model="my-deployment", messages=[{"role": "user", "content": "hi"}],
                                              stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in streamed if c.choices) == chat.choices[0].message.content
    vectors = client.embeddings.create(model="my-embedding", input="a")
    assert len(vectors.data) == 1
    # multipart: text fields such as temperature=0 are read as the schema's types, as Azure does
    transcript = client.audio.transcriptions.create(model="whisper", file=("a.wav", b"RIFF0000WAVE", "audio/wav"),
                                                    temperature=0)
    assert isinstance(transcript.text, str)
    with pytest.raises(openai.BadRequestError):
        openai.AzureOpenAI(azure_endpoint=root, api_key=KEY, api_version="2099-01-01", max_retries=0) \
            .chat.completions.create(model="d", messages=[{"role": "user", "content": "hi"}])
