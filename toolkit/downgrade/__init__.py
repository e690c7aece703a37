"""OpenAPI 3.1 -> 3.0.3 conversion and its loss report.

`downgrade(spec)` returns a `DowngradeResult` (`.document`, `.changes`, `.losses`); `CONVERSIONS` is the table of every
conversion unit (id, mapping row, lossy or not, description).
"""

from .engine import downgrade, downgrade_document
from .registry import CONVERSIONS, Conversion
from .result import Change, DowngradeResult

__all__ = ["CONVERSIONS", "Change", "Conversion", "DowngradeResult", "downgrade", "downgrade_document"]
