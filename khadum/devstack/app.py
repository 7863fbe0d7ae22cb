"""The local server: every function (`khadum.apps`), the start page, the
dashboard, the simulators, the stand-ins for Meta, Resend, Auth and Realtime,
and the local-only pieces the functions leave out (chat files on disk)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from psycopg.rows import dict_row

from khadum import apps
from khadum.chat.storage import file_store
from khadum.db import Database
from khadum.devstack import gotrue, web
from khadum.devstack.messages import text
from khadum.devstack.realtime.hub import RealtimeHub
from khadum.devstack.realtime.router import router as realtime_router
from khadum.http import health_router, install_error_handlers
from khadum.limits import (
    API_CSP,
    DEV_PAGE_CSP,
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
    page_csp,
)
from khadum.paths import PACKAGE_DIR
from khadum.seed.load import DEMO_PASSWORD, SPEC_FREELANCER_EMAIL
from khadum.settings import Settings, SettingsError, get_settings

log = logging.getLogger("khadum.dev")
EXPIRY_INTERVAL_SECONDS = 60.0

ENDPOINTS: list[tuple[str, str]] = [
    ("/", "the freelancer dashboard (sign in with a demo account)"),
    ("/dev", "this page"),
    ("/healthz", "health check (JSON)"),
    ("/dev/mailbox", "mailbox: emails the Resend stand-in got, rendered, with state"),
    ("/dev/resend/emails", "Resend stand-in: recorded emails (JSON, oldest first)"),
    ("/functions/v1/send_emails", "POST (service key): send due emails; /webhook: Resend"),
    ("/functions/v1/respond_request", "accept / reject / ask for details (POST, JWT)"),
    ("/functions/v1/dashboard_api", "the dashboard's data, through RLS (JWT)"),
    ("/auth/v1", "Supabase Auth stand-in: email + password sign-in"),
    ("/realtime/v1/websocket", "Supabase Realtime stand-in: private broadcast channels"),
    ("/chat/{token}", "the client's private chat page (link from the email / WhatsApp)"),
    ("/functions/v1/chat", "the chat function: sessions, messages, files, completion (JWT)"),
    ("/dev/whatsapp", "WhatsApp simulator: play the client"),
    ("/functions/v1/whatsapp_webhook", "WhatsApp webhook (Meta-signed POST; GET handshake)"),
    ("/dev/graph/messages?to=+966501234567", "Graph API stand-in: messages sent to a phone"),
]

templates = Jinja2Templates(directory=str(PACKAGE_DIR / "devstack" / "templates"))


def local_routers(db: Database, settings: Settings) -> list[APIRouter]:
    """Local-only pages and stand-ins (simulator, mailbox, Graph API, Resend, Realtime)."""
    from khadum.devstack import files, graph_standin, simulator
    from khadum.devstack.mailbox import mailbox_router
    from khadum.devstack.resend_standin import ResendStandin

    resend = ResendStandin(webhook_secret=settings.resend_webhook_secret, play_events=True)
    graph = graph_standin.GraphRecorder()  # one conversation log for the stand-in and the simulator
    local = []
    store = file_store(settings)
    if isinstance(store, files.LocalFileStore):  # chat files on disk: served here
        local.append(files.router(store))
    return [
        *local,
        gotrue.router(db, settings),
        resend.router(),
        mailbox_router(db, resend),
        graph_standin.router(db, settings, graph),
        simulator.router(db, settings, graph),
        web.router(settings),
    ]


def served_from(settings: Settings, base: str) -> Settings:
    """Local defaults point at port 8000; the stand-ins live on this very server,
    whatever its host and port, so move every such URL left at its default."""
    paths = {"whatsapp_graph_url": "/dev/graph", "resend_api_url": "/dev/resend",
             "public_base_url": "", "supabase_url": ""}
    fields = type(settings).model_fields
    update = {name: base + path for name, path in paths.items()
              if getattr(settings, name) == fields[name].default}
    return settings.model_copy(update=update)


def create_app(
    database_url: str, *, settings: Settings | None = None, run_expiry: bool = True,
    run_workers: bool = True,
) -> FastAPI:
    """`run_workers`: the worker (`khadum worker`'s code, in this process):
    inbound processing, both outbox drains and the sweeper, woken by NOTIFY;
    `run_expiry`: the minute jobs pg_cron runs on Supabase."""
    from khadum.redact import install

    install()  # no personal data in the logs, as in production
    settings = settings or get_settings()
    refuse_production(settings)
    db = Database(database_url)
    hub = RealtimeHub(database_url)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await db.open()
        tasks = []
        if run_expiry and not await _has_pg_cron(db):
            tasks.append(asyncio.create_task(_expiry_loop(db)))
        worker = None
        if run_workers:
            from khadum.worker import Worker, WorkerOptions

            worker = Worker(database_url, settings, db=db,
                            options=WorkerOptions(minute_jobs=False))
            app.state.worker = worker
            tasks.append(asyncio.create_task(worker.run()))
        try:
            yield
        finally:
            if worker is not None:
                worker.request_stop()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(asyncio.shield(tasks[-1]), 5.0)
            # Cancel until they stop: a database call can swallow one cancellation.
            while pending := [task for task in tasks if not task.done()]:
                for task in pending:
                    task.cancel()
                await asyncio.wait(pending, timeout=0.2)
            await asyncio.gather(*tasks, return_exceptions=True)
            await hub.close()
            await db.close()

    app = FastAPI(title="Khadum local stack", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.db = db
    app.state.settings = settings
    app.state.realtime = hub
    install_error_handlers(app)
    for name in apps.FUNCTIONS:
        app.include_router(health_router(name, db))
    # The local routes first: /functions/v1/chat/files before the chat's /{chat_id}.
    for router in (*local_routers(db, settings), *apps.routers(db, settings)):
        app.include_router(router)
    app.include_router(realtime_router(hub, settings))
    app.mount("/assets", web.assets(), name="assets")
    # One guard for every route the local server answers (the functions, the Auth
    # stand-in, the pages): the body limit inside, the security headers outside.
    app.add_middleware(BodyLimitMiddleware)
    pages = page_csp(settings.supabase_url, settings.functions_base_url)

    def csp_for(path: str, content_type: str) -> str:
        if path == "/dev" or path.startswith("/dev/"):
            return DEV_PAGE_CSP
        return pages if content_type.startswith("text/html") else API_CSP

    app.add_middleware(SecurityHeadersMiddleware, csp_for=csp_for)

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        async with db.connection() as conn:
            await conn.execute("select 1")
        return {"status": "ok"}

    @app.get("/dev", response_class=HTMLResponse)
    async def start_page(request: Request, all: int = 0) -> HTMLResponse:
        context = await _start_page_context(db, database_url, show_all=bool(all))
        return templates.TemplateResponse(request, "start.html", {"t": text, **context})

    return app


def refuse_production(settings: Settings) -> None:
    """The local server signs webhooks with the app secret, lists every email and
    message it relayed, and mints sessions: it never runs with production settings."""
    if settings.is_production:
        raise SettingsError(
            "khadum dev is for local runs only and refuses KHADUM_ENV=production "
            "(its /dev routes sign webhooks and show every email and message)"
        )


async def _has_pg_cron(db: Database) -> bool:
    async with db.connection() as conn:
        cur = await conn.execute("select 1 from pg_extension where extname = 'pg_cron'")
        return await cur.fetchone() is not None


async def run_expiry_once(db: Database) -> int:
    async with db.connection() as conn:
        cur = await conn.execute("select public.expire_requests()")
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def run_chat_housekeeping_once(db: Database) -> int:
    async with db.connection() as conn:
        cur = await conn.execute("select public.chat_housekeeping()")
        row = await cur.fetchone()
    return int(row[0]) if row else 0


def _stopping() -> bool:
    """True once the loop's task was asked to stop, even if a library swallowed the
    CancelledError on the way (the loop would otherwise run on and block shutdown)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def _expiry_loop(db: Database) -> None:
    """The jobs pg_cron runs every minute on Supabase."""
    while not _stopping():
        try:
            expired = await run_expiry_once(db)
            if expired:
                log.info("expired %d overdue request(s)", expired)
            nudges = await run_chat_housekeeping_once(db)
            if nudges:
                log.info("queued %d chat nudge(s) on WhatsApp", nudges)
        except Exception:  # keep the schedule alive; the error is logged, not swallowed
            log.exception("a scheduled job failed; trying again in a minute")
        await asyncio.sleep(EXPIRY_INTERVAL_SECONDS)


def _redact(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}{sep}{user}@{host}"


async def _start_page_context(db: Database, database_url: str, *, show_all: bool
                              ) -> dict[str, Any]:
    async with db.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute("select current_setting('server_version') as v")
        version = (await cur.fetchone() or {}).get("v", "?")
        await cur.execute("select count(*) as n from public.freelancers")
        count = (await cur.fetchone() or {}).get("n", 0)
        await cur.execute(
            "select f.display_name, u.email, f.headline, f.rating "
            "from public.freelancers f join auth.users u on u.id = f.user_id "
            "order by u.email = %s desc, f.rating desc, f.display_name limit %s",
            (SPEC_FREELANCER_EMAIL, 1000 if show_all else 12),
        )
        signins = await cur.fetchall()
        await cur.execute("select 1 from pg_extension where extname = 'pg_cron'")
        has_cron = await cur.fetchone() is not None
    return {
        "database_label": _redact(database_url),
        "server_version": version,
        "freelancer_count": count,
        "signins": signins,
        "show_all": show_all,
        "demo_password": DEMO_PASSWORD,
        "has_pg_cron": has_cron,
        "endpoints": ENDPOINTS,
    }
