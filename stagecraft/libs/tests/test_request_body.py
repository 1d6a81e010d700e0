import gzip

import pytest

from stagecraft.libs import request_body
from stagecraft.libs.request_body import BodyError, Problem


def test_it_inflates_in_bounded_steps():
    """The inflater never holds more than the limit plus one step of output."""
    chunks = iter([gzip.compress(b"[" + b" " * (20 * 1024 * 1024) + b"]")])
    with pytest.raises(BodyError) as caught:
        request_body._inflate(chunks, 10 * 1024 * 1024)
    assert caught.value.problem is Problem.TOO_LARGE


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_it_refuses_the_constants_json_does_not_have(constant):
    with pytest.raises(BodyError) as caught:
        request_body.parse_json(f"[{constant}]".encode())
    assert (caught.value.problem, caught.value.detail) == (Problem.NOT_JSON, f"{constant} is not valid JSON")


def test_it_refuses_text_that_is_not_utf8():
    with pytest.raises(BodyError) as caught:
        request_body.parse_json('{"a": 1}'.encode("utf-16"))
    assert caught.value.problem is Problem.NOT_UTF8
