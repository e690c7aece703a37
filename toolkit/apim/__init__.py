"""API Management import: the rules its importer enforces (`lint`) and the fixes that satisfy them (`prepare`)."""

from .fixes import FIXES, Fix
from .prepare import PreparedApi, prepare
from .restrictions import RESTRICTIONS, Restriction
from .rules import RULE_DOCS, RULES, LintSubject, lint

__all__ = ["FIXES", "Fix", "LintSubject", "PreparedApi", "RESTRICTIONS", "RULES", "RULE_DOCS", "Restriction", "lint",
           "prepare"]
