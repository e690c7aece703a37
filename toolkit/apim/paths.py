"""Path templates as APIM sees them: an operation's signature is its method plus its URL template with the
parameter names erased (`GET /items/{}`), and a path parameter's name is not on the wire, so it may be renamed
freely, in the template and in its declaration together."""

from __future__ import annotations

import re
from typing import Any, Callable

from .structure import METHODS

_TEMPLATE_PARAMETER = re.compile(r"\{([^{}]+)\}")


def template_names(path: str) -> list[str]:
    return _TEMPLATE_PARAMETER.findall(path)


def signature(path: str) -> str:
    """The URL template with parameter names erased: `/items/{id}` and `/items/{path}` share `/items/{}`."""
    return _TEMPLATE_PARAMETER.sub("{}", path)


def signature_groups(paths: Any) -> dict[str, list[str]]:
    """Erased template -> the path keys that share it (only groups of two or more), in document order."""
    groups: dict[str, list[str]] = {}
    for path in paths if isinstance(paths, dict) else []:
        groups.setdefault(signature(path), []).append(path)
    return {sig: keys for sig, keys in groups.items() if len(keys) > 1}


def rename_in_template(path: str, renames: dict[str, str]) -> str:
    return _TEMPLATE_PARAMETER.sub(lambda m: "{" + renames.get(m.group(1), m.group(1)) + "}", path)


def rename_path_parameters(item: dict[str, Any], renames: dict[str, str], deref: Callable[[Any], Any],
                           methods: tuple[str, ...] = METHODS) -> None:
    """Rename the `in: path` parameters declared on a path item and on the given operations (all at once, so a
    swap `{a: b, b: a}` works). Parameters that are references are renamed where they point (after
    `inline-components` there are none left)."""
    holders = [item.get("parameters")] + [item[m].get("parameters") for m in methods if isinstance(item.get(m), dict)]
    for params in holders:
        for param in params if isinstance(params, list) else []:
            target = deref(param)
            if isinstance(target, dict) and target.get("in") == "path" and target.get("name") in renames:
                target["name"] = renames[target["name"]]


def rename_path_key(paths: dict[str, Any], old: str, new: str) -> None:
    """Rename one key of the Paths object, keeping the order of the others."""
    items = list(paths.items())
    paths.clear()
    for key, value in items:
        paths[new if key == old else key] = value
