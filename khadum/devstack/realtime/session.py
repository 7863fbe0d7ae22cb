"""One websocket connection of the stand-in: Phoenix channel events in, frames out.

Events handled: phx_join (authorised like Supabase: a valid JWT, and for
private channels the SELECT policies on realtime.messages), heartbeat,
access_token (replaces the channel's JWT, re-authorised), broadcast from the
client (allowed by the INSERT policies), presence track/untrack (the `presence`
extension's policies; khadum.devstack.realtime.presence), phx_leave. A channel whose token
expires is told so (system error) and closed, as Supabase does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from khadum.auth import is_publishable_key, verify_token
from khadum.devstack.realtime import frames
from khadum.devstack.realtime.frames import Frame, FrameError
from khadum.devstack.realtime.hub import RealtimeHub
from khadum.devstack.realtime.presence import PresenceTracker
from khadum.errors import Unauthorized
from khadum.settings import Settings

log = logging.getLogger("khadum.realtime")
IDLE_TIMEOUT_SECONDS = 60.0  # Phoenix closes sockets that stay silent this long


class Channel:
    """A joined topic on one socket; the hub delivers to it."""

    def __init__(self, session: SocketSession, join: Frame, claims: dict[str, Any],
                 config: dict[str, Any]) -> None:
        self.session = session
        self.topic = join.topic
        self.sub_topic = join.topic.removeprefix("realtime:")
        self.join_ref = join.join_ref or join.ref
        self.claims = claims
        self.private = bool(config.get("private"))
        broadcast = config.get("broadcast") or {}
        self.self_broadcast = bool(broadcast.get("self"))
        self.ack = bool(broadcast.get("ack"))
        self.may_write: bool | None = None
        self.event_allowed: dict[str, bool] = {}
        self.expiry: asyncio.TimerHandle | None = None
        presence = config.get("presence") or {}
        self.presence_key = str(presence.get("key") or uuid.uuid4().hex)
        self.presence_enabled = bool(presence.get("enabled"))
        self.sees_presence = False
        self.may_track = False

    def deliver_presence(self, event: str, payload: dict[str, Any]) -> None:
        self.session.send(Frame(self.topic, event, payload, None, None))

    def deliver(self, event: str, payload: Any) -> None:
        exp = self.claims.get("exp")
        if exp is not None and float(exp) <= time.time():
            self.session.close_channel(self, "Token has expired")
            return
        self.session.send(frames.broadcast(self.topic, event, payload))

    def watch_expiry(self) -> None:
        if self.expiry is not None:
            self.expiry.cancel()
        exp = self.claims.get("exp")
        if exp is not None:
            delay = max(0.0, float(exp) - time.time())
            self.expiry = asyncio.get_running_loop().call_later(
                delay, self.session.close_channel, self, "Token has expired")


class SocketSession:
    def __init__(self, ws: WebSocket, hub: RealtimeHub, settings: Settings) -> None:
        self.ws = ws
        self.hub = hub
        self.settings = settings
        self.vsn = ws.query_params.get("vsn", frames.VSN1)
        self.apikey = ws.query_params.get("apikey")
        # Upstream hands the connection's request headers to the policies (request.headers).
        self.headers = {key: value for key, value in ws.headers.items()
                        if key not in ("authorization", "cookie")}
        self.channels: dict[str, Channel] = {}
        self.outbox: asyncio.Queue[str | None] = asyncio.Queue()

    # -- I/O -----------------------------------------------------------------------
    def send(self, frame: Frame) -> None:
        self.outbox.put_nowait(frames.encode(frame, self.vsn))

    async def _writer(self) -> None:
        while (text := await self.outbox.get()) is not None:
            await self.ws.send_text(text)

    async def run(self) -> None:
        await self.ws.accept()
        writer = asyncio.create_task(self._writer())
        try:
            while True:
                message = await asyncio.wait_for(self.ws.receive(), IDLE_TIMEOUT_SECONDS)
                if message["type"] == "websocket.disconnect":
                    break
                data = message.get("text")
                data = data if data is not None else message.get("bytes")
                if data is None:
                    continue
                try:
                    frame = frames.decode(data, self.vsn)
                except FrameError as exc:
                    log.warning("ignored an unreadable frame: %s", exc)
                    continue
                await self.handle(frame)
        except (TimeoutError, WebSocketDisconnect):
            pass
        finally:
            for channel in list(self.channels.values()):
                self._drop(channel)
            self.outbox.put_nowait(None)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer, 2)
            with contextlib.suppress(Exception):
                await self.ws.close()

    # -- events -------------------------------------------------------------------------
    async def handle(self, frame: Frame) -> None:
        if frame.topic == "phoenix":
            if frame.event == "heartbeat":
                self.send(frames.reply(frame, "ok", {}))
            return
        if frame.event == "phx_join":
            await self.join(frame)
            return
        channel = self.channels.get(frame.topic)
        if channel is None:
            self.send(frames.reply(frame, "error", {"reason": "unmatched topic"}))
        elif frame.event == "phx_leave":
            self.send(frames.reply(frame, "ok", {}))
            self._drop(channel)
            self.send(Frame(channel.topic, "phx_close", {}, None, channel.join_ref))
        elif frame.event == "access_token":
            await self.refresh_token(channel, frame)
        elif frame.event == "broadcast":
            await self.client_broadcast(channel, frame)
        elif frame.event == "presence":
            await self.client_presence(channel, frame)
        elif frame.ref is not None:
            self.send(frames.reply(frame, "ok", {}))

    async def claims_for(self, token: str | None) -> dict[str, Any]:
        if not token or is_publishable_key(self.settings, token):
            return {"role": "anon"}
        return await verify_token(self.settings, token)

    async def join(self, frame: Frame) -> None:
        payload = frame.payload if isinstance(frame.payload, dict) else {}
        config = payload.get("config") or {}
        if not frame.topic.startswith("realtime:"):
            self.send(frames.reply(frame, "error", {"reason": "topics start with realtime:"}))
            return
        try:
            claims = await self.claims_for(payload.get("access_token") or self.apikey)
        except Unauthorized as exc:
            self.send(frames.reply(frame, "error", {"reason": f"Invalid JWT: {exc.message}"}))
            return
        sub_topic = frame.topic.removeprefix("realtime:")
        if config.get("private") and not await self.hub.may_read(claims, sub_topic, self.headers):
            reason = ("Unauthorized: You do not have permissions to read from this "
                      f"Channel topic: {sub_topic}")
            self.send(frames.reply(frame, "error", {"reason": reason}))
            return
        if (previous := self.channels.get(frame.topic)) is not None:
            self._drop(previous)
        channel = Channel(self, frame, claims, config)
        self.channels[frame.topic] = channel
        self.send(frames.reply(frame, "ok", {"postgres_changes": []}))
        self.hub.subscribe(sub_topic, channel)
        channel.watch_expiry()
        if channel.presence_enabled:
            if channel.private:
                channel.sees_presence, channel.may_track = await self.hub.presence_rights(
                    claims, sub_topic, self.headers)
            else:
                channel.sees_presence = channel.may_track = True
            if channel.sees_presence:
                channel.deliver_presence(
                    "presence_state", self.presence.state(sub_topic, channel.private))

    @property
    def presence(self) -> PresenceTracker:
        return self.hub.presence

    async def client_presence(self, channel: Channel, frame: Frame) -> None:
        payload = frame.payload if isinstance(frame.payload, dict) else {}
        audience = set(self.hub.topics.get(channel.sub_topic, ()))
        if payload.get("event") == "track" and channel.may_track:
            meta = payload.get("payload")
            self.presence.track(channel.sub_topic, channel,
                                meta if isinstance(meta, dict) else {}, audience)
        elif payload.get("event") == "untrack":
            self.presence.untrack(channel.sub_topic, channel, audience)
        elif payload.get("event") == "track":
            if frame.ref is not None:
                self.send(frames.reply(frame, "error", {"reason": "Unauthorized presence"}))
            return
        if frame.ref is not None:
            self.send(frames.reply(frame, "ok", {}))

    async def refresh_token(self, channel: Channel, frame: Frame) -> None:
        payload = frame.payload if isinstance(frame.payload, dict) else {}
        try:
            claims = await self.claims_for(payload.get("access_token"))
        except Unauthorized as exc:
            self.close_channel(channel, f"Invalid JWT: {exc.message}")
            return
        if channel.private and not await self.hub.may_read(claims, channel.sub_topic, self.headers):
            self.close_channel(channel, "Unauthorized: the new token may not read "
                                        f"from this Channel topic: {channel.sub_topic}")
            return
        channel.claims = claims
        channel.may_write = None
        channel.event_allowed = {}
        channel.watch_expiry()

    async def client_broadcast(self, channel: Channel, frame: Frame) -> None:
        payload = frame.payload if isinstance(frame.payload, dict) else {}
        event = payload.get("event")
        if not isinstance(event, str):
            return
        if channel.private:
            if channel.may_write is None:
                channel.may_write = await self.hub.may_write(channel.claims, channel.sub_topic,
                                                        self.headers)
            allowed = channel.may_write and channel.event_allowed.get(event)
            if channel.may_write and allowed is None:
                allowed = await self.hub.may_send_event(channel.claims, channel.sub_topic, event)
                if len(channel.event_allowed) < 64:  # a bounded cache: events are few
                    channel.event_allowed[event] = allowed
            if not allowed:
                if frame.ref is not None and channel.ack:
                    self.send(frames.reply(frame, "error", {"reason": "Unauthorized broadcast"}))
                return
        self.hub.fan_out(channel.sub_topic, event, payload.get("payload"), private=channel.private,
                         sender=channel, include_sender=channel.self_broadcast)
        if frame.ref is not None and channel.ack:
            self.send(frames.reply(frame, "ok", {}))

    def close_channel(self, channel: Channel, message: str) -> None:
        if self.channels.get(channel.topic) is not channel:
            return
        self._drop(channel)
        self.send(frames.system_error(channel.topic, message))
        self.send(Frame(channel.topic, "phx_close", {}, None, channel.join_ref))

    def _drop(self, channel: Channel) -> None:
        if self.channels.get(channel.topic) is channel:
            del self.channels[channel.topic]
        if channel.expiry is not None:
            channel.expiry.cancel()
        self.hub.unsubscribe(channel.sub_topic, channel)
        self.presence.untrack(channel.sub_topic, channel,
                              set(self.hub.topics.get(channel.sub_topic, ())))
