"""urgent threads: team_members.on_call, response_cycles.urgent_at, threads.urgent_language

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 10:00:00

All three start empty (not on call, no urgent clock, no patient notice): threads flagged before this keep the clock
they were given.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_call', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('response_cycles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urgent_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urgent_language', sa.String(length=5), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_column('urgent_language')
    with op.batch_alter_table('response_cycles', schema=None) as batch_op:
        batch_op.drop_column('urgent_at')
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.drop_column('on_call')
