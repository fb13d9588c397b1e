"""Everything the simulator knows, in memory (one process), with look-ups that 404."""

from __future__ import annotations

from datetime import datetime

from sandbox.setu.errors import NotFoundError
from sandbox.setu.models import (
    Instance,
    InstanceKind,
    Payment,
    Refund,
    Verification,
    VpaOutcome,
)

EXPIRED = {"code": "expired", "desc": "product instance expired"}


class Store:
    def __init__(self) -> None:
        self.instances: dict[str, Instance] = {}
        self.instances_by_ref: dict[str, Instance] = {}
        self.payments: dict[str, Payment] = {}
        self.payments_by_txn: dict[str, Payment] = {}
        self.refunds: dict[str, Refund] = {}
        self.verifications: dict[str, Verification] = {}
        self.vpa_outcomes: dict[str, VpaOutcome] = {}  # presets, by lower-case VPA

    def add_instance(self, instance: Instance) -> None:
        self.instances[instance.id] = instance
        self.instances_by_ref[instance.ref_id] = instance

    def add_payment(self, payment: Payment) -> None:
        self.payments[payment.id] = payment
        self.payments_by_txn[payment.txn_id] = payment
        payment.instance.payment_ids.append(payment.id)

    def instance(
        self, instance_id: str, now: datetime, kind: InstanceKind | None = None
    ) -> Instance:
        """The collect or DQR with this id (closed first if its time is up)."""
        instance = self.instances.get(instance_id)
        if instance is None or kind not in (None, instance.kind):
            raise NotFoundError(f"{kind or 'product instance'} {instance_id} not found")
        return _expire_if_due(instance, now)

    def payable(self, ref: str, now: datetime) -> Instance:
        """The instance a mock payment names, by its id or by its NPCI refId."""
        instance = self.instances.get(ref) or self.instances_by_ref.get(ref)
        if instance is None:
            raise NotFoundError(f"product instance {ref} not found")
        return _expire_if_due(instance, now)

    def payment(self, payment_id: str) -> Payment:
        if payment_id not in self.payments:
            raise NotFoundError(f"payment {payment_id} not found")
        return self.payments[payment_id]

    def payment_by_txn(self, txn_id: str) -> Payment:
        if txn_id not in self.payments_by_txn:
            raise NotFoundError(f"payment with txnId {txn_id} not found")
        return self.payments_by_txn[txn_id]

    def payments_of(self, instance: Instance) -> list[Payment]:
        """Oldest first."""
        return [self.payments[payment_id] for payment_id in instance.payment_ids]

    def last_payment(self, instance: Instance) -> Payment | None:
        return self.payments[instance.payment_ids[-1]] if instance.payment_ids else None

    def refund(self, refund_id: str) -> Refund:
        if refund_id not in self.refunds:
            raise NotFoundError(f"refund {refund_id} not found")
        return self.refunds[refund_id]

    def refunds_of(self, payment: Payment) -> list[Refund]:
        return [refund for refund in self.refunds.values() if refund.payment is payment]

    def verification(self, verification_id: str) -> Verification:
        if verification_id not in self.verifications:
            raise NotFoundError(f"customer vpa verification {verification_id} not found")
        return self.verifications[verification_id]

    def all_instances(self, now: datetime) -> list[Instance]:
        return [_expire_if_due(instance, now) for instance in self.instances.values()]


def _expire_if_due(instance: Instance, now: datetime) -> Instance:
    deadline = instance.deadline
    if instance.status == "active" and deadline is not None and now >= deadline:
        instance.close(deadline, dict(EXPIRED))
    return instance
