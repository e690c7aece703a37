"""Shared pieces of the command-line shell: workspace options, output, progress, exit codes."""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

import click

from ..catalog import load_catalog
from ..load import write_atomic
from ..model import Spec
from ..resources import default_mirror, default_store
from ..workspace import Workspace

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


class CliWorkspace(Workspace):
    """A `Workspace` that says on stderr when a spec repeats a key: the command goes on with the later value,
    but another tool may read the other one (`validate` reports it as an error finding)."""

    def open(self, argument: str) -> Spec:
        spec = super().open(argument)
        for warning in spec.warnings:
            if warning.id == "duplicate-key":
                note(f"aoai-spec: warning: {warning}")
        return spec


F = TypeVar("F", bound=Callable[..., Any])


def workspace_options(func: F) -> F:
    """Add --catalog/--store/--mirror/--allow-remote-refs/--trust-unpinned and pass a `ws: Workspace`."""

    @click.option("--catalog", "catalog_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  envvar="AOAI_SPEC_CATALOG", help="Catalog file to use instead of the project's specs/catalog.json.")
    @click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Folder of pulled specs [default: specs/store, or AOAI_SPEC_STORE].")
    @click.option("--mirror", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Take files from this local mirror (laid out like shared/upstream-specs) instead of "
                       "their URL [default: AOAI_SPEC_MIRROR].")
    @click.option("--allow-remote-refs", is_flag=True, help="Allow fetching http(s) $refs (off: never fetched).")
    @click.option("--trust-unpinned", is_flag=True, help="Allow pulling catalog entries that have no pinned sha256.")
    @functools.wraps(func)
    def wrapper(*args: Any, catalog_file: Path | None, store_dir: Path | None, mirror: Path | None,
                allow_remote_refs: bool, trust_unpinned: bool, **kwargs: Any) -> Any:
        ws = CliWorkspace(
            catalog=load_catalog(catalog_file),
            store_dir=store_dir or default_store(),
            mirror=mirror or default_mirror(),
            allow_remote_refs=allow_remote_refs,
            trust_unpinned=trust_unpinned,
        )
        return func(*args, ws=ws, **kwargs)

    return wrapper  # type: ignore[return-value]


def format_option(*choices: str, default: str | None = None) -> Callable[[F], F]:
    return click.option("--format", "fmt", type=click.Choice(choices), default=default or choices[0],
                        show_default=True, help="Output format.")


def output_option(func: F) -> F:
    return click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Write to this file instead of standard output.")(func)


# C0/C1 control characters other than tab, newline, carriage return and NEL: a spec's strings reach text, Markdown
# and HTML outputs, and an ESC sequence in a description must not retitle, clear or rewrite the reader's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def printable(text: str) -> str:
    """`text` with every terminal control character written as a `\\u00NN` escape: readable in text and HTML,
    and the same string inside JSON (which already escapes C0 itself; NEL stays, YAML writes it as a break)."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _CONTROL.search(text) else text


def emit(text: str, output: Path | None = None) -> None:
    """Write a rendered result to a file (atomically enough for reports) or to standard output."""
    text = printable(text)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    write_atomic(output, text)


def note(message: str) -> None:
    """A line for people on standard error, kept out of machine-readable standard output."""
    click.echo(printable(message), err=True)


def progress(items: Iterable[Any], label: str, total: int | None = None) -> Iterable[Any]:
    """A rich progress bar on stderr when it is a terminal; silent otherwise (CI logs stay clean)."""
    if not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.console import Console

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        for item in items:
            yield item
            bar.advance(task)
