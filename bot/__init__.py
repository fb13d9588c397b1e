"""Telegram conversation layer (python-telegram-bot 22)."""

import os

# Opt in to PTB's future `RetryAfter.retry_after` type (a timedelta) now: reading it the old
# way warns on every 429. Our code accepts either type.
os.environ.setdefault("PTB_TIMEDELTA", "true")
