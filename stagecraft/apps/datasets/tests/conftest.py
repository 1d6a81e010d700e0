import datetime

from stagecraft.testing.clock import frozen_at

NOW = datetime.datetime(2014, 6, 2, 12, 0, tzinfo=datetime.UTC)

frozen_now = frozen_at(NOW)
