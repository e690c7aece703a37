"""The Azure-like mock: Azure's refusals and error bodies, spec-valid bodies, determinism, SSE, the Responses store."""

from __future__ import annotations

import json

import httpx
import pytest



KEY = "mock-test-key"
ACCESS_DENIED = ("Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key "
                 "for an active subscription and use a correct regional API endpoint for your resource.")
CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture(scope="module")
def app():
    from toolkit.mock import create_app

    return create_app(seed=3, api_keys=[KEY])


@pytest.fixture(scope="module")
def root(app):
    from toolkit.mock import serve_in_background

    with serve_in_background(app) as url:
        yield url


@pytest.fixture
def client(root):
    with httpx.Client(base_url=root, headers={"api-key": KEY}, timeout=30) as c:
        yield c


@pytest.mark.parametrize("headers", [{}, {"api-key": "wrong"}, {"Authorization": "Bearer wrong"}])
@pytest.mark.parametrize("path", ["/openai/v1/models", "/openai/deployments/d/chat/completions?api-version=2024-10-21"])
def test_missing_or_wrong_credentials_get_azures_401(root, headers, path):
    response = httpx.post(root + path, json=CHAT, headers=headers) if "chat" in path else httpx.get(root + path, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "401", "message": ACCESS_DENIED}}


def test_bearer_token_is_accepted_like_a_key(root):
    response = httpx.get(root + "/openai/v1/models", headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code == 200


def test_dated_surface_needs_a_known_api_version(client):
    missing = client.post("/openai/deployments/d/chat/completions", json=CHAT)
    assert (missing.status_code, missing.json()) == (404, {"error": {"code": "404", "message": "Resource not found"}})
    unknown = client.post("/openai/deployments/d/chat/completions?api-version=2099-01-01", json=CHAT)
    assert (unknown.status_code, unknown.json()) == (400, {"error": {"code": "BadRequest", "message": "API version not supported"}})
    ok = client.post("/openai/deployments/d/chat/completions?api-version=2024-10-21",
                     json={"messages": CHAT["messages"]})
    assert ok.status_code == 200, ok.text
    assert ok.json()["model"] == "d"  # the deployment answers as its model


def test_preview_header_is_required_where_the_catalog_says(client):
    refused = client.get("/openai/v1/evals")
    assert refused.status_code == 400
    assert "aoai-evals: preview" in refused.json()["error"]["message"]
    assert client.get("/openai/v1/evals", headers={"aoai-evals": "preview"}).status_code == 200


def test_requests_the_spec_rejects_get_400_with_azures_envelope(client):
    response = client.post("/openai/v1/chat/completions", json={"model": "x", "messages": "not a list"})
    assert response.status_code == 400
    assert set(response.json()["error"]) >= {"code", "message"}
    assert client.get("/openai/v1/nope").status_code == 404
    assert client.post("/openai/v1/chat/completions", content=b"\xff{", headers={"content-type": "application/json"}).status_code == 400
    not_allowed = client.put("/openai/v1/models")
    assert not_allowed.status_code == 405 and not_allowed.headers["allow"] == "GET"


def test_success_bodies_are_valid_for_the_spec(app):
    """Every v1 success body validates (example first, else generated); 2024-10-21's only invalid ones are the
    audio operations, whose oneOf cannot be satisfied (audioVerboseResponse is a superset of audioResponse)."""
    mock = app.state.mock
    assert mock.v1.unvalidated_samples() == []
    broken = {key for key, _ in mock.dated["2024-10-21"].unvalidated_samples()}
    assert broken == {"POST /deployments/{deployment-id}/audio/transcriptions",
                      "POST /deployments/{deployment-id}/audio/translations"}


def test_chat_body_is_realistic_and_valid(app, client):
    body = client.post("/openai/v1/chat/completions", json=CHAT).json()
    assert body["object"] == "chat.completion" and body["model"] == "gpt-4o-mini"
    assert body["choices"][0]["message"]["content"]
    mounted = app.state.mock.v1
    op = mounted.find("/chat/completions")[0].operations["post"]
    assert mounted.validator.first_error(body, mounted.response_schema(op)) is None


def test_same_seed_same_answers_other_seed_other_ids():
    from starlette.testclient import TestClient

    from toolkit.mock import create_app

    def answers(seed: int) -> list[str]:
        with TestClient(create_app(specs=["v1"], seed=seed)) as c:
            c.headers["api-key"] = "any"
            return [c.post("/openai/v1/chat/completions", json=CHAT).text,
                    c.post("/openai/v1/responses", json={"model": "m", "input": "hi"}).text,
                    c.get("/openai/v1/files").text]

    assert answers(5) == answers(5)
    assert answers(5)[0] != answers(6)[0]


def test_chat_stream_ends_with_done_and_chunks_are_valid(app, client):
    with client.stream("POST", "/openai/v1/chat/completions", json={**CHAT, "stream": True}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"
    mounted = app.state.mock.v1
    op = mounted.find("/chat/completions")[0].operations["post"]
    schema = mounted.response_schema(op, "text/event-stream")
    chunks = [json.loads(line[len("data: "):]) for line in lines[:-1]]
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks).startswith("This is")
    assert all(mounted.validator.first_error(chunk, schema) is None for chunk in chunks)


def test_responses_store_is_stateful(client):
    first = client.post("/openai/v1/responses", json={"model": "m", "input": "hello"}).json()
    assert client.get(f"/openai/v1/responses/{first['id']}").json()["id"] == first["id"]
    second = client.post("/openai/v1/responses", json={"model": "m", "input": "again", "previous_response_id": first["id"]})
    assert second.json()["previous_response_id"] == first["id"]
    items = client.get(f"/openai/v1/responses/{second.json()['id']}/input_items").json()
    assert items["data"][0]["content"][0]["text"] == "again"
    assert client.delete(f"/openai/v1/responses/{first['id']}").json()["deleted"] is True
    gone = client.get(f"/openai/v1/responses/{first['id']}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "404"
    unknown_previous = client.post("/openai/v1/responses", json={"model": "m", "input": "x", "previous_response_id": first["id"]})
    assert unknown_previous.status_code == 404


def test_mock_command_on_port_0_names_the_port_it_took(tmp_path):
    """`--port 0`: the server binds a free port itself (no pick-then-bind race) and prints it once listening."""
    import re
    import subprocess
    import sys
    import time

    from conftest import REPO

    log = tmp_path / "stderr.txt"
    with log.open("w") as err:
        process = subprocess.Popen([sys.executable, "-m", "toolkit", "mock", "--port", "0", "--seed", "2"],
                                   cwd=REPO, stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.monotonic() + 60
            while not (found := re.search(r"v1 surface:\s+(http://127\.0\.0\.1:(\d+))/openai/v1/", log.read_text())):
                assert time.monotonic() < deadline and process.poll() is None, log.read_text()
                time.sleep(0.2)
            root, port = found.group(1), int(found.group(2))
            assert port != 0
            response = httpx.get(f"{root}/openai/v1/models", headers={"api-key": "any"})
            assert response.status_code == 200
            dated = httpx.post(f"{root}/openai/deployments/d/embeddings?api-version=2024-10-21",
                               json={"input": "a"}, headers={"api-key": "any"})
            assert dated.status_code == 200
        finally:
            process.terminate()
            process.wait(10)
    assert "api-version=2024-10-21" in log.read_text()


def test_mock_command_on_a_taken_port_is_a_one_line_error(cli):
    import socket

    from conftest import assert_one_line_error

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = cli("mock", "--port", str(taken.getsockname()[1]), "--spec", "v1")
    assert_one_line_error(result, "cannot listen on 127.0.0.1:", "in use")


def test_serve_in_background_binds_port_0_itself():
    from toolkit.mock import create_app, serve_in_background

    with serve_in_background(create_app(specs=["v1"], api_keys=[KEY])) as first, \
            serve_in_background(create_app(specs=["v1"], api_keys=[KEY])) as second:
        assert first != second and not first.endswith(":0")
        assert httpx.get(first + "/openai/v1/models", headers={"api-key": KEY}).status_code == 200


def test_help_has_examples(cli):
    for command in ("contract", "mock"):
        result = cli(command, "--help")
        assert result.returncode == 0 and "Example" in result.stdout
