"""Checking the payee's UPI id with the gateway before anyone pays.

`payee_vpa_status` moves unchecked -> pending -> valid | invalid | failed (the gateway could not
tell). Both parties are shown the masked id and the name the bank holds for it once it is
settled; the payment request waits for the check (`ready_for_payment`), except that a check the
gateway cannot finish within VPA_CHECK_TIMEOUT goes ahead unverified ("failed") rather than
block the payment. A new id given later (core.escrow.payee_upi) is checked the same way.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from enum import StrEnum

from core import audit
from core.db.models import Escrow
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.errors import GatewayError, GatewayRejectedError
from core.escrow.money_states import LIVE
from core.escrow.notices import notify_parties
from core.escrow.ports import VpaCheck
from core.logs import get_logger
from core.payments.vpa import mask_vpa

log = get_logger("trustpay.payee_upi")
VPA_CHECK_TIMEOUT = timedelta(minutes=2)
POLL_EVERY = timedelta(seconds=15)


class UpiStatus(StrEnum):
    UNCHECKED = "unchecked"
    PENDING = "pending"
    VALID = "valid"
    INVALID = "invalid"
    FAILED = "failed"  # the gateway could not tell: we go ahead, unverified


SETTLED = frozenset({UpiStatus.VALID, UpiStatus.INVALID, UpiStatus.FAILED})
GO_AHEAD = frozenset({UpiStatus.VALID, UpiStatus.FAILED})


async def ready_for_payment(escrow_id: int, intent_id: int, deps: Deps) -> bool:
    """True once the payee's UPI id is checked well enough to ask the payer to pay; else the
    payment request (`intent_id`) is put off until the check settles."""
    status = await check(escrow_id, deps)
    if status in GO_AHEAD:
        return True
    now = deps.clock.now()
    async with deps.uow() as uow:
        intent = await uow.intents.get(intent_id)
        escrow = await uow.escrows.get(escrow_id)
        if intent is not None and escrow is not None and intent.status in LIVE:
            wait = POLL_EVERY if status is UpiStatus.PENDING else timedelta(hours=1)
            intent.next_attempt_at, intent.updated_at = now + wait, now
            await uow.commit()
    return False


async def check(escrow_id: int, deps: Deps) -> UpiStatus:
    """Ask the gateway about the payee's UPI id unless it is settled; the status now."""
    async with deps.uow() as uow:
        escrow = await uow.escrows.get(escrow_id)
        assert escrow is not None
        vpa, status, check_id = (
            escrow.payee_vpa,
            UpiStatus(escrow.payee_vpa_status),
            escrow.payee_vpa_check_id,
        )
        started = escrow.updated_at
    if vpa is None or status in SETTLED:
        return status if vpa else UpiStatus.VALID
    try:
        async with asyncio.timeout(deps.policy.call_deadline.total_seconds()):
            if check_id:
                found = await deps.gateway.vpa_check(check_id)
            else:
                found = await deps.gateway.verify_vpa(vpa, f"tpv{escrow_id}")
    except GatewayRejectedError as exc:
        found = VpaCheck(check_id or "", UpiStatus.FAILED, None)
        log.warning("payee_upi.check_refused", error=exc.detail[:200])
    except (GatewayError, TimeoutError):
        found = VpaCheck(check_id or "", status, None)
    if found.status not in SETTLED and deps.clock.now() - started >= VPA_CHECK_TIMEOUT:
        found = VpaCheck(found.check_id, UpiStatus.FAILED, None)  # do not block the payment
    return await _record(escrow_id, vpa, found, deps)


async def _record(escrow_id: int, vpa: str, found: VpaCheck, deps: Deps) -> UpiStatus:
    now = deps.clock.now()
    new = UpiStatus(found.status) if found.status in set(UpiStatus) else UpiStatus.FAILED
    async with deps.uow() as uow:
        escrow = await uow.escrows.get(escrow_id, lock=True)
        assert escrow is not None
        if escrow.payee_vpa != vpa or escrow.payee_vpa_status in SETTLED:
            return UpiStatus(escrow.payee_vpa_status)  # changed meanwhile, or already told
        escrow.payee_vpa_check_id = found.check_id or escrow.payee_vpa_check_id
        escrow.payee_vpa_status = new
        escrow.payee_vpa_name = (found.name or "").strip()[:128] or None
        if new in SETTLED:
            await _announce(uow, escrow, new, now)
        await uow.commit()
    return new


async def _announce(uow: UnitOfWork, escrow: Escrow, status: UpiStatus, now: datetime) -> None:
    masked = mask_vpa(escrow.payee_vpa or "")
    await audit.append(
        uow.session,
        event_type="payee_upi.checked",
        status=status,
        now=now,
        escrow_id=escrow.id,
        payload={"upi_id": masked, "named": bool(escrow.payee_vpa_name)},
    )
    kind = {
        UpiStatus.VALID: "payee_upi_verified",
        UpiStatus.INVALID: "payee_upi_invalid",
        UpiStatus.FAILED: "payee_upi_unverified",
    }[status]
    await notify_parties(uow, escrow, kind, now, upi_id=masked, payee_name=escrow.payee_vpa_name)
