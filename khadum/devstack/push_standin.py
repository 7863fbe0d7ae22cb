"""Local only: a stand-in for a browser push service (what FCM, Mozilla autopush or
Apple's web push service are to a real browser), at the HTTP level.

- `POST /dev/push/register {"applicationServerKey"}` hands out an endpoint for a
  browser, as the browser's own push service does when a page subscribes (a real
  Chromium asks Google's service, which this machine cannot reach; the browser
  tests route `pushManager.subscribe()` here).
- `POST /dev/push/send/{token}` is the endpoint the application server posts to
  (RFC 8030): the VAPID `Authorization` (RFC 8292) must be signed by the key the
  subscription was made with, for this origin, unexpired (else 401/403, as push
  services answer); the body must be `aes128gcm` (RFC 8291); `TTL` is required.
  Unknown endpoints get 404; ones marked gone get 410 (an unsubscribed browser).
  Accepted pushes are recorded (201).
- `GET /dev/push/messages[?endpoint=…]`: what was recorded, oldest first (the
  body base64url, still encrypted: only the browser can read it).
- `POST /dev/push/gone/{token}`: the browser left (the next send gets 410).
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import jwt
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from py_vapid import Vapid02  # type: ignore[import-untyped]  # ships no type hints
from pydantic import BaseModel, Field

PREFIX = "/dev/push"


class Register(BaseModel):
    applicationServerKey: str = Field(min_length=80, max_length=100)  # the DOM's own name


@dataclass
class PushRecorder:
    keys: dict[str, str] = field(default_factory=dict)  # token → application server key
    gone: set[str] = field(default_factory=set)
    messages: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def register(self, server_key: str) -> str:
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.keys[token] = server_key.rstrip("=")
        return token


def _vapid_problem(auth: str, server_key: str, audience: str) -> tuple[int, str] | None:
    scheme, _, params = auth.partition(" ")
    if scheme.lower() != "vapid":
        return 401, "missing VAPID authorization"
    parts = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
    if parts.get("k", "").rstrip("=") != server_key:
        return 403, "the VAPID key is not the one this subscription was made with"
    try:
        if not Vapid02.verify(auth):
            return 403, "bad VAPID signature"
        claims = jwt.decode(parts["t"], options={"verify_signature": False})
    except (AssertionError, ValueError, KeyError, jwt.PyJWTError):
        return 403, "malformed VAPID token"
    exp = claims.get("exp")
    if claims.get("aud") != audience:
        return 403, "the VAPID audience is not this push service"
    if not isinstance(exp, int) or not time.time() < exp <= time.time() + 24 * 3600:
        return 403, "the VAPID token is expired or lasts over 24 hours"
    if not str(claims.get("sub", "")).startswith(("mailto:", "https://")):
        return 403, "the VAPID subject is not a mailto: or https: URL"
    return None


def router(recorder: PushRecorder | None = None) -> APIRouter:
    rec = recorder or PushRecorder()
    api = APIRouter(prefix=PREFIX, include_in_schema=False)

    @api.post("/register", status_code=201)
    async def register(body: Register, request: Request) -> dict[str, str]:
        token = rec.register(body.applicationServerKey)
        return {"endpoint": f"{str(request.base_url).rstrip('/')}{PREFIX}/send/{token}"}

    @api.post("/send/{token}")
    async def send(token: str, request: Request) -> Response:
        with rec.lock:
            server_key = rec.keys.get(token)
            gone = token in rec.gone
        if server_key is None:
            return JSONResponse({"error": "no such subscription"}, status_code=404)
        if gone:
            return JSONResponse({"error": "the subscription is gone"}, status_code=410)
        url = urlsplit(str(request.url))
        problem = _vapid_problem(request.headers.get("authorization", ""), server_key,
                                 f"{url.scheme}://{url.netloc}")
        if problem:
            return JSONResponse({"error": problem[1]}, status_code=problem[0])
        if request.headers.get("ttl") is None:
            return JSONResponse({"error": "TTL header required"}, status_code=400)
        if request.headers.get("content-encoding") != "aes128gcm":
            return JSONResponse({"error": "aes128gcm required"}, status_code=415)
        body = await request.body()
        if not body or len(body) > 4096:
            return JSONResponse({"error": "payload missing or over 4096 bytes"},
                                status_code=413)
        message_id = secrets.token_urlsafe(12)
        with rec.lock:
            rec.messages.append({
                "id": message_id, "endpoint": str(request.url), "token": token,
                "ttl": int(request.headers["ttl"]), "urgency": request.headers.get("urgency"),
                "content_encoding": "aes128gcm",
                "body": base64.urlsafe_b64encode(body).rstrip(b"=").decode(),
                "received_at": time.time(),
            })
        return Response(status_code=201, headers={"Location": f"{PREFIX}/messages/{message_id}"})

    @api.get("/messages")
    async def messages(endpoint: str | None = None) -> list[dict[str, Any]]:
        with rec.lock:
            return [m for m in rec.messages if endpoint is None or m["endpoint"] == endpoint]

    @api.post("/gone/{token}")
    async def mark_gone(token: str) -> dict[str, bool]:
        with rec.lock:
            known = token in rec.keys
            if known:
                rec.gone.add(token)
        return {"gone": known}

    return api
