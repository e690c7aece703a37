"""Keeping the archive current: watch upstream repositories on GitHub and archive their new spec versions.

`watch` turns the catalog's watched sources into candidate versions, `archiver` downloads and verifies one
version with the files it references, `transaction` swaps a whole update in (or leaves everything as it was),
and `update` runs them in order and diffs each new version against its predecessor. `github` is the small REST
client underneath, `names` the checks on every name the API returns.
"""

from .github import GitHub
from .update import UpdateResult, update_catalog
from .watch import Candidate, WatchSource, find_candidates, watch_sources

__all__ = ["Candidate", "GitHub", "UpdateResult", "WatchSource", "find_candidates", "update_catalog", "watch_sources"]
