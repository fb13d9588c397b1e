"""Initial schema: people, escrows, money records, ledger, audit log, inbox and outbox.

Written by hand (checked against the models by tests/integration/test_migrations.py).
Besides the tables it adds what the models cannot say:
- the audit chain's head row (id 1, genesis hash);
- triggers that make payment_log, ledger_transactions and ledger_entries append-only.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("payment_log", "ledger_transactions", "ledger_entries")
GENESIS_HASH = "0" * 64
LIVE = "status IN ('pending', 'submitted', 'unknown', 'succeeded')"
STATES = (
    "'AWAITING_PARTNER', 'AWAITING_PAYMENT', 'HELD', 'RELEASING', 'RELEASED', 'REFUNDING', "
    "'REFUNDED', 'CANCELLED', 'EXPIRED', 'DISPUTED', 'SPLIT'"
)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)


def _ref(name: str, table: str, *, nullable: bool = True) -> sa.Column[int]:
    kind = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    return sa.Column(name, kind, sa.ForeignKey(f"{table}.id"), nullable=nullable)


def _time(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _partial(where: str) -> dict[str, Any]:
    return {"postgresql_where": sa.text(where), "sqlite_where": sa.text(where)}


def upgrade() -> None:
    op.create_table(
        "users",
        _id(),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("first_name", sa.String(128), nullable=False),
        sa.Column("username", sa.String(64)),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("upi_id", sa.String(320)),
        _time("banned_at", nullable=True),
        sa.Column("ban_reason", sa.String(200)),
        _time("created_at"),
        _time("updated_at"),
    )
    op.create_table(
        "escrows",
        _id(),
        sa.Column("code", sa.String(6), nullable=False, index=True),
        sa.Column("code_active", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount_paise", sa.BigInteger(), nullable=False),
        sa.Column("fee_paise", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(24), nullable=False, index=True),
        _ref("creator_id", "users", nullable=False),
        sa.Column("creator_role", sa.String(5), nullable=False),
        _ref("payer_id", "users"),
        _ref("payee_id", "users"),
        sa.Column("payee_vpa", sa.String(320)),
        sa.Column("payer_vpa", sa.String(320)),
        sa.Column("payment_ref", sa.String(35), nullable=False, unique=True),
        sa.Column("status_token", sa.String(64), nullable=False, unique=True),
        sa.Column("setu_collect_id", sa.String(64)),
        sa.Column("setu_qr_id", sa.String(64)),
        sa.Column("setu_payment_id", sa.String(64)),
        sa.Column("intent_link", sa.Text()),
        sa.Column("resolution", sa.String(8)),
        sa.Column("payee_share_paise", sa.BigInteger()),
        *(_time(f"{n}_at") for n in ("created", "updated", "expires")),
        *(_time(f"{n}_at", nullable=True) for n in ("joined", "payment_due", "paid")),
        *(_time(f"{n}_at", nullable=True) for n in ("inspection_ends", "payout", "closed")),
        sa.Column("last_payment_error", sa.Text()),
        sa.Column("payment_retry_count", sa.Integer(), nullable=False),
        _time("next_retry_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount_paise > 0", "amount_positive"),
        sa.CheckConstraint("fee_paise >= 0 AND fee_paise <= amount_paise", "fee_in_range"),
        sa.CheckConstraint(f"state IN ({STATES})", "state_known"),
        sa.CheckConstraint("creator_role IN ('payer', 'payee')", "creator_role_known"),
        sa.CheckConstraint(
            "payer_id IS NULL OR payee_id IS NULL OR payer_id <> payee_id", "two_people"
        ),
    )
    op.create_index(
        "uq_escrows_active_code", "escrows", ["code"], unique=True, **_partial("code_active")
    )
    op.create_index("ix_escrows_state_due", "escrows", ["state", "payment_due_at"])
    for column in ("creator_id", "payer_id", "payee_id"):
        op.create_index(f"ix_escrows_{column}", "escrows", [column])

    op.create_table(
        "confirmations",
        _id(),
        _ref("escrow_id", "escrows", nullable=False),
        _ref("user_id", "users", nullable=False),
        sa.Column("role", sa.String(5), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        _time("confirmed_at"),
        sa.UniqueConstraint("escrow_id", "role", "action"),
    )
    op.create_index("ix_confirmations_escrow_id", "confirmations", ["escrow_id"])

    op.create_table(
        "payments",
        _id(),
        _ref("escrow_id", "escrows"),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("gateway_payment_id", sa.String(64), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False, index=True),
        sa.Column("amount_paise", sa.BigInteger(), nullable=False),
        sa.Column("payer_vpa_masked", sa.String(320)),
        sa.Column("rrn", sa.String(32)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("failure_reason", sa.Text()),
        _time("received_at"),
        _time("updated_at"),
        sa.UniqueConstraint("provider", "gateway_payment_id"),
        sa.CheckConstraint("amount_paise >= 0", "amount_not_negative"),
    )
    op.create_index("ix_payments_escrow_id", "payments", ["escrow_id"])

    op.create_table(
        "money_intents",
        _id(),
        _ref("escrow_id", "escrows"),
        _ref("payment_id", "payments"),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("amount_paise", sa.BigInteger(), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("provider_ref", sa.String(64)),
        sa.Column("utr", sa.String(64)),
        sa.Column("destination", sa.String(320)),
        sa.Column("last_error", sa.Text()),
        _time("next_attempt_at"),
        _time("leased_until", nullable=True),
        _time("created_at"),
        _time("updated_at"),
        _time("completed_at", nullable=True),
        sa.CheckConstraint("amount_paise > 0", "amount_positive"),
    )
    op.create_index("ix_money_intents_escrow_id", "money_intents", ["escrow_id"])
    op.create_index("ix_money_intents_due", "money_intents", ["status", "next_attempt_at"])
    op.create_index(
        "uq_money_intents_live_escrow_kind",
        "money_intents",
        ["escrow_id", "kind"],
        unique=True,
        **_partial(f"kind IN ('collect', 'payout', 'refund') AND {LIVE}"),
    )
    op.create_index(
        "uq_money_intents_live_return",
        "money_intents",
        ["payment_id"],
        unique=True,
        **_partial(f"kind = 'return' AND {LIVE}"),
    )

    op.create_table(
        "ledger_transactions",
        _id(),
        _ref("escrow_id", "escrows"),
        _ref("payment_id", "payments"),
        _ref("intent_id", "money_intents"),
        sa.Column("kind", sa.String(12), nullable=False),
        _time("created_at"),
    )
    op.create_index("ix_ledger_transactions_escrow_id", "ledger_transactions", ["escrow_id"])
    op.create_index(
        "uq_ledger_transactions_escrow_kind",
        "ledger_transactions",
        ["escrow_id", "kind"],
        unique=True,
        **_partial("kind IN ('hold', 'release', 'fee', 'refund')"),
    )
    op.create_index(
        "uq_ledger_transactions_payment_kind",
        "ledger_transactions",
        ["payment_id", "kind"],
        unique=True,
        **_partial("kind IN ('unmatched', 'returned')"),
    )
    op.create_table(
        "ledger_entries",
        _id(),
        _ref("txn_id", "ledger_transactions", nullable=False),
        sa.Column("account", sa.String(32), nullable=False),
        sa.Column("side", sa.String(1), nullable=False),
        sa.Column("amount_paise", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_paise > 0", "amount_positive"),
        sa.CheckConstraint("side IN ('D', 'C')", "side_known"),
    )
    op.create_index("ix_ledger_entries_txn_id", "ledger_entries", ["txn_id"])

    op.create_table(
        "payment_log",
        _id(),
        sa.Column("escrow_id", sa.BigInteger(), index=True),
        sa.Column("event_type", sa.String(48), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("gateway_ref", sa.String(64)),
        sa.Column("amount_paise", sa.BigInteger()),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("error", sa.Text()),
        _time("created_at"),
        sa.Column("prev_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "last_id": 0, "last_hash": GENESIS_HASH}])

    op.create_table(
        "inbox_events",
        _id(),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("event_id", sa.String(128), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        _time("received_at"),
        _time("handled_at", nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.UniqueConstraint("provider", "event_id"),
    )
    op.create_table(
        "notifications",
        _id(),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        _ref("escrow_id", "escrows"),
        sa.Column("dedupe_key", sa.String(128), unique=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _time("next_attempt_at"),
        sa.Column("last_error", sa.Text()),
        _time("created_at"),
        _time("sent_at", nullable=True),
    )
    op.create_index("ix_notifications_due", "notifications", ["status", "next_attempt_at"])
    op.create_index("ix_notifications_escrow_id", "notifications", ["escrow_id"])

    op.create_table(
        "disputes",
        _id(),
        _ref("escrow_id", "escrows", nullable=False),
        _ref("opened_by", "users", nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _time("opened_at"),
        _time("resolved_at", nullable=True),
        sa.Column("resolved_by_telegram_id", sa.BigInteger()),
        sa.Column("resolution", sa.String(8)),
        sa.Column("payee_share_paise", sa.BigInteger()),
    )
    op.create_index(
        "uq_disputes_open_escrow",
        "disputes",
        ["escrow_id"],
        unique=True,
        **_partial("resolved_at IS NULL"),
    )
    op.create_table(
        "alerts",
        _id(),
        _ref("escrow_id", "escrows"),
        _ref("payment_id", "payments"),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        _time("created_at"),
        _time("resolved_at", nullable=True),
    )
    op.create_index("ix_alerts_escrow_id", "alerts", ["escrow_id"])
    op.create_table(
        "join_attempts",
        _id(),
        _ref("user_id", "users", nullable=False),
        sa.Column("code_tried", sa.String(16), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        _time("attempted_at"),
    )
    op.create_index("ix_join_attempts_user_time", "join_attempts", ["user_id", "attempted_at"])
    _create_append_only_triggers()


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION trustpay_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION trustpay_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def downgrade() -> None:
    for table in (
        "join_attempts",
        "alerts",
        "disputes",
        "notifications",
        "inbox_events",
        "audit_head",
        "payment_log",
        "ledger_entries",
        "ledger_transactions",
        "money_intents",
        "payments",
        "confirmations",
        "escrows",
        "users",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION trustpay_append_only()")
