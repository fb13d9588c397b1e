"""HTTP side: gateway webhooks, Telegram webhook, status page, health and metrics."""
