"""HTML and XML templates escape spec text (a description must never become markup); text formats do not."""

from __future__ import annotations

import jinja2
import pytest

from toolkit.render import environment


@pytest.mark.parametrize("name, expected", [
    ("area/page.html.j2", "&lt;script&gt;x&lt;/script&gt;"),
    ("area/report.junit.xml.j2", "&lt;script&gt;x&lt;/script&gt;"),
    ("area/page.md.j2", "<script>x</script>"),
    ("area/out.txt.j2", "<script>x</script>"),
])
def test_autoescape_follows_the_output_format(name: str, expected: str) -> None:
    env = environment().overlay(loader=jinja2.DictLoader({name: "{{ text }}"}))
    assert env.get_template(name).render(text="<script>x</script>") == expected
