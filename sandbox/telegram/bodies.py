"""Request bodies of the chat control API and the fault panel."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sandbox.telegram.errors import BadRequestError
from sandbox.telegram.routing import describe


class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class SendBody(Body):
    text: str
    first_name: str | None = Field(default=None, min_length=1, max_length=64)
    username: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_]{4,32}$")
    language_code: str | None = Field(default=None, min_length=2, max_length=35)
    reply_to_message_id: int | None = None


class ClickBody(Body):
    message_id: int
    callback_data: str


class BlockBody(Body):
    blocked: bool = True


class FaultsBody(Body):
    """Any subset of the Faults fields; unknown names are refused."""

    fail_next: int | None = Field(default=None, ge=0)
    rate_limit_next: int | None = Field(default=None, ge=0)
    retry_after_seconds: int | None = Field(default=None, ge=1)
    timeout_next: int | None = Field(default=None, ge=0)
    timeout_seconds: float | None = Field(default=None, ge=0)
    only_method: str | None = None
    down: bool | None = None


B = TypeVar("B", bound=BaseModel)


def parse(model: type[B], raw: bytes) -> B:
    """The body as `model`, or 400 saying what is wrong with it."""
    try:
        return model.model_validate_json(raw or b"null")
    except ValidationError as exc:
        raise BadRequestError(describe(exc.errors(include_url=False))) from exc
