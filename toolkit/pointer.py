"""JSON Pointer (RFC 6901) helpers.

Hand-written on purpose: the diff, downgrade and lint passes resolve hundreds of thousands of pointers into
plain dicts, and a direct walk is several times faster than going through a generic resolver object.
"""

from __future__ import annotations

from typing import Any, Iterable

_MISSING = object()


def escape(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(base: str, *tokens: object) -> str:
    """Append tokens to a pointer: join("#/paths", "/chat") == "#/paths/~1chat"."""
    for token in tokens:  # the schema walks call this hundreds of thousands of times: keep it a plain loop
        text = token if isinstance(token, str) else str(token)
        if "~" in text or "/" in text:
            text = text.replace("~", "~0").replace("/", "~1")
        base = f"{base}/{text}"
    return base


def split(pointer: str) -> list[str]:
    """Tokens of a pointer, with or without the leading '#'."""
    body = pointer[1:] if pointer.startswith("#") else pointer
    if body in ("", "/"):
        return [] if body == "" else [""]
    if not body.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return [unescape(t) for t in body[1:].split("/")]


def resolve(document: Any, pointer: str, default: Any = _MISSING) -> Any:
    """The value at `pointer` in `document`; raise KeyError (or return `default`) when it is absent."""
    node = document
    try:
        tokens = split(pointer)
    except ValueError:  # a malformed pointer (`#components`) points at nothing
        if default is not _MISSING:
            return default
        raise
    for token in tokens:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            if default is not _MISSING:
                return default
            raise KeyError(pointer)
    return node


def from_tokens(tokens: Iterable[object]) -> str:
    return join("#", *tokens)
