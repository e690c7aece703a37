"""Security requirements and schemes, compared by what the client sends (see `security_diff.py`)."""

from __future__ import annotations

from typing import Iterator

from ..engine import SpecDiff
from ..paths_diff import OperationDiff
from ..security_diff import SecurityDiff
from .base import Hit, RuleBook

book = RuleBook("security")


def _declares_own(d: OperationDiff) -> bool:
    return "security" in d.base.node or "security" in d.revision.node


def _requirement_hits(s: SecurityDiff, what: str, removed: bool, b: str | None, r: str | None) -> Iterator[Hit]:
    for req in s.removed if removed else s.added:
        if removed and req.undeclared:
            continue  # it could never be satisfied: removing it is a repair (see `_repair_hits`)
        yield Hit(req.label, f"{what} security alternative `{req.label}` {'removed' if removed else 'added'}", b, r)


def _repair_hits(s: SecurityDiff, what: str, b: str | None, r: str | None) -> Iterator[Hit]:
    for req in s.removed:
        if req.undeclared:
            names = ", ".join(f"`{n}`" for n in req.undeclared)
            yield Hit(req.label, f"{what} security alternative `{req.label}` removed; it named {names}, which the "
                      "document never declared, so no client could use it (a spec repair)", b, r)


def _scope_hits(s: SecurityDiff, what: str, added: bool, b: str | None, r: str | None) -> Iterator[Hit]:
    for scheme, scope in s.scopes_added if added else s.scopes_removed:
        yield Hit(f"{scheme} {scope}", f"{what} security scope `{scope}` of `{scheme}` {'added' if added else 'removed'}",
                  b, r)


@book.operation("api-security-removed", "error", "An operation no longer accepts a way of authenticating.")
def op_removed(d: OperationDiff) -> Iterator[Hit]:
    if _declares_own(d):
        yield from _requirement_hits(d.security, "endpoint", True, d.base.pointer, d.revision.pointer)


@book.operation("api-security-undeclared-removed", "info",
                "An operation no longer lists a security alternative that named an undeclared scheme (a repair: no "
                "client could satisfy it).")
def op_undeclared_removed(d: OperationDiff) -> Iterator[Hit]:
    if _declares_own(d):
        yield from _repair_hits(d.security, "endpoint", d.base.pointer, d.revision.pointer)


@book.operation("api-security-added", "info", "An operation accepts a new way of authenticating.")
def op_added(d: OperationDiff) -> Iterator[Hit]:
    if _declares_own(d):
        yield from _requirement_hits(d.security, "endpoint", False, d.base.pointer, d.revision.pointer)


@book.operation("api-security-scope-added", "error", "An operation requires an additional OAuth scope.")
def op_scope_added(d: OperationDiff) -> Iterator[Hit]:
    if _declares_own(d):
        yield from _scope_hits(d.security, "endpoint", True, d.base.pointer, d.revision.pointer)


@book.operation("api-security-scope-removed", "info", "An operation requires one OAuth scope less.")
def op_scope_removed(d: OperationDiff) -> Iterator[Hit]:
    if _declares_own(d):
        yield from _scope_hits(d.security, "endpoint", False, d.base.pointer, d.revision.pointer)


@book.spec("api-global-security-removed", "error", "The API no longer accepts a way of authenticating.")
def global_removed(d: SpecDiff) -> Iterator[Hit]:
    yield from _requirement_hits(d.security, "global", True, "#/security", "#/security")


@book.spec("api-global-security-undeclared-removed", "info",
           "The API no longer lists a security alternative that named an undeclared scheme (a repair).")
def global_undeclared_removed(d: SpecDiff) -> Iterator[Hit]:
    yield from _repair_hits(d.security, "global", "#/security", "#/security")


@book.spec("api-global-security-added", "info", "The API accepts a new way of authenticating.")
def global_added(d: SpecDiff) -> Iterator[Hit]:
    yield from _requirement_hits(d.security, "global", False, "#/security", "#/security")


@book.spec("api-global-security-scope-added", "error", "The API requires an additional OAuth scope.")
def global_scope_added(d: SpecDiff) -> Iterator[Hit]:
    yield from _scope_hits(d.security, "global", True, "#/security", "#/security")


@book.spec("api-global-security-scope-removed", "info", "The API requires one OAuth scope less.")
def global_scope_removed(d: SpecDiff) -> Iterator[Hit]:
    yield from _scope_hits(d.security, "global", False, "#/security", "#/security")


@book.spec("api-security-component-added", "info", "A security scheme was added to the components.")
def component_added(d: SpecDiff) -> Iterator[Hit]:
    for sig, ptr in d.schemes.added.items():
        yield Hit(sig, f"security scheme `{sig}` added", None, ptr)


@book.spec("api-security-component-removed", "info", "A security scheme was removed from the components.")
def component_removed(d: SpecDiff) -> Iterator[Hit]:
    for sig, ptr in d.schemes.removed.items():
        yield Hit(sig, f"security scheme `{sig}` removed", ptr, None)


@book.spec("api-security-component-oauth-url-changed", "info", "An OAuth authorization or token URL changed.")
def component_url(d: SpecDiff) -> Iterator[Hit]:
    for sig, (field, old, new) in d.schemes.changed.items():
        yield Hit(sig, f"security scheme `{sig}`: {field} changed from `{old}` to `{new}`", None, None)
