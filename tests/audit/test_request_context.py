"""Which client address the audit trail trusts."""

from __future__ import annotations

from django.test import RequestFactory, override_settings

from alliance.audit.middleware import client_ip


def test_it_uses_the_connection_address_by_default() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "192.0.2.1"


@override_settings(AXES_IPWARE_META_PRECEDENCE_ORDER=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"])
def test_behind_a_proxy_it_uses_the_first_forwarded_address() -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.3, 10.0.0.1"
    )
    assert client_ip(request) == "198.51.100.3"


@override_settings(AXES_IPWARE_META_PRECEDENCE_ORDER=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"])
def test_a_forged_header_is_not_recorded_as_an_address() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")
    assert client_ip(request) in {None, "10.0.0.2"}
