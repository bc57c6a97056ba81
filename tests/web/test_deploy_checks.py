"""``manage.py check --deploy`` catches a production server left on the development addresses."""

from __future__ import annotations

import pytest
from django.core.checks import Tags, run_checks
from django.test import override_settings


def _deploy_ids() -> set[str]:
    return {
        message.id
        for message in run_checks(tags=[Tags.security], include_deployment_checks=True)
        if message.id
    }


@pytest.mark.parametrize("site_url", ["http://127.0.0.1:8000", "http://localhost:8811", ""])
def test_a_local_site_url_is_an_error(site_url: str) -> None:
    with override_settings(SITE_URL=site_url, ALLOWED_HOSTS=["alliance.example.org"]):
        assert "alliance.E001" in _deploy_ids()


def test_a_plain_http_site_url_is_a_warning() -> None:
    with override_settings(
        SITE_URL="http://alliance.example.org", ALLOWED_HOSTS=["alliance.example.org"]
    ):
        ids = _deploy_ids()
    assert "alliance.W002" in ids
    assert "alliance.E001" not in ids


def test_local_allowed_hosts_are_a_warning() -> None:
    with override_settings(
        SITE_URL="https://alliance.example.org", ALLOWED_HOSTS=["localhost", "127.0.0.1"]
    ):
        assert "alliance.W003" in _deploy_ids()


def test_a_configured_server_passes() -> None:
    with override_settings(
        SITE_URL="https://alliance.example.org", ALLOWED_HOSTS=["alliance.example.org"]
    ):
        assert not {"alliance.E001", "alliance.W002", "alliance.W003"} & _deploy_ids()


def test_the_checks_only_run_with_deploy() -> None:
    with override_settings(SITE_URL="http://127.0.0.1:8000"):
        assert "alliance.E001" not in {message.id for message in run_checks(tags=[Tags.security])}
