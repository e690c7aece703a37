"""Diff any two spec versions into changelogs and breaking-change reports.

Pipeline (one module per step, like oasdiff): `engine` builds a plain diff tree over two specs (split by
OpenAPI object: `paths_diff` (paths and webhooks), `parameters_diff`, `request_body_diff`, `responses_diff`,
`media_diff`, `schema_diff`, `security_diff`, `servers_diff`, `extensions_diff`, and `components_diff` for
schemas no operation reaches), `checker` runs the `rules` over it, and `formats` renders the resulting
`DiffReport` through `templates/diff/`. Schemas are compared through normalised `views`; union members left
unpaired are compared by the values they accept (`subsumption`); `uses` is the components' reference graph.
"""

from .changelog import Changelog, ChangelogSection, ElementHistory, changelog, history
from .compare import compare
from .compat import CompatReport, compat
from .config import RuleConfig, RuleConfigError
from .formats import FORMATS, render_report
from .report import Change, DiffReport
from .rules import RULES

__all__ = [
    "FORMATS",
    "RULES",
    "Change",
    "Changelog",
    "ChangelogSection",
    "CompatReport",
    "DiffReport",
    "ElementHistory",
    "RuleConfig",
    "RuleConfigError",
    "changelog",
    "compare",
    "compat",
    "history",
    "render_report",
]
