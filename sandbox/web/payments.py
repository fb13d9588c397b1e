"""The web chat's "Pay with UPI": what the payer's UPI app would do, done in the Setu simulator.

The payment goes through the simulator's own mock endpoint (`POST /api/v1/merchants/pay`,
after a login with its sandbox credentials), so it is checked, faulted and webhooked exactly
like a payment made with curl. The call stays in-process (httpx's ASGI transport into the
simulator's app) so it does not depend on where the app listens or how the browser reached it.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from sandbox.setu import SetuSimulator
from sandbox.web.upi import UpiLink, rupees

PAYER_BANK = "okhdfc"  # a payer's UPI handle, as the walkthrough shows it (alice@okhdfc)
SETU = "http://setu.sandbox"  # only a name: requests never leave the process


class PayError(Exception):
    """A payment the page cannot make; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Payer:
    vpa: str
    name: str


@dataclass(frozen=True)
class Paid:
    ref_id: str
    amount_paise: int
    payer_vpa: str

    @property
    def message(self) -> str:
        return f"Paid {rupees(self.amount_paise)} from {self.payer_vpa}"


class SetuPayer:
    """Pays intent links in one Setu simulator."""

    def __init__(self, setu: SetuSimulator) -> None:
        self._setu = setu
        self._app = setu.app()  # the simulator's own routes over its engine, not a copy

    async def pay(self, link: UpiLink, payer: Payer) -> Paid:
        """Pay `link` from `payer`. Raises PayError: 404 for an unknown refId, 409 when it is
        already paid or closed, 400 when Setu refuses, 502 when a fault switch fails it."""
        amount = self._payable_amount(link)
        body: dict[str, object] = {
            "refId": link.ref_id,
            "payeeVpa": link.payee_vpa,
            "payerVpa": payer.vpa,
            "payerName": payer.name,
        }
        if link.amount_paise is not None:
            body["amount"] = link.amount_paise
        transport = httpx.ASGITransport(app=self._app)
        async with httpx.AsyncClient(transport=transport, base_url=SETU) as http:
            headers = {"Authorization": f"Bearer {await self._token(http)}"}
            headers["merchantId"] = self._setu.config.merchant_id
            answer = await http.post("/api/v1/merchants/pay", json=body, headers=headers)
        _raise_for(answer)
        return Paid(link.ref_id, link.amount_paise or amount, payer.vpa)

    def check(self, link: UpiLink) -> None:
        """Raise PayError, as `pay` would, if `link` cannot be paid now."""
        self._payable_amount(link)

    def _payable_amount(self, link: UpiLink) -> int:
        """The instance's amount; PayError when no instance has the refId or it is done."""
        found = [i for i in self._setu.instances() if i.get("refId") == link.ref_id]
        if not found:
            raise PayError(404, f"The Setu simulator has no payment request {link.ref_id}.")
        status = found[0].get("status")
        if status == "paid":
            raise PayError(409, "This payment request is already paid.")
        if status not in ("active", "inactive") and not self._setu.faults.accept_late_payments:
            raise PayError(409, f"This payment request is {status}: it can no longer be paid.")
        return int(found[0].get("amount") or 0)

    async def _token(self, http: httpx.AsyncClient) -> str:
        config = self._setu.config
        login = {
            "clientID": config.client_id,
            "secret": config.client_secret,
            "grant_type": "client_credentials",
        }
        answer = await http.post("/v1/users/login", json=login, headers={"client": "bridge"})
        _raise_for(answer)
        return str(answer.json()["access_token"])


def _raise_for(answer: httpx.Response) -> None:
    if answer.is_success:
        return
    try:
        detail = str(answer.json().get("detail") or answer.text)
    except ValueError:
        detail = answer.text
    if answer.status_code >= 500 or answer.status_code == 429:
        message = f"The Setu simulator answered {answer.status_code} (a fault switch?): {detail}"
        raise PayError(502, message)
    raise PayError(400, f"The Setu simulator refused the payment: {detail}")


def payer_vpa(handle: str) -> str:
    return f"{handle}@{PAYER_BANK}"
