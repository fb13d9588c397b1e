"""UPI ids (VPAs): validation, normalisation and masking.

A VPA is `name@handle`: the name is 2-256 of letters, digits, dot, hyphen and underscore; the
handle is the payment provider's, letters then letters or digits. UPI treats them
case-insensitively, so we store them lower-cased.
"""

from __future__ import annotations

import re

from core.errors import InputError

_VPA = re.compile(r"^[a-z0-9][a-z0-9._-]{1,255}@[a-z][a-z0-9]{1,63}$")
_FIND_VPA = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,255}@[A-Za-z][A-Za-z0-9]{1,63}")


def parse_vpa(text: str) -> str:
    """Return the normalised VPA, or raise InputError("vpa.invalid")."""
    vpa = text.strip().lower()
    if not _VPA.match(vpa):
        raise InputError("vpa.invalid", vpa=mask_vpa(vpa[:80]))
    return vpa


def is_vpa(text: str) -> bool:
    return bool(_VPA.match(text.strip().lower()))


def mask_vpa(vpa: str) -> str:
    """`ramesh@okaxis` -> `ra***@okaxis`: enough for a person to recognise, not to pay."""
    name, at, handle = vpa.partition("@")
    if not at:
        return name[:2] + "***"
    return f"{name[:2]}***@{handle}"


def mask_vpas_in(text: str) -> str:
    """Mask every VPA-looking substring of free text (for logs)."""
    return _FIND_VPA.sub(lambda match: mask_vpa(match.group(0)), text)
