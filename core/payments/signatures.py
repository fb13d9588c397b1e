"""Webhook signatures: HMAC-SHA256 over the raw body, compared in constant time.

Setu sends base64 in `x-setu-signature`; RazorpayX sends hex in `X-Razorpay-Signature`. Both
may be verified against several secrets at once (the current one and the previous one while a
rotation is under way). Nothing here parses the body: verify first, then parse.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from typing import Literal

Encoding = Literal["base64", "hex"]


def sign(body: bytes, secret: str, encoding: Encoding) -> str:
    """The signature a sender computes for `body` under `secret`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode() if encoding == "base64" else digest.hex()


def verify(body: bytes, signature: str | None, secrets: Iterable[str], encoding: Encoding) -> bool:
    """True when `signature` is the signature of `body` under any non-empty secret."""
    if not signature:
        return False
    given = signature.strip().encode()
    matched = False
    for secret in secrets:
        if secret:
            # Every secret is checked, so timing says nothing about which one matched.
            matched |= hmac.compare_digest(sign(body, secret, encoding).encode(), given)
    return matched
