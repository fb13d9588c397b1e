"""The sandbox's memory: users, private chats, files and button clicks."""

from __future__ import annotations

from sandbox.telegram.errors import BadRequestError, ForbiddenError
from sandbox.telegram.models import CallbackQuery, Message, StoredFile, User


class Store:
    def __init__(self) -> None:
        self.users: dict[int, User] = {}
        self.chats: dict[int, dict[int, Message]] = {}
        self.files: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackQuery] = {}
        # Survives clear(): a bot may still hold ids from before, and must not see them reused.
        self._last_message_id: dict[int, int] = {}

    def clear(self) -> None:
        for table in (self.users, self.chats, self.files, self.callbacks):
            table.clear()

    def meet(
        self,
        user_id: int,
        first_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> User:
        """The user, created on first contact; given names replace the remembered ones."""
        user = self.users.setdefault(user_id, User(user_id, first_name or f"User {user_id}"))
        user.first_name = first_name or user.first_name
        user.username = username or user.username
        user.language_code = language_code or user.language_code
        self.chats.setdefault(user_id, {})
        return user

    def known(self, chat_id: int) -> User:
        """A user who has written to the bot; anyone else is a chat the bot cannot see."""
        user = self.users.get(chat_id)
        if user is None:
            raise BadRequestError("chat not found")
        return user

    def recipient(self, chat_id: int) -> User:
        """The user the bot may write to, or 403 as Telegram answers."""
        user = self.users.get(chat_id)
        if user is None:
            if chat_id > 0:
                raise ForbiddenError("bot can't initiate conversation with a user")
            raise BadRequestError("chat not found")
        if user.blocked:
            raise ForbiddenError("bot was blocked by the user")
        return user

    def next_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def add(self, message: Message) -> Message:
        self.chats.setdefault(message.chat_id, {})[message.message_id] = message
        return message

    def message(self, chat_id: int, message_id: int) -> Message | None:
        return self.chats.get(chat_id, {}).get(message_id)

    def remove(self, chat_id: int, message_id: int) -> None:
        self.chats.get(chat_id, {}).pop(message_id, None)

    def history(self, chat_id: int) -> list[Message]:
        return sorted(self.chats.get(chat_id, {}).values(), key=lambda m: m.message_id)

    def add_file(self, stored: StoredFile) -> StoredFile:
        self.files[stored.file_id] = stored
        return stored

    def file_at(self, file_path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == file_path), None)
