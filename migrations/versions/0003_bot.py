"""Bot: chat flow drafts, deal cards, dispute evidence, one-time admin login tokens.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _time(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "chat_drafts",
        sa.Column("user_id", ID, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("flow", sa.String(16), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        _time("updated_at"),
    )
    op.create_table(
        "deal_cards",
        sa.Column("id", ID, primary_key=True),
        sa.Column("escrow_id", ID, sa.ForeignKey("escrows.id"), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        _time("updated_at"),
        sa.UniqueConstraint("escrow_id", "chat_id"),
    )
    op.create_table(
        "dispute_evidence",
        sa.Column("id", ID, primary_key=True),
        sa.Column("dispute_id", ID, sa.ForeignKey("disputes.id"), nullable=False, index=True),
        sa.Column("user_id", ID, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("text", sa.Text()),
        sa.Column("file_id", sa.String(256)),
        _time("created_at"),
    )
    op.create_table(
        "admin_tokens",
        sa.Column("id", ID, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        _time("expires_at"),
        _time("used_at", nullable=True),
        _time("created_at"),
    )


def downgrade() -> None:
    for table in ("admin_tokens", "dispute_evidence", "deal_cards", "chat_drafts"):
        op.drop_table(table)
