"""Who a request is counted as (sync/central/web/addresses.py): the connection's address, or the
last hop the trusted reverse proxy added, never what a client wrote in a header itself."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from sync.central.web.addresses import client_address, rate_key, trusted_proxies


def _request(peer: str, forwarded: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/status", REMOTE_ADDR=peer, **headers)


def test_without_a_trusted_proxy_the_header_is_ignored():
    assert client_address(_request("198.51.100.4", "203.0.113.1")) == "198.51.100.4"


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
def test_from_a_trusted_proxy_its_last_hop_is_the_client():
    assert client_address(_request("127.0.0.1", "203.0.113.1, 198.51.100.9")) == "198.51.100.9"
    assert client_address(_request("10.1.2.3", "198.51.100.9")) == "198.51.100.9"
    assert client_address(_request("::ffff:127.0.0.1", "198.51.100.9")) == "198.51.100.9"
    # Not from the proxy, or no usable hop: the connection's own address.
    assert client_address(_request("192.0.2.7", "198.51.100.9")) == "192.0.2.7"
    assert client_address(_request("127.0.0.1", "")) == "127.0.0.1"
    assert client_address(_request("127.0.0.1", "198.51.100.9, not-an-address")) == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=["unix"])
def test_a_proxy_on_a_unix_socket_can_be_trusted():
    assert client_address(_request("", "198.51.100.9")) == "198.51.100.9"
    assert client_address(_request("192.0.2.7", "198.51.100.9")) == "192.0.2.7"


def test_an_ipv6_client_is_counted_by_its_64_network():
    assert rate_key("2001:db8:1:2:aaaa::1") == rate_key("2001:db8:1:2:bbbb::2") \
        == "2001:db8:1:2::/64"
    assert rate_key("198.51.100.4") == "198.51.100.4"


def test_a_mistyped_proxy_setting_is_refused_with_its_name():
    assert trusted_proxies(" 127.0.0.1, ::1 ,unix") == ["127.0.0.1", "::1", "unix"]
    with pytest.raises(ValueError, match="KIOSK_CENTRAL_TRUSTED_PROXIES: '127.0.0.300'"):
        trusted_proxies("127.0.0.300")
