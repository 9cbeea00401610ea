"""the patient-education library: articles, their versions with review, articles sent to patients

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 12:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('library_articles',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('translation_of', sa.String(length=120), nullable=True),
    sa.Column('published_version_id', sa.String(length=32), nullable=True),
    sa.Column('shipped', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('library_versions',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('article_id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=600), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('topics', sa.Text(), nullable=False),
    sa.Column('grade', sa.Float(), nullable=False),
    sa.Column('author_name', sa.String(length=120), nullable=False),
    sa.Column('contributor_ids', sa.Text(), nullable=False),
    sa.Column('reviewer_id', sa.String(length=32), nullable=True),
    sa.Column('reviewer_name', sa.String(length=120), nullable=True),
    sa.Column('reviewed_on', sa.Date(), nullable=True),
    sa.Column('next_review_due', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['library_articles.id'], ),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('article_id', 'number', name='uq_library_versions_article_number')
    )
    op.create_index('ix_library_versions_state', 'library_versions', ['state'], unique=False)
    op.create_table('library_sends',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('thread_id', sa.String(length=32), nullable=False),
    sa.Column('message_id', sa.String(length=32), nullable=False),
    sa.Column('sent_by_id', sa.String(length=32), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('article_enc', sa.LargeBinary(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_library_sends_patient_sent', 'library_sends', ['patient_id', 'sent_at'], unique=False)
    op.create_index(op.f('ix_library_sends_thread_id'), 'library_sends', ['thread_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_library_sends_thread_id'), table_name='library_sends')
    op.drop_index('ix_library_sends_patient_sent', table_name='library_sends')
    op.drop_table('library_sends')
    op.drop_index('ix_library_versions_state', table_name='library_versions')
    op.drop_table('library_versions')
    op.drop_table('library_articles')
