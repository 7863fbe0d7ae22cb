"""The websocket route: /realtime/v1/websocket?apikey=…&vsn=1.0.0|2.0.0"""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from khadum.devstack.realtime.hub import RealtimeHub
from khadum.devstack.realtime.session import SocketSession
from khadum.settings import Settings


def router(hub: RealtimeHub, settings: Settings) -> APIRouter:
    api = APIRouter()

    @api.websocket("/realtime/v1/websocket")
    async def realtime_socket(ws: WebSocket) -> None:
        await hub.start()
        await SocketSession(ws, hub, settings).run()

    return api
