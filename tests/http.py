"""Real HTTP through the local server's ASGI app, and the tokens callers present."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial

import httpx
from fastapi import FastAPI

from khadum import apps
from khadum.auth import mint_freelancer_token, mint_token
from khadum.devstack.app import create_app
from khadum.seed.load import user_id
from khadum.settings import Settings, get_settings


def function_factory(name: str) -> Callable[..., FastAPI]:
    """`factory(db=None, settings=None)`: the function `name` as deployed (khadum.apps)."""
    return partial(apps.create_app, name)


def token_for(key: str, ttl: int = 3600, settings: Settings | None = None) -> str:
    """As the Auth stand-in signs it; `settings` of a server on another URL give its issuer."""
    return mint_freelancer_token(settings or get_settings(), user_id(key),
                                 f"{key}@demo.khadum.app", ttl)


def bearer(key: str, settings: Settings | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(key, settings=settings)}"}


def expired_bearer(key: str) -> dict[str, str]:
    token = mint_token(get_settings(), {"sub": str(user_id(key))}, -10)
    return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def local_client(
    database_url: str, *, workers: bool = True
) -> AsyncIterator[httpx.AsyncClient]:
    """`workers=False`: nothing is sent behind the test's back (queued rows stay queued)."""
    app = create_app(database_url, run_expiry=False, run_workers=workers)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://local") as client:
            yield client
