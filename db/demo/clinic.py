"""The demo clinic's people: three therapists, their supervisor and an admin.

All five log in with the published password `kap-demo`. It is hashed here with bcrypt
directly because `db/` must not import `services/` (where the password policy lives; the
policy would rightly refuse so short and well-known a password for a real login).
"""

from __future__ import annotations

from dataclasses import dataclass

import bcrypt

from db.models import Clinician

DEMO_PASSWORD = "kap-demo"
BCRYPT_COST = 12  # the same cost as real logins, so the demo exercises the real login path


@dataclass(frozen=True)
class DemoClinician:
    """One demo login: username, name shown on screen, role and supervisor."""

    username: str
    display_name: str
    role: str
    supervisor: str | None = None


SUPERVISOR = DemoClinician("supervisor", "Dr. Miriam Okafor-Lind, PhD", "supervisor")
THERAPISTS = (
    DemoClinician("therapist", "Dana Whitcombe, LCSW", "therapist", "supervisor"),
    DemoClinician("therapist2", "Rafael Ostrowski, PsyD", "therapist", "supervisor"),
    DemoClinician("therapist3", "Priya Vandermeer, LMFT", "therapist", "supervisor"),
)
ADMIN = DemoClinician("admin", "Clinic Administrator", "admin")

# The supervisor comes first: the therapists' rows refer to it.
DEMO_CLINICIANS = (SUPERVISOR, *THERAPISTS, ADMIN)
DEMO_USERNAMES = tuple(person.username for person in DEMO_CLINICIANS)


def hash_demo_password(password: str = DEMO_PASSWORD) -> str:
    """One bcrypt hash (cost 12) of the demo password, shared by the five demo logins."""
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=BCRYPT_COST)).decode("ascii")


def clinician_rows(password_hash: str) -> list[Clinician]:
    """ORM rows for the demo logins, in an order that satisfies the supervisor reference."""
    return [
        Clinician(
            username=person.username,
            display_name=person.display_name,
            role=person.role,
            supervisor=person.supervisor,
            password_hash=password_hash,
            disabled=False,
            failed_logins=0,
        )
        for person in DEMO_CLINICIANS
    ]
