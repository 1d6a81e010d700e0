"""Client methods for things this app deliberately doesn't serve (dashboards, modules, transforms,
organisations, collectors, Signon re-auth): each gets a clean 404 in the API's JSON error shape,
never a 500 and never a data-store answer for a data set that happens to share the route's name."""

import pytest
import requests

from .client_library import AdminAPI
from .helpers import NAME, response_of

NOT_SERVED = [
    ("get_data_set_transforms", (NAME,)),
    ("get_data_set_dashboard", (NAME,)),
    ("list_dashboards", ()),
    ("get_dashboard", ("1",)),
    ("get_module", ("1",)),
    ("get_dashboards", ({"slug": "carers-allowance"},)),
    ("get_dashboard_by_tx_id", ("dvla-tax-disc",)),
    ("get_transform_types", ()),
    ("create_transform", ({"type_id": "x"},)),
    ("create_dashboard", ({"slug": "x"},)),
    ("update_dashboard", ("1", {"slug": "x"})),
    ("delete_dashboard", ("1",)),
    ("list_organisations", ({"type": "department"},)),
    ("list_modules_on_dashboard", ("1",)),
    ("add_module_to_dashboard", ("1", {"slug": "x"})),
    ("list_module_types", ()),
    ("add_module_type", ({"name": "x"},)),
    ("reauth", ("1234",)),
]
COLLECTOR_API = [
    ("get_collector_type", ("ga",)),
    ("list_collector_types", ()),
    ("get_collector", ("1",)),
    ("list_collectors", ()),
]


def _assert_clean_404(call) -> None:
    with pytest.raises(requests.HTTPError) as raised:
        call()
    response = response_of(raised)
    assert response.status_code == 404, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "error"
    assert "does not serve" in body["message"]
    assert body["errors"] == [{"status": "404", "title": "Not Found", "detail": body["message"]}]


@pytest.mark.parametrize(("method", "args"), NOT_SERVED, ids=[method for method, _ in NOT_SERVED])
def test_admin_api_methods_for_what_is_not_served_get_a_clean_404(admin_api, method, args):
    _assert_clean_404(lambda: getattr(admin_api, method)(*args))


@pytest.mark.parametrize(("method", "args"), COLLECTOR_API, ids=[method for method, _ in COLLECTOR_API])
def test_collector_api_methods_get_a_clean_404(live_server, admin_token, method, args):
    from performanceplatform.client import CollectorAPI

    api = CollectorAPI(live_server.url, admin_token)
    api.retry_on_error = False
    _assert_clean_404(lambda: getattr(api, method)(*args))


def test_without_a_token_they_still_answer_404(live_server, transactional_db):
    api = AdminAPI(live_server.url, None)
    api.retry_on_error = False
    _assert_clean_404(api.list_dashboards)
