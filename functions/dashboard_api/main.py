"""dashboard_api: the freelancer dashboard's reads (and marking notifications read),
all through RLS as the signed-in freelancer.

Deploy: `uvicorn functions.dashboard_api.main:app`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from khadum.dashboard.router import router
from khadum.db import Database
from khadum.http import function_app
from khadum.settings import Settings


def create_app(db: Database | None = None, settings: Settings | None = None) -> FastAPI:
    return function_app("dashboard_api", db=db, settings=settings, router=router)


def __getattr__(name: str) -> Any:
    # `app` is built on first use, so importing this module needs no configuration.
    if name == "app":
        return create_app()
    raise AttributeError(name)
