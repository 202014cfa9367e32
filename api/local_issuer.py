"""The local issuer, for development and tests: an OpenID Connect issuer of one's own, so a machine without the
realm's identity provider still runs the real verification path (api/auth.py verifies its tokens exactly as it
verifies the realm's: discovery, keys fetched over HTTP, signature, claims).

Its private signing key is generated on first use and kept in a file under var/auth/ (ignored by git, readable by
its owner only); the discovery document and the public keys (JWKS) are served over HTTP by `asgi()`, which the app
mounts at /auth/local when AUTH_LOCAL_ISSUER is on. `tracegraph token` signs with it, with the realm's claim layout
(roles under realm_access.roles, the audience in `aud` and `azp`), so its tokens are the ones the deployment takes."""

from __future__ import annotations

import json
import os
import tempfile
import time
import uuid
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from graph.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KEY_FILE = ROOT / "var" / "auth" / "local-issuer-keys.json"
ALGORITHM = "RS256"
DISCOVERY_PATH = "/.well-known/openid-configuration"
JWKS_PATH = "/jwks"
KEYS_KEPT = 2  # after a rotation the previous key still verifies the tokens it signed, until they expire


class LocalIssuer:
    def __init__(
        self,
        url: str,
        key_file: Path,
        audience: str,
        roles_claim: str = "realm_access.roles",
        enterprises_claim: str = "tracegraph_enterprises",
    ):
        self.url = url.rstrip("/")
        self.key_file = key_file
        self.audience = audience
        self.roles_claim = roles_claim
        self.enterprises_claim = enterprises_claim

    @classmethod
    def of(cls, settings: Settings) -> LocalIssuer:
        key_file = Path(settings.auth_local_key_file) if settings.auth_local_key_file else DEFAULT_KEY_FILE
        return cls(
            settings.auth_local_issuer_url,
            key_file,
            settings.auth_audience,
            settings.auth_roles_claim,
            settings.auth_enterprises_claim,
        )

    # --- keys ---------------------------------------------------------------------------------------------------

    def keys(self) -> list[RSAKey]:
        """The signing keys, newest first; the first one is generated (and stored) on first use."""
        if not self.key_file.exists():
            self._store([_new_key()], exclusive=True)
        stored = json.loads(self.key_file.read_text(encoding="utf-8"))
        return [RSAKey.import_key(k) for k in stored["keys"]]

    def rotate(self) -> RSAKey:
        """A new signing key; the previous one stays published so the tokens it signed verify until they expire."""
        key = _new_key()
        self._store([key, *self.keys()][:KEYS_KEPT])
        return key

    def _store(self, keys: list[RSAKey], exclusive: bool = False) -> None:
        """Write atomically (a reader never sees half a file), owner-only; `exclusive`: keep a file another
        process wrote first (two first uses at once agree on one key)."""
        self.key_file.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"keys": [k.as_dict(private=True) for k in keys]})
        fd, temporary = tempfile.mkstemp(dir=self.key_file.parent, prefix=".keys-")  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            if exclusive:
                with suppress(FileExistsError):
                    os.link(temporary, self.key_file)
            else:
                os.replace(temporary, self.key_file)
                temporary = ""
        finally:
            if temporary:
                os.unlink(temporary)

    # --- tokens -------------------------------------------------------------------------------------------------

    def token(
        self,
        subject: str,
        roles: Iterable[str],
        enterprises: Iterable[str] = (),
        ttl_s: int = 8 * 3600,
        now: int | None = None,
        key: RSAKey | None = None,
        **claims: Any,
    ) -> str:
        """A signed access token laid out as the realm's: `claims` add or replace claims (tests forge with them)."""
        issued = int(time.time()) if now is None else now
        payload: dict[str, Any] = {
            "iss": self.url,
            "sub": subject,
            "aud": self.audience,
            "azp": self.audience,
            "typ": "Bearer",
            "iat": issued,
            "exp": issued + ttl_s,
            "jti": uuid.uuid4().hex,
            "preferred_username": subject,
        }
        _put(payload, self.roles_claim, sorted(set(roles)))
        if enterprises := sorted(set(enterprises)):
            _put(payload, self.enterprises_claim, enterprises)
        payload.update(claims)
        signer = key or self.keys()[0]
        return jwt.encode({"alg": ALGORITHM, "typ": "JWT", "kid": signer.kid}, payload, signer, algorithms=[ALGORITHM])

    # --- what it serves -----------------------------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "jwks_uri": self.url + JWKS_PATH,
            "id_token_signing_alg_values_supported": [ALGORITHM],
            "subject_types_supported": ["public"],
            "response_types_supported": ["token"],
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [k.as_dict(private=False) for k in self.keys()]}

    def asgi(self) -> Starlette:
        """The issuer's two documents, to mount at the path of its URL."""

        async def discovery(_: Request) -> JSONResponse:
            return JSONResponse(self.discovery())

        async def jwks(_: Request) -> JSONResponse:
            return JSONResponse(self.jwks(), headers={"Cache-Control": "max-age=300"})

        return Starlette(routes=[Route(DISCOVERY_PATH, discovery), Route(JWKS_PATH, jwks)])


def _new_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"use": "sig", "alg": ALGORITHM}, auto_kid=True)


def _put(payload: dict[str, Any], dotted: str, value: Any) -> None:
    """Set `value` at a dotted claim path ("realm_access.roles"), making the objects on the way."""
    *parents, last = dotted.split(".")
    node = payload
    for name in parents:
        node = node.setdefault(name, {})
    node[last] = value
