"""The WhatsApp bot: a state machine per client phone (state in bot_conversations)."""
