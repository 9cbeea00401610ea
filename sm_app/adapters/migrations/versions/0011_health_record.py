"""the personal health record: entries, their versions, the patient's grants to care teams; audit entries by object

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('record_entries',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_enc', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.String(length=32), nullable=False),
    sa.Column('created_by_team_id', sa.String(length=32), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.String(length=32), nullable=False),
    sa.Column('changed_by_team_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['changed_by_team_id'], ['care_teams.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['created_by_team_id'], ['care_teams.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_record_entries_patient_section', 'record_entries', ['patient_id', 'section'], unique=False)
    op.create_table('record_versions',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('entry_id', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('content_enc', sa.LargeBinary(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.String(length=32), nullable=False),
    sa.Column('changed_by_team_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['changed_by_team_id'], ['care_teams.id'], ),
    sa.ForeignKeyConstraint(['entry_id'], ['record_entries.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entry_id', 'version', name='uq_record_versions_entry_version')
    )
    op.create_table('record_grants',
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], ),
    sa.PrimaryKeyConstraint('patient_id', 'team_id')
    )
    op.create_index(op.f('ix_record_grants_team_id'), 'record_grants', ['team_id'], unique=False)
    op.create_index('ix_audit_object', 'audit_log', ['object_type', 'object_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_object', table_name='audit_log')
    op.drop_index(op.f('ix_record_grants_team_id'), table_name='record_grants')
    op.drop_table('record_grants')
    op.drop_table('record_versions')
    op.drop_index('ix_record_entries_patient_section', table_name='record_entries')
    op.drop_table('record_entries')
