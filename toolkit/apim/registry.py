"""The APIM rule table: what every rule sees (`LintSubject`), how a rule joins the table (`apim_rule`), and the
limits the rules share.

A rule is `document` scoped (run on the bundled document and, when the file had external `$ref`s, also on the
document as written) or `file` scoped (run once on the facts of the file as the user has it: its bytes,
encoding, byte-order mark). Both kinds are one declarative unit: id, level, the checklist row and the public
address it comes from, the APIM / OpenAPI.NET error text it prevents.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Iterable, Iterator

from .. import pointer as jp
from ..catalog import Catalog
from ..findings import Finding, RuleSet
from ..load import RawFile
from ..model import Spec
from ..structure import StructureCheck
from .structure import METHODS, walk
from .tiers import DEFAULT_TIER, TIER_OPERATION_LIMITS, TIER_OPERATIONS_PER_API

__all__ = ["DEFAULT_TIER", "MAX_API_URL", "MAX_INLINE_BYTES", "MAX_SUMMARY", "RULES", "RULE_DOCS",
           "TIER_OPERATION_LIMITS", "TIER_OPERATIONS_PER_API", "LintSubject", "RuleDoc", "apim_rule", "run_rules"]

MAX_INLINE_BYTES = 4 * 1024 * 1024
MAX_SUMMARY = 300
MAX_API_URL = 128

@dataclass
class LintSubject:
    """The document under check, the file it came from (when known) and the lookups several rules share."""

    document: dict[str, Any]
    catalog: Catalog | None = None
    raw: RawFile | None = None
    tier: str = DEFAULT_TIER
    structure: StructureCheck | None = None  # the document's OAS 3.0 structure pass, when the caller ran it

    @cached_property
    def spec(self) -> Spec:
        return Spec(self.document)

    @cached_property
    def objects(self) -> list[tuple[str, str, dict[str, Any]]]:
        return list(walk(self.document))

    def of_kind(self, *kinds: str) -> Iterator[tuple[str, dict[str, Any]]]:
        return ((w, n) for w, k, n in self.objects if k in kinds)

    @cached_property
    def schemas(self) -> list[tuple[str, dict[str, Any]]]:
        return [(w, n) for w, n in self.of_kind("Schema")]

    def deref(self, node: Any) -> Any:
        return self.spec.try_deref(node)

    def operations(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """(pointer, path, method, operation) for every operation, in document order."""
        paths = self.document.get("paths")
        if not isinstance(paths, dict):
            return
        for path, item in paths.items():
            if isinstance(item, dict):
                for method in METHODS:
                    if isinstance(item.get(method), dict):
                        yield jp.join("#/paths", path, method), path, method, item[method]

    def parameters(self, path: str, method: str) -> list[dict[str, Any]]:
        item = self.document["paths"][path]
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for raw in list(item.get("parameters") or []) + list(item[method].get("parameters") or []):
            param = self.deref(raw)
            if isinstance(param, dict):
                merged[(str(param.get("in")), str(param.get("name")))] = param
        return list(merged.values())


@dataclass(frozen=True)
class RuleDoc:
    id: str
    level: str
    source: str
    address: str
    prevents: str
    description: str
    scope: str = "document"


RULES: RuleSet[LintSubject] = RuleSet()
RULE_DOCS: list[RuleDoc] = []

Check = Callable[[LintSubject], Iterable[tuple[str, str]]]


def apim_rule(id: str, level: str, source: str, address: str, prevents: str, description: str,
              scope: str = "document") -> Callable[[Check], Check]:
    """Register a rule with the APIM error text it prevents, the checklist row it implements and where that row
    is documented or reported."""
    assert scope in ("document", "file"), scope

    def register(check: Check) -> Check:
        RULES.rule(id, level, description)(check)
        RULE_DOCS.append(RuleDoc(id, level, source, address, prevents, description, scope))
        return check

    return register


def run_rules(subjects: list[LintSubject]) -> list[Finding]:
    """Every rule over the subjects (the first is the bundled document), in rule order, without repeats. A rule
    that meets a value of the wrong type (a malformed document) reports that it could not check, as an error,
    instead of crashing."""
    scopes = {doc.id: doc.scope for doc in RULE_DOCS}
    findings: list[Finding] = []
    seen: set[Finding] = set()
    for rule in RULES.rules:
        for subject in subjects[:1] if scopes[rule.id] == "file" else subjects:
            try:
                found = rule.run(subject)
            except (TypeError, AttributeError, KeyError, ValueError, IndexError) as exc:
                found = [Finding(rule.id, "error", "#", f"could not check a malformed document "
                                                         f"({type(exc).__name__}: {exc})"[:200])]
            for finding in found:
                if finding not in seen:
                    seen.add(finding)
                    findings.append(finding)
    return findings
