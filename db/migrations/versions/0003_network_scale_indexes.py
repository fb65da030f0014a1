"""Indexes a clinic network needs: a caseload's cost must follow the caseload, not the database.

The views read stored flags and clinicians' flag actions for the patients in scope
(`WHERE flags.patient_id IN (…)`, joined to their transitions). Without an index led by
`patient_id` both databases scan every flag of the network for each caseload (see
benchmarks/README.md for the plans before and after).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_flags_patient_kind", "flags", ["patient_id", "kind"])


def downgrade() -> None:
    op.drop_index("ix_flags_patient_kind", table_name="flags")
