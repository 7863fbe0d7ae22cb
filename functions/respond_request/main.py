"""respond_request: a freelancer accepts, rejects or asks for details (DESIGN.md §4).

Deploy: `uvicorn functions.respond_request.main:app` (DATABASE_URL and the
Supabase settings in the environment).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from khadum.db import Database
from khadum.http import function_app
from khadum.requests.router import router
from khadum.settings import Settings


def create_app(db: Database | None = None, settings: Settings | None = None) -> FastAPI:
    return function_app("respond_request", db=db, settings=settings, router=router)


def __getattr__(name: str) -> Any:
    # `app` is built on first use, so importing this module needs no configuration.
    if name == "app":
        return create_app()
    raise AttributeError(name)
