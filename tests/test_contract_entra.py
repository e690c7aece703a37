"""Entra ID: azure-identity's token provider over an injected credential, refreshed as tokens expire."""

from __future__ import annotations

import time




class FakeCredential:
    """Issues short-lived tokens (expiring in 2 s), so azure-identity's provider must refresh them."""

    def __init__(self) -> None:
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs):
        from azure.core.credentials import AccessToken

        self.scopes.append(scopes)
        return AccessToken(f"fake-entra-token-{len(self.scopes)}-x", int(time.time()) + 2)


def test_entra_tokens_are_refreshed_and_never_written():
    from toolkit.contract import ENTRA_SCOPE, AuthSpec, ContractConfig, render_report, run_contract
    from toolkit.mock import create_app, serve_in_background

    credential = FakeCredential()
    app = create_app(specs=["v1"], api_keys=["not-this-run"], accept_bearer=lambda token: token.startswith("fake-entra-token-"))
    with serve_in_background(app) as root:
        report = run_contract(ContractConfig(spec="v1", url=root + "/openai/v1/", auth=AuthSpec("entra"),
                                             entra_credential=credential, include_paths=("/models",),
                                             max_requests=30))
    assert report.ok, [f.to_dict() for f in report.failures]
    assert len(credential.scopes) >= 2 and set(credential.scopes) == {(ENTRA_SCOPE,)}
    assert len(app.state.mock.stats.credentials) >= 2  # the server saw more than one token: refreshed
    for fmt in ("json", "junit", "html", "markdown", "text"):
        assert "fake-entra-token-" not in render_report(report, fmt)
