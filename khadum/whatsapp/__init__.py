"""WhatsApp Cloud API: webhook, inbound processing, outbox sending."""
