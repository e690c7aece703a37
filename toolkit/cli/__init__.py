"""`aoai-spec`: a thin command-line shell over the `toolkit` Python API.

Each command module parses options, calls the API, renders through templates and picks the exit code:
0 ok, 1 findings, 2 usage or input error. Any `AoaiSpecError` becomes one line on stderr and exit 2.
"""

from __future__ import annotations

import os
import sys

import click

from ..errors import AoaiSpecError
from .common import printable
from . import catalog_commands, contract_commands, diff_commands, downgrade_commands, report_commands

COMMAND_MODULES = (catalog_commands, report_commands, downgrade_commands, diff_commands, contract_commands)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(package_name="aoai-spec")
def cli() -> None:
    """Version, diff, downgrade and contract-test the Azure OpenAI OpenAPI specs.

    A SPEC argument is a file path, a catalog id (FAMILY@VERSION, or a bare version such as 2024-10-21 or v1) or a
    git revision (git:REF:PATH, read with `git show` from the current repository). An archived id is read from
    the project's archive (specs/archive) after a sha256 check, with no network; any other id is pulled on demand.
    """


for _module in COMMAND_MODULES:
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI and turn user-caused errors into exit code 2 with one line."""
    try:
        cli.main(args=argv, prog_name="aoai-spec", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aoai-spec: aborted", err=True)
        sys.exit(130)
    except AoaiSpecError as exc:
        click.echo(printable(f"aoai-spec: error: {exc}"), err=True)
        sys.exit(2)
    except (RecursionError, MemoryError) as exc:
        click.echo(f"aoai-spec: error: input too large or too deeply nested to process ({type(exc).__name__})", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("aoai-spec: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug, not bad input: say so in one line, traceback only on request
        if os.environ.get("AOAI_SPEC_DEBUG"):
            raise
        click.echo(printable(f"aoai-spec: internal error: {type(exc).__name__}: {exc} (set AOAI_SPEC_DEBUG=1 for a traceback)"),
                   err=True)
        sys.exit(3)
    sys.exit(0)
