"""The HTTP functions: one registry (name → the module whose `router(db, settings)`
holds its routes) and one factory. Every `functions/<name>/main.py` is the same
two lines:

    from khadum.apps import create_app
    app = create_app("<name>")

Deployed alone, the app opens its own pool; the local server (`khadum dev`)
includes the very same routers (`routers`). Modules are imported on first use,
so a function loads only its own feature."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:  # importing this module stays light: `khadum serve` lists FUNCTIONS
    from fastapi import APIRouter, FastAPI

    from khadum.db import Database
    from khadum.settings import Settings

RouterFactory = Callable[["Database", "Settings"], "APIRouter"]

ROUTERS: dict[str, str] = {
    "whatsapp_webhook": "khadum.bot.router",
    "respond_request": "khadum.requests.router",
    "send_emails": "khadum.email.router",
    "dashboard_api": "khadum.dashboard.router",
    "chat": "khadum.chat.router",
    "admin_api": "khadum.admin.router",
}
FUNCTIONS: tuple[str, ...] = tuple(ROUTERS)


def router_factory(name: str) -> RouterFactory:
    """`router(db, settings)` of the function `name` (KeyError if there is none)."""
    return cast(RouterFactory, importlib.import_module(ROUTERS[name]).router)


def create_app(name: str, db: Database | None = None, settings: Settings | None = None
               ) -> FastAPI:
    """The function's ASGI app (`khadum.http.function_app`): its routes, its
    health route, JSON errors, guards; its own pool unless `db` is given."""
    from khadum.http import function_app
    from khadum.redact import install

    install()  # no personal data in this process's logs (access logs included)
    return function_app(name, db=db, settings=settings, router=router_factory(name))


def routers(db: Database, settings: Settings) -> list[APIRouter]:
    """Every function's routes (full `/functions/v1/<name>/…` paths)."""
    return [router_factory(name)(db, settings) for name in FUNCTIONS]
