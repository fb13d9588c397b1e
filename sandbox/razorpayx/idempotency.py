"""`X-Payout-Idempotency` (razorpayx-payouts.md §3): one key, one payout.

A key is bound to a payout only once a payout exists; a request refused before that (a bad
body, a rejected low balance) leaves the key free for a corrected retry. Bodies are compared
as parsed JSON (canonical form), not byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sandbox.razorpayx.errors import BadRequestError, MissingIdempotencyKeyError
from sandbox.razorpayx.models import Json

HEADER = "X-Payout-Idempotency"
KEY = re.compile(r"[A-Za-z0-9_\- ]{4,36}")
DIFFERENT_BODY = "Different request body sent for the same Idempotency Header"


@dataclass(frozen=True)
class Binding:
    fingerprint: str
    payout_id: str
    first_response: Json
    at: datetime


def fingerprint(raw: bytes) -> str:
    """sha256 of the body's canonical JSON; BadRequestError if it is not JSON at all."""
    try:
        parsed = json.loads(raw or b"null")
    except ValueError as exc:
        raise BadRequestError("The request body is not valid JSON.") from exc
    canonical = json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def checked_key(value: str | None) -> str:
    """The header's key. Raises MissingIdempotencyKeyError, or BadRequestError if malformed."""
    if value is None or value == "":
        raise MissingIdempotencyKeyError()
    if not KEY.fullmatch(value):
        raise BadRequestError(
            "The idempotency key must be 4 to 36 letters, digits, hyphens, underscores or spaces.",
            field=HEADER,
        )
    return value


class Keys:
    def __init__(self) -> None:
        self._bindings: dict[str, Binding] = {}

    def find(self, key: str, print_: str, now: datetime, ttl_seconds: float) -> Binding | None:
        """The payout this key made with this body, if it is still remembered.

        Raises BadRequestError when the key was used with a different body.
        """
        binding = self._bindings.get(key)
        if binding is None or now - binding.at > timedelta(seconds=ttl_seconds):
            return None
        if binding.fingerprint != print_:
            raise BadRequestError(DIFFERENT_BODY, field=HEADER)
        return binding

    def bind(self, key: str, binding: Binding) -> None:
        self._bindings[key] = binding
