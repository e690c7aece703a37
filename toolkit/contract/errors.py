"""Errors a user can cause in a contract run (exit code 2, one line)."""

from __future__ import annotations

from ..errors import AoaiSpecError


class ContractConfigError(AoaiSpecError):
    """Bad options: a missing environment variable, an unusable URL, a malformed targets file."""


class TargetUnreachable(AoaiSpecError):
    """Not one request got an answer (wrong URL, endpoint down, TLS or network problem): nothing was tested."""
