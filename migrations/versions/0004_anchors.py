"""Anchor batches: Merkle roots of payment-log runs and the chain transactions that hold them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "anchor_batches",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("first_entry_id", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("last_entry_id", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("entry_count", sa.BigInteger(), nullable=False),
        sa.Column("root", sa.String(64), nullable=False, unique=True),
        sa.Column("tx_hash", sa.String(66)),
        sa.Column("block_number", sa.BigInteger()),
        sa.Column("attempts", sa.BigInteger(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("anchored_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("entry_count = last_entry_id - first_entry_id + 1", name="whole_range"),
    )


def downgrade() -> None:
    op.drop_table("anchor_batches")
