"""WhatsApp webhook (Meta Cloud API).

Deployed alone: `uvicorn functions.whatsapp_webhook.main:app`.
"""

from khadum.whatsapp.webhook import create_app

app = create_app()
