"""Webhook signatures accept exactly the correctly signed bodies."""

from __future__ import annotations

import base64
import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from core.payments.signatures import sign, verify

SECRETS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=20, max_size=50)


def test_githubs_known_answer_vector() -> None:
    assert sign(b"Hello, World!", "It's a Secret to Everybody", "hex") == (
        "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )


def test_setu_signs_with_base64_of_the_raw_body() -> None:
    body = b'{"eventId":"1","eventType":"payment.success"}'
    expected = base64.b64encode(hmac.new(b"s" * 20, body, hashlib.sha256).digest()).decode()
    assert sign(body, "s" * 20, "base64") == expected
    assert verify(body, expected, ["s" * 20], "base64")


@given(body=st.binary(max_size=2000), secret=SECRETS, encoding=st.sampled_from(["hex", "base64"]))
def test_a_correctly_signed_body_verifies(body: bytes, secret: str, encoding: str) -> None:
    assert verify(body, sign(body, secret, encoding), [secret], encoding)  # type: ignore[arg-type]


@given(
    body=st.binary(min_size=1, max_size=500),
    secret=SECRETS,
    position=st.integers(min_value=0),
    flip=st.integers(1, 255),
)
def test_one_changed_byte_fails(body: bytes, secret: str, position: int, flip: int) -> None:
    signature = sign(body, secret, "base64")
    changed = bytearray(body)
    changed[position % len(body)] ^= flip
    assert not verify(bytes(changed), signature, [secret], "base64")


@given(body=st.binary(max_size=500), secret=SECRETS, other=SECRETS)
def test_another_secret_fails_and_rotation_accepts_both(
    body: bytes, secret: str, other: str
) -> None:
    signature = sign(body, other, "base64")
    assert verify(body, signature, [secret, other], "base64")  # current and previous
    assert verify(body, signature, [secret], "base64") is (secret == other)


@given(body=st.binary(max_size=200), secret=SECRETS, junk=st.text(max_size=60))
def test_a_missing_empty_or_made_up_signature_fails(body: bytes, secret: str, junk: str) -> None:
    assert not verify(body, None, [secret], "base64")
    assert not verify(body, "", [secret], "base64")
    assert verify(body, junk, [secret], "base64") is (junk.strip() == sign(body, secret, "base64"))


def test_no_configured_secret_verifies_nothing() -> None:
    assert not verify(b"{}", sign(b"{}", "", "base64"), ["", ""], "base64")
