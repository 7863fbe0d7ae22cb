"""The operator console: KPIs and review queues for Khadum staff."""
