"""The OpenAPI document clients read at /api/openapi.json: the configuration API's part (owned by the
datasets app, stagecraft/apps/datasets/api/openapi.json, which also checks that API's bodies) merged
with the record store's (owned by the records app, stagecraft/apps/records/openapi.json), so each app
describes only its own routes. Paths shared by both (`/data-sets/{name}`: GET is the configuration
API's, DELETE and POST the record store's) are merged method by method; a method or component named
twice is an error, found when this module is imported.
"""

import json
from pathlib import Path

from django.http import HttpRequest, HttpResponse

from stagecraft.apps.apiclients.services import by_method
from stagecraft.libs.json_errors import json_response

_PARTS = [
    Path(__file__).resolve().parent / "apps" / "datasets" / "api" / "openapi.json",
    Path(__file__).resolve().parent / "apps" / "records" / "openapi.json",
]


def merge(configuration: dict, records: dict) -> dict:
    """One document with the paths and components of both; the first's info and top-level security."""
    merged = json.loads(json.dumps(configuration))
    merged["info"] = {
        "title": "Stagecraft: data-set configuration API and record store",
        "version": configuration["info"]["version"],
        "description": f"{configuration['info']['description']}\n\n{records['info']['description']}",
    }
    for template, operations in records["paths"].items():
        target = merged["paths"].setdefault(template, {})
        for method, operation in operations.items():
            if method in target:
                raise ValueError(f"{method.upper()} {template} is described twice")
            target[method] = operation
    for kind, entries in records.get("components", {}).items():
        target = merged.setdefault("components", {}).setdefault(kind, {})
        for name, entry in entries.items():
            if name in target:
                raise ValueError(f"components/{kind}/{name} is described twice")
            target[name] = entry
    return merged


DOCUMENT: dict = merge(*(json.loads(part.read_text()) for part in _PARTS))
DOCUMENT_TEXT = json.dumps(DOCUMENT, indent=2, ensure_ascii=False)


def _openapi(request: HttpRequest) -> HttpResponse:
    return json_response(None, body=DOCUMENT_TEXT)


openapi = by_method(GET=_openapi)
