"""The loader: safe parsing, limits, `$ref` confinement and bundling, through the API and the CLI."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

from conftest import assert_one_line_error, run_cli
from toolkit.errors import LimitExceeded, RefError, SpecLoadError
from toolkit.load import Limits, load

MINIMAL = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}


def write(path: Path, value: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return path


def with_schemas(**schemas: object) -> dict:
    return {**MINIMAL, "components": {"schemas": schemas}}


# ------------------------------------------------------------------------------------------- parsing


def test_yaml_keeps_versions_as_strings_and_status_codes_as_string_keys(tmp_path: Path) -> None:
    spec = write(tmp_path / "s.yaml", "openapi: 3.0.3\ninfo: {title: t, version: 2024-10-21}\npaths:\n  /a:\n"
                 "    get:\n      responses:\n        200: {description: ok}\n")
    doc = load(spec).document
    assert doc["info"]["version"] == "2024-10-21"
    assert list(doc["paths"]["/a"]["get"]["responses"]) == ["200"]


def test_duplicate_yaml_anchor_loads_with_later_anchor_winning(tmp_path: Path) -> None:
    text = ("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
            "    A: {description: &d first}\n    B: {description: *d}\n"
            "    C: {description: &d second}\n    D: {description: *d}\n")
    loaded = load(write(tmp_path / "s.yaml", text))
    schemas = loaded.document["components"]["schemas"]
    assert schemas["B"]["description"] == "first" and schemas["D"]["description"] == "second"
    assert [w.id for w in loaded.warnings] == ["duplicate-anchor"]


def test_duplicate_json_key_keeps_later_value_with_warning(tmp_path: Path) -> None:
    spec = write(tmp_path / "s.json", '{"openapi": "3.0.3", "info": {"title": "a", "title": "b", "version": "1"}, "paths": {}}')
    loaded = load(spec)
    assert loaded.document["info"]["title"] == "b"
    assert [w.id for w in loaded.warnings] == ["duplicate-key"]


@pytest.mark.parametrize(
    "text, needle",
    [
        ('{"openapi": "3.0.3", "paths": {', "malformed JSON"),
        ("openapi: 3.0.3\npaths: [a, b\n", "malformed YAML"),
        ('{"openapi": "3.0.3", "x": NaN}', "NaN"),
        ("[1, 2]", "not a mapping"),
        ('{"swagger": "2.0"}', "not supported"),
        ('{"info": {}}', "no 'openapi'"),
    ],
)
def test_malformed_input_names_the_problem(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path / ("s.json" if text.startswith(("{", "[")) else "s.yaml"), text)
    with pytest.raises(SpecLoadError) as info:
        load(path)
    assert needle in str(info.value) and str(path) in str(info.value)


def test_invalid_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(b'{"openapi": "3.0.3", "x": "\xff\xfe"}')
    with pytest.raises(SpecLoadError, match="not valid UTF-8"):
        load(path)


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["openapi: 3.0.3", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, 9)]
    with pytest.raises(LimitExceeded, match="alias bomb"):
        load(write(tmp_path / "bomb.yaml", "\n".join(lines)))


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    deep = '{"openapi": "3.0.3", "x": ' + "[" * 5000 + "]" * 5000 + "}"
    with pytest.raises(LimitExceeded, match="nest"):
        load(write(tmp_path / "deep.json", deep))


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(Limits().max_bytes + 1)  # sparse: costs no disk
    with pytest.raises(LimitExceeded, match="byte limit"):
        load(path)


# ------------------------------------------------------------------------------------------- $refs


def test_internal_ref_cycles_load(tmp_path: Path) -> None:
    doc = with_schemas(Node={"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}})
    assert load(write(tmp_path / "s.json", doc)).document["components"]["schemas"]["Node"]


def test_external_refs_are_inlined_and_external_cycles_hoisted(tmp_path: Path) -> None:
    write(tmp_path / "parts" / "pet.json", {"Pet": {"type": "object", "properties": {
        "owner": {"$ref": "owner.json#/Owner"}, "name": {"type": "string"}}}})
    write(tmp_path / "parts" / "owner.json", {"Owner": {"type": "object", "properties": {
        "pets": {"type": "array", "items": {"$ref": "pet.json#/Pet"}}}}})
    doc = with_schemas(Pet={"$ref": "parts/pet.json#/Pet"})
    bundled = load(write(tmp_path / "api.json", doc)).document
    text = json.dumps(bundled)
    assert ".json#" not in text  # self-contained
    schemas = bundled["components"]["schemas"]
    hoisted = schemas["Pet"]["$ref"]  # the cycle's entry point moves into components/schemas
    assert hoisted.startswith("#/components/schemas/") and hoisted != "#/components/schemas/Pet"
    pet = schemas[hoisted.rsplit("/", 1)[1]]
    assert pet["properties"]["name"] == {"type": "string"}
    assert pet["properties"]["owner"]["properties"]["pets"]["items"] == {"$ref": hoisted}


def test_ref_escaping_the_folder_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "secret.json", {"S": {"type": "string"}})
    spec = write(tmp_path / "api" / "s.json", with_schemas(S={"$ref": "../secret.json#/S"}))
    with pytest.raises(RefError, match="escapes"):
        load(spec)


def test_symlink_escape_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "outside.json", {"S": {"type": "string"}})
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "link.json").symlink_to(tmp_path / "outside.json")
    spec = write(tmp_path / "api" / "s.json", with_schemas(S={"$ref": "link.json#/S"}))
    with pytest.raises(RefError, match="escapes"):
        load(spec)


def test_absolute_path_ref_is_refused(tmp_path: Path) -> None:
    spec = write(tmp_path / "s.json", with_schemas(S={"$ref": "/etc/hostname#/S"}))
    with pytest.raises(RefError, match="escapes"):
        load(spec)


def test_dangling_external_schema_ref_is_an_error_but_missing_example_a_warning(tmp_path: Path) -> None:
    spec = write(tmp_path / "s.json", with_schemas(S={"$ref": "missing.json#/S"}))
    with pytest.raises(RefError, match="dangling external"):
        load(spec)
    doc = {**MINIMAL, "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}},
                                               "x-ms-examples": {"ex": {"$ref": "./examples/a.json"}}}}}}
    loaded = load(write(tmp_path / "t.json", doc))
    assert [w.id for w in loaded.warnings] == ["missing-external-example"]
    assert loaded.document["paths"]["/a"]["get"]["x-ms-examples"]["ex"] == {"x-unresolved-ref": "./examples/a.json"}


class _Listener:
    """A local TCP listener that records whether anything connected to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join(1)
        self.sock.close()


def test_remote_ref_is_not_contacted_without_permission(tmp_path: Path) -> None:
    listener = _Listener()
    try:
        url = f"http://127.0.0.1:{listener.port}/schema.json#/S"
        spec = write(tmp_path / "s.json", with_schemas(S={"$ref": url}))
        result = run_cli("bundle", str(spec))
        assert_one_line_error(result, "remote $ref", "--allow-remote-refs", str(spec))
        assert listener.connections == 0
    finally:
        listener.close()


def test_remote_ref_is_fetched_when_allowed(tmp_path: Path) -> None:
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = json.dumps({"S": {"type": "integer"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        spec = write(tmp_path / "s.json", with_schemas(S={"$ref": f"http://127.0.0.1:{server.server_port}/s.json#/S"}))
        bundled = load(spec, allow_remote_refs=True).document
        assert bundled["components"]["schemas"]["S"] == {"type": "integer"}
    finally:
        server.shutdown()


# ------------------------------------------------------------------------------------------- CLI


@pytest.mark.parametrize(
    "name, text, needle",
    [
        ("bad.json", '{"openapi": "3.0.3",', "malformed JSON"),
        ("bad.yaml", "openapi: 3.0.3\n  paths: : :\n", "malformed YAML"),
        ("bomb.yaml", "openapi: 3.0.3\na: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
            f"b{i}: &b{i} [{','.join(['*' + ('a' if i == 0 else f'b{i - 1}')] * 10)}]\n" for i in range(8)), "alias bomb"),
        ("deep.json", '{"openapi": "3.0.3", "x": ' + "[" * 3000 + "]" * 3000 + "}", "nest"),
    ],
)
def test_cli_bad_input_gives_exit_2_and_one_line_naming_the_file(tmp_path: Path, name: str, text: str, needle: str) -> None:
    path = write(tmp_path / name, text)
    for command in ("validate", "bundle"):
        assert_one_line_error(run_cli(command, str(path)), needle, str(path))


def test_cli_cyclic_refs_validate_without_error(tmp_path: Path) -> None:
    doc = with_schemas(A={"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
                       B={"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}},
                          "additionalProperties": {"$ref": "#/components/schemas/B"}})
    result = run_cli("validate", str(write(tmp_path / "cyc.json", doc)), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["valid"] is True


def test_cli_bundle_writes_a_self_contained_document(tmp_path: Path) -> None:
    write(tmp_path / "common.yaml", "Error:\n  type: object\n  properties:\n    code: {type: string}\n")
    spec = write(tmp_path / "api.json", with_schemas(Error={"$ref": "common.yaml#/Error"}))
    out = tmp_path / "out" / "bundled.yaml"
    result = run_cli("bundle", str(spec), "-o", str(out), "--format", "yaml")
    assert result.returncode == 0, result.stderr
    import yaml

    bundled = yaml.safe_load(out.read_text())
    assert bundled["components"]["schemas"]["Error"]["properties"]["code"] == {"type": "string"}
