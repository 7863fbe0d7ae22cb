"""What every HTTP function shares: JSON errors, guards, and the caller as FastAPI
`Annotated` dependencies (`Claims`, `ServiceCaller`, `CallerCursor`).

The pool is `khadum.db.Database`.

Each function is an ASGI app built by `create_app(db=None)`. Deployed alone it
opens its own pool (lifespan); mounted in the local server it is handed the
server's `Database`, already open (Starlette does not run a mounted app's lifespan).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Annotated, Any

import psycopg
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from psycopg_pool import PoolTimeout
from starlette.routing import BaseRoute, Route

from khadum import sqlerrors
from khadum.auth import bearer_token, require_service_role, verify_token
from khadum.crypto import DecryptionError
from khadum.db import Database, atransaction_as
from khadum.errors import Forbidden, KhadumError
from khadum.limits import (
    ASGIApp,
    BodyLimitMiddleware,
    Message,
    Receive,
    Scope,
    SecurityHeadersMiddleware,
    Send,
)
from khadum.settings import Settings, get_settings

log = logging.getLogger("khadum.http")


def health_router(name: str, db: Database) -> APIRouter:
    """`GET /functions/v1/<name>/health`: 200 when the database answers, else 503
    (for the container host's health checks and uptime probes)."""
    api = APIRouter()

    @api.get(f"/functions/v1/{name}/health")
    async def health() -> JSONResponse:
        began = time.perf_counter()
        try:
            async with asyncio.timeout(3.0), db.connection() as conn:
                await conn.execute("select 1")
        except Exception as exc:  # any failure means "not healthy"; the reason is logged
            log.warning("health check of %s: the database did not answer (%s)", name,
                        type(exc).__name__)
            return JSONResponse(
                {"status": "unavailable", "function": name, "database": "unreachable"},
                status_code=503)
        return JSONResponse({"status": "ok", "function": name, "database": "ok",
                             "database_ms": round((time.perf_counter() - began) * 1000, 1)})

    return api


def function_app(
    title: str, *, db: Database | None, settings: Settings | None = None,
    router: Callable[[Database, Settings], APIRouter], name: str | None = None,
) -> FastAPI:
    """A function's ASGI app: JSON errors, its own pool when deployed alone.

    `router(db, settings)` returns the function's routes with their full paths
    (`/functions/v1/<name>/...`), so the very same router is included by the
    local server: one code path, deployed alone or all together.
    """
    # Production checks only what this function uses (settings.FUNCTION_NEEDS).
    settings = settings or get_settings(name or title)
    owns_db = db is None
    if db is None:
        if not settings.database_url:
            raise KhadumError("DATABASE_URL is not set", code="configuration")
        db = Database(settings.database_url)
    database = db

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if owns_db:
            await database.open()
            # A deployed function's process: what exists once it has started
            # (modules, the app, the pool) lives as long as the process, so the
            # garbage collector's full passes skip it from now on; they walked
            # it all during the acks' bursts and made their slowest 1 % wait.
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            if owns_db:
                await database.close()

    app = FastAPI(title=title, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.db = database
    app.state.settings = settings
    install_error_handlers(app)
    install_guards(app, settings)
    # Health first: a function's own `/{id}` routes must not swallow `/health`.
    app.include_router(health_router(name or title, database))
    app.include_router(router(database, settings))
    # Outermost: the hot routes answered ahead of CORS, FastAPI's exception middleware and routing.
    app.add_middleware(HotRoutes, routes=app.router.routes, handlers=app.exception_handlers)
    return app


def hot_routes(routes: Sequence[BaseRoute]) -> dict[tuple[str, str], ASGIApp]:
    """The plain ASGI routes marked `hot` (the webhook's POST), by (method, path),
    found in the routers included without a prefix too (FastAPI 0.163 keeps an
    included router as one route holding it; `tests/whatsapp/test_hot_route.py`
    fails if a new version hides them)."""
    found: dict[tuple[str, str], ASGIApp] = {}
    for route in routes:
        if isinstance(route, Route) and getattr(route.endpoint, "hot", False):
            found.update({(method, route.path): route.app for method in route.methods or ()})
        included = getattr(route, "original_router", None)
        if included is not None and not getattr(getattr(route, "include_context", None),
                                                "prefix", ""):
            found.update(hot_routes(included.routes))
    return found


class HotRoutes:
    """Answers the hot routes (the WhatsApp webhook's POST, which Meta may send
    at a thousand a second) with only the guards they need: the security headers,
    the body limit, and the app's own exception handlers (the same JSON errors,
    looked up as Starlette does, by the exception's class and its bases). CORS
    (a server-to-server route: no browser reads it), FastAPI's routing and its
    exception and exit-stack middlewares are skipped. Every other request goes
    on to the app unchanged; an exception no handler takes goes on up, to the
    server-error middleware's 500, as from any route.

    The hot routes are read from the app's routes at the first request (after
    any route a test or the local server added), then kept."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute],
                 handlers: dict[Any, Callable[..., Any]]) -> None:
        self.app = app
        self.handlers = handlers
        self.app_routes = routes
        self.routes: dict[tuple[str, str], ASGIApp] | None = None

    def _guarded(self) -> dict[tuple[str, str], ASGIApp]:
        return {key: SecurityHeadersMiddleware(BodyLimitMiddleware(self._errors(endpoint)))
                for key, endpoint in hot_routes(self.app_routes).items()}

    def _errors(self, endpoint: ASGIApp) -> ASGIApp:
        handlers = self.handlers

        async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
            started = False

            async def tracked(message: Message) -> None:
                nonlocal started
                started = started or message["type"] == "http.response.start"
                await send(message)

            try:
                await endpoint(scope, receive, tracked)
            except Exception as exc:
                handler = next((handlers[cls] for cls in type(exc).__mro__ if cls in handlers),
                               None)
                if handler is None or started:
                    raise
                response = await handler(Request(scope, receive), exc)
                await response(scope, receive, send)

        return guarded

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if self.routes is None:
                self.routes = self._guarded()
            endpoint = self.routes.get((scope["method"], scope["path"]))
            if endpoint is not None:
                await endpoint(scope, receive, send)
                return
        await self.app(scope, receive, send)


def install_guards(app: FastAPI, settings: Settings) -> None:
    """The body-size limit (innermost), CORS, then the security headers (outermost,
    so even a 413 carries them)."""
    app.add_middleware(BodyLimitMiddleware)
    # The dashboard (static files at PUBLIC_BASE_URL) calls the functions from the browser.
    app.add_middleware(
        CORSMiddleware, allow_origins=[settings.public_base_url.rstrip("/")],
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["authorization", "content-type", "apikey", "x-client-info"],
    )
    app.add_middleware(SecurityHeadersMiddleware)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(KhadumError)
    async def _khadum_error(_: Request, exc: KhadumError) -> JSONResponse:
        return JSONResponse(exc.to_json(), status_code=exc.status)

    @app.exception_handler(DecryptionError)
    async def _sealed(_: Request, exc: DecryptionError) -> JSONResponse:
        # A key is missing or wrong (a server misconfiguration): the log names the
        # column and the key id, never a value; the caller gets a plain 503.
        log.error("stored data could not be decrypted: %s", exc.message)
        return JSONResponse(
            {"error": {"code": "unavailable",
                       "message": "this is unavailable just now; try again later"}},
            status_code=503,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"{where}: {first.get('msg', 'invalid')}" if where else "invalid request body"
        return JSONResponse({"error": {"code": "invalid", "message": message}}, status_code=422)

    @app.exception_handler(psycopg.OperationalError)
    @app.exception_handler(PoolTimeout)
    async def _database_down(_: Request, exc: Exception) -> JSONResponse:
        # The database is unreachable or overloaded: a retry may succeed (Meta and
        # Svix retry a 503; a 500 would read as a bug in the payload).
        log.warning("database unavailable: %s", exc)
        return JSONResponse(
            {"error": {"code": "temporarily_unavailable",
                       "message": "the service is temporarily unavailable; try again shortly"}},
            status_code=503, headers={"Retry-After": "5"},
        )

    @app.exception_handler(psycopg.DataError)
    async def _bad_data(_: Request, exc: psycopg.DataError) -> JSONResponse:
        # A value PostgreSQL refuses as data (out of range, a NUL byte…): the input's fault.
        log.info("refused input: %s", exc)
        return JSONResponse(
            {"error": {"code": "invalid", "message": "a value in the request is not acceptable"}},
            status_code=422,
        )


def client_address(request: Request) -> str:
    """The client's address: the socket peer, or, behind TRUSTED_PROXY_HOPS proxies
    that each append the address they saw to X-Forwarded-For, the entry the
    outermost trusted proxy appended. Entries further left are the client's own
    words and never used."""
    settings: Settings = request.app.state.settings
    peer = request.client.host if request.client else "unknown"
    hops = settings.trusted_proxy_hops
    if hops <= 0:
        return peer
    forwarded = [part.strip() for header in request.headers.getlist("x-forwarded-for")
                 for part in header.split(",") if part.strip()]
    if len(forwarded) < hops:
        return peer  # not through the proxies we were told of
    return forwarded[-hops][:120]


async def caller_claims(request: Request) -> dict[str, Any]:
    """The verified JWT claims of the request's caller (401 when absent or bad)."""
    settings: Settings = request.app.state.settings
    claims = await verify_token(settings, bearer_token(request.headers.get("authorization")))
    # A user's token: Supabase signs `anon` and `service_role` keys with the same
    # secret, and no other role may reach the database through a function.
    if claims.get("role") != "authenticated":
        raise Forbidden("this endpoint needs a signed-in user's token", code="wrong_role")
    return claims


async def service_caller(request: Request) -> None:
    """Server-to-server calls only: a secret key (`sb_secret_…`, the legacy
    service_role key) or a verified service_role JWT; 401 otherwise."""
    settings: Settings = request.app.state.settings
    await require_service_role(settings, request.headers.get("authorization"))


# -- the dependencies every router declares its caller with ----------------------
# `function_app` and the local server put the pool and the settings on `app.state`.
Claims = Annotated[dict[str, Any], Depends(caller_claims)]
"""A signed-in user's verified claims (401 / 403 otherwise)."""

ServiceCaller = Annotated[None, Depends(service_caller)]
"""The secret (service) key or a service_role JWT (401 otherwise)."""

Translate = Callable[[psycopg.Error], KhadumError | None]
Cursor = psycopg.AsyncCursor[dict[str, Any]]


@contextlib.asynccontextmanager
async def caller_transaction(
    db: Database, claims: dict[str, Any], translate: Translate = sqlerrors.translate
) -> AsyncIterator[Cursor]:
    """One transaction run as the caller (their role and JWT claims, through
    `khadum.db.atransaction_as`), so RLS and the SQL functions decide; a deliberate
    SQL refusal becomes its 4xx (`translate`), anything else propagates."""
    try:
        async with db.connection() as conn, atransaction_as(conn, claims) as cur:
            yield cur
    except psycopg.Error as exc:
        mapped = translate(exc)
        if mapped is None:
            raise
        raise mapped from exc


def caller_cursor(translate: Translate = sqlerrors.translate) -> Any:
    """`Depends(...)`: the route runs inside `caller_transaction` as the signed-in
    caller. It commits when the route returns, before the answer is sent
    (`scope="function"`), and rolls back when the route raises."""

    async def cursor(request: Request, claims: Claims) -> AsyncIterator[Cursor]:
        async with caller_transaction(request.app.state.db, claims, translate) as cur:
            yield cur

    return Depends(cursor, scope="function")


CallerCursor = Annotated[Cursor, caller_cursor()]
"""A cursor in a transaction run as the signed-in caller (see `caller_cursor`)."""
