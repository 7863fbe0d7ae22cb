"""Local stand-in for Supabase Auth (GoTrue): the endpoints supabase-js and
supabase-py call, so the dashboard's sign-in and our account administration
run the production code paths.

  POST /auth/v1/token?grant_type=password       {email, password}
  POST /auth/v1/token?grant_type=refresh_token  {refresh_token}
  GET  /auth/v1/user                            Authorization: Bearer <access token>
  POST /auth/v1/logout?scope=global|local|others
  GET  /auth/v1/.well-known/jwks.json           the public signing keys
  POST /auth/v1/admin/users, GET /auth/v1/admin/users?page=&per_page=
  GET|PUT|DELETE /auth/v1/admin/users/{id}       (secret / service key)
  POST /auth/v1/invite                           {email, data} (secret / service key)

Sessions are ES256 JWTs signed with the stand-in's key (made once per data
directory, see `khadum.devstack.keys`); the JWKS also publishes the functions'
chat-session key. Passwords are bcrypt hashes in `auth.users`; rows are written
with GoTrue's columns (its token columns '' rather than NULL, an `email`
identity); refresh tokens rotate in `auth.refresh_tokens` under an
`auth.sessions` row. As in GoTrue (`RefreshTokenGrant`), a revoked token whose
child is its session's active token is a client that could not store the result
of its last refresh (a tab reloaded mid-request): it gets that active token back,
not a new one; any other revoked token is refused (GoTrue also allows a 10 s reuse
interval; the stand-in does not, so it is never more permissive). Errors use
GoTrue's 2024-01-01 shape.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
import uuid
from contextlib import AbstractAsyncContextManager
from typing import Any

import bcrypt
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from khadum.auth import (
    FREELANCER_TOKEN_TTL,
    NotServiceRole,
    bearer_token,
    local_auth_signing_key,
    mint_token,
    session_signing_key,
    verify_service_key,
    verify_token,
)
from khadum.db import Database, one_row
from khadum.devstack.keys import LocalKeys, public_jwk
from khadum.errors import Unauthorized
from khadum.rules import is_email
from khadum.settings import Settings

API_VERSION = "2024-01-01"
INSTANCE_ID = "00000000-0000-0000-0000-000000000000"
BCRYPT_COST = 10  # GoTrue's (bcrypt.DefaultCost)
MAX_PER_PAGE = 1000


def access_token_ttl() -> int:
    # Local only: tests and demos shorten sessions to watch expiry and refresh.
    return int(os.environ.get("KHADUM_ACCESS_TOKEN_TTL", FREELANCER_TOKEN_TTL))


def auth_connection(db: Database) -> AbstractAsyncContextManager[AsyncConnection[Any]]:
    """The one place the stand-in gets its database connection. GoTrue connects as
    `supabase_auth_admin`; point this at that role when the local platform has it."""
    conn: AbstractAsyncContextManager[AsyncConnection[Any]] = db.connection()
    return conn


def jwks_document(settings: Settings) -> dict[str, Any]:
    """What `/auth/v1/.well-known/jwks.json` serves: the stand-in's session key and
    the functions' chat-session key (public halves only)."""
    keys = [public_jwk(LocalKeys(settings.khadum_local_auth_dir).auth_key)]
    session = session_signing_key(settings)
    if session.algorithm != "HS256":
        jwk = (LocalKeys(settings.khadum_local_auth_dir).session_key
               if not settings.khadum_session_signing_key
               else _json(settings.khadum_session_signing_key))
        if jwk["kid"] != keys[0]["kid"]:
            keys.append(public_jwk(jwk))
    return {"keys": keys}


def _json(text: str) -> dict[str, Any]:
    import json

    loaded: dict[str, Any] = json.loads(text)
    return loaded


def add_jwks_route(api: APIRouter | FastAPI, settings: Settings, prefix: str = "") -> None:
    @api.get(prefix + "/.well-known/jwks.json")
    async def jwks() -> JSONResponse:
        return JSONResponse(jwks_document(settings),
                            headers={"Cache-Control": "public, max-age=600"})


def jwks_app(settings: Settings) -> FastAPI:
    """Only the JWKS endpoint (no database): for serving the keys in-process."""
    app = FastAPI(docs_url=None, redoc_url=None)
    add_jwks_route(app, settings, "/auth/v1")
    return app


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "error_code": code, "msg": message},
                        status_code=status, headers={"X-Supabase-Api-Version": API_VERSION})


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _identity_json(identity: dict[str, Any]) -> dict[str, Any]:
    return {
        "identity_id": str(identity["id"]), "id": identity["provider_id"],
        "user_id": str(identity["user_id"]), "identity_data": identity["identity_data"],
        "provider": identity["provider"], "last_sign_in_at": _iso(identity["last_sign_in_at"]),
        "created_at": _iso(identity["created_at"]), "updated_at": _iso(identity["updated_at"]),
        "email": identity["email"],
    }


def _user_json(user: dict[str, Any], identities: list[dict[str, Any]] | None = None
               ) -> dict[str, Any]:
    return {
        "id": str(user["id"]), "aud": user["aud"] or "authenticated",
        "role": user["role"] or "authenticated", "email": user["email"],
        "phone": user.get("phone") or "",
        "email_confirmed_at": _iso(user["email_confirmed_at"]),
        "confirmed_at": _iso(user["email_confirmed_at"]),
        "invited_at": _iso(user.get("invited_at")),
        "confirmation_sent_at": _iso(user.get("confirmation_sent_at")),
        "last_sign_in_at": _iso(user["last_sign_in_at"]),
        "app_metadata": user["raw_app_meta_data"] or {},
        "user_metadata": user["raw_user_meta_data"] or {},
        "identities": [_identity_json(i) for i in identities or []],
        "created_at": _iso(user["created_at"]), "updated_at": _iso(user["updated_at"]),
        "banned_until": _iso(user.get("banned_until")),
        "is_anonymous": bool(user.get("is_anonymous")),
        "is_sso_user": bool(user.get("is_sso_user")),
    }


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=BCRYPT_COST)).decode()


def _int(value: str | None, default: int) -> int:
    try:
        return max(int(value or default), 1)
    except ValueError:
        return default


async def _json_body(request: Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def router(db: Database, settings: Settings) -> APIRouter:
    api = APIRouter(prefix="/auth/v1")
    add_jwks_route(api, settings)
    signing_key = local_auth_signing_key(settings)

    async def user_by(column: str, value: Any) -> dict[str, Any] | None:
        async with auth_connection(db) as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                f"select * from auth.users where {column} = %s and deleted_at is null", (value,)
            )
            return await cur.fetchone()

    async def identities_of(user_id: Any) -> list[dict[str, Any]]:
        async with auth_connection(db) as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute("select * from auth.identities where user_id = %s "
                              "order by created_at", (user_id,))
            return await cur.fetchall()

    async def full_user(user: dict[str, Any]) -> dict[str, Any]:
        return _user_json(user, await identities_of(user["id"]))

    async def session(user: dict[str, Any], session_id: uuid.UUID, parent: str | None,
                      active: str | None = None) -> dict[str, Any]:
        """A new access token; with `active`, that refresh token is returned as it is
        (GoTrue's answer to the parent of its session's active token), else a new
        refresh token, child of `parent`."""
        refresh = active or secrets.token_urlsafe(18)
        async with auth_connection(db) as conn:
            await conn.execute(
                "insert into auth.sessions (id, user_id, created_at, updated_at, aal) "
                "values (%s, %s, now(), now(), 'aal1') "
                "on conflict (id) do update set updated_at = now(), refreshed_at = now()",
                (session_id, user["id"]),
            )
            if active is None:
                await conn.execute(
                    "insert into auth.refresh_tokens (instance_id, token, user_id, revoked, "
                    "parent, session_id, created_at, updated_at) "
                    "values (%s, %s, %s, false, %s, %s, now(), now())",
                    (INSTANCE_ID, refresh, str(user["id"]), parent, session_id),
                )
            if parent is None:
                await conn.execute(
                    "update auth.users set last_sign_in_at = now() where id = %s", (user["id"],)
                )
                await conn.execute(
                    "update auth.identities set last_sign_in_at = now() "
                    "where user_id = %s and provider = 'email'", (user["id"],)
                )
        ttl = access_token_ttl()
        claims = {
            "sub": str(user["id"]), "email": user["email"], "phone": user.get("phone") or "",
            "role": user["role"] or "authenticated",
            "session_id": str(session_id), "aal": "aal1", "is_anonymous": False,
            "amr": [{"method": "password", "timestamp": int(time.time())}],
            "app_metadata": user["raw_app_meta_data"] or {},
            "user_metadata": user["raw_user_meta_data"] or {},
        }
        return {
            "access_token": mint_token(settings, claims, ttl, key=signing_key),
            "token_type": "bearer", "expires_in": ttl, "expires_at": int(time.time()) + ttl,
            "refresh_token": refresh, "user": await full_user(user),
        }

    @api.post("/token")
    async def token(request: Request, grant_type: str = "") -> Any:
        body = await _json_body(request)
        if body is None:
            return _error(400, "validation_failed", "the body must be a JSON object")
        if grant_type == "password":
            return await password_grant(body)
        if grant_type == "refresh_token":
            return await refresh_grant(body)
        return _error(400, "validation_failed", "unsupported grant_type")

    async def password_grant(body: dict[str, Any]) -> Any:
        email, password = str(body.get("email") or ""), str(body.get("password") or "")
        if not email or not password:
            return _error(400, "validation_failed", "email and password are required")
        user = await user_by("lower(email)", email.strip().lower())
        hashed = (user or {}).get("encrypted_password") or ""
        # bcrypt is slow on purpose; keep the event loop free while it works.
        ok = bool(hashed) and await asyncio.to_thread(
            bcrypt.checkpw, password.encode(), hashed.encode()
        )
        if user is None or not ok:
            return _error(400, "invalid_credentials", "Invalid login credentials")
        if user.get("email_confirmed_at") is None:
            return _error(400, "email_not_confirmed", "Email not confirmed")
        return await session(user, uuid.uuid4(), None)

    async def refresh_grant(body: dict[str, Any]) -> Any:
        presented = str(body.get("refresh_token") or "")
        async with auth_connection(db) as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                "update auth.refresh_tokens set revoked = true, updated_at = now() "
                "where token = %s and not revoked returning user_id, session_id",
                (presented,),
            )
            row = await cur.fetchone()
            active = None
            if row is None and presented:
                # Revoked by its own rotation, and its child is still the session's
                # active token: the client lost the answer to its refresh.
                await cur.execute(
                    "select c.user_id, c.session_id, c.token from auth.refresh_tokens p "
                    "join auth.refresh_tokens c on c.parent = p.token "
                    " and c.session_id = p.session_id and not c.revoked "
                    "where p.token = %s and p.revoked",
                    (presented,),
                )
                row = await cur.fetchone()
                active = None if row is None else str(row["token"])
        if row is None:
            return _error(400, "refresh_token_not_found",
                          "Invalid Refresh Token: Refresh Token Not Found")
        user = await user_by("id", uuid.UUID(row["user_id"]))
        if user is None:
            return _error(400, "user_not_found", "User not found")
        return await session(user, row["session_id"], presented, active)

    @api.get("/user")
    async def user(request: Request) -> Any:
        try:
            claims = await verify_token(settings,
                                        bearer_token(request.headers.get("authorization")))
        except Unauthorized as exc:
            return _error(401, "bad_jwt", exc.message)
        found = await user_by("id", uuid.UUID(str(claims["sub"])))
        if found is None:
            return _error(404, "user_not_found", "User from sub claim in JWT does not exist")
        return await full_user(found)

    @api.post("/logout")
    async def logout(request: Request, scope: str = "global") -> Any:
        try:
            claims = await verify_token(settings,
                                        bearer_token(request.headers.get("authorization")))
        except Unauthorized as exc:
            return _error(401, "bad_jwt", exc.message)
        condition = {
            "global": "user_id = %(user)s",
            "local": "session_id = %(session)s",
            "others": "user_id = %(user)s and session_id is distinct from %(session)s",
        }.get(scope)
        if condition is None:
            return _error(400, "validation_failed", "scope must be global, local or others")
        async with auth_connection(db) as conn:
            await conn.execute(
                f"update auth.refresh_tokens set revoked = true, updated_at = now() "
                f"where not revoked and {condition}",
                {"user": str(claims["sub"]), "session": claims.get("session_id")},
            )
        return Response(status_code=204)

    # -- the Admin API (secret / service key) -------------------------------------
    async def admin_refusal(request: Request) -> JSONResponse | None:
        presented = request.headers.get("authorization")
        try:
            token = bearer_token(presented)
        except Unauthorized:
            return _error(401, "no_authorization", "This endpoint requires a Bearer token")
        try:
            await verify_service_key(settings, token, roles=("service_role", "supabase_admin"))
        except NotServiceRole:
            return _error(403, "not_admin", "User not allowed")
        except Unauthorized as exc:
            return _error(401, "bad_jwt", exc.message)
        return None

    def user_attributes(body: dict[str, Any], *, creating: bool) -> dict[str, Any] | JSONResponse:
        out: dict[str, Any] = {}
        if "email" in body or creating:
            email = str(body.get("email") or "").strip().lower()
            if creating and not email:
                return _error(400, "validation_failed", "Unable to validate email address: "
                              "email is required")
            if email and not is_email(email):
                return _error(400, "validation_failed",
                              "Unable to validate email address: invalid format")
            if email:
                out["email"] = email
        for name in ("user_metadata", "app_metadata"):
            if name in body:
                if not isinstance(body[name], dict):
                    return _error(400, "validation_failed", f"{name} must be an object")
                out[name] = body[name]
        if body.get("password") is not None:
            password = str(body["password"])
            if len(password) < 6:
                return _error(422, "weak_password", "Password should be at least 6 characters.")
            out["password"] = password
        if body.get("password_hash") is not None:
            hashed = str(body["password_hash"])
            if not hashed.startswith(("$2a$", "$2b$", "$2y$")):
                return _error(400, "validation_failed", "Invalid password hash format")
            out["password_hash"] = hashed
        if "email_confirm" in body:
            out["email_confirm"] = bool(body["email_confirm"])
        if body.get("role"):
            out["role"] = str(body["role"])
        if body.get("id") is not None:
            try:
                out["id"] = uuid.UUID(str(body["id"]))
            except ValueError:
                return _error(400, "validation_failed", "id must be a UUID")
        return out

    async def create(attrs: dict[str, Any], *, invited: bool) -> JSONResponse | dict[str, Any]:
        uid = attrs.get("id") or uuid.uuid4()
        email = attrs["email"]
        hashed = attrs.get("password_hash")
        if hashed is None and attrs.get("password"):
            hashed = await asyncio.to_thread(hash_password, attrs["password"])
        app_meta = {"provider": "email", "providers": ["email"], **attrs.get("app_metadata", {})}
        user_meta = dict(attrs.get("user_metadata", {}))
        identity_data = {**user_meta, "sub": str(uid), "email": email,
                         "email_verified": bool(attrs.get("email_confirm")),
                         "phone_verified": False}
        async with auth_connection(db) as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute("select id from auth.users where lower(email) = %s or id = %s",
                              (email, uid))
            taken = await cur.fetchone()
            if taken is not None:
                same_id = taken["id"] == uid
                return _error(422, "email_exists" if not same_id else "user_already_exists",
                              "A user with this email address has already been registered")
            # GoTrue writes '' (never NULL) into its token columns: it scans them as strings.
            await cur.execute(
                """
                insert into auth.users (instance_id, id, aud, role, email, encrypted_password,
                  email_confirmed_at, invited_at, confirmation_token, confirmation_sent_at,
                  recovery_token, email_change_token_new, email_change,
                  email_change_token_current, phone_change, phone_change_token,
                  reauthentication_token, raw_app_meta_data, raw_user_meta_data,
                  is_super_admin, is_sso_user, is_anonymous, created_at, updated_at)
                values (%(instance)s, %(id)s, 'authenticated', %(role)s, %(email)s, %(hash)s,
                  case when %(confirm)s then now() end, case when %(invited)s then now() end,
                  %(confirmation)s, case when %(invited)s then now() end,
                  '', '', '', '', '', '', '', %(app)s, %(user)s, false, false, false,
                  now(), now())
                returning *
                """,
                {"instance": INSTANCE_ID, "id": uid, "role": attrs.get("role", "authenticated"),
                 "email": email, "hash": hashed or "", "confirm": bool(attrs.get("email_confirm")),
                 "invited": invited,
                 "confirmation": secrets.token_hex(28) if invited else "",
                 "app": Jsonb(app_meta), "user": Jsonb(user_meta)},
            )
            created = await cur.fetchone()
            await cur.execute(
                "insert into auth.identities (provider_id, user_id, identity_data, provider, "
                "last_sign_in_at, created_at, updated_at) "
                "values (%s, %s, %s, 'email', now(), now(), now())",
                (str(uid), uid, Jsonb(identity_data)),
            )
        return await full_user(one_row(created, "creating a user"))

    @api.post("/admin/users")
    async def admin_create_user(request: Request) -> Any:
        if (refused := await admin_refusal(request)) is not None:
            return refused
        body = await _json_body(request)
        if body is None:
            return _error(400, "validation_failed", "the body must be a JSON object")
        attrs = user_attributes(body, creating=True)
        if isinstance(attrs, JSONResponse):
            return attrs
        return await create(attrs, invited=False)

    @api.post("/invite")
    async def invite(request: Request) -> Any:
        if (refused := await admin_refusal(request)) is not None:
            return refused
        body = await _json_body(request)
        if body is None:
            return _error(400, "validation_failed", "the body must be a JSON object")
        data = body.get("data") or {}
        attrs = user_attributes({"email": body.get("email"), "user_metadata": data},
                                creating=True)
        if isinstance(attrs, JSONResponse):
            return attrs
        # Supabase Auth would email the invite link now; locally nobody is emailed.
        return await create(attrs, invited=True)

    @api.get("/admin/users")
    async def admin_list_users(request: Request) -> Any:
        if (refused := await admin_refusal(request)) is not None:
            return refused
        # supabase-py sends empty values for unset ones: GoTrue reads them as defaults.
        page = _int(request.query_params.get("page"), 1)
        per_page = min(_int(request.query_params.get("per_page"), 50), MAX_PER_PAGE)
        async with auth_connection(db) as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute("select count(*) as n from auth.users where deleted_at is null")
            total = int((await cur.fetchone() or {"n": 0})["n"])
            await cur.execute(
                "select * from auth.users where deleted_at is null "
                "order by created_at desc, id limit %s offset %s",
                (per_page, (page - 1) * per_page),
            )
            rows = await cur.fetchall()
        users = [await full_user(r) for r in rows]
        last = max((total + per_page - 1) // per_page, 1)
        base = f"{settings.supabase_url.rstrip('/')}/auth/v1/admin/users"
        links = [f'<{base}?page={last}&per_page={per_page}>; rel="last"']
        if page < last:
            links.insert(0, f'<{base}?page={page + 1}&per_page={per_page}>; rel="next"')
        return JSONResponse({"aud": "authenticated", "users": users},
                            headers={"X-Total-Count": str(total), "Link": ", ".join(links)})

    async def admin_target(request: Request, user_id: str
                           ) -> tuple[JSONResponse | None, dict[str, Any] | None]:
        if (refused := await admin_refusal(request)) is not None:
            return refused, None
        try:
            uid = uuid.UUID(user_id)
        except ValueError:
            return _error(400, "validation_failed", "user id must be a UUID"), None
        found = await user_by("id", uid)
        if found is None:
            return _error(404, "user_not_found", "User not found"), None
        return None, found

    @api.get("/admin/users/{user_id}")
    async def admin_get_user(request: Request, user_id: str) -> Any:
        refused, found = await admin_target(request, user_id)
        return refused or await full_user(found or {})

    @api.put("/admin/users/{user_id}")
    async def admin_update_user(request: Request, user_id: str) -> Any:
        refused, found = await admin_target(request, user_id)
        if refused is not None or found is None:
            return refused
        body = await _json_body(request)
        if body is None:
            return _error(400, "validation_failed", "the body must be a JSON object")
        attrs = user_attributes(body, creating=False)
        if isinstance(attrs, JSONResponse):
            return attrs
        sets, params = ["updated_at = now()"], {"id": found["id"]}
        if "email" in attrs and attrs["email"] != found["email"]:
            sets.append("email = %(email)s")
            params["email"] = attrs["email"]
        if "password" in attrs:
            sets.append("encrypted_password = %(hash)s")
            params["hash"] = await asyncio.to_thread(hash_password, attrs["password"])
        elif "password_hash" in attrs:
            sets.append("encrypted_password = %(hash)s")
            params["hash"] = attrs["password_hash"]
        # GoTrue merges metadata; a key given as null is removed.
        for name, column, key in (("user_metadata", "raw_user_meta_data", "user"),
                                  ("app_metadata", "raw_app_meta_data", "app")):
            if name in attrs:
                sets.append(f"{column} = (coalesce({column}, '{{}}') || %({key})s) "
                            f"- %({key}_drop)s::text[]")
                params[key] = Jsonb({k: v for k, v in attrs[name].items() if v is not None})
                params[f"{key}_drop"] = [k for k, v in attrs[name].items() if v is None]
        if attrs.get("email_confirm"):
            sets.append("email_confirmed_at = coalesce(email_confirmed_at, now())")
        if "role" in attrs:
            sets.append("role = %(role)s")
            params["role"] = attrs["role"]
        async with auth_connection(db) as conn, conn.cursor(row_factory=dict_row) as cur:
            if "email" in params:
                await cur.execute("select 1 from auth.users where lower(email) = %s and id <> %s",
                                  (params["email"], found["id"]))
                if await cur.fetchone() is not None:
                    return _error(422, "email_exists",
                                  "A user with this email address has already been registered")
            await cur.execute(f"update auth.users set {', '.join(sets)} where id = %(id)s "
                              "returning *", params)
            updated = await cur.fetchone()
            if "email" in params:
                await cur.execute(
                    "update auth.identities set identity_data = identity_data || "
                    "jsonb_build_object('email', %s::text), updated_at = now() "
                    "where user_id = %s and provider = 'email'", (params["email"], found["id"]))
        return await full_user(updated or found)

    @api.delete("/admin/users/{user_id}")
    async def admin_delete_user(request: Request, user_id: str) -> Any:
        refused, found = await admin_target(request, user_id)
        if refused is not None or found is None:
            return refused
        body = await _json_body(request) or {}
        async with auth_connection(db) as conn:
            if body.get("should_soft_delete"):
                await conn.execute(
                    "update auth.users set deleted_at = now(), email = null, "
                    "encrypted_password = '', updated_at = now() where id = %s", (found["id"],))
                await conn.execute("delete from auth.identities where user_id = %s",
                                   (found["id"],))
            else:
                await conn.execute("delete from auth.users where id = %s", (found["id"],))
            await conn.execute("delete from auth.refresh_tokens where user_id = %s",
                               (str(found["id"]),))
        return {}

    return api
