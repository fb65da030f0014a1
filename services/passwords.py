"""Password policy and hashing (bcrypt, cost 12) for clinician logins."""

from __future__ import annotations

import bcrypt

BCRYPT_COST = 12
MIN_LENGTH = 8
BCRYPT_MAX_BYTES = 72  # bcrypt ignores everything past 72 bytes; we refuse instead of truncating

# The most common leaked passwords (and obvious variants of the product's name) are refused.
COMMON_PASSWORDS = frozenset(
    """
    123456 123456789 12345678 password qwerty123 qwerty 1234567890 111111 1234567 12345
    123123 000000 iloveyou 1q2w3e4r 1q2w3e4r5t qwertyuiop abc123 password1 password123
    passw0rd p@ssw0rd p@ssword letmein welcome welcome1 admin admin123 administrator
    monkey dragon sunshine princess football baseball master superman batman trustno1
    starwars whatever shadow michael jennifer hunter2 charlie donald freedom ashley
    qazwsx zaq12wsx 654321 666666 121212 88888888 987654321 11111111 aaaaaaaa asdfghjkl
    asdfasdf changeme secret secret123 default guest therapist therapist1 clinician
    supervisor ketamine kapcaseload kap-caseload kap-demo demo1234 patient1 hospital
    """.split()
)


class PasswordRejected(ValueError):
    """The password does not meet the policy; the message says why (never echoes it)."""


def check_policy(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(f"a password needs at least {MIN_LENGTH} characters")
    if len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        raise PasswordRejected(f"a password may be at most {BCRYPT_MAX_BYTES} bytes (bcrypt's limit)")
    if password.lower() in COMMON_PASSWORDS:
        raise PasswordRejected("that password is on the list of the most common passwords; choose another")


def hash_password(password: str, *, enforce_policy: bool = True) -> str:
    """A bcrypt hash (cost 12). The demo clinic's shared password skips the policy."""
    if enforce_policy:
        check_policy(password)
    elif len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        raise PasswordRejected(f"a password may be at most {BCRYPT_MAX_BYTES} bytes (bcrypt's limit)")
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=BCRYPT_COST)).decode("ascii")


def verify_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        return False
    encoded = password.encode("utf-8")
    if len(encoded) > BCRYPT_MAX_BYTES:
        return False
    try:
        return bcrypt.checkpw(encoded, password_hash.encode("ascii"))
    except ValueError:
        return False
