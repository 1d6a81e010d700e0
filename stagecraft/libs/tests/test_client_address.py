import pytest
from django.test import RequestFactory, override_settings

from stagecraft.libs.client_address import client_address, client_ip, trusted_networks


def _request(remote: str | None = "203.0.113.9", forwarded: str | None = None):
    request = RequestFactory().get("/")
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    if remote is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote
    return request


@pytest.mark.parametrize("forwarded", [None, "6.6.6.6", "6.6.6.6, 10.0.0.1", "garbage"])
def test_without_trusted_proxies_it_takes_the_connections_address_whatever_is_forwarded(forwarded):
    assert client_address(_request("203.0.113.9", forwarded)) == "203.0.113.9"


@override_settings(STAGECRAFT_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_spoofed_forwarded_for_from_an_untrusted_address_is_not_believed():
    assert client_address(_request("203.0.113.9", "6.6.6.6")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("forwarded", "address"),
    [
        # The proxy appended the address it got the request from.
        ("198.51.100.7", "198.51.100.7"),
        # The client wrote 6.6.6.6 itself: only the right-most untrusted address counts.
        ("6.6.6.6, 198.51.100.7", "198.51.100.7"),
        # Two trusted proxies in a row are skipped.
        ("6.6.6.6, 198.51.100.7, 10.1.2.3", "198.51.100.7"),
        (" 198.51.100.7 ,", "198.51.100.7"),
        ("2001:db8::5", "2001:db8::5"),
        # Every hop trusted: the left-most one is as far as the chain goes.
        ("10.9.9.9, 10.1.2.3", "10.9.9.9"),
        # No header, or an entry that is not an address: the last proxy that can be named.
        (None, "10.0.0.1"),
        ("", "10.0.0.1"),
        ("not-an-address", "10.0.0.1"),
        ("198.51.100.7, not-an-address, 10.1.2.3", "10.1.2.3"),
    ],
)
@override_settings(STAGECRAFT_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_it_takes_the_right_most_untrusted_forwarded_address(forwarded, address):
    assert client_address(_request("10.0.0.1", forwarded)) == address


@override_settings(STAGECRAFT_TRUSTED_PROXIES=["10.0.0.1", "2001:db8:ffff::/48"])
def test_proxies_are_single_addresses_or_networks_of_either_family():
    assert client_address(_request("2001:db8:ffff::1", "198.51.100.7")) == "198.51.100.7"
    assert client_address(_request("10.0.0.2", "198.51.100.7")) == "10.0.0.2"


@pytest.mark.parametrize("remote", [None, "", "not-an-address"])
def test_without_a_connection_address_it_says_unknown(remote):
    assert client_address(_request(remote)) == "unknown"
    assert client_ip(_request(remote)) is None


def test_a_bad_proxy_entry_is_named():
    with pytest.raises(ValueError, match="'10.0.0.300' in STAGECRAFT_TRUSTED_PROXIES is not an IP address"):
        trusted_networks(("10.0.0.300",))
