"""POST /functions/v1/respond_request (DESIGN.md section 4)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from khadum.db import Database
from khadum.http import Claims
from khadum.requests.respond import RespondBody, respond
from khadum.settings import Settings


def router(db: Database, settings: Settings) -> APIRouter:
    api = APIRouter()

    @api.post("/functions/v1/respond_request")
    async def respond_request(body: RespondBody, claims: Claims) -> dict[str, Any]:
        return await respond(db, settings, claims, body)

    return api
