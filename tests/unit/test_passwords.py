"""The password policy and bcrypt hashing (issue 12: passwords and sessions)."""

from __future__ import annotations

import bcrypt
import pytest

from services.passwords import (
    BCRYPT_COST,
    BCRYPT_MAX_BYTES,
    COMMON_PASSWORDS,
    MIN_LENGTH,
    PasswordRejected,
    check_policy,
    hash_password,
    verify_password,
)

GOOD = "Violet-harbour-42"


def test_policy_constants_meet_the_issue() -> None:
    """Minimum length 8, bcrypt's 72-byte limit, cost at least 12."""
    assert MIN_LENGTH >= 8
    assert BCRYPT_MAX_BYTES == 72
    assert BCRYPT_COST >= 12


@pytest.mark.parametrize("password", ["", "a", "Vi0let!", "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"])
def test_a_password_shorter_than_eight_characters_is_refused(password: str) -> None:
    """Fewer than 8 characters is refused, and the message gives the minimum."""
    with pytest.raises(PasswordRejected, match="at least 8 characters"):
        check_policy(password)


def test_eight_characters_are_enough() -> None:
    """Exactly 8 characters that are not common pass the policy."""
    check_policy("Vq7#mZp2")


@pytest.mark.parametrize(
    "password",
    [
        "x" * 36 + "Y" * 37,  # 73 ASCII bytes
        "k\u00e9tamine-" * 8,  # 80 bytes, 72 characters: counted in bytes, as bcrypt does
        "\U0001f512" * 19,  # 76 bytes in 19 characters
    ],
)
def test_a_password_longer_than_72_bytes_is_refused_with_a_message(password: str) -> None:
    """bcrypt silently ignores bytes past 72; we refuse instead, and say why."""
    with pytest.raises(PasswordRejected, match="72 bytes"):
        hash_password(password)


def test_72_bytes_exactly_are_accepted_and_verify() -> None:
    """A 72-byte password hashes and verifies; one byte more never verifies against it."""
    password = "Qz8!" + "w" * 30 + "v" * 38
    assert len(password.encode()) == 72
    stored = hash_password(password)
    assert verify_password(password, stored)
    assert not verify_password(password + "x", stored)


def test_two_passwords_that_share_72_bytes_cannot_both_log_in() -> None:
    """The truncation trap: a longer password with the same first 72 bytes is refused at login."""
    base = "Qz8!" + "w" * 68
    stored = hash_password(base)
    assert not verify_password(base + "anything", stored)
    assert bcrypt.checkpw(base.encode(), stored.encode())


@pytest.mark.parametrize(
    "password",
    ["password", "12345678", "PASSWORD1", "Passw0rd", "iloveyou", "qwerty123", "changeme", "letmein!", " password "],
)
def test_a_common_password_is_refused(password: str) -> None:
    """The most common passwords are refused whatever their case, padding or suffix."""
    with pytest.raises(PasswordRejected, match="most common passwords"):
        check_policy(password)


@pytest.mark.parametrize("password", ["Password123!", "letmein2024", "monkey#2026", "Dragon-99", "sunshine."])
def test_a_common_password_with_a_digit_or_symbol_tail_is_refused(password: str) -> None:
    """Adding digits or symbols to a listed password does not make it a new one."""
    with pytest.raises(PasswordRejected, match="most common passwords"):
        check_policy(password)


def test_the_product_names_are_on_the_list() -> None:
    """The product's and the demo's own words are refused (context-specific words, NIST 800-63B)."""
    assert {"kapcaseload", "kap-caseload", "ketamine", "kap-demo"} <= COMMON_PASSWORDS
    with pytest.raises(PasswordRejected):
        check_policy("Ketamine2026")


@pytest.mark.parametrize("password", ["zzzzzzzz", "abcdefghij", "23456789", "hgfedcba", "QWERTYUIOP"])
def test_repeated_or_sequential_characters_are_refused(password: str) -> None:
    """One repeated character or a straight run of keys is refused."""
    with pytest.raises(PasswordRejected):
        check_policy(password)


def test_a_password_containing_the_username_is_refused() -> None:
    """A password that contains the login's own name is refused."""
    with pytest.raises(PasswordRejected, match="username"):
        check_policy("Mreyes-harbour-42", username="mreyes")
    check_policy(GOOD, username="mreyes")


def test_the_message_never_echoes_the_password() -> None:
    """A refusal says why, never what was typed."""
    for password in ("short1!", "Password123!", "z" * 80):
        with pytest.raises(PasswordRejected) as refused:
            check_policy(password)
        assert password not in str(refused.value)


def test_hashes_are_bcrypt_at_cost_12_and_salted() -> None:
    """The stored hash is `$2b$12$…`, differs per call, and never holds the password."""
    first, second = hash_password(GOOD), hash_password(GOOD)
    assert first.startswith(f"$2b${BCRYPT_COST:02d}$") and second.startswith(f"$2b${BCRYPT_COST:02d}$")
    assert first != second
    assert GOOD not in first


def test_verify_accepts_the_right_password_only() -> None:
    """The right password verifies; a wrong one, another case, no hash or a broken hash do not."""
    stored = hash_password(GOOD)
    assert verify_password(GOOD, stored)
    assert not verify_password(GOOD.upper(), stored)
    assert not verify_password(GOOD + " ", stored)
    assert not verify_password(GOOD, None)
    assert not verify_password(GOOD, "")
    assert not verify_password(GOOD, "not-a-bcrypt-hash")


def test_policy_can_be_skipped_only_within_bcrypts_limit() -> None:
    """The demo's published password skips the policy, but never the 72-byte limit."""
    assert verify_password("kap-demo", hash_password("kap-demo", enforce_policy=False))
    with pytest.raises(PasswordRejected, match="72 bytes"):
        hash_password("d" * 73, enforce_policy=False)
