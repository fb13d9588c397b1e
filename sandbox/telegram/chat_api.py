"""The chat control API: act as Telegram users and read their chats with the bot.

This is the sandbox's own API (DESIGN.md section 6), used by the web chat and by tests.
Errors have the Bot API's shape. Photo and document URLs are paths under wherever the
sandbox is mounted, so a browser on the same origin can load them.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.telegram import incoming
from sandbox.telegram.bodies import BlockBody, ClickBody, SendBody, parse
from sandbox.telegram.control_views import callback_entry, chat_entry, user_entry
from sandbox.telegram.engine import Engine
from sandbox.telegram.errors import BadRequestError, NotFoundError
from sandbox.telegram.form import read_params
from sandbox.telegram.incoming import Typed
from sandbox.telegram.models import Json, Message
from sandbox.telegram.params import Upload
from sandbox.telegram.profile import DEFAULT_SCOPE
from sandbox.telegram.routing import SandboxRoute
from sandbox.telegram.views import me

MAX_EVENT_WAIT_SECONDS = 25.0


def files_path(request: Request) -> str:
    """`<mount>/api/files`, the mount read off this request's own path."""
    path = request.url.path
    return f"{path[: path.rindex('/api/')]}/api/files"


def chat_router(engine: Engine) -> APIRouter:
    router = APIRouter(prefix="/api", route_class=SandboxRoute, tags=["telegram sandbox"])
    _users(router, engine)
    _actions(router, engine)
    _reads(router, engine)
    _live(router, engine)
    return router


def _users(router: APIRouter, engine: Engine) -> None:
    @router.get("/users")
    async def users() -> Response:
        return JSONResponse(user_list(engine))

    @router.post("/users/{user_id}/block")
    async def block(user_id: int, request: Request) -> Response:
        incoming.block(engine, user_id, parse(BlockBody, await request.body()).blocked)
        return JSONResponse(user_list(engine))


def _actions(router: APIRouter, engine: Engine) -> None:
    @router.post("/users/{user_id}/send")
    async def send(user_id: int, request: Request) -> Response:
        body = parse(SendBody, await request.body())
        typed = Typed(user_id, **body.model_dump())
        return _stored(request, incoming.user_sends(engine, typed))

    @router.post("/users/{user_id}/photo")
    async def photo(user_id: int, request: Request) -> Response:
        params = await read_params(request)
        upload = params.input_file("photo")
        if not isinstance(upload, Upload):
            raise BadRequestError("there is no photo in the request")
        typed = Typed(
            user_id,
            params.text("caption") or "",
            first_name=params.text("first_name"),
            username=params.text("username"),
            language_code=params.text("language_code"),
            photo=upload.content,
        )
        return _stored(request, incoming.user_sends(engine, typed))

    @router.post("/users/{user_id}/click")
    async def click(user_id: int, request: Request) -> Response:
        body = parse(ClickBody, await request.body())
        query = incoming.user_clicks(engine, user_id, body.message_id, body.callback_data)
        return JSONResponse({"callback_query_id": query.id})


def _reads(router: APIRouter, engine: Engine) -> None:
    @router.get("/users/{user_id}/messages")
    async def messages(user_id: int, request: Request) -> Response:
        files = files_path(request)
        return JSONResponse([chat_entry(m, files) for m in engine.store.history(user_id)])

    @router.get("/callbacks/{callback_query_id}")
    async def callback(callback_query_id: str) -> Response:
        query = engine.store.callbacks.get(callback_query_id)
        if query is None:
            raise NotFoundError("no such callback query")
        return JSONResponse(callback_entry(query))

    @router.get("/files/{file_id}")
    async def file(file_id: str) -> Response:
        stored = engine.store.files.get(file_id)
        if stored is None:
            raise NotFoundError("no such file")
        disposition = f'inline; filename="{stored.file_path.rsplit("/", 1)[-1]}"'
        headers = {"Content-Disposition": disposition, "Cache-Control": "max-age=3600"}
        return Response(stored.content, media_type=stored.mime_type, headers=headers)


def _live(router: APIRouter, engine: Engine) -> None:
    @router.get("/events")
    async def events(after: int = 0, wait: float = MAX_EVENT_WAIT_SECONDS) -> Response:
        seconds = min(max(wait, 0.0), MAX_EVENT_WAIT_SECONDS)
        found = await engine.events.wait(after, seconds)
        return JSONResponse({"events": found, "last": engine.events.last})

    @router.get("/bot")
    async def bot() -> Response:
        commands = engine.profile.commands.get(DEFAULT_SCOPE, [])
        return JSONResponse(
            {
                "bot": me(engine.config),
                "commands": commands,
                "menu_button": engine.profile.menu_buttons.get(None, {"type": "default"}),
                "webhook": engine.webhook.info(),
            }
        )


def user_list(engine: Engine) -> list[Json]:
    store = engine.store
    return [user_entry(user, len(store.history(user.id))) for user in store.users.values()]


def _stored(request: Request, message: Message) -> Response:
    return JSONResponse(chat_entry(message, files_path(request)))
