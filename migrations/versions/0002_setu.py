"""Setu: find escrows by QR / collect id, poll for lost webhooks, retry inbox events;
flag money intents support was alerted about.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("escrows") as batch:
        batch.add_column(sa.Column("payment_checked_at", sa.DateTime(timezone=True)))
        batch.create_index("ix_escrows_setu_qr_id", ["setu_qr_id"])
        batch.create_index("ix_escrows_setu_collect_id", ["setu_collect_id"])
    with op.batch_alter_table("inbox_events") as batch:
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True)))
        batch.create_index("ix_inbox_events_pending", ["handled_at", "next_attempt_at"])
    with op.batch_alter_table("money_intents") as batch:
        batch.add_column(sa.Column("alerted_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("money_intents") as batch:
        batch.drop_column("alerted_at")
    with op.batch_alter_table("inbox_events") as batch:
        batch.drop_index("ix_inbox_events_pending")
        batch.drop_column("next_attempt_at")
    with op.batch_alter_table("escrows") as batch:
        batch.drop_index("ix_escrows_setu_collect_id")
        batch.drop_index("ix_escrows_setu_qr_id")
        batch.drop_column("payment_checked_at")
