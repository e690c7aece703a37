"""Names that come from GitHub are data, not paths: each is checked for the one shape it may have.

A folder listed under a watched folder must look like an api-version (`2024-10-21`, `2025-04-01-preview`), a
commit must be 40 lowercase hex digits, and a file a spec `$ref`s must stay inside the spec's folder. Anything
else (`../x`, `a/b`, a NUL, an absolute path, a backslash) raises `UnsafeName` before a byte is written.
"""

from __future__ import annotations

import posixpath
import re

from ..errors import UnsafeName

_SHA = re.compile(r"[0-9a-f]{40}")
_VERSION_FOLDER = re.compile(r"(\d{4})-(\d{2})-(\d{2})(-preview)?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown(value: object) -> str:
    """A hostile value quoted for one error line: control characters escaped, length bounded."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def commit_sha(value: object, where: str) -> str:
    """A full commit sha as GitHub lists it (40 hex); short, upper-case or path-like values are refused."""
    if not isinstance(value, str) or not _SHA.fullmatch(value):
        raise UnsafeName(f"{where}: commit sha {shown(value)} is not 40 hex digits; refused")
    return value


def version_folder(name: object, where: str) -> str:
    """A dated api-version folder name (`YYYY-MM-DD` or `YYYY-MM-DD-preview`)."""
    if not isinstance(name, str) or not _VERSION_FOLDER.fullmatch(name):
        raise UnsafeName(f"{where}: folder {shown(name)} is not an api-version folder (YYYY-MM-DD[-preview]); refused")
    return name


def plain_name(name: object, where: str) -> str:
    """One path segment: no separator, no `.`/`..`, no control character."""
    if (not isinstance(name, str) or not name or name in (".", "..") or "/" in name or "\\" in name
            or _CONTROL.search(name)):
        raise UnsafeName(f"{where}: name {shown(name)} is not a plain file or folder name; refused")
    return name


def relative_file(ref_file: str, referrer_dir: str, where: str) -> str:
    """The folder-relative path of a file a `$ref` names (`./examples/a.json` from `` -> `examples/a.json`).

    It must stay inside the spec's folder: the loader confines `$ref`s the same way, and the archive layout
    (`FAMILY/VERSION/<relative path>`) depends on it."""
    if not ref_file or ref_file.startswith("/") or "\\" in ref_file or _CONTROL.search(ref_file):
        raise UnsafeName(f"{where}: $ref file {shown(ref_file)} is not a relative path; refused")
    joined = posixpath.normpath(posixpath.join(referrer_dir, ref_file))
    if joined == ".." or joined.startswith("../") or joined in (".", ""):
        raise UnsafeName(f"{where}: $ref file {shown(ref_file)} leaves the spec's folder; refused")
    for segment in joined.split("/"):
        plain_name(segment, where)
    return joined


def repo_name(value: object, where: str) -> str:
    """`owner/name` as GitHub spells repositories."""
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+", value) or ".." in value:
        raise UnsafeName(f"{where}: repository {shown(value)} is not owner/name; refused")
    return value


def repo_path(value: object, where: str) -> str:
    """A path inside a repository, as the watch list names it: relative, normalised, plain segments."""
    if not isinstance(value, str) or posixpath.normpath(value) != value or value.startswith(("/", "../")):
        raise UnsafeName(f"{where}: repository path {shown(value)} is not a plain relative path; refused")
    for segment in value.split("/"):
        plain_name(segment, where)
    return value


def version_date(version: str) -> str | None:
    """The `YYYY-MM-DD` a version name starts with, if any."""
    match = re.match(r"\d{4}-\d{2}-\d{2}", version)
    return match.group() if match else None
