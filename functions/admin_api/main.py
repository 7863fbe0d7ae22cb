"""admin_api: the operator console's KPIs and review queues, staff only, each call a
staff-only SQL function run as the caller.

Deploy: `uvicorn functions.admin_api.main:app`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from khadum.admin.router import router
from khadum.db import Database
from khadum.http import function_app
from khadum.settings import Settings


def create_app(db: Database | None = None, settings: Settings | None = None) -> FastAPI:
    return function_app("admin_api", db=db, settings=settings, router=router)


def __getattr__(name: str) -> Any:
    # `app` is built on first use, so importing this module needs no configuration.
    if name == "app":
        return create_app()
    raise AttributeError(name)
