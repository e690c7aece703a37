"""Security requirements, compared by what the client must send, not by scheme component names.

A scheme is identified by its signature (`apiKey header api-key`, `oauth2`, `http bearer`), so renaming the
component `apiKey` to `ApiKeyAuth` is no change, while moving the key from a header to a query is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Spec


UNDECLARED = "undeclared:"  # signature prefix of a requirement naming a scheme the document does not declare


def scheme_signature(scheme: Any) -> str:
    if not isinstance(scheme, dict):
        return "unknown"
    kind = scheme.get("type")
    if kind == "apiKey":
        return f"apiKey {scheme.get('in')} {str(scheme.get('name', '')).lower()}"
    if kind == "http":
        return f"http {str(scheme.get('scheme', '')).lower()}"
    if kind == "openIdConnect":
        return f"openIdConnect {scheme.get('openIdConnectUrl')}"
    return str(kind)


@dataclass(frozen=True)
class Requirement:
    """One alternative of a security requirement list: the schemes (by signature) and their scopes."""

    schemes: frozenset[str]
    scopes: tuple[tuple[str, frozenset[str]], ...]

    @property
    def label(self) -> str:
        return " + ".join(sorted(self.schemes)) or "anonymous"

    @property
    def undeclared(self) -> list[str]:
        """Names of schemes this alternative uses that the document never declared (it cannot be satisfied)."""
        return sorted(sig[len(UNDECLARED):] for sig in self.schemes if sig.startswith(UNDECLARED))


def requirements(spec: Spec, security: Any) -> list[Requirement]:
    schemes = spec.components.get("securitySchemes")
    schemes = schemes if isinstance(schemes, dict) else {}
    out: list[Requirement] = []
    for alternative in security if isinstance(security, list) else []:
        if not isinstance(alternative, dict):
            continue
        sigs: dict[str, frozenset[str]] = {}
        for name, scopes in alternative.items():
            # a name with no scheme in the components cannot be satisfied: keep it apart from declared schemes
            sig = scheme_signature(spec.try_deref(schemes[name])) if name in schemes else f"{UNDECLARED}{name}"
            sigs[sig] = frozenset(s for s in scopes if isinstance(s, str)) if isinstance(scopes, list) else frozenset()
        out.append(Requirement(frozenset(sigs), tuple(sorted(sigs.items()))))
    return out


@dataclass(eq=False)
class SecurityDiff:
    added: list[Requirement] = field(default_factory=list)
    removed: list[Requirement] = field(default_factory=list)
    scopes_added: list[tuple[str, str]] = field(default_factory=list)  # (scheme, scope)
    scopes_removed: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.scopes_added or self.scopes_removed)


def compare_security(base: list[Requirement], revision: list[Requirement]) -> SecurityDiff:
    out = SecurityDiff()
    b = {req.schemes: req for req in base}
    r = {req.schemes: req for req in revision}
    out.added = [req for key, req in r.items() if key not in b]
    out.removed = [req for key, req in b.items() if key not in r]
    for key, req in b.items():
        if key in r:
            old, new = dict(req.scopes), dict(r[key].scopes)
            for scheme in old:
                out.scopes_added += [(scheme, s) for s in sorted(new.get(scheme, frozenset()) - old[scheme])]
                out.scopes_removed += [(scheme, s) for s in sorted(old[scheme] - new.get(scheme, frozenset()))]
    return out


@dataclass(eq=False)
class SchemesDiff:
    """`components.securitySchemes`, matched by signature."""

    added: dict[str, str] = field(default_factory=dict)  # signature -> pointer
    removed: dict[str, str] = field(default_factory=dict)
    changed: dict[str, tuple[str, Any, Any]] = field(default_factory=dict)  # signature -> (field, old, new)


def compare_schemes(base: Spec, revision: Spec) -> SchemesDiff:
    def index(spec: Spec) -> dict[str, tuple[str, Any]]:
        schemes = spec.components.get("securitySchemes")
        out: dict[str, tuple[str, Any]] = {}
        for name, raw in (schemes.items() if isinstance(schemes, dict) else ()):
            node = spec.try_deref(raw)
            out[scheme_signature(node)] = (f"#/components/securitySchemes/{name}", node)
        return out

    out = SchemesDiff()
    b, r = index(base), index(revision)
    out.added = {sig: ptr for sig, (ptr, _) in r.items() if sig not in b}
    out.removed = {sig: ptr for sig, (ptr, _) in b.items() if sig not in r}
    for sig, (_, node) in b.items():
        if sig in r and isinstance(node, dict) and isinstance(r[sig][1], dict):
            old_flows, new_flows = node.get("flows") or {}, r[sig][1].get("flows") or {}
            for flow in old_flows.keys() & new_flows.keys():
                for key in ("authorizationUrl", "tokenUrl"):
                    a, c = old_flows[flow].get(key), new_flows[flow].get(key)
                    if a != c:
                        out.changed[sig] = (f"{flow}.{key}", a, c)
    return out
