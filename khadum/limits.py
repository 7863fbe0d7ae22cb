"""What guards every HTTP function before its route runs: the body-size limit and
the security headers. Both are plain ASGI middleware, installed by
`khadum.http.function_app` (each function deployed alone) and by the local
server (`khadum dev`, which also serves the Auth stand-in), so every route gets
the same guard.

The limit is enforced twice: a declared `Content-Length` over the limit is
answered 413 before a byte of the body is read; a body without one (chunked, or
a lying header) is counted as it streams and cut off at the limit, so no route
ever holds more than the limit in memory or on disk.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Annotated, Any

from pydantic import AfterValidator

from khadum.chat.files import FILE_LIMIT

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

JSON_LIMIT = 256 * 1024  # JSON bodies and webhooks
MULTIPART_OVERHEAD = 64 * 1024  # boundaries, part headers and the caption around a file
UPLOAD_LIMIT = FILE_LIMIT + MULTIPART_OVERHEAD

# Routes that take a file: the chat's attachments.
_UPLOAD_PATH = re.compile(r"^/functions/v1/chat/[^/]+/attachments/?$")


def body_limit_for(path: str) -> int:
    return UPLOAD_LIMIT if _UPLOAD_PATH.match(path) else JSON_LIMIT


class BodyTooLarge(Exception):
    """Raised from `receive` when the streamed body passes the limit."""


def _error_body(status: int, code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()


async def _send_json(send: Send, status: int, code: str, message: str) -> None:
    body = _error_body(status, code, message)
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": body})


def _too_large_message(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"the request body is larger than {limit // (1024 * 1024)} MB"
    return f"the request body is larger than {limit // 1024} KB"


class BodyLimitMiddleware:
    """413 JSON for bodies over the route's limit, declared or streamed."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int] = body_limit_for) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _send_json(send, 400, "bad_content_length",
                                 "Content-Length must be a whole number")
                return
            if int(declared) > limit:
                await _send_json(send, 413, "too_large", _too_large_message(limit))
                return

        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:  # whatever the route makes of a cut body, the answer is 413
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await _send_json(send, 413, "too_large", _too_large_message(limit))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return bytes(value).decode("latin-1").strip()
    return None


# -- text that arrives over HTTP ---------------------------------------------------------


UNSTORABLE = {
    "nul_character": "contains a NUL character",
    "lone_surrogate": "is not valid Unicode (a lone surrogate)",
}


def unstorable(value: str) -> str | None:
    """Why PostgreSQL text cannot hold `value` (a key of UNSTORABLE), or None:
    it holds neither NUL nor lone surrogates. The one statement of that rule."""
    if "\x00" in value:
        return "nul_character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "lone_surrogate"
    return None


def _storable(value: str) -> str:
    """Refuse, as input, text that PostgreSQL cannot store."""
    reason = unstorable(value)
    if reason is not None:
        raise ValueError(UNSTORABLE[reason])
    return value


# A request-body string that can be stored (pair with Field(max_length=…)).
SafeText = Annotated[str, AfterValidator(_storable)]


def storable(value: str) -> bool:
    return unstorable(value) is None


# -- security headers ------------------------------------------------------------------

# JSON answers: nothing to load, nothing may frame them.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"


def page_csp(*origins: str) -> str:
    """The dashboard and chat pages (Vite builds: scripts and styles from the page's
    own origin; supabase-js talks to the Supabase URL over HTTPS and WebSocket)."""
    hosts: list[str] = []
    for origin in origins:
        origin = origin.rstrip("/")
        if not origin:
            continue
        base = re.sub(r"^(https?://[^/]+).*$", r"\1", origin)
        hosts.append(base)
        hosts.append(re.sub(r"^http", "ws", base))
    extra = " ".join(dict.fromkeys(hosts))
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data: blob: {extra}; connect-src 'self' {extra}; "
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    ).replace("  ", " ")


# Local-only pages (/dev/…): their templates carry inline scripts and styles, and
# the mailbox shows each email in a sandboxed frame.
DEV_PAGE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https:; frame-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'self'"
)

BASE_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


class SecurityHeadersMiddleware:
    """nosniff, Referrer-Policy, frame protection and a CSP on every answer.

    `csp_for(path, content_type)` picks the policy; a route that set its own
    Content-Security-Policy keeps it."""

    def __init__(self, app: ASGIApp, csp_for: Callable[[str, str], str] | None = None) -> None:
        self.app = app
        self.csp_for = csp_for or (lambda _path, _ctype: API_CSP)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {bytes(k).lower() for k, _ in headers}
                ctype = next((bytes(v).decode("latin-1") for k, v in headers
                              if bytes(k).lower() == b"content-type"), "")
                policy = self.csp_for(path, ctype)
                frame = b"SAMEORIGIN" if "frame-ancestors 'self'" in policy else b"DENY"
                for key, value in BASE_HEADERS:
                    if key not in present:
                        headers.append((key, frame if key == b"x-frame-options" else value))
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", policy.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
