"""Each spec is parsed once per build, whichever worker process needs it.

A version is read by its own job and by up to two pair diffs (and compat), each possibly in another worker
process. Most archived specs are YAML, whose parsing costs about 0.6 s per MB, so the first job that opens a
version pickles the loaded `Spec` into the build's scratch folder and the later ones unpickle it (a few
milliseconds). The folder lives for one build only (`scratch()`), so no parse result outlives the files and the
code it came from.
"""

from __future__ import annotations

import hashlib
import pickle
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import OutputError
from ..load import write_atomic
from ..model import Spec
from ..workspace import Workspace


@contextmanager
def scratch() -> Iterator[Path]:
    """A private folder for one build's parsed specs, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="aoai-spec-parsed-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def open_spec(ws: Workspace, spec_id: str, folder: Path | None) -> Spec:
    """`ws.open(spec_id)`, parsed at most once per build when `folder` is the build's scratch folder."""
    if folder is None:
        return ws.open(spec_id)
    file = folder / f"{hashlib.sha256(spec_id.encode()).hexdigest()[:24]}.pickle"
    try:
        with file.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - written by this build into its own private folder
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass  # unreadable: parse again
    spec = ws.open(spec_id)
    try:
        write_atomic(file, pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL))
    except (OutputError, pickle.PicklingError, RecursionError):
        pass  # only costs the next reader a parse
    return spec
