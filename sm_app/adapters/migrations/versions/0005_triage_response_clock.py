"""triage response clock notes alerts settings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 15:20:43.401443
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('broadcasts',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('sender_id', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('subject_enc', sa.LargeBinary(), nullable=False),
    sa.Column('criteria_json', sa.Text(), nullable=False),
    sa.Column('replies_allowed', sa.Boolean(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sender_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broadcasts_team_id'), ['team_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('sex', sa.String(length=10), nullable=True))
    op.create_table('clinic_settings',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value_json', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('internal_notes',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('thread_id', sa.String(length=32), nullable=False),
    sa.Column('author_id', sa.String(length=32), nullable=False),
    sa.Column('body_enc', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('internal_notes', schema=None) as batch_op:
        batch_op.create_index('ix_internal_notes_thread_created', ['thread_id', 'created_at'], unique=False)

    op.create_table('response_cycles',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('thread_id', sa.String(length=32), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('remind_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('second_escalation_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('alert_stage', sa.Integer(), nullable=False),
    sa.Column('next_alert_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.String(length=32), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], ),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('response_cycles', schema=None) as batch_op:
        batch_op.create_index('ix_cycles_next_alert', ['next_alert_at'], unique=False, sqlite_where=sa.text('next_alert_at IS NOT NULL'), postgresql_where=sa.text('next_alert_at IS NOT NULL'))
        batch_op.create_index('ix_cycles_team_received', ['team_id', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_cycles_thread_id'), ['thread_id'], unique=False)

    op.create_table('staff_alerts',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('thread_id', sa.String(length=32), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['team_id'], ['care_teams.id'], ),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'thread_id', 'kind', 'due_at', name='uq_staff_alert_once')
    )
    with op.batch_alter_table('staff_alerts', schema=None) as batch_op:
        batch_op.create_index('ix_staff_alerts_user_created', ['user_id', 'created_at'], unique=False)
        batch_op.create_index('ix_staff_alerts_thread', ['thread_id'], unique=False)

    op.create_table('thread_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('thread_id', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.String(length=32), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('assignee_id', sa.String(length=32), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('reason_enc', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('thread_events', schema=None) as batch_op:
        batch_op.create_index('ix_thread_events_thread_at', ['thread_id', 'at'], unique=False)

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('pool_role', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('awaiting_since', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('broadcast_id', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_threads_broadcast_id'), ['broadcast_id'], unique=False)
        batch_op.create_foreign_key('fk_threads_broadcast_id_broadcasts', 'broadcasts', ['broadcast_id'], ['id'])
        batch_op.create_index('ix_threads_assignee', ['assignee_id'], unique=False)
        batch_op.create_index('ix_threads_team_status_due', ['team_id', 'status', 'due_at', 'urgent', 'last_message_at', 'assignee_id', 'category', 'id'], unique=False)
        batch_op.create_foreign_key('fk_threads_assignee_id_users', 'users', ['assignee_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_constraint('fk_threads_assignee_id_users', type_='foreignkey')
        batch_op.drop_constraint('fk_threads_broadcast_id_broadcasts', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_threads_broadcast_id'))
        batch_op.drop_column('broadcast_id')
        batch_op.drop_column('outcome')
        batch_op.drop_index('ix_threads_team_status_due')
        batch_op.drop_index('ix_threads_assignee')
        batch_op.drop_column('due_at')
        batch_op.drop_column('awaiting_since')
        batch_op.drop_column('pool_role')
        batch_op.drop_column('assignee_id')

    with op.batch_alter_table('thread_events', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_events_thread_at')

    op.drop_table('thread_events')
    with op.batch_alter_table('staff_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_alerts_thread')
        batch_op.drop_index('ix_staff_alerts_user_created')

    op.drop_table('staff_alerts')
    with op.batch_alter_table('response_cycles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_cycles_thread_id'))
        batch_op.drop_index('ix_cycles_team_received')
        batch_op.drop_index('ix_cycles_next_alert', sqlite_where=sa.text('next_alert_at IS NOT NULL'), postgresql_where=sa.text('next_alert_at IS NOT NULL'))

    op.drop_table('response_cycles')
    with op.batch_alter_table('internal_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_internal_notes_thread_created')

    op.drop_table('internal_notes')
    op.drop_table('clinic_settings')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('sex')
        batch_op.drop_column('birth_date')
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broadcasts_team_id'))
    op.drop_table('broadcasts')
