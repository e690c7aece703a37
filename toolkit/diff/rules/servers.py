"""Servers (base URLs). Skipped when dated <-> v1 mapping is on: the base URL is what differs by design."""

from __future__ import annotations

from typing import Iterator

from ..engine import SpecDiff
from .base import Hit, RuleBook

book = RuleBook("servers")


@book.spec("api-server-removed", "warning", "A server URL clients may be configured with was removed.")
def server_removed(d: SpecDiff) -> Iterator[Hit]:
    for url in d.servers.removed:
        yield Hit(url, f"server `{url}` removed", "#/servers", "#/servers")


@book.spec("api-server-added", "info", "A server URL was added.")
def server_added(d: SpecDiff) -> Iterator[Hit]:
    for url in d.servers.added:
        yield Hit(url, f"server `{url}` added", "#/servers", "#/servers")
