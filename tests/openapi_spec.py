"""Setu's UMAP OpenAPI spec as a test oracle for requests and responses.

`validate_request` and `validate_response` find the operation whose path template matches a
concrete path (`/api/v1/merchants/dqr/01AB…/expire` matches `/api/v1/merchants/dqr/{id}/expire`;
a full URL or a mount prefix such as `/sandbox/setu` before `/api/` is fine), then check the body
with JSON Schema (draft 4, which OpenAPI 3.0's schema objects extend; `nullable` is translated,
`format: date-time` is checked as RFC 3339). Any mismatch, including a path, method or status
the spec does not declare, raises AssertionError saying what and where.

One deliberate strictness: objects are closed. The spec never sets `additionalProperties`, so
Setu would silently ignore a misspelt field; here an undeclared field is an error, which catches
typos on both sides of the wire.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker

SPEC_PATH = Path(__file__).resolve().parent / "fixtures/setu/umap.openapi.json"  # see SOURCE.md
assert SPEC_PATH.exists(), f"Setu's OpenAPI spec is missing: {SPEC_PATH}"

Schema = dict[str, Any]
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str) or not _RFC3339.match(value):
        return not isinstance(value, str)  # formats only constrain strings
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@FORMATS.checks("int32")
def _is_int32(value: object) -> bool:
    return not isinstance(value, int) or -(2**31) <= value < 2**31


@FORMATS.checks("int64")
def _is_int64(value: object) -> bool:
    return not isinstance(value, int) or -(2**63) <= value < 2**63


REFUND_SCHEMAS = ("CreateRequestBody8", "CreateRefundResponse", "GetRefundbyIDResponse")
VPA_CHECK_SCHEMAS = ("VerifyCustomerVpaResponse", "FetchCustomerVpaByIDResponse")


def _apply_errata(spec: Schema) -> None:
    """Known mistakes and gaps in Setu's spec, corrected here and nowhere else.

    1. `metadata` on collect requests and responses (and on SQR/TPV schemas) is declared
       `type: string, format: binary`, but Setu's own examples, and the wire, carry a JSON
       object of strings (`{"InvoiceNumber": "INV-21-12-009"}`), as DQR and payment metadata
       are declared.
    2. Refunds: the spec names the merchant's reference `referenceId`, but Setu's create-refund
       docs page (https://docs.setu.co/payments/umap/refunds-disputes/create-refund-api) sends
       and echoes `merchantReferenceId` and `currency`. Both are allowed (optional strings) on
       the request body (CreateRequestBody8), the created or fetched refund
       (CreateRefundResponse) and the refunds listed by payment (GetRefundbyIDResponse, the
       items of GetRefundsByPaymentTxnIDResponse).
    3. Customer VPA checks: Setu's verify-customer-VPA docs page
       (https://docs.setu.co/payments/umap/payments/collect/verify-customer-vpa-api) returns the
       account holder's `customerName` (optional); the spec has no such field. It is allowed
       (optional string) on VerifyCustomerVpaResponse and FetchCustomerVpaByIDResponse.
    """
    schemas = spec["components"]["schemas"]
    for schema in schemas.values():
        metadata = schema.get("properties", {}).get("metadata")
        if metadata and metadata.get("type") == "string" and metadata.get("format") == "binary":
            metadata.pop("format")
            metadata |= {"type": "object", "additionalProperties": {"type": "string"}}
    for name in REFUND_SCHEMAS:
        _add_properties(schemas[name], "merchantReferenceId", "currency")
    for name in VPA_CHECK_SCHEMAS:
        _add_properties(schemas[name], "customerName")


def _add_properties(schema: Schema, *names: str) -> None:
    """Declare optional string properties the spec leaves out (see `_apply_errata`)."""
    properties = schema["properties"]
    for name in names:
        assert name not in properties, f"erratum no longer needed: the spec now has {name}"
        properties[name] = {"type": "string"}


def _to_json_schema(node: object) -> None:
    """OpenAPI 3.0 to JSON Schema, in place: `nullable`, and closed objects (see above)."""
    if isinstance(node, list):
        for item in node:
            _to_json_schema(item)
        return
    if not isinstance(node, dict):
        return
    if node.pop("nullable", False) is True and "type" in node:
        node["type"] = [node["type"], "null"]
        if "enum" in node:
            node["enum"] = [*node["enum"], None]
    if node.get("type") == "object" and isinstance(node.get("properties"), dict):
        node.setdefault("additionalProperties", False)
    for key, value in node.items():
        if key not in ("example", "examples"):
            _to_json_schema(value)


@cache
def spec() -> Schema:
    """The spec, loaded once, errata applied, schemas in JSON Schema terms."""
    loaded: Schema = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    _apply_errata(loaded)
    _to_json_schema(loaded["components"])
    for operations in loaded["paths"].values():
        _to_json_schema(operations)
    for schema in loaded["components"]["schemas"].values():
        Draft4Validator.check_schema(schema)
    return loaded


def _api_path(path: str) -> str:
    concrete = urlsplit(path).path
    start = concrete.find("/api/")
    assert start >= 0, f"{path!r} is not a Setu API path (no /api/ in it)"
    return concrete[start:].rstrip("/")


def _matches(template: str, concrete: str) -> bool:
    want, have = template.split("/"), concrete.split("/")
    if len(want) != len(have):
        return False
    return all(
        (w.startswith("{") and w.endswith("}") and h != "") or w == h
        for w, h in zip(want, have, strict=True)
    )


def operation(method: str, path: str) -> tuple[str, Schema]:
    """The spec's path template and operation object for a concrete request."""
    concrete = _api_path(path)
    templates = [t for t in spec()["paths"] if _matches(t, concrete)]
    assert templates, f"{method} {concrete}: no path in Setu's spec matches"
    with_method = [t for t in templates if method.lower() in spec()["paths"][t]]
    assert with_method, f"{method} {concrete}: the spec has {templates} but not this method"
    template = max(with_method, key=lambda t: sum(not s.startswith("{") for s in t.split("/")))
    return template, spec()["paths"][template][method.lower()]


def _check(schema: Schema, instance: object, what: str) -> None:
    validator = Draft4Validator(
        {**schema, "components": spec()["components"]}, format_checker=FORMATS
    )
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    problems = [f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]
    assert not problems, f"{what} breaks Setu's spec:\n" + "\n".join(problems)


def validate_request(method: str, path: str, body: object) -> None:
    """Check a request body (None for no body) against the operation's requestBody."""
    template, op = operation(method, path)
    declared = op.get("requestBody")
    if declared is None:
        assert body is None, f"{method} {template} takes no body, got {body!r}"
        return
    if body is None:
        assert not declared.get("required"), f"{method} {template} requires a body"
        return
    schema = declared["content"]["application/json"]["schema"]
    _check(schema, body, f"request body of {method} {template}")


def validate_response(
    method: str,
    path: str,
    status: int,
    body: object,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Check a response's status and body (None or "" for none), and headers when given."""
    template, op = operation(method, path)
    responses = op["responses"]
    declared = responses.get(str(status)) or responses.get("default")
    assert declared, f"{method} {template}: status {status} not in the spec ({list(responses)})"
    content = declared.get("content")
    what = f"{status} response of {method} {template}"
    if not content:
        assert body in (None, b"", ""), f"{what} has no body in the spec, got {body!r}"
    else:
        assert body not in (None, b"", ""), f"{what} should have a JSON body"
        _check(content["application/json"]["schema"], body, what)
    if headers is not None:
        present = {name.lower() for name in headers}
        missing = [name for name in declared.get("headers", {}) if name.lower() not in present]
        assert not missing, f"{what} lacks the headers {missing}"


def validate_component(name: str, instance: object) -> None:
    """Check a value against `#/components/schemas/<name>` (e.g. an error body on a status the
    spec leaves undeclared for that operation)."""
    assert name in spec()["components"]["schemas"], f"no schema {name} in Setu's spec"
    _check({"$ref": f"#/components/schemas/{name}"}, instance, name)
