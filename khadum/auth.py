"""Access tokens and API keys as Supabase has them today.

Verifying (`verify_token`): a user's access token is a JWT signed by one of the
project's JWT signing keys (ES256 or RS256); the public keys are fetched from
`{SUPABASE_URL}/auth/v1/.well-known/jwks.json` with httpx, cached, and fetched
again (at most every `JWKS_MIN_REFETCH_SECONDS`) when a token names an unknown
`kid`. HS256 is accepted only when a legacy `SUPABASE_JWT_SECRET` is configured;
`alg: none` and every other algorithm never. Issuer (`{SUPABASE_URL}/auth/v1`),
audience (`authenticated`) and expiry are checked as Supabase sets them.

Signing (`mint_token`): the client's chat session is minted by our functions with
`KHADUM_SESSION_SIGNING_KEY` (a private ES256 JWK imported into the project as a
JWT signing key, so PostgREST and Realtime accept it); locally with the key the
Auth stand-in publishes; with the legacy HS256 secret only when nothing else is set.

API keys (`require_service_role`, `is_publishable_key`): `sb_secret_…` where the
service_role key was, `sb_publishable_…` where the anon key was; the legacy
JWT-shaped keys keep working. Every key comparison is constant-time.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt

from khadum.errors import KhadumError, TransientError, Unauthorized
from khadum.settings import Settings

log = logging.getLogger("khadum.auth")

AUDIENCE = "authenticated"
FREELANCER_TOKEN_TTL = 3600
CHAT_SESSION_TTL = 12 * 3600
ASYMMETRIC_ALGORITHMS = ("ES256", "RS256")
JWKS_PATH = "/auth/v1/.well-known/jwks.json"
JWKS_MAX_AGE_SECONDS = 600.0  # Supabase's edge caches the JWKS for 10 minutes too
JWKS_MIN_REFETCH_SECONDS = 30.0  # an unknown kid refetches at most this often
JWKS_TIMEOUT_SECONDS = 5.0


def issuer(settings: Settings) -> str:
    return f"{settings.supabase_url.rstrip('/')}/auth/v1"


def jwks_url(settings: Settings) -> str:
    return settings.supabase_url.rstrip("/") + JWKS_PATH


# -- the project's JWKS -----------------------------------------------------------
class JwksUnavailable(TransientError):
    """The signing keys could not be fetched (and none are cached)."""


@dataclass
class Jwks:
    """The public signing keys at `url`, cached; `static` (inline JSON) skips HTTP."""

    url: str
    transport: httpx.AsyncBaseTransport | None = None
    static: dict[str, Any] | None = None
    max_age: float = JWKS_MAX_AGE_SECONDS
    min_refetch: float = JWKS_MIN_REFETCH_SECONDS
    fetches: int = 0
    _keys: dict[str, jwt.PyJWK] | None = field(default=None, repr=False)
    _fetched_at: float = field(default=-1e18, repr=False)
    _refetched_at: float = field(default=-1e18, repr=False)

    async def key(self, kid: str) -> jwt.PyJWK | None:
        now = time.monotonic()
        if self._keys is None or now - self._fetched_at > self.max_age:
            await self._refresh(now, required=self._keys is None)
        elif kid not in self._keys and now - self._refetched_at >= self.min_refetch:
            self._refetched_at = now  # one forced refetch per min_refetch, whatever the kid
            await self._refresh(now, required=False)  # a new key (rotation): look again
        return (self._keys or {}).get(kid)

    async def _refresh(self, now: float, *, required: bool) -> None:
        try:
            document = self.static if self.static is not None else await self._fetch()
            self._keys = parse_jwks(document)
            self._fetched_at = now
        except (httpx.HTTPError, ValueError, jwt.PyJWKError) as exc:
            log.warning("could not fetch the JWKS at %s: %s", self.url, exc)
            if self._keys is not None:  # keep the cached keys; try again in min_refetch
                self._fetched_at = now - self.max_age + self.min_refetch
            if required or self._keys is None:
                raise JwksUnavailable(
                    "the project's signing keys cannot be fetched; try again shortly",
                    code="jwks_unavailable",
                ) from exc

    async def _fetch(self) -> Any:
        self.fetches += 1
        async with httpx.AsyncClient(transport=self.transport,
                                     timeout=JWKS_TIMEOUT_SECONDS) as client:
            res = await client.get(self.url, headers={"accept": "application/json"})
            res.raise_for_status()
            return res.json()


def parse_jwks(document: Any) -> dict[str, jwt.PyJWK]:
    """kid → key, for the ES256/RS256 signing keys of a JWKS document."""
    entries = document.get("keys") if isinstance(document, dict) else document
    if not isinstance(entries, list):
        raise ValueError("a JWKS is an object with a 'keys' list")
    keys: dict[str, jwt.PyJWK] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("kid"):
            continue
        alg = entry.get("alg") or {"EC": "ES256", "RSA": "RS256"}.get(str(entry.get("kty")))
        if alg not in ASYMMETRIC_ALGORITHMS:
            continue
        keys[str(entry["kid"])] = jwt.PyJWK(entry, algorithm=alg)
    return keys


_TRANSPORTS: dict[str, httpx.AsyncBaseTransport] = {}
_CACHES: dict[tuple[str, str | None], Jwks] = {}


def register_jwks_transport(supabase_url: str, transport: httpx.AsyncBaseTransport) -> None:
    """Serve `{supabase_url}`'s JWKS through `transport` (e.g. an ASGITransport onto
    the local Auth stand-in) in this process: for tests with no server listening."""
    _TRANSPORTS[supabase_url.rstrip("/")] = transport
    _CACHES.clear()


def reset_jwks_cache() -> None:
    _CACHES.clear()


def jwks_for(settings: Settings) -> Jwks:
    """The process-wide JWKS cache for these settings (inline `SUPABASE_JWKS`, else HTTP)."""
    cache_key = (jwks_url(settings), settings.supabase_jwks)
    found = _CACHES.get(cache_key)
    if found is None:
        static = json.loads(settings.supabase_jwks) if settings.supabase_jwks else None
        transport = _TRANSPORTS.get(settings.supabase_url.rstrip("/"))
        found = _CACHES[cache_key] = Jwks(jwks_url(settings), transport=transport, static=static)
    return found


# -- verifying --------------------------------------------------------------------
async def verify_token(
    settings: Settings, token: str, *, require: tuple[str, ...] = ("exp", "sub", "role"),
    audience: str | None = AUDIENCE,
) -> dict[str, Any]:
    """The claims of a valid access token; `Unauthorized` (401) otherwise."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("invalid access token", code="invalid_token") from exc
    alg = header.get("alg")
    options: Any = {"require": list(require), "verify_aud": audience is not None}
    try:
        if alg in ASYMMETRIC_ALGORITHMS:
            kid = header.get("kid")
            key = await jwks_for(settings).key(str(kid)) if kid else None
            if key is None or key.algorithm_name != alg:
                raise Unauthorized("the token is not signed by a key of this project",
                                   code="invalid_token")
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=[alg], audience=audience, issuer=issuer(settings),
                options=options, leeway=5,
            )
        elif alg == "HS256" and settings.supabase_jwt_secret:
            claims = jwt.decode(token, settings.supabase_jwt_secret, algorithms=["HS256"],
                                audience=audience, options=options, leeway=5)
        else:
            raise Unauthorized(f"tokens signed with {alg!r} are not accepted",
                               code="invalid_token")
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("the session has expired; sign in again", code="token_expired") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("invalid access token", code="invalid_token") from exc
    return claims


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("missing Authorization: Bearer <token>", code="missing_token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "the Authorization header must be 'Bearer <token>'", code="invalid_token"
        )
    return token.strip()


def _matches_any(presented: str, keys: list[str]) -> bool:
    found = False
    for key in keys:  # no early exit: every key is compared, in constant time each
        found |= hmac.compare_digest(presented.encode(), key.encode())
    return found


def is_secret_key(settings: Settings, presented: str) -> bool:
    """`sb_secret_…` (SUPABASE_SECRET_KEY) or the legacy service_role key."""
    return _matches_any(presented, settings.secret_api_keys)


def is_publishable_key(settings: Settings, presented: str) -> bool:
    """`sb_publishable_…` (SUPABASE_PUBLISHABLE_KEY) or the legacy anon key."""
    return _matches_any(presented, settings.publishable_api_keys)


class NotServiceRole(Unauthorized):
    """A valid token, but not one that may act as the server."""

    code = "not_service_role"


async def verify_service_key(
    settings: Settings, token: str, *, roles: tuple[str, ...] = ("service_role",)
) -> None:
    """The one service-key check: a secret API key (`sb_secret_…` or the legacy
    service_role key), or a verified JWT whose role is one of `roles`.
    `Unauthorized` for a bad token, `NotServiceRole` for another role's."""
    if is_secret_key(settings, token):
        return
    claims = await verify_token(settings, token, require=("exp", "role"), audience=None)
    if claims.get("role") not in roles:
        raise NotServiceRole("this endpoint needs the secret (service) key")


async def require_service_role(settings: Settings, authorization: str | None) -> None:
    """Server-to-server calls (the functions' `ServiceCaller`): 401 unless the
    `Authorization: Bearer` value passes `verify_service_key`."""
    token = bearer_token(authorization)
    try:
        await verify_service_key(settings, token)
    except NotServiceRole:
        raise
    except Unauthorized as exc:
        raise Unauthorized("this endpoint needs the secret (service) key",
                           code="invalid_token") from exc


# -- signing ----------------------------------------------------------------------
@dataclass(frozen=True)
class SigningKey:
    algorithm: str
    key: Any  # a PyJWK (ES256) or the legacy secret (HS256)
    kid: str | None = None

    @classmethod
    def from_jwk(cls, jwk: dict[str, Any] | str) -> SigningKey:
        data = json.loads(jwk) if isinstance(jwk, str) else jwk
        if not isinstance(data, dict) or "d" not in data or not data.get("kid"):
            raise KhadumError("KHADUM_SESSION_SIGNING_KEY must be a private JWK with a kid",
                              code="configuration")
        alg = data.get("alg") or "ES256"
        if alg not in ASYMMETRIC_ALGORITHMS:
            raise KhadumError(f"signing keys must be ES256 or RS256, not {alg}",
                              code="configuration")
        return cls(alg, jwt.PyJWK(data, algorithm=alg), str(data["kid"]))

    def sign(self, payload: dict[str, Any]) -> str:
        if self.algorithm == "HS256":
            return jwt.encode(payload, self.key, algorithm="HS256")
        return jwt.encode(payload, self.key.key, algorithm=self.algorithm,
                          headers={"kid": self.kid, "typ": "JWT"})


def session_signing_key(settings: Settings) -> SigningKey:
    """How the functions sign the sessions they mint: KHADUM_SESSION_SIGNING_KEY;
    locally the stand-in's published session key; else the legacy secret (HS256)."""
    if settings.khadum_session_signing_key:
        return SigningKey.from_jwk(settings.khadum_session_signing_key)
    if not settings.is_production:
        from khadum.devstack.keys import LocalKeys

        return SigningKey.from_jwk(LocalKeys(settings.khadum_local_auth_dir).session_key)
    if settings.supabase_jwt_secret:
        return SigningKey("HS256", settings.supabase_jwt_secret)
    raise KhadumError("set KHADUM_SESSION_SIGNING_KEY (or the legacy SUPABASE_JWT_SECRET) "
                      "to mint chat sessions", code="configuration")


def mint_token(settings: Settings, claims: dict[str, Any], ttl_seconds: int,
               *, key: SigningKey | None = None) -> str:
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": issuer(settings), "aud": AUDIENCE, "role": "authenticated",
        "iat": now, "exp": now + ttl_seconds,
    }
    payload.update(claims)
    return (key or session_signing_key(settings)).sign(payload)


def local_auth_signing_key(settings: Settings) -> SigningKey:
    """Local only: the key the Auth stand-in signs user sessions with."""
    from khadum.devstack.keys import LocalKeys

    return SigningKey.from_jwk(LocalKeys(settings.khadum_local_auth_dir).auth_key)


def mint_freelancer_token(
    settings: Settings,
    user_id: uuid.UUID | str,
    email: str,
    ttl_seconds: int = FREELANCER_TOKEN_TTL,
) -> str:
    """Local only (tests, `khadum token`): a session as the Auth stand-in signs it."""
    return mint_token(settings, {"sub": str(user_id), "email": email}, ttl_seconds,
                      key=local_auth_signing_key(settings))


def mint_chat_session_token(
    settings: Settings,
    chat_id: uuid.UUID | str,
    client_sub: uuid.UUID | str,
    ttl_seconds: int = CHAT_SESSION_TTL,
) -> str:
    ttl = min(ttl_seconds, CHAT_SESSION_TTL)
    claims = {"sub": str(client_sub), "chat_id": str(chat_id), "chat_role": "client"}
    return mint_token(settings, claims, ttl)
