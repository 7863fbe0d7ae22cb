"""WhatsApp webhook (Meta Cloud API): signed deliveries stored and acked; the handshake; the sweep.

Deploy: `uvicorn functions.whatsapp_webhook.main:app`;
the routes: khadum.apps.ROUTERS["whatsapp_webhook"]."""

from khadum.apps import create_app

app = create_app("whatsapp_webhook")
