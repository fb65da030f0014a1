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


_SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiopasdfghjklzxcvbnm")


def _is_common(password: str) -> bool:
    # NIST SP 800-63B §3.1.1.2: a listed password with padding, case or a digit/symbol tail
    # ("Password123!", " letmein ") is as guessable as the listed one.
    lowered = password.strip().lower()
    return lowered in COMMON_PASSWORDS or lowered.rstrip("0123456789!@#$%^&*.?_-+= ") in COMMON_PASSWORDS


def _is_trivial(password: str) -> bool:
    # One repeated character, or a straight run up or down ("zzzzzzzz", "23456789", "hgfedcba").
    lowered = password.lower()
    if len(set(lowered)) == 1:
        return True
    return any(lowered in run or lowered in run[::-1] for run in _SEQUENCES)


def check_policy(password: str, *, username: str | None = None) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(f"a password needs at least {MIN_LENGTH} characters")
    if len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        raise PasswordRejected(f"a password may be at most {BCRYPT_MAX_BYTES} bytes (bcrypt's limit)")
    if _is_common(password):
        raise PasswordRejected("that password is on the list of the most common passwords; choose another")
    if _is_trivial(password):
        raise PasswordRejected("a password may not be one repeated character or a straight run of keys")
    if username and len(username) >= 3 and username.lower() in password.lower():
        raise PasswordRejected("a password may not contain the username")


def hash_password(password: str, *, enforce_policy: bool = True, username: str | None = None) -> str:
    """A bcrypt hash (cost 12). The demo clinic's shared password skips the policy."""
    if enforce_policy:
        check_policy(password, username=username)
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
