"""features/read_api/querying_from_service_data_endpoint.feature (tagged @wip in the original).

The scenario's `/service-data/<service>/<type>` became the original's `/data/<data-group>/<data-type>`
(backdrop-api.md §2.1); we serve the latter, and the former is not a route.
"""

from .data import DINOSAURS
from .helpers import results


def test_querying_data_by_data_group_and_data_type(data_set, go):
    data_set("rawr", *DINOSAURS, group="dinosaurs", type_="taxonomy", raw_queries_allowed=True)

    assert len(results(go("/data/dinosaurs/taxonomy"))) == 4


def test_the_service_data_path_is_not_served(data_set, go):
    data_set("rawr", *DINOSAURS, group="dinosaurs", type_="taxonomy")

    assert go("/service-data/dinosaurs/taxonomy").status_code == 404
