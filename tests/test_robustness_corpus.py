"""Every hostile input x every command that reads a spec: exit 0/1/2 as the input deserves, one clear line naming
the file on exit 2, within a time bound, never a traceback, never exit 3 (internal error), never a remote fetch.

The bulk runs in-process through `toolkit.cli.main` (what the console script calls) to stay fast; a sample runs
as real subprocesses at the end. A command that is not registered in the CLI yet is skipped, not faked.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from hostile import BASE_SPEC, CORPUS, Context, Item, Outcome, write_corpus
from hostile.runner import Run, run_inprocess, run_subprocess
from hostile.servers import CountingServer, json_server, running

TIME_BOUND = 20.0  # seconds per command run; the slowest legitimate case (3,000 operations) takes ~3 s


def _registered() -> set[str]:
    from toolkit.cli import cli

    names = set(cli.commands)
    apim = cli.commands.get("apim")
    if apim is not None and hasattr(apim, "commands"):
        names |= {f"apim {sub}" for sub in apim.commands}
    return names


REGISTERED = _registered()


@dataclass(frozen=True)
class Env:
    root: Path
    paths: dict[str, Path]
    valid: Path
    remote: CountingServer
    target_url: str


Argv = Callable[[Path, Env, Path], list[str]]

def _catalog_for(hostile: Path, env: Env, out: Path) -> Path:
    """A two-entry catalog family (the valid spec, then the hostile one) served from a mirror of the corpus."""
    import hashlib

    def entry(version: str, file: Path, released: str) -> dict:
        rel = file.relative_to(env.root)
        return {"id": f"hostile@{version}", "family": "hostile", "version": version, "status": "ga",
                "surface": "dated", "openapi": "3.0.3", "released": released, "pinned": True,
                "file": str(rel), "sha256": hashlib.sha256(file.read_bytes()).hexdigest() if file.stat().st_size < 2**26 else "0" * 64,
                "source": {"repo": "example/hostile", "commit": "0" * 40, "path": str(rel), "url": "http://127.0.0.1:9/never"}}

    catalog = out / "catalog.json"
    catalog.write_text(json.dumps({"schema_version": 1, "entries": [entry("1", env.valid, "2024-01-01"),
                                                                    entry("2", hostile, "2024-02-01")]}))
    return catalog


def _changelog(h: Path, e: Env, o: Path) -> list[str]:
    return ["changelog", "--family", "hostile", "--format", "json", "-o", str(o / "changelog.json"),
            "--catalog", str(_catalog_for(h, e, o)), "--mirror", str(e.root), "--store", str(o / "store")]


def _history(h: Path, e: Env, o: Path) -> list[str]:
    return ["history", "GET /items/{id}", "--family", "hostile", "--format", "json",
            "--catalog", str(_catalog_for(h, e, o)), "--mirror", str(e.root), "--store", str(o / "store")]


# command label -> (CLI command that must be registered, argv builder(hostile spec, env, output folder))
COMMANDS: dict[str, tuple[str, Argv]] = {
    "validate": ("validate", lambda h, e, o: ["validate", str(h), "--format", "json"]),
    "bundle": ("bundle", lambda h, e, o: ["bundle", str(h), "-o", str(o / "bundled.json")]),
    "diff-base": ("diff", lambda h, e, o: ["diff", str(h), str(e.valid), "--format", "json"]),
    "diff-revision": ("diff", lambda h, e, o: ["diff", str(e.valid), str(h), "--format", "html", "-o", str(o / "d.html")]),
    "breaking": ("breaking", lambda h, e, o: ["breaking", str(e.valid), str(h)]),
    "compat": ("compat", lambda h, e, o: ["compat", str(e.valid), str(h)]),
    "changelog": ("changelog", _changelog),
    "history": ("history", _history),
    "downgrade": ("downgrade", lambda h, e, o: ["downgrade", str(h), "-o", str(o / "down.json"),
                                                "--loss-report", str(o / "losses.json")]),
    "apim-lint": ("apim lint", lambda h, e, o: ["apim", "lint", str(h), "--format", "json"]),
    "apim-prepare": ("apim prepare", lambda h, e, o: ["apim", "prepare", str(h), "-o", str(o / "apim.json")]),
    "contract": ("contract", lambda h, e, o: ["contract", "--spec", str(h), "--url", e.target_url, "--max-requests", "3",
                                              "--phases", "examples,fuzzing", "--report", f"json:{o / 'contract.json'}"]),
    "mock": ("mock", lambda h, e, o: ["mock", "--port", "0", "--spec", str(h)]),
}

# (item, command label) -> reason: crashes found in other engineers' areas, kept visible until fixed
KNOWN_BUGS: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    root = tmp_path_factory.mktemp("hostile")
    outside = root / "outside"
    outside.mkdir()
    remote = CountingServer()
    target = json_server(lambda h: (200, {"Content-Type": "application/json"}, b"{}"))
    with running(remote), running(target):
        paths = write_corpus(root / "corpus", Context(remote_port=remote.port, outside=outside))
        valid = root / "valid" / "spec.json"
        valid.parent.mkdir()
        valid.write_text(json.dumps(BASE_SPEC))
        yield Env(root, paths, valid, remote, f"http://127.0.0.1:{target.server_address[1]}")


def check(run: Run, item: Item, label: str, folder: Path) -> None:
    """The contract every command keeps on every input."""
    assert not run.timed_out, f"hang: over {TIME_BOUND}s\n{run.describe()}"
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout, run.describe()
    assert run.code != 3, f"internal error (a crash turned into exit 3)\n{run.describe()}"
    assert run.code in (0, 1, 2), run.describe()
    if item.outcome is Outcome.REFUSE:
        assert run.code == 2, f"{item.name} must be refused\n{run.describe()}"
    elif item.outcome is Outcome.VALID:
        assert run.code in (0, 1), f"{item.name} is a valid document and must not be refused\n{run.describe()}"
    elif label == "validate" and item.validate_flags:
        assert run.code in (1, 2), f"validate must report {item.name}\n{run.describe()}"
    if run.code == 2:
        lines = run.error_lines
        assert len(lines) == 1, f"exit 2 needs exactly one error line\n{run.describe()}"
        names = {p.name for p in folder.iterdir()} | {folder.name}
        assert any(name in lines[0] for name in names), f"the error line must name the file\n{run.describe()}"


def _run_one(env: Env, item: Item, label: str, out: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    command, argv = COMMANDS[label]
    before = env.remote.connections
    served: list[object] = []
    if label == "mock":  # in-process: stop where the server would start serving, keep everything before it
        monkeypatch.setattr("toolkit.mock.server.serve_forever", lambda app, **kw: served.append(app))
    out.mkdir()
    run = run_inprocess(*argv(env.paths[item.name], env, out), timeout=TIME_BOUND)
    monkeypatch.undo()
    folder = env.paths[item.name].parent
    if label in ("changelog", "history") and item.outcome is Outcome.VALID and len(list(folder.iterdir())) > 1:
        # the store holds the main file only, so a spec with external files is not one catalog entry
        item = Item(item.name, Outcome.BROKEN, item.build)
    check(run, item, label, folder)
    if label == "mock":
        assert (run.code == 0) == bool(served), run.describe()
    assert env.remote.connections == before, f"the remote $ref host was contacted without --allow-remote-refs\n{run.describe()}"
    return run


def _record(item: Item, label: str, run: Run | None, verdict: str) -> None:
    """With AOAI_SPEC_ROBUSTNESS_LOG=FILE, one JSON line per (input, command): the numbers in the README table."""
    log = os.environ.get("AOAI_SPEC_ROBUSTNESS_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"item": item.name, "outcome": item.outcome.value, "command": label, "verdict": verdict,
                                     "exit": run.code if run else None, "seconds": round(run.seconds, 3) if run else None}) + "\n")


SLOW_ITEMS = {"many-paths-1000", "deep-yaml-10000"}  # 13 commands on them take 5-10 s on a busy 2-core machine


@pytest.mark.parametrize("item", [pytest.param(item, marks=[pytest.mark.slow] if item.name in SLOW_ITEMS else [])
                                  for item in CORPUS], ids=[item.name for item in CORPUS])
def test_hostile_input_through_every_command(env: Env, item: Item, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One input through every registered command. A pair listed in KNOWN_BUGS must still fail (strict): when it
    starts to pass, this test fails and asks for the entry to be removed; when only known bugs fail, it xfails."""
    problems: list[str] = []
    known: list[str] = []
    for label, (command, _) in COMMANDS.items():
        if command not in REGISTERED:
            continue
        bug = KNOWN_BUGS.get((item.name, label))
        run: Run | None = None
        try:
            run = _run_one(env, item, label, tmp_path / label, monkeypatch)
        except AssertionError as failure:
            _record(item, label, run, "known-bug" if bug else "fail")
            if bug:
                known.append(f"{label}: {bug}")
            else:
                problems.append(f"[{label}] {failure}")
            continue
        _record(item, label, run, "fixed" if bug else "ok")
        if bug:
            problems.append(f"[{label}] now passes: remove ({item.name!r}, {label!r}) from KNOWN_BUGS")
    assert not problems, "\n\n".join(problems)
    if known:
        pytest.xfail("; ".join(known))


def test_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 60
    assert len({item.name for item in CORPUS}) == len(CORPUS)
    counts = {outcome: sum(item.outcome is outcome for item in CORPUS) for outcome in Outcome}
    assert all(count >= 10 for count in counts.values()), counts


def test_remote_refs_are_fetched_only_when_allowed(env: Env, tmp_path: Path) -> None:
    """The listener is real: with --allow-remote-refs the same spec does reach it, without it nothing does."""
    spec = env.paths["ref-remote-http"]
    before = env.remote.connections
    refused = run_inprocess("bundle", str(spec), "-o", str(tmp_path / "a.json"))
    assert refused.code == 2 and "--allow-remote-refs" in refused.stderr, refused.describe()
    assert env.remote.connections == before
    allowed = run_inprocess("bundle", "--allow-remote-refs", str(spec), "-o", str(tmp_path / "b.json"))
    assert allowed.code == 0, allowed.describe()
    assert env.remote.connections > before
    bundled = json.loads((tmp_path / "b.json").read_text())
    assert bundled["components"]["schemas"]["Item"]["properties"]["ext"] == {"type": "string"}


def test_sparse_200mb_file_is_refused_without_reading_it(env: Env) -> None:
    import resource

    spec = env.paths["file-200mb-sparse"]
    assert spec.stat().st_size == 200 * 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run = run_inprocess("validate", str(spec))
    assert run.code == 2 and "over the" in run.stderr and run.seconds < 2, run.describe()
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KiB: never read into memory


def test_yaml_python_tags_execute_nothing(env: Env) -> None:
    marker = Path("/tmp/aoai-pwned")
    marker.unlink(missing_ok=True)
    run = run_inprocess("validate", str(env.paths["yaml-python-object"]))
    assert run.code == 2 and not marker.exists(), run.describe()


SUBPROCESS_SAMPLE = ["json-truncated", "alias-bomb", "deep-json-10000", "file-200mb-sparse", "ref-escape-dotdot",
                     "ref-remote-http", "paths-list", "ref-cycle-allof", "yaml-python-object", "lone-surrogate-escape"]


@pytest.mark.parametrize("name", SUBPROCESS_SAMPLE)
def test_hostile_input_as_a_real_process(env: Env, name: str, tmp_path: Path) -> None:
    """The same contract through `python -m toolkit`, for a sample: exit codes and stderr as a shell sees them."""
    item = next(i for i in CORPUS if i.name == name)
    labels = ["validate", "bundle"]
    if item.outcome is Outcome.REFUSE:
        labels.append("mock")  # a real `aoai-spec mock --spec HOSTILE` must refuse to start: exit 2, one line
    for label in labels:
        run = run_subprocess(*COMMANDS[label][1](env.paths[name], env, tmp_path), timeout=TIME_BOUND + 10)
        check(run, item, label, env.paths[name].parent)


def test_listener_counts_connections(env: Env) -> None:
    """Guard for the guard: a plain TCP connect is counted."""
    before = env.remote.connections
    with socket.create_connection(("127.0.0.1", env.remote.port), timeout=2) as sock:
        sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
        sock.recv(100)
    assert env.remote.connections == before + 1
