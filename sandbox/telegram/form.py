"""Reading a request's parameters: query string, then a JSON, urlencoded or multipart body.

Multipart is read here with the standard library rather than through Starlette's form parser,
which needs the python-multipart package this project does not otherwise depend on.
"""

from __future__ import annotations

import json
from email.message import Message
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from sandbox.telegram.errors import BadRequestError
from sandbox.telegram.params import Params, Upload

MAX_BODY_BYTES = 60 * 1024 * 1024  # a 50 MB document, plus the multipart around it


async def read_params(request: Request) -> Params:
    values: dict[str, Any] = dict(request.query_params)
    uploads: dict[str, Upload] = {}
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise BadRequestError("Request Entity Too Large")
    media_type, options = _header(request.headers.get("content-type", ""))
    if media_type == "application/json" and body:
        values |= _json_object(body)
    elif media_type == "application/x-www-form-urlencoded":
        values |= dict(parse_qsl(body.decode(errors="replace"), keep_blank_values=True))
    elif media_type == "multipart/form-data":
        fields, uploads = parse_multipart(body, options.get("boundary", ""))
        values |= fields
    return Params(values, uploads)


def parse_multipart(body: bytes, boundary: str) -> tuple[dict[str, str], dict[str, Upload]]:
    """Plain fields and file parts (those with a filename) of a multipart/form-data body."""
    if not boundary:
        raise BadRequestError("multipart body without a boundary")
    fields: dict[str, str] = {}
    uploads: dict[str, Upload] = {}
    for chunk in body.split(b"--" + boundary.encode())[1:]:
        if chunk.startswith(b"--"):
            break
        head, separator, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator:
            raise BadRequestError("malformed multipart body")
        headers = _part_headers(head)
        name = headers.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        content = content.removesuffix(b"\r\n")
        filename = headers.get_filename()
        if filename is None:
            fields[name] = content.decode(errors="replace")
        else:
            kind = headers.get_content_type() if "content-type" in headers else None
            uploads[name] = Upload(content, filename, kind or "application/octet-stream")
    return fields, uploads


def _part_headers(head: bytes) -> Message:
    headers = Message()
    for line in head.decode(errors="replace").split("\r\n"):
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip()] = value.strip()
    return headers


def _header(value: str) -> tuple[str, dict[str, str]]:
    parsed = Message()
    parsed["content-type"] = value or "application/octet-stream"
    options = {key.lower(): val for key, val in parsed.get_params(failobj=[])[1:]}
    return parsed.get_content_type(), options


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except ValueError:
        raise BadRequestError("can't parse JSON encoded request body") from None
    if not isinstance(parsed, dict):
        raise BadRequestError("JSON encoded request body must be an object")
    return parsed
