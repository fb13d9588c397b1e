"""Identifiers shaped like RazorpayX's: a prefix and 14 letters or digits; 12-digit UTRs."""

from __future__ import annotations

import hashlib
import secrets
import string

_ALNUM = string.ascii_letters + string.digits
ID_LENGTH = 14


def new(prefix: str) -> str:
    """`pout_F6891rdxBLZ6AN`: `prefix`, an underscore and 14 random letters or digits."""
    return f"{prefix}_" + "".join(secrets.choice(_ALNUM) for _ in range(ID_LENGTH))


def utr() -> str:
    """A UPI UTR (the NPCI RRN): 12 digits, not starting with zero."""
    return str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(11))


def account_id(key_id: str) -> str:
    """The merchant's `acc_…` id, fixed for a key so every webhook names the same account."""
    digest = hashlib.sha256(key_id.encode()).digest()
    return "acc_" + "".join(_ALNUM[byte % len(_ALNUM)] for byte in digest[:ID_LENGTH])
