"""One exception hierarchy for every problem a user can cause.

The CLI turns any `AoaiSpecError` into exit code 2 and one line on stderr; anything else is a bug.
"""

from __future__ import annotations


class AoaiSpecError(Exception):
    """A problem with the user's input or environment that the user can act on."""


class SpecLoadError(AoaiSpecError):
    """A spec file could not be read, parsed or resolved."""

    def __init__(self, file: object, message: str, pointer: str | None = None) -> None:
        self.file = str(file)
        self.message = message
        self.pointer = pointer
        where = f" at {pointer}" if pointer else ""
        super().__init__(f"{self.file}: {message}{where}")


class RefError(SpecLoadError):
    """A `$ref` that is dangling, escapes the spec's folder, or is remote without permission."""


class LimitExceeded(SpecLoadError):
    """The document is larger, deeper or more aliased than the configured limits allow."""


class OutputError(AoaiSpecError):
    """An output file or folder cannot be written (a missing parent that is a file, no permission, a full disk)."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: cannot write: {reason}")


class CatalogError(AoaiSpecError):
    """An unknown catalog id, or a catalog file that is not well formed."""


class StoreError(AoaiSpecError):
    """Pulling a spec into the store failed; the store is left as it was."""


class IntegrityError(StoreError):
    """A pulled file does not have the sha256 the catalog pins."""


class FetchError(StoreError):
    """A network or mirror read failed."""


class RuleConfigError(AoaiSpecError):
    """A diff rule configuration file that cannot be used (unreadable, malformed, unknown rule or level)."""


class FilterError(AoaiSpecError):
    """A diff filter that cannot be used: a bad --match-path regex, an --operation not written METHOD /path."""


class BaselineError(AoaiSpecError):
    """A `breaking --baseline` file that cannot be read as fingerprints or as a previous JSON report."""


class SiteError(AoaiSpecError):
    """The report's output folder cannot be used, or the selection names nothing buildable."""


class ContractConfigError(AoaiSpecError):
    """Bad contract options: a missing environment variable, an unusable URL, a malformed targets file."""


class MockServerError(AoaiSpecError):
    """The mock cannot listen where asked (the port is taken, the address is not this machine's)."""


class TargetUnreachable(AoaiSpecError):
    """Not one request got an answer (wrong URL, endpoint down, TLS or network problem): nothing was tested."""


class UpstreamError(AoaiSpecError):
    """GitHub (its API or its raw file host) answered something `catalog update` cannot use: an HTTP error, a
    network failure, malformed JSON, a shape other than the documented one, or a file that does not load."""


class RateLimited(UpstreamError):
    """GitHub's rate limit was reached and its reset is further away than the update may wait."""


class UnsafeName(UpstreamError):
    """A name from the API (folder, path, commit sha) that does not have the shape it must have: it is data,
    never a path, so `../x`, `a/b`, NUL or an absolute path is refused before anything is written."""


class ArchiveError(AoaiSpecError):
    """The archive cannot be updated (a file in the way, a concurrent update, a failed swap); it is left as it was."""
