"""One typed settings object, read from the environment (a `.env` file fills gaps).

Local runs need no configuration at all: every value has a local default. In
production (`KHADUM_ENV=production`) a missing or placeholder secret stops
start-up with a message that names the variable.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from dotenv import load_dotenv
from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_JWT_SECRET = "khadum-local-development-jwt-secret-not-for-production"
LOCAL_APP_SECRET = "khadum-local-whatsapp-app-secret"
LOCAL_VERIFY_TOKEN = "khadum-local-verify-token"
LOCAL_SERVICE_KEY = "khadum-local-service-role-key"
LOCAL_ANON_KEY = "khadum-local-anon-key"
LOCAL_PHONE_NUMBER_ID = "100000000000001"
LOCAL_RESEND_WEBHOOK_SECRET = "whsec_a2hhZHVtLWxvY2FsLXJlc2VuZC13ZWJob29rLXNlY3JldA=="

_PLACEHOLDER_MARKERS = (
    "change-me",
    "changeme",
    "placeholder",
    "your-",
    "xxxx",
    "khadum-local",
    "local-",
)

_LOCAL_DEFAULTS = frozenset(
    {LOCAL_PHONE_NUMBER_ID, LOCAL_RESEND_WEBHOOK_SECRET, "http://127.0.0.1:8000"}
)

# Secrets that production refuses to start without (or with a placeholder value).
PRODUCTION_SECRETS = (
    "database_url",
    "supabase_url",
    "whatsapp_access_token",
    "whatsapp_phone_number_id",
    "whatsapp_app_secret",
    "whatsapp_verify_token",
    "resend_api_key",
    "resend_webhook_secret",
    "vapid_public_key",
    "vapid_private_key",
    "khadum_data_keys",
    "khadum_blind_index_key",
)
# Production needs one of each group: today's name first, the legacy one after it.
PRODUCTION_ONE_OF = (
    ("supabase_publishable_key", "supabase_anon_key"),
    ("supabase_secret_key", "supabase_service_role_key"),
    ("khadum_session_signing_key", "supabase_jwt_secret"),
)


# What each deployable needs (production refuses to start without these, or with
# a placeholder, or — for URLs — with a local or placeholder address). A
# function needs only what it uses; None (the whole stack, `khadum dev`) needs all.
_KEYS = ("khadum_data_keys", "khadum_blind_index_key")
_JWT = ("database_url", "supabase_url", "supabase_jwt_secret", "public_base_url")
_SENDS_WHATSAPP = ("whatsapp_access_token", "whatsapp_phone_number_id", "whatsapp_graph_url",
                   "public_base_url")
_SENDS_EMAIL = ("resend_api_key", "resend_api_url", "email_from")
# Web Push: the worker signs each push with the private key; the dashboard's
# config.js carries the public one (browsers subscribe with it).
_SENDS_PUSH = ("vapid_public_key", "vapid_private_key", "vapid_subject")
FUNCTION_NEEDS: dict[str, tuple[str, ...]] = {
    "whatsapp_webhook": ("database_url", "whatsapp_app_secret", "whatsapp_verify_token",
                         "supabase_service_role_key", *_SENDS_WHATSAPP, *_KEYS),
    "respond_request": (*_JWT, *_KEYS),
    "dashboard_api": (*_JWT, *_KEYS),
    "admin_api": (*_JWT, *_KEYS),
    "chat": (*_JWT, "supabase_service_role_key", *_KEYS),
    "send_emails": ("database_url", "supabase_service_role_key", "supabase_jwt_secret",
                    "resend_webhook_secret", *_SENDS_EMAIL, *_KEYS),
    "worker": ("database_url", *_SENDS_WHATSAPP, *_SENDS_EMAIL, *_SENDS_PUSH, *_KEYS),
}
# URLs production refuses when they point at this machine or a placeholder host.
URL_SETTINGS = ("public_base_url", "supabase_url", "whatsapp_graph_url", "resend_api_url",
                "functions_url", "openai_base_url")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", ""}
_PLACEHOLDER_HOSTS = ("example.com", "example.org", "example.net", "your-", "change-me",
                      "placeholder", "<")

# Of those, the ones that are keys or passwords (not addresses or ids): production
# refuses them when short or guessable (`secret`, a word repeated…).
STRONG_SECRETS = (
    "supabase_anon_key",
    "supabase_service_role_key",
    "supabase_secret_key",
    "supabase_jwt_secret",
    "khadum_session_signing_key",
    "whatsapp_access_token",
    "whatsapp_app_secret",
    "whatsapp_verify_token",
    "resend_api_key",
    "resend_webhook_secret",
    "vapid_private_key",
)
MIN_SECRET_LENGTH = 24
MIN_SECRET_DISTINCT = 10
MIN_SECRET_BITS = 96  # Shannon estimate over the value's own characters


class SettingsError(RuntimeError):
    """The configuration cannot be used; the message says which variable to fix."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", env_ignore_empty=True)

    khadum_env: Literal["local", "production"] = "local"
    # Which deployable reads these settings (FUNCTION_NEEDS); unset = the whole stack.
    khadum_function: str | None = None
    database_url: str | None = None
    supabase_url: str = "http://127.0.0.1:8000"
    # API keys: today's sb_publishable_… / sb_secret_…, or the legacy anon / service_role.
    supabase_publishable_key: str | None = None
    supabase_secret_key: str | None = None
    supabase_anon_key: str | None = LOCAL_ANON_KEY
    supabase_service_role_key: str | None = LOCAL_SERVICE_KEY
    # Legacy JWT secret: HS256 tokens are accepted (and minted) only when it is set.
    supabase_jwt_secret: str | None = None
    # The project's JWKS inline (JSON), instead of fetching {SUPABASE_URL}/auth/v1/.well-known/…
    supabase_jwks: str | None = None
    # Private JWK (ES256, with kid) the functions sign client chat sessions with.
    khadum_session_signing_key: str | None = None
    # Local only: where the Auth stand-in keeps its signing keys (and the generated
    # development field-encryption keys).
    khadum_local_auth_dir: str = ".khadum/auth"
    # Field encryption (khadum/crypto.py): `kid:base64key[,…]`, first one encrypts.
    khadum_data_keys: str | None = None
    # Keyed blind index for equality lookups over encrypted values (base64, 256 bits).
    khadum_blind_index_key: str | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    # Derives the clients' chat-link tokens (only their sha256 is stored); unset, a
    # key derived from SUPABASE_JWT_SECRET is used.
    chat_link_secret: str | None = None
    # Where the browser calls the HTTP functions; unset = {SUPABASE_URL}/functions/v1.
    functions_url: str | None = None
    whatsapp_graph_url: str = "http://127.0.0.1:8000/dev/graph"
    whatsapp_api_version: str = "v21.0"
    whatsapp_access_token: str = "local-whatsapp-token"
    whatsapp_phone_number_id: str = LOCAL_PHONE_NUMBER_ID
    whatsapp_app_secret: str = LOCAL_APP_SECRET
    whatsapp_verify_token: str = LOCAL_VERIFY_TOKEN
    openai_api_key: str | None = None
    openai_base_url: str = "https://api.openai.com/v1"
    openai_model: str = "gpt-4o-mini"
    openai_embedding_model: str = "text-embedding-3-small"
    resend_api_key: str = "re_khadum-local-key"
    resend_api_url: str = "http://127.0.0.1:8000/dev/resend"
    resend_webhook_secret: str = LOCAL_RESEND_WEBHOOK_SECRET
    email_from: str = "خدوم <noreply@khadum.app>"
    email_provider: Literal["resend", "smtp"] = "resend"
    email_send_timeout_seconds: float = 15.0
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    chat_storage: Literal["local", "supabase"] | None = None  # default: by KHADUM_ENV
    chat_storage_dir: str = ".khadum/storage"
    # Web Push (VAPID, RFC 8292): the application server's P-256 key pair, base64url —
    # the private key as its 32 raw bytes, the public key as the 65-byte uncompressed
    # point (what `npx web-push generate-vapid-keys` prints). Locally, unset = a pair
    # made once under KHADUM_LOCAL_AUTH_DIR (khadum.devstack.keys).
    vapid_public_key: str | None = None
    vapid_private_key: str | None = None
    # Who the push services may contact about our pushes (a mailto: or https: URL).
    vapid_subject: str = "mailto:support@khadum.app"
    # How long a push service keeps a push for an offline browser (seconds).
    push_ttl_seconds: int = Field(default=24 * 3600, ge=0, le=28 * 24 * 3600)
    # An email to the freelancer when a request is still unopened this long after it
    # came, and a reminder this long before it expires (each once per request).
    request_unopened_alert_minutes: int = Field(default=30, ge=1, le=24 * 60)
    request_expiry_reminder_minutes: int = Field(default=180, ge=1, le=24 * 60)
    # Reverse proxies in front of the functions that append the client's address to
    # X-Forwarded-For (0: none; the socket peer is the client, the header is ignored).
    trusted_proxy_hops: int = Field(default=0, ge=0, le=10)

    @property
    def functions_base_url(self) -> str:
        return self.functions_url or f"{self.supabase_url.rstrip('/')}/functions/v1"

    @property
    def chat_link_key(self) -> bytes:
        """The HMAC key of the clients' chat-link tokens: CHAT_LINK_SECRET, else one
        derived from the legacy JWT secret; locally, from the local default."""
        base = self.supabase_jwt_secret
        if self.chat_link_secret:
            return self.chat_link_secret.encode()
        if not base:
            if self.is_production:
                raise SettingsError("CHAT_LINK_SECRET is not set (it keys the clients' chat links)")
            base = LOCAL_JWT_SECRET
        return hmac.new(base.encode(), b"khadum-chat-link-key", hashlib.sha256).digest()

    @property
    def publishable_api_keys(self) -> list[str]:
        return [k for k in (self.supabase_publishable_key, self.supabase_anon_key) if k]

    @property
    def secret_api_keys(self) -> list[str]:
        return [k for k in (self.supabase_secret_key, self.supabase_service_role_key) if k]

    @property
    def browser_api_key(self) -> str:
        """The key the browser sends as `apikey`: publishable, else the legacy anon key."""
        return (self.publishable_api_keys or [""])[0]

    @property
    def admin_api_key(self) -> str:
        """The key for the Auth Admin API: secret, else the legacy service_role key."""
        return (self.secret_api_keys or [""])[0]

    @property
    def is_production(self) -> bool:
        return self.khadum_env == "production"

    @property
    def effective_chat_storage(self) -> str:
        return self.chat_storage or ("supabase" if self.is_production else "local")

    @model_validator(mode="after")
    def _refuse_placeholders_in_production(self) -> Settings:
        if not self.is_production:
            return self
        needs = self.needed_settings()
        # Resend's key, URL and webhook secret matter only when Resend sends the mail.
        smtp = self.email_provider == "smtp"
        skip = {"resend_api_key", "resend_webhook_secret", "resend_api_url"} if smtp else set()
        bad = [
            name.upper() for name in PRODUCTION_SECRETS
            if name in needs and name not in skip and _is_placeholder(getattr(self, name))
        ]
        urls = [
            name.upper() for name in URL_SETTINGS
            if name not in skip and (name in needs or getattr(self, name) != _default(name))
            and not (name == "openai_base_url" and not self.openai_api_key)
            and not (name == "functions_url" and self.functions_url is None)
            and _is_local_or_placeholder_url(getattr(self, name))
        ]
        # A need naming one member of a group (e.g. SUPABASE_JWT_SECRET) is met by any
        # member of it (KHADUM_SESSION_SIGNING_KEY); the whole stack needs every group.
        for group in PRODUCTION_ONE_OF:
            if any(name in needs for name in group) and all(
                name not in skip and _is_placeholder(getattr(self, name)) for name in group
            ):
                bad.append(" (or ".join(name.upper() for name in group) + ")")
        # Group members left unset (or at their local default) are fine where another
        # member is set (checked above); the ones that are set must be strong.
        optional = {name for group in PRODUCTION_ONE_OF for name in group}
        weak = [
            name.upper() for name in STRONG_SECRETS
            if (name in needs or (name in optional and _group_needed(name, needs)))
            and name not in skip and name.upper() not in bad
            and not (name in optional and _is_placeholder(getattr(self, name)))
            and is_weak_secret(getattr(self, name))
        ]
        malformed = self._malformed_keys(needs) if not set(_KEYS) & set(
            name.lower() for name in bad) else []
        problems = []
        if malformed:
            problems.append("; ".join(malformed))
        if bad:
            problems.append("set real values for " + ", ".join(bad))
        if urls:
            problems.append("set public (not local or placeholder) addresses for "
                            + ", ".join(urls))
        if ("vapid_private_key" in needs and "VAPID_PRIVATE_KEY" not in bad + weak
                and "VAPID_PUBLIC_KEY" not in bad):
            from khadum.push.vapid import is_key_pair

            if not is_key_pair(self.vapid_public_key or "", self.vapid_private_key or ""):
                problems.append("VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are not one P-256 key "
                                "pair (generate one with `npx web-push generate-vapid-keys`)")
        if self.chat_storage == "local":
            problems.append("use CHAT_STORAGE=supabase (local chat files are served only by "
                            "`khadum dev`)")
        if weak:
            problems.append(
                f"use long random values (at least {MIN_SECRET_LENGTH} characters, "
                "e.g. `openssl rand -hex 32`) for " + ", ".join(weak)
            )
        if problems:
            who = f" ({self.khadum_function})" if self.khadum_function else ""
            # Names only: a value (even its tail) never appears in the message.
            raise ValueError(f"production start-up refused{who}: " + "; ".join(problems))
        return self

    def _malformed_keys(self, needs: frozenset[str]) -> list[str]:
        """What is wrong with the field-encryption keys (names only, never values)."""
        if not set(_KEYS) & needs or not (self.khadum_data_keys and self.khadum_blind_index_key):
            return []
        from khadum.crypto import KeyConfigError, keyring_from

        try:
            keyring_from(self.khadum_data_keys, self.khadum_blind_index_key)
        except KeyConfigError as exc:
            return [exc.message]
        return []

    def needed_settings(self) -> frozenset[str]:
        if self.khadum_function is None:
            groups = {name for group in PRODUCTION_ONE_OF for name in group}
            return frozenset(PRODUCTION_SECRETS) | frozenset(URL_SETTINGS) | groups
        if self.khadum_function not in FUNCTION_NEEDS:
            raise ValueError(f"KHADUM_FUNCTION: unknown function (one of "
                             f"{', '.join(sorted(FUNCTION_NEEDS))})")
        return frozenset(FUNCTION_NEEDS[self.khadum_function])


def _group_needed(name: str, needs: frozenset[str]) -> bool:
    return any(name in group and any(member in needs for member in group)
               for group in PRODUCTION_ONE_OF)


def _is_placeholder(value: str | None) -> bool:
    if not value:
        return True
    if value in _LOCAL_DEFAULTS:
        return True
    lowered = value.lower()
    return any(marker in lowered for marker in _PLACEHOLDER_MARKERS)


def _default(name: str) -> object:
    return Settings.model_fields[name].default


def _is_local_or_placeholder_url(value: str | None) -> bool:
    if not value:
        return True
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or host in _LOCAL_HOSTS:
        return True
    if host.startswith("127.") or host.endswith(".localhost") or host.endswith(".local"):
        return True
    return any(marker in value.lower() for marker in _PLACEHOLDER_HOSTS)


def describe_error(exc: Exception) -> str:
    """A settings error as names and reasons only: pydantic's own text echoes the
    input (a secret's tail included), so it is rebuilt without it."""
    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors(include_url=False, include_input=False, include_context=False):
            where = ".".join(str(p) for p in error.get("loc", ())).upper()
            message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
            parts.append(f"{where}: {message}" if where else message)
        return "; ".join(parts)
    return str(exc)


def secret_bits(value: str) -> float:
    """A Shannon estimate of the value's entropy in bits (its own character counts)."""
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values()) * n if n else 0.0


def is_weak_secret(value: str | None) -> bool:
    if not value:
        return True
    return (
        len(value) < MIN_SECRET_LENGTH
        or len(set(value)) < MIN_SECRET_DISTINCT
        or secret_bits(value) < MIN_SECRET_BITS
    )


def load_env_file(path: Path | None = None) -> None:
    """Fill unset variables from `.env` (the environment always wins)."""
    load_dotenv(path or Path.cwd() / ".env", override=False)


@lru_cache(maxsize=8)
def get_settings(function: str | None = None) -> Settings:
    """The settings; `function` names the deployable reading them (what it needs
    is what production checks), else KHADUM_FUNCTION, else the whole stack."""
    load_env_file()
    try:
        if function is None:
            return Settings()
        return Settings(khadum_function=function)
    except ValueError as exc:
        # `from None`: the pydantic error, which echoes values, is not chained.
        raise SettingsError(describe_error(exc)) from None


def reset_settings_cache() -> None:
    get_settings.cache_clear()

