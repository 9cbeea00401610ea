"""outcomes are sealed: threads.outcome_enc, thread_events.outcome_enc

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 05:05:00

Outcomes recorded before this stay readable in the old plain columns until the key-rotation pass re-seals them;
new ones are only ever written sealed.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome_enc', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('thread_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome_enc', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('thread_events', schema=None) as batch_op:
        batch_op.drop_column('outcome_enc')
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_column('outcome_enc')
