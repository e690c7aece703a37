"""The static report site: the whole spec estate as HTML pages (with Markdown and JSON twins) on disk.

`build_site(ws, ReportOptions(out=...))` pulls, validates, diffs, prepares for APIM and contract-tests the
catalog's versions, and writes one page per thing a reader wants to look at. See `site.py` for the flow.
"""

from .site import ReportOptions, SiteError, SiteReport, build_results, build_site, select_families

__all__ = ["ReportOptions", "SiteError", "SiteReport", "build_results", "build_site", "select_families"]
