"""Identifiers in the shapes Setu and NPCI use, from the operating system's random source."""

from __future__ import annotations

import os
import secrets
import string
import time
from itertools import count

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_BASE32HEX = "0123456789abcdefghijklmnopqrstuv"
_ALNUM = string.ascii_letters + string.digits
_XID_MACHINE = os.urandom(5)
_xid_counter = count(int.from_bytes(os.urandom(3), "big"))


def _encode(value: int, alphabet: str, length: int) -> str:
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(alphabet[digit])
    return "".join(reversed(chars))


def ulid() -> str:
    """26 characters of Crockford base32: 48 bits of milliseconds, then 80 random bits."""
    value = (time.time_ns() // 1_000_000) << 80 | secrets.randbits(80)
    return _encode(value, _CROCKFORD, 26)


def request_id() -> str:
    """A 20-character xid (seconds, machine, counter) in lower-case base32hex."""
    counter = next(_xid_counter) % (1 << 24)
    raw = int(time.time()).to_bytes(4, "big") + _XID_MACHINE + counter.to_bytes(3, "big")
    return _encode(int.from_bytes(raw, "big") << 4, _BASE32HEX, 20)


def digits(length: int) -> str:
    """A numeric string that does not start with zero."""
    return str(secrets.randbelow(9) + 1) + "".join(
        str(secrets.randbelow(10)) for _ in range(length - 1)
    )


def alphanumerics(length: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


def ref_id() -> str:
    """NPCI transaction refId: 19 digits."""
    return digits(19)


def txn_id() -> str:
    """NPCI transaction id: "SET" and 32 letters or digits."""
    return "SET" + alphanumerics(32)


def rrn() -> str:
    """NPCI customer reference number: 12 digits."""
    return digits(12)


def crn() -> str:
    """Refund CRN, shaped like Setu's example `UPI123456789`."""
    return "UPI" + digits(9)


def access_token() -> str:
    return secrets.token_urlsafe(32)
