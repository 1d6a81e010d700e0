import datetime
import logging

import pytest

from stagecraft.apps.datasets.tests.factories import DataSetFactory, DataTypeFactory
from stagecraft.testing.clock import frozen_at

NOW = datetime.datetime(2014, 1, 20, 12, 0, 0, tzinfo=datetime.UTC)


frozen_now = frozen_at(NOW)


@pytest.fixture
def data_set(db):
    return DataSetFactory.create(
        data_group__name="carers-allowance", data_type__name="journey", bearer_token="secret"
    )


@pytest.fixture
def transactions_data_set(db):
    """A data set whose data type adds its own schema (count: integer, channel: string)."""
    data_type = DataTypeFactory.create(
        name="transactions-by-channel",
        schema={
            "type": "object",
            "properties": {"count": {"type": "integer"}, "channel": {"type": "string"}},
            "required": ["count", "channel"],
        },
    )
    return DataSetFactory.create(
        data_group__name="carers-allowance",
        data_type=data_type,
        bearer_token="secret",
        auto_ids="_timestamp,channel",
    )


@pytest.fixture
def records_log(caplog):
    """The lines logged on "stagecraft.records" (which doesn't propagate to the root logger)."""
    logger = logging.getLogger("stagecraft.records")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="stagecraft.records")
    yield caplog
    logger.removeHandler(caplog.handler)
