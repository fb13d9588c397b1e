"""SQLAlchemy 2 models: the tables, their invariants as constraints, nothing else.

Money columns are integer paise (`*_paise`), times are UTC (`*_at`). Invariants that the
database can hold are declared here: partial unique indexes make "one hold per escrow",
"one live payout per escrow" and "one open dispute" impossible to break from any code path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.db.types import BigId, PrimaryKey, UTCDateTime
from core.escrow.money_states import (
    LIVE,
    IntentKind,
    IntentStatus,
    PaymentStatus,
    sql_in,
)
from core.escrow.states import State

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Live, or done: at most one of these per escrow and kind (a failed one may be followed).
_LIVE_OR_DONE = (IntentStatus.PENDING, IntentStatus.SUBMITTED, IntentStatus.UNKNOWN)
LIVE_INTENT = f"status IN ({sql_in((*_LIVE_OR_DONE, IntentStatus.SUCCEEDED))})"
assert frozenset(_LIVE_OR_DONE) == LIVE
STATES_SQL = ", ".join(f"'{state.value}'" for state in State)


def _partial(*, where: str) -> dict[str, Any]:
    return {"postgresql_where": text(where), "sqlite_where": text(where)}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), int: BigInteger()}


class User(Base):
    __tablename__ = "users"

    id: Mapped[PrimaryKey]
    telegram_id: Mapped[int] = mapped_column(unique=True)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(5), default="en")
    upi_id: Mapped[str | None] = mapped_column(String(320))
    banned_at: Mapped[datetime | None]
    ban_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Escrow(Base):
    __tablename__ = "escrows"
    __table_args__ = (
        CheckConstraint("amount_paise > 0", "amount_positive"),
        CheckConstraint("fee_paise >= 0 AND fee_paise <= amount_paise", "fee_in_range"),
        CheckConstraint(f"state IN ({STATES_SQL})", "state_known"),
        CheckConstraint("creator_role IN ('payer', 'payee')", "creator_role_known"),
        CheckConstraint(
            "payer_id IS NULL OR payee_id IS NULL OR payer_id <> payee_id", "two_people"
        ),
        Index("uq_escrows_active_code", "code", unique=True, **_partial(where="code_active")),
        Index("ix_escrows_state_due", "state", "payment_due_at"),
    )

    id: Mapped[PrimaryKey]
    code: Mapped[str] = mapped_column(String(6), index=True)
    code_active: Mapped[bool] = mapped_column(Boolean, default=True)
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    amount_paise: Mapped[int]
    fee_paise: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(24), index=True)
    creator_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    creator_role: Mapped[str] = mapped_column(String(5))
    payer_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    payee_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    payee_vpa: Mapped[str | None] = mapped_column(String(320))
    # Setu's check of payee_vpa: unchecked | pending | valid | invalid | failed, and the name
    # the bank holds for it (shown to both parties before anyone pays).
    payee_vpa_status: Mapped[str] = mapped_column(String(10), default="unchecked")
    payee_vpa_name: Mapped[str | None] = mapped_column(String(128))
    payee_vpa_check_id: Mapped[str | None] = mapped_column(String(64), index=True)
    payer_vpa: Mapped[str | None] = mapped_column(String(320))
    payment_ref: Mapped[str] = mapped_column(String(35), unique=True)
    status_token: Mapped[str] = mapped_column(String(64), unique=True)
    setu_collect_id: Mapped[str | None] = mapped_column(String(64), index=True)
    setu_qr_id: Mapped[str | None] = mapped_column(String(64), index=True)
    setu_payment_id: Mapped[str | None] = mapped_column(String(64))
    intent_link: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(String(8))
    payee_share_paise: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    joined_at: Mapped[datetime | None]
    payment_due_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    inspection_ends_at: Mapped[datetime | None]
    payout_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    payment_checked_at: Mapped[datetime | None]  # last time we asked the gateway for a payment
    last_payment_error: Mapped[str | None] = mapped_column(Text)
    payment_retry_count: Mapped[int] = mapped_column(Integer, default=0)
    next_retry_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    def role_of(self, user_id: int) -> str | None:
        """ "payer", "payee" or None for someone who is not a party."""
        if user_id == self.payer_id:
            return "payer"
        if user_id == self.payee_id:
            return "payee"
        return None


class Confirmation(Base):
    """A party's "yes": action "release" (deal done) or "cancel" (asks to call it off)."""

    __tablename__ = "confirmations"
    __table_args__ = (UniqueConstraint("escrow_id", "role", "action"),)

    id: Mapped[PrimaryKey]
    escrow_id: Mapped[int] = mapped_column(BigId, ForeignKey("escrows.id"), index=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(5))
    action: Mapped[str] = mapped_column(String(8), default="release")
    confirmed_at: Mapped[datetime]


class Payment(Base):
    """Money a gateway reported as paid to us (or an attempt that failed), once per payment."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("provider", "gateway_payment_id"),
        CheckConstraint("amount_paise >= 0", "amount_not_negative"),
        CheckConstraint(f"status IN ({sql_in(PaymentStatus)})", "status_known"),
    )

    id: Mapped[PrimaryKey]
    escrow_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("escrows.id"), index=True)
    provider: Mapped[str] = mapped_column(String(16))
    gateway_payment_id: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str] = mapped_column(String(64), index=True)
    amount_paise: Mapped[int]
    payer_vpa_masked: Mapped[str | None] = mapped_column(String(320))
    rrn: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12))  # a PaymentStatus
    failure_reason: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MoneyIntent(Base):
    """One outbound money call (collect, payout, refund, return) under one idempotency key.

    Committed before the call is made. A definite failure ends the intent; a retry is a new
    intent with a new key, so a provider never sees two live payouts for one escrow.
    """

    __tablename__ = "money_intents"
    __table_args__ = (
        CheckConstraint("amount_paise > 0", "amount_positive"),
        CheckConstraint(f"status IN ({sql_in(IntentStatus)})", "status_known"),
        CheckConstraint(f"kind IN ({sql_in(IntentKind)})", "kind_known"),
        Index(
            "uq_money_intents_live_escrow_kind",
            "escrow_id",
            "kind",
            unique=True,
            **_partial(where=f"kind IN ('collect', 'payout', 'refund') AND {LIVE_INTENT}"),
        ),
        Index(
            "uq_money_intents_live_return",
            "payment_id",
            unique=True,
            **_partial(where=f"kind = 'return' AND {LIVE_INTENT}"),
        ),
        Index("ix_money_intents_due", "status", "next_attempt_at"),
    )

    id: Mapped[PrimaryKey]
    escrow_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("escrows.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("payments.id"))
    kind: Mapped[str] = mapped_column(String(8))  # an IntentKind
    attempt: Mapped[int] = mapped_column(Integer, default=1)  # 1 + failed intents before it
    calls: Mapped[int] = mapped_column(Integer, default=0)  # provider calls made under this key
    amount_paise: Mapped[int]
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # an IntentStatus
    provider: Mapped[str] = mapped_column(String(16))
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    utr: Mapped[str | None] = mapped_column(String(64))
    destination: Mapped[str | None] = mapped_column(String(320))
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime]
    leased_until: Mapped[datetime | None]
    last_sent_at: Mapped[datetime | None]  # when the latest send began (see money_states)
    fees_paise: Mapped[int | None]  # what the provider charged us for it (tax included)
    tax_paise: Mapped[int | None]
    alerted_at: Mapped[datetime | None]  # support was told it is stuck or contradicted
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]


class LedgerTransaction(Base):
    """A balanced group of ledger entries; its kind says which money movement it records."""

    __tablename__ = "ledger_transactions"
    __table_args__ = (
        Index(
            "uq_ledger_transactions_escrow_kind",
            "escrow_id",
            "kind",
            unique=True,
            **_partial(where="kind IN ('hold', 'release', 'fee', 'refund')"),
        ),
        Index(
            "uq_ledger_transactions_payment_kind",
            "payment_id",
            "kind",
            unique=True,
            **_partial(where="kind IN ('unmatched', 'returned')"),
        ),
        Index(
            "uq_ledger_transactions_intent_kind",
            "intent_id",
            "kind",
            unique=True,
            **_partial(where="kind IN ('provider_fee', 'fee_returned')"),
        ),
    )

    id: Mapped[PrimaryKey]
    escrow_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("escrows.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("payments.id"))
    intent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("money_intents.id"))
    kind: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime]


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount_paise > 0", "amount_positive"),
        CheckConstraint("side IN ('D', 'C')", "side_known"),
    )

    id: Mapped[PrimaryKey]
    txn_id: Mapped[int] = mapped_column(BigId, ForeignKey("ledger_transactions.id"), index=True)
    account: Mapped[str] = mapped_column(String(32))
    side: Mapped[str] = mapped_column(String(1))
    amount_paise: Mapped[int]


class PaymentLog(Base):
    """The audit trail: append-only, each row hashed together with the previous row's hash."""

    __tablename__ = "payment_log"

    id: Mapped[PrimaryKey]
    escrow_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    event_type: Mapped[str] = mapped_column(String(48))
    status: Mapped[str] = mapped_column(String(24))
    gateway_ref: Mapped[str | None] = mapped_column(String(64))
    amount_paise: Mapped[int | None]
    payload: Mapped[str] = mapped_column(Text, default="{}")
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """One row: the tip of the audit chain. Locking it serialises appends."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class AnchorBatch(Base):
    """A run of payment-log entries summed up by one Merkle root, and where the root was anchored.

    Batches tile the log from entry #1 with no gaps. A batch is written before its root is sent
    to the chain; `tx_hash`/`block_number` are set once the chain holds it.
    """

    __tablename__ = "anchor_batches"
    __table_args__ = (
        CheckConstraint("entry_count = last_entry_id - first_entry_id + 1", name="whole_range"),
    )

    id: Mapped[PrimaryKey]
    first_entry_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    last_entry_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    entry_count: Mapped[int]
    root: Mapped[str] = mapped_column(String(64), unique=True)
    tx_hash: Mapped[str | None] = mapped_column(String(66))
    block_number: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    anchored_at: Mapped[datetime | None]


class InboxEvent(Base):
    """A gateway webhook as received, stored before it is processed, processed once."""

    __tablename__ = "inbox_events"
    __table_args__ = (
        UniqueConstraint("provider", "event_id"),
        Index("ix_inbox_events_pending", "handled_at", "next_attempt_at"),
    )

    id: Mapped[PrimaryKey]
    provider: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(128))
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class Notification(Base):
    """Outbox: a message for one chat, written with the change it reports, sent later."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "status", "next_attempt_at"),)

    id: Mapped[PrimaryKey]
    chat_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(48))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    escrow_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("escrows.id"), index=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class Dispute(Base):
    __tablename__ = "disputes"
    __table_args__ = (
        Index(
            "uq_disputes_open_escrow",
            "escrow_id",
            unique=True,
            **_partial(where="resolved_at IS NULL"),
        ),
    )

    id: Mapped[PrimaryKey]
    escrow_id: Mapped[int] = mapped_column(BigId, ForeignKey("escrows.id"))
    opened_by: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by_telegram_id: Mapped[int | None]
    resolution: Mapped[str | None] = mapped_column(String(8))
    payee_share_paise: Mapped[int | None]


class Alert(Base):
    """Something support must look at: a failed payout, money we could not match, a mismatch."""

    __tablename__ = "alerts"

    id: Mapped[PrimaryKey]
    escrow_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("escrows.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("payments.id"))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)  # alert once
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class JoinAttempt(Base):
    """Each /join try, so code guessing can be rate-limited across processes."""

    __tablename__ = "join_attempts"
    __table_args__ = (Index("ix_join_attempts_user_time", "user_id", "attempted_at"),)

    id: Mapped[PrimaryKey]
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    code_tried: Mapped[str] = mapped_column(String(16))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    attempted_at: Mapped[datetime]


class ChatDraft(Base):
    """Where a person is in a multi-step chat flow (guided create, join, evidence), kept in the
    database so any process can take their next message."""

    __tablename__ = "chat_drafts"

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), primary_key=True)
    flow: Mapped[str] = mapped_column(String(16))
    step: Mapped[str] = mapped_column(String(16))
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime]


class DealCard(Base):
    """The message in a chat that shows an escrow and is edited as the escrow moves."""

    __tablename__ = "deal_cards"
    __table_args__ = (UniqueConstraint("escrow_id", "chat_id"),)

    id: Mapped[PrimaryKey]
    escrow_id: Mapped[int] = mapped_column(BigId, ForeignKey("escrows.id"))
    chat_id: Mapped[int]
    message_id: Mapped[int]
    updated_at: Mapped[datetime]


class DisputeEvidence(Base):
    """What a party sent support about a dispute: text, or a photo kept by its Telegram file id."""

    __tablename__ = "dispute_evidence"

    id: Mapped[PrimaryKey]
    dispute_id: Mapped[int] = mapped_column(BigId, ForeignKey("disputes.id"), index=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    text: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime]


class AdminToken(Base):
    """A one-time admin web login link; only its hash is stored."""

    __tablename__ = "admin_tokens"

    id: Mapped[PrimaryKey]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    telegram_id: Mapped[int]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
