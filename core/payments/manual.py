"""The manual payout rail: support pays the payee by hand and records the UTR.

Sending a payout only puts it in support's queue (it stays "processing"); nothing is paid
until an admin records the bank reference with `record_manual_payout`, after which the escrow
completes with the same ledger postings as any other rail.
"""

from __future__ import annotations

from core.escrow.ports import TransferRequest, TransferState, TransferStatus

PROVIDER = "manual"


class ManualRail:
    name = PROVIDER
    idempotent_sends = True  # a send only asks support to pay; it moves no money itself

    async def send_payout(self, request: TransferRequest) -> TransferStatus:
        return _waiting(request)

    async def find_payout(self, request: TransferRequest) -> TransferStatus | None:
        return _waiting(request)  # nothing is ever sent anywhere: it waits for support's UTR


def _waiting(request: TransferRequest) -> TransferStatus:
    return TransferStatus(
        TransferState.PROCESSING, provider_ref=f"manual-{request.intent_id}", needs_support=True
    )
