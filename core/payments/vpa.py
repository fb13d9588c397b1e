"""UPI ids (VPAs): validation, normalisation and masking.

A VPA is `name@handle`. UPI itself allows more than the services we use do, so input is held
to the strictest of them: Setu's collect and verification APIs take only letters, digits, dot
and hyphen on either side of the @, and RazorpayX payouts take the same characters, 3 to 100 in
all (`priya_s@okaxis` is refused there: "The address format is invalid"). So: a name of 2 or
more letters, digits, dots and hyphens, starting with a letter or digit; a handle of letters
then letters or digits; 100 characters at most. UPI treats ids case-insensitively, so we
store them lower-cased.
"""

from __future__ import annotations

import re

from core.errors import InputError

MAX_LENGTH = 100  # RazorpayX's limit for a VPA address
_VPA = re.compile(r"^[a-z0-9][a-z0-9.-]{1,97}@[a-z][a-z0-9]{1,63}$")
_FIND_VPA = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,255}@[A-Za-z][A-Za-z0-9]{1,63}")


def parse_vpa(text: str) -> str:
    """Return the normalised VPA, or raise InputError("vpa.invalid")."""
    vpa = text.strip().lower()
    if len(vpa) > MAX_LENGTH or not _VPA.match(vpa):
        raise InputError("vpa.invalid", vpa=mask_vpa(vpa[:80]))
    return vpa


def is_vpa(text: str) -> bool:
    vpa = text.strip().lower()
    return len(vpa) <= MAX_LENGTH and bool(_VPA.match(vpa))


def mask_vpa(vpa: str) -> str:
    """`ramesh@okaxis` -> `ra***@okaxis`: enough for a person to recognise, not to pay."""
    name, at, handle = vpa.partition("@")
    if not at:
        return name[:2] + "***"
    return f"{name[:2]}***@{handle}"


def mask_vpas_in(text: str) -> str:
    """Mask every VPA-looking substring of free text (for logs)."""
    return _FIND_VPA.sub(lambda match: mask_vpa(match.group(0)), text)
