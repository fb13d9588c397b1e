"""Updates of one chat run one after another; different chats do not wait for each other."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update

from bot.ordering import PerChatOrder


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat, text="hi"))


async def test_one_chat_is_served_in_order_while_another_is_not_held_up() -> None:
    order, log = PerChatOrder(), []
    slow_started, release = asyncio.Event(), asyncio.Event()

    async def slow(name: str) -> None:
        log.append(f"{name} start")
        slow_started.set()
        await release.wait()
        log.append(f"{name} end")

    async def quick(name: str) -> None:
        log.append(name)

    first = asyncio.create_task(order.process_update(_update(1, 10), slow("a1")))
    await slow_started.wait()
    second = asyncio.create_task(order.process_update(_update(2, 10), quick("a2")))
    other = asyncio.create_task(order.process_update(_update(3, 20), quick("b1")))
    await other  # chat 20 finished while chat 10's first update is still running
    await asyncio.sleep(0.01)
    assert log == ["a1 start", "b1"]  # a2 waits for a1
    release.set()
    await asyncio.gather(first, second)
    assert log == ["a1 start", "b1", "a1 end", "a2"]
    assert order._locks == {}  # nothing kept for idle chats


async def test_a_failing_update_does_not_block_the_chat_after_it() -> None:
    order = PerChatOrder()

    async def boom() -> None:
        raise RuntimeError("handler bug")

    async def fine() -> str:
        return "ok"

    failed = asyncio.create_task(order.process_update(_update(1, 10), boom()))
    after = asyncio.create_task(order.process_update(_update(2, 10), fine()))
    results = await asyncio.gather(failed, after, return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    assert results[1] is None
