"""admin console: users.last_sign_in_at, care_teams.display_name, patient_teams.block_reason

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 12:00:00

All start empty: nobody has signed in since, patients see a team's own name until the admin gives it a plain-language
one, and teams blocked before this show no reason. Per-team business hours are `clinic_settings` rows
(`business_hours:team:<id>`), so they need no column.
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('care_teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=200), nullable=True))
    with op.batch_alter_table('patient_teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('block_reason', sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('patient_teams', schema=None) as batch_op:
        batch_op.drop_column('block_reason')
    with op.batch_alter_table('care_teams', schema=None) as batch_op:
        batch_op.drop_column('display_name')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_sign_in_at')
