import pytest
from jsonschema import Draft202012Validator

from stagecraft.apps.datasets.api.bodies import OPENAPI

pytestmark = pytest.mark.django_db

# Every response in these tests is also checked against the document by the `api` fixture
# (stagecraft/testing/api.py); these tests check the document itself.


def test_it_serves_the_document_with_this_apps_part(api):
    response = api.get("/api/openapi.json")
    assert response.status_code == 200
    served = response.json()
    assert served["openapi"].startswith("3.")
    for path, operations in OPENAPI["paths"].items():
        for method, operation in operations.items():
            assert served["paths"][path][method] == operation


def test_its_schemas_are_valid_json_schemas():
    for schema in OPENAPI["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)  # raises, naming the problem


def test_every_operation_documents_its_errors_in_the_error_shape():
    for path, operations in OPENAPI["paths"].items():
        for method, operation in operations.items():
            expected = "Error"
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": f"#/components/schemas/{expected}"}, (path, method, status)
