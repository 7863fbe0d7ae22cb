"""The Graph API client: POST /{version}/{phone_number_id}/messages with a bearer token."""

from __future__ import annotations

from typing import Any

import httpx

from khadum.requests.links import reveal_client_links
from khadum.settings import Settings
from khadum.whatsapp.errors import GraphOutcomeUnknown, GraphTransientError, error_from_response


class GraphClient:
    def __init__(self, settings: Settings, client: httpx.AsyncClient) -> None:
        self.url = (
            f"{settings.whatsapp_graph_url.rstrip('/')}/{settings.whatsapp_api_version}/"
            f"{settings.whatsapp_phone_number_id}/messages"
        )
        self.headers = {"Authorization": f"Bearer {settings.whatsapp_access_token}"}
        self.client = client
        self.settings = settings

    async def send(self, body: dict[str, Any]) -> str:
        """Sends one message; returns its wamid or raises a GraphError."""
        # The client's chat link is put in only here, on its way to Meta.
        body = reveal_client_links(self.settings, body)
        try:
            response = await self.client.post(self.url, json=body, headers=self.headers)
        except (httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            # Sent, perhaps taken, answer lost: the outcome is unknown.
            raise GraphOutcomeUnknown(
                f"Graph API answer lost: {type(exc).__name__}: {exc}"
            ) from exc
        except httpx.TransportError as exc:  # refused connections, connect timeouts
            raise GraphTransientError(
                f"Graph API unreachable: {type(exc).__name__}: {exc}"
            ) from exc
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code >= 400:
            raise error_from_response(response.status_code, data)
        try:
            return str(data["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as exc:
            raise GraphTransientError(f"unexpected Graph API answer: {str(data)[:200]}") from exc
