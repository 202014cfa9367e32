"""Authentication: OpenID Connect bearer tokens (JWT) verified against the keys of the accepted issuers, and the
HTTP routes' access rules (api/access.py ROUTES) enforced for every route.

- `Verifier` checks a token with joserfc: the issuer is one of AUTH_ISSUERS (or the local issuer), the signature
  is RS256 or ES256 by a key the issuer publishes (found by OIDC discovery, {issuer}/.well-known/openid-configuration
  -> jwks_uri, fetched over HTTP and cached; a key id the cache does not know fetches the keys again, at most once
  per AUTH_KEYS_REFRESH_MIN_S), the audience (AUTH_AUDIENCE in `aud` or `azp`, as Keycloak puts a client id in
  either), `exp`, `nbf` and `iat` with AUTH_CLOCK_SKEW_S of leeway. The result is a graph.identity.Principal: the
  subject, the known roles of the roles claim (others ignored) and the enterprise ids of the enterprises claim.
- `Authenticate` (ASGI middleware) verifies the Authorization header of every HTTP request before routing and sets
  `request.state.principal` (None without a valid token; `request.state.auth_error` then says why).
- `authorize` (an app-wide dependency) applies the route's rule; `check_routes` refuses an app with a route that
  has no rule. GraphQL's operations and fields have their own rules (api/gql/guard.py).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import structlog
from fastapi import FastAPI, Request
from joserfc import jws, jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import ECKey, KeySet, RSAKey
from starlette.routing import Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from api.access import ROUTES, Rule, rule_names
from graph.errors import DomainError, Forbidden, Unauthenticated
from graph.identity import Principal, Role
from graph.settings import Settings

log = structlog.get_logger("api.auth")

# Asymmetric signatures only: `none` and HMAC (where a public key could be abused as the shared secret) never.
ALGORITHMS = ("RS256", "ES256")
KEY_TYPES = {"RS256": RSAKey, "ES256": ECKey}
CHALLENGE = 'Bearer realm="tracegraph"'
HOW_TO_GET_ONE = "send Authorization: Bearer <token> (`tracegraph token --role ROLE --sub NAME` prints a local one)"
KNOWN_ROLES = {r.value: r for r in Role}
VERIFIED_KEPT = 4096  # verified tokens remembered (a few MB at most)


class IssuerUnavailable(DomainError):
    """The issuer's keys could not be fetched: the token may be good, the service cannot tell (HTTP 503)."""

    code = "SERVICE_UNAVAILABLE"


def challenge(error: Unauthenticated) -> str:
    """The WWW-Authenticate value of a refusal (RFC 6750: a token that was sent and refused is invalid_token)."""
    # Printable ASCII only: the message may quote what the token said (its issuer, kid), and a header is Latin-1.
    message = "".join(c for c in str(error) if " " <= c <= "~" and c not in '"\\')[:300]
    if getattr(error, "token_sent", False):
        return f'{CHALLENGE}, error="invalid_token", error_description="{message}"'
    return CHALLENGE


def refused(message: str, token_sent: bool = True) -> Unauthenticated:
    error = Unauthenticated(message)
    error.token_sent = token_sent  # type: ignore[attr-defined]
    return error


@dataclass
class IssuerKeys:
    """One issuer's published keys, as last fetched."""

    keys: dict[str, RSAKey | ECKey] = field(default_factory=dict)  # by kid
    fetched_at: float = float("-inf")  # the last successful fetch (monotonic seconds)
    tried_at: float = float("-inf")  # the last attempt, successful or not
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Verifier:
    def __init__(self, settings: Settings):
        self.issuers = settings.accepted_issuers()
        self.audience = settings.auth_audience
        self.roles_path = settings.auth_roles_claim.split(".")
        self.enterprises_path = settings.auth_enterprises_claim.split(".")
        self.skew_s = settings.auth_clock_skew_s
        self.max_age_s = settings.auth_keys_max_age_s
        self.refresh_min_s = settings.auth_keys_refresh_min_s
        self.timeout = httpx.Timeout(settings.auth_http_timeout_s)
        self._keys: dict[str, IssuerKeys] = {issuer: IssuerKeys() for issuer in self.issuers}
        # Tokens already verified, until they expire: a client sends the same token with every request, and its
        # signature need not be checked again each time (LRU, bounded).
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    async def principal(self, authorization: str | None) -> Principal:
        """The verified caller of an Authorization header value; Unauthenticated saying why not."""
        if not authorization:
            raise refused(f"no bearer token: {HOW_TO_GET_ONE}", token_sent=False)
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise refused(f"the Authorization header is not a bearer token: {HOW_TO_GET_ONE}", token_sent=False)
        return await self.verify(token.strip())

    async def verify(self, token: str) -> Principal:
        if (known := self._verified.get(token)) is not None:
            principal, expires = known
            if time.time() < expires:
                self._verified.move_to_end(token)
                return principal
            del self._verified[token]
        principal, expires = await self._verify(token)
        self._verified[token] = (principal, expires)
        if len(self._verified) > VERIFIED_KEPT:
            self._verified.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, float]:
        header, claims = _unverified(token)
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise refused(f"the token's algorithm {algorithm!r} is not accepted (only {', '.join(ALGORITHMS)})")
        issuer = claims.get("iss")
        if not isinstance(issuer, str) or issuer.rstrip("/") not in self._keys:
            raise refused(f"the token's issuer {issuer!r} is not accepted here (AUTH_ISSUERS)")
        key = await self._key(issuer.rstrip("/"), header.get("kid"))
        if not isinstance(key, KEY_TYPES[algorithm]):
            raise refused(f"the token's algorithm {algorithm} does not match its key's type")
        try:
            verified = jwt.decode(token, key, algorithms=[algorithm]).claims
            jwt.JWTClaimsRegistry(
                leeway=self.skew_s, exp={"essential": True}, sub={"essential": True}, iss={"essential": True}
            ).validate(verified)
        except ExpiredTokenError:
            raise refused("the token has expired; get a new one") from None
        except JoseError as error:
            raise refused(f"the token is not valid: {error.description or error.error}") from None
        if not self._for_us(verified):
            raise refused(f"the token is not meant for this service (its aud or azp must be {self.audience!r})")
        subject = verified["sub"]
        if not isinstance(subject, str) or not subject.strip():
            raise refused("the token names no subject")
        name = verified.get("preferred_username")
        principal = Principal(
            subject=subject,
            roles=frozenset(KNOWN_ROLES[r] for r in _strings(_at(verified, self.roles_path)) if r in KNOWN_ROLES),
            enterprises=frozenset(_strings(_at(verified, self.enterprises_path))),
            name=name if isinstance(name, str) else None,
        )
        return principal, float(verified["exp"]) + self.skew_s

    def _for_us(self, claims: Mapping[str, Any]) -> bool:
        audience = claims.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
        return self.audience in audiences or claims.get("azp") == self.audience

    async def _key(self, issuer: str, kid: Any) -> RSAKey | ECKey:
        cache = self._keys[issuer]
        now = time.monotonic()
        if now - cache.fetched_at > self.max_age_s:
            await self._refresh(issuer, cache, at_least_s=self.refresh_min_s if cache.keys else 0)
        if kid is None:
            if len(cache.keys) == 1:  # an issuer with one key may leave kid out
                return next(iter(cache.keys.values()))
            raise refused("the token names no key (kid)")
        if not isinstance(kid, str):
            raise refused("the token's kid is not text")
        if kid not in cache.keys:  # a rotated key, or an invented one: look again, but not more than so often
            await self._refresh(issuer, cache, at_least_s=self.refresh_min_s)
        if kid not in cache.keys:
            raise refused(f"the token is signed with a key the issuer does not publish (kid {kid!r})")
        return cache.keys[kid]

    async def _refresh(self, issuer: str, cache: IssuerKeys, at_least_s: float) -> None:
        async with cache.lock:  # concurrent requests wait for one fetch
            if time.monotonic() - cache.tried_at < at_least_s:
                return
            cache.tried_at = time.monotonic()
            try:
                cache.keys = await self._fetch(issuer)
                cache.fetched_at = time.monotonic()
            except (httpx.HTTPError, ValueError, KeyError, JoseError) as error:
                log.warning("auth.keys_unavailable", issuer=issuer, error=f"{type(error).__name__}: {error}")
                if not cache.keys:
                    raise IssuerUnavailable(
                        f"the keys of the issuer {issuer} could not be fetched; try again shortly"
                    ) from None

    async def _fetch(self, issuer: str) -> dict[str, RSAKey | ECKey]:
        async with httpx.AsyncClient(timeout=self.timeout, follow_redirects=False) as client:
            response = await client.get(issuer + "/.well-known/openid-configuration")
            response.raise_for_status()
            discovery = response.json()
            if str(discovery.get("issuer", "")).rstrip("/") != issuer:  # OIDC Discovery 4.3
                raise ValueError(f"the discovery document names issuer {discovery.get('issuer')!r}")
            response = await client.get(discovery["jwks_uri"])
            response.raise_for_status()
            published = response.json()["keys"]
        signing = [
            k
            for k in published
            if isinstance(k, dict)
            and k.get("use", "sig") == "sig"
            and k.get("kty") in ("RSA", "EC")
            and k.get("alg", "RS256" if k.get("kty") == "RSA" else "ES256") in ALGORITHMS
            and isinstance(k.get("kid"), str)
        ]
        keys: dict[str, RSAKey | ECKey] = {}
        for key in KeySet.import_key_set({"keys": signing}).keys:
            if isinstance(key, RSAKey | ECKey) and key.kid:
                keys[key.kid] = key
        log.info("auth.keys_fetched", issuer=issuer, kids=sorted(keys))
        return keys


def _unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a compact JWS, before its signature is checked (to find the issuer and key)."""
    try:
        compact = jws.extract_compact(token.encode("ascii"))
        claims = json.loads(compact.payload)
    except (JoseError, ValueError, UnicodeError):
        raise refused("the bearer token is not a signed JWT") from None
    if not isinstance(claims, dict):
        raise refused("the bearer token's claims are not a JSON object")
    return dict(compact.protected), claims


def _at(claims: Mapping[str, Any], path: list[str]) -> Any:
    node: Any = claims
    for name in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(name)
    return node


def _strings(value: Any) -> list[str]:
    """A claim that is a list of texts, or one text (a single-valued user attribute)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


class Authenticate:
    """Sets request.state.principal (and auth_error) for every HTTP request, before routing (plain ASGI)."""

    def __init__(self, app: ASGIApp, verifier: Verifier):
        self.app = app
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            state = scope.setdefault("state", {})
            header = next((v for k, v in scope["headers"] if k == b"authorization"), None)
            state["principal"], state["auth_error"] = None, None
            try:
                state["principal"] = await self.verifier.principal(header.decode("latin-1") if header else None)
            except (Unauthenticated, IssuerUnavailable) as error:
                state["auth_error"] = error
        await self.app(scope, receive, send)


def caller(request: Request) -> Principal:
    """The verified caller of a request, or the reason there is none, raised."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise getattr(request.state, "auth_error", None) or refused(f"no bearer token: {HOW_TO_GET_ONE}", False)
    return principal


def require(principal: Principal, rule: Rule, what: str) -> None:
    if not principal.has_any(rule.roles):
        raise Forbidden(f"{what} needs one of the roles {rule_names(rule.roles)}")


def route_key(method: str, path: str) -> str:
    return f"{'GET' if method == 'HEAD' else method} {path}"


async def authorize(request: Request) -> None:
    """The rule of the route that answers (every route has one: check_routes), applied to the caller."""
    route = request.scope["route"]
    key = route_key(request.method, route.path_format)
    rule = ROUTES[key]
    if rule is not None:
        require(caller(request), rule, key)


def declared_routes(app: FastAPI) -> Iterator[tuple[str, bool]]:
    """Every route of the app as its ROUTES key, and whether `authorize` guards it (FastAPI's routes: yes; mounts
    and Starlette's plain routes, such as /openapi.json, run no dependency: they must be public)."""

    def walk(routes: list[Any]) -> Iterator[tuple[str, bool]]:
        for route in routes:
            if hasattr(route, "effective_candidates"):  # a router included into the app (FastAPI's own wrapper)
                yield from walk(route.effective_candidates())
            elif isinstance(route, Mount):
                yield f"GET {route.path}/{{path}}", False
            elif getattr(route, "methods", None):
                for method in sorted(route.methods - {"HEAD"}):
                    yield route_key(method, route.path_format), hasattr(route, "dependant")
            else:  # a websocket route: no request/response cycle for `authorize` to refuse
                yield f"WEBSOCKET {getattr(route, 'path_format', '') or getattr(route, 'path', '')}", False

    yield from walk(app.router.routes)


def covering_key(key: str) -> str | None:
    """The ROUTES key of a route, or for a mount that of a mount above it ("GET /static/{path}")."""
    if key in ROUTES:
        return key
    if not key.endswith("/{path}"):
        return None
    path = key.removeprefix("GET ").removesuffix("/{path}")
    while path:
        if (candidate := f"GET {path}/{{path}}") in ROUTES:
            return candidate
        path = path.rpartition("/")[0]
    return None


def check_routes(app: FastAPI) -> None:
    """Refuse an app with a route that has no rule in ROUTES, or an unguarded route whose rule is not public."""
    missing, unguarded = [], []
    for key, guarded in declared_routes(app):
        covering = covering_key(key) if not guarded else key if key in ROUTES else None
        if covering is None:
            missing.append(key)
        elif not guarded and ROUTES[covering] is not None:
            unguarded.append(key)
    if missing:
        raise RuntimeError(f"routes without an access rule in api/access.py ROUTES: {', '.join(sorted(missing))}")
    if unguarded:
        raise RuntimeError(f"routes served without the access check must be public (None): {', '.join(unguarded)}")
