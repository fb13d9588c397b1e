"""Escrow codes and friendly names.

A code is six characters from an alphabet with no look-alikes (no 0/O, 1/I/L), so it survives
being read aloud or copied from a screenshot: 31**6, about 887 million codes. People may type
it in any case and with spaces or dashes; `normalise_code` undoes that.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from core.errors import InputError

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
_CODE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
_SEPARATORS = str.maketrans("", "", " -_.\u00a0\t\r\n")

ADJECTIVES = (
    "Amber",
    "Azure",
    "Brave",
    "Bright",
    "Calm",
    "Clever",
    "Coral",
    "Crimson",
    "Dapper",
    "Eager",
    "Gentle",
    "Golden",
    "Happy",
    "Honest",
    "Indigo",
    "Jolly",
    "Kind",
    "Lively",
    "Lucky",
    "Mellow",
    "Misty",
    "Noble",
    "Olive",
    "Plucky",
    "Proud",
    "Quick",
    "Quiet",
    "Rosy",
    "Ruby",
    "Saffron",
    "Silver",
    "Sunny",
    "Swift",
    "Teal",
    "Tidy",
    "Velvet",
    "Vivid",
    "Warm",
    "Wise",
    "Zesty",
)
ANIMALS = (
    "Otter",
    "Falcon",
    "Tiger",
    "Peacock",
    "Panda",
    "Dolphin",
    "Heron",
    "Koala",
    "Lynx",
    "Mongoose",
    "Myna",
    "Owl",
    "Parrot",
    "Elephant",
    "Robin",
    "Sparrow",
    "Swan",
    "Turtle",
    "Yak",
    "Zebra",
    "Bison",
    "Camel",
    "Cheetah",
    "Crane",
    "Deer",
    "Eagle",
    "Fox",
    "Gazelle",
    "Hornbill",
    "Ibex",
    "Kingfisher",
    "Langur",
    "Leopard",
    "Macaw",
    "Nilgai",
    "Oriole",
    "Pangolin",
    "Rhino",
    "Stork",
    "Wolf",
)


def new_code() -> str:
    """A fresh random code; uniqueness among active codes is the database's job."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_friendly_name() -> str:
    return f"{secrets.choice(ADJECTIVES)} {secrets.choice(ANIMALS)}"


def normalise_code(text: str) -> str:
    """Upper-case, trim and drop separators; raise InputError("code.invalid") if malformed."""
    raw = unicodedata.normalize("NFKC", text).translate(_SEPARATORS)
    code = raw.upper() if raw.isascii() else ""  # "ß".upper() is "SS": not a code character
    if not _CODE.fullmatch(code):
        raise InputError("code.invalid", code=text.strip()[:20])
    return code


def looks_like_code(text: str) -> bool:
    try:
        normalise_code(text)
    except InputError:
        return False
    return True
