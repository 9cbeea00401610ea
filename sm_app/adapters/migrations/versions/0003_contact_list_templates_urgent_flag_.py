"""contact list, templates, urgent flag, drafts, search terms

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 13:11:43.036080
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('message_templates',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('fields_json', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('drafts',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('owner_id', sa.String(length=32), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=True),
    sa.Column('reply_to_thread_id', sa.String(length=32), nullable=True),
    sa.Column('category', sa.String(length=40), nullable=True),
    sa.Column('template_key', sa.String(length=40), nullable=True),
    sa.Column('subject_enc', sa.LargeBinary(), nullable=True),
    sa.Column('body_enc', sa.LargeBinary(), nullable=True),
    sa.Column('fields_enc', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['reply_to_thread_id'], ['threads.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drafts_owner_id'), ['owner_id'], unique=False)

    op.create_table('search_terms',
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('thread_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], ),
    sa.PrimaryKeyConstraint('token', 'thread_id')
    )
    with op.batch_alter_table('search_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_terms_thread_id'), ['thread_id'], unique=False)

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fields_enc', sa.LargeBinary(), nullable=True))

    with op.batch_alter_table('patient_teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template_key', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('urgent_evidence_enc', sa.LargeBinary(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_column('urgent_evidence_enc')
        batch_op.drop_column('urgent')
        batch_op.drop_column('template_key')

    with op.batch_alter_table('patient_teams', schema=None) as batch_op:
        batch_op.drop_column('hidden')

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('fields_enc')

    with op.batch_alter_table('search_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_terms_thread_id'))

    op.drop_table('search_terms')
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drafts_owner_id'))

    op.drop_table('drafts')
    op.drop_table('message_templates')
