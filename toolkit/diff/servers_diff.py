"""Servers, compared by URL (a trailing slash is no change)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class ServersDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


def _urls(servers: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for server in servers if isinstance(servers, list) else []:
        if isinstance(server, dict) and isinstance(server.get("url"), str):
            out[server["url"].rstrip("/")] = server["url"]
    return out


def compare_servers(base: Any, revision: Any) -> ServersDiff:
    b, r = _urls(base), _urls(revision)
    return ServersDiff(added=[r[k] for k in r if k not in b], removed=[b[k] for k in b if k not in r])
