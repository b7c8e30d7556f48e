"""The person's social prescribing record to the PRSB standard: consent events,
individual requirements, social context, signposting, home-visit risk assessments,
appointments; referrer details on the episode; safeguarding detail on flags; who agreed
and reviews the plan; goal confidence and review outcome; MYCaW concerns.

Revision ID: 0010_person_record
Revises: 0009_medications
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_person_record"
down_revision = "0009_medications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "home_visit_risk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("risks", sa.JSON(), nullable=False),
        sa.Column("risk_detail", sa.Text(), nullable=False),
        sa.Column("lone_working_plan", sa.Text(), nullable=False),
        sa.Column("visit_in_pairs", sa.Boolean(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False),
        sa.Column("assessed_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_home_visit_risk_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_home_visit_risk")),
    )
    with op.batch_alter_table("home_visit_risk", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_home_visit_risk_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "individual_requirements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("communication_needs", sa.Text(), nullable=False),
        sa.Column("reasonable_adjustments", sa.Text(), nullable=False),
        sa.Column("interpreter_needed", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=60), nullable=True),
        sa.Column("preferred_name", sa.String(length=100), nullable=True),
        sa.Column("pronouns", sa.String(length=40), nullable=True),
        sa.Column("contact_method", sa.String(length=20), nullable=True),
        sa.Column("contact_times", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_individual_requirements_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_individual_requirements")),
        sa.UniqueConstraint("patient_id", name=op.f("uq_individual_requirements_patient_id")),
    )
    op.create_table(
        "social_context",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("lives_alone", sa.Boolean(), nullable=True),
        sa.Column("is_carer", sa.Boolean(), nullable=True),
        sa.Column("is_cared_for", sa.Boolean(), nullable=True),
        sa.Column("accommodation", sa.String(length=30), nullable=True),
        sa.Column("employment", sa.String(length=30), nullable=True),
        sa.Column("occupation", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_social_context_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_context")),
        sa.UniqueConstraint("patient_id", name=op.f("uq_social_context_patient_id")),
    )
    with op.batch_alter_table("social_context", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_social_context_is_carer"), ["is_carer"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_social_context_lives_alone"), ["lives_alone"], unique=False
        )

    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("link_worker", sa.String(length=100), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episode.id"],
            name=op.f("fk_appointment_episode_id_episode"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_appointment_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment")),
        sa.UniqueConstraint("uid", name=op.f("uq_appointment_uid")),
    )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointment_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appointment_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(
            "ix_appointment_worker_start", ["link_worker", "starts_at"], unique=False
        )

    op.create_table(
        "consent_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("given_by", sa.String(length=14), nullable=False),
        sa.Column("representative_name", sa.String(length=200), nullable=True),
        sa.Column("representative_relationship", sa.String(length=100), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episode.id"],
            name=op.f("fk_consent_event_episode_id_episode"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["directory_organisation.id"],
            name=op.f("fk_consent_event_organisation_id_directory_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_consent_event_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_event")),
    )
    with op.batch_alter_table("consent_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_event_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consent_event_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_consent_event_patient_purpose", ["patient_id", "purpose"], unique=False
        )

    op.create_table(
        "signposting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("signposted_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episode.id"],
            name=op.f("fk_signposting_episode_id_episode"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_signposting_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["directory_service.id"],
            name=op.f("fk_signposting_service_id_directory_service"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signposting")),
    )
    with op.batch_alter_table("signposting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signposting_episode_id"), ["episode_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signposting_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_signposting_signposted_on"), ["signposted_on"], unique=False
        )

    with op.batch_alter_table("care_plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agreed_by_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("agreed_by_role", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("reviewer", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("review_on", sa.Date(), nullable=True))

    with op.batch_alter_table("care_plan_goal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confidence", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("review_outcome", sa.String(length=10), nullable=True))

    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.add_column(sa.Column("referrer_role", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column("referrer_organisation", sa.String(length=200), nullable=True)
        )
        batch_op.add_column(sa.Column("referrer_service", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("referrer_contact", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("return_response_to", sa.String(length=10), nullable=True))

    with op.batch_alter_table("outcome_measure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("concerns", sa.JSON(), nullable=True))

    with op.batch_alter_table("person_flag", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("informed", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("source", sa.String(length=10), server_default="app", nullable=False)
        )
        batch_op.add_column(sa.Column("source_code", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person_flag", schema=None) as batch_op:
        batch_op.drop_column("source_code")
        batch_op.drop_column("source")
        batch_op.drop_column("informed")
        batch_op.drop_column("category")

    with op.batch_alter_table("outcome_measure", schema=None) as batch_op:
        batch_op.drop_column("concerns")

    with op.batch_alter_table("episode", schema=None) as batch_op:
        batch_op.drop_column("return_response_to")
        batch_op.drop_column("referrer_contact")
        batch_op.drop_column("referrer_service")
        batch_op.drop_column("referrer_organisation")
        batch_op.drop_column("referrer_role")

    with op.batch_alter_table("care_plan_goal", schema=None) as batch_op:
        batch_op.drop_column("review_outcome")
        batch_op.drop_column("confidence")

    with op.batch_alter_table("care_plan", schema=None) as batch_op:
        batch_op.drop_column("review_on")
        batch_op.drop_column("reviewer")
        batch_op.drop_column("agreed_by_role")
        batch_op.drop_column("agreed_by_name")

    with op.batch_alter_table("signposting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signposting_signposted_on"))
        batch_op.drop_index(batch_op.f("ix_signposting_patient_id"))
        batch_op.drop_index(batch_op.f("ix_signposting_episode_id"))

    op.drop_table("signposting")
    with op.batch_alter_table("consent_event", schema=None) as batch_op:
        batch_op.drop_index("ix_consent_event_patient_purpose")
        batch_op.drop_index(batch_op.f("ix_consent_event_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_consent_event_episode_id"))

    op.drop_table("consent_event")
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_worker_start")
        batch_op.drop_index(batch_op.f("ix_appointment_patient_id"))
        batch_op.drop_index(batch_op.f("ix_appointment_episode_id"))

    op.drop_table("appointment")
    with op.batch_alter_table("social_context", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_social_context_lives_alone"))
        batch_op.drop_index(batch_op.f("ix_social_context_is_carer"))

    op.drop_table("social_context")
    op.drop_table("individual_requirements")
    with op.batch_alter_table("home_visit_risk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_home_visit_risk_patient_id"))

    op.drop_table("home_visit_risk")
