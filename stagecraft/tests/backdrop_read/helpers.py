"""Checks shared by the original data store's read scenarios."""

import json


def results(response) -> list:
    assert response.status_code == 200, response.content
    return json.loads(response.content)["data"]


def without_derived(document: dict) -> dict:
    """A raw document without the fields our write path adds (period starts and `_updated_at`)."""
    return {
        key: value
        for key, value in document.items()
        if not key.endswith("_start_at") and key != "_updated_at"
    }
