"""The send_emails function, deployed alone: `uvicorn functions.send_emails.main:app`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from functions.send_emails.routes import router
from khadum.db import Database
from khadum.http import function_app
from khadum.settings import Settings


def create_app(db: Database | None = None, settings: Settings | None = None) -> FastAPI:
    return function_app("send_emails", db=db, settings=settings, router=router)


def __getattr__(name: str) -> Any:
    # `app` is built on first use, so importing this module needs no DATABASE_URL.
    if name == "app":
        return create_app()
    raise AttributeError(name)
