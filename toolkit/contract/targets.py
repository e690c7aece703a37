"""Where a run goes: the base URL for a spec's surface, and the `targets.yaml` matrix of deployments.

Accepted URL forms: `https://NAME.openai.azure.com/openai/v1/` and `https://NAME.services.ai.azure.com/openai/v1/`
for the v1 surface, `https://NAME.openai.azure.com/openai` for the dated surface (its `api-version` comes from the
spec); a bare host gets the surface's path appended. APIM gateways keep whatever path they were given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import SpecLoadError
from ..load import Limits, parse_text
from .auth import AuthSpec
from ..errors import ContractConfigError

AUTH_MODES = ("api-key", "bearer", "subscription-key", "entra", "none")


def base_url(url: str, surface: str) -> str:
    """Normalise a user's URL for the spec's surface (no trailing slash; Schemathesis appends spec paths)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ContractConfigError(f"--url {url!r}: expected an http(s) URL such as https://NAME.openai.azure.com/openai/v1/")
    path = parts.path.rstrip("/")
    if surface == "v1":
        if path in ("", "/openai"):
            path = "/openai/v1"
    else:
        if path.endswith("/openai/v1"):
            raise ContractConfigError(f"--url {url!r} is a v1 endpoint, but the spec is a dated (api-version) spec; "
                                      "use the .../openai form")
        if path == "":
            path = "/openai"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Target:
    """One deployment of the matrix."""

    name: str
    url: str
    spec: str
    deployment: str | None = None
    region: str | None = None
    auth: AuthSpec = field(default_factory=AuthSpec)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "url": self.url, "spec": self.spec, "deployment": self.deployment,
                "region": self.region, "auth": self.auth.to_dict()}


def load_targets(path: Path, default_spec: str | None = None) -> list[Target]:
    """Read `targets.yaml`: `targets: [{name, url, spec, deployment, region, auth: {mode, env}}]`."""
    try:
        document, _ = parse_text(path.read_bytes(), str(path), Limits(), [])
    except OSError as exc:
        raise ContractConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except SpecLoadError as exc:
        raise ContractConfigError(str(exc)) from None
    rows = document.get("targets") if isinstance(document, dict) else document
    if not isinstance(rows, list) or not rows:
        raise ContractConfigError(f"{path}: expected a 'targets' list with at least one entry")
    targets = []
    for index, row in enumerate(rows):
        where = f"{path}: targets[{index}]"
        if not isinstance(row, dict):
            raise ContractConfigError(f"{where}: expected a mapping")
        missing = [k for k in ("name", "url") if not isinstance(row.get(k), str)]
        spec = row.get("spec", default_spec)
        if not isinstance(spec, str):
            missing.append("spec")
        if missing:
            raise ContractConfigError(f"{where}: missing {', '.join(missing)}")
        auth = row.get("auth") or {"mode": "none"}
        if isinstance(auth, str):
            auth = {"mode": auth}
        mode = auth.get("mode") if isinstance(auth, dict) else None
        if mode not in AUTH_MODES:
            raise ContractConfigError(f"{where}: auth.mode must be one of {', '.join(AUTH_MODES)}")
        if mode not in ("entra", "none") and not isinstance(auth.get("env"), str):
            raise ContractConfigError(f"{where}: auth.env names the environment variable holding the {mode}")
        targets.append(Target(name=row["name"], url=row["url"], spec=spec, deployment=row.get("deployment"),
                              region=row.get("region"), auth=AuthSpec(mode, auth.get("env"))))
    return targets
