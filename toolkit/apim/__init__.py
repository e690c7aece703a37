"""API Management import: the rules its importer enforces (`lint`) and the fixes that satisfy them (`prepare`).

The names are loaded on first use (PEP 562), so that `toolkit.apim.tiers` (plain data the command line needs to
build its options) can be imported without loading the rules, the fixes and the downgrade behind them. No
submodule shares a name with what it exports (an imported submodule would shadow it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .fixes import FIXES, Fix
    from .prepared import PreparedApi, prepare
    from .restrictions import RESTRICTIONS, Restriction
    from .rules import RULE_DOCS, RULES, LintSubject, lint

_HOMES = {"FIXES": "fixes", "Fix": "fixes", "PreparedApi": "prepared", "prepare": "prepared",
          "RESTRICTIONS": "restrictions", "Restriction": "restrictions", "RULE_DOCS": "rules", "RULES": "rules",
          "LintSubject": "rules", "lint": "rules"}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
