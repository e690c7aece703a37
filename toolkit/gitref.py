"""`git:REF:PATH` SPEC arguments: a spec as it is in a revision of the current git repository.

CI on pull requests compares the target branch's spec with the pull request's (`aoai-spec breaking
git:origin/main:openapi.yaml openapi.yaml`). The spec file and every file its relative `$ref`s reach are read with
`git show REV:PATH` (a subprocess with an argument list, never a shell) and written into a temporary folder with
the same layout, so the loader resolves references inside that revision's tree and nowhere else. PATH is
relative to the current directory, like any other path argument; REF is anything `git rev-parse` resolves to a
commit (a branch, a tag, `HEAD~1`, a sha).
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import SpecLoadError
from .load import Limits, parse_text, ref_sites

PREFIX = "git:"
_REF = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./@{}~^+-]*$")  # no spaces, no ':', no leading '-' (an option)
_TIMEOUT = 60


@dataclass(frozen=True)
class GitSpec:
    """One `git:REF:PATH` argument, resolved: the commit and the file's path from the repository root."""

    argument: str
    ref: str
    commit: str
    repo_root: Path
    path: str  # POSIX, relative to the repository root

    def materialise(self, into: Path, limits: Limits) -> Path:
        """Write the spec and the files its relative `$ref`s reach (as of `commit`) under `into`; return the
        spec's local copy."""
        root = self.path
        folder = posixpath.dirname(root)
        queue, seen = [root], set()
        while queue and len(seen) < limits.max_files:
            path = queue.pop()
            if path in seen:
                continue
            seen.add(path)
            data = self._show(path, required=path == root)
            if data is None:
                continue  # a missing referenced file: the loader reports the dangling `$ref` by its pointer
            target = into / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            for ref in _external_refs(data, path, limits):
                joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), ref))
                if not joined.startswith("../") and (not folder or joined.startswith(folder + "/")):
                    queue.append(joined)  # outside the spec's folder: the loader refuses it, with its pointer
        return into / root

    def _show(self, path: str, required: bool) -> bytes | None:
        if required and _git(self.repo_root, "cat-file", "-t", f"{self.commit}:{path}").stdout.strip() != b"blob":
            raise SpecLoadError(self.argument, f"no file {path!r} in {self.ref} ({self.commit[:12]})")
        done = _git(self.repo_root, "show", f"{self.commit}:{path}")
        if done.returncode == 0:
            return done.stdout
        if required:
            raise SpecLoadError(self.argument, f"no file {path!r} in {self.ref} ({self.commit[:12]})")
        return None


def is_git_argument(argument: str) -> bool:
    return argument.startswith(PREFIX)


def resolve(argument: str, cwd: Path | None = None) -> GitSpec:
    """Check and resolve `git:REF:PATH` against the repository around `cwd`; SpecLoadError (exit 2) when the
    argument is malformed, there is no repository, or REF names no commit."""
    body = argument[len(PREFIX):]
    ref, sep, path = body.partition(":")
    if not sep or not ref or not path:
        raise SpecLoadError(argument, "write a git revision as git:REF:PATH, e.g. git:origin/main:openapi.yaml")
    if not _REF.match(ref) or ".." in ref or "//" in ref:
        raise SpecLoadError(argument, f"{ref!r} is not a git revision name")
    if "\0" in path or "\n" in path or path.startswith("/"):
        raise SpecLoadError(argument, f"{path!r}: give a path relative to the current directory")
    cwd = (cwd or Path.cwd()).resolve()
    top = _git(cwd, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise SpecLoadError(argument, f"{cwd} is not inside a git repository")
    repo_root = Path(top.stdout.decode("utf-8", "replace").strip()).resolve()
    relative = posixpath.normpath(posixpath.join(cwd.relative_to(repo_root).as_posix(), path))
    if relative == "." or relative.startswith("../") or relative == "..":
        raise SpecLoadError(argument, f"{path!r} is outside the repository {repo_root}")
    commit = _git(repo_root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if commit.returncode != 0:
        raise SpecLoadError(argument, f"git revision {ref!r} not found in {repo_root}")
    return GitSpec(argument, ref, commit.stdout.decode().strip(), repo_root, relative)


def open_tree(argument: str, limits: Limits, cwd: Path | None = None) -> tuple[GitSpec, Path, tempfile.TemporaryDirectory]:
    """Resolve and materialise a `git:` argument: (the resolved spec, its local copy, the folder holding it; the
    folder is deleted when that object is)."""
    spec = resolve(argument, cwd)
    folder = tempfile.TemporaryDirectory(prefix="aoai-spec-git-")
    return spec, spec.materialise(Path(folder.name), limits), folder


def _external_refs(data: bytes, name: str, limits: Limits) -> list[str]:
    """The file parts of the relative `$ref`s of one file (none when it does not parse: the loader will say)."""
    try:
        value, _ = parse_text(data, name, limits, [])
    except Exception:  # noqa: BLE001 - any parse failure is reported by the loader, with the file's real name
        return []
    out = []
    for _, _, ref_obj, _ in ref_sites(value):
        file = ref_obj["$ref"].partition("#")[0]
        if file and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", file):  # relative, not http: or another scheme
            out.append(file)
    return out


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=_TIMEOUT, check=False,
                              env=_environment())
    except FileNotFoundError:
        raise SpecLoadError("git:", "git is not installed (needed for git:REF:PATH arguments)") from None
    except subprocess.TimeoutExpired:
        raise SpecLoadError("git:", f"git {args[0]} took longer than {_TIMEOUT} s") from None


def _environment() -> dict[str, str]:
    """The caller's environment, minus anything that would make git prompt or page."""
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "PAGER": "cat", "LC_ALL": "C"})
    return env
