"""Schemas that no operation or webhook reaches (see `components_diff.py`): added and removed. Changes inside
them are judged by the schema rules, capped at warning by the checker."""

from __future__ import annotations

from typing import Iterator

from ..components_diff import scope_of
from ..engine import SpecDiff
from .base import Hit, RuleBook

book = RuleBook("components")


@book.spec("unreferenced-schema-added", "info", "A schema that no operation uses was added (e.g. a new event).")
def unreferenced_added(d: SpecDiff) -> Iterator[Hit]:
    for name, pointer in d.components.added.items():
        yield Hit(name, f"schema `{name}` added (not used by any operation; read as "
                  f"{'sent by' if scope_of(name) == 'request' else 'received by'} the client)", None, pointer)


@book.spec("unreferenced-schema-removed", "warning",
           "A schema that no operation uses was removed (e.g. an event): clients that send or expect it may break.")
def unreferenced_removed(d: SpecDiff) -> Iterator[Hit]:
    for name, pointer in d.components.removed.items():
        yield Hit(name, f"schema `{name}` removed (not used by any operation)", pointer, None)
