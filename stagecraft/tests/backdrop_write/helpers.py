"""The original data store's write feature files (alphagov/backdrop, features/), scenario by scenario,
sent to this app through Django's test client over the real routes. Each test module names the
feature file it follows; each test, the scenario. The data is our own, written inline to what each
scenario's steps send and check; nothing of the original's fixtures is copied.

How the original's steps map here:
- "I have a data_set named N with settings": a configured DataSet with that group and type (our
  names are always `<group>_<type>`, so a scenario's free-form name becomes that), the settings of
  the table, and, as the original's test Stagecraft gave every data set, the token "<name>-bearer-token".
- "I use the bearer token for the data_set" / "I have the bearer token T": `Authorization: Bearer ...`.
- "I POST/PUT to the specific path P": the body with `Content-Type: application/json`.
- "the stored data should contain ...": the Record rows left in the database.
"""

import datetime
import json

from stagecraft.apps.datasets.models.data_set import data_set_name
from stagecraft.apps.datasets.tests.factories import DataSetFactory
from stagecraft.apps.records.models import Record

NOW = datetime.datetime(2014, 9, 10, 12, 0, 0, tzinfo=datetime.UTC)
COLLECTION_TOKEN = "dev-create-endpoint-token"


def given_data_set(group: str, data_type: str, **settings):
    """'I have a data_set ... with settings' plus the original test Stagecraft's token."""
    name = data_set_name(group, data_type)
    settings.setdefault("bearer_token", f"{name}-bearer-token")
    return DataSetFactory.create(data_group__name=group, data_type__name=data_type, **settings)


def send(client, method: str, path: str, body, token: str | None = None, **headers):
    """One request as the original's steps send it: a JSON content type, the token if any."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.generic(method, path, data, content_type="application/json", **headers)


def stored(data_set, **fields) -> list[dict]:
    """The stored documents of the data set whose fields equal `fields`, as readers get them (with
    the derived fields, documents.py): what the original's steps read from its store."""
    documents = [record.document for record in Record.objects.filter(data_set=data_set).order_by("id")]
    return [doc for doc in documents if all(doc.get(key) == value for key, value in fields.items())]


def week_of(day: str) -> str:
    """A `_week_start_at` as stored: midnight UTC, ISO 8601."""
    return f"{day}T00:00:00+00:00"
