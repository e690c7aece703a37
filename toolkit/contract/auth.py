"""Credentials for a run: api-key, Entra ID (with refresh), a bearer token, or an APIM subscription key.

Each provider is plugged into Schemathesis through its auth seam (`schema.auth()`), so checks such as
`ignored_auth` know which header carries the credential; every value is registered with the redactor before use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import ContractConfigError
from .redact import Redactor

ENTRA_SCOPE = "https://cognitiveservices.azure.com/.default"


@dataclass(frozen=True)
class AuthSpec:
    """What the user asked for: `mode` is api-key | bearer | subscription-key | entra | none."""

    mode: str = "none"
    env: str | None = None
    secret: str | None = field(default=None, repr=False, compare=False)  # Python API only; the CLI reads env

    @classmethod
    def api_key(cls, value: str) -> "AuthSpec":
        return cls("api-key", None, value)

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "env": self.env}


class Credential:
    """Produces the headers for one request."""

    def headers(self) -> dict[str, str]:
        raise NotImplementedError


@dataclass
class StaticHeader(Credential):
    header: str
    value: str

    def headers(self) -> dict[str, str]:
        return {self.header: self.value}


@dataclass
class EntraToken(Credential):
    """An azure-identity credential behind azure-identity's own token provider (cached, refreshed near expiry)."""

    credential: Any
    redactor: Redactor
    scope: str = ENTRA_SCOPE
    header: str = "Authorization"
    _provider: Callable[[], str] | None = field(default=None, repr=False)

    def headers(self) -> dict[str, str]:
        if self._provider is None:
            from azure.identity import get_bearer_token_provider

            self._provider = get_bearer_token_provider(self.credential, self.scope)
        token = self._provider()
        self.redactor.add(token)  # before it is sent: no output can ever contain it
        return {"Authorization": f"Bearer {token}"}


def _from_env(var: str | None, flag: str) -> str:
    if not var:
        raise ContractConfigError(f"{flag} needs the NAME of an environment variable")
    value = os.environ.get(var)
    if not value:
        raise ContractConfigError(f"{flag} {var}: the environment variable is not set or empty")
    return value


def build_credential(spec: AuthSpec, redactor: Redactor, *, entra_credential: Any = None) -> Credential | None:
    """The credential for an `AuthSpec`; secrets are read from the environment, never from the command line."""
    if spec.mode == "none":
        return None
    if spec.mode == "entra":
        if entra_credential is None:
            try:
                from azure.identity import DefaultAzureCredential
            except ImportError:  # pragma: no cover - the optional extra is missing
                raise ContractConfigError("--entra needs azure-identity: pip install 'aoai-spec[entra]'") from None
            entra_credential = DefaultAzureCredential()
        return EntraToken(entra_credential, redactor)
    flag, header = {"api-key": ("--api-key-env", "api-key"), "bearer": ("--bearer-env", "Authorization"),
                    "subscription-key": ("--subscription-key-env", "Ocp-Apim-Subscription-Key")}[spec.mode]
    value = spec.secret or _from_env(spec.env, flag)
    redactor.add(value)
    return StaticHeader(header, f"Bearer {value}" if spec.mode == "bearer" else value)


def register(schema: Any, credential: Credential | None) -> None:
    """Attach the credential to a Schemathesis schema through its auth-provider seam."""
    if credential is None:
        return

    class _Provider:
        def get(self, case: Any, ctx: Any) -> dict[str, str]:
            return credential.headers()

        def set(self, case: Any, data: dict[str, str], ctx: Any) -> None:
            if case.headers is None:
                case.headers = {}
            case.headers.update(data)

    # refresh_interval=None: no Schemathesis-side caching, the credential decides when to refresh.
    schema.auth.auth(refresh_interval=None)(_Provider)
