"""RazorpayXRail: the PayoutRail port over RazorpayX Payouts, paying a payee's UPI id.

Errors (see core.errors): GatewayAuthError (keys refused), GatewayRejectedError (4xx with
RazorpayX's error object; `retryable` when our balance was short), GatewayUnavailableError
(5xx and 429 after retries), GatewayTimeoutError (no answer to a payout we cannot replay).

Payouts carry `X-Payout-Idempotency`: the same key and the same body never pay twice, so a
payout request is replayable and retried through 5xx and dropped connections. The body is
built deterministically from the intent, so a replay is byte-for-byte the first request.

A payout entity is returned with what identifies it (reference_id, amount, the payee's VPA
when RazorpayX includes the fund account) for core to check against the intent; a payout
debited from another account than ours is marked `foreign` here, as only we know our account.
Payout ids are checked before they go into a URL path.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

import httpx

from core.errors import GatewayRejectedError
from core.escrow.ports import TransferRequest, TransferState, TransferStatus
from core.payments.http import Caller, RetryPolicy, Sleep, json_object

PROVIDER = "razorpayx"
PAGE = 100  # the most RazorpayX lists at once
IN_FLIGHT = frozenset({"pending", "queued", "scheduled", "processing"})
# Failures a fresh attempt to the same UPI id cannot fix (razorpayx-payouts.md §4.3).
PERMANENT = frozenset(
    {
        "beneficiary_vpa_invalid",
        "beneficiary_bank_rejected",
        "transaction_limit_exceeded",
        "bank_account_closed",
        "bank_account_frozen",
        "bank_account_invalid",
        "beneficiary_account_dormant",
        "invalid_beneficiary",
        "beneficiary_account_invalid",
    }
)
# Refusals a later attempt may get past.
RETRYABLE_REJECTIONS = frozenset({"insufficient_funds", "server_error_temporary"})
_NARRATION = re.compile(r"[^A-Za-z0-9 ]")
PAYOUT_ID = re.compile(r"^pout_[A-Za-z0-9]{14}$")


def is_payout_id(value: object) -> bool:
    return isinstance(value, str) and bool(PAYOUT_ID.fullmatch(value))


@dataclass(frozen=True, slots=True)
class RazorpayXConfig:
    base_url: str  # https://api.razorpay.com (we append /v1/...)
    key_id: str
    key_secret: str
    account_number: str
    timeout_seconds: float = 10.0
    max_attempts: int = 3
    backoff_base_seconds: float = 0.5
    backoff_cap_seconds: float = 8.0


class RazorpayXRail:
    name = PROVIDER
    idempotent_sends = True  # X-Payout-Idempotency: the same key never pays twice

    def __init__(
        self,
        config: RazorpayXConfig,
        http: httpx.AsyncClient,
        *,
        sleep: Sleep | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self._http = http
        policy = RetryPolicy(
            config.max_attempts, config.backoff_base_seconds, config.backoff_cap_seconds
        )
        self._caller = Caller(PROVIDER, policy, rng=rng or random.Random())  # noqa: S311
        if sleep is not None:
            self._caller.sleep = sleep

    # --- the port ---
    async def send_payout(self, request: TransferRequest) -> TransferStatus:
        """Composite payout (contact, UPI fund account, payout) under the intent's key."""
        data = await self._call(
            "POST",
            "/v1/payouts",
            body=payout_body(request, self.config.account_number),
            replayable=True,
            headers={"X-Payout-Idempotency": request.idempotency_key},
        )
        return self._status(data)

    async def find_payout(self, request: TransferRequest) -> TransferStatus | None:
        """The payout made for this intent: by id if known, else by our reference_id."""
        if request.provider_ref:
            path = f"/v1/payouts/{_payout_id(request.provider_ref)}"
            return self._status(await self._call("GET", path))
        items = await self.payouts_for(request.reference)
        if len(items) > 1:  # one key, one payout: several would be a provider-side incident
            raise GatewayRejectedError(
                f"{len(items)} payouts share reference {request.reference}",
                provider=PROVIDER,
                code="duplicate_reference",
            )
        return items[0] if items else None

    async def payouts_for(self, reference: str) -> list[TransferStatus]:
        """Every payout RazorpayX holds under one reference_id."""
        params = {"account_number": self.config.account_number, "reference_id": reference}
        listed = await self._call("GET", "/v1/payouts", params=params)
        items = (listed or {}).get("items", [])
        return [self._status(i) for i in items if i.get("reference_id") == reference]

    async def payouts_between(self, start: int, end: int) -> list[TransferStatus]:
        """Every payout created from `start` to `end` (Unix seconds, inclusive), paged."""
        found: list[TransferStatus] = []
        for skip in range(0, 100_000, PAGE):
            params = {
                "account_number": self.config.account_number,
                "from": str(start),
                "to": str(end),
                "count": str(PAGE),
                "skip": str(skip),
            }
            items = ((await self._call("GET", "/v1/payouts", params=params)) or {}).get("items")
            found += [self._status(i) for i in items or [] if isinstance(i, dict)]
            if len(items or []) < PAGE:
                break
        return found

    def _status(self, data: dict[str, Any]) -> TransferStatus:
        return payout_status(data, self.config.account_number)

    # --- the rest of the API we use ---
    async def cancel(self, payout_id: str) -> TransferStatus:
        """Cancel a queued payout (RazorpayX refuses any other status)."""
        return self._status(await self._call("POST", f"/v1/payouts/{_payout_id(payout_id)}/cancel"))

    async def validate_vpa(
        self, vpa: str, reference: str, name: str = "TrustPay payee"
    ) -> dict[str, Any]:
        body = {
            "source_account_number": self.config.account_number,
            "validation_type": "pennydrop",
            "reference_id": reference[:40],
            "fund_account": {
                "account_type": "vpa",
                "vpa": {"address": vpa},
                "contact": {"name": name, "type": "vendor"},
            },
        }
        data: dict[str, Any] = await self._call("POST", "/v1/fund_accounts/validations", body=body)
        return data

    async def validation(self, validation_id: str) -> dict[str, Any]:
        data: dict[str, Any] = await self._call(
            "GET", f"/v1/fund_accounts/validations/{validation_id}"
        )
        return data

    async def _call(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        replayable: bool | None = None,
    ) -> Any:
        async def send() -> httpx.Response:
            return await self._http.request(
                method,
                f"{self.config.base_url.rstrip('/')}{path}",
                json=body,
                params=params,
                headers=headers,
                auth=(self.config.key_id, self.config.key_secret),
                timeout=self.config.timeout_seconds,
            )

        return await self._caller.call(
            send,
            label=f"{method} {path}",
            reject=_rejection,
            replayable=method == "GET" if replayable is None else replayable,
        )


def payout_body(request: TransferRequest, account_number: str) -> dict[str, Any]:
    """The payout request, a pure function of the intent (so a replay is the same body)."""
    return {
        "account_number": account_number,
        "amount": request.amount_paise,
        "currency": "INR",
        "mode": "UPI",
        "purpose": "payout",
        "queue_if_low_balance": True,
        "reference_id": request.reference[:40],
        "narration": _NARRATION.sub("", request.narration)[:30].strip() or "TrustPay",
        "notes": {"intent_id": str(request.intent_id)},
        "fund_account": {
            "account_type": "vpa",
            "vpa": {"address": request.destination},
            "contact": {
                "name": "TrustPay payee",
                "type": "vendor",
                "reference_id": request.reference[:40],
            },
        },
    }


def payout_status(data: dict[str, Any], account_number: str | None = None) -> TransferStatus:
    """A RazorpayX payout entity as a TransferStatus, with what identifies it."""
    status = str(data.get("status", ""))
    common = _identity(data, account_number) | {
        "provider_ref": str(data["id"]) if data.get("id") else None,
        "utr": str(data["utr"]) if data.get("utr") else None,
    }
    if status == "processed":
        return TransferStatus(TransferState.SUCCEEDED, **common)
    if status in IN_FLIGHT:
        return TransferStatus(TransferState.PROCESSING, **common)
    details = data.get("status_details") or {}
    reason = str(details.get("reason") or data.get("failure_reason") or status)
    description = str(details.get("description") or reason)
    return TransferStatus(
        TransferState.FAILED,
        reason=f"{status}: {description}",
        retryable=reason not in PERMANENT and status != "cancelled",
        **common,
    )


def _identity(data: dict[str, Any], account_number: str | None) -> dict[str, Any]:
    amount, fees, tax = data.get("amount"), data.get("fees"), data.get("tax")
    vpa = ((data.get("fund_account") or {}).get("vpa") or {}).get("address")
    debited = data.get("debit_account_number")
    foreign = None
    if account_number and debited and str(debited) != account_number:
        foreign = "it was paid from another RazorpayX account than ours"
    return {
        "reference": str(data["reference_id"]) if data.get("reference_id") else None,
        "amount_paise": amount if isinstance(amount, int) else None,
        "destination": str(vpa) if vpa else None,
        "foreign": foreign,
        "fees_paise": fees if isinstance(fees, int) and fees > 0 else None,
        "tax_paise": tax if isinstance(tax, int) and fees else None,
    }


def _payout_id(value: str) -> str:
    if not is_payout_id(value):
        raise GatewayRejectedError(
            f"not a RazorpayX payout id: {value[:20]!r}",
            provider=PROVIDER,
            code="bad_id",
            status_code=400,
        )
    return value


def _rejection(response: httpx.Response) -> GatewayRejectedError:
    """RazorpayX's {"error": {code, description, reason, field}} as a rejection."""
    error = json_object(response).get("error") or {}
    reason = str(error.get("reason") or error.get("code") or response.status_code)
    description = str(error.get("description") or reason)
    return GatewayRejectedError(
        f"{response.request.method} {response.request.url.path}: {description}",
        provider=PROVIDER,
        code=reason,
        status_code=response.status_code,
        retryable=reason in RETRYABLE_REJECTIONS,
    )
