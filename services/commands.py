"""The run_* function behind each `manage.py` command, gathered from their modules."""

from services.cli_admin import run_audit, run_backup
from services.cli_clinical import run_evaluate, run_flags, run_outcomes
from services.cli_demo import run_demo
from services.cli_notes import run_notes
from services.cli_records import run_export, run_import, run_init_db, run_users

__all__ = [
    "run_audit",
    "run_backup",
    "run_demo",
    "run_evaluate",
    "run_export",
    "run_flags",
    "run_import",
    "run_init_db",
    "run_notes",
    "run_outcomes",
    "run_users",
]
