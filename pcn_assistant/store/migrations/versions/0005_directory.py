"""VCF directory and referrals (issue 6)

Revision ID: 0005_directory
Revises: 0004_caseload
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_directory"
down_revision = "0004_caseload"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('directory_location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('oruk_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('location_type', sa.String(length=10), nullable=False),
    sa.Column('address_oruk_id', sa.String(length=64), nullable=True),
    sa.Column('address_1', sa.String(length=500), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('region', sa.String(length=100), nullable=True),
    sa.Column('state_province', sa.String(length=100), nullable=True),
    sa.Column('postal_code', sa.String(length=20), nullable=True),
    sa.Column('country', sa.String(length=60), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('external_identifier', sa.String(length=100), nullable=True),
    sa.Column('external_identifier_type', sa.String(length=50), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_location')),
    sa.UniqueConstraint('oruk_id', name=op.f('uq_directory_location_oruk_id'))
    )
    with op.batch_alter_table('directory_location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_location_city'), ['city'], unique=False)

    op.create_table('directory_organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('oruk_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('phone', sa.String(length=60), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_organisation')),
    sa.UniqueConstraint('oruk_id', name=op.f('uq_directory_organisation_oruk_id'))
    )
    with op.batch_alter_table('directory_organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_organisation_name'), ['name'], unique=False)

    op.create_table('directory_taxonomy_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('oruk_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('term', sa.String(length=300), nullable=True),
    sa.Column('taxonomy', sa.String(length=200), nullable=True),
    sa.Column('taxonomy_oruk_id', sa.String(length=64), nullable=True),
    sa.Column('parent_oruk_id', sa.String(length=64), nullable=True),
    sa.Column('term_uri', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_taxonomy_term')),
    sa.UniqueConstraint('oruk_id', name=op.f('uq_directory_taxonomy_term_oruk_id'))
    )
    op.create_table('directory_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('oruk_id', sa.String(length=64), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('fees', sa.Text(), nullable=True),
    sa.Column('accreditations', sa.Text(), nullable=True),
    sa.Column('minimum_age', sa.Integer(), nullable=True),
    sa.Column('maximum_age', sa.Integer(), nullable=True),
    sa.Column('eligibility', sa.Text(), nullable=True),
    sa.Column('service_area', sa.Text(), nullable=True),
    sa.Column('alert', sa.Text(), nullable=True),
    sa.Column('assured_date', sa.Date(), nullable=True),
    sa.Column('last_modified', sa.DateTime(), nullable=True),
    sa.Column('is_free', sa.Boolean(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('capacity_unit', sa.String(length=10), nullable=False),
    sa.Column('referral_method', sa.String(length=10), nullable=False),
    sa.Column('last_verified', sa.Date(), nullable=True),
    sa.Column('private_notes', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['directory_organisation.id'], name=op.f('fk_directory_service_organisation_id_directory_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_service')),
    sa.UniqueConstraint('oruk_id', name=op.f('uq_directory_service_oruk_id'))
    )
    with op.batch_alter_table('directory_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_service_is_free'), ['is_free'], unique=False)
        batch_op.create_index(batch_op.f('ix_directory_service_last_verified'), ['last_verified'], unique=False)
        batch_op.create_index(batch_op.f('ix_directory_service_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_directory_service_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_directory_service_status'), ['status'], unique=False)

    op.create_table('directory_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('oruk_id', sa.String(length=64), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone_oruk_id', sa.String(length=64), nullable=True),
    sa.Column('phone', sa.String(length=60), nullable=True),
    sa.Column('phone_description', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['service_id'], ['directory_service.id'], name=op.f('fk_directory_contact_service_id_directory_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_contact')),
    sa.UniqueConstraint('oruk_id', name=op.f('uq_directory_contact_oruk_id'))
    )
    with op.batch_alter_table('directory_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_contact_service_id'), ['service_id'], unique=False)

    op.create_table('directory_cost_option',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('oruk_id', sa.String(length=64), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('option', sa.String(length=300), nullable=True),
    sa.Column('amount', sa.Float(), nullable=True),
    sa.Column('amount_description', sa.String(length=300), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['service_id'], ['directory_service.id'], name=op.f('fk_directory_cost_option_service_id_directory_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_cost_option')),
    sa.UniqueConstraint('oruk_id', name=op.f('uq_directory_cost_option_oruk_id'))
    )
    with op.batch_alter_table('directory_cost_option', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_cost_option_service_id'), ['service_id'], unique=False)

    op.create_table('directory_schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('oruk_id', sa.String(length=64), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('service_location_oruk_id', sa.String(length=64), nullable=True),
    sa.Column('freq', sa.String(length=10), nullable=True),
    sa.Column('interval', sa.Integer(), nullable=True),
    sa.Column('byday', sa.String(length=60), nullable=True),
    sa.Column('bymonthday', sa.String(length=60), nullable=True),
    sa.Column('opens_at', sa.Time(), nullable=True),
    sa.Column('closes_at', sa.Time(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('dtstart', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('attending_type', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('schedule_link', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['service_id'], ['directory_service.id'], name=op.f('fk_directory_schedule_service_id_directory_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_schedule')),
    sa.UniqueConstraint('oruk_id', name=op.f('uq_directory_schedule_oruk_id'))
    )
    with op.batch_alter_table('directory_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_schedule_service_id'), ['service_id'], unique=False)

    op.create_table('directory_service_category',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['directory_service.id'], name=op.f('fk_directory_service_category_service_id_directory_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'category', name=op.f('pk_directory_service_category'))
    )
    with op.batch_alter_table('directory_service_category', schema=None) as batch_op:
        batch_op.create_index('ix_directory_service_category_category', ['category'], unique=False)

    op.create_table('directory_service_location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('oruk_id', sa.String(length=64), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['directory_location.id'], name=op.f('fk_directory_service_location_location_id_directory_location')),
    sa.ForeignKeyConstraint(['service_id'], ['directory_service.id'], name=op.f('fk_directory_service_location_service_id_directory_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_service_location')),
    sa.UniqueConstraint('oruk_id', name=op.f('uq_directory_service_location_oruk_id')),
    sa.UniqueConstraint('service_id', 'location_id', name='uq_directory_service_location_pair')
    )
    with op.batch_alter_table('directory_service_location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_service_location_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_directory_service_location_service_id'), ['service_id'], unique=False)

    op.create_table('directory_service_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attribute_oruk_id', sa.String(length=64), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('link_type', sa.String(length=60), nullable=True),
    sa.ForeignKeyConstraint(['service_id'], ['directory_service.id'], name=op.f('fk_directory_service_term_service_id_directory_service'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['term_id'], ['directory_taxonomy_term.id'], name=op.f('fk_directory_service_term_term_id_directory_taxonomy_term'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_service_term')),
    sa.UniqueConstraint('attribute_oruk_id', name=op.f('uq_directory_service_term_attribute_oruk_id')),
    sa.UniqueConstraint('service_id', 'term_id', name='uq_directory_service_term_pair')
    )
    with op.batch_alter_table('directory_service_term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_service_term_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_directory_service_term_term_id'), ['term_id'], unique=False)

    op.create_table('coding_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('episode_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('term', sa.String(length=200), nullable=False),
    sa.Column('event_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('coded_on', sa.Date(), nullable=True),
    sa.Column('coded_by', sa.String(length=100), nullable=True),
    sa.Column('coded_via', sa.String(length=10), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['episode_id'], ['episode.id'], name=op.f('fk_coding_entry_episode_id_episode'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_coding_entry_patient_id_patient'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_coding_entry_practice_id_practice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coding_entry')),
    sa.UniqueConstraint('episode_id', 'code', name='uq_coding_entry_episode_code')
    )
    with op.batch_alter_table('coding_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coding_entry_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index('ix_coding_entry_practice_status', ['practice_id', 'status'], unique=False)

    op.create_table('outcome_measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('episode_id', sa.Integer(), nullable=True),
    sa.Column('instrument', sa.String(length=10), nullable=False),
    sa.Column('timepoint', sa.String(length=12), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('raw_score', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['episode_id'], ['episode.id'], name=op.f('fk_outcome_measure_episode_id_episode'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_outcome_measure_patient_id_patient'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_measure'))
    )
    with op.batch_alter_table('outcome_measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_measure_episode_id'), ['episode_id'], unique=False)
        batch_op.create_index('ix_outcome_measure_patient_instrument', ['patient_id', 'instrument'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=12), nullable=False),
    sa.Column('episode_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('consent_given', sa.Boolean(), nullable=False),
    sa.Column('share_details', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_on', sa.Date(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('waiting_since', sa.Date(), nullable=True),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('responded_on', sa.Date(), nullable=True),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('first_attended_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('last_chased_on', sa.Date(), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['episode_id'], ['episode.id'], name=op.f('fk_referral_episode_id_episode'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_referral_patient_id_patient'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['directory_service.id'], name=op.f('fk_referral_service_id_directory_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral')),
    sa.UniqueConstraint('reference', name=op.f('uq_referral_reference'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_episode_id'), ['episode_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_service_id'), ['service_id'], unique=False)
        batch_op.create_index('ix_referral_service_status', ['service_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_status'), ['status'], unique=False)
        batch_op.create_index('ix_referral_status_sent', ['status', 'sent_on'], unique=False)

    op.create_table('referral_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('event_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('via', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_referral_event_referral_id_referral'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_event'))
    )
    with op.batch_alter_table('referral_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_event_referral_id'), ['referral_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('referral_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_event_referral_id'))

    op.drop_table('referral_event')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_status_sent')
        batch_op.drop_index(batch_op.f('ix_referral_status'))
        batch_op.drop_index('ix_referral_service_status')
        batch_op.drop_index(batch_op.f('ix_referral_service_id'))
        batch_op.drop_index(batch_op.f('ix_referral_patient_id'))
        batch_op.drop_index(batch_op.f('ix_referral_episode_id'))
        batch_op.drop_index(batch_op.f('ix_referral_category'))

    op.drop_table('referral')
    with op.batch_alter_table('outcome_measure', schema=None) as batch_op:
        batch_op.drop_index('ix_outcome_measure_patient_instrument')
        batch_op.drop_index(batch_op.f('ix_outcome_measure_episode_id'))

    op.drop_table('outcome_measure')
    with op.batch_alter_table('coding_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_coding_entry_practice_status')
        batch_op.drop_index(batch_op.f('ix_coding_entry_patient_id'))

    op.drop_table('coding_entry')
    with op.batch_alter_table('directory_service_term', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_service_term_term_id'))
        batch_op.drop_index(batch_op.f('ix_directory_service_term_service_id'))

    op.drop_table('directory_service_term')
    with op.batch_alter_table('directory_service_location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_service_location_service_id'))
        batch_op.drop_index(batch_op.f('ix_directory_service_location_location_id'))

    op.drop_table('directory_service_location')
    with op.batch_alter_table('directory_service_category', schema=None) as batch_op:
        batch_op.drop_index('ix_directory_service_category_category')

    op.drop_table('directory_service_category')
    with op.batch_alter_table('directory_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_schedule_service_id'))

    op.drop_table('directory_schedule')
    with op.batch_alter_table('directory_cost_option', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_cost_option_service_id'))

    op.drop_table('directory_cost_option')
    with op.batch_alter_table('directory_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_contact_service_id'))

    op.drop_table('directory_contact')
    with op.batch_alter_table('directory_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_service_status'))
        batch_op.drop_index(batch_op.f('ix_directory_service_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_directory_service_name'))
        batch_op.drop_index(batch_op.f('ix_directory_service_last_verified'))
        batch_op.drop_index(batch_op.f('ix_directory_service_is_free'))

    op.drop_table('directory_service')
    op.drop_table('directory_taxonomy_term')
    with op.batch_alter_table('directory_organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_organisation_name'))

    op.drop_table('directory_organisation')
    with op.batch_alter_table('directory_location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_location_city'))

    op.drop_table('directory_location')
