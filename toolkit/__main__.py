"""`python -m toolkit` runs the CLI (tests use it to run the CLI in a subprocess)."""

from .cli import main

main()
