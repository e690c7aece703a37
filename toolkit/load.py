"""Safe loading of OpenAPI documents: parse, check limits, bundle external `$ref`s.

Everything downstream (model, diff, downgrade, apim, contract, mock) receives one self-contained document with
only internal `#/...` references, so no later layer ever touches the file system or the network.

Why hand-written parts: PyYAML refuses the duplicate anchors found in real upstream files, resolves YAML 1.1
timestamps (turning `2024-10-21` into a date) and expands alias bombs silently; `referencing` resolves refs but
does not confine them to a folder, does not bundle, and would fetch remote documents. The parsing itself is
still libyaml (C) and the stdlib JSON decoder; YAML documents are built straight from libyaml's events (3x
faster than PyYAML's node tree), with PyYAML's own loader for the rare constructs that builder leaves to it.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import json
import math
import os
import re
import stat
import tempfile
import warnings as _warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urljoin, urlparse

import yaml

from . import pointer as jp
from .errors import LimitExceeded, OutputError, RefError, SpecLoadError


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile document from exhausting time or memory."""

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 400
    max_nodes: int = 10_000_000
    max_files: int = 1_000


@dataclass(frozen=True)
class LoadWarning:
    """Something odd but survivable about the input, kept so `validate` and reports can show it."""

    id: str
    file: str
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message} at {self.pointer}"


@dataclass(frozen=True)
class RawFile:
    """The file as the user has it, before the loader made it friendly: its size as written, its encoding and
    byte-order mark, and (when it had external `$ref`s outside `x-` extensions) the document before bundling.
    `apim lint` judges these, because they are what an import would receive."""

    size_bytes: int
    encoding: str = "utf-8"
    bom: bool = False
    unbundled: dict[str, Any] | None = None


@dataclass
class LoadedDocument:
    """A parsed, bundled document and what the loader noticed on the way."""

    path: Path
    document: dict[str, Any]
    format: str
    warnings: list[LoadWarning] = field(default_factory=list)
    raw: RawFile | None = None


# --------------------------------------------------------------------------------------------------- parsing


def _use_yaml12_scalars(loader_cls: type) -> None:
    """YAML 1.2 core-schema scalars: no timestamps, only true/false as booleans."""
    resolvers = {}
    for first, entries in loader_cls.yaml_implicit_resolvers.items():
        kept = [(tag, rx) for tag, rx in entries if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
        if kept:
            resolvers[first] = kept
    loader_cls.yaml_implicit_resolvers = resolvers
    loader_cls.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
    """Mappings with string keys (`200:` becomes "200") where a repeated key keeps the later value, noted."""
    loader.flatten_mapping(node)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, bool):
            key = "true" if key else "false"
        elif key is None:
            key = "null"
        elif isinstance(key, (int, float)):
            key = str(key)
        elif not isinstance(key, str):
            raise yaml.constructor.ConstructorError(None, None, f"unsupported mapping key {key!r}", key_node.start_mark)
        if key in result:
            loader.duplicate_keys.append((result, key, key_node.start_mark.line + 1))
        result[key] = loader.construct_object(value_node, deep=deep)
    return result


class _FastLoader(yaml.CSafeLoader):  # libyaml parser and composer
    pass


class _TolerantLoader(yaml.SafeLoader):
    """Pure-Python fallback that accepts duplicate anchors (the later one wins), as YAML 1.2 loaders do."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.events.AliasEvent):
            return super().compose_node(parent, index)
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None and anchor in self.anchors:
            self.duplicate_anchors.append((anchor, event.start_mark.line + 1))
            del self.anchors[anchor]
        return super().compose_node(parent, index)


def _construct_finite_float(loader: Any, node: yaml.ScalarNode) -> float:
    """YAML floats, minus `.inf`/`.nan` and overflowing literals: JSON (and so OpenAPI) cannot hold them."""
    value = yaml.SafeLoader.construct_yaml_float(loader, node)
    if not math.isfinite(value):
        raise yaml.constructor.ConstructorError(
            None, None, f"number {node.value!r} is not finite, which JSON cannot represent", node.start_mark)
    return value


def _refuse_non_json_tag(loader: Any, node: yaml.Node) -> Any:
    """`!!binary`, `!!set`, `!!timestamp`, `!!omap`, `!!pairs` build Python objects JSON has no place for."""
    raise yaml.constructor.ConstructorError(
        None, None, f"YAML tag {node.tag!r} is not allowed: an OpenAPI document holds JSON values only", node.start_mark)


for _cls in (_FastLoader, _TolerantLoader):
    _use_yaml12_scalars(_cls)
    _cls.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    _cls.add_constructor("tag:yaml.org,2002:float", _construct_finite_float)
    for _tag in ("binary", "set", "timestamp", "omap", "pairs"):
        _cls.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_non_json_tag)


class _NeedsFullLoader(Exception):
    """Something the event builder leaves to PyYAML's own constructor (explicit tags, merge keys, complex keys,
    undefined aliases, a second document): rare in OpenAPI files, and PyYAML then gives its usual result or error."""


@dataclass
class _EventBuild:
    duplicate_keys: list[tuple[dict[str, Any], str, int]] = field(default_factory=list)
    duplicate_anchors: list[tuple[str, int]] = field(default_factory=list)


def _yaml_from_events(text: str, name: str, max_depth: int) -> tuple[Any, _EventBuild]:
    """The document built straight from libyaml's parse events, 3x faster than PyYAML's composer and constructor
    (which build a node tree first, then walk it object by object), with the same result: the same implicit
    resolvers and scalar constructors as `_FastLoader`, mapping keys made strings, repeated keys (the later wins)
    and repeated anchors (the later wins, as in YAML 1.2 loaders) noted with their line."""
    try:
        from yaml._yaml import CParser
    except ImportError:  # a PyYAML built without libyaml
        raise _NeedsFullLoader from None

    resolvers = _FastLoader.yaml_implicit_resolvers
    wildcard = resolvers.get(None, [])
    constructors = _FastLoader.yaml_constructors
    scalars = yaml.constructor.SafeConstructor()
    build = _EventBuild()
    anchors: dict[str, Any] = {}
    open_ids: set[int] = set()
    stack: list[list[Any]] = []  # [container, key, key given, key line]
    root: Any = None
    documents = 0
    parser = CParser(text)
    try:
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if event.tag not in (None, "!"):
                    raise _NeedsFullLoader
                value = event.value
                if event.implicit[0]:
                    tag = next((t for t, rx in (resolvers.get(value[:1] or "", []) + wildcard) if rx.match(value)),
                               "tag:yaml.org,2002:str")
                    if tag != "tag:yaml.org,2002:str":
                        construct = constructors.get(tag)
                        if construct is None or tag == "tag:yaml.org,2002:merge":
                            raise _NeedsFullLoader
                        value = construct(scalars, yaml.ScalarNode(tag, value, event.start_mark, event.end_mark))
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.tag not in (None, "!"):
                    raise _NeedsFullLoader
                container: Any = {} if kind is yaml.MappingStartEvent else []
                if event.anchor is not None:
                    _define_anchor(anchors, event, container, build)
                stack.append([container, None, False, 0])
                open_ids.add(id(container))
                if len(stack) > max_depth:
                    raise LimitExceeded(name, f"nesting deeper than {max_depth} levels")
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                value = stack.pop()[0]
                open_ids.discard(id(value))
            elif kind is yaml.AliasEvent:
                if event.anchor not in anchors:
                    raise _NeedsFullLoader  # PyYAML's "found undefined alias" error
                value = anchors[event.anchor]
                if id(value) in open_ids:  # PyYAML would build a list that contains itself
                    raise SpecLoadError(name, f"YAML alias *{event.anchor} (line {event.start_mark.line + 1}) refers to "
                                              "a node that contains it: a JSON document cannot contain itself")
            elif kind is yaml.StreamEndEvent:
                break
            elif kind is yaml.DocumentStartEvent and documents:
                raise _NeedsFullLoader  # PyYAML's "expected a single document" error
            else:
                documents += kind is yaml.DocumentStartEvent
                continue  # stream and document boundaries
            if kind is yaml.ScalarEvent and event.anchor is not None:
                _define_anchor(anchors, event, value, build)
            if not stack:
                root = value
                continue
            top = stack[-1]
            if type(top[0]) is list:
                top[0].append(value)
            elif not top[2]:
                top[1], top[2], top[3] = _mapping_key(value), True, event.start_mark.line + 1
            else:
                if top[1] in top[0]:
                    build.duplicate_keys.append((top[0], top[1], top[3]))
                top[0][top[1]] = value
                top[2] = False
    finally:
        parser.dispose()
    return root, build


def _define_anchor(anchors: dict[str, Any], event: Any, value: Any, build: _EventBuild) -> None:
    if event.anchor in anchors:
        build.duplicate_anchors.append((event.anchor, event.start_mark.line + 1))
    anchors[event.anchor] = value


def _mapping_key(key: Any) -> str:
    """A mapping key as `_construct_mapping` makes it: `200:` and `true:` become strings."""
    if type(key) is str:
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, (int, float)):
        return str(key)
    raise _NeedsFullLoader  # PyYAML's "unsupported mapping key" error


def _yaml_load(text: str, loader_cls: type) -> tuple[Any, Any]:
    loader = loader_cls(text)
    loader.duplicate_keys = []
    loader.duplicate_anchors = []
    try:
        return loader.get_single_data(), loader
    finally:
        loader.dispose()


def _json_pairs(pairs: list[tuple[str, Any]], duplicates: list[tuple[dict[str, Any], str]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            duplicates.append((result, key))
        result[key] = value
    return result


def _pointers_to(tree: Any, containers: list[dict[str, Any]]) -> dict[int, str]:
    """The JSON pointer of each given mapping inside `tree` (a walk that only runs when a key was repeated)."""
    wanted = {id(c) for c in containers}
    found: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(tree, "#")]
    while stack and len(found) < len(wanted):
        node, where = stack.pop()
        if id(node) in wanted and id(node) not in found:
            found[id(node)] = where
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        stack.extend((child, jp.join(where, key)) for key, child in children if isinstance(child, (dict, list)))
    return found


def _note_duplicate_keys(tree: Any, name: str, duplicates: list[tuple[dict[str, Any], str, int | None]],
                         notes: list[LoadWarning]) -> None:
    """One `duplicate-key` note per repeated key, with the pointer of the key (two tools may read either value)."""
    where = _pointers_to(tree, [container for container, _key, _line in duplicates])
    for container, key, line in duplicates:
        at = f" (line {line})" if line else ""
        notes.append(LoadWarning("duplicate-key", name, jp.join(where.get(id(container), "#"), key),
                                 f"duplicate key {key!r}{at}; the later value is kept"))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is out of range (it would become infinity)")
    return value


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _check_surrogates(value: Any, name: str) -> None:
    """JSON may escape a lone UTF-16 surrogate (`"\\ud800"`): no character, and no output can encode it."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise SpecLoadError(name, f"string {node[:40]!r} holds a lone UTF-16 surrogate "
                                          f"{node[exc.start]!r}, which is not valid Unicode") from None


def detect_format(name: str, text: str) -> str:
    lower = name.lower()
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


# UTF-32 first: its little-endian mark starts with UTF-16's
_BYTE_ORDER_MARKS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def detect_encoding(data: bytes) -> tuple[str, bool]:
    """(encoding, has a byte-order mark): UTF-8 unless a UTF-16/32 mark says otherwise (RFC 8259 §8.1)."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return encoding, True
    return "utf-8", False


def parse_text(data: bytes, name: str, limits: Limits, notes: list[LoadWarning], fmt: str | None = None) -> tuple[Any, str]:
    """Decode and parse one file's bytes into plain Python data; every failure names the file."""
    if len(data) > limits.max_bytes:
        raise LimitExceeded(name, f"file is {len(data):,} bytes, over the {limits.max_bytes:,}-byte limit")
    encoding, _ = detect_encoding(data)
    try:
        text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        raise SpecLoadError(name, f"not valid {encoding.upper()} (byte {exc.start:,}: "
                                  f"{data[exc.start:exc.start + 1]!r})") from None
    fmt = fmt or detect_format(name, text)
    try:
        if fmt == "json":
            duplicates: list[tuple[dict[str, Any], str]] = []
            value = json.loads(
                text, object_pairs_hook=lambda p: _json_pairs(p, duplicates), parse_constant=_refuse_constant,
                parse_float=_finite_float,
            )
            if _SURROGATE_ESCAPE.search(text):
                _check_surrogates(value, name)
            if duplicates:
                _note_duplicate_keys(value, name, [(container, key, None) for container, key in duplicates], notes)
        else:
            try:
                value, loader = _yaml_from_events(text, name, limits.max_depth)
            except _NeedsFullLoader:
                try:
                    value, loader = _yaml_load(text, _FastLoader)
                except yaml.composer.ComposerError as exc:
                    if "duplicate anchor" not in str(exc):
                        raise
                    value, loader = _yaml_load(text, _TolerantLoader)
            for anchor, line in loader.duplicate_anchors:
                notes.append(
                    LoadWarning("duplicate-anchor", name, f"line {line}", f"duplicate YAML anchor &{anchor}; the later one wins")
                )
            if loader.duplicate_keys:
                _note_duplicate_keys(value, name, loader.duplicate_keys, notes)
    except RecursionError:
        raise LimitExceeded(name, "document is nested too deeply to parse") from None
    except json.JSONDecodeError as exc:
        raise SpecLoadError(name, f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SpecLoadError(name, f"malformed YAML: {problem}{where}") from None
    except ValueError as exc:  # NaN/Infinity, integers past Python's digit limit
        raise SpecLoadError(name, f"unreadable value: {exc}") from None
    return value, fmt


# --------------------------------------------------------------------------------------------------- limits


def _scan(value: Any, name: str, limits: Limits) -> bool:
    """Check nesting depth; return True when containers are shared (YAML aliases). Never revisits a node."""
    seen: set[int] = set()
    shared = False
    stack: list[tuple[Any, int, str]] = [(value, 0, "#")]
    while stack:
        node, depth, where = stack.pop()
        if depth > limits.max_depth:
            raise LimitExceeded(name, f"nesting deeper than {limits.max_depth} levels", where)
        if isinstance(node, dict):
            items: Iterator[tuple[Any, Any]] = iter(node.items())
        elif isinstance(node, list):
            items = enumerate(node)
        else:
            continue
        if id(node) in seen:
            shared = True
            continue
        seen.add(id(node))
        for key, child in items:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1, where if depth > 8 else jp.join(where, key)))
    return shared


def _expanded_size(value: Any) -> int:
    """Node count once every alias is expanded, computed without expanding (memoised over the DAG)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children = list(node.values()) if isinstance(node, dict) else list(node)
        kids = [c for c in children if isinstance(c, (dict, list))]
        if done:
            sizes[id(node)] = 1 + (len(children) - len(kids)) + sum(sizes[id(c)] for c in kids)
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in kids if id(c) not in sizes)
    return sizes.get(id(value), 1)


def check_limits(value: Any, name: str, limits: Limits) -> Any:
    """Refuse over-deep or alias-bomb documents; return a tree with no shared containers."""
    if not isinstance(value, (dict, list)):
        return value
    if _scan(value, name, limits):
        size = _expanded_size(value)
        if size > limits.max_nodes:
            raise LimitExceeded(
                name, f"YAML aliases expand to {size:,} nodes, over the {limits.max_nodes:,} limit (an alias bomb?)"
            )
        value = json.loads(json.dumps(value))  # unshare, so later in-place edits touch one place only
    return value


# --------------------------------------------------------------------------------------------------- $ref bundling


def ref_sites(node: Any, where: str = "#") -> Iterator[tuple[Any, Any, dict[str, Any], str]]:
    """(container, key, ref object, pointer) for every `{"$ref": str}` object under `node`."""
    stack: list[tuple[Any, Any, Any, str]] = [(None, None, node, where)]
    while stack:
        parent, key, value, ptr = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("$ref"), str):
                yield parent, key, value, ptr
            for k, v in value.items():
                if isinstance(v, (dict, list)):
                    stack.append((value, k, v, jp.join(ptr, k)))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, (dict, list)):
                    stack.append((value, i, v, jp.join(ptr, i)))


def is_example_context(ptr: str) -> bool:
    """True under an example value or a vendor extension: a `$ref` there names data, not a schema."""
    return any(t.startswith("x-") or t in ("examples", "example") for t in jp.split(ptr))


def _in_extension(ptr: str) -> bool:
    """Inside an `x-` extension value, which importers such as APIM keep as opaque data and never resolve."""
    return any(t.startswith("x-") for t in jp.split(ptr))


def _is_remote(ref: str) -> bool:
    return urlparse(ref).scheme in ("http", "https")


Fetcher = Callable[[str], bytes]


class _Bundler:
    """Inline every external `$ref` into the root document, confined to the root's folder."""

    def __init__(self, root: Path, limits: Limits, notes: list[LoadWarning], allow_remote: bool, fetch: Fetcher | None):
        self.root_dir = root.parent.resolve()
        self.root_key = str(root.resolve())
        self.limits = limits
        self.notes = notes
        self.allow_remote = allow_remote
        self.fetch = fetch
        self.documents: dict[str, Any] = {}
        self.hoisted: dict[tuple[str, str], str] = {}
        self.hoisted_content: dict[str, Any] = {}
        self.unbundled: dict[str, Any] | None = None

    # -- locating and reading the documents behind refs
    def _locate(self, ref_file: str, base: str, where: str) -> str:
        if _is_remote(base) or _is_remote(ref_file):
            target = urljoin(base, ref_file)
            if not self.allow_remote:
                raise RefError(self.root_key, f"remote $ref {target!r} is not fetched; pass --allow-remote-refs to allow it", where)
            return target
        if urlparse(ref_file).scheme:
            raise RefError(self.root_key, f"$ref {ref_file!r} uses an unsupported scheme", where)
        target = (Path(base).parent / ref_file).resolve()
        if not target.is_relative_to(self.root_dir):
            raise RefError(self.root_key, f"$ref {ref_file!r} escapes the spec's folder {self.root_dir}", where)
        return str(target)

    def _document(self, key: str, where: str) -> Any:
        if key in self.documents:
            return self.documents[key]
        if len(self.documents) >= self.limits.max_files:
            raise LimitExceeded(self.root_key, f"more than {self.limits.max_files} referenced files", where)
        if _is_remote(key):
            assert self.fetch is not None
            data = self.fetch(key)
        else:
            path = Path(key)
            if not path.is_file():
                raise FileNotFoundError(key)
            if path.stat().st_size > self.limits.max_bytes:
                raise LimitExceeded(key, f"file is over the {self.limits.max_bytes:,}-byte limit")
            data = path.read_bytes()
        value, _ = parse_text(data, key, self.limits, self.notes)
        value = check_limits(value, key, self.limits)
        self.documents[key] = value
        return value

    # -- inlining
    def bundle(self, document: dict[str, Any]) -> None:
        self.documents[self.root_key] = document
        sites = list(ref_sites(document))
        if any(not site[2]["$ref"].startswith("#") and not _in_extension(site[3]) for site in sites):
            self.unbundled = copy.deepcopy(document)  # the file as written, for `apim lint`
        self._process(document, self.root_key, [], sites)
        if self.hoisted_content:
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for name, content in self.hoisted_content.items():
                schemas[name] = content

    def _process(self, node: Any, base: str, stack: list[tuple[str, str]],
                 sites: list[tuple[Any, Any, dict[str, Any], str]] | None = None) -> None:
        for parent, key, ref_obj, where in sites if sites is not None else list(ref_sites(node)):
            ref = ref_obj["$ref"]
            if base == self.root_key and ref.startswith("#"):
                continue
            replacement = self._resolve_site(ref, base, stack, where)
            siblings = {k: v for k, v in ref_obj.items() if k != "$ref"}
            if isinstance(replacement, dict) and siblings:
                replacement = {**replacement, **siblings}
            if parent is None:
                raise RefError(self.root_key, "the document root cannot be a $ref", where)
            parent[key] = replacement

    def _resolve_site(self, ref: str, base: str, stack: list[tuple[str, str]], where: str) -> Any:
        ref_file, _, fragment = ref.partition("#")
        fragment = "#" + fragment
        target = base if not ref_file else self._locate(ref_file, base, where)
        site = (target, fragment)
        if target == self.root_key:
            return {"$ref": fragment}
        if site in self.hoisted:
            return {"$ref": self.hoisted[site]}
        if site in stack:  # a cycle through external files: hoist the target into components/schemas
            name = self._hoist_name(target, fragment)
            self.hoisted[site] = jp.join("#/components/schemas", name)
            return {"$ref": self.hoisted[site]}
        try:
            content = copy.deepcopy(jp.resolve(self._document(target, where), fragment))
        except (FileNotFoundError, KeyError):
            shown = ref if len(ref) < 200 else ref[:200] + "..."
            if is_example_context(where):
                self.notes.append(LoadWarning("missing-external-example", self.root_key, where, f"external example {shown!r} not found; left out"))
                return {"x-unresolved-ref": ref}
            raise RefError(self.root_key, f"dangling external $ref {shown!r}", where) from None
        stack.append(site)
        if isinstance(content, (dict, list)):
            self._process(content, target, stack)
        stack.pop()
        if site in self.hoisted:
            self.hoisted_content[self.hoisted[site].rsplit("/", 1)[-1]] = content
            return {"$ref": self.hoisted[site]}
        return content

    def _hoist_name(self, target: str, fragment: str) -> str:
        stem = re.sub(r"[^A-Za-z0-9._-]", "_", Path(urlparse(target).path).stem)
        last = re.sub(r"[^A-Za-z0-9._-]", "_", jp.split(fragment)[-1] if jp.split(fragment) else "root")
        name, n = f"{stem}.{last}", 1
        while name in self.hoisted_content or any(v.endswith("/" + name) for v in self.hoisted.values()):
            n += 1
            name = f"{stem}.{last}{n}"
        return name


def _default_fetch(limits: Limits) -> Fetcher:
    def fetch(url: str) -> bytes:
        import httpx

        try:
            with httpx.Client(timeout=20, follow_redirects=True) as client:
                response = client.get(url)
                response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RefError(url, f"could not fetch remote $ref: {exc}") from None
        if len(response.content) > limits.max_bytes:
            raise LimitExceeded(url, "remote document is over the size limit")
        return response.content

    return fetch


# --------------------------------------------------------------------------------------------------- entry point


def load(
    path: str | Path,
    *,
    allow_remote_refs: bool = False,
    limits: Limits | None = None,
    fetch: Fetcher | None = None,
) -> LoadedDocument:
    """Read, parse, limit-check and bundle one OpenAPI document.

    Raises `SpecLoadError` (or a subclass) with the file name and, where known, a JSON pointer.
    """
    limits = limits or Limits()
    path = Path(path)
    name = str(path)
    try:
        if not path.is_file():
            raise SpecLoadError(name, "no such file")
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise LimitExceeded(name, f"file is {size:,} bytes, over the {limits.max_bytes:,}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise SpecLoadError(name, f"cannot read file: {exc.strerror or exc}") from None
    notes: list[LoadWarning] = []
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        document, fmt = parse_text(data, name, limits, notes)
    document = check_limits(document, name, limits)
    if not isinstance(document, dict):
        raise SpecLoadError(name, f"top level is {type(document).__name__}, not a mapping: not an OpenAPI document")
    version = document.get("openapi", document.get("swagger"))
    if not isinstance(version, str):
        raise SpecLoadError(name, "no 'openapi' version string: not an OpenAPI document", "#/openapi")
    if not re.match(r"^3\.[01]\.\d+", version):
        raise SpecLoadError(name, f"OpenAPI version {version!r} is not supported (3.0.x and 3.1.x are)", "#/openapi")
    bundler = _Bundler(path, limits, notes, allow_remote_refs, fetch or (_default_fetch(limits) if allow_remote_refs else None))
    bundler.bundle(document)
    if bundler.documents.keys() - {bundler.root_key}:
        document = check_limits(document, name, limits)
    encoding, bom = detect_encoding(data)
    if encoding != "utf-8":
        notes.append(LoadWarning("encoding", name, "#", f"the file is {encoding.upper()}; JSON and most OpenAPI "
                                                        "tools (API Management among them) expect UTF-8"))
    raw = RawFile(size_bytes=len(data), encoding=encoding, bom=bom, unbundled=bundler.unbundled)
    return LoadedDocument(path=path, document=document, format=fmt, warnings=notes, raw=raw)


# --------------------------------------------------------------------------------------------------- line map


@dataclass
class LineMap:
    """Where each JSON pointer of one file starts (1-based line and column): object members at their key, array
    items at their first character. Built on demand (GitHub annotations need it, loading does not)."""

    positions: dict[str, tuple[int, int]]

    def locate(self, pointer: str | None) -> tuple[int, int] | None:
        """The position of `pointer`, else of its nearest ancestor in this file (a pointer into content the
        bundler inlined from another file lands on the `$ref` that brought it in)."""
        if not pointer:
            return None
        while True:
            if pointer in self.positions:
                return self.positions[pointer]
            if "/" not in pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


def _json_positions(text: str) -> Iterator[tuple[str, int]]:
    """(pointer, character offset) for every value of a JSON text. Hand-written: the stdlib decoder keeps no
    positions, and json-source-map (PyPI) leaves `/` in keys unescaped (`/paths//chat`) and is 5x slower."""
    stack: list[list[Any]] = []  # [pointer, is_object, key or index, expecting_key]
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        top = stack[-1] if stack else None
        if token in "}]":
            stack.pop()
            continue
        if token == ",":
            if top is not None and top[1]:
                top[3] = True
            elif top is not None:
                top[2] += 1
            continue
        if token == ":":
            continue
        if top is not None and top[1] and top[3]:  # an object key
            key = json.loads(token) if "\\" in token else token[1:-1]
            top[2], top[3] = key, False
            yield jp.join(top[0], key), match.start()
            continue
        pointer = "#" if top is None else jp.join(top[0], top[2])
        if top is None or not top[1]:
            yield pointer, match.start()
        if token in "{[":
            stack.append([pointer, token == "{", 0, token == "{"])


def _yaml_positions(text: str) -> Iterator[tuple[str, int, int]]:
    """(pointer, line, column), 0-based, from libyaml's parse events (no node tree is built)."""
    stack: list[list[Any]] = []  # [pointer or None, is_mapping, key or index, expecting_key]
    for event in yaml.parse(text, Loader=_FastLoader):
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            if stack and stack[-1][1]:
                stack[-1][3] = True
            continue
        if not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            continue
        top = stack[-1] if stack else None
        mark = event.start_mark
        if top is not None and top[1] and top[3]:  # a mapping key
            top[3] = False
            if isinstance(event, yaml.ScalarEvent):
                top[2] = event.value
                if top[0] is not None:
                    yield jp.join(top[0], event.value), mark.line, mark.column
                continue
            top[2] = None  # a complex key: nothing below it has a pointer
            pointer = None
        elif top is None:
            pointer = "#"
            yield pointer, mark.line, mark.column
        elif top[1]:
            pointer = jp.join(top[0], top[2]) if top[0] is not None and top[2] is not None else None
        else:
            pointer = jp.join(top[0], top[2]) if top[0] is not None else None
            top[2] += 1
            if pointer is not None:
                yield pointer, mark.line, mark.column
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            stack.append([pointer, isinstance(event, yaml.MappingStartEvent), 0, True])
        elif top is not None and top[1]:
            top[3] = True


def line_map(text: str, fmt: str) -> LineMap:
    """The pointer -> (line, column) map of one JSON or YAML text (its `$ref`s are not followed)."""
    positions: dict[str, tuple[int, int]] = {}
    if fmt == "json":
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        import bisect

        for pointer, offset in _json_positions(text):
            if pointer not in positions:
                row = bisect.bisect_right(starts, offset) - 1
                positions[pointer] = (row + 1, offset - starts[row] + 1)
    else:
        for pointer, row, column in _yaml_positions(text):
            positions.setdefault(pointer, (row + 1, column + 1))
    return LineMap(positions)


def line_map_of(path: Path, limits: Limits | None = None) -> LineMap | None:
    """The line map of a spec file, or None when it cannot be read or scanned (annotations then carry no line)."""
    limits = limits or Limits()
    try:
        data = path.read_bytes()
        if len(data) > limits.max_bytes:
            return None
        text = data.decode("utf-8-sig")
        return line_map(text, detect_format(path.name, text))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, IndexError, RecursionError):
        return None


def write_atomic(path: Path, data: bytes | str, *, durable: bool = False) -> None:
    """Write through a temporary file in the same folder, then rename: a reader never sees half a file, and a
    failure leaves the previous file as it was. `durable` also fsyncs (the store's verified copies).

    The one atomic-write helper of the project; OutputError names the file and the reason."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        os.fchmod(fd, _file_mode(path))  # mkstemp makes it 0600: keep the replaced file's mode, else the umask's
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise OutputError(path, str(exc.strerror or exc)) from None


class BodyTooLarge(Exception):
    """A streamed body passed its byte limit: `size` bytes were announced (`announced`) or have arrived."""

    def __init__(self, size: int, announced: bool) -> None:
        super().__init__(f"{size:,} bytes")
        self.size, self.announced = size, announced


def read_capped(chunks: Iterable[bytes], limit: int, *, announced: int | None = None,
                progress: Callable[[int], None] | None = None) -> bytes:
    """A streamed body (an HTTP download) in full, given up as soon as its announced length or what has arrived
    passes `limit` bytes, so no server makes us hold more than that. `progress(received)` follows each chunk.

    The one capped-read helper of the project (store downloads, the GitHub client): each caller turns
    `BodyTooLarge` into its own error."""
    if announced is not None and announced > limit:
        raise BodyTooLarge(announced, announced=True)
    parts: list[bytes] = []
    received = 0
    for chunk in chunks:
        received += len(chunk)
        if received > limit:
            raise BodyTooLarge(received, announced=False)
        parts.append(chunk)
        if progress is not None:
            progress(received)
    return b"".join(parts)


def _file_mode(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0o022)  # the only portable way to read the umask is to set it, then put it back
        os.umask(mask)
        return 0o666 & ~mask


def dump(document: Any, fmt: str = "json", *, minify: bool = False) -> str:
    """Serialise a document as JSON (pretty or minified) or YAML, keeping key order and exact integers."""
    if fmt == "yaml":
        return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
    if minify:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


class _Dumper(yaml.SafeDumper):
    """Never emits anchors/aliases, so the YAML output reads like the JSON one."""

    def ignore_aliases(self, data: Any) -> bool:
        return True
