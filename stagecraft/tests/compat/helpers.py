"""The demo data set the contract tests write to and read from (loaded by the `demo` fixture)."""

import pytest
import requests

GROUP, TYPE = "carers-allowance", "transactions-by-channel"
NAME = "carers_allowance_transactions_by_channel"


def response_of(raised: pytest.ExceptionInfo[requests.HTTPError]) -> requests.Response:
    """The response the library's HTTPError carries (it always raises one with a response)."""
    response = raised.value.response
    assert response is not None, "the HTTPError carries no response"
    return response
