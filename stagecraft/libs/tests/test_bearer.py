import pytest
from django.http import HttpRequest
from django.test import RequestFactory

from stagecraft.libs.bearer import bearer_token, secrets_match


def _request(header: str | None) -> HttpRequest:
    if header is None:
        return RequestFactory().get("/")
    return RequestFactory().get("/", HTTP_AUTHORIZATION=header)


@pytest.mark.parametrize(
    ("header", "token"),
    [(None, None), ("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", ""), ("Bearer", "")],
)
def test_it_reads_the_bearer_token_whatever_the_schemes_case(header, token):
    assert bearer_token(_request(header)) == token


@pytest.mark.parametrize(
    ("header", "token"),
    [(None, None), ("Bearer abc", "abc"), ("Bearer  abc ", " abc "), ("bearer abc", ""), ("Bearer ", "")],
)
def test_with_a_literal_prefix_it_takes_what_follows_the_case_sensitive_bearer(header, token):
    assert bearer_token(_request(header), literal_prefix=True) == token


@pytest.mark.parametrize(
    ("given", "expected", "result"),
    [("a", "a", True), ("a", "b", False), (None, None, False), ("", "", False), ("é", "é", True)],
)
def test_secrets_match_in_constant_time_and_never_when_empty(given, expected, result):
    assert secrets_match(given, expected) is result
