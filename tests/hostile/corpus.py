"""Hand-made hostile inputs for every command that reads a spec.

Each `Item` writes one spec (plus any files it references) into its own folder and says what a correct
toolkit does with it:

- `Outcome.REFUSE`: the input is not a readable OpenAPI document (bad bytes, bad syntax, over a limit, a `$ref`
  that must not be followed): every command exits 2 with one line naming the file.
- `Outcome.BROKEN`: readable, but wrong types or dangling pieces somewhere: `validate` reports it (exit 1 or 2),
  other commands may work around it (0/1) or refuse it (2), but never crash.
- `Outcome.VALID`: an unusual but valid document (ref cycles, BOM, boolean schemas, duplicate keys that the
  loader tolerates): every command must work (exit 0 or 1), never refuse it.

Nothing large is committed: the 200 MB input is a sparse file created at test time.
"""

from __future__ import annotations

import copy
import enum
import json
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


class Outcome(enum.Enum):
    REFUSE = "refuse"
    BROKEN = "broken"
    VALID = "valid"


@dataclass(frozen=True)
class Context:
    """What some items need from the test: a listener that counts connections, a folder outside the spec's."""

    remote_port: int
    outside: Path


@dataclass(frozen=True)
class Item:
    name: str
    outcome: Outcome
    build: Callable[[Path, Context], Path]
    note: str = ""
    validate_flags: bool = True  # for BROKEN items: `validate` must report a finding (exit 1) or refuse it (2)


BASE_SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Hostile base", "version": "1.0"},
    "servers": [{"url": "http://127.0.0.1/api"}],
    "paths": {
        "/items/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {
                "operationId": "getItem",
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "integer", "format": "int32"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
                    },
                    "404": {"description": "missing"},
                },
            },
        }
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}, "size": {"type": "integer", "minimum": 0}},
            }
        }
    },
}


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def raw(name: str, data: bytes | str) -> Callable[[Path, Context], Path]:
    return lambda folder, ctx: _write(folder, name, data)


def mutated(edit: Callable[[dict[str, Any]], Any], name: str = "spec.json", version: str = "3.0.3") -> Callable[[Path, Context], Path]:
    """The base spec with one hostile edit, written as JSON (or YAML when `name` ends in .yaml)."""

    def build(folder: Path, ctx: Context) -> Path:
        doc = copy.deepcopy(BASE_SPEC)
        doc["openapi"] = version
        edit(doc)
        if name.endswith(".yaml"):
            import yaml

            return _write(folder, name, yaml.safe_dump(doc, sort_keys=False))
        return _write(folder, name, json.dumps(doc, indent=1))

    return build


def with_files(main: Callable[[dict[str, Any], Context], Any], files: dict[str, Any] | None = None,
               name: str = "spec.json", version: str = "3.0.3",
               extra: Callable[[Path, Context], None] | None = None) -> Callable[[Path, Context], Path]:
    """The base spec edited with access to the context (ports, outside folder), plus referenced files."""

    def build(folder: Path, ctx: Context) -> Path:
        doc = copy.deepcopy(BASE_SPEC)
        doc["openapi"] = version
        main(doc, ctx)
        for rel, content in (files or {}).items():
            _write(folder, rel, content if isinstance(content, (str, bytes)) else json.dumps(content))
        if extra:
            extra(folder, ctx)
        return _write(folder, name, json.dumps(doc, indent=1))

    return build


def _set(doc: dict[str, Any], pointer: str, value: Any) -> None:
    tokens = pointer.strip("/").split("/")
    node = doc
    for token in tokens[:-1]:
        token = token.replace("~1", "/")
        node = node.setdefault(token, {}) if isinstance(node, dict) else node[int(token)]
    last = tokens[-1].replace("~1", "/")
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def setting(pointer: str, value: Any, version: str = "3.0.3", name: str = "spec.json") -> Callable[[Path, Context], Path]:
    return mutated(lambda d: _set(d, pointer, value), name=name, version=version)


def deleting(pointer: str) -> Callable[[Path, Context], Path]:
    def edit(doc: dict[str, Any]) -> None:
        tokens = pointer.strip("/").split("/")
        node = doc
        for token in tokens[:-1]:
            node = node[token.replace("~1", "/")]
        del node[tokens[-1]]

    return mutated(edit)


ITEM = "/paths/~1items~1{id}"
GET = ITEM + "/get"
OK = GET + "/responses/200"
SCHEMA = "/components/schemas/Item"


def _deep_json(depth: int) -> str:
    return '{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "x-deep": ' + "[" * depth + "]" * depth + "}"


def _deep_schema(depth: int) -> Callable[[Path, Context], Path]:
    """`depth` nested object schemas, written as text (json.dumps itself would overflow the stack)."""
    inner = '{"type": "object", "properties": {"p": ' * depth + '{"type": "string"}' + "}}" * depth
    doc = copy.deepcopy(BASE_SPEC)
    doc["components"]["schemas"]["Item"]["properties"]["deep"] = "@@DEEP@@"
    return raw(f"deep{depth}.json", json.dumps(doc).replace('"@@DEEP@@"', inner))


def _alias_bomb() -> str:
    lines = ['openapi: "3.0.3"', "info: {title: bomb, version: '1'}", "paths: {}", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("x-bomb: *a9")
    return "\n".join(lines) + "\n"


def _merge_bomb() -> str:
    lines = ['openapi: "3.0.3"', "info: {title: bomb, version: '1'}", "paths: {}", "m0: &m0 {k0: 1}"]
    for i in range(1, 24):
        lines.append(f"m{i}: &m{i} {{<<: [*m{i - 1}], k{i}: [*m{i - 1}, *m{i - 1}]}}")
    lines.append("x-bomb: *m23")
    return "\n".join(lines) + "\n"


def _sparse(folder: Path, ctx: Context) -> Path:
    """200 MB of nothing on disk: a sparse file, so the corpus stays cheap."""
    path = folder / "huge.json"
    with open(path, "wb") as handle:
        handle.write(b'{"openapi": "3.0.3", "x": "')
        handle.truncate(200 * 1024 * 1024)
    return path


def _symlink_out(folder: Path, ctx: Context) -> None:
    secret = ctx.outside / "secret.json"
    secret.write_text(json.dumps({"type": "string", "description": "outside the spec folder"}))
    (folder / "link.json").symlink_to(secret)


def _symlink_dir_out(folder: Path, ctx: Context) -> None:
    (ctx.outside / "sub").mkdir(exist_ok=True)
    (ctx.outside / "sub" / "s.json").write_text(json.dumps({"type": "string"}))
    (folder / "shared").symlink_to(ctx.outside / "sub", target_is_directory=True)


def _fifo(folder: Path, ctx: Context) -> None:
    os.mkfifo(folder / "pipe.json")


def _dir_ref(folder: Path, ctx: Context) -> None:
    (folder / "adir.json").mkdir()


def _garbage(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


def _ops_as(value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["paths"]["/items/{id}"].__setitem__("get", value)


def _many_paths(doc: dict[str, Any]) -> None:
    template = doc["paths"]["/items/{id}"]
    for i in range(1000):
        doc["paths"][f"/p{i}/{{id}}"] = copy.deepcopy(template)
        doc["paths"][f"/p{i}/{{id}}"]["get"]["operationId"] = f"op{i}"


def _cycle_allof(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["Node"] = {
        "allOf": [{"$ref": "#/components/schemas/Item"}, {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}}]
    }
    doc["components"]["schemas"]["Item"]["properties"]["node"] = {"$ref": "#/components/schemas/Node"}


def _cycle_items(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["Tree"] = {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}
    doc["components"]["schemas"]["Item"]["properties"]["tree"] = {"$ref": "#/components/schemas/Tree"}


def _cycle_addl(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["Map"] = {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Map"}}
    doc["components"]["schemas"]["Item"]["properties"]["map"] = {"$ref": "#/components/schemas/Map"}


def _cycle_mutual(doc: dict[str, Any]) -> None:
    s = doc["components"]["schemas"]
    s["A"] = {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}}
    s["B"] = {"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "array", "items": {"$ref": "#/components/schemas/B"}}]}
    s["Item"]["properties"]["a"] = {"$ref": "#/components/schemas/A"}


def _cycle_pure_alias(doc: dict[str, Any]) -> None:
    s = doc["components"]["schemas"]
    s["Loop1"] = {"$ref": "#/components/schemas/Loop2"}
    s["Loop2"] = {"$ref": "#/components/schemas/Loop1"}
    s["Item"]["properties"]["loop"] = {"$ref": "#/components/schemas/Loop1"}


def _cycle_31(doc: dict[str, Any]) -> None:
    s = doc["components"]["schemas"]
    s["Json"] = {"type": ["object", "array", "string", "number", "boolean", "null"],
                 "additionalProperties": {"$ref": "#/components/schemas/Json"},
                 "items": {"$ref": "#/components/schemas/Json"}}
    s["Item"]["properties"]["json"] = {"$ref": "#/components/schemas/Json", "description": "sibling of a $ref"}
    s["Item"]["properties"]["flag"] = True
    s["Item"]["properties"]["never"] = False
    s["Item"]["properties"]["size"] = {"type": ["integer", "null"], "exclusiveMinimum": 0}


def _self_ref_param(doc: dict[str, Any]) -> None:
    doc["components"]["parameters"] = {"P": {"$ref": "#/components/parameters/P"}}
    doc["paths"]["/items/{id}"]["get"]["parameters"].append({"$ref": "#/components/parameters/P"})


def _self_ref_response(doc: dict[str, Any]) -> None:
    doc["components"]["responses"] = {"R": {"$ref": "#/components/responses/R"}}
    doc["paths"]["/items/{id}"]["get"]["responses"]["500"] = {"$ref": "#/components/responses/R"}


def _self_ref_path_item(doc: dict[str, Any]) -> None:
    doc["paths"]["/loop"] = {"$ref": "#/paths/~1loop"}


def _ref_to(target: Any) -> Callable[[dict[str, Any], Context], None]:
    def edit(doc: dict[str, Any], ctx: Context) -> None:
        value = target(ctx) if callable(target) else target
        doc["components"]["schemas"]["Item"]["properties"]["ext"] = {"$ref": value}

    return edit


def _unicode_paths(doc: dict[str, Any]) -> None:
    template = doc["paths"]["/items/{id}"]
    for i, path in enumerate(["/\u202eevil/{id}", "/emoji/\U0001f600/{id}", "/nul\u0000/{id}", "/{id}/{{x}", "no-slash/{id}",
                              "/a/{.*}/{id}", "/\ud800/{id}".encode("utf-8", "surrogatepass").decode("utf-8", "replace")]):
        item = copy.deepcopy(template)
        item["get"]["operationId"] = f"u{i}"
        doc["paths"][path] = item


def _huge_example(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["Item"]["example"] = {"id": "x" * 2_000_000, "size": 10**300}


def _keyword_names(doc: dict[str, Any]) -> None:
    props = doc["components"]["schemas"]["Item"]["properties"]
    for key in ("$ref", "type", "properties", "allOf", "const", "examples", "nullable", "$id", "items"):
        props[key] = {"type": "string"}
    doc["components"]["schemas"]["Item"]["example"] = {"$ref": "#/not/a/ref", "type": 3, "allOf": "x"}


def _int64_values(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["Item"]["properties"]["big"] = {
        "type": "integer", "format": "int64", "maximum": 9223372036854775807, "default": -9223372036854775808,
        "example": 12345678901234567890123}


CORPUS: list[Item] = [
    # ---------------------------------------------------------------- bytes and syntax
    Item("empty-json", Outcome.REFUSE, raw("empty.json", b"")),
    Item("empty-yaml", Outcome.REFUSE, raw("empty.yaml", b"")),
    Item("whitespace-only", Outcome.REFUSE, raw("blank.yaml", b"   \n\t\n  \n")),
    Item("json-truncated", Outcome.REFUSE, raw("trunc.json", json.dumps(BASE_SPEC)[:-40])),
    Item("json-trailing-comma", Outcome.REFUSE, raw("comma.json", '{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},}')),
    Item("json-comments", Outcome.REFUSE, raw("comments.json", '// hello\n{"openapi": "3.0.3"}')),
    Item("yaml-bad-indent", Outcome.REFUSE, raw("indent.yaml", "openapi: 3.0.3\ninfo:\n  title: t\n version: 1\npaths: {}\n")),
    Item("yaml-unclosed-quote", Outcome.REFUSE, raw("quote.yaml", 'openapi: "3.0.3\ninfo: {title: t, version: "1"}\n')),
    Item("yaml-tab-indent", Outcome.REFUSE, raw("tabs.yaml", "openapi: 3.0.3\ninfo:\n\ttitle: t\n")),
    Item("yaml-multi-document", Outcome.REFUSE, raw("multi.yaml", "openapi: 3.0.3\n---\nopenapi: 3.1.0\n")),
    Item("binary-garbage", Outcome.REFUSE, raw("garbage.json", _garbage(7, 4096))),
    Item("binary-garbage-yaml", Outcome.REFUSE, raw("garbage.yaml", _garbage(11, 4096))),
    Item("nul-bytes", Outcome.REFUSE, raw("nul.yaml", b"openapi: 3.0.3\x00\x00\x00\ninfo: {}\n")),
    Item("invalid-utf8-json", Outcome.REFUSE, raw("latin1.json", b'{"openapi": "3.0.3", "info": {"title": "caf\xe9", "version": "1"}, "paths": {}}')),
    Item("invalid-utf8-yaml", Outcome.REFUSE, raw("latin1.yaml", b"openapi: 3.0.3\ninfo:\n  title: \xff\xfe\xfd\n  version: '1'\npaths: {}\n")),
    Item("utf16-with-bom", Outcome.VALID, raw("utf16.json", json.dumps(BASE_SPEC).encode("utf-16")),
         "UTF-16 with its byte-order mark (YAML 1.2 allows it, Windows PowerShell 5 writes it): read with a load "
         "warning; `apim lint` reports it as file-encoding and `apim prepare` writes UTF-8"),
    Item("lone-surrogate-escape", Outcome.REFUSE, raw("surrogate.json", json.dumps(BASE_SPEC)[:-1] + ', "x-s": "\\ud800"}'),
         "valid JSON, but the string cannot be encoded back to UTF-8"),
    Item("top-level-list", Outcome.REFUSE, raw("list.json", "[1, 2, 3]")),
    Item("top-level-string", Outcome.REFUSE, raw("string.yaml", "just a string\n")),
    Item("top-level-number", Outcome.REFUSE, raw("number.json", "42")),
    Item("top-level-null", Outcome.REFUSE, raw("null.json", "null")),
    # ---------------------------------------------------------------- limits
    Item("alias-bomb", Outcome.REFUSE, raw("bomb.yaml", _alias_bomb())),
    Item("merge-key-bomb", Outcome.REFUSE, raw("merge.yaml", _merge_bomb())),
    Item("deep-json-10000", Outcome.REFUSE, raw("deep.json", _deep_json(10_000))),
    Item("deep-yaml-10000", Outcome.REFUSE, raw("deep.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-deep: " + "[" * 10_000 + "]" * 10_000 + "\n")),
    Item("deep-schema-500", Outcome.REFUSE, _deep_schema(500)),
    Item("deep-schema-150", Outcome.VALID, _deep_schema(150), "deep but within limits"),
    Item("file-200mb-sparse", Outcome.REFUSE, _sparse),
    Item("many-paths-1000", Outcome.VALID, mutated(_many_paths), "1,000 operations: must finish in bounds"),
    Item("huge-example-string", Outcome.VALID, mutated(_huge_example)),
    # ---------------------------------------------------------------- values
    Item("json-nan", Outcome.REFUSE, raw("nan.json", json.dumps(BASE_SPEC)[:-1] + ', "x-n": NaN}')),
    Item("json-infinity", Outcome.REFUSE, raw("inf.json", json.dumps(BASE_SPEC)[:-1] + ', "x-n": -Infinity}')),
    Item("json-overflow-float", Outcome.REFUSE, raw("overflow.json", json.dumps(BASE_SPEC)[:-1] + ', "x-n": 1e999}'),
         "1e999 parses as infinity, which JSON cannot write back"),
    Item("yaml-nan-inf", Outcome.REFUSE, mutated(lambda d: _set(d, SCHEMA + "/properties/size/maximum", float("inf")), name="naninf.yaml")),
    Item("huge-integer-json", Outcome.REFUSE, raw("bigint.json", json.dumps(BASE_SPEC)[:-1] + ', "x-n": ' + "9" * 100_000 + "}")),
    Item("huge-integer-yaml", Outcome.REFUSE, raw("bigint.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-n: " + "7" * 100_000 + "\n")),
    Item("int64-exact", Outcome.VALID, mutated(_int64_values)),
    Item("utf8-bom", Outcome.VALID, raw("bom.json", b"\xef\xbb\xbf" + json.dumps(BASE_SPEC).encode())),
    Item("duplicate-keys-json", Outcome.VALID, raw("dupkeys.json", json.dumps(BASE_SPEC)[:-1] + ', "info": {"title": "again", "version": "2"}}')),
    Item("duplicate-keys-yaml", Outcome.VALID, raw("dupkeys.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\ninfo: {title: u, version: '2'}\npaths: {}\n")),
    Item("duplicate-anchors-yaml", Outcome.VALID, raw("dupanchor.yaml", "openapi: 3.0.3\ninfo: &i {title: t, version: '1'}\nx-a: &i {a: 1}\nx-b: *i\npaths: {}\n")),
    Item("yaml-python-object", Outcome.REFUSE, raw("pyobj.yaml", "openapi: 3.0.3\ninfo: !!python/object/apply:os.system ['echo pwned > /tmp/aoai-pwned']\npaths: {}\n")),
    Item("yaml-python-name", Outcome.REFUSE, raw("pyname.yaml", "openapi: 3.0.3\ninfo: !!python/name:os.system\npaths: {}\n")),
    Item("yaml-custom-tag", Outcome.REFUSE, raw("custom.yaml", "openapi: 3.0.3\ninfo: !Ref {title: t}\npaths: {}\n")),
    Item("yaml-binary-tag", Outcome.REFUSE, raw("binary.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-b: !!binary aGVsbG8=\n")),
    Item("yaml-set-tag", Outcome.REFUSE, raw("set.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-s: !!set {a, b}\n")),
    Item("yaml-timestamp-tag", Outcome.REFUSE, raw("stamp.yaml", "openapi: 3.0.3\ninfo: {title: t, version: !!timestamp 2024-10-21}\npaths: {}\n")),
    Item("yaml-omap-tag", Outcome.REFUSE, raw("omap.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-o: !!omap [a: 1, b: 2]\n")),
    Item("yaml-complex-key", Outcome.REFUSE, raw("complexkey.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  ? [a, b]\n  : {}\n")),
    Item("yaml-float-and-null-keys", Outcome.BROKEN, raw("oddkeys.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  1.5: {}\n  ~: {}\n  true: {}\n")),
    # ---------------------------------------------------------------- not OpenAPI 3.x
    Item("openapi-missing", Outcome.REFUSE, deleting("/openapi")),
    Item("openapi-number", Outcome.REFUSE, setting("/openapi", 3)),
    Item("swagger-2", Outcome.REFUSE, raw("swagger.json", '{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}')),
    Item("openapi-4", Outcome.REFUSE, setting("/openapi", "4.0.0")),
    # ---------------------------------------------------------------- wrong types at every level
    Item("info-number", Outcome.BROKEN, setting("/info", 3)),
    Item("info-missing", Outcome.BROKEN, deleting("/info")),
    Item("paths-list", Outcome.BROKEN, setting("/paths", [])),
    Item("paths-string", Outcome.BROKEN, setting("/paths", "everything")),
    Item("paths-null", Outcome.BROKEN, setting("/paths", None)),
    Item("path-item-string", Outcome.BROKEN, setting(ITEM, "GET only")),
    Item("path-item-list", Outcome.BROKEN, setting(ITEM, [{"get": {}}])),
    Item("operation-string", Outcome.BROKEN, mutated(_ops_as("fetch it"))),
    Item("operation-list", Outcome.BROKEN, mutated(_ops_as([{"responses": {}}]))),
    Item("operation-null", Outcome.BROKEN, mutated(_ops_as(None))),
    Item("operation-empty", Outcome.BROKEN, mutated(_ops_as({}))),
    Item("path-parameters-dict", Outcome.BROKEN, setting(ITEM + "/parameters", {"name": "id"})),
    Item("parameter-list", Outcome.BROKEN, setting(GET + "/parameters/0", ["q", "query"])),
    Item("parameter-string", Outcome.BROKEN, setting(GET + "/parameters/0", "q")),
    Item("parameter-no-name", Outcome.BROKEN, setting(GET + "/parameters/0", {"in": "query", "schema": {"type": "string"}})),
    Item("parameter-bad-in", Outcome.BROKEN, setting(GET + "/parameters/0/in", ["query"])),
    Item("parameter-schema-string", Outcome.BROKEN, setting(GET + "/parameters/0/schema", "integer")),
    Item("responses-null", Outcome.BROKEN, setting(GET + "/responses", None)),
    Item("responses-list", Outcome.BROKEN, setting(GET + "/responses", [{"200": {}}])),
    Item("response-string", Outcome.BROKEN, setting(OK, "fine")),
    Item("response-code-int-yaml", Outcome.BROKEN, raw("intcode.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n        2XX: {description: ok}\n        999: {description: odd}\n        abc: {description: odd}\n")),
    Item("content-list", Outcome.BROKEN, setting(OK + "/content", ["application/json"])),
    Item("media-type-string", Outcome.BROKEN, setting(OK + "/content/application~1json", "json")),
    Item("request-body-string", Outcome.BROKEN, setting(GET + "/requestBody", "a body")),
    Item("request-body-content-null", Outcome.BROKEN, setting(GET + "/requestBody", {"content": None})),
    Item("components-list", Outcome.BROKEN, setting("/components", [])),
    Item("schemas-list", Outcome.BROKEN, setting("/components/schemas", [{"type": "string"}])),
    Item("schema-string", Outcome.BROKEN, setting(SCHEMA, "an object")),
    Item("schema-number", Outcome.BROKEN, setting(SCHEMA, 42)),
    Item("schema-null", Outcome.BROKEN, setting(SCHEMA, None)),
    Item("properties-list", Outcome.BROKEN, setting(SCHEMA + "/properties", [{"id": {}}])),
    Item("property-string", Outcome.BROKEN, setting(SCHEMA + "/properties/id", "string")),
    Item("required-string", Outcome.BROKEN, setting(SCHEMA + "/required", "id")),
    Item("required-numbers", Outcome.BROKEN, setting(SCHEMA + "/required", [1, None, {"a": 1}])),
    Item("type-number", Outcome.BROKEN, setting(SCHEMA + "/type", 7)),
    Item("type-array-in-30", Outcome.BROKEN, setting(SCHEMA + "/type", ["object", "null"])),
    Item("type-object", Outcome.BROKEN, setting(SCHEMA + "/type", {"object": True})),
    Item("type-array-with-object-31", Outcome.BROKEN, setting(SCHEMA + "/type", ["string", {"a": 1}], version="3.1.0")),
    Item("type-array-mixed-31", Outcome.BROKEN, setting(SCHEMA + "/type", ["string", 3, None], version="3.1.0")),
    Item("enum-string", Outcome.BROKEN, setting(SCHEMA + "/properties/id/enum", "abc")),
    Item("enum-mapping", Outcome.BROKEN, mutated(lambda d: (_set(d, SCHEMA + "/properties/id/enum", {"a": 1}),
                                                           _set(d, ITEM + "/parameters/0/schema/enum", {"a": 1})))),
    Item("enum-number", Outcome.BROKEN, mutated(lambda d: (_set(d, SCHEMA + "/properties/id/enum", 5),
                                                          _set(d, ITEM + "/parameters/0/schema/enum", 5)))),
    Item("items-string", Outcome.BROKEN, setting(SCHEMA + "/properties/size", {"type": "array", "items": "string"})),
    Item("allof-dict", Outcome.BROKEN, setting(SCHEMA + "/allOf", {"type": "object"})),
    Item("allof-boolean", Outcome.BROKEN, setting(SCHEMA + "/allOf", True)),
    Item("anyof-null-31", Outcome.BROKEN, setting(SCHEMA + "/anyOf", None, version="3.1.0")),
    Item("oneof-strings", Outcome.BROKEN, setting(SCHEMA + "/oneOf", ["A", "B", 3])),
    Item("additional-properties-string", Outcome.BROKEN, setting(SCHEMA + "/additionalProperties", "yes")),
    Item("discriminator-string", Outcome.BROKEN, setting(SCHEMA + "/discriminator", "kind")),
    Item("discriminator-mapping-dangling", Outcome.BROKEN, setting(SCHEMA + "/discriminator", {"propertyName": "id", "mapping": {"a": "#/components/schemas/Nope", "b": 5}})),
    Item("nullable-string", Outcome.BROKEN, setting(SCHEMA + "/nullable", "yes")),
    Item("minimum-string", Outcome.BROKEN, setting(SCHEMA + "/properties/size/minimum", "zero")),
    Item("security-string", Outcome.BROKEN, setting("/security", "api-key")),
    Item("security-schemes-list", Outcome.BROKEN, setting("/components/securitySchemes", ["apiKey"])),
    Item("servers-string", Outcome.BROKEN, setting("/servers", "http://127.0.0.1")),
    Item("server-variables-list", Outcome.BROKEN, setting("/servers/0", {"url": "http://{host}/", "variables": ["host"]})),
    Item("tags-dict", Outcome.BROKEN, setting("/tags", {"name": "x"})),
    Item("operation-tags-string", Outcome.BROKEN, setting(GET + "/tags", "items")),
    Item("operation-id-number", Outcome.BROKEN, setting(GET + "/operationId", 12)),
    Item("webhooks-list-31", Outcome.BROKEN, setting("/webhooks", ["a"], version="3.1.0")),
    Item("x-ms-enum-weird", Outcome.VALID, setting(SCHEMA + "/properties/id/x-ms-enum", ["not", "an", "object"])),
    Item("unicode-path-keys", Outcome.BROKEN, mutated(_unicode_paths)),
    Item("keyword-named-properties", Outcome.VALID, mutated(_keyword_names), "properties named like keywords, examples that look like schemas"),
    # ---------------------------------------------------------------- $ref: odd values and cycles
    Item("ref-number", Outcome.BROKEN, setting(OK + "/content/application~1json/schema", {"$ref": 5})),
    Item("ref-empty", Outcome.BROKEN, setting(OK + "/content/application~1json/schema", {"$ref": ""}),
         "a $ref to the whole document, which contains the $ref itself", validate_flags=False),
    Item("ref-dangling-internal", Outcome.BROKEN, setting(OK + "/content/application~1json/schema", {"$ref": "#/components/schemas/Nope"})),
    Item("ref-bad-pointer", Outcome.BROKEN, setting(OK + "/content/application~1json/schema", {"$ref": "#components~schemas"})),
    Item("ref-into-example", Outcome.BROKEN, setting(OK + "/content/application~1json/schema", {"$ref": "#/paths/~1items~1{id}/get/responses/404/description"})),
    Item("ref-cycle-allof", Outcome.VALID, mutated(_cycle_allof)),
    Item("ref-cycle-items", Outcome.VALID, mutated(_cycle_items)),
    Item("ref-cycle-additional-properties", Outcome.VALID, mutated(_cycle_addl)),
    Item("ref-cycle-mutual-oneof", Outcome.VALID, mutated(_cycle_mutual)),
    Item("ref-cycle-31-type-arrays", Outcome.VALID, mutated(_cycle_31, version="3.1.0")),
    Item("ref-pure-alias-cycle", Outcome.BROKEN, mutated(_cycle_pure_alias), "A -> B -> A with nothing in between"),
    Item("ref-self-parameter", Outcome.BROKEN, mutated(_self_ref_param)),
    Item("ref-self-response", Outcome.BROKEN, mutated(_self_ref_response)),
    Item("ref-self-path-item", Outcome.BROKEN, mutated(_self_ref_path_item)),
    # ---------------------------------------------------------------- external refs
    Item("ref-missing-file", Outcome.REFUSE, with_files(_ref_to("missing.json#/X"))),
    Item("ref-escape-dotdot", Outcome.REFUSE, with_files(_ref_to(lambda ctx: f"../{ctx.outside.name}/secret.json"),
                                                         extra=lambda f, ctx: (ctx.outside / "secret.json").write_text('{"type": "string"}'))),
    Item("ref-absolute-path", Outcome.REFUSE, with_files(_ref_to("/etc/passwd"))),
    Item("ref-absolute-dev-zero", Outcome.REFUSE, with_files(_ref_to("/dev/zero"))),
    Item("ref-symlink-file-out", Outcome.REFUSE, with_files(_ref_to("link.json"), extra=_symlink_out)),
    Item("ref-symlink-dir-out", Outcome.REFUSE, with_files(_ref_to("shared/s.json"), extra=_symlink_dir_out)),
    Item("ref-fifo", Outcome.REFUSE, with_files(_ref_to("pipe.json"), extra=_fifo)),
    Item("ref-directory", Outcome.REFUSE, with_files(_ref_to("adir.json"), extra=_dir_ref)),
    Item("ref-remote-http", Outcome.REFUSE, with_files(_ref_to(lambda ctx: f"http://127.0.0.1:{ctx.remote_port}/schema.json#/X"))),
    Item("ref-remote-https", Outcome.REFUSE, with_files(_ref_to(lambda ctx: f"https://127.0.0.1:{ctx.remote_port}/schema.json"))),
    Item("ref-remote-in-external", Outcome.REFUSE, with_files(_ref_to("ext.json"), extra=lambda f, ctx: (f / "ext.json").write_text(json.dumps({"$ref": f"http://127.0.0.1:{ctx.remote_port}/x.json"})))),
    Item("ref-file-scheme", Outcome.REFUSE, with_files(_ref_to("file:///etc/passwd"))),
    Item("ref-other-scheme", Outcome.REFUSE, with_files(_ref_to("ftp://127.0.0.1/x.json"))),
    Item("ref-external-malformed", Outcome.REFUSE, with_files(_ref_to("bad.json"), files={"bad.json": "{not json"})),
    Item("ref-external-alias-bomb", Outcome.REFUSE, with_files(_ref_to("bomb.yaml"), files={"bomb.yaml": _alias_bomb()})),
    Item("ref-external-cycle", Outcome.VALID, with_files(_ref_to("a.json"), files={
        "a.json": {"type": "object", "properties": {"b": {"$ref": "b.json"}}},
        "b.json": {"type": "array", "items": {"$ref": "a.json"}}})),
    Item("ref-external-fragment-missing", Outcome.REFUSE, with_files(_ref_to("ok.json#/nope"), files={"ok.json": {"type": "string"}})),
    Item("ref-external-example-missing", Outcome.VALID, with_files(
        lambda d, ctx: d["paths"]["/items/{id}"]["get"]["responses"]["200"]["content"]["application/json"].__setitem__(
            "examples", {"one": {"$ref": "examples/missing.json"}}))),
]


def write_corpus(root: Path, ctx: Context) -> dict[str, Path]:
    """Write every item into `root/<item name>/` and return item name -> spec path."""
    paths: dict[str, Path] = {}
    for item in CORPUS:
        folder = root / item.name
        folder.mkdir(parents=True, exist_ok=True)
        paths[item.name] = item.build(folder, ctx)
    return paths
