"""Files the bot or a user sends: uploads, file_ids already known, and URLs Telegram fetches.

A photo must be an image Pillow can read (Telegram answers IMAGE_PROCESS_FAILED otherwise).
Unlike Telegram, the sandbox keeps a photo's original bytes as one size, not re-encoded.
"""

from __future__ import annotations

import io
import mimetypes
import secrets

import httpx
from PIL import Image, UnidentifiedImageError

from sandbox.telegram.errors import BadRequestError
from sandbox.telegram.models import StoredFile
from sandbox.telegram.params import Upload
from sandbox.telegram.store import Store

PHOTO_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_MAX_BYTES = 50 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 10.0
PREFIXES = {"photo": "AgACAgIAAxkBAAI", "document": "BQACAgIAAxkBAAI"}  # Telegram's look
DEFAULT_DOCUMENT_NAME = "document"


class Media:
    def __init__(self, store: Store, http: httpx.AsyncClient) -> None:
        self._store = store
        self._http = http

    async def photo(self, given: Upload | str | None) -> StoredFile:
        if isinstance(given, str) and not _is_url(given):
            return self._known(given, "photo")
        upload = await self._content(given, "photo")
        return self.store_photo(upload.content)

    async def document(self, given: Upload | str | None) -> StoredFile:
        if isinstance(given, str) and not _is_url(given):
            return self._known(given, "document")
        upload = await self._content(given, "document")
        if len(upload.content) > DOCUMENT_MAX_BYTES:
            raise BadRequestError("file is too big")
        name = upload.file_name or DEFAULT_DOCUMENT_NAME
        guessed = mimetypes.guess_type(name, strict=False)[0]
        return self._keep("document", upload.content, guessed or upload.content_type, name)

    def store_photo(self, content: bytes) -> StoredFile:
        if len(content) > PHOTO_MAX_BYTES:
            raise BadRequestError("PHOTO_INVALID_DIMENSIONS")
        try:
            with Image.open(io.BytesIO(content)) as image:
                (width, height), kind = image.size, Image.MIME.get(image.format or "", "")
        except (UnidentifiedImageError, OSError):
            raise BadRequestError("IMAGE_PROCESS_FAILED") from None
        stored = self._keep("photo", content, kind or "image/jpeg", None)
        stored.width, stored.height = width, height
        return stored

    def _keep(self, kind: str, content: bytes, mime_type: str, name: str | None) -> StoredFile:
        file_id = PREFIXES[kind] + secrets.token_urlsafe(33)
        unique = "AQAD" + secrets.token_urlsafe(9)
        return self._store.add_file(StoredFile(file_id, unique, kind, content, mime_type, name))

    def _known(self, file_id: str, kind: str) -> StoredFile:
        stored = self._store.files.get(file_id)
        if stored is None:
            raise BadRequestError("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise BadRequestError("type of file mismatch")
        return stored

    async def _content(self, given: Upload | str | None, name: str) -> Upload:
        if given is None or given == "":
            raise BadRequestError(f"there is no {name} in the request")
        if isinstance(given, Upload):
            return given
        try:
            response = await self._http.get(given, timeout=FETCH_TIMEOUT_SECONDS)
        except (httpx.HTTPError, httpx.InvalidURL):
            raise BadRequestError("failed to get HTTP URL content") from None
        if not response.is_success:
            raise BadRequestError("wrong file identifier/HTTP URL specified")
        file_name = given.rsplit("/", 1)[-1].split("?", 1)[0] or None
        kind = response.headers.get("content-type", "application/octet-stream")
        return Upload(response.content, file_name, kind.split(";")[0])


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))
