"""Local stand-in for Resend's email API, speaking its wire protocol at RESEND_API_URL.

`POST {base}/emails` answers `{"id": …}` like Resend and honours `Idempotency-Key`
(the same key returns the same id and records once; the same key with another
body is refused with 409, as Resend does). `GET {base}/emails` lists what it
recorded, oldest first. Optionally it plays Resend's webhooks back (email.sent,
email.delivered), Svix-signed, so the mailbox shows delivery states locally.

Tests can make it fail on purpose (`fail_next`): 429 with retry-after, 5xx, a
permanent 4xx, or a timeout (the email is recorded but the answer comes too late,
as when a response is lost on the way back).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from svix.webhooks import Webhook

log = logging.getLogger("khadum.dev.resend")

EventSink = Callable[[bytes, dict[str, str]], Awaitable[None]]
WEBHOOK_PATH = "/functions/v1/send_emails/webhook"

_ERROR_NAMES = {400: "validation_error", 401: "missing_api_key", 403: "invalid_api_key",
                409: "invalid_idempotent_request", 422: "validation_error",
                429: "rate_limit_exceeded", 500: "application_error", 503: "application_error"}


@dataclass(frozen=True)
class Fault:
    """What the next POST meets: an error status, or `timeout` seconds of silence."""

    status: int = 500
    retry_after: float | None = None
    timeout: float | None = None
    message: str = "the stand-in failed on purpose"


@dataclass
class ResendStandin:
    prefix: str = "/dev/resend"
    webhook_secret: str | None = None
    # Where the signed events go: `events_to`, else (play_events) the serving app itself.
    events_to: EventSink | None = None
    play_events: bool = False
    event_delay_seconds: float = 0.2
    emails: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    _faults: deque[Fault] = field(default_factory=deque)
    _by_key: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def fail_next(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def recorded(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(email) for email in self.emails]

    def router(self) -> APIRouter:
        routes = APIRouter()

        @routes.post(self.prefix + "/emails")
        async def send_email(request: Request) -> JSONResponse:
            return await self._send(request)

        @routes.get(self.prefix + "/emails")
        async def list_emails(to: str | None = None) -> list[dict[str, Any]]:
            return [e for e in self.recorded() if to is None or to in e["to"]]

        @routes.get(self.prefix + "/emails/{email_id}")
        async def get_email(email_id: str) -> JSONResponse:
            found = [e for e in self.recorded() if e["id"] == email_id]
            if not found:
                return _error(404, "Email not found", "not_found")
            return JSONResponse(found[0])

        return routes

    async def _send(self, request: Request) -> JSONResponse:
        key = request.headers.get("idempotency-key")
        with self._lock:
            fault = self._faults.popleft() if self._faults else None
            self.attempts.append({"idempotency_key": key, "fault": fault})
        if fault is not None and fault.timeout is None:
            headers = {"retry-after": f"{fault.retry_after:g}"} if fault.retry_after else None
            return _error(fault.status, fault.message, _ERROR_NAMES.get(fault.status, "error"),
                          headers)
        if not request.headers.get("authorization", "").startswith("Bearer re_"):
            return _error(401, "Missing API key in the authorization header", "missing_api_key")
        try:
            body = json.loads(await request.body())
        except json.JSONDecodeError:
            return _error(422, "The request body is not valid JSON", "validation_error")
        problem = _validate(body)
        if problem:
            return _error(422, problem, "validation_error")
        answer, fresh = self._record(key, body)
        if answer is None:
            return _error(409, "Same idempotency key used with a different request payload",
                          "invalid_idempotent_request")
        sink = self.events_to or (post_to_app(request.app) if self.play_events else None)
        if fresh and sink is not None:
            self._play_events(answer, sink)
        if fault is not None and fault.timeout is not None:
            await asyncio.sleep(fault.timeout)  # recorded, but the caller has given up
        return JSONResponse({"id": answer["id"]})

    def _record(self, key: str | None, body: dict[str, Any]
                ) -> tuple[dict[str, Any] | None, bool]:
        to = body["to"] if isinstance(body["to"], list) else [body["to"]]
        email = {
            "id": str(uuid.uuid4()), "object": "email",
            "created_at": datetime.now(UTC).isoformat(),
            "from": body["from"], "to": to, "subject": body["subject"],
            "html": body.get("html"), "text": body.get("text"),
            "tags": body.get("tags") or [], "idempotency_key": key,
        }
        with self._lock:
            if key and key in self._by_key:
                earlier = self._by_key[key]
                same = (earlier["to"], earlier["subject"], earlier["html"]) == (
                    to, body["subject"], body.get("html"))
                return (earlier if same else None), False
            self.emails.append(email)
            if key:
                self._by_key[key] = email
        return email, True

    def _play_events(self, email: dict[str, Any], sink: EventSink) -> None:
        if not self.webhook_secret:
            return
        task = asyncio.get_running_loop().create_task(self._deliver_events(email, sink))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver_events(self, email: dict[str, Any], sink: EventSink) -> None:
        webhook = Webhook(self.webhook_secret or "")
        for event_type in ("email.sent", "email.delivered"):
            await asyncio.sleep(self.event_delay_seconds)
            body = json.dumps(event_payload(event_type, email), ensure_ascii=False)
            msg_id = f"msg_{uuid.uuid4().hex}"
            now = datetime.now(UTC)
            headers = {"svix-id": msg_id, "svix-timestamp": str(int(now.timestamp())),
                       "svix-signature": webhook.sign(msg_id, now, body),
                       "content-type": "application/json"}
            try:
                await sink(body.encode(), headers)
            except httpx.HTTPError:
                log.exception("could not deliver %s for %s", event_type, email["id"])


def event_payload(event_type: str, email: dict[str, Any]) -> dict[str, Any]:
    """A Resend webhook body, shaped as Resend sends it."""
    return {
        "type": event_type,
        "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "data": {
            "created_at": email["created_at"], "email_id": email["id"],
            "from": email["from"], "to": email["to"], "subject": email["subject"],
            "tags": {t["name"]: t["value"] for t in email["tags"] if isinstance(t, dict)},
        },
    }


def post_to_app(app: Any, path: str = WEBHOOK_PATH) -> EventSink:
    """An EventSink that POSTs into an ASGI app (the local server itself)."""

    async def deliver(body: bytes, headers: dict[str, str]) -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://local") as client:
            response = await client.post(path, content=body, headers=headers)
        if response.status_code >= 400:
            log.warning("webhook answered %s: %s", response.status_code, response.text)

    return deliver


def _validate(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "The request body must be a JSON object"
    for name in ("from", "to", "subject"):
        if not body.get(name):
            return f"Missing `{name}` field."
    if not (body.get("html") or body.get("text")):
        return "Missing `html` or `text` field."
    recipients = body["to"] if isinstance(body["to"], list) else [body["to"]]
    for address in recipients:
        if not isinstance(address, str) or "@" not in address:
            return f"Invalid `to` field. The email address needs to follow the " \
                   f"`email@example.com` or `Name <email@example.com>` format: {address!r}"
    return None


def _error(status: int, message: str, name: str, headers: dict[str, str] | None = None
           ) -> JSONResponse:
    return JSONResponse({"statusCode": status, "message": message, "name": name},
                        status_code=status, headers=headers)
