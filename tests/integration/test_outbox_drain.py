"""The notification outbox drains at Telegram's pace: one message a second per chat, at most
`per_tick` a tick, in order per chat; a 429 pauses everything, a chat that blocked us is given
up on, a crash rendering one message does not stop the others, and nothing is sent twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core.db.models import Notification
from core.escrow.ports import DONE_STEPS, DeliveryError
from core.outbox import enqueue
from core.outbox_drain import MAX_ATTEMPTS, Drain, pending_count
from tests.world import World

SECOND = timedelta(seconds=1)


class Telegram:
    """A notifier that records deliveries and fails as told, per chat."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, int]] = []
        self.fail: dict[int, Exception] = {}

    async def deliver(self, chat_id: int, kind: str, payload: dict[str, Any]) -> None:
        if (error := self.fail.get(chat_id)) is not None:
            raise error
        self.sent.append((chat_id, int(payload["n"])))


async def queue(world: World, chat_id: int, *numbers: int) -> None:
    async with world.deps.uow() as uow:
        for n in numbers:
            now = world.clock.now()
            await enqueue(uow.session, chat_id=chat_id, kind="text", now=now, payload={"n": n})
        await uow.commit()


async def statuses(world: World) -> dict[int, list[str]]:
    async with world.deps.uow() as uow:
        found = await uow.session.scalars(select(Notification).order_by(Notification.id))
        by_chat: dict[int, list[str]] = {}
        for row in found:
            by_chat.setdefault(row.chat_id, []).append(row.status)
        return by_chat


async def test_one_message_a_second_per_chat_in_the_order_written(world: World) -> None:
    telegram = Telegram()
    drain = Drain(telegram)
    await queue(world, 1, 1, 2, 3)
    await queue(world, 2, 1, 2)
    assert await drain.tick(world.deps) == 2  # the first of each chat
    assert await drain.tick(world.deps) == 0  # same second: both chats must wait
    world.clock.advance(SECOND / 2)
    assert await drain.tick(world.deps) == 0
    world.clock.advance(SECOND)
    assert await drain.tick(world.deps) == 2
    world.clock.advance(2 * SECOND)
    assert await drain.tick(world.deps) == 1
    assert [n for chat, n in telegram.sent if chat == 1] == [1, 2, 3]
    assert [n for chat, n in telegram.sent if chat == 2] == [1, 2]
    assert await pending_count(world.deps) == 0


async def test_no_more_than_per_tick_messages_go_out_in_one_tick(world: World) -> None:
    telegram = Telegram()
    drain = Drain(telegram, per_tick=30)
    for chat in range(100, 175):
        await queue(world, chat, 1)
    sent_per_tick = []
    while await pending_count(world.deps):
        sent_per_tick.append(await drain.tick(world.deps))
        world.clock.advance(SECOND)
    assert sent_per_tick == [30, 30, 15]
    assert sorted(chat for chat, _ in telegram.sent) == list(range(100, 175))  # each once


async def test_a_429_pauses_every_chat_for_retry_after_and_loses_nothing(world: World) -> None:
    telegram = Telegram()
    drain = Drain(telegram)
    for chat in (1, 2, 3):
        await queue(world, chat, 1)
    telegram.fail[2] = DeliveryError("Too Many Requests", retry_after=5)
    assert await drain.tick(world.deps) == 1  # chat 1 went; chat 2 hit 429; chat 3 not tried
    del telegram.fail[2]
    world.clock.advance(4 * SECOND)
    assert await drain.tick(world.deps) == 0  # still paused: Telegram would refuse everything
    world.clock.advance(SECOND)
    assert await drain.tick(world.deps) == 2
    assert sorted(telegram.sent) == [(1, 1), (2, 1), (3, 1)]


async def test_telegram_down_is_retried_with_backoff_until_it_answers(world: World) -> None:
    telegram = Telegram()
    drain = Drain(telegram)
    await queue(world, 1, 1, 2)
    telegram.fail[1] = DeliveryError("connection refused")
    assert await drain.tick(world.deps) == 0
    world.clock.advance(SECOND)
    assert await drain.tick(world.deps) == 0  # backing off (2 s after the first failure)
    assert await statuses(world) == {1: ["pending", "pending"]}
    del telegram.fail[1]
    world.clock.advance(2 * SECOND)
    assert await drain.tick(world.deps) == 1
    world.clock.advance(SECOND)
    assert await drain.tick(world.deps) == 1
    assert telegram.sent == [(1, 1), (1, 2)]  # order kept across the outage


async def test_a_chat_that_blocked_the_bot_is_given_up_on_and_others_carry_on(
    world: World,
) -> None:
    telegram = Telegram()
    drain = Drain(telegram)
    await queue(world, 1, 1)
    await queue(world, 2, 1)
    telegram.fail[1] = DeliveryError("Forbidden: bot was blocked by the user", permanent=True)
    assert await drain.tick(world.deps) == 1
    assert await statuses(world) == {1: ["failed"], 2: ["sent"]}


async def test_a_message_that_keeps_failing_is_failed_after_max_attempts(world: World) -> None:
    telegram = Telegram()
    drain = Drain(telegram)
    await queue(world, 1, 1)
    telegram.fail[1] = DeliveryError("timed out")
    for _ in range(MAX_ATTEMPTS + 2):
        await drain.tick(world.deps)
        world.clock.advance(timedelta(minutes=15))
    assert await statuses(world) == {1: ["failed"]}
    assert telegram.sent == []


async def test_a_bug_rendering_one_message_does_not_stop_the_rest(world: World) -> None:
    telegram = Telegram()
    drain = Drain(telegram)
    await queue(world, 1, 1)
    await queue(world, 2, 1)
    telegram.fail[1] = KeyError("name")
    assert await drain.tick(world.deps) == 1
    assert telegram.sent == [(2, 1)]
    assert (await statuses(world))[1] == ["pending"]  # tried again later, not lost


async def test_two_drains_never_send_one_message_twice(world: World) -> None:
    telegram = Telegram()
    first, second = Drain(telegram), Drain(telegram)
    for chat in range(1, 21):
        await queue(world, chat, 1, 2)
    for _ in range(4):
        await first.tick(world.deps)
        await second.tick(world.deps)
        world.clock.advance(SECOND)
    assert sorted(telegram.sent) == sorted((chat, n) for chat in range(1, 21) for n in (1, 2))


async def test_a_retry_resumes_after_the_calls_that_went_through(world: World) -> None:
    calls: list[tuple[int, dict[str, Any]]] = []

    class TwoCalls:
        async def deliver(self, chat_id: int, kind: str, payload: dict[str, Any]) -> None:
            calls.append((chat_id, payload))
            if len(calls) == 1:  # the push went out, then the card edit hit a 429
                raise DeliveryError("Too Many Requests", retry_after=1, done=1)

    drain = Drain(TwoCalls())
    await queue(world, 1, 1)
    assert await drain.tick(world.deps) == 0
    world.clock.advance(2 * SECOND)
    assert await drain.tick(world.deps) == 1
    assert [payload.get(DONE_STEPS, 0) for _, payload in calls] == [0, 1]
