"""/functions/v1/dashboard_api/push/… — a freelancer's browser subscribes to (or
leaves) Web Push. Run as the caller: `push_subscribe()` stores only the caller's
own subscription, and RLS lets them delete only their own."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from psycopg import AsyncCursor
from pydantic import BaseModel, ConfigDict, Field

from khadum.errors import Forbidden, Invalid
from khadum.http import CallerCursor
from khadum.limits import SafeText
from khadum.push.vapid import endpoint_allowed
from khadum.settings import Settings

_B64URL = r"^[A-Za-z0-9_-]+={0,2}$"


class SubscriptionKeys(BaseModel):
    model_config = ConfigDict(extra="ignore")
    p256dh: str = Field(min_length=80, max_length=102, pattern=_B64URL)
    auth: str = Field(min_length=16, max_length=42, pattern=_B64URL)


class Subscription(BaseModel):
    """PushSubscription.toJSON() as the browser gives it (expirationTime ignored)."""

    model_config = ConfigDict(extra="ignore")
    endpoint: str = Field(min_length=12, max_length=2048, pattern=r"^https?://\S+$")
    keys: SubscriptionKeys
    user_agent: SafeText | None = Field(default=None, max_length=512)


class Unsubscribe(BaseModel):
    model_config = ConfigDict(extra="forbid")
    endpoint: str = Field(min_length=12, max_length=2048)


def router(settings: Settings) -> APIRouter:
    """Included by dashboard_api's router (under its prefix)."""
    api = APIRouter(prefix="/push")

    @api.post("/subscriptions")
    async def subscribe(body: Subscription, cur: CallerCursor) -> dict[str, Any]:
        if not endpoint_allowed(body.endpoint, settings.is_production):
            raise Invalid("this is not a browser push service's address",
                          code="push_endpoint_not_allowed")
        await cur.execute(
            "select public.push_subscribe(%s, %s, %s, %s) as id",
            (body.endpoint, body.keys.p256dh, body.keys.auth, body.user_agent))
        row = await cur.fetchone()
        if row is None:
            raise Forbidden("this account has no freelancer profile", code="not_a_freelancer")
        return {"id": row["id"], "subscribed": True}

    @api.post("/unsubscribe")
    async def unsubscribe(body: Unsubscribe, cur: CallerCursor) -> dict[str, Any]:
        await cur.execute("delete from public.push_subscriptions where endpoint = %s "
                          "returning id", (body.endpoint,))
        return {"removed": len(await cur.fetchall())}

    @api.get("/subscriptions")
    async def subscriptions(cur: CallerCursor) -> dict[str, Any]:
        await cur.execute("select id, endpoint, created_at, last_sent_at "
                          "from public.push_subscriptions order by created_at")
        return {"items": await cur.fetchall()}

    return api


async def record_opened(cur: AsyncCursor[dict[str, Any]], request_id: uuid.UUID) -> None:
    """The card was shown to its freelancer: stops the unopened and expiry alerts."""
    await cur.execute("select public.record_request_opened(%s)", (request_id,))
