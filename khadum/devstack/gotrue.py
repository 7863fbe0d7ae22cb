"""Local stand-in for the Supabase Auth (GoTrue) endpoints supabase-js calls for
email + password sign-in, so the dashboard's auth code is the production code:

  POST /auth/v1/token?grant_type=password       {email, password}
  POST /auth/v1/token?grant_type=refresh_token  {refresh_token}
  GET  /auth/v1/user                            Authorization: Bearer <access token>
  POST /auth/v1/logout?scope=global|local|others

Passwords are checked against the bcrypt hashes in `auth.users`; access tokens
are the Supabase-shaped JWTs of `khadum.auth`; refresh tokens rotate and live in
`auth.refresh_tokens` (GoTrue's own table). Errors use GoTrue's 2024-01-01 shape.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
import uuid
from typing import Any

import bcrypt
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from psycopg.rows import dict_row

from khadum.auth import FREELANCER_TOKEN_TTL, bearer_token, mint_token, verify_token
from khadum.errors import Unauthorized
from khadum.http import Database
from khadum.settings import Settings

API_VERSION = "2024-01-01"


def access_token_ttl() -> int:
    # Local only: tests and demos shorten sessions to watch expiry and refresh.
    return int(os.environ.get("KHADUM_ACCESS_TOKEN_TTL", FREELANCER_TOKEN_TTL))


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "error_code": code, "msg": message},
                        status_code=status, headers={"X-Supabase-Api-Version": API_VERSION})


def _user_json(user: dict[str, Any]) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": str(user["id"]), "aud": user["aud"] or "authenticated",
        "role": user["role"] or "authenticated", "email": user["email"], "phone": "",
        "email_confirmed_at": iso(user["email_confirmed_at"]),
        "confirmed_at": iso(user["email_confirmed_at"]),
        "last_sign_in_at": iso(user["last_sign_in_at"]),
        "app_metadata": user["raw_app_meta_data"] or {},
        "user_metadata": user["raw_user_meta_data"] or {},
        "identities": [], "created_at": iso(user["created_at"]),
        "updated_at": iso(user["updated_at"]), "is_anonymous": False,
    }


def router(db: Database, settings: Settings) -> APIRouter:
    api = APIRouter(prefix="/auth/v1")

    async def user_by(column: str, value: Any) -> dict[str, Any] | None:
        async with db.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                f"select * from auth.users where {column} = %s and deleted_at is null", (value,)
            )
            return await cur.fetchone()

    async def session(user: dict[str, Any], session_id: uuid.UUID, parent: str | None
                      ) -> dict[str, Any]:
        refresh = secrets.token_urlsafe(18)
        async with db.connection() as conn:
            # GoTrue keeps the session in auth.sessions; refresh tokens reference it.
            await conn.execute(
                "insert into auth.sessions (id, user_id, created_at, updated_at, aal) "
                "values (%s, %s, now(), now(), 'aal1') "
                "on conflict (id) do update set updated_at = now(), refreshed_at = now()",
                (session_id, user["id"]),
            )
            await conn.execute(
                "insert into auth.refresh_tokens (token, user_id, revoked, parent, session_id, "
                "created_at, updated_at) "
                "values (%s, %s, false, %s, %s, now(), now())",
                (refresh, str(user["id"]), parent, session_id),
            )
            await conn.execute("update auth.users set last_sign_in_at = now() where id = %s",
                               (user["id"],))
        ttl = access_token_ttl()
        claims = {
            "sub": str(user["id"]), "email": user["email"], "phone": "",
            "session_id": str(session_id), "aal": "aal1", "is_anonymous": False,
            "app_metadata": user["raw_app_meta_data"] or {},
            "user_metadata": user["raw_user_meta_data"] or {},
        }
        return {
            "access_token": mint_token(settings, claims, ttl), "token_type": "bearer",
            "expires_in": ttl, "expires_at": int(time.time()) + ttl,
            "refresh_token": refresh, "user": _user_json(user),
        }

    @api.post("/token")
    async def token(request: Request, grant_type: str = "") -> Any:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
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
        return await session(user, uuid.uuid4(), None)

    async def refresh_grant(body: dict[str, Any]) -> Any:
        presented = str(body.get("refresh_token") or "")
        async with db.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                "update auth.refresh_tokens set revoked = true, updated_at = now() "
                "where token = %s and not revoked returning user_id, session_id",
                (presented,),
            )
            row = await cur.fetchone()
        if row is None:
            return _error(400, "refresh_token_not_found",
                          "Invalid Refresh Token: Refresh Token Not Found")
        user = await user_by("id", uuid.UUID(row["user_id"]))
        if user is None:
            return _error(400, "user_not_found", "User not found")
        return await session(user, row["session_id"], presented)

    @api.get("/user")
    async def user(request: Request) -> Any:
        try:
            claims = verify_token(settings, bearer_token(request.headers.get("authorization")))
        except Unauthorized as exc:
            return _error(401, "bad_jwt", exc.message)
        found = await user_by("id", uuid.UUID(str(claims["sub"])))
        if found is None:
            return _error(404, "user_not_found", "User from sub claim in JWT does not exist")
        return _user_json(found)

    @api.post("/logout")
    async def logout(request: Request, scope: str = "global") -> Any:
        try:
            claims = verify_token(settings, bearer_token(request.headers.get("authorization")))
        except Unauthorized as exc:
            return _error(401, "bad_jwt", exc.message)
        condition = {
            "global": "user_id = %(user)s",
            "local": "session_id = %(session)s",
            "others": "user_id = %(user)s and session_id is distinct from %(session)s",
        }.get(scope)
        if condition is None:
            return _error(400, "validation_failed", "scope must be global, local or others")
        async with db.connection() as conn:
            await conn.execute(
                f"update auth.refresh_tokens set revoked = true, updated_at = now() "
                f"where not revoked and {condition}",
                {"user": str(claims["sub"]), "session": claims.get("session_id")},
            )
        return Response(status_code=204)

    return api
