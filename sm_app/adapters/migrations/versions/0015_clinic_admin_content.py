"""what the clinic admin edits in the browser: template versions, quick replies, terms versions, SMTP settings; audit
indexes for the privacy officer's viewer

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 12:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('message_templates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    op.create_table('message_template_versions',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('fields_json', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('saved_by_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('key', 'version')
    )
    op.create_table('quick_replies',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('terms_versions',
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('version')
    )
    op.create_index('ix_terms_versions_published_at', 'terms_versions', ['published_at'], unique=False)
    op.create_table('smtp_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host', sa.String(length=253), nullable=False),
    sa.Column('port', sa.Integer(), nullable=False),
    sa.Column('security', sa.String(length=10), nullable=False),
    sa.Column('username', sa.String(length=254), nullable=False),
    sa.Column('password_enc', sa.LargeBinary(), nullable=True),
    sa.Column('from_address', sa.String(length=254), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_actor_seq', 'audit_log', ['actor_id', 'seq'], unique=False)
    op.create_index('ix_audit_action_seq', 'audit_log', ['action', 'seq'], unique=False)
    op.create_index('ix_audit_at', 'audit_log', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_at', table_name='audit_log')
    op.drop_index('ix_audit_action_seq', table_name='audit_log')
    op.drop_index('ix_audit_actor_seq', table_name='audit_log')
    op.drop_table('smtp_settings')
    op.drop_index('ix_terms_versions_published_at', table_name='terms_versions')
    op.drop_table('terms_versions')
    op.drop_table('quick_replies')
    op.drop_table('message_template_versions')
    with op.batch_alter_table('message_templates', schema=None) as batch_op:
        batch_op.drop_column('version')
