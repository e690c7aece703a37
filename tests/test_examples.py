"""Every example runs: each `aoai-spec ...` line in every command's `--help` (the whole click tree) and in the
README's shell code blocks is run offline, as a user would type it, in an empty folder.

Input files an example names (`old.yaml`, `my-api/openapi.yaml`, `rules.yaml`...) are created from small
fixtures first; an environment variable it names (`--api-key-env MOCK_KEY`) is set to a dummy value; a server
(`mock`) passes when it answers HTTP. An example passes with exit 0 or 1 (1 = findings, which several examples
are there to show) and no traceback. Only the examples on the `SKIPPED` list are skipped, each for a
stated reason, and a test keeps that list small and free of stale entries.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest

from conftest import FIXTURES, REPO

ENTRY = "aoai-spec"
SPEC_31 = FIXTURES / "upstream" / "openapi.yaml"

# The examples that do not run here, each with its reason: what it needs that no offline test machine has, or
# (one entry) a run too long for the suite whose work another test does. A regex searched in the arguments.
SKIPPED: dict[str, str] = {
    r"--url https://[\w.-]+\.(openai\.azure\.com|azure-api\.net)/":
        "needs a real Azure OpenAI resource or API Management gateway and its credentials (the same runner is "
        "tested against the mock in test_contract_*.py)",
    r"--targets targets\.yaml": "needs real deployments listed in the user's own targets file",
    r"^catalog update": "needs api.github.com (test_upstream_update.py runs it against a fake GitHub on 127.0.0.1)",
    r"^report --out site": "builds the whole site; test_fresh_clone.py runs `report --out site` as written, from a "
                           "fresh clone with no network",
}

# Input files examples name, created in the example's folder before it runs.
_CHANGED = SPEC_31.read_text().replace("required: [model, messages]", "required: [model, messages, n]")
INPUTS: dict[str, str] = {
    "my-api/openapi.yaml": SPEC_31.read_text(),
    "specs/my-api/openapi.yaml": SPEC_31.read_text(),
    "my-api-3.1.yaml": SPEC_31.read_text(),
    "old.yaml": SPEC_31.read_text(),
    "main.yaml": SPEC_31.read_text(),
    "new.yaml": _CHANGED,
    "pr.yaml": _CHANGED,
    "rules.yaml": "rules:\n  api-tag-added: off\n  response-property-enum-value-added: error\n",
}
OUTPUT_OPTIONS = {"-o", "--output", "--loss-report", "--out", "--cassette"}
SERVERS = ("mock",)
SLOW = ("contract --target mock", "validate openai@", "changelog --family openai")


# --------------------------------------------------------------------------------------------------- collecting


def _walk(command: click.Command, path: list[str]):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _walk(sub, [*path, name])


def _logical_lines(lines: list[str]) -> list[str]:
    """Lines with their `\\` continuations joined."""
    out, pending = [], ""
    for line in lines:
        stripped = line.rstrip()
        if stripped.endswith("\\"):
            pending += stripped[:-1].strip() + " "
        else:
            out.append(pending + stripped.strip())
            pending = ""
    return out


def _invocations(line: str) -> list[list[str]]:
    """The argument lists of each `aoai-spec` call on a shell line (`pip install -e . && aoai-spec report ...`)."""
    try:
        tokens = shlex.split(line, comments=True)
    except ValueError:
        return []
    calls, current = [], None
    for token in tokens:
        if token in ("&&", "||", ";", "|"):
            if current is not None:
                calls.append(current)
            current = None
        elif current is None and token == ENTRY:
            current = []
        elif current is not None:
            current.append(token)
    return calls + ([current] if current is not None else [])


def _readme_shell_blocks(text: str) -> list[list[str]]:
    blocks, language, current = [], "", None
    for line in text.splitlines():
        if line.startswith("```"):
            if current is None:
                language, current = line[3:].strip(), []
            else:
                if language in ("", "bash", "sh", "shell", "console"):
                    blocks.append(current)
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def collect() -> dict[tuple[str, ...], str]:
    """Every distinct example, with where it was first seen."""
    from toolkit.cli import cli

    found: dict[tuple[str, ...], str] = {}
    for path, command in _walk(cli, []):
        for line in _logical_lines((command.help or "").splitlines()):
            if line.startswith(ENTRY + " "):
                for call in _invocations(line):
                    found.setdefault(tuple(call), f"{' '.join([ENTRY, *path])} --help")
    for block in _readme_shell_blocks((REPO / "README.md").read_text(encoding="utf-8")):
        for line in _logical_lines(block):
            if re.search(rf"(^|&& ){ENTRY} ", line):
                for call in _invocations(line):
                    found.setdefault(tuple(call), "README.md")
    return found


EXAMPLES = collect()


def _reason(args: tuple[str, ...]) -> str | None:
    text = shlex.join(args)
    return next((why for pattern, why in SKIPPED.items() if re.search(pattern, text)), None)


def _params():
    for args, where in EXAMPLES.items():
        text = shlex.join(args)
        marks = [pytest.mark.slow] if text.startswith(SLOW) else []
        if args and args[0] in SERVERS:
            marks.append(pytest.mark.xdist_group("example-servers"))  # they share port 8000
        yield pytest.param(args, where, marks=marks, id=text[:90])


# --------------------------------------------------------------------------------------------------- running


def _input_text(name: str) -> str:
    """An input file's content: a file of this repository when the example names one (the README's examples
    use `tests/fixtures/...`), else a fixture from INPUTS."""
    if (REPO / name).is_file():
        return (REPO / name).read_text(encoding="utf-8")
    assert name in INPUTS, f"the example needs an input file {name!r}: add it to INPUTS in {__file__}"
    return INPUTS[name]


def _prepare(args: tuple[str, ...], folder: Path) -> dict[str, str]:
    """Create the input files the example names (`git:REF:PATH` ones committed to a git repository in the
    folder); return the environment, with the variables it names set to a dummy value."""
    env = {**os.environ}
    committed: list[str] = []
    for i, token in enumerate(args):
        previous = args[i - 1] if i else ""
        if previous.endswith("-env") and previous.startswith("--"):
            env[token] = "example-dummy-secret"
            continue
        if previous == "--replay" and not (folder / token).exists():  # record the cassette the example replays
            subprocess.run([sys.executable, "-m", "toolkit", "contract", "--target", "mock", "--max-requests", "40",
                            "--cassette", token], cwd=folder, env=env, check=True, capture_output=True, timeout=600)
            continue
        git = re.fullmatch(r"git:(HEAD|main):(.+)", token)
        name = git.group(2) if git else token
        if previous in OUTPUT_OPTIONS or token.startswith("-") or (":" in token and not git) or not re.search(
                r"\.(ya?ml|json|txt)$", name):
            continue
        if not (folder / name).exists():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(_input_text(name), encoding="utf-8")
        if git:
            committed.append(name)
    if committed:
        quiet = {"cwd": folder, "env": env, "check": True, "capture_output": True}
        subprocess.run(["git", "init", "--quiet", "--initial-branch", "main"], **quiet)
        subprocess.run(["git", "add", *committed], **quiet)
        subprocess.run(["git", "-c", "user.name=example", "-c", "user.email=example@example.invalid", "commit",
                        "--quiet", "-m", "example input"], **quiet)
    return env


def _serve(args: tuple[str, ...], folder: Path, env: dict[str, str]) -> None:
    """A server example passes when it answers HTTP on its port, then it is stopped."""
    import httpx

    port = int(args[args.index("--port") + 1]) if "--port" in args else 8000
    process = subprocess.Popen([sys.executable, "-m", "toolkit", *args], cwd=folder, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                out, err = process.communicate()
                pytest.fail(f"the server exited with {process.returncode}: {err[-2000:]}")
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/openai/v1/models", timeout=2, trust_env=False)
                assert answer.status_code < 500, answer.text[:500]
                return
            except httpx.TransportError:
                time.sleep(0.2)
        pytest.fail("the server did not answer within 120 s")
    finally:
        process.terminate()
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


@pytest.mark.timeout(900)
@pytest.mark.parametrize("args, where", list(_params()))
def test_example_runs_offline(args: tuple[str, ...], where: str, tmp_path: Path) -> None:
    reason = _reason(args)
    if reason:
        pytest.skip(reason)
    env = _prepare(args, tmp_path)
    if args and args[0] in SERVERS:
        _serve(args, tmp_path, env)
        return
    result = subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=880)
    shown = f"`{ENTRY} {shlex.join(args)}` from {where} exited {result.returncode}: {result.stderr[-1500:]}"
    assert result.returncode in (0, 1), shown
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, shown


def test_the_examples_cover_every_command_and_the_skip_list_is_small_and_current() -> None:
    from toolkit.cli import cli

    commands = {" ".join(path) for path, command in _walk(cli, []) if path and not isinstance(command, click.Group)}
    shown = {" ".join(a for a in args[:2] if not a.startswith("-")) for args in EXAMPLES} | {
        args[0] for args in EXAMPLES if args}
    assert commands - shown == set(), "commands whose --help shows no example"
    assert len(SKIPPED) <= 4
    skipped = [args for args in EXAMPLES if _reason(args)]
    assert len(skipped) <= len(EXAMPLES) // 3, [shlex.join(a) for a in skipped]
    for pattern in SKIPPED:  # no stale entry: each still matches an example
        assert any(re.search(pattern, shlex.join(args)) for args in EXAMPLES), pattern


def test_the_collector_reads_help_continuations_readme_blocks_and_chains() -> None:
    assert _invocations("pip install -e . && aoai-spec report --out site   # the first command") == [
        ["report", "--out", "site"]]
    assert _logical_lines(["aoai-spec diff a.yaml \\", "    b.yaml --format json"]) == [
        "aoai-spec diff a.yaml b.yaml --format json"]
    blocks = _readme_shell_blocks("```yaml\nrules: {}\n```\ntext\n```bash\naoai-spec rules\n```\n")
    assert blocks == [["aoai-spec rules"]]
    assert ("report", "--out", "site") in EXAMPLES and ("rules", "--format", "json") in EXAMPLES
    assert shutil.which("bash")  # the README's blocks are bash
