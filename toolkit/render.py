"""One Jinja2 environment over `templates/`, so every human-readable output shape lives in a template."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import jinja2

from .resources import templates_dir


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        # `report.html.j2` ends in `.j2`: list the template suffixes too, or HTML/XML outputs are not escaped
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "html.j2", "htm.j2", "xml.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, indent=2, ensure_ascii=False)
    return env


def render(template: str, **context: Any) -> str:
    """Render `templates/<template>` with the given context."""
    return environment().get_template(template).render(**context)
