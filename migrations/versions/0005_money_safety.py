"""Money safety: intent and payment statuses constrained to their tables, the send rule's
`last_sent_at`, provider fees, the payee's UPI id check, PAYOUT_FAILED, alerts raised once.

SQLite rebuilds a table to change a CHECK constraint (Alembic's batch mode). The rebuild does
not carry partial indexes over reliably, so they are dropped first and made again after.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATES = (
    "'AWAITING_PARTNER', 'AWAITING_PAYMENT', 'HELD', 'RELEASING', 'RELEASED', 'REFUNDING', "
    "'REFUNDED', 'CANCELLED', 'EXPIRED', 'DISPUTED', 'SPLIT'"
)
NEW_STATES = (
    "'AWAITING_PARTNER', 'AWAITING_PAYMENT', 'HELD', 'RELEASING', 'RELEASED', 'REFUNDING', "
    "'REFUNDED', 'CANCELLED', 'EXPIRED', 'DISPUTED', 'PAYOUT_FAILED', 'SPLIT'"
)
INTENT_STATUSES = "'pending', 'unknown', 'submitted', 'succeeded', 'failed', 'reversed'"
INTENT_KINDS = "'collect', 'payout', 'refund', 'return', 'repayout'"
PAYMENT_STATUSES = "'received', 'held', 'failed', 'returning', 'returned'"
LIVE = "status IN ('pending', 'submitted', 'unknown', 'succeeded')"
# (name, table, columns, where) of the partial unique indexes on the rebuilt tables
PARTIAL = (
    ("uq_escrows_active_code", "escrows", ["code"], "code_active"),
    (
        "uq_money_intents_live_escrow_kind",
        "money_intents",
        ["escrow_id", "kind"],
        f"kind IN ('collect', 'payout', 'refund') AND {LIVE}",
    ),
    (
        "uq_money_intents_live_return",
        "money_intents",
        ["payment_id"],
        f"kind = 'return' AND {LIVE}",
    ),
)


def _partial(where: str) -> dict[str, Any]:
    return {"postgresql_where": sa.text(where), "sqlite_where": sa.text(where)}


def _drop_partial() -> None:
    for name, table, _, _ in PARTIAL:
        op.drop_index(name, table_name=table)


def _create_partial() -> None:
    for name, table, columns, where in PARTIAL:
        op.create_index(name, table, columns, unique=True, **_partial(where))


def upgrade() -> None:
    _drop_partial()
    with op.batch_alter_table("escrows") as batch:
        batch.drop_constraint(op.f("ck_escrows_state_known"), type_="check")
        batch.create_check_constraint("state_known", f"state IN ({NEW_STATES})")
        batch.add_column(
            sa.Column("payee_vpa_status", sa.String(10), nullable=False, server_default="unchecked")
        )
        batch.add_column(sa.Column("payee_vpa_name", sa.String(128)))
        batch.add_column(sa.Column("payee_vpa_check_id", sa.String(64)))
        batch.create_index("ix_escrows_payee_vpa_check_id", ["payee_vpa_check_id"])
    with op.batch_alter_table("money_intents") as batch:
        batch.create_check_constraint("status_known", f"status IN ({INTENT_STATUSES})")
        batch.create_check_constraint("kind_known", f"kind IN ({INTENT_KINDS})")
        batch.add_column(sa.Column("last_sent_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("fees_paise", sa.BigInteger()))
        batch.add_column(sa.Column("tax_paise", sa.BigInteger()))
    with op.batch_alter_table("payments") as batch:
        batch.create_check_constraint("status_known", f"status IN ({PAYMENT_STATUSES})")
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("dedupe_key", sa.String(160)))
        batch.create_unique_constraint(op.f("uq_alerts_dedupe_key"), ["dedupe_key"])
    _create_partial()
    op.create_index(
        "uq_ledger_transactions_intent_kind",
        "ledger_transactions",
        ["intent_id", "kind"],
        unique=True,
        **_partial("kind IN ('provider_fee', 'fee_returned')"),
    )


def downgrade() -> None:
    op.drop_index("uq_ledger_transactions_intent_kind", table_name="ledger_transactions")
    _drop_partial()
    with op.batch_alter_table("alerts") as batch:
        batch.drop_constraint(op.f("uq_alerts_dedupe_key"), type_="unique")
        batch.drop_column("dedupe_key")
    with op.batch_alter_table("payments") as batch:
        batch.drop_constraint(op.f("ck_payments_status_known"), type_="check")
    with op.batch_alter_table("money_intents") as batch:
        batch.drop_column("tax_paise")
        batch.drop_column("fees_paise")
        batch.drop_column("last_sent_at")
        batch.drop_constraint(op.f("ck_money_intents_kind_known"), type_="check")
        batch.drop_constraint(op.f("ck_money_intents_status_known"), type_="check")
    with op.batch_alter_table("escrows") as batch:
        batch.drop_index("ix_escrows_payee_vpa_check_id")
        batch.drop_column("payee_vpa_check_id")
        batch.drop_column("payee_vpa_name")
        batch.drop_column("payee_vpa_status")
        batch.drop_constraint(op.f("ck_escrows_state_known"), type_="check")
        batch.create_check_constraint("state_known", f"state IN ({OLD_STATES})")
    _create_partial()
