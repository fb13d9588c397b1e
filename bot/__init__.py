"""Telegram conversation layer (python-telegram-bot 22)."""
