"""Passwords are hashed with Argon2 in production (tests use MD5 for speed)."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import override_settings

from alliance.accounts.models import User
from tests.factories import PASSWORD


def production_hashers() -> list[str]:
    production = importlib.import_module("alliance.project.settings")
    return list(production.PASSWORD_HASHERS)


def test_production_hashes_new_passwords_with_argon2() -> None:
    assert production_hashers()[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hashes_and_checks_a_password() -> None:
    with override_settings(PASSWORD_HASHERS=production_hashers()):
        encoded = make_password(PASSWORD)
        assert encoded.startswith("argon2$argon2id$")
        assert identify_hasher(encoded).algorithm == "argon2"
        assert check_password(PASSWORD, encoded)
        assert not check_password("another password", encoded)


@pytest.mark.django_db
def test_a_person_signs_in_with_an_argon2_password(client, clinic) -> None:  # type: ignore[no-untyped-def]
    with override_settings(PASSWORD_HASHERS=production_hashers()):
        user = User.objects.create_user("argon@riviere.example", PASSWORD, clinic=clinic)
        assert user.password.startswith("argon2$")
        response = client.post("/accounts/sign-in/", {"username": user.email, "password": PASSWORD})
        assert response.status_code == 302
