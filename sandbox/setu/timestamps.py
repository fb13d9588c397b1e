"""Setu's clock face: RFC 3339, whole seconds, India Standard Time (+05:30)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

IST = timezone(timedelta(hours=5, minutes=30))


def rfc3339(moment: datetime) -> str:
    """`2024-05-17T19:17:32+05:30`."""
    return moment.astimezone(IST).replace(microsecond=0).isoformat()
