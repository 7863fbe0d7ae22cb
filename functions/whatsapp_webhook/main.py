"""WhatsApp webhook (Meta Cloud API).

Deployed alone: `uvicorn functions.whatsapp_webhook.main:app`.
"""

from khadum.bot.webhook import create_app

app = create_app()
