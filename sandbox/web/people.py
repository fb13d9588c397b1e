"""Who the web chat lets you be: a few simulated Telegram users, one chat column each."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SandboxPerson:
    """A simulated Telegram user shown as a chat column. `role_hint` ("payer", "payee",
    "support") is only a label that helps a newcomer follow the walkthrough."""

    user_id: int
    first_name: str
    username: str
    role_hint: str = ""

    @property
    def slug(self) -> str:
        """The lower-case first name: the column's `data-person` hook for browser tests."""
        return self.first_name.strip().lower()


DEFAULT_PEOPLE: list[SandboxPerson] = [
    SandboxPerson(1001, "Alice", "alice", "payer"),
    SandboxPerson(2002, "Bob", "bob", "payee"),
    SandboxPerson(9009, "Support", "support", "support"),
]


@dataclass(frozen=True)
class Column:
    person: SandboxPerson
    slug: str


def columns(people: Sequence[SandboxPerson], users: Iterable[dict[str, Any]]) -> list[Column]:
    """The configured people, then anyone else who already chats with the bot in the sandbox
    (someone added on the page earlier, or a curl user), each with a unique `data-person`."""
    listed = [Column(person, person.slug) for person in people]
    known = {person.user_id for person in people}
    for user in users:
        if user["id"] not in known:
            person = SandboxPerson(user["id"], user["first_name"], user.get("username") or "")
            listed.append(Column(person, person.slug))
    taken: set[str] = set()
    unique = []
    for column in listed:
        slug = column.slug if column.slug not in taken else f"{column.slug}-{column.person.user_id}"
        taken.add(slug)
        unique.append(Column(column.person, slug))
    return unique


def check(people: Sequence[SandboxPerson]) -> None:
    """Refuse a people list the page could not tell apart (raises ValueError)."""
    ids = [person.user_id for person in people]
    if len(set(ids)) != len(ids) or any(user_id <= 0 for user_id in ids):
        raise ValueError("sandbox people need distinct positive user ids")
    slugs = [person.slug for person in people]
    if len(set(slugs)) != len(slugs) or not all(slugs):
        raise ValueError("sandbox people need distinct, non-empty first names")


def handle(person: SandboxPerson | None, user_id: int) -> str:
    """A name for the person's simulated UPI id: their username, else `user<id>`."""
    if person is not None and person.username:
        return re.sub(r"[^a-z0-9.]", "", person.username.lower()) or f"user{user_id}"
    return f"user{user_id}"
