"""HTTP Basic auth as Razorpay checks it (razorpayx-payouts.md §1): exactly
`Basic base64(key_id:key_secret)`; `basic …`, `BASIC …` or a quoted token are refused."""

from __future__ import annotations

import base64
import binascii
import hmac

from starlette.requests import Request

from sandbox.razorpayx.config import SimulatorConfig
from sandbox.razorpayx.errors import AuthenticationError


def authorise(request: Request, config: SimulatorConfig) -> None:
    """Raises AuthenticationError unless the request carries our key pair."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme != "Basic":
        raise AuthenticationError()
    try:
        given = base64.b64decode(token.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise AuthenticationError() from exc
    expected = f"{config.key_id}:{config.key_secret}".encode()
    if not hmac.compare_digest(given, expected):
        raise AuthenticationError()
